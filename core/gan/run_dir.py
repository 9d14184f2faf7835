"""A run's folder, runs/<id>/: everything needed to watch it from another process and to resume it.

    config.json      the GanConfig (rewritten when a resume extends the run)
    metrics.jsonl    one JSON object per Progress: step, epoch, time, d_loss, g_loss, d_real, d_fake,
                     images_per_s (null where there is no value); always a record at the last step.
                     Evaluations are lines of their own, told apart by their keys: step, epoch, time,
                     eval_seconds and classes_covered, class_kl, cfd, class_counts, cond_accuracy (image
                     sets) or modes_covered, high_quality_pct, mode_counts (2-D sets)
    samples/         step_XXXXXX.png sample grids
    checkpoint.pt    models, optimisers, RNG states and step; replaced atomically (temp file + rename),
                     so a crash or kill mid-save leaves the previous checkpoint intact
"""

from __future__ import annotations

import json
import os
import pickle
import time
import zipfile
from pathlib import Path
from typing import Any

import torch

from core.errors import InvalidSetting
from core.gan.config import GanConfig
from core.gan.events import Evaluation, Event, Progress

CHECKPOINT_FORMAT = "gan-tui checkpoint"
CHECKPOINT_VERSION = 1


class RunDir:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    config_file = property(lambda self: self.path / "config.json")
    metrics_file = property(lambda self: self.path / "metrics.jsonl")
    samples_dir = property(lambda self: self.path / "samples")
    checkpoint_file = property(lambda self: self.path / "checkpoint.pt")

    @classmethod
    def create(cls, path: str | os.PathLike, config: GanConfig) -> RunDir:
        """A new run folder holding config.json; refuses a folder that already holds a run."""
        run = cls(path)
        if run.config_file.exists() or run.checkpoint_file.exists():
            raise InvalidSetting("out", f"{run.path} already holds a run; continue it with --resume {run.path} "
                                 "or choose another --out")
        try:
            run.samples_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidSetting("out", f"cannot create {run.path}: {error.strerror}") from None
        run.write_config(config)
        return run

    @classmethod
    def open(cls, path: str | os.PathLike) -> RunDir:
        """An existing run folder (for --resume or watching)."""
        run = cls(path)
        if not run.config_file.is_file():
            raise InvalidSetting("resume", f"{run.path} is not a run folder: it has no config.json")
        return run

    def read_config(self) -> GanConfig:
        try:
            data = json.loads(self.config_file.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return GanConfig.from_dict(data)
        except (OSError, ValueError) as error:
            raise InvalidSetting("resume", f"{self.config_file} is not a readable gan-tui config ({error})") from None

    def write_config(self, config: GanConfig) -> None:
        self.config_file.write_text(json.dumps(config.to_dict(), indent=2) + "\n", encoding="utf-8")

    def sample_path(self, step: int) -> Path:
        return self.samples_dir / f"step_{step:06d}.png"

    def save_checkpoint(self, state: dict[str, Any]) -> Path:
        """Write `state` to checkpoint.pt atomically: a temp file, flushed to disk, then renamed over it."""
        temporary = self.checkpoint_file.with_name(self.checkpoint_file.name + ".tmp")
        with open(temporary, "wb") as file:
            torch.save({"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **state}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.checkpoint_file)
        return self.checkpoint_file

    def load_checkpoint(self) -> dict[str, Any]:
        """The saved state, or InvalidSetting("resume") saying why it cannot be used."""
        path = self.checkpoint_file
        if not path.is_file():
            raise InvalidSetting("resume", f"{self.path} has no checkpoint.pt to resume from")
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError) as error:
            raise InvalidSetting("resume", f"{path} is corrupt or not a checkpoint ({_first_line(error)})") from None
        if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
            raise InvalidSetting("resume", f"{path} is not a gan-tui checkpoint")
        if state.get("version") != CHECKPOINT_VERSION:
            raise InvalidSetting("resume", f"{path} is checkpoint version {state.get('version')}; "
                                 f"this gan-tui reads version {CHECKPOINT_VERSION}")
        return state

    def truncate_metrics(self, last_step: int) -> None:
        """Drop metrics logged after `last_step` (a crash after the checkpoint), before a resume appends."""
        if not self.metrics_file.is_file():
            return
        kept = [line for line in self.metrics_file.read_text(encoding="utf-8").splitlines()
                if line.strip() and json.loads(line)["step"] <= last_step]
        self.metrics_file.write_text("".join(line + "\n" for line in kept), encoding="utf-8")

    def read_metrics(self) -> list[dict[str, Any]]:
        if not self.metrics_file.is_file():
            return []
        return [json.loads(line) for line in self.metrics_file.read_text(encoding="utf-8").splitlines() if line.strip()]


class MetricsWriter:
    """A sink: appends each Progress and Evaluation to metrics.jsonl as one line of JSON (the trainer never
    reports NaN; an Evaluation writes non-finite values as null)."""

    def __init__(self, run: RunDir):
        self.run = run

    def __call__(self, event: Event) -> None:
        if isinstance(event, (Progress, Evaluation)):
            with open(self.run.metrics_file, "a", encoding="utf-8") as file:
                file.write(json.dumps(event.record(), allow_nan=False) + "\n")


def default_run_path(config: GanConfig, root: str | os.PathLike = "runs") -> Path:
    """runs/<date-time>-<model>-<objective>-<data>, e.g. runs/20250101-120000-dcgan-nonsat-fashion-mnist."""
    return Path(root) / f"{time.strftime('%Y%m%d-%H%M%S')}-{config.model}-{config.objective}-{config.data}"


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
