"""Generators and discriminators: an MLP pair and the DCGAN of the TensorFlow tutorial.

Every generator maps noise z (B, z_dim) to samples (B, *shape); every discriminator maps samples to one
logit (or critic score) per sample, shape (B, 1). Conditional variants take int64 labels (B,) and
concatenate their one-hot code: to z for G, to D's input (as extra constant image planes for the DCGAN).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from core.gan.config import GanConfig

DCGAN_SLOPE = 0.3  # Keras' LeakyReLU default, which the TensorFlow DCGAN tutorial uses
MLP_SLOPE = 0.2


def _with_label(z: torch.Tensor, labels: torch.Tensor | None, num_classes: int) -> torch.Tensor:
    if num_classes == 0:
        return z
    return torch.cat([z, F.one_hot(labels, num_classes).to(z.dtype)], dim=1)


class MlpGenerator(nn.Module):
    """z -> 3 x (Linear, ReLU) -> Linear -> tanh for images in [-1, 1].

    2-D points get no tanh: the mixtures reach radius 2 (ring8) and 4 (grid25), outside tanh's range.
    """

    def __init__(self, z_dim: int, shape: tuple[int, ...], hidden: int, num_classes: int = 0):
        super().__init__()
        self.shape, self.num_classes = shape, num_classes
        self.net = nn.Sequential(
            nn.Linear(z_dim + num_classes, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, math.prod(shape)),
        )
        self.squash = len(shape) == 3

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = self.net(_with_label(z, labels, self.num_classes))
        return (torch.tanh(x) if self.squash else x).view(-1, *self.shape)


class MlpDiscriminator(nn.Module):
    """x -> flatten -> 3 x (Linear, LeakyReLU(0.2), Dropout) -> Linear -> one logit."""

    def __init__(self, shape: tuple[int, ...], hidden: int, dropout: float, num_classes: int = 0):
        super().__init__()
        self.num_classes = num_classes
        layers: list[nn.Module] = []
        width = math.prod(shape) + num_classes
        for _ in range(3):
            layers += [nn.Linear(width, hidden), nn.LeakyReLU(MLP_SLOPE)]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = hidden
        layers.append(nn.Linear(hidden, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(_with_label(x.flatten(1), labels, self.num_classes))


class DcganGenerator(nn.Module):
    """z -> Linear(no bias) -> (256, s/4, s/4) -> ConvT 5x5 to 128 (stride 1), 64 (stride 2), C (stride 2).

    BatchNorm + LeakyReLU(0.3) after the first two transposed convolutions, tanh at the end: the
    TensorFlow tutorial's generator as ../shared/bench/reference_dcgan_loop.py spells it (s = 28 or 32).
    """

    def __init__(self, z_dim: int, channels: int = 1, size: int = 28, num_classes: int = 0):
        super().__init__()
        self.num_classes, self.base = num_classes, size // 4
        self.dense = nn.Linear(z_dim + num_classes, 256 * self.base * self.base, bias=False)
        self.body = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(DCGAN_SLOPE),
            nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(DCGAN_SLOPE),
            nn.ConvTranspose2d(64, channels, 5, 2, 2, output_padding=1, bias=False), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = self.dense(_with_label(z, labels, self.num_classes))
        return self.body(x.view(-1, 256, self.base, self.base))


class DcganDiscriminator(nn.Module):
    """x -> Conv 5x5 stride 2 to 64, then to 128, each LeakyReLU(0.3) + Dropout -> Linear -> one logit."""

    def __init__(self, channels: int = 1, size: int = 28, dropout: float = 0.3, num_classes: int = 0):
        super().__init__()
        self.num_classes = num_classes
        self.body = nn.Sequential(
            nn.Conv2d(channels + num_classes, 64, 5, 2, 2), nn.LeakyReLU(DCGAN_SLOPE), nn.Dropout(dropout),
            nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(DCGAN_SLOPE), nn.Dropout(dropout),
        )
        self.dense = nn.Linear(128 * (size // 4) ** 2, 1)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.num_classes:
            planes = F.one_hot(labels, self.num_classes).to(x.dtype)[:, :, None, None]
            x = torch.cat([x, planes.expand(-1, -1, *x.shape[2:])], dim=1)
        return self.dense(self.body(x).flatten(1))


def build_models(config: GanConfig, shape: tuple[int, ...], num_classes: int) -> tuple[nn.Module, nn.Module | None]:
    """The generator and discriminator for `config` on samples of `shape` (None: mse trains no D)."""
    classes = num_classes if config.conditional else 0
    needs_discriminator = config.objective != "mse"
    if config.model == "dcgan":
        channels, size = shape[0], shape[1]
        generator: nn.Module = DcganGenerator(config.z_dim, channels, size, classes)
        discriminator = DcganDiscriminator(channels, size, config.dropout, classes) if needs_discriminator else None
    else:
        generator = MlpGenerator(config.z_dim, shape, config.hidden, classes)
        discriminator = MlpDiscriminator(shape, config.hidden, config.dropout, classes) if needs_discriminator else None
    return generator, discriminator
