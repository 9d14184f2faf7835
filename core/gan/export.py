"""Saving what a run shows: the current sample grid as a PNG and the logged metrics as CSV."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

METRIC_COLUMNS = ("step", "epoch", "time", "d_loss", "g_loss", "d_real", "d_fake", "images_per_s")


def save_png(image: np.ndarray, path: str | os.PathLike) -> Path:
    """Write an (H, W, 3) uint8 image as a PNG."""
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(image)).save(path, format="PNG")
    return Path(path)


def write_metrics_csv(records: Sequence[dict], path: str | os.PathLike) -> Path:
    """One row per metrics record (as in metrics.jsonl), the columns of METRIC_COLUMNS; None is an empty cell."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=METRIC_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    return Path(path)
