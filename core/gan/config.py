"""Every knob of a GAN run in one frozen, JSON-serialisable dataclass, validated once.

This module must not import torch: the command line builds a GanConfig before anything trains.
Optimiser settings left as None take the objective's textbook defaults (core.gan.objective_facts), so a
preset that only says `objective = "wgan"` gets RMSprop 5e-5 with 5 critic steps, as in Arjovsky et al.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidSetting
from core.gan.objective_facts import OBJECTIVE_FACTS, OBJECTIVES

MODELS = ("mlp", "conv", "dcgan")
OPTIMIZERS = ("adam", "rmsprop", "sgd")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("fp32", "bf16", "fp16")
IMAGE_SETS = ("glyphs", "mnist", "fashion-mnist", "cifar10")
POINT_SETS = ("ring8", "grid25")  # core.gan.data.MIXTURES; kept here so this module needs no torch

# Settings a resumed run may change: where and how long it runs, how often it reports. The rest is the
# run's own (a different model or objective would not fit its checkpoint).
RESUMABLE = ("max_steps", "epochs", "device", "compile", "log_every", "sample_every", "sample_epochs",
             "checkpoint_every")
MAX_SEED = 2**63 - 1  # torch's generators take 64-bit seeds
# Objectives that differentiate through a gradient: fp16 loss scaling would have to be threaded through it,
# and torch.compile does not compile a double backward.
SECOND_ORDER = ("wgan-gp", "unrolled")


@dataclass(frozen=True)
class GanConfig:
    """A GAN run. Field names are the command-line options without dashes (lr_d -> --lr-d).

    A step is one generator update round: d_steps discriminator updates (each on a fresh real batch)
    followed by g_steps generator updates. Training stops after max_steps steps or after `epochs` passes
    over the data, whichever comes first (0 turns a limit off); both count from the start of the run,
    across resumes.
    """

    model: str = "mlp"
    objective: str = "nonsat"
    data: str = "glyphs"
    data_dir: str | None = None
    classifier: str | None = None  # an evaluator file saved by `gan-tui classify --out`; None: the cached one
    download: bool = False
    conditional: bool = False
    epochs: int = 0              # passes over the data; 0: no limit
    max_steps: int = 5000        # 0: no limit
    batch: int = 64
    z_dim: int = 100
    hidden: int = 128            # MLP width: the generator's hidden layers are h, 2h, 4h wide for images
    dropout: float = 0.3         # discriminator dropout rate; 0 turns it off
    optimizer: str | None = None  # None: the objective's default, and likewise below
    lr_d: float | None = None
    lr_g: float | None = None
    beta1: float | None = None   # Adam's betas
    beta2: float | None = None
    d_steps: int | None = None   # discriminator updates per step
    g_steps: int = 1             # generator updates per step
    clip: float = 0.01           # WGAN weight clipping: every D parameter stays in [-clip, clip]
    gp_lambda: float = 10.0      # WGAN-GP penalty weight
    unroll: int = 5              # unrolled GAN: D steps looked ahead by the generator
    seed: int = 0
    device: str = "auto"
    precision: str = "fp32"      # bf16 / fp16 autocast, CUDA only
    compile: bool = False        # torch.compile the training passes (same maths; speed only)
    log_every: int = 100         # read the losses at least every this many steps (and every ~0.1 s)
    sample_every: int = 0        # sample grid every this many steps; 0: only at sample_epochs and the end
    sample_epochs: tuple[int, ...] = ()
    checkpoint_every: int = 0    # steps between checkpoints; 0: by the clock (core.gan.trainer.CHECKPOINT_SECONDS)

    def __post_init__(self) -> None:
        _choice("model", self.model, MODELS)
        _choice("objective", self.objective, OBJECTIVES)
        _choice("data", self.data, IMAGE_SETS + POINT_SETS)
        if self.optimizer is not None:
            _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("device", self.device, DEVICES)
        _choice("precision", self.precision, PRECISIONS)
        for name in ("download", "conditional"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidSetting(name, f"must be true or false (got {getattr(self, name)!r})")
        for name, what in (("data_dir", "a folder path"), ("classifier", "the path of a classifier file")):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidSetting(name, f"must be {what} (got {value!r})")
        if self.epochs == 0 and self.max_steps == 0:
            raise InvalidSetting("max_steps", "give --max-steps or --epochs: a run needs an end")
        for name, low in (("epochs", 0), ("max_steps", 0), ("batch", 1), ("z_dim", 1), ("hidden", 1), ("g_steps", 1),
                          ("unroll", 1), ("seed", 0), ("log_every", 1), ("sample_every", 0), ("checkpoint_every", 0)):
            _whole(name, getattr(self, name), low)
        if self.seed > MAX_SEED:
            raise InvalidSetting("seed", f"must be a whole number from 0 to {MAX_SEED} (64 bits; got {self.seed})")
        if self.d_steps is not None:
            _whole("d_steps", self.d_steps, 1)
        _number(self, "dropout", low=0.0, high=1.0, high_open=True)
        for name in ("lr_d", "lr_g"):
            if getattr(self, name) is not None:
                _number(self, name, low=0.0, low_open=True)
        for name in ("beta1", "beta2"):
            if getattr(self, name) is not None:
                _number(self, name, low=0.0, high=1.0, high_open=True)
        _number(self, "clip", low=0.0, low_open=True)
        _number(self, "gp_lambda", low=0.0)
        if isinstance(self.sample_epochs, list):
            object.__setattr__(self, "sample_epochs", tuple(self.sample_epochs))
        if not isinstance(self.sample_epochs, tuple):
            raise InvalidSetting("sample_epochs", f"must be a list of epoch numbers (got {self.sample_epochs!r})")
        for epoch in self.sample_epochs:
            _whole("sample_epochs", epoch, 1)
        if self.data in POINT_SETS:
            if self.model != "mlp":
                raise InvalidSetting("model", f"{self.model} needs image data; {self.data} is 2-D points (use mlp)")
            if self.conditional:
                raise InvalidSetting("conditional", f"{self.data} has no labels to condition on")
        if self.precision != "fp32" and self.device in ("cpu", "mps"):
            raise InvalidSetting("precision",
                                 f"{self.precision} mixed precision runs on CUDA only; use fp32 on {self.device}")
        if self.precision == "fp16" and self.objective in SECOND_ORDER:
            raise InvalidSetting("precision", f"fp16 is not supported with {self.objective}; use bf16 or fp32")

    @property
    def is_points(self) -> bool:
        return self.data in POINT_SETS

    def effective(self, name: str) -> Any:
        """The value used for `name`: the field, or the objective's default (for this model) where the field
        is None."""
        value = getattr(self, name)
        if value is not None:
            return value
        default = OBJECTIVE_FACTS[self.objective].defaults[name]
        return default[self.model] if isinstance(default, dict) else default

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (tuples become lists)."""
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GanConfig:
        """The inverse of to_dict; unknown keys are refused, missing ones take their defaults."""
        names = {f.name for f in dataclasses.fields(cls)}
        for key in data:
            if key not in names:
                raise InvalidSetting(key, f"unknown setting; allowed: {', '.join(sorted(names))}")
        return cls(**data)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidSetting(name, f"{value!r} is not one of {', '.join(allowed)}")


def _whole(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidSetting(name, f"must be a whole number >= {low} (got {value!r})")


def _number(config: GanConfig, name: str, *, low: float, high: float = math.inf,
            low_open: bool = False, high_open: bool = False) -> None:
    """Check a float field in its interval and store it as a float (TOML may give an int)."""
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidSetting(name, f"must be a finite number (got {value!r})")
    if value < low or (low_open and value == low) or value > high or (high_open and value == high):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open or high == math.inf else ']'}"
        raise InvalidSetting(name, f"must be in {interval} (got {value!r})")
    object.__setattr__(config, name, float(value))
