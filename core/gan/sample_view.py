"""A closer look at a sample grid: its top-left k x k images, so each is big enough to read.

The trainer tiles its samples as torchvision's make_grid does: images of `tile` pixels a side, a
`padding`-pixel gutter before every row and column and after the last, so image (r, c) starts at
padding + r * (tile + padding). The corner of k x k images is then the first padding + k * (tile + padding)
rows and columns. A terminal shows an 8 x 8 grid of 28-pixel images at a few pixels per image; the
corner that fits at no more than half size per axis can still be read.
"""

from __future__ import annotations

import numpy as np

GRID_PADDING = 2  # core.gan.grids.image_grid's gutter
MOST_SHRINK = 2   # a digit shrunk more than this per axis no longer reads as one


def tile_size(data: str) -> int:
    """Pixels per side of one image of data set `data`: 32 for CIFAR-10, 28 for the digit-sized sets."""
    return 32 if data == "cifar10" else 28


def corner_tiles(grid: np.ndarray, tile: int, count: int, padding: int = GRID_PADDING) -> np.ndarray:
    """The top-left `count` x `count` images of `grid` with their gutters (the whole grid if it has fewer)."""
    side = padding + count * (tile + padding)
    return grid[:side, :side]


def readable_count(tile: int, width: int, height: int, most: int = 8, padding: int = GRID_PADDING) -> int:
    """The most images per side (up to `most`, at least 1) whose corner fits `width` x `height` pixels
    shrunk at most MOST_SHRINK times per axis: as many samples as can still be read."""
    for count in range(most, 1, -1):
        if padding + count * (tile + padding) <= MOST_SHRINK * min(width, height):
            return count
    return 1
