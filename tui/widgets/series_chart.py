"""The line chart of every lab's live series: rebuilt at most a few times a second, never on the event loop.

`show` stores what to draw and starts a rebuild, or, within 1/redraws_per_second of the last one or
while one is running, marks the chart dirty for a one-off timer, or the running rebuild's end, to
rebuild once that time is up (an idle chart costs nothing). The rebuild
runs in a thread worker: plotext's canvas, read from its cells into one Strip per line
(plotext_fast.figure_strips; together 10-30 milliseconds). The event loop only swaps the
strips in, so a key press never waits behind a plot (a paced chart swaps them in when its owner says,
on the owner's own redraw beat). Each line is downsampled to about two points
per column first (core.series.downsample), so a rebuild costs the same after a million steps as
after a hundred.

Three axis styles: "fitted" (the x axis spans the data, ticked at its ends and evenly between; y is
plotext's unless limits are given) for runs whose length grows, "round" (x spans the given limits, both
axes ticked at round numbers) for a simulation of known length, and "plain" (the given limits or the
data, ticked by plotext) for a plane such as the saddle's. With `decades`, y holds exponents (log10 of
the values) and is ticked at whole powers of ten, labelled 1e+NN. A Line can instead go on a second y
axis at the right; Marks (one character per point) and VLines draw what is not a series.
"""

from __future__ import annotations

import io
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from rich.console import Console
from rich.text import Text
from textual import work
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import Worker
from textual_plotext import PlotextPlot

from core.series import Summary, downsample
from tui.widgets import plotext_fast

Colour = tuple[int, int, int]
Axes = Literal["fitted", "round", "plain"]
_PLOTEXT = threading.Lock()
plotext_fast.install()  # the same charts, built in half the time
FRAME_ROWS = 5           # title, the box's two edges, tick labels and axis label: the rest of the height is plot
LEGEND_ROWS_PER_ENTRY = 3  # plot rows per legend entry below which plotext's legend would cover the lines
# line colours in order, as RGB so that plotext and rich draw the same colour
PALETTE: tuple[Colour, ...] = (
    (0, 175, 255), (255, 135, 0), (95, 215, 95), (215, 95, 215), (255, 215, 0),
    (0, 215, 175), (255, 95, 95), (175, 135, 255), (175, 175, 175), (135, 95, 0),
)


@dataclass(frozen=True)
class Line:
    """A series to draw: x and y are read at the next rebuild, so they may be views of growing data."""

    x: np.ndarray
    y: np.ndarray
    colour: Colour
    label: str | None = None
    right: bool = False  # on a second y axis at the right, ticked by plotext


@dataclass(frozen=True)
class Marks:
    """Points drawn as one `marker` character each (plotext's scatter; "braille" packs eight to a cell),
    in the order given among the lines: e.g. contour dots under a path, a start and an end on top."""

    x: np.ndarray
    y: np.ndarray
    colour: Colour | str  # RGB, or a plotext colour name ("white" is the terminal's)
    marker: str = "•"


@dataclass(frozen=True)
class VLine:
    """A vertical line at x from the bottom of the plot to the top, e.g. a boundary or the current setting."""

    x: float
    colour: Colour | str


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
    lines: tuple[Line | Marks, ...]
    levels: tuple[Level, ...]
    vlines: tuple[VLine, ...]
    x_limits: tuple[float, float] | None
    y_limits: tuple[float, float] | None
    width: int
    height: int
    theme: str
    summary: Summary | None
    axes: Axes
    decades: bool


class SeriesChart(PlotextPlot):
    """Lines (labelled in plotext's legend, or on the title row where the plot is too short for a legend
    that would not cover them; unless `legend` is False: then the caller draws legend_text beside the
    chart), summarised per column by `summary` (None: drawn as given, for data already thinned or not in
    x order, such as a path in the plane), on `axes`, y in `decades` or not."""

    def __init__(self, title: str = "", *, x_label: str = "step", summary: Summary | None = "minmax",
                 axes: Axes = "fitted", decades: bool = False, legend: bool = True, redraws_per_second: float = 2,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.x_label = x_label
        self.summary, self.axes, self.decades, self.legend = summary, axes, decades, legend
        self.redraws_per_second = redraws_per_second
        self.lines: list[Line | Marks] = []
        self.levels: list[Level] = []
        self.vlines: list[VLine] = []
        self.x_limits: tuple[float, float] | None = None
        self.y_limits: tuple[float, float] | None = None
        self.redraws = 0
        self._dirty = True
        self._drawn: list[Strip] = []
        self._ready: list[Strip] | None = None  # built, waiting for paint_ready (paced shows only)
        self._paced = False
        self._built_at = -math.inf
        self._building: Worker | None = None
        self._timer: Timer | None = None

    def show(self, lines: Sequence[Line | Marks], levels: Sequence[Level] = (), title: str | None = None,
             y_limits: tuple[float, float] | None = None, x_limits: tuple[float, float] | None = None,
             vlines: Sequence[VLine] = (), paced: bool = False) -> None:
        """Draw these lines and marks (in order, later ones on top), levels and vertical lines at the next
        rebuild; the limits fix an axis (None: fit the data; with `decades`, y spans the powers of ten
        around the limits). `paced`: the rebuilt plot waits for the owner's next paint_ready, so that a
        view fed live data repaints once per beat of its own rather than once per chart."""
        self.lines, self.levels, self.vlines = list(lines), list(levels), list(vlines)
        self._paced = paced
        self.x_limits, self.y_limits = x_limits, y_limits
        if title is not None:
            self.title = title
        self._dirty = True
        self._redraw_when_due()

    def on_resize(self) -> None:
        self._dirty = True  # the plot is built for a size, and the points worth drawing follow the width
        self._redraw_when_due()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._building and self._building.is_finished:
            self._redraw_when_due()  # what was shown while it built, if anything

    def _redraw_when_due(self) -> None:
        if not self._dirty or self._building is not None and not self._building.is_finished:
            return  # the running build's end asks again: none is lost
        wait = self._built_at + 1 / self.redraws_per_second - time.monotonic()
        if wait <= 0:
            self.redraw_if_dirty()
        elif self._timer is None:
            self._timer = self.set_timer(wait, self._waited)

    def _waited(self) -> None:
        self._timer = None
        self._redraw_when_due()

    @property
    def up_to_date(self) -> bool:
        """Whether the chart shows what it was last given: no rebuild waits its turn, runs or waits to be painted."""
        return not self._dirty and self._ready is None and (self._building is None or self._building.is_finished)

    def redraw_if_dirty(self) -> None:
        width, height = self.size
        if not self._dirty or not self.is_mounted or width == 0 or height == 0:
            return
        self._dirty = False
        self.redraws += 1
        self._built_at = time.monotonic()
        lines = tuple(replace(line, label=None) if isinstance(line, Line) and not self.legend else line
                      for line in self.lines)
        theme = self._get_plotext_theme_name(self.app.theme)
        figure = _Figure(self.title, self.x_label, lines, tuple(self.levels), tuple(self.vlines), self.x_limits,
                         self.y_limits, width, height, theme, self.summary, self.axes, self.decades)
        self._building = self._rebuild(figure)

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)  # a failed build keeps the last plot
    def _rebuild(self, figure: _Figure) -> None:
        drawn = build_chart(self.plt, figure)
        self.app.call_from_thread(self._show_drawn, drawn)

    def _show_drawn(self, drawn: list[Strip]) -> None:
        self._ready = drawn
        if not self._paced:
            self.paint_ready()

    def paint_ready(self) -> None:
        """Show the last plot built, if it is not shown yet."""
        if self._ready is None:
            return
        width, style = self.size.width, self.rich_style
        self._drawn = [strip.adjust_cell_length(width, style) for strip in self._ready]
        self._ready = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        return self._drawn[y] if y < len(self._drawn) else Strip.blank(self.size.width, self.rich_style)


def chart_strips(text: Text, width: int) -> list[Strip]:
    """A Text (the key line above a short chart) cut into one Strip per line, as the compositor would, but in
    the calling thread."""
    console = Console(width=width, color_system="truecolor", file=io.StringIO(), legacy_windows=False)
    lines = console.render_lines(text, console.options.update(width=width, no_wrap=True, overflow="crop"), pad=False)
    return [Strip(line) for line in lines]


def build_chart(plt, figure: _Figure) -> list[Strip]:
    """The figure drawn by plotext at the figure's size, one Strip per row (one build at a time: plotext
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


def _build(plt, figure: _Figure) -> list[Strip]:
    entries = [(item.label, item.colour) for item in figure.lines if isinstance(item, Line) and item.label]
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
    y_range: list[float] = []  # of the left axis
    for item in figure.lines:
        x, y = np.asarray(item.x, dtype=float), np.asarray(item.y, dtype=float)
        if isinstance(item, Line) and figure.summary is not None:
            x, y = downsample(x, y, max_points, figure.summary)
        else:
            keep = np.isfinite(x) & np.isfinite(y)
            x, y = x[keep], y[keep]
        if not len(x):
            continue
        if isinstance(item, Marks):
            plt.scatter(x.tolist(), y.tolist(), marker=item.marker, color=item.colour)
        else:
            plt.plot(x.tolist(), y.tolist(), marker="braille", color=item.colour,
                     label=None if key_on_top else item.label, yside="right" if item.right else "left")
        x_range += [float(x.min()), float(x.max())]
        if not (isinstance(item, Line) and item.right):
            y_range += [float(y.min()), float(y.max())]
    if x_range or figure.axes == "round":  # a fitted axis with no data yet has no span for its ticks and levels
        y_span = figure.y_limits or ((min(y_range), max(y_range)) if y_range else (0.0, 1.0))
        if figure.axes == "round":
            low, high = figure.x_limits or ((min(x_range), max(x_range)) if x_range else (0.0, 1.0))
            _round_axes(plt, (low, high), y_span)
        else:
            if figure.axes == "fitted":
                low, high = min(x_range), max(x_range)
                ticks = end_ticks(low, high, max(2, min(5, figure.width // 14)))
                plt.xticks(ticks, [tick_label(tick) for tick in ticks])
            else:
                low, high = figure.x_limits or (min(x_range), max(x_range))
                if figure.x_limits:
                    plt.xlim(*figure.x_limits)
            if figure.decades:
                powers = decade_ticks(*y_span)
                plt.ylim(powers[0], max(powers[-1], math.ceil(y_span[1])))
                plt.yticks(powers, [decade_label(power) for power in powers])
            elif figure.y_limits:
                plt.ylim(*figure.y_limits)
        for level in figure.levels:
            plt.plot([low, high], [level.y, level.y], marker="braille", color=level.colour,
                     label=None if key_on_top else level.label)
    for vline in figure.vlines:
        plt.vline(vline.x, color=vline.colour)
    chart = plotext_fast.figure_strips(plt)
    return chart_strips(key_line(figure.title, entries, figure.width), figure.width) + chart if key_on_top else chart


def _round_axes(plt, x_limits: tuple[float, float], y_span: tuple[float, float]) -> None:
    """x over its limits, y over at least `y_span`, both ticked at round numbers (every figure sets its own:
    plotext keeps the last ticks and limits until told otherwise)."""
    plt.xlim(*x_limits)
    x_ticks = [tick for tick in round_ticks(*x_limits, most=5) if tick <= x_limits[1]]
    plt.xticks(x_ticks, [tick_label(tick) for tick in x_ticks])
    y_ticks = round_ticks(*y_span)
    plt.ylim(y_ticks[0], y_ticks[-1])
    plt.yticks(y_ticks, [tick_label(tick) for tick in y_ticks])


def round_ticks(low: float, high: float, most: int = 4) -> list[float]:
    """Evenly spaced round ticks (1, 2, 2.5 or 5 × 10^k apart) from at or below `low` to at or above
    `high`, at most `most` + 1 of them."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return [0.0, 1.0]
    if high - low <= 1e-9 * max(1.0, abs(high)):  # a flat line: a unit-wide band around it
        low, high = low - 0.5, high + 0.5
    decade = 10.0 ** np.floor(np.log10((high - low) / most))
    for spacing in (decade * factor for factor in (1, 2, 2.5, 5, 10, 20, 25, 50)):
        first, last = np.floor(low / spacing + 1e-9), np.ceil(high / spacing - 1e-9)
        if last - first <= most:
            break
    return [round(float(k * spacing), 12) + 0.0 for k in np.arange(first, last + 1)]


def end_ticks(low: float, high: float, count: int) -> list[float]:
    """`count` whole-number ticks from `low` to `high`, evenly spaced (fewer where they would coincide): an
    axis that grows with a run is labelled where it starts, where it has got to and evenly between."""
    return np.unique(np.rint(np.linspace(low, high, count))).tolist()


def decade_ticks(low: float, high: float, most: int = 5) -> list[int]:
    """Exponents of whole powers of ten from at or below 10^low to at or above 10^high (at least one decade
    apart), every k-th where more than `most` + 1 would crowd the axis."""
    first, last = math.floor(low), math.ceil(high)
    last = max(last, first + 1)
    return list(range(first, last + 1, max(1, math.ceil((last - first) / most))))


def decade_label(exponent: int) -> str:
    return f"1e{exponent:+03d}"


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def legend_text(lines: Sequence[Line], width: int = 0) -> Text:
    """A ━ in each line's colour and its label, for a Static beside the chart. Entries are packed into
    lines of at most `width` cells (0: one line), so a colour mark never wraps away from its label."""
    legend = Text(no_wrap=True, overflow="ellipsis")
    used = 0
    for line in lines:
        label = line.label or ""
        entry = 3 + len(label)
        if used and width and used + 2 + entry > width:
            legend.append("\n")
            used = 0
        elif used:
            legend.append("  ")
            used += 2
        legend.append("━━ ", style="rgb({},{},{})".format(*line.colour))
        legend.append(label)
        used += entry
    return legend
