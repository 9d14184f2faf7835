"""A run as its listener has seen it so far: the event stream folded into series, samples and status.

The GAN pane keeps one RunHistory per run it shows (live, or read back from a run folder) and draws it;
everything here is plain data and arithmetic, so it is tested without a terminal.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from core.gan.events import (
    CheckpointSaved,
    Evaluation,
    EvaluatorTraining,
    Event,
    Failed,
    Finished,
    Notice,
    Progress,
    Samples,
    Started,
)
from core.series import GrowingSeries

SNAPSHOT_EPOCHS = (1, 10, 30, 50)  # as in the FashionMNIST homework: the generator's progress at a glance
RATE_WINDOW = 20                   # Progress events the speed and ETA are measured over
SNAPSHOT_SLACK = 0.05              # a grid stands for epoch e when taken within this many epochs after e's end


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    step: int
    grid: np.ndarray


class RunHistory:
    """Apply events in order; read the series, the latest samples, the snapshots and the state.

    `state` is "waiting" before Started, "running" until Finished or Failed, then the Finished
    reason ("completed", "stopped", ...) or "failed". The snapshot of epoch e is the first sample
    grid taken in [e, e + SNAPSHOT_SLACK) epochs: the trainer samples right at the end of the chosen
    epochs, and a grid from later (the last grid of a 1.6-epoch run) never stands in for epoch 1.
    """

    def __init__(self, snapshot_epochs: tuple[int, ...] = SNAPSHOT_EPOCHS, smoothing: float = 0.9) -> None:
        self.snapshot_epochs = tuple(sorted(set(snapshot_epochs)))
        self.d_loss, self.g_loss = GrowingSeries(smoothing), GrowingSeries(smoothing)
        self.d_real, self.d_fake = GrowingSeries(smoothing), GrowingSeries(smoothing)
        self.records: list[dict] = []
        self.started: Started | None = None
        self.progress: Progress | None = None
        self.samples: Samples | None = None
        self.snapshots: dict[int, Snapshot] = {}
        self.checkpoint: CheckpointSaved | None = None
        self.finished: Finished | None = None
        self.failure: Failed | None = None
        self._recent: deque[tuple[int, float]] = deque(maxlen=RATE_WINDOW)
        # mode-collapse metrics (core.gan.evaluation), unsmoothed: each point is one evaluation
        self.evaluation: Evaluation | None = None
        self.covered = GrowingSeries(0.0)    # classes covered (image sets) or modes covered (2-D sets)
        self.cfd = GrowingSeries(0.0)        # image sets
        self.notices: list[Notice] = []
        self.evaluator_training: EvaluatorTraining | None = None  # until the glyph evaluator is ready

    @property
    def state(self) -> str:
        if self.failure:
            return "failed"
        if self.finished:
            return self.finished.reason
        return "running" if self.started else "waiting"

    @property
    def ended(self) -> bool:
        return self.failure is not None or self.finished is not None

    def apply(self, event: Event) -> None:
        if isinstance(event, Progress):
            self._progress(event)
        elif isinstance(event, Samples):
            self.samples = event
            epoch = math.floor(event.epoch)
            if epoch in self.snapshot_epochs and epoch not in self.snapshots and event.epoch - epoch < SNAPSHOT_SLACK:
                self.snapshots[epoch] = Snapshot(epoch, event.step, event.grid)
        elif isinstance(event, EvaluatorTraining):
            self.evaluator_training = event
        elif isinstance(event, Evaluation):
            self.evaluation, self.evaluator_training = event, None
            covered = event.modes_covered if event.classes_covered is None else event.classes_covered
            self.covered.append(event.step, covered)
            self.cfd.append(event.step, event.cfd)
        elif isinstance(event, Notice):
            self.notices.append(event)
        elif isinstance(event, Started):
            self.started = event
        elif isinstance(event, CheckpointSaved):
            self.checkpoint = event
        elif isinstance(event, Finished):
            self.finished = event
        elif isinstance(event, Failed):
            self.failure = event

    def _progress(self, event: Progress) -> None:
        self.progress = event
        self.records.append(event.record())
        self.d_loss.append(event.step, event.d_loss)
        self.g_loss.append(event.step, event.g_loss)
        self.d_real.append(event.step, event.d_real)
        self.d_fake.append(event.step, event.d_fake)
        self._recent.append((event.step, event.time))

    @property
    def step(self) -> int:
        if self.progress:
            return self.progress.step
        return self.started.step if self.started else 0

    @property
    def steps_per_second(self) -> float:
        """Steps per second of training over the last RATE_WINDOW reports (NaN before two reports)."""
        if len(self._recent) < 2:
            return math.nan
        (first_step, first_time), (last_step, last_time) = self._recent[0], self._recent[-1]
        return (last_step - first_step) / (last_time - first_time) if last_time > first_time else math.nan

    @property
    def eta_seconds(self) -> float:
        """Seconds of training left at the recent speed; 0 once ended, NaN while unknown."""
        if self.ended:
            return 0.0
        if not self.started:
            return math.nan
        return (self.started.total_steps - self.step) / self.steps_per_second

    def snapshot_for(self, epoch: int) -> Snapshot | None:
        return self.snapshots.get(epoch)

    def snapshot_note(self, epoch: int) -> str:
        """Why epoch `epoch` has no snapshot ("not yet", "not reached", "not sampled"); "" when it has one."""
        if epoch in self.snapshots:
            return ""
        if self.progress is not None and self.progress.epoch >= epoch:
            return "not sampled"
        return "not reached" if self.ended else "not yet"
