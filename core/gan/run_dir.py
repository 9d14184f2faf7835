"""A run's folder, runs/<id>/: everything needed to watch it from another process and to resume it.

    config.json      the GanConfig (rewritten when a resume extends the run)
    writer.lock      held by the one process that trains here (see core.gan.run_lock)
    metrics.jsonl    one JSON object per Progress: step, epoch, time, d_loss, g_loss, d_real, d_fake,
                     images_per_s (null where there is no value); always a record at the last step.
                     Evaluations are lines of their own, told apart by their keys: step, epoch, time,
                     eval_seconds and classes_covered, class_kl, cfd, class_counts, cond_accuracy (image
                     sets) or modes_covered, modes_reached, high_quality_pct, mode_counts (2-D sets). A kill
                     mid-write can leave a torn last line: readers drop it, and a resume cuts it off
    samples/         step_XXXXXX.png sample grids
    status.json      how the run stands, for a watcher in another process (see below)
    checkpoint.pt    models, optimisers, RNG states, step, the config and a SHA-256 digest of them all;
                     replaced atomically (temp file + rename), so a crash, a kill or a full disk mid-save
                     leaves the previous checkpoint intact

metrics.jsonl and the sample PNGs say how far a run got, not whether it is still going; status.json says
that. It is replaced atomically (temp file + rename) at Started, the final checkpoint, Finished and Failed:

    {"state": "running", "step": 0, "total_steps": 1000, "steps_per_epoch": 937.5, "device": "cpu"}
    {"state": "running", "step": 1000, "ending": "completed", ...}   (final checkpoint saved; samples follow)
    {"state": "completed" | "stopped" | "stopped by SIGTERM" | ..., "step": 1000, ...}   (Finished.reason)
    {"state": "failed", "step": 42, "message": "...", "traceback": "...", ...}

The end records keep total_steps, steps_per_epoch and device from the start (the "..."), so a watcher
that opens a finished run learns everything from the last record alone. A run killed outright (kill -9, an
OOM kill, a power cut) cannot update it and keeps saying "running"; `writer_gone` tells that apart: the
dead writer no longer holds the folder's lock, which the operating system released. One killed after its
final checkpoint (while drawing the last samples: an app that quits waits only so long) has its "ending".

Torch is imported only by the checkpoint methods: a watcher needs no model, and importing torch takes seconds.
"""

from __future__ import annotations

import errno
import io
import json
import math
import os
import pickle
import re
import time
import zipfile
from pathlib import Path
from typing import Any

from core.errors import InvalidSetting
from core.gan import run_lock
from core.gan.config import RESUMABLE, GanConfig
from core.gan.events import CheckpointSaved, Evaluation, Event, Failed, Finished, Progress, Started
from core.gan.records import parse_record

CHECKPOINT_FORMAT = "gan-tui checkpoint"
CHECKPOINT_VERSION = 2       # 2 adds "sha256", the content digest; version 1 files (no digest) still load
NAME_MAX = 255               # bytes in one file or folder name, on every common file system
# What a new run may find in its folder: a lock and an empty samples/ left by an attempt that failed early.
_LEFTOVERS = {run_lock.LOCK_FILE, "samples"}
_SAMPLE_NAME = re.compile(r"step_(\d+)\.png$")


def total_steps(config: GanConfig, steps_per_epoch: float) -> int:
    """The step a run stops at: max_steps or the end of the last epoch, whichever is first. Rounded before the
    ceiling, so a speed read back from metrics (step / epoch, 0.1 + 0.2 steps) gives the trainer's total."""
    limits = [config.max_steps] if config.max_steps else []
    if config.epochs:
        limits.append(math.ceil(round(config.epochs * steps_per_epoch, 6)))
    return min(limits)


def check_run_path(path: str | os.PathLike, field: str) -> Path:
    """`path` as a Path, or InvalidSetting(field) when it is empty or has a name no file system stores."""
    text = os.fspath(path)
    if not str(text).strip():
        raise InvalidSetting(field, "must not be empty: give a folder path, e.g. runs/my-run")
    for part in Path(text).parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            raise InvalidSetting(field, f"has a name of {size} bytes ({part[:24]}...); "
                                 f"a file or folder name may have at most {NAME_MAX}")
    return Path(text)


class RunDir:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.lock: run_lock.RunLock | None = None

    config_file = property(lambda self: self.path / "config.json")
    metrics_file = property(lambda self: self.path / "metrics.jsonl")
    samples_dir = property(lambda self: self.path / "samples")
    checkpoint_file = property(lambda self: self.path / "checkpoint.pt")
    status_file = property(lambda self: self.path / "status.json")

    @classmethod
    def check_new(cls, path: str | os.PathLike) -> Path:
        """`path` if a new run may go there: a new or empty folder. Refuses a run's folder and a folder of
        other files (an old run's metrics without its config would be appended to and overwritten)."""
        run = cls(check_run_path(path, "out"))
        try:
            if run.config_file.exists() or run.checkpoint_file.exists():
                raise InvalidSetting("out", f"{run.path} already holds a run; continue it with --resume {run.path} "
                                     "or choose another --out")
            if run.path.exists() and not run.path.is_dir():
                raise InvalidSetting("out", f"{run.path} is a file; give a new or empty folder")
            entries = sorted(os.listdir(run.path)) if run.path.is_dir() else []
            foreign = [name for name in entries if name not in _LEFTOVERS
                       or (name == "samples" and (not run.samples_dir.is_dir() or any(run.samples_dir.iterdir())))]
        except OSError as error:
            raise InvalidSetting("out", f"cannot use {run.path} ({error.strerror})") from None
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise InvalidSetting("out", f"{run.path} holds files that are not a gan-tui run ({shown}); "
                                 "give a new or empty folder")
        return run.path

    @classmethod
    def create(cls, path: str | os.PathLike, config: GanConfig) -> RunDir:
        """A new run folder, locked for this process, holding config.json; refuses a folder that is not new or
        empty (see check_new)."""
        run = cls(cls.check_new(path))
        try:
            run.samples_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidSetting("out", f"cannot create {run.path}: {error.strerror}") from None
        run.lock = run_lock.acquire(run.path, "out")
        cls.check_new(run.path)  # again, holding the lock: another process may have started a run there meanwhile
        run.write_config(config)
        return run

    @classmethod
    def open(cls, path: str | os.PathLike, field: str = "resume") -> RunDir:
        """An existing run folder (for --resume or watching); nothing is locked or changed."""
        run = cls(check_run_path(path, field))
        if not run.config_file.is_file():
            raise InvalidSetting(field, f"{run.path} is not a run folder: it has no config.json")
        return run

    def is_starting(self) -> bool:
        """Whether this may be a run that is still starting: no config.json yet, and the folder either not
        made yet or holding only what a run makes before its config (samples/, a lock file)."""
        if self.config_file.is_file():
            return False
        try:
            entries = list(os.scandir(self.path))
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return all(entry.name == "samples" or "lock" in entry.name for entry in entries)

    def lock_for_writing(self) -> None:
        """Become the folder's one writer, or InvalidSetting("resume") naming the process that is."""
        if not os.access(self.path, os.W_OK):
            raise InvalidSetting("resume", f"{self.path} is read-only; a resumed run writes its checkpoint and "
                                 "metrics there (copy the folder somewhere writable and resume the copy)")
        self.lock = run_lock.acquire(self.path, "resume")

    def release(self) -> None:
        """Let another process write here (the OS does the same when this process dies)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def read_config(self, field: str = "resume") -> GanConfig:
        """The run's config, or InvalidSetting(field) when config.json is unreadable or not a gan-tui config."""
        try:
            data = json.loads(self.config_file.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return GanConfig.from_dict(data)
        except (OSError, ValueError, TypeError) as error:
            raise InvalidSetting(field, f"{self.config_file} is not a readable gan-tui config ({error})") from None

    def write_config(self, config: GanConfig) -> None:
        _replace_atomically(self.config_file, (json.dumps(config.to_dict(), indent=2) + "\n").encode())

    def sample_path(self, step: int) -> Path:
        return self.samples_dir / f"step_{step:06d}.png"

    def sample_files(self) -> list[tuple[int, Path]]:
        """(step, path) of every sample grid saved so far, in step order."""
        try:
            names = sorted(entry.name for entry in os.scandir(self.samples_dir) if _SAMPLE_NAME.match(entry.name))
        except FileNotFoundError:
            return []
        return [(int(_SAMPLE_NAME.match(name).group(1)), self.samples_dir / name) for name in names]

    def write_status(self, status: dict[str, Any]) -> None:
        _replace_atomically(self.status_file, (json.dumps(status) + "\n").encode())

    def read_status(self) -> dict[str, Any] | None:
        """The run's status, or None when the folder has none (yet, or from an older gan-tui)."""
        try:
            status = json.loads(self.status_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return status if isinstance(status, dict) else None

    def writer_gone(self, status: dict[str, Any] | None) -> bool:
        """True when `status` says the run is running but no process holds its lock: it was killed. A folder
        without a lock file (written by an older gan-tui) cannot tell, and is not called gone."""
        return (status is not None and status.get("state") == "running"
                and (self.path / run_lock.LOCK_FILE).exists() and run_lock.writer_pid(self.path) is None)

    def save_checkpoint(self, state: dict[str, Any]) -> Path:
        """Write `state` and its content digest to checkpoint.pt atomically: a temp file, flushed to disk, then
        renamed over it. Any failure (a full disk) removes the temp file and keeps the previous checkpoint."""
        import torch

        from core.gan.digest import content_digest

        temporary = self.checkpoint_file.with_name(self.checkpoint_file.name + ".tmp")
        try:
            with open(temporary, "wb") as file:
                body = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **state,
                        "sha256": content_digest(state)}
                buffer = io.BytesIO()
                torch.save(body, buffer)
                file.write(buffer.getbuffer())  # a plain write: a full disk raises OSError(ENOSPC), not torch's text
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.checkpoint_file)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_folder(self.path)
        return self.checkpoint_file

    def load_checkpoint(self, config: GanConfig | None = None) -> dict[str, Any]:
        """The saved state, or InvalidSetting("resume") saying why it cannot be used: unreadable, foreign,
        damaged (its digest does not match), or, given the run's `config`, saved by a run of other settings."""
        import torch

        from core.gan.digest import content_digest

        path = self.checkpoint_file
        if not path.is_file():
            raise InvalidSetting("resume", f"{self.path} has no checkpoint.pt to resume from")
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError,
                KeyError, IndexError, TypeError) as error:
            # torch's own text advises weights_only=False, which would run code from a file we do not trust
            raise InvalidSetting("resume", f"{path} is corrupt or not a checkpoint (it cannot be read as one: "
                                 f"{type(error).__name__})") from None
        if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
            raise InvalidSetting("resume", f"{path} is not a gan-tui checkpoint")
        version = state.get("version")
        if version not in (1, CHECKPOINT_VERSION):
            raise InvalidSetting("resume", f"{path} is checkpoint version {version}; "
                                 f"this gan-tui reads versions 1 and {CHECKPOINT_VERSION}")
        if version == CHECKPOINT_VERSION:
            saved_digest = state.pop("sha256", None)
            contents = {key: value for key, value in state.items() if key not in ("format", "version")}
            if saved_digest != content_digest(contents):
                raise InvalidSetting("resume", f"{path} is damaged: its contents do not match the digest saved "
                                     "with them; it cannot be trusted")
        if config is not None:
            _check_same_run(path, state.get("config"), config)
        return state

    def truncate_metrics(self, last_step: int) -> None:
        """Drop metrics logged after `last_step` (a crash after the checkpoint) and a torn last line, before a
        resume appends."""
        if not self.metrics_file.is_file():
            return
        kept = [record for record in self.read_metrics(strict=True) if record["step"] <= last_step]
        _replace_atomically(self.metrics_file, "".join(json.dumps(r) + "\n" for r in kept).encode())

    def read_new_metrics(self, offset: int) -> tuple[list[dict[str, Any]], int]:
        """The records of the complete lines of metrics.jsonl from byte `offset` on, and the offset after them.
        A line without its newline is still being written (or torn): it waits for the next read. A damaged
        line is skipped, not trusted."""
        try:
            with open(self.metrics_file, "rb") as file:
                file.seek(offset)
                data = file.read()
        except FileNotFoundError:
            return [], offset
        complete = data[: data.rfind(b"\n") + 1]
        records = (parse_record(line) for line in complete.split(b"\n") if line.strip())
        return [record for record in records if record is not None], offset + len(complete)

    def read_metrics(self, strict: bool = False) -> list[dict[str, Any]]:
        """The records of metrics.jsonl. A last line without its newline is what a kill mid-write leaves: it is
        dropped. A damaged line elsewhere is skipped, or with `strict` refused as InvalidSetting("resume")."""
        try:
            data = self.metrics_file.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise InvalidSetting("resume", f"cannot read {self.metrics_file} ({error.strerror})") from None
        lines = data.split(b"\n")
        records = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = parse_record(line)
            if record is not None:
                records.append(record)
            elif strict and number < len(lines):  # the last piece, after the last newline, is the torn one
                raise InvalidSetting("resume", f"{self.metrics_file} line {number} is damaged; "
                                     "the run's history cannot be trusted")
        return records


def _check_same_run(path: Path, saved: Any, config: GanConfig) -> None:
    """Refuse a checkpoint saved by a run whose settings differ from `config`'s beyond what a resume may change
    (a checkpoint copied in from another run would otherwise continue under this run's name)."""
    try:
        theirs = GanConfig.from_dict(saved)
    except (InvalidSetting, TypeError, ValueError, AttributeError):
        raise InvalidSetting("resume", f"{path} does not say which settings trained it") from None
    for name, value in config.to_dict().items():
        if name not in RESUMABLE and theirs.to_dict()[name] != value:
            raise InvalidSetting("resume", f"{path} belongs to another run: it was trained with {name} = "
                                 f"{theirs.to_dict()[name]!r}, this run has {value!r}")


def _replace_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for a renamed file, so a power cut cannot undo the rename."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF):  # some file systems cannot sync a folder
            raise
    finally:
        os.close(descriptor)


class MetricsWriter:
    """A sink: appends each Progress and Evaluation to metrics.jsonl as one line of JSON (the trainer never
    reports NaN; an Evaluation writes non-finite values as null)."""

    def __init__(self, run: RunDir):
        self.run = run

    def __call__(self, event: Event) -> None:
        if isinstance(event, (Progress, Evaluation)):
            with open(self.run.metrics_file, "a", encoding="utf-8") as file:
                file.write(json.dumps(event.record(), allow_nan=False) + "\n")


class StatusWriter:
    """A sink: records Started, the final checkpoint, Finished and Failed in the run folder's status.json."""

    def __init__(self, run: RunDir) -> None:
        self.run = run
        self._run: dict[str, Any] = {}

    def __call__(self, event: Event) -> None:
        try:
            self._record(event)
        except OSError:
            pass  # a full disk: the run itself reports it; a stale "running" is told apart by the free lock

    def _record(self, event: Event) -> None:
        if isinstance(event, Started):
            self._run = {"total_steps": event.total_steps, "steps_per_epoch": event.steps_per_epoch,
                         "device": event.device}
            self.run.write_status({"state": "running", "step": event.step, **self._run})
        elif isinstance(event, CheckpointSaved) and event.ending is not None:
            self.run.write_status({"state": "running", "step": event.step, "ending": event.ending, **self._run})
        elif isinstance(event, Finished):
            self.run.write_status({"state": event.reason, "step": event.step, **self._run})
        elif isinstance(event, Failed):
            self.run.write_status({"state": "failed", "step": event.step, "message": event.message,
                                   "traceback": event.traceback, **self._run})


def default_run_path(config: GanConfig, root: str | os.PathLike = "runs") -> Path:
    """runs/<date-time>-<model>-<objective>-<data>, e.g. runs/20250101-120000-dcgan-nonsat-fashion-mnist."""
    return Path(root) / f"{time.strftime('%Y%m%d-%H%M%S')}-{config.model}-{config.objective}-{config.data}"

