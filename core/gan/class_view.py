"""A conditional generator's samples by class, cut from its sample grid and laid out again.

The trainer draws a conditional run's fixed samples as one row per class (row k = class k, 10 samples
each), tiled as core.gan.sample_view describes: `tile`-pixel images with a `padding`-pixel gutter before
every row and column and after the last. A terminal cannot show all 100 at a readable size, so the GAN
tab shows either three samples of every class (one column per class, as the homework asks) or the ten
samples of one chosen class.
"""

from __future__ import annotations

import numpy as np

from core.gan.sample_view import GRID_PADDING

PER_CLASS_AT_A_GLANCE = 3
ONE_CLASS_COLUMNS = 5


def grid_tiles(grid: np.ndarray, tile: int, padding: int = GRID_PADDING) -> np.ndarray:
    """The images of a tiled grid (H, W, 3) as an array (rows, columns, tile, tile, 3)."""
    rows, columns = ((size - padding) // (tile + padding) for size in grid.shape[:2])
    starts = padding + np.arange(max(rows, columns)) * (tile + padding)
    return np.stack([np.stack([grid[r:r + tile, c:c + tile] for c in starts[:columns]]) for r in starts[:rows]])


def tile_image(tiles: np.ndarray, padding: int = GRID_PADDING) -> np.ndarray:
    """Tiles (rows, columns, tile, tile, 3) back into one image with black gutters, as make_grid draws."""
    rows, columns, tile = tiles.shape[:3]
    image = np.zeros((padding + rows * (tile + padding), padding + columns * (tile + padding), 3), tiles.dtype)
    for r in range(rows):
        for c in range(columns):
            top, left = padding + r * (tile + padding), padding + c * (tile + padding)
            image[top:top + tile, left:left + tile] = tiles[r, c]
    return image


def classes_at_a_glance(grid: np.ndarray, tile: int, per_class: int = PER_CLASS_AT_A_GLANCE) -> np.ndarray:
    """The first `per_class` samples of every class: column k shows class k, top to bottom."""
    tiles = grid_tiles(grid, tile)[:, :per_class]        # (classes, per_class, ...)
    return tile_image(tiles.transpose(1, 0, 2, 3, 4))


def one_class(grid: np.ndarray, tile: int, label: int, columns: int = ONE_CLASS_COLUMNS) -> np.ndarray:
    """All samples of class `label`, `columns` to a row."""
    samples = grid_tiles(grid, tile)[label]               # (per_class, tile, tile, 3)
    rows = -(-len(samples) // columns)
    padded = np.zeros((rows * columns, *samples.shape[1:]), samples.dtype)
    padded[: len(samples)] = samples
    return tile_image(padded.reshape(rows, columns, *samples.shape[1:]))
