"""A plotext line plot of per-step series, binned to the plot's width before plotext sees them.

The legend is left to the caller (legend_text) so that it never covers the lines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

# plotext's braille marker puts two points in a character cell
POINTS_PER_CELL = 2
# a redraw reads at most this many evenly spaced values of a line, however long it is
MAX_SOURCE_POINTS = 8192
# line colours in order, as RGB so that plotext and rich draw the same colour
PALETTE = (
    (0, 175, 255), (255, 135, 0), (95, 215, 95), (215, 95, 215), (255, 215, 0),
    (0, 215, 175), (255, 95, 95), (175, 135, 255), (175, 175, 175), (135, 95, 0),
)


@dataclass(frozen=True)
class Line:
    label: str
    values: np.ndarray  # one value per step; step t (1-based) is values[t - 1]


def bin_means(values: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps (1-based, each bin's middle) and the mean of each of at most `bins` equal runs of
    `values`, so a long noisy history is drawn as its average rather than its extremes.
    Beyond MAX_SOURCE_POINTS values, every stride-th one is used, so a redraw costs the same
    for a million steps as for eight thousand."""
    count = len(values)
    if count <= bins:
        return np.arange(1, count + 1, dtype=float), np.asarray(values, dtype=float)
    stride = -(-count // MAX_SOURCE_POINTS)
    sampled = np.asarray(values[::stride], dtype=float)
    edges = np.linspace(0, len(sampled), min(bins, len(sampled)) + 1).astype(int)
    sums = np.add.reduceat(sampled, edges[:-1])
    middles = (edges[:-1] + edges[1:] - 1) / 2 * stride + 1  # 0-based sample index -> 1-based step
    return middles, sums / np.diff(edges)


def round_ticks(top: float, most: int = 5) -> list[float]:
    """0 and multiples of 1, 2, 2.5 or 5 × 10^k up to `top`, at most `most` + 1 of them."""
    if top <= 0:
        return [0.0]
    spacing = 10.0 ** np.floor(np.log10(top / most))
    spacing *= next(factor for factor in (1, 2, 2.5, 5, 10) if top / (spacing * factor) <= most)
    return [round(float(tick), 12) for tick in np.arange(0.0, top + spacing / 2, spacing) if tick <= top]


def span_ticks(low: float, high: float, most: int = 4) -> list[float]:
    """Evenly spaced round ticks (1, 2, 2.5 or 5 × 10^k apart) from at or below `low` to at or above
    `high`, at most `most` + 1 of them: the y axis of any view, whatever its values' range."""
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


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def legend_text(lines: list[Line], width: int = 0) -> Text:
    """A ━ in each line's colour and its label, for a Static beside the plot. Entries are packed into
    lines of at most `width` cells (0: one line), so a colour mark never wraps away from its label."""
    legend = Text(no_wrap=True, overflow="ellipsis")
    used = 0
    for colour, line in zip(PALETTE, lines):
        entry = 3 + len(line.label)
        if used and width and used + 2 + entry > width:
            legend.append("\n")
            used = 0
        elif used:
            legend.append("  ")
            used += 2
        legend.append("━━ ", style="rgb({},{},{})".format(*colour))
        legend.append(line.label)
        used += entry
    return legend


class LinePlot(PlotextPlot):
    """Lines over steps 1..steps with a title; show() sets new data and the widget redraws itself."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[Line] = []
        self._title = ""
        self._steps = 1
        self._y_limits: tuple[float, float] | None = None

    def show(self, lines: list[Line], title: str, steps: int, y_limits: tuple[float, float] | None = None) -> None:
        """At most len(PALETTE) lines; the x axis runs to `steps` however far the lines have got."""
        self._lines, self._title, self._steps, self._y_limits = lines[: len(PALETTE)], title, steps, y_limits
        self.refresh()

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_data()
        plt.title(self._title)
        bins = max(2, POINTS_PER_CELL * self.size.width)
        drawn_lows: list[float] = []
        drawn_highs: list[float] = []
        for colour, line in zip(PALETTE, self._lines):
            steps, values = bin_means(line.values, bins)
            finite = np.isfinite(values)  # a diverged run's NaNs are left out, not drawn
            if finite.any():
                plt.plot(steps[finite].tolist(), values[finite].tolist(), color=colour, marker="braille")
                drawn_lows.append(float(values[finite].min()))
                drawn_highs.append(float(values[finite].max()))
        x_ticks = round_ticks(self._steps)
        plt.xlim(0, self._steps)
        plt.xticks(x_ticks, [tick_label(tick) for tick in x_ticks])
        # every view sets its own y axis: plotext keeps the last ticks and limits until told otherwise
        if self._y_limits:
            low, high = self._y_limits
        else:
            low, high = (min(drawn_lows), max(drawn_highs)) if drawn_lows else (0.0, 1.0)
        y_ticks = span_ticks(low, high)
        plt.ylim(y_ticks[0], y_ticks[-1])
        plt.yticks(y_ticks, [tick_label(tick) for tick in y_ticks])
        return super().render()
