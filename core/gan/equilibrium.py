"""Where the curves of a GAN that has reached its equilibrium p_G = p_data sit, per objective.

At p_G = p_data the best discriminator cannot tell real from fake:
- cross-entropy (minimax, nonsat, unrolled): D* = p_data / (p_data + p_G) = 1/2 everywhere, so D's loss
  -log D(x) - log(1 - D(G(z))) (a sum of two batch means) is 2 log 2 = log 4; G's loss is
  -log D(G(z)) = log 2 (nonsat, unrolled) or log(1 - D(G(z))) = -log 2 (minimax);
- lsgan (targets 0 for fake, 1 for real): D* = 1/2, so D's loss 1/2 (D* - 1)^2 + 1/2 D*^2 = 1/4 and
  G's loss 1/2 (D* - 1)^2 = 1/8;
- wgan, wgan-gp: the critic's loss E[f(G(z))] - E[f(x)] is 0 for every critic f (with the penalty, a
  linear f of unit slope keeps it 0 too); its raw scores have no fixed value, nor has G's loss;
- mse has no discriminator.
The GAN pane draws these as reference lines, so a learner sees the losses settle there or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.errors import InvalidSetting
from core.gan.config import OBJECTIVES


@dataclass(frozen=True)
class Equilibrium:
    d_loss: float | None     # D's loss at equilibrium; None where it has no fixed value
    g_loss: float | None
    d_output: float | None   # D(x) = D(G(z)) at equilibrium, as the run reports them


def equilibrium(objective: str) -> Equilibrium:
    if objective not in OBJECTIVES:
        raise InvalidSetting("objective", f"{objective!r} is not one of {', '.join(OBJECTIVES)}")
    if objective in ("nonsat", "unrolled"):
        return Equilibrium(math.log(4), math.log(2), 0.5)
    if objective == "minimax":
        return Equilibrium(math.log(4), -math.log(2), 0.5)
    if objective == "lsgan":
        return Equilibrium(0.25, 0.125, 0.5)
    if objective in ("wgan", "wgan-gp"):
        return Equilibrium(0.0, None, None)
    return Equilibrium(None, None, None)
