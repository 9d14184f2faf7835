"""Two of plotext's per-point loops done with numpy, returning exactly what plotext's own return; and a
figure's cells read straight into Textual strips instead of through an ANSI string.

Profiled on a GAN tab's loss chart (48×12 cells, four lines of ~100 points): a build took ~38 ms, of
which plotext spent ~25 ms grouping the lines' braille dots into cells (`hd_group`, a Python list
per dot) and ~10 ms joining the data points with dots (`get_lines`). Both are pure functions of
integer canvas coordinates, so `install()` swaps in these versions for plotext's build (plotext<6,
whose _build calls them through its _utility module); any input they do not expect (non-integer
coordinates, markers of different sizes in one series) goes to plotext's own function. The tests
compare both against plotext's on random lines and whole charts.

`figure_strips` replaces `Text.from_ansi(plt.build())` cut into lines: plotext writes every cell with its
colour codes into one string, which rich then parses back (together about half of a chart's build); the
strips are read from plotext's cell matrix instead, each run of cells in one colour a segment styled
as rich reads that colour's codes. The tests compare the two cell by cell.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import plotext._utility as plotext_utility
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

_PLOTEXT_GET_LINES = plotext_utility.get_lines
_PLOTEXT_HD_GROUP = plotext_utility.hd_group


def _integers(values: list[Any]) -> np.ndarray | None:
    """The values as an int64 array, or None where one is not an int (plotext then handles the oddity)."""
    array = np.asarray(values)
    return array.astype(np.int64) if array.dtype.kind == "i" else None


def get_lines(x: list[Any], y: list[Any], *other: list[Any]) -> list[list[Any]]:
    """plotext's get_lines: the integer points from each data point to the next, every segment sampled at
    max(|dx|, |dy|) + 1 evenly spaced points truncated toward zero (the segment's last point is the next
    one's first), and each point's markers, colours and styles repeated for the points of its segment."""
    xs, ys = _integers(x), _integers(y)
    if xs is None or ys is None or len(xs) < 2 or len(xs) != len(ys) or any(len(o) != len(xs) for o in other):
        return _PLOTEXT_GET_LINES(x, y, *other)
    x0, y0 = xs[:-1], ys[:-1]
    counts = np.maximum(np.abs(np.diff(xs)), np.abs(np.diff(ys)))  # points per segment, less its last
    segment = np.repeat(np.arange(len(counts)), counts)
    step = np.arange(len(segment)) - np.repeat(np.cumsum(counts) - counts, counts)
    # plotext's linspace: lower + k * (upper - lower) / (n - 1), in this order of float operations
    spacing = np.maximum(counts, 1)
    x_slope = (xs[1:] - x0) / spacing
    y_slope = (ys[1:] - y0) / spacing
    line_x = np.trunc(x0[segment] + step * x_slope[segment]).astype(np.int64).tolist() + [x[-1]]
    line_y = np.trunc(y0[segment] + step * y_slope[segment]).astype(np.int64).tolist() + [y[-1]]
    repeats = np.append(counts, 1)
    return [line_x, line_y] + [_repeat(values, repeats) for values in other]


def _repeat(values: list[Any], repeats: np.ndarray) -> list[Any]:
    return [value for value, count in zip(values, repeats.tolist()) for _ in range(count)]


def hd_group(x: list[Any], y: list[Any], xf: list[int], yf: list[int]) -> tuple[list[int], list[int], list[tuple]]:
    """plotext's hd_group: the cells (x // xf, y // yf) the dots fall in, in the order first met, and for each
    the tuple of its xf × yf dots, rows from the top, set where a dot falls."""
    xs, ys = _integers(x), _integers(y)
    if xs is None or ys is None or not len(xs) or len(set(xf)) != 1 or len(set(yf)) != 1:
        return _PLOTEXT_HD_GROUP(x, y, xf, yf)
    width, height = xf[0], yf[0]
    cells_x, cells_y = xs // width, ys // height
    rows = cells_y - cells_y.min()
    keys = (cells_x - cells_x.min()) * (rows.max() + 1) + rows
    _, first, cell = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)  # cells in the order of their first dot, as plotext's dict keeps them
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    dots = np.zeros((len(order), height, width), dtype=np.int64)
    dots[rank[cell], ys % height, xs % width] = 1
    marks = [tuple(row) for row in dots[:, ::-1, :].reshape(len(order), -1).tolist()]
    return cells_x[first[order]].tolist(), cells_y[first[order]].tolist(), marks


def figure_strips(plt: Any) -> list[Strip]:
    """The plotext figure `plt` (a single plot, set up and not yet built) built, one Strip per row from the
    top, as Text.from_ansi(plt.build()) renders."""
    plt._set_sizes()
    plt._build_matrix()
    matrix = plt.monitor.matrix
    strips = []
    for row in reversed(matrix.Rows):
        markers = matrix.marker[row]
        cells = list(zip(matrix.fullground[row], matrix.style[row], matrix.background[row]))
        segments, start = [], 0
        for col in range(1, len(cells) + 1):
            if col == len(cells) or cells[col] != cells[start]:
                codes = plotext_utility.colors_to_ansi(*cells[start])
                segments.append(Segment("".join(markers[start:col]), _style(codes)))
                start = col
        strips.append(Strip(segments))
    return strips


@functools.cache
def _style(codes: str) -> Style | None:
    """The style rich reads from plotext's colour codes (None where plotext writes none)."""
    spans = Text.from_ansi(f"{codes}x{plotext_utility.ansi_end}").spans
    return spans[0].style if spans else None


def install() -> None:
    """Use these in every plotext build from now on (idempotent)."""
    plotext_utility.get_lines = get_lines
    plotext_utility.hd_group = hd_group
