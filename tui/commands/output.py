"""Output shared by the headless commands."""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def strict_json(data: Any) -> Any:
    """`data` with every non-finite float replaced by None, so the output is strict JSON."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: strict_json(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [strict_json(item) for item in data]
    return data


def print_json(data: Any) -> None:
    """Write `data` to stdout as one line of strict JSON (NaN and ±inf become null)."""
    sys.stdout.write(json.dumps(strict_json(data), allow_nan=False) + "\n")
