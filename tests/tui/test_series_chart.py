"""The live chart redraws at a steady rate however fast data comes, off the event loop, and draws what it was given."""

import asyncio
import time

import numpy as np
from textual.app import App, ComposeResult

from core.series import GrowingSeries
from tui.widgets.series_chart import Level, Line, SeriesChart, end_ticks, round_ticks


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
        chart.redraw_if_dirty()
        await app.workers.wait_for_complete()
        await pilot.pause()
        drawn = "\n".join(chart.render_line(y).text for y in range(chart.size.height))
        assert "GAN losses" in drawn and "D loss" in drawn and "log 4" in drawn
        assert chart.redraws >= 1


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
