"""Charts of a GAN run's mode-collapse metrics: the latest histogram, and coverage and cFD over time.

The histogram is block characters (a bar per class or mode, each the same width, eighth-cell heights);
the line chart is a SeriesChart, rebuilt in its worker a few times a second at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widget import Widget

from core.gan.events import Evaluation
from tui.widgets.series_chart import Line, SeriesChart

BAR_STYLE = "rgb(90,160,255)"
MISSING_STYLE = "rgb(240,90,90)"  # classes or modes below the covered line
COVERED_COLOUR, CFD_COLOUR = (90, 210, 120), (255, 160, 60)


BLOCKS = " ▁▂▃▄▅▆▇█"   # eighths of a cell, bottom up


def bar_cells(counts: Sequence[int], height: int) -> list[list[str]]:
    """Vertical bars as block characters: `height` rows, top first, one character per bar; the tallest bar
    fills the height, the others in proportion, to the nearest eighth of a cell."""
    tallest = max(max(counts), 1)
    eighths = [round(8 * height * count / tallest) for count in counts]
    return [[BLOCKS[min(8, max(0, level - 8 * (height - 1 - row)))] for level in eighths] for row in range(height)]


def bar_labels(count: int, bar: int) -> str:
    """Index labels under `count` bars of width `bar` (a space between bars): every index when it fits
    under its bar, else every fifth, starting at its bar and running into the next."""
    slot = bar + 1
    if len(str(count - 1)) <= bar:
        return "".join(str(index).center(bar) + " " for index in range(count))
    line = [" "] * (count * slot + len(str(count - 1)))
    for index in range(0, count, 5):
        line[index * slot:index * slot + len(str(index))] = str(index)
    return "".join(line).rstrip()


def covered_bars(counts: Sequence[int], covered: int) -> list[bool]:
    """Which bars stand for the classes or modes the metric counted as covered: the `covered` tallest.
    Covered means a count at or above one threshold, so those are the tallest bars, and bars of equal
    height are never split by it."""
    if covered <= 0:
        return [False] * len(counts)
    floor = sorted(counts, reverse=True)[covered - 1]
    return [count >= floor and count > 0 for count in counts]


class ClassHistogram(Widget):
    """The latest evaluation's samples per class (image sets) or per mode (2-D sets), as bars drawn with
    block characters; classes or modes that count as missed are red. The caption says what they add up to."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.evaluation: Evaluation | None = None
        self.waiting = ""   # what the first evaluation waits for, shown until it comes

    def show(self, evaluation: Evaluation | None, waiting: str = "") -> None:
        if evaluation is not self.evaluation or waiting != self.waiting:
            self.evaluation, self.waiting = evaluation, waiting
            self.refresh()

    @property
    def caption(self) -> list[str]:
        """The lines above the bars: what is covered (for 2-D data also how many modes any sample
        reached, and the share of samples near a mode)."""
        evaluation = self.evaluation
        if evaluation is None:
            return []
        if evaluation.mode_counts is not None:
            modes = f"modes {evaluation.modes_covered}/{len(evaluation.mode_counts)}"
            if evaluation.modes_reached is not None:  # runs from before the fair-share count have no such key
                modes += f" ({evaluation.modes_reached} reached)"
            return [modes, f"{evaluation.high_quality_pct:.0f}% near a mode"]
        sharp = "" if evaluation.confident_pct is None else f" · {evaluation.confident_pct:.0f}% confident"
        return [f"classes {evaluation.classes_covered}/{len(evaluation.class_counts)}{sharp}"
                f" · cFD {evaluation.cfd:.3g}"]

    def render(self) -> Text:
        evaluation = self.evaluation
        if evaluation is None:
            return Text(self.waiting, style="dim")
        points = evaluation.mode_counts is not None
        counts = list(evaluation.mode_counts if points else evaluation.class_counts)
        covered = covered_bars(counts, evaluation.modes_covered if points else evaluation.classes_covered)
        axis = len(f"{max(counts):,}") + 1
        bar = max(1, (self.size.width - axis) // len(counts) - 1)
        caption = self.caption
        height = max(1, self.size.height - 2 - len(caption))
        text = Text(no_wrap=True, overflow="ellipsis")  # a caption wider than the chart is cut, never wrapped
        for index, line in enumerate(caption):
            text.append(line.center(self.size.width) + "\n", style="bold" if index == 0 else "dim")
        for row, cells in enumerate(bar_cells(counts, height)):
            text.append((f"{max(counts):,}" if row == 0 else "0" if row == height - 1 else "").rjust(axis - 1) + "│",
                        style="dim")
            for cell, is_covered in zip(cells, covered):
                text.append(cell * bar, style=BAR_STYLE if is_covered else MISSING_STYLE)
                text.append(" ")
            text.append("\n")
        text.append(" " * axis + bar_labels(len(counts), bar) + "\n", style="dim")
        text.append(f"{'mode' if points else 'class'} · step {evaluation.step:,}".center(self.size.width), style="dim")
        return text


class CoverageChart(SeriesChart):
    """Classes (or modes) covered at each evaluation on the left axis, and cFD on the right for images."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(redraws_per_second=4, id=id, classes=classes)
        self.series: tuple[Any, Any, int, bool] | None = None
        self._drawn_length = 0

    def show_coverage(self, covered: Any, cfd: Any, total: int, points: bool) -> None:
        """GrowingSeries of coverage and cFD (read at the next rebuild), out of `total` classes or modes;
        redrawn only when they have grown or changed."""
        if self.series is not None and self.series[0] is covered and len(covered) == self._drawn_length:
            return
        self.series, self._drawn_length = (covered, cfd, total, points), len(covered)
        name = "modes" if points else "classes"
        # one line on a 2-D run: the title names it, and a legend would only cover it
        lines = [Line(covered.x, covered.y, COVERED_COLOUR, None if points else f"{name} covered")]
        if not points:
            lines.append(Line(cfd.x, cfd.y, CFD_COLOUR, "cFD", right=True))
        self.show(lines, title=f"{name} covered" + ("" if points else ", cFD"), y_limits=(0, total))
