"""Time series for live charts: an append-only series with a running smoothed copy, and downsampling.

A chart of a training run redraws while the run grows; both pieces keep each redraw's cost fixed:
appending is amortised O(1) (the smoothed value is updated, not recomputed), and `downsample`
hands the plot at most a fixed number of points however long the history is.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

_INITIAL_CAPACITY = 1024
# mean downsampling reads at most this many evenly spaced points of a series, however long it is
MAX_SOURCE_POINTS = 8192
Summary = Literal["minmax", "mean"]


class GrowingSeries:
    """Points (x, y) appended in order, with the debiased exponential moving average of y.

    smooth_t = m_t / (1 - beta^n_t), m_t = beta m_{t-1} + (1 - beta) y_t over the n_t finite values so
    far (TensorBoard's smoothing): the first value is itself, not pulled toward 0. A missing or
    non-finite y is stored as NaN, leaves the average unchanged and has a NaN smoothed value.
    """

    def __init__(self, smoothing: float = 0.9) -> None:
        if not 0 <= smoothing < 1:
            raise ValueError(f"smoothing must be in [0, 1) (got {smoothing})")
        self.smoothing = smoothing
        self._data = np.empty((3, _INITIAL_CAPACITY))
        self._length = 0
        self._moment = 0.0
        self._finite = 0

    def __len__(self) -> int:
        return self._length

    def append(self, x: float, y: float | None) -> None:
        if self._length == self._data.shape[1]:
            self._data = np.concatenate([self._data, np.empty_like(self._data)], axis=1)
        value = math.nan if y is None or not math.isfinite(y) else float(y)
        smooth = math.nan
        if not math.isnan(value):
            self._finite += 1
            self._moment = self.smoothing * self._moment + (1 - self.smoothing) * value
            smooth = self._moment / (1 - self.smoothing**self._finite)
        self._data[:, self._length] = (x, value, smooth)
        self._length += 1

    @property
    def x(self) -> np.ndarray:
        return self._data[0, : self._length]

    @property
    def y(self) -> np.ndarray:
        return self._data[1, : self._length]

    @property
    def smooth(self) -> np.ndarray:
        return self._data[2, : self._length]

    @property
    def last(self) -> float:
        """The latest y (NaN when empty)."""
        return float(self._data[1, self._length - 1]) if self._length else math.nan


def downsample(x: np.ndarray, y: np.ndarray, max_points: int, summary: Summary = "minmax"
               ) -> tuple[np.ndarray, np.ndarray]:
    """At most `max_points` finite points of (x, y), in x order; fewer points come back unchanged.

    "minmax": consecutive points fall into max_points // 2 buckets of equal count and a bucket keeps its
    minimum and maximum (min-max decimation), so spikes such as a diverging loss stay visible at any zoom,
    where plain striding would skip them. Non-finite points are dropped first.
    "mean": the mean x and mean y of each of max_points equal runs, so a long noisy history is drawn as its
    average rather than its extremes; a run holding a NaN is dropped. Beyond MAX_SOURCE_POINTS points,
    every stride-th one is used, so a redraw costs the same for a million points as for eight thousand.
    """
    if summary == "mean":
        return _run_means(np.asarray(x, dtype=float), np.asarray(y, dtype=float), max_points)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) <= max_points:
        return x, y
    buckets = max(1, max_points // 2)
    size = -(-len(y) // buckets)
    buckets = -(-len(y) // size)  # every bucket non-empty
    padded = np.full(buckets * size, np.nan)
    padded[: len(y)] = y
    grouped = padded.reshape(buckets, size)
    start = np.arange(buckets) * size
    lowest = start + np.argmin(np.where(np.isnan(grouped), np.inf, grouped), axis=1)
    highest = start + np.argmax(np.where(np.isnan(grouped), -np.inf, grouped), axis=1)
    order = np.sort(np.stack([lowest, highest], axis=1), axis=1).ravel()
    order = order[np.append(True, order[1:] != order[:-1])]  # a flat bucket's min and max are one point
    return x[order], y[order]


def _run_means(x: np.ndarray, y: np.ndarray, runs: int) -> tuple[np.ndarray, np.ndarray]:
    if len(y) > runs:
        stride = -(-len(y) // MAX_SOURCE_POINTS)
        x, y = x[::stride], y[::stride]
        edges = np.linspace(0, len(y), min(runs, len(y)) + 1).astype(int)
        counts = np.diff(edges)
        x, y = np.add.reduceat(x, edges[:-1]) / counts, np.add.reduceat(y, edges[:-1]) / counts
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]
