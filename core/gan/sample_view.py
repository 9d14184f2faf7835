"""A closer look at a sample grid: its top-left k x k images, so each is big enough to read.

The trainer tiles its samples as torchvision's make_grid does: images of `tile` pixels a side, a
`padding`-pixel gutter before every row and column and after the last, so image (r, c) starts at
padding + r * (tile + padding). The corner of k x k images is then the first padding + k * (tile + padding)
rows and columns. A terminal shows an 8 x 8 grid of 28-pixel images at a few pixels per image; 4 x 4
or 2 x 2 of them at a readable size.
"""

from __future__ import annotations

import numpy as np

GRID_PADDING = 2  # core.gan.grids.image_grid's gutter


def tile_size(data: str) -> int:
    """Pixels per side of one image of data set `data`: 32 for CIFAR-10, 28 for the digit-sized sets."""
    return 32 if data == "cifar10" else 28


def corner_tiles(grid: np.ndarray, tile: int, count: int, padding: int = GRID_PADDING) -> np.ndarray:
    """The top-left `count` x `count` images of `grid` with their gutters (the whole grid if it has fewer)."""
    side = padding + count * (tile + padding)
    return grid[:side, :side]
