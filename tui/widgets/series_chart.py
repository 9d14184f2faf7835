"""A plotext line chart for live series: redrawn a few times a second at most, however fast data arrives.

`show` only stores what to draw and marks the chart dirty; a timer rebuilds the plot when dirty.
Each line is downsampled to about two points per column before plotext sees it, so a redraw costs
the same after a million steps as after a hundred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from textual_plotext import PlotextPlot

from core.series import downsample

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Line:
    """A series to draw: x and y are read at the next redraw, so they may be views of growing data."""

    x: np.ndarray
    y: np.ndarray
    colour: Colour
    label: str | None = None


@dataclass(frozen=True)
class Level:
    """A horizontal reference line across the chart, e.g. an equilibrium value."""

    y: float
    label: str
    colour: Colour


class SeriesChart(PlotextPlot):
    REDRAWS_PER_SECOND = 4

    def __init__(self, title: str = "", *, x_label: str = "step", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.x_label = x_label
        self.lines: list[Line] = []
        self.levels: list[Level] = []
        self.y_limits: tuple[float, float] | None = None
        self.redraws = 0
        self._dirty = True

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(1 / self.REDRAWS_PER_SECOND, self.redraw_if_dirty)

    def show(self, lines: Sequence[Line], levels: Sequence[Level] = (), title: str | None = None,
             y_limits: tuple[float, float] | None = None) -> None:
        """Draw these lines and levels at the next redraw; y_limits fixes the y axis (None: fit the data)."""
        self.lines, self.levels, self.y_limits = list(lines), list(levels), y_limits
        if title is not None:
            self.title = title
        self._dirty = True

    def on_resize(self) -> None:
        self._dirty = True  # the number of points worth drawing follows the width

    def redraw_if_dirty(self) -> None:
        if not self._dirty or not self.is_mounted or self.size.width == 0:
            return
        self._dirty = False
        self.redraws += 1
        plt = self.plt
        plt.clear_figure()  # limits and ticks too, not only the data
        plt.title(self.title)
        plt.xlabel(self.x_label)
        max_points = 2 * max(self.size.width, 10)
        x_range: list[float] = []
        for line in self.lines:
            x, y = downsample(line.x, line.y, max_points)
            if len(x):
                plt.plot(x.tolist(), y.tolist(), marker="braille", color=line.colour, label=line.label)
                x_range += [float(x[0]), float(x[-1])]
        if x_range:
            low, high = min(x_range), max(x_range)
            for level in self.levels:
                plt.plot([low, high], [level.y, level.y], marker="braille", color=level.colour, label=level.label)
            ticks = np.unique(np.rint(np.linspace(low, high, max(2, min(5, self.size.width // 14)))))
            plt.xticks(ticks.tolist(), [f"{tick:,.0f}" for tick in ticks])
            if self.y_limits:
                plt.ylim(*self.y_limits)
        self.refresh()
