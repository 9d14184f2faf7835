"""runs/<id>/status.json: how a run stands, for a watcher in another process (gan-tui watch).

metrics.jsonl and the sample PNGs say how far a run got, not whether it is still going; this file
says that. It is replaced atomically (temp file + rename) at Started, Finished and Failed:

    {"state": "running", "step": 0, "total_steps": 1000, "steps_per_epoch": 937.5, "device": "cpu"}
    {"state": "completed" | "stopped" | "stopped by SIGTERM" | ..., "step": 1000, ...}   (Finished.reason)
    {"state": "failed", "step": 42, "message": "...", "traceback": "...", ...}

The end records keep total_steps, steps_per_epoch and device from the start (the "..."), so a watcher
that opens a finished run learns everything from the last record alone.

A run killed outright (kill -9, power cut) keeps saying "running": a watcher tells that apart only by
the silence that follows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from core.gan.events import Event, Failed, Finished, Started

STATUS_FILE = "status.json"


def write_status(folder: str | os.PathLike, status: dict[str, Any]) -> None:
    path = Path(folder) / STATUS_FILE
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(status) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_status(folder: str | os.PathLike) -> dict[str, Any] | None:
    """The run's status, or None when the folder has none (yet, or from an older gan-tui)."""
    try:
        status = json.loads((Path(folder) / STATUS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return status if isinstance(status, dict) else None


class StatusWriter:
    """A sink: records Started, Finished and Failed in the run folder's status.json."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = folder
        self._run: dict[str, Any] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, Started):
            self._run = {"total_steps": event.total_steps, "steps_per_epoch": event.steps_per_epoch, "device": event.device}
            write_status(self.folder, {"state": "running", "step": event.step, **self._run})
        elif isinstance(event, Finished):
            write_status(self.folder, {"state": event.reason, "step": event.step, **self._run})
        elif isinstance(event, Failed):
            write_status(self.folder, {"state": "failed", "step": event.step, "message": event.message,
                                       "traceback": event.traceback, **self._run})
