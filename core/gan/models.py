"""Generators and discriminators: an MLP pair, a small convolutional pair and the TensorFlow tutorial's DCGAN.

Every generator maps noise z (B, z_dim) to samples (B, *shape); every discriminator maps samples to one
logit (or critic score) per sample, shape (B, 1). Conditional variants take int64 labels (B,): generators
append their one-hot code to z; the MLP discriminator projects an embedding of it onto its last hidden layer,
the convolutional ones read it as extra constant image planes.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from core.gan.config import GanConfig
from core.gan.objective_facts import OBJECTIVE_FACTS

DCGAN_SLOPE = 0.3  # Keras' LeakyReLU default, which the TensorFlow DCGAN tutorial uses
MLP_SLOPE = 0.2


class Dropout(nn.Dropout):
    """nn.Dropout's maths (zero each unit with probability p, scale the rest by 1/(1-p)); on the CPU its mask
    comes from 32-bit random integers, two from each 64-bit word of torch's generator. The CPU generator
    makes its numbers one at a time on one core: bernoulli_ took 16% of a DCGAN training step, a uniform
    float per unit 7%, this half of that. Elsewhere nn.Dropout's own (fused) kernel. Same module name and
    state_dict (none) as nn.Dropout."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        if x.device.type != "cpu":
            return super().forward(x)
        return x * keep_mask(x, self.p)


def keep_mask(x: torch.Tensor, p: float) -> torch.Tensor:
    """1/(1-p) with probability 1-p, else 0, for each element of x: a uniform int32 is kept when it is at
    least the threshold below which a share p of all 2**32 values lie (exact to 2**-32)."""
    count = x.numel()
    words = torch.empty((count + 1) // 2, dtype=torch.int64).random_(-(2**63), None)  # all 64 bits random
    bits = words.view(torch.int32)[:count].view(x.shape)
    threshold = min(round(p * 2**32) - 2**31, 2**31 - 1)
    return bits.ge(threshold).view(torch.uint8).to(x.dtype).mul_(1 / (1 - p))  # bool -> float has no fast path


def _with_label(z: torch.Tensor, labels: torch.Tensor | None, num_classes: int) -> torch.Tensor:
    if num_classes == 0:
        return z
    return torch.cat([z, F.one_hot(labels, num_classes).to(z.dtype)], dim=1)


def _with_label_planes(x: torch.Tensor, labels: torch.Tensor | None, num_classes: int) -> torch.Tensor:
    """Images (B, C, H, W) with the one-hot label appended as num_classes constant planes."""
    if num_classes == 0:
        return x
    planes = F.one_hot(labels, num_classes).to(x.dtype)[:, :, None, None]
    return torch.cat([x, planes.expand(-1, -1, *x.shape[2:])], dim=1)


def mlp_widths(shape: tuple[int, ...], hidden: int) -> tuple[int, int, int]:
    """The generator's three hidden widths; the discriminator uses them in reverse.

    Images widen towards the pixels as in the classic MNIST GAN (h, 2h, 4h: 256, 512, 1024 at h = 256);
    2-D points keep one width throughout, as in Metz et al.'s ring experiments.
    """
    return (hidden, 2 * hidden, 4 * hidden) if len(shape) == 3 else (hidden, hidden, hidden)


class MlpGenerator(nn.Module):
    """z -> three hidden layers -> Linear, for images in [-1, 1] through tanh.

    Images: LeakyReLU(0.2), with BatchNorm on the second and third hidden layers. Without it the
    generator's outputs for different z stay alike and the discriminator wins within a few hundred steps
    (measured on the glyphs: every sample the same speckled shape); normalising each unit over the batch
    keeps the samples apart. 2-D points: ReLU and no normalisation or tanh (the mixtures reach radius 2
    for ring8 and 4 for grid25, outside tanh's range).
    """

    def __init__(self, z_dim: int, shape: tuple[int, ...], hidden: int, num_classes: int = 0):
        super().__init__()
        self.shape, self.num_classes = shape, num_classes
        is_image = len(shape) == 3
        layers: list[nn.Module] = []
        width = z_dim + num_classes
        for index, out in enumerate(mlp_widths(shape, hidden)):
            layers.append(nn.Linear(width, out))
            if is_image and index > 0:
                layers.append(nn.BatchNorm1d(out))
            layers.append(nn.LeakyReLU(MLP_SLOPE) if is_image else nn.ReLU())
            width = out
        layers.append(nn.Linear(width, math.prod(shape)))
        if is_image:
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(_with_label(z, labels, self.num_classes)).view(-1, *self.shape)


class MlpDiscriminator(nn.Module):
    """x -> flatten -> three hidden layers of (Linear, LeakyReLU(0.2), Dropout) -> Linear -> one logit;
    the widths are the generator's in reverse (4h, 2h, h for images).

    A conditional D reads the label by projection (Miyato and Koyama 2018): the logit gains
    <embed(y), phi(x)>, phi being the last hidden layer. Appending the one-hot code to the pixels instead
    drew the asked-for class 80% of the time on MNIST (the conditional preset, 30 epochs of t10k); projection 91%.
    """

    def __init__(self, shape: tuple[int, ...], hidden: int, dropout: float, num_classes: int = 0):
        super().__init__()
        self.num_classes = num_classes
        layers: list[nn.Module] = []
        width = math.prod(shape)
        for out in reversed(mlp_widths(shape, hidden)):
            layers += [nn.Linear(width, out), nn.LeakyReLU(MLP_SLOPE)]
            if dropout > 0:
                layers.append(Dropout(dropout))
            width = out
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)
        if num_classes:
            self.embed = nn.Embedding(num_classes, width)
            nn.init.normal_(self.embed.weight, std=0.02)  # starts as the unconditional D

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if not self.num_classes:
            return self.net(x.flatten(1))
        features = self.net[:-1](x.flatten(1))
        return self.net[-1](features) + (self.embed(labels) * features).sum(dim=1, keepdim=True)


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
            nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(64),
            nn.LeakyReLU(DCGAN_SLOPE),
            nn.ConvTranspose2d(64, channels, 5, 2, 2, output_padding=1, bias=False), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = self.dense(_with_label(z, labels, self.num_classes))
        return self.body(x.view(-1, 256, self.base, self.base))


class ConvGenerator(nn.Module):
    """z -> Linear -> (128, s/4, s/4) -> ConvT 4x4 stride 2 to 64 -> ConvT 4x4 stride 2 to C -> tanh.

    BatchNorm + ReLU after the linear layer and the first transposed convolution, as in Radford et al.:
    a small DCGAN-style generator for 28x28 digits that trains in minutes on a laptop CPU.
    """

    def __init__(self, z_dim: int, channels: int = 1, size: int = 28, num_classes: int = 0):
        super().__init__()
        self.num_classes, self.base = num_classes, size // 4
        features = 128 * self.base * self.base
        self.dense = nn.Sequential(nn.Linear(z_dim + num_classes, features), nn.BatchNorm1d(features), nn.ReLU())
        self.body = nn.Sequential(
            nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, channels, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = self.dense(_with_label(z, labels, self.num_classes))
        return self.body(x.view(-1, 128, self.base, self.base))


class ConvDiscriminator(nn.Module):
    """x -> Conv k x k stride 2 to 64 -> Conv k x k stride 2 to 128, each LeakyReLU + Dropout -> Linear.

    The small conv pair's D uses 4x4 kernels and slope 0.2; the TensorFlow tutorial's DCGAN the same
    layers with 5x5 kernels and Keras' slope 0.3. Labels of a conditional run come in as constant one-hot
    image planes.
    """

    def __init__(self, channels: int = 1, size: int = 28, dropout: float = 0.3, num_classes: int = 0,
                 kernel: int = 4, slope: float = MLP_SLOPE):
        super().__init__()
        self.num_classes = num_classes
        padding = (kernel - 1) // 2  # halves 28 to 14 to 7 for kernel 4 or 5
        self.body = nn.Sequential(
            nn.Conv2d(channels + num_classes, 64, kernel, 2, padding), nn.LeakyReLU(slope), Dropout(dropout),
            nn.Conv2d(64, 128, kernel, 2, padding), nn.LeakyReLU(slope), Dropout(dropout),
        )
        self.dense = nn.Linear(128 * (size // 4) ** 2, 1)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.dense(self.body(_with_label_planes(x, labels, self.num_classes)).flatten(1))


def build_models(config: GanConfig, shape: tuple[int, ...], num_classes: int) -> tuple[nn.Module, nn.Module | None]:
    """The generator and discriminator for `config` on samples of `shape` (None: mse trains no D)."""
    classes = num_classes if config.conditional else 0
    needs_discriminator = OBJECTIVE_FACTS[config.objective].discriminator
    if config.model in ("conv", "dcgan"):
        channels, size = shape[0], shape[1]
        g_class = ConvGenerator if config.model == "conv" else DcganGenerator
        d_shape = {"kernel": 4, "slope": MLP_SLOPE} if config.model == "conv" else {"kernel": 5, "slope": DCGAN_SLOPE}
        generator: nn.Module = g_class(config.z_dim, channels, size, classes)
        discriminator = (ConvDiscriminator(channels, size, config.dropout, classes, **d_shape)
                         if needs_discriminator else None)
    else:
        generator = MlpGenerator(config.z_dim, shape, config.hidden, classes)
        discriminator = MlpDiscriminator(shape, config.hidden, config.dropout, classes) if needs_discriminator else None
    return generator, discriminator
