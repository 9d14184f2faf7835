"""The numpy versions of plotext's line and braille loops return exactly what plotext's own do, and the strips
read from plotext's cells are what its ANSI text renders to, so every chart looks the same, only built faster."""

from dataclasses import replace

import numpy as np
import pytest
from rich.style import Style
from rich.text import Text
from textual_plotext.plot import Plot

from tui.widgets import plotext_fast
from tui.widgets.series_chart import Level, Line, Marks, VLine, _Figure, build_chart, chart_strips


def random_points(rng: np.random.Generator, count: int, low: int) -> tuple[list[int], list[int]]:
    return rng.integers(low, 100, count).tolist(), rng.integers(low, 60, count).tolist()


@pytest.mark.parametrize("low", [0, -40])  # points left of or below the canvas, as a zoomed chart has
def test_lines_and_braille_cells_match_plotexts_on_random_points(low):
    rng = np.random.default_rng(0)
    for _ in range(500):
        count = int(rng.integers(1, 40))
        x, y = random_points(rng, count, low)
        other = (rng.choice(["braille", "dot"], count).tolist(), [(0, 175, 255)] * count, ["default"] * count)
        expected = plotext_fast._PLOTEXT_GET_LINES(x, y, *other)
        assert plotext_fast.get_lines(x, y, *other) == expected
        dots_x, dots_y = expected[0], expected[1]
        factors_x, factors_y = [2] * len(dots_x), [4] * len(dots_x)
        assert list(map(list, plotext_fast.hd_group(dots_x, dots_y, factors_x, factors_y))) == \
            list(map(list, plotext_fast._PLOTEXT_HD_GROUP(dots_x, dots_y, factors_x, factors_y)))


def test_what_they_do_not_expect_goes_to_plotexts_own():
    # a missing value (plotext keeps it as None) and a series of mixed marker sizes
    assert plotext_fast.get_lines([0, None, 4], [1, 2, 3], ["a"] * 3) == \
        plotext_fast._PLOTEXT_GET_LINES([0, None, 4], [1, 2, 3], ["a"] * 3)
    assert plotext_fast.hd_group([0, 3], [1, 5], [2, 1], [4, 1]) == \
        plotext_fast._PLOTEXT_HD_GROUP([0, 3], [1, 5], [2, 1], [4, 1])


def figure(seed: int) -> _Figure:
    rng = np.random.default_rng(seed)
    x = np.arange(3000.0)
    lines = (Line(x, 1.2 + 0.3 * rng.standard_normal(3000), (0, 70, 100)),
             Line(x, np.cumsum(rng.standard_normal(3000)) / 30, (0, 175, 255), "D"),
             Line(x, 0.8 + 0.5 * rng.standard_normal(3000), (255, 135, 0), "G", right=True),
             Marks(rng.uniform(0, 3000, 40), rng.uniform(0, 2, 40), (95, 215, 95), marker="braille"))
    return _Figure("losses", "step", lines, (Level(1.386, "log 4", (200, 200, 200)),), (VLine(1500, "white"),),
                   None, None, 48, 14, "textual-dark", "minmax", "fitted", False)


def test_a_chart_built_with_them_is_the_chart_plotext_builds(monkeypatch):
    plot = Plot()
    for seed in range(3):
        fast = build_chart(plot, figure(seed))
        with monkeypatch.context() as patch:
            patch.setattr("plotext._utility.get_lines", plotext_fast._PLOTEXT_GET_LINES)
            patch.setattr("plotext._utility.hd_group", plotext_fast._PLOTEXT_HD_GROUP)
            slow = build_chart(plot, figure(seed))
        assert cells(fast) == cells(slow)
        assert sum(0x2800 < ord(char) <= 0x28FF for row in cells(fast) for char, _ in row) > 100  # braille lines


def cells(strips) -> list[list[tuple[str, Style]]]:
    """Each row's cells, as (character, style): what the terminal shows, however the segments are cut."""
    return [[(char, segment.style or Style.null()) for segment in strip for char in segment.text] for strip in strips]


def through_ansi(plt) -> list:
    """What the chart was before figure_strips: plotext's ANSI text, parsed by rich and cut into lines."""
    return chart_strips(Text.from_ansi(plt.build()), plt._width)


@pytest.mark.parametrize("size", [(48, 14), (58, 11), (30, 6), (100, 30)])
def test_strips_read_from_plotexts_cells_are_what_its_ansi_text_renders_to(size, monkeypatch):
    plot = Plot()
    for seed in range(3):
        chart = replace(figure(seed), width=size[0], height=size[1])
        empty = replace(chart, lines=(), levels=(), vlines=())
        for shown in (chart, empty):
            direct = build_chart(plot, shown)
            with monkeypatch.context() as patch:
                patch.setattr(plotext_fast, "figure_strips", through_ansi)
                parsed = build_chart(plot, shown)
            # the ANSI text ends in a newline, hence an empty last line, below the widget's height
            assert len(direct) == size[1] and cells(direct) == cells(parsed)[:size[1]]
            assert cells(parsed)[size[1]:] == [[]]
            assert all(len(row) <= size[0] for row in cells(direct))  # a key line above the plot may be shorter
