"""Pictures of a generator's samples: an image grid, or a scatter plot of 2-D points over the data.

Both are float (3, H, W) tensors in [0, 1], the form torchvision's save_image writes as PNG; `to_uint8`
gives the (H, W, 3) uint8 array the terminal draws.
"""

from __future__ import annotations

import numpy as np
import torch
from torchvision.utils import make_grid

from core.gan.scatter_colours import DATA, SAMPLES

SCATTER_SIZE = 96          # pixels a side


def image_grid(images: torch.Tensor, nrow: int) -> torch.Tensor:
    """Images (B, C, H, W) in [-1, 1] tiled `nrow` to a row with 2-pixel gaps."""
    return make_grid(images.float().cpu(), nrow=nrow, padding=2, normalize=True, value_range=(-1, 1))


def scatter_plot(points: torch.Tensor, data: torch.Tensor, extent: float, size: int = SCATTER_SIZE,
                 background: torch.Tensor | None = None) -> torch.Tensor:
    """Samples (N, 2) drawn bright over the data's density (blue) on the square [-extent, extent]^2, y up,
    on black or on a (3, size, size) `background` (such as core.gan.heatmap's picture of D)."""
    picture = torch.zeros(3, size, size) if background is None else background.float().clone()
    for cloud, colour, weight in ((data, DATA, 0.6), (points, SAMPLES, 1.0)):
        density = _density(cloud.float().cpu(), extent, size)
        shade = weight * (density / density.max().clamp(min=1)).sqrt()  # sqrt: sparse modes stay visible
        picture = torch.maximum(picture, torch.tensor(colour)[:, None, None] * shade)
    return picture


def _density(points: torch.Tensor, extent: float, size: int) -> torch.Tensor:
    cells = ((points + extent) / (2 * extent) * size).floor().long()
    inside = ((cells >= 0) & (cells < size)).all(dim=1)
    column, row = cells[inside, 0], size - 1 - cells[inside, 1]
    return torch.bincount(row * size + column, minlength=size * size).view(size, size).float()


def to_uint8(picture: torch.Tensor) -> np.ndarray:
    """(3, H, W) in [0, 1] -> (H, W, 3) uint8, rounded as save_image rounds."""
    return picture.mul(255).add_(0.5).clamp_(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
