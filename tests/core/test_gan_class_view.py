"""A conditional run's samples by class: three of each class at a glance, or all of one class."""

import numpy as np
import torch

from core.gan.class_view import classes_at_a_glance, grid_tiles, one_class, tile_image
from core.gan.grids import image_grid, to_uint8

TILE = 4


def labelled_grid(classes: int = 10, per_class: int = 10) -> np.ndarray:
    """A grid as the trainer draws a conditional run: row k holds class k; image (k, i) is filled with a
    grey level that encodes (k, i), so every tile can be recognised after cutting."""
    levels = torch.tensor([[(10 * k + i) / 100 for i in range(per_class)] for k in range(classes)])
    images = (levels.view(-1, 1, 1, 1) * 2 - 1).expand(-1, 1, TILE, TILE)
    return to_uint8(image_grid(images, per_class))


def code(tile: np.ndarray) -> int:
    """(k, i) of a tile, as 10 k + i, from its grey level."""
    return int(round(tile[0, 0, 0] / 255 * 100))


def test_cutting_a_grid_into_tiles_and_back_gives_the_same_grid():
    grid = labelled_grid()
    tiles = grid_tiles(grid, TILE)
    assert tiles.shape == (10, 10, TILE, TILE, 3)
    assert [[code(t) for t in row] for row in tiles[:2]] == [list(range(10)), list(range(10, 20))]
    assert np.array_equal(tile_image(tiles), grid)


def test_three_of_every_class_at_a_glance_one_column_per_class():
    view = grid_tiles(classes_at_a_glance(labelled_grid(), TILE), TILE)
    assert view.shape[:2] == (3, 10)
    assert [[code(t) for t in row] for row in view] == [[10 * k + i for k in range(10)] for i in range(3)]


def test_one_class_shows_all_its_samples_five_to_a_row():
    view = grid_tiles(one_class(labelled_grid(), TILE, 7), TILE)
    assert view.shape[:2] == (2, 5)
    assert [code(t) for t in view.reshape(10, TILE, TILE, 3)] == list(range(70, 80))
