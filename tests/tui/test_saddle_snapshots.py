"""How the saddle lab looks (SVG snapshots under tests/tui/__snapshots__)."""

from core.minmax import SaddleConfig
from tests.tui.conftest import wait_for
from tui.app import GanTuiApp
from tui.widgets.series_chart import SeriesChart


def saddle_app(config: SaddleConfig | None = None) -> GanTuiApp:
    return GanTuiApp(initial_tab="saddle", configs={"saddle": config} if config else None)


async def charts_drawn(pilot) -> None:
    """Until every chart on screen shows what it was last given: they build in workers, when their turn comes."""
    def drawn() -> bool:
        charts = [chart for chart in pilot.app.query(SeriesChart) if chart.is_on_screen]
        return bool(charts) and all(chart.up_to_date for chart in charts)

    await pilot.pause()  # the layout first: it says which charts are on screen
    await wait_for(pilot, drawn)
    await pilot.pause()


def test_saddle_pane_on_the_homework(snap_compare):
    assert snap_compare(saddle_app(), run_before=charts_drawn, terminal_size=(100, 30))


def test_saddle_pane_at_80x24_past_the_boundary(snap_compare):
    async def step_past_the_boundary(pilot):
        await pilot.press("right", "right")
        await charts_drawn(pilot)

    assert snap_compare(saddle_app(), run_before=step_past_the_boundary, terminal_size=(80, 24))


def test_saddle_sweep_view(snap_compare):
    async def open_the_sweep(pilot):
        await pilot.press("s")
        await pilot.app.workers.wait_for_complete()
        await charts_drawn(pilot)

    assert snap_compare(saddle_app(SaddleConfig(game="bilinear", method="ogda", eta=0.3, steps=300)),
                        run_before=open_the_sweep, terminal_size=(100, 30))


def test_saddle_help_screen(snap_compare):
    async def open_the_help(pilot):
        await charts_drawn(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(saddle_app(), run_before=open_the_help, terminal_size=(100, 30))
