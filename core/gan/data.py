"""The GAN lab's data sets as tensors that stay resident on the training device.

Images come scaled to [-1, 1] (x / 127.5 - 1 for uint8 pixels), the range of a tanh generator.
- glyphs: procedurally drawn 28x28 digit-like images, 10 balanced classes (see core.gan.glyphs);
- ring8: 8 Gaussians, centres on a circle of radius 2 at angles 2 pi k / 8, std 0.02 per coordinate;
- grid25: 25 Gaussians, centres on the 5x5 grid {-4, -2, 0, 2, 4}^2, std 0.05 per coordinate;
- mnist, fashion-mnist, cifar10: from a user's folder (see core.gan.real_data).
Every random set is a function of (seed, split): train and test draws of one seed are independent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch

from core.errors import InvalidSetting
from core.gan.glyphs import render_glyphs
from core.gan.real_data import read_real

DATASETS = ("glyphs", "ring8", "grid25", "mnist", "fashion-mnist", "cifar10")  # names users type
MIXTURES = ("ring8", "grid25")
DEFAULT_GLYPHS = {True: 60_000, False: 10_000}  # like MNIST's train and test splits
DEFAULT_POINTS = 100_000
_MIXTURE_STD = {"ring8": 0.02, "grid25": 0.05}


@dataclass(frozen=True)
class TensorData:
    """A whole data set in memory: float32 samples and, for image sets, int64 labels 0..num_classes-1."""

    name: str
    x: torch.Tensor          # images (N, C, H, W) in [-1, 1]; points (N, 2)
    y: torch.Tensor | None   # (N,) labels; None for the unlabelled 2-D sets
    num_classes: int         # 10 for the image sets, 0 for the 2-D sets

    @property
    def is_image(self) -> bool:
        return self.x.dim() == 4

    @property
    def shape(self) -> tuple[int, ...]:
        """One sample's shape: (1, 28, 28), (3, 32, 32) or (2,)."""
        return tuple(self.x.shape[1:])


def mixture_modes(name: str) -> np.ndarray:
    """Mode centres of a 2-D mixture: (8, 2) for ring8, (25, 2) for grid25, row-major from (-4, -4)."""
    if name == "ring8":
        angle = 2 * np.pi * np.arange(8) / 8
        return 2.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    if name == "grid25":
        axis = np.arange(-4.0, 5.0, 2.0)
        return np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)
    raise InvalidSetting("data", f"{name!r} is not a 2-D mixture; choose one of {', '.join(MIXTURES)}")


def mixture_std(name: str) -> float:
    """Standard deviation of every mode of a 2-D mixture, per coordinate."""
    mixture_modes(name)  # the same check and message for an unknown name
    return _MIXTURE_STD[name]


def _rng(seed: int, train: bool) -> np.random.Generator:
    return np.random.default_rng([seed, 0 if train else 1])


def _check(name: str, seed: int, size: int | None) -> None:
    if name not in DATASETS:
        raise InvalidSetting("data", f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidSetting("seed", f"must be a whole number >= 0 (got {seed!r})")
    if size is not None and (isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1):
        raise InvalidSetting("size", f"must be a whole number >= 1 (got {size!r})")


def load_data(name: str, data_dir: str | os.PathLike | None = None, *, train: bool = True,
              seed: int = 0, download: bool = False, size: int | None = None) -> TensorData:
    """Load or generate data set `name` (one of DATASETS) as one TensorData.

    glyphs: `size` images (default 60,000 for train, 10,000 for test), exactly balanced when size is a
    multiple of 10, generated from (seed, train). ring8/grid25: `size` points (default 100,000), modes
    picked uniformly. mnist/fashion-mnist/cifar10: the files in `data_dir`, the first `size` samples if
    given; downloaded into `data_dir` only when `download` is true. `seed` does not affect the real sets.
    Raises InvalidSetting with field "data", "data_dir", "download", "seed" or "size".
    """
    _check(name, seed, size)
    if name == "glyphs":
        n = DEFAULT_GLYPHS[train] if size is None else size
        rng = _rng(seed, train)
        labels = torch.as_tensor(rng.permutation(np.arange(n) % 10), dtype=torch.int64)
        ink = render_glyphs(labels, rng)
        return TensorData(name, ink.mul_(2.0).sub_(1.0), labels, 10)
    if name in MIXTURES:
        n = DEFAULT_POINTS if size is None else size
        rng = _rng(seed, train)
        modes = mixture_modes(name)
        points = modes[rng.integers(0, len(modes), n)] + rng.normal(0.0, mixture_std(name), (n, 2))
        return TensorData(name, torch.as_tensor(points, dtype=torch.float32), None, 0)
    images, labels = read_real(name, data_dir, train, download)
    if size is not None:
        if size > len(images):
            raise InvalidSetting("size", f"{size} is more than the {len(images)} {name} images found")
        images, labels = images[:size], labels[:size]
    x = torch.from_numpy(images.astype(np.float32)).div_(127.5).sub_(1.0)
    return TensorData(name, x, torch.from_numpy(labels.astype(np.int64)), 10)
