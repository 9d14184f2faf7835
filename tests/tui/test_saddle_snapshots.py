"""How the saddle lab looks (SVG snapshots under tests/tui/__snapshots__)."""

from core.minmax import SaddleConfig
from tui.app import GanTuiApp


def saddle_app(config: SaddleConfig | None = None) -> GanTuiApp:
    return GanTuiApp(initial_tab="saddle", configs={"saddle": config} if config else None)


def test_saddle_pane_on_the_homework(snap_compare):
    assert snap_compare(saddle_app(), terminal_size=(100, 30))


def test_saddle_pane_at_80x24_past_the_boundary(snap_compare):
    assert snap_compare(saddle_app(), press=["right", "right"], terminal_size=(80, 24))


def test_saddle_sweep_view(snap_compare):
    async def open_the_sweep(pilot):
        await pilot.press("s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(saddle_app(SaddleConfig(game="bilinear", method="ogda", eta=0.3, steps=300)),
                        run_before=open_the_sweep, terminal_size=(100, 30))


def test_saddle_help_screen(snap_compare):
    assert snap_compare(saddle_app(), press=["question_mark"], terminal_size=(100, 30))
