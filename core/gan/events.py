"""What a training run tells its listeners: small picklable records, the same for every sink.

A run emits Started, then any number of Progress, Samples, EpochEnd, CheckpointSaved, Evaluation,
EvaluatorTraining and Notice, and ends with exactly one Finished or Failed. `step` counts generator update
rounds from the start of the run (resumes continue it); `epoch` in Progress, Samples and Evaluation is
fractional: real batches drawn / batches per epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np


@dataclass(frozen=True)
class Started:
    step: int              # 0, or the step a resumed run continues from
    total_steps: int
    steps_per_epoch: float
    device: str
    run_dir: str | None
    config: dict[str, Any]


@dataclass(frozen=True)
class Progress:
    """Means over the steps since the previous Progress; D fields are None when there is no D (mse)."""

    step: int
    epoch: float
    time: float            # seconds of training since the run started (pauses excluded)
    d_loss: float | None
    g_loss: float
    d_real: float | None   # mean D(x): a probability for the cross-entropy objectives, a raw score otherwise
    d_fake: float | None   # mean D(G(z)), likewise
    images_per_s: float    # real images drawn per second of training

    def record(self) -> dict[str, Any]:
        """The metrics.jsonl line for this event."""
        return {"step": self.step, "epoch": self.epoch, "time": self.time, "d_loss": self.d_loss,
                "g_loss": self.g_loss, "d_real": self.d_real, "d_fake": self.d_fake, "images_per_s": self.images_per_s}


@dataclass(frozen=True, eq=False)
class Samples:
    """The generator's output on the run's fixed noise: the same z every time, so grids compare over steps."""

    step: int
    epoch: float
    grid: np.ndarray = field(repr=False)    # uint8 (H, W, 3): an image grid, or a scatter plot for 2-D data
    path: str | None                        # the PNG written in the run directory, if any
    points: np.ndarray | None = field(default=None, repr=False)  # (N, 2) float32 samples, 2-D data only


@dataclass(frozen=True)
class EpochEnd:
    epoch: int             # 1 for the first pass over the data
    step: int


@dataclass(frozen=True)
class CheckpointSaved:
    step: int
    path: str
    ending: str | None = None  # the run's Finished reason when this is its final checkpoint


@dataclass(frozen=True)
class Evaluation:
    """Mode-collapse metrics of the generator on fresh samples (core.gan.evaluation); None where a metric
    does not apply: class metrics and cFD for image sets, cond_accuracy for conditional runs, mode metrics
    for 2-D sets."""

    step: int
    epoch: float
    time: float                                  # seconds of training when it was taken
    seconds: float                               # how long the evaluation itself took
    classes_covered: int | None = None           # classes with >= 1% of the samples
    class_kl: float | None = None                # KL(generated class frequencies || real ones), nats
    cfd: float | None = None                     # classifier Fréchet distance to the real features
    confident_pct: float | None = None           # % of samples classified with probability > 0.9
    class_counts: tuple[int, ...] | None = None  # samples per predicted class
    cond_accuracy: float | None = None           # share of samples classified as the class asked for
    modes_covered: int | None = None             # modes holding a fair share (>= 1/(4M)) of the samples
    high_quality_pct: float | None = None        # % of samples within 3 std of a mode
    mode_counts: tuple[int, ...] | None = None   # samples within 3 std, per mode
    modes_reached: int | None = None             # modes with a sample within 3 std (None in runs before it)

    def record(self) -> dict[str, Any]:
        """The metrics.jsonl line: step, epoch, time, eval_seconds and the metrics that apply (a non-finite
        value, such as the cFD of a diverged generator, is written as null)."""
        metrics = {"classes_covered": self.classes_covered, "class_kl": self.class_kl, "cfd": self.cfd,
                   "confident_pct": self.confident_pct,
                   "class_counts": self.class_counts, "cond_accuracy": self.cond_accuracy,
                   "modes_covered": self.modes_covered, "high_quality_pct": self.high_quality_pct,
                   "mode_counts": self.mode_counts, "modes_reached": self.modes_reached}
        finite = {key: None if isinstance(value, float) and not math.isfinite(value) else value
                  for key, value in metrics.items() if value is not None}
        return {"step": self.step, "epoch": self.epoch, "time": self.time, "eval_seconds": self.seconds,
                **{key: list(value) if isinstance(value, tuple) else value for key, value in finite.items()}}

    def describe(self) -> str:
        """The metrics in words: modes and high-quality share for 2-D data, classes, KL, sharpness and cFD
        for images."""
        if self.modes_covered is not None:
            reached = "" if self.modes_reached is None else f" ({self.modes_reached} reached)"
            return (f"modes covered {self.modes_covered} of {len(self.mode_counts or ())}{reached}, "
                    f"{self.high_quality_pct:.1f}% high quality")
        text = (f"classes covered {self.classes_covered} of {len(self.class_counts or ())}, "
                f"KL {self.class_kl:.2f}, "
                + ("" if self.confident_pct is None else f"{self.confident_pct:.0f}% read confidently, ")
                + f"cFD {self.cfd:.1f}")
        return text + ("" if self.cond_accuracy is None else f", conditional accuracy {self.cond_accuracy:.0%}")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Evaluation:
        """The event back from its metrics.jsonl line (a null cFD comes back as NaN)."""
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in record.items()
                  if key not in ("eval_seconds", "cfd")}
        if "cfd" in record:
            values["cfd"] = math.nan if record["cfd"] is None else record["cfd"]
        return cls(seconds=record["eval_seconds"], **values)


@dataclass(frozen=True)
class EvaluatorTraining:
    """The first run on the glyphs trains their evaluator in the background; this is how far it has got."""

    step: int
    data: str
    fraction: float        # 0..1 of the classifier's training batches done

    def describe(self) -> str:
        return f"training the {self.data} evaluator (first run only): {self.fraction:.0%}"


@dataclass(frozen=True)
class Notice:
    """Something the user should know that does not stop the run, such as a missing evaluator classifier."""

    step: int
    message: str


@dataclass(frozen=True)
class Finished:
    step: int
    reason: str            # "completed", "stopped", or "stopped by SIGTERM" (and the like)


@dataclass(frozen=True)
class Failed:
    step: int
    message: str
    traceback: str = ""


Event = Union[Started, Progress, Samples, EpochEnd, CheckpointSaved, Evaluation, EvaluatorTraining, Notice, Finished,
              Failed]
