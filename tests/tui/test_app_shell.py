"""The shell: number keys switch labs, `?` opens the current lab's help, the palette lists lab actions."""

import asyncio
import dataclasses

from textual.widgets import Markdown, TabbedContent

import tui.app
from tui.app import GanTuiApp
from tui.help_screen import HelpScreen
from tui.labs import LABS
from tui.labs.saddle import SaddlePane


async def test_number_keys_switch_tabs():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        for key, lab in (("2", "saddle"), ("3", "bandit"), ("4", "gan"), ("1", "adder")):
            await pilot.press(key)
            assert app.query_one(TabbedContent).active == lab


async def test_clicking_a_tab_switches_to_it():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#--content-tab-saddle")
        assert app.active_lab == "saddle"


async def test_quitting_while_a_tab_is_still_being_built_ends_cleanly(monkeypatch):
    """A loaded machine can take a while to build a lab's pane the first time its tab opens; quitting
    meanwhile must not end in a traceback when the build finishes on a closed app."""

    class SlowSaddle(SaddlePane):
        async def on_mount(self) -> None:
            await asyncio.sleep(0.5)
            super().on_mount()

    monkeypatch.setattr(tui.app, "LABS", tuple(
        dataclasses.replace(lab, pane=SlowSaddle) if lab.id == "saddle" else lab for lab in LABS))
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click("#--content-tab-saddle")
        assert app.active_lab == "saddle"
    # leaving the block quits at once; run_test raises what a handler raised while the app closed


async def test_the_initial_tab_comes_from_the_command_line():
    app = GanTuiApp(initial_tab="bandit")
    async with app.run_test(size=(100, 30)):
        assert app.active_lab == "bandit"


async def test_question_mark_opens_the_current_labs_help_and_escape_closes_it():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "hidden unit" in app.screen.query_one(Markdown).source.lower()
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_offers_lab_actions():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Open the Saddle lab" in titles
        assert "Adder: verify" in titles


async def test_palette_command_runs_on_the_pane():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"step forward")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#adder-pane").t == 1


async def test_the_palette_finds_help_and_the_adder_reset():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right", "right")
        await pilot.press("ctrl+p", *"reset")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#adder-pane").t == 0
        await pilot.press("ctrl+p", *"help")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_q_quits():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_lab_pane_is_built_the_first_time_its_tab_opens():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.lab_pane("saddle") is None  # start-up builds only the first lab
        await pilot.press("2")
        saddle = app.lab_pane("saddle")
        assert saddle is not None
        await pilot.press("1", "2")
        assert app.lab_pane("saddle") is saddle  # built once, state kept


def toasts(app) -> list:
    from textual.widgets._toast import Toast

    return list(app.screen.query(Toast))


async def test_preset_notes_replace_each_other_and_go_away(monkeypatch):
    monkeypatch.setattr(GanTuiApp, "NOTIFICATION_TIMEOUT", 1.5)  # 4 s in use: the same going away, sooner
    app = GanTuiApp(initial_tab="saddle")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for _ in range(12):
            await pilot.press("p")
        await pilot.pause(0.2)
        shown = toasts(app)
        assert len(shown) == 1  # one note from the saddle's presets, the newest
        assert shown[0].region.height <= 3  # a name and a hint, not the whole explanation over the charts
        await pilot.pause(GanTuiApp.NOTIFICATION_TIMEOUT + 0.5)
        assert toasts(app) == []


async def test_a_notes_repaint_that_comes_after_the_app_has_closed_does_nothing():
    # a note replaced just before quitting leaves a repaint timer that can fire with no screen left
    app = GanTuiApp(initial_tab="adder")
    async with app.run_test(size=(80, 24), notifications=True):
        app.notify("first", source="test")
        app.notify("second", source="test")
    assert not app.screen_stack
    app._repaint()  # once raised ScreenStackError in the closing app


async def test_notes_from_different_sources_are_both_shown():
    app = GanTuiApp(initial_tab="adder")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("t")  # a preset note
        await pilot.press("c")  # a warning: no counterexample yet
        await pilot.pause(0.2)
        assert len(toasts(app)) == 2


async def test_help_explains_the_last_preset_loaded():
    from tui.presets import load_preset

    app = GanTuiApp(initial_tab="bandit")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p", "question_mark")
        await pilot.pause()
        preset = load_preset("bandit", "plateau")
        text = app.screen.query_one(Markdown).source
        assert text.startswith(f"## Last preset loaded: {preset.title}")
        assert preset.description.split()[0] in text


async def test_below_a_labs_smallest_size_one_line_asks_for_a_bigger_terminal():
    app = GanTuiApp(initial_tab="bandit")
    async with app.run_test(size=(60, 20)) as pilot:
        notice = app.query_one("#too-small")
        assert notice.display and not app.query_one(TabbedContent).display
        assert str(notice.content) == "Bandit needs 80×23 (now 60×20): enlarge the terminal"
        assert len(str(notice.content)) <= 60  # one line, even this narrow
        await pilot.press("1")  # the adder needs less, but still more than 60 columns
        assert str(notice.content).startswith("RNN adder needs 70×20")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not notice.display and app.query_one(TabbedContent).display
        assert app.active_lab == "adder"


async def test_every_lab_draws_at_80x24_and_in_tmux_at_80x23():
    app = GanTuiApp()
    async with app.run_test(size=(80, 23)) as pilot:
        for key in "1234":
            await pilot.press(key)
            await pilot.pause()
            assert not app.query_one("#too-small").display, key
