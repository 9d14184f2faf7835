"""runs/<id>/status.json: how a run stands, for a watcher in another process (gan-tui watch).

metrics.jsonl and the sample PNGs say how far a run got, not whether it is still going; this file
says that. It is replaced atomically (temp file + rename) at Started, Finished and Failed:

    {"state": "running", "step": 0, "total_steps": 1000, "steps_per_epoch": 937.5, "device": "cpu"}
    {"state": "completed" | "stopped" | "stopped by SIGTERM" | ..., "step": 1000, ...}   (Finished.reason)
    {"state": "failed", "step": 42, "message": "...", "traceback": "...", ...}

The end records keep total_steps, steps_per_epoch and device from the start (the "..."), so a watcher
that opens a finished run learns everything from the last record alone.

A run killed outright (kill -9, an OOM kill, a power cut) cannot update this file and keeps saying
"running"; `writer_gone` tells that apart: the dead writer no longer holds the folder's lock
(core.gan.run_lock), which the operating system released. A file that cannot be written (a full disk) is
left as it was, never half-written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from core.gan.events import Event, Failed, Finished, Started
from core.gan.run_lock import LOCK_FILE, writer_pid

STATUS_FILE = "status.json"


def write_status(folder: str | os.PathLike, status: dict[str, Any]) -> None:
    path = Path(folder) / STATUS_FILE
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(status) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_status(folder: str | os.PathLike) -> dict[str, Any] | None:
    """The run's status, or None when the folder has none (yet, or from an older gan-tui)."""
    try:
        status = json.loads((Path(folder) / STATUS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return status if isinstance(status, dict) else None


def writer_gone(folder: str | os.PathLike, status: dict[str, Any] | None) -> bool:
    """True when `status` says the run in `folder` is running but no process holds its lock: it was killed.
    A folder without a lock file (written by an older gan-tui) cannot tell, and is not called gone."""
    return (status is not None and status.get("state") == "running" and (Path(folder) / LOCK_FILE).exists()
            and writer_pid(folder) is None)


class StatusWriter:
    """A sink: records Started, Finished and Failed in the run folder's status.json."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = folder
        self._run: dict[str, Any] = {}

    def __call__(self, event: Event) -> None:
        try:
            self._record(event)
        except OSError:
            pass  # a full disk: the run itself reports it; a stale "running" is told apart by the free lock

    def _record(self, event: Event) -> None:
        if isinstance(event, Started):
            self._run = {"total_steps": event.total_steps, "steps_per_epoch": event.steps_per_epoch, "device": event.device}
            write_status(self.folder, {"state": "running", "step": event.step, **self._run})
        elif isinstance(event, Finished):
            write_status(self.folder, {"state": event.reason, "step": event.step, **self._run})
        elif isinstance(event, Failed):
            write_status(self.folder, {"state": "failed", "step": event.step, "message": event.message,
                                       "traceback": event.traceback, **self._run})
