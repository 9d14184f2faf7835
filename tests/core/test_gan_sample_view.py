"""Zooming into a sample grid keeps whole images with their gutters."""

import numpy as np
import torch
from torchvision.utils import make_grid

from core.gan.sample_view import corner_tiles, readable_count, tile_size


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


def test_the_fitting_zoom_shows_as_many_images_as_read_at_half_size_or_larger():
    # k images of 28 px with 2-px gutters span 2 + 30 k pixels; at most half size means 2 + 30 k <= 2 * side
    assert readable_count(28, 96, 50) == 3     # the GAN tab's sample area at 100x30: 92 px fit in 100
    assert readable_count(28, 96, 44) == 2     # 92 px would need more than half size
    assert readable_count(28, 240, 240) == 8   # every image of the 8 x 8 grid
    assert readable_count(28, 10, 10) == 1     # too small for any: one image, shrunk as it must be
    assert readable_count(32, 100, 100) == 5   # CIFAR-10's 32-px tiles: 2 + 34 * 5 = 172 <= 200
