"""Zooming into a sample grid keeps whole images with their gutters."""

import numpy as np
import torch
from torchvision.utils import make_grid

from core.gan.sample_view import corner_tiles, tile_size


def test_the_corner_of_a_make_grid_holds_exactly_the_first_images():
    images = torch.arange(64, dtype=torch.float32).view(64, 1, 1, 1).expand(64, 3, 28, 28) / 63
    grid = make_grid(images, nrow=8, padding=2).permute(1, 2, 0).numpy()
    corner = corner_tiles(grid, tile_size("glyphs"), 2)
    assert corner.shape[:2] == (62, 62)
    # image (r, c) is number 8 r + c and starts at 2 + 30 r, 2 + 30 c; the gutters are 0
    for row in range(2):
        for column in range(2):
            top, left = 2 + 30 * row, 2 + 30 * column
            assert np.all(corner[top : top + 28, left : left + 28] == (8 * row + column) / 63)
    assert np.all(corner[:2] == 0) and np.all(corner[:, 60:62] == 0)


def test_asking_for_more_images_than_the_grid_has_gives_the_whole_grid():
    grid = np.zeros((242, 242, 3), dtype=np.uint8)
    assert corner_tiles(grid, 28, 8).shape == (242, 242, 3)
    assert corner_tiles(grid, 28, 10).shape == (242, 242, 3)
    assert tile_size("cifar10") == 32 and tile_size("fashion-mnist") == 28
