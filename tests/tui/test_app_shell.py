"""The shell: number keys switch labs, `?` opens the current lab's help, the palette lists lab actions."""

from textual.widgets import Markdown, TabbedContent

from tui.app import GanTuiApp
from tui.help_screen import HelpScreen


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
