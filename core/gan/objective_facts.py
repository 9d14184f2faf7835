"""What is known about each GAN objective before anything trains, in one table that needs no torch.

core.gan.objectives computes the losses (and imports torch); the command line, the config, the models, the
heat map and the GAN pane read what they need to know about an objective here.

Equilibrium, p_G = p_data, where the best discriminator cannot tell real from fake:
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
from typing import Any

from core.errors import InvalidSetting

# Adam's learning rate for the cross-entropy, least-squares and mse objectives depends on the model: 2e-4 is
# Radford et al.'s DCGAN value; the MLP pair learns faster at 4e-4 and still covers every class (measured
# on the glyphs at 5,000 steps: KL 0.021 and 60% read confidently, against 0.052 and 56% at 2e-4).
_ADAM_LEARNING_RATE = {"mlp": 4e-4, "conv": 2e-4, "dcgan": 2e-4}
_ADAM_DCGAN = {"optimizer": "adam", "lr_d": _ADAM_LEARNING_RATE, "lr_g": _ADAM_LEARNING_RATE, "beta1": 0.5,
               "beta2": 0.999, "d_steps": 1}


@dataclass(frozen=True)
class ObjectiveFacts:
    # The optimiser settings a run takes where its config says None; a dict value is per model.
    defaults: dict[str, Any]
    equilibrium_d_loss: float | None    # D's loss at equilibrium (see above); None where it has no fixed value
    equilibrium_g_loss: float | None
    equilibrium_d_output: float | None  # D(x) = D(G(z)) at equilibrium, as the run reports them
    probabilities: bool = True          # D's reported outputs are sigmoid probabilities, else raw scores
    discriminator: bool = True          # whether a D is trained at all
    own_settings: tuple[str, ...] = ()  # settings that mean something to this objective only
    d_chart_title: str = "D(x) and D(G(z))"


OBJECTIVE_FACTS: dict[str, ObjectiveFacts] = {
    "minimax": ObjectiveFacts(_ADAM_DCGAN, math.log(4), -math.log(2), 0.5),
    "nonsat": ObjectiveFacts(_ADAM_DCGAN, math.log(4), math.log(2), 0.5),
    "lsgan": ObjectiveFacts(_ADAM_DCGAN, 0.25, 0.125, 0.5, probabilities=False),
    # Arjovsky et al. 2017, Algorithm 1; RMSprop has no betas, so those two are unused.
    "wgan": ObjectiveFacts({"optimizer": "rmsprop", "lr_d": 5e-5, "lr_g": 5e-5, "beta1": 0.5, "beta2": 0.999,
                            "d_steps": 5}, 0.0, None, None, probabilities=False, own_settings=("clip",),
                           d_chart_title="critic scores"),
    # Gulrajani et al. 2017, Algorithm 1.
    "wgan-gp": ObjectiveFacts({"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.0, "beta2": 0.9,
                               "d_steps": 5}, 0.0, None, None, probabilities=False, own_settings=("gp_lambda",),
                              d_chart_title="critic scores"),
    "mse": ObjectiveFacts(_ADAM_DCGAN, None, None, None, probabilities=False, discriminator=False,
                          d_chart_title="no discriminator (mse)"),
    "unrolled": ObjectiveFacts(_ADAM_DCGAN, math.log(4), math.log(2), 0.5, own_settings=("unroll",)),
}
OBJECTIVES = tuple(OBJECTIVE_FACTS)


def objective_facts(objective: str) -> ObjectiveFacts:
    """The facts of `objective`, or InvalidSetting("objective") for a name that is not one."""
    if objective not in OBJECTIVE_FACTS:
        raise InvalidSetting("objective", f"{objective!r} is not one of {', '.join(OBJECTIVES)}")
    return OBJECTIVE_FACTS[objective]
