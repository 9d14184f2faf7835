"""A plotext line chart for live series: rebuilt at most a few times a second, never on the event loop.

`show` only stores what to draw and marks the chart dirty. A timer starts a rebuild when the chart
is dirty; the rebuild runs in a thread worker: plotext's canvas, the parse of its ANSI output and
the cut into one Strip per line (together tens of milliseconds). The event loop only swaps the
strips in, so a key press never waits behind a plot. Each line is downsampled to about two points
per column first, so a rebuild costs the same after a million steps as after a hundred.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.text import Text
from textual import work
from textual.strip import Strip
from textual_plotext import PlotextPlot

from core.series import downsample

Colour = tuple[int, int, int]
_PLOTEXT = threading.Lock()
FRAME_ROWS = 5           # title, the box's two edges, tick labels and axis label: the rest of the height is plot
LEGEND_ROWS_PER_ENTRY = 3  # plot rows per legend entry below which plotext's legend would cover the lines


@dataclass(frozen=True)
class Line:
    """A series to draw: x and y are read at the next rebuild, so they may be views of growing data."""

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


@dataclass(frozen=True, repr=False)  # the worker's description would print every array
class _Figure:
    """Everything one rebuild needs, taken on the event loop so the worker reads nothing that changes."""

    title: str
    x_label: str
    lines: tuple[tuple[np.ndarray, np.ndarray, Colour, str | None], ...]
    levels: tuple[Level, ...]
    y_limits: tuple[float, float] | None
    width: int
    height: int
    theme: str


class SeriesChart(PlotextPlot):
    REDRAWS_PER_SECOND = 2

    def __init__(self, title: str = "", *, x_label: str = "step", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.x_label = x_label
        self.lines: list[Line] = []
        self.levels: list[Level] = []
        self.y_limits: tuple[float, float] | None = None
        self.redraws = 0
        self._dirty = True
        self._drawn: list[Strip] = []

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(1 / self.REDRAWS_PER_SECOND, self.redraw_if_dirty)

    def show(self, lines: Sequence[Line], levels: Sequence[Level] = (), title: str | None = None,
             y_limits: tuple[float, float] | None = None) -> None:
        """Draw these lines and levels at the next rebuild; y_limits fixes the y axis (None: fit the data)."""
        self.lines, self.levels, self.y_limits = list(lines), list(levels), y_limits
        if title is not None:
            self.title = title
        self._dirty = True

    def on_resize(self) -> None:
        self._dirty = True  # the plot is built for a size, and the points worth drawing follow the width

    def redraw_if_dirty(self) -> None:
        width, height = self.size
        if not self._dirty or not self.is_mounted or width == 0 or height == 0:
            return
        self._dirty = False
        self.redraws += 1
        lines = tuple((line.x, line.y, line.colour, line.label) for line in self.lines)
        theme = self._get_plotext_theme_name(self.app.theme)
        self._rebuild(_Figure(self.title, self.x_label, lines, tuple(self.levels), self.y_limits, width, height, theme))

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)  # a failed build keeps the last plot
    def _rebuild(self, figure: _Figure) -> None:
        drawn = chart_strips(build_chart(self.plt, figure), figure.width)
        self.app.call_from_thread(self._show_drawn, drawn)

    def _show_drawn(self, drawn: list[Strip]) -> None:
        width, style = self.size.width, self.rich_style
        self._drawn = [strip.adjust_cell_length(width, style) for strip in drawn]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        return self._drawn[y] if y < len(self._drawn) else Strip.blank(self.size.width, self.rich_style)


def chart_strips(text: Text, width: int) -> list[Strip]:
    """The chart's Text cut into one Strip per line, as the compositor would, but in the calling thread."""
    console = Console(width=width, color_system="truecolor", file=io.StringIO(), legacy_windows=False)
    lines = console.render_lines(text, console.options.update(width=width, no_wrap=True, overflow="crop"), pad=False)
    return [Strip(line) for line in lines]


def build_chart(plt, figure: _Figure) -> Text:
    """The figure drawn by plotext at the figure's size, as rich Text (one build at a time: plotext
    keeps module-level state)."""
    with _PLOTEXT:
        return _build(plt, figure)


def key_line(title: str, entries: list[tuple[str, Colour]], width: int) -> Text:
    """The title and a ━ in each entry's colour before its label, centred in `width` cells: what the chart
    says above a plot too short for a legend inside it. Where the whole does not fit, the title's remark
    in brackets goes first, then the title."""
    key = Text()
    for label, colour in entries:
        key.append("  ━ ", style="rgb({},{},{})".format(*colour))
        key.append(label)
    for heading in (title, title.split(" (")[0], ""):
        line = Text(heading) + key if heading else key[2:]
        if line.cell_len <= width:
            break
    line.truncate(width, overflow="ellipsis")
    return Text(" " * ((width - line.cell_len) // 2)) + line


def _build(plt, figure: _Figure) -> Text:
    entries = [(label, colour) for _, _, colour, label in figure.lines if label]
    entries += [(level.label, level.colour) for level in figure.levels]
    # a legend inside a short plot covers the lines: the key then takes the title's row instead
    key_on_top = figure.height - FRAME_ROWS < LEGEND_ROWS_PER_ENTRY * len(entries)
    height = figure.height - 1 if key_on_top else figure.height
    plt.clear_figure()  # limits and ticks too, not only the data
    plt.theme(figure.theme)
    plt.plotsize(figure.width, height)
    plt._set_size(figure.width, height)  # as textual-plotext does: plotsize alone does not resize
    if not key_on_top:
        plt.title(figure.title)
    plt.xlabel(figure.x_label)
    max_points = 2 * max(figure.width, 10)
    x_range: list[float] = []
    for x, y, colour, label in figure.lines:
        x, y = downsample(x, y, max_points)
        if len(x):
            plt.plot(x.tolist(), y.tolist(), marker="braille", color=colour, label=None if key_on_top else label)
            x_range += [float(x[0]), float(x[-1])]
    if x_range:
        low, high = min(x_range), max(x_range)
        for level in figure.levels:
            plt.plot([low, high], [level.y, level.y], marker="braille", color=level.colour,
                     label=None if key_on_top else level.label)
        ticks = np.unique(np.rint(np.linspace(low, high, max(2, min(5, figure.width // 14)))))
        plt.xticks(ticks.tolist(), [f"{tick:,.0f}" for tick in ticks])
        if figure.y_limits:
            plt.ylim(*figure.y_limits)
    chart = Text.from_ansi(plt.build())
    return key_line(figure.title, entries, figure.width) + "\n" + chart if key_on_top else chart
