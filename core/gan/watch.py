"""Follow a run folder that another process is writing, as the same events the trainer emits. Never writes.

Each `poll` reads only what is new: the lines appended to metrics.jsonl since the last poll (a line
still being written waits for the next poll), sample PNGs not seen before (one still being written is
retried) and status.json when it changed. Started comes from status.json; in a folder without one
(an older run) it comes once the first metrics line gives the speed in steps per epoch, so the total
is known as the trainer knows it, min(max_steps, ceil(epochs * steps/epoch)), and the run counts as
completed when its metrics reach that step. Finished or Failed come when status.json says the run ended.

Torch is not imported here: watching needs no model, and importing torch takes seconds.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np

from core.gan.events import Evaluation, Event, Failed, Finished, Progress, Samples, Started
from core.gan.run_dir import RunDir, total_steps


def read_png(path: str | os.PathLike) -> np.ndarray:
    """An (H, W, 3) uint8 array from a PNG; OSError if the file is missing, truncated or not a PNG."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return np.asarray(image.convert("RGB"))


def wait_for_config(path: str | os.PathLike, timeout_s: float, poll_s: float = 0.2) -> bool:
    """Wait up to timeout_s for a starting run at `path` to write a readable config.json; True once it has.
    False at once for a folder that is not a starting run, else after timeout_s."""
    deadline = time.monotonic() + timeout_s
    run = RunDir(path)
    while True:
        try:
            if isinstance(json.loads(run.config_file.read_text(encoding="utf-8")), dict):
                return True
        except (OSError, ValueError):
            pass  # not there yet, or still being written
        if not run.is_starting() and not run.config_file.is_file():
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)


class RunWatcher:
    """Events read from runs/<id>/: Started, Progress or Evaluation per metrics line, Samples per new PNG,
    then the end."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.run = RunDir.open(path, "run")
        self.path = self.run.path
        self.config = self.run.read_config("run")
        self.started: Started | None = None
        self.ended = False
        self._offset = 0
        self._seen: set[str] = set()
        self._status_stamp: int | None = None
        self._status: dict | None = None
        self._last_step = 0

    def poll(self) -> list[Event]:
        """Everything new since the last poll, in the order it happened."""
        status = self._changed_status()
        events: list[Event] = []
        if self.started is None and status is not None and "total_steps" in status:
            events.append(self._start(status["step"], status["total_steps"], status["steps_per_epoch"],
                                      status["device"]))
        records, self._offset = self.run.read_new_metrics(self._offset)
        for record in records:
            try:
                event = Evaluation.from_record(record) if "eval_seconds" in record else Progress(**record)
            except (TypeError, KeyError, ValueError):
                continue  # not a record this gan-tui wrote: skipped, not trusted
            if self.started is None and event.epoch > 0:
                steps_per_epoch = event.step / event.epoch
                events.append(self._start(0, total_steps(self.config, steps_per_epoch), steps_per_epoch,
                                          self.config.device))
            events.append(event)
            self._last_step = event.step
        if self.started is not None:
            events += self._new_samples()
            events += self._end(status)
        return events

    def _start(self, step: int, total: int, steps_per_epoch: float, device: str) -> Started:
        self.started = Started(step, total, steps_per_epoch, device, str(self.path), self.config.to_dict())
        return self.started

    def _changed_status(self) -> dict | None:
        try:
            stamp = self.run.status_file.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if stamp == self._status_stamp:
            return None
        self._status_stamp = stamp
        self._status = self.run.read_status()
        return self._status

    def _end(self, status: dict | None) -> list[Event]:
        if self.ended:
            return []
        if status is not None and status.get("state") == "failed":
            self.ended = True
            return [Failed(status["step"], status.get("message", ""), status.get("traceback", ""))]
        if status is not None and status.get("state") != "running":
            self.ended = True
            return [Finished(status["step"], status["state"])]
        if self.run.writer_gone(self._status):
            self.ended = True
            if "ending" in self._status:  # gone after its final checkpoint: the run itself is whole
                return [Finished(self._status["step"], self._status["ending"])]
            return [Failed(self._last_step, "the process training this run is gone (killed, or the machine "
                           "stopped) and left no last word; its last checkpoint is intact: continue it with "
                           f"gan-tui gan --resume {self.path}")]
        if self._status_stamp is None and self._last_step >= self.started.total_steps:
            self.ended = True
            return [Finished(self._last_step, "completed")]
        return []

    def _new_samples(self) -> list[Samples]:
        samples = []
        for step, path in self.run.sample_files():
            if path.name in self._seen:
                continue
            try:
                grid = read_png(path)
            except OSError:
                break  # still being written: this one and the later ones wait for the next poll
            self._seen.add(path.name)
            samples.append(Samples(step, step / self.started.steps_per_epoch, grid, str(path)))
        return samples
