"""Which settings of a GanConfig a run actually uses, so a form can grey out the others.

- clip is WGAN's weight clipping, gp_lambda WGAN-GP's penalty weight, unroll the unrolled GAN's
  look-ahead: each means nothing to the other objectives;
- mse trains the generator alone, so the discriminator's learning rate, step count and dropout are unused;
- data_dir is where the real data sets live; the glyphs and the 2-D mixtures are generated;
- the 2-D mixtures have no labels, so there is nothing to condition on and no classifier evaluates them.
"""

from __future__ import annotations

from core.gan.config import IMAGE_SETS, POINT_SETS, GanConfig

_ONLY_FOR_OBJECTIVES = {"clip": ("wgan",), "gp_lambda": ("wgan-gp",), "unroll": ("unrolled",)}
_DISCRIMINATOR_SETTINGS = ("lr_d", "d_steps", "dropout")
_GENERATED_SETS = ("glyphs", *POINT_SETS)


def unused_settings(config: GanConfig) -> frozenset[str]:
    """Names of the fields that have no effect on a run of `config`."""
    unused = {name for name, objectives in _ONLY_FOR_OBJECTIVES.items() if config.objective not in objectives}
    if config.objective == "mse":
        unused.update(_DISCRIMINATOR_SETTINGS)
    if config.data in _GENERATED_SETS:
        unused.add("data_dir")
    if config.data not in IMAGE_SETS:
        unused.update(("conditional", "classifier"))
    return frozenset(unused)
