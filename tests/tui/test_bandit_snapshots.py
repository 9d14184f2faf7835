"""How the bandit lab looks (SVG snapshots under tests/tui/__snapshots__)."""

from core.bandit import BanditConfig
from tui.app import GanTuiApp
from tui.labs.bandit import REDRAW_INTERVAL_S

LOCK_IN = BanditConfig(arms=5, q=(1.0, 0.5, 0.5, 0.5, 0.5), noise=0.0, eta=5.0, runs=200, steps=300, seed=4)
PLATEAU = BanditConfig(arms=3, q=(1.0, 0.9, 0.1), theta=(0.0, 5.0, 0.0), eta=0.4, exact=True, runs=1, steps=8000)


def pressing(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(REDRAW_INTERVAL_S + 0.1)
        await pilot.app.workers.wait_for_complete()  # the chart's rebuild
        await pilot.pause()

    return run_before


def test_bandit_pane_after_three_pulls(snap_compare):
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    assert snap_compare(app, run_before=pressing("right", "right", "right"), terminal_size=(100, 30))


def test_bandit_plateau_at_80x24(snap_compare):
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": PLATEAU})
    assert snap_compare(app, run_before=pressing("space"), terminal_size=(80, 24))
