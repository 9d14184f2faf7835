"""The live chart redraws at a steady rate however fast data comes, off the event loop, and draws what it was given."""

import asyncio
import time

import numpy as np
from textual.app import App, ComposeResult

from core.series import GrowingSeries
from tests.tui.conftest import wait_for
from tui.widgets.series_chart import (
    Level,
    Line,
    Marks,
    SeriesChart,
    VLine,
    decade_label,
    decade_ticks,
    end_ticks,
    round_ticks,
)


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SeriesChart("losses")


async def test_a_flood_of_updates_redraws_only_a_few_times_a_second():
    app = ChartApp()
    async with app.run_test(size=(60, 15)) as pilot:
        chart = app.query_one(SeriesChart)
        series = GrowingSeries()
        start = time.perf_counter()
        before = chart.redraws
        while time.perf_counter() - start < 1.0:
            for _ in range(50):
                series.append(len(series), float(np.sin(len(series) / 100)))
                chart.show([Line(series.x, series.y, (255, 0, 0), "D")])
            await asyncio.sleep(0.005)  # 200 batches of 50 updates a second
        await pilot.pause()
        elapsed = time.perf_counter() - start
        assert len(series) > 1000
        assert 1 <= chart.redraws - before <= elapsed * chart.redraws_per_second + 1


async def test_the_chart_draws_its_title_legend_and_levels():
    app = ChartApp()
    async with app.run_test(size=(60, 15)) as pilot:
        chart = app.query_one(SeriesChart)
        steps = np.arange(100_000.0)
        chart.show(
            [Line(steps, np.cos(steps / 1e4), (0, 128, 255), "D loss")],
            [Level(np.log(4), "log 4", (128, 128, 128))],
            title="GAN losses",
        )
        await wait_for(pilot, lambda: chart.up_to_date)  # built in a worker once the last build's time is up
        await pilot.pause()
        drawn = "\n".join(chart.render_line(y).text for y in range(chart.size.height))
        assert "GAN losses" in drawn and "D loss" in drawn and "log 4" in drawn
        assert chart.redraws >= 1


async def test_a_paced_chart_shows_its_new_plot_when_its_owner_paints_and_not_before():
    # a view fed live data paints its charts on its own beat, all in one frame
    app = ChartApp()
    async with app.run_test(size=(60, 15)) as pilot:
        chart = app.query_one(SeriesChart)
        steps = np.arange(100.0)
        chart.show([Line(steps, steps, (0, 128, 255), "first")])
        await wait_for(pilot, lambda: chart.up_to_date)
        built = chart.redraws
        chart.show([Line(steps, -steps, (0, 128, 255), "second")], paced=True)
        await wait_for(pilot, lambda: chart.redraws > built and chart._building.is_finished)
        await pilot.pause(0.2)
        drawn = lambda: "\n".join(chart.render_line(y).text for y in range(chart.size.height))  # noqa: E731
        assert "first" in drawn() and "second" not in drawn() and not chart.up_to_date
        chart.paint_ready()
        assert "second" in drawn() and "first" not in drawn() and chart.up_to_date


class PlaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SeriesChart(x_label="", summary=None, axes="plain", decades=True)


async def test_marks_vertical_lines_and_a_decade_axis_are_drawn():
    app = PlaneApp()
    async with app.run_test(size=(60, 15)) as pilot:
        chart = app.query_one(SeriesChart)
        chart.show([Line(np.arange(5.0), np.array([0.0, -1, -2, -3, -4]), (0, 128, 255)),
                    Marks(np.array([2.0]), np.array([-1.0]), "white", "◆")],
                   title="norm", x_limits=(0.0, 4.0), vlines=[VLine(3.0, (255, 0, 0))])
        await wait_for(pilot, lambda: chart.up_to_date)
        await pilot.pause()
        strips = [chart.render_line(y) for y in range(chart.size.height)]
        drawn = "\n".join(strip.text for strip in strips)
        assert "norm" in drawn and drawn.count("◆") == 1 and "1e+00" in drawn and "1e-04" in drawn
        red = [segment for strip in strips for segment in strip
               if segment.style and segment.style.color and segment.style.color.triplet == (255, 0, 0)]
        assert len(red) >= chart.size.height - 6  # the vertical line, from the plot's bottom to its top


def test_decade_ticks_are_whole_powers_of_ten_at_most_six():
    assert decade_ticks(-2.5, 0.3) == [-3, -2, -1, 0, 1]
    assert decade_ticks(-12, 7) == [-12, -8, -4, 0, 4]
    assert decade_ticks(1, 1) == [1, 2]  # a flat line still spans a decade
    assert [decade_label(power) for power in (-6, 0, 7)] == ["1e-06", "1e+00", "1e+07"]


def test_round_ticks_cover_the_values_with_round_steps():
    assert round_ticks(0, 1000, most=5) == [0, 200, 400, 600, 800, 1000]
    assert round_ticks(0, 8000, most=5) == [0, 2000, 4000, 6000, 8000]
    assert round_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert round_ticks(0.3, 5.3) == [0, 2, 4, 6]
    assert round_ticks(-2.5, 3.1) == [-4, -2, 0, 2, 4]
    assert round_ticks(120, 437) == [100, 200, 300, 400, 500]
    assert round_ticks(4, 4) == [3.5, 3.75, 4, 4.25, 4.5]  # a flat line still gets an axis


def test_end_ticks_label_where_a_run_starts_and_has_got_to():
    assert end_ticks(4, 80, 3) == [4, 42, 80]
    assert end_ticks(1, 2, 5) == [1, 2]  # no tick written twice
