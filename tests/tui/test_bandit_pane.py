"""The bandit lab as a user drives it: stepping, playing, pausing, typing settings, presets."""

import io

import numpy as np
from rich.console import Console
from textual.widgets import Checkbox, Input, Markdown, Static, Tabs

from core.bandit import BanditConfig, Testbed, run_testbed
from tests.tui.conftest import text_of, type_into, wait_for
from tui.app import GanTuiApp
from tui.labs.bandit import REDRAW_INTERVAL_S, SETTLE_S, BanditPane
from tui.widgets.float_slider import FloatSlider

LOCK_IN = BanditConfig(arms=5, q=(1.0, 0.5, 0.5, 0.5, 0.5), noise=0.0, eta=5.0, runs=200, steps=300, seed=4)


async def settle(pilot) -> None:
    """Let the simulation worker finish, its messages arrive and the plot redraw (in a worker of its own)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(REDRAW_INTERVAL_S + 0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle_after_typing(pilot) -> None:
    """As settle, after the pause that lets a changed setting restart the run."""
    await pilot.pause(SETTLE_S + 0.05)
    await settle(pilot)


async def type_and_settle(pilot, selector: str, text: str) -> None:
    await type_into(pilot, selector, text)
    await settle_after_typing(pilot)


async def open_bandit(pilot) -> BanditPane:
    await settle(pilot)
    return pilot.app.query_one(BanditPane)


async def test_each_step_key_makes_one_pull_and_the_bars_show_it():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await pilot.press("right", "right", "right")
        await settle(pilot)
        expected = Testbed(LOCK_IN)
        expected.advance(3)
        state = pane.snapshot.state
        assert state.t == 3 and state.action == expected.run_state().action
        np.testing.assert_array_equal(state.theta, expected.run_state().theta)
        bars = text_of(app, "#bars")
        assert "run 1, step 3" in bars
        assert f"pulled {state.action + 1} → R = +{state.reward:.2f}" in bars
        assert f"{state.pi[state.action]:.2f}  {state.theta[state.action]:+.2f}" in bars


async def test_play_runs_every_step_in_the_background_with_the_same_numbers_as_the_core():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert not pane.playing and pane.snapshot.state.t == 300
        np.testing.assert_array_equal(pane.snapshot.results[0].optimal_pct, run_testbed(LOCK_IN).optimal_pct)
        assert "300/300" in str(app.query_one("#step-count").render())


async def test_pause_stops_the_run_and_play_carries_on_from_there():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await pilot.press(*["minus"] * 5)  # 1000, 300, 100, 30, 10 steps a second
        assert "10/s" in str(app.query_one("#speed").render())
        await pilot.press("space")
        await pilot.pause(0.5)
        await pilot.press("space")
        await settle(pilot)
        paused_at = pane.snapshot.state.t
        assert 1 <= paused_at < 30 and not pane.playing
        await pilot.pause(0.3)
        assert pane.snapshot.state.t == paused_at
        await pilot.press(*["plus"] * 5, "space")
        await settle(pilot)
        assert pane.snapshot.state.t == 300


async def test_the_ui_answers_keys_while_figure_2_5_runs():
    app = GanTuiApp(initial_tab="bandit")  # opens on Figure 2.5: 4 curves × 2000 runs × 1000 steps
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        assert len(pane.snapshot.results) == 4
        # 100 steps a second: busy, and 10 s from done (at 300 a loaded machine once reached the end before
        # the second space was handled)
        await pilot.press("minus", "minus", "minus", "space")
        await pilot.pause(0.3)
        await pilot.press("v")  # handled while the worker computes
        assert app.query_one("#views", Tabs).active == "view-reward"
        assert pane.playing
        await pilot.press("space")
        await settle(pilot)
        assert 0 < pane.snapshot.state.t < 1000
        assert "η=0.4, no baseline" in text_of(app, "#legend")


async def test_a_bad_value_is_marked_and_the_last_valid_settings_keep_running():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await type_and_settle(pilot, "#f-arms", "1")
        assert app.query_one("#f-arms", Input).has_class("-invalid")
        assert "must be between 2 and 100 (got 1)" in text_of(app, "#e-arms")
        assert pane.config == LOCK_IN
        await type_and_settle(pilot, "#f-arms", "5")
        assert not app.query_one("#f-arms", Input).has_class("-invalid")
        assert text_of(app, "#e-arms").strip() == ""


async def test_a_q_list_of_the_wrong_length_is_refused_at_q():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await type_and_settle(pilot, "#f-q", "1, 2")
        assert app.query_one("#f-q", Input).has_class("-invalid")
        assert "needs one value per arm: 5 values (got 2)" in text_of(app, "#e-q")
        await type_and_settle(pilot, "#f-arms", "2")
        assert pane.config.q == (1.0, 2.0) and pane.config.arms == 2
        assert not app.query_one("#f-q", Input).has_class("-invalid")


async def test_too_many_steps_say_the_memory_limit_at_the_steps_field():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        await open_bandit(pilot)
        await type_and_settle(pilot, "#f-steps", "1000000")
        error = text_of(app, "#e-steps")  # under the field typed in
        assert error.startswith("200 runs × 1,000,000 steps would need")
        assert "the limit is 1 GiB, which allows at most 328,146 steps with 200 runs" in error
        assert app.query_one("#f-steps", Input).has_class("-invalid")
        assert not app.query_one("#f-runs", Input).has_class("-invalid")


async def test_the_eta_slider_and_checkboxes_set_the_config_and_start_again():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await pilot.press("right", "right")
        await settle(pilot)
        app.query_one("#f-eta", FloatSlider).value = 0.5
        app.query_one("#f-baseline", Checkbox).value = True
        await settle_after_typing(pilot)
        assert (pane.config.eta, pane.config.baseline) == (0.5, True)
        assert pane.snapshot.state.t == 0 and pane.snapshot.results[0].config.eta == 0.5


async def test_plateau_preset_fills_the_form_and_reproduces_the_long_plateau():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await pilot.press("p")
        assert app.query_one("#f-q", Input).value == "1, 0.9, 0.1"
        assert app.query_one("#f-theta", Input).value == "0, 5, 0"
        assert app.query_one("#f-exact", Checkbox).value
        await pilot.press("space")
        await settle(pilot)
        pi_best = pane.snapshot.results[0].pi_optimal
        assert np.argmax(pi_best >= 0.5) == 6887
        assert "exact gradient: no pulls" in text_of(app, "#bars")
        assert "π1" in text_of(app, "#legend")


async def test_v_cycles_the_plots():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        await open_bandit(pilot)
        tabs = app.query_one("#views", Tabs)
        seen = [tabs.active]
        for _ in range(4):
            await pilot.press("v")
            seen.append(tabs.active)
        assert seen == ["view-pi", "view-optimal", "view-reward", "view-regret", "view-pi"]


async def test_palette_lists_the_bandit_actions_and_question_mark_explains_the_lab():
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": LOCK_IN})
    async with app.run_test(size=(100, 30)) as pilot:
        await open_bandit(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        expected = {"Bandit: step", "Bandit: Sutton & Barto, Figure 2.5", "Bandit: Entropy bonus rescues the lock-in"}
        assert expected <= set(titles)
        await pilot.press("question_mark")
        assert "θ_i += η_t (R − b)(1[a=i] − π_i)" in app.screen.query_one(Markdown).source


def y_tick_labels(plot) -> list[float]:
    """The numbers written left of the plot's y axis, top to bottom."""
    labels = []
    for line in (plot.render_line(y).text for y in range(plot.size.height)):
        left, tick, _ = line.partition("┤")
        if tick and left.strip():
            labels.append(float(left.strip().replace(",", "")))
    return labels


async def test_every_view_labels_its_own_y_axis_around_its_values():
    figure = BanditConfig(arms=10, mean=4.0, eta=0.1, runs=200, steps=300, seed=0)
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": figure})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await open_bandit(pilot)
        await pilot.press("space")
        await settle(pilot)
        result = pane.snapshot.results[0]
        views = (("optimal", result.optimal_pct), ("reward", result.mean_reward), ("regret", result.cumulative_regret))
        for view, values in views:
            app.query_one("#views", Tabs).active = f"view-{view}"
            await settle(pilot)
            ticks = y_tick_labels(app.query_one("#plot"))
            assert len(ticks) >= 3, view
            assert min(ticks) <= values.min() and max(ticks) >= values.max(), view
            assert max(ticks) - min(ticks) <= 3 * (values.max() - values.min()), view  # not squeezed into a corner


async def test_legend_keeps_each_colour_mark_beside_its_label():
    compare = BanditConfig(arms=10, mean=4.0, runs=20, steps=50, compare_eta=(0.1, 0.4), compare_baseline=True)
    app = GanTuiApp(initial_tab="bandit", configs={"bandit": compare})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bandit(pilot)
        legend = app.query_one("#legend", Static)
        await wait_for(pilot, lambda: text_of(app, "#legend").strip(), timeout=5)  # drawn at the next redraw tick
        lines = text_of(app, "#legend").splitlines()
        assert len(lines) >= 2
        for line in lines:
            assert len(line.rstrip()) <= legend.content_size.width
            assert line.lstrip().startswith("━━ ") and not line.rstrip().endswith("━━")
        bars = app.query_one("#bars", Static)
        console = Console(width=bars.content_size.width, record=True, file=io.StringIO())
        console.print(bars.content)
        assert "step 0" in console.export_text()  # the step count is never cut across two lines

