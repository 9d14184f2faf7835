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
import math
import os
import re
import time
from pathlib import Path

import numpy as np

from core.errors import InvalidSetting
from core.gan.config import GanConfig
from core.gan.events import Evaluation, Event, Failed, Finished, Progress, Samples, Started
from core.gan.records import parse_record
from core.gan.run_status import STATUS_FILE, read_status, writer_gone

SAMPLE_NAME = re.compile(r"step_(\d+)\.png$")


def read_png(path: str | os.PathLike) -> np.ndarray:
    """An (H, W, 3) uint8 array from a PNG; OSError if the file is missing, truncated or not a PNG."""
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return np.asarray(image.convert("RGB"))


def total_steps(config: GanConfig, steps_per_epoch: float) -> int:
    """The step a run stops at: max_steps or the end of the last epoch, whichever is first."""
    limits = [config.max_steps] if config.max_steps else []
    if config.epochs:
        limits.append(math.ceil(round(config.epochs * steps_per_epoch, 6)))
    return min(limits)


def is_starting(path: str | os.PathLike) -> bool:
    """Whether `path` may be a run that is still starting: no config.json yet, and the folder either not
    made yet or holding only what a run makes before its config (samples/, a lock file)."""
    path = Path(path)
    if (path / "config.json").is_file():
        return False
    try:
        entries = list(os.scandir(path))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return all(entry.name == "samples" or "lock" in entry.name for entry in entries)


def wait_for_config(path: str | os.PathLike, timeout_s: float, poll_s: float = 0.2) -> bool:
    """Wait up to timeout_s for a starting run at `path` to write a readable config.json; True once it has.
    False at once for a folder that is not a starting run, else after timeout_s."""
    deadline = time.monotonic() + timeout_s
    config_file = Path(path) / "config.json"
    while True:
        try:
            if isinstance(json.loads(config_file.read_text(encoding="utf-8")), dict):
                return True
        except (OSError, ValueError):
            pass  # not there yet, or still being written
        if not is_starting(path) and not config_file.is_file():
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)


class RunWatcher:
    """Events read from runs/<id>/: Started, Progress or Evaluation per metrics line, Samples per new PNG,
    then the end."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        config_file = self.path / "config.json"
        if not config_file.is_file():
            raise InvalidSetting("run", f"{self.path} is not a run folder: it has no config.json")
        try:
            self.config = GanConfig.from_dict(json.loads(config_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, InvalidSetting) as error:
            raise InvalidSetting("run", f"{config_file} is not a readable gan-tui config ({error})") from None
        self.started: Started | None = None
        self.ended = False
        self._offset = 0
        self._seen: set[str] = set()
        self._status_stamp: int | None = None
        self._status: dict | None = None
        self._last_step = 0

    @property
    def metrics_file(self) -> Path:
        return self.path / "metrics.jsonl"

    @property
    def samples_dir(self) -> Path:
        return self.path / "samples"

    def poll(self) -> list[Event]:
        """Everything new since the last poll, in the order it happened."""
        status = self._changed_status()
        events: list[Event] = []
        if self.started is None and status is not None and "total_steps" in status:
            events.append(self._start(status["step"], status["total_steps"], status["steps_per_epoch"], status["device"]))
        for record in self._new_records():
            try:
                event = Evaluation.from_record(record) if "eval_seconds" in record else Progress(**record)
            except (TypeError, KeyError, ValueError):
                continue  # not a record this gan-tui wrote: skipped, not trusted
            if self.started is None and event.epoch > 0:
                steps_per_epoch = event.step / event.epoch
                events.append(self._start(0, total_steps(self.config, steps_per_epoch), steps_per_epoch, self.config.device))
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
            stamp = (self.path / STATUS_FILE).stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if stamp == self._status_stamp:
            return None
        self._status_stamp = stamp
        self._status = read_status(self.path)
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
        if writer_gone(self.path, self._status):
            self.ended = True
            return [Failed(self._last_step, "the process training this run is gone (killed, or the machine "
                           "stopped) and left no last word; its last checkpoint is intact: continue it with "
                           f"gan-tui gan --resume {self.path}")]
        if self._status_stamp is None and self._last_step >= self.started.total_steps:
            self.ended = True
            return [Finished(self._last_step, "completed")]
        return []
    def _new_records(self) -> list[dict]:
        try:
            with open(self.metrics_file, "rb") as file:
                file.seek(self._offset)
                data = file.read()
        except FileNotFoundError:
            return []
        complete = data[: data.rfind(b"\n") + 1]  # a line without its newline is still being written (or torn)
        self._offset += len(complete)
        records = (parse_record(line) for line in complete.split(b"\n") if line.strip())
        return [record for record in records if record is not None]  # a damaged line is skipped, not trusted

    def _new_samples(self) -> list[Samples]:
        try:
            names = sorted(entry.name for entry in os.scandir(self.samples_dir) if SAMPLE_NAME.match(entry.name))
        except FileNotFoundError:
            return []
        samples = []
        for name in names:
            if name in self._seen:
                continue
            path = self.samples_dir / name
            try:
                grid = read_png(path)
            except OSError:
                break  # still being written: this one and the later ones wait for the next poll
            self._seen.add(name)
            step = int(SAMPLE_NAME.match(name).group(1))
            samples.append(Samples(step, step / self.started.steps_per_epoch, grid, str(path)))
        return samples
