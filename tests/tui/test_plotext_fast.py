"""The numpy versions of plotext's line and braille loops return exactly what plotext's own do, so every chart
looks the same, only built faster."""

import numpy as np
import pytest
from textual_plotext.plot import Plot

from tui.widgets import plotext_fast
from tui.widgets.series_chart import Level, Line, Marks, VLine, _Figure, build_chart


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
        assert fast.plain == slow.plain and fast.spans == slow.spans
        assert sum(0x2800 < ord(char) <= 0x28FF for char in fast.plain) > 100  # the lines were drawn in braille
