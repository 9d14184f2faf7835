"""Lines of metrics.jsonl as records; torn or damaged lines are told apart, never trusted. No torch here:
a watcher reads these too."""

from __future__ import annotations

import json
from typing import Any


def parse_record(line: bytes | str) -> dict[str, Any] | None:
    """One metrics.jsonl record (a JSON object with a whole-number step), or None when the line is not one:
    the torn end of a line a kill cut short, or a damaged one."""
    try:
        record = json.loads(line)
    except ValueError:  # also UnicodeDecodeError, a subclass
        return None
    step = record.get("step") if isinstance(record, dict) else None
    return record if isinstance(step, int) and not isinstance(step, bool) else None
