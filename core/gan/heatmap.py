"""The discriminator's view of the plane, as GAN Lab draws it: D's output on every pixel of a 2-D
sample plot, coloured from purple (D says generated) to green (D says real) behind the samples.

D's output means different things per objective, so it is put on [0, 1] per objective:
- minimax, nonsat, unrolled: D gives a logit; sigmoid(logit) is D's probability that x is real;
- lsgan: D regresses real to 1 and generated to 0; its output, clipped to [0, 1];
- wgan, wgan-gp: a critic score with no fixed scale; rescaled so the plot's lowest score is 0 and its
  highest 1 (only the ordering means something: higher looks more real to the critic).
"""

from __future__ import annotations

import torch
from torch import nn

from core.gan.objective_facts import OBJECTIVE_FACTS

FAKE_COLOUR = (0.26, 0.07, 0.32)   # dark, so the samples and data drawn over it stay bright
REAL_COLOUR = (0.06, 0.30, 0.15)


def pixel_centres(extent: float, size: int) -> torch.Tensor:
    """(size * size, 2) points (x, y) at the centres of a size x size image of [-extent, extent]^2, row by
    row from the top (y = +extent) and left to right: the layout of core.gan.grids.scatter_plot."""
    centres = (torch.arange(size, dtype=torch.float32) + 0.5) * (2 * extent / size) - extent
    y, x = torch.meshgrid(centres.flip(0), centres, indexing="ij")
    return torch.stack([x, y], dim=-1).reshape(-1, 2)


@torch.inference_mode()
def discriminator_map(discriminator: nn.Module, objective: str, extent: float, size: int) -> torch.Tensor:
    """D's output on each pixel of a size x size plot of [-extent, extent]^2, on [0, 1] (see above).

    D runs in eval mode (no dropout), so the map is a function of its weights and draws no random numbers.
    """
    device = next(discriminator.parameters()).device
    was_training = discriminator.training
    discriminator.eval()
    try:
        scores = discriminator(pixel_centres(extent, size).to(device)).float().view(size, size).cpu()
    finally:
        discriminator.train(was_training)
    if OBJECTIVE_FACTS[objective].probabilities:
        return torch.sigmoid(scores)
    if objective == "lsgan":
        return scores.clamp(0.0, 1.0)
    low, high = scores.min(), scores.max()
    return (scores - low) / (high - low) if high > low else torch.full_like(scores, 0.5)


def heat_picture(heat: torch.Tensor) -> torch.Tensor:
    """(H, W) values in [0, 1] -> a (3, H, W) picture blending FAKE_COLOUR (0) into REAL_COLOUR (1)."""
    fake, real = torch.tensor(FAKE_COLOUR)[:, None, None], torch.tensor(REAL_COLOUR)[:, None, None]
    return fake + (real - fake) * heat[None]
