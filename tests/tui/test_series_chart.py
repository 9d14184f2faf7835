"""The live chart redraws at a steady rate however fast data comes, off the event loop, and draws what it was given."""

import asyncio
import time

import numpy as np
from textual.app import App, ComposeResult

from core.series import GrowingSeries
from tui.widgets.series_chart import Level, Line, SeriesChart


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
        assert 1 <= chart.redraws - before <= elapsed * SeriesChart.REDRAWS_PER_SECOND + 1


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
