"""The saddle lab as a user drives it: the step-size slider, typed values, selects, keys, presets and the sweep."""

import numpy as np
import pytest
from textual.widgets import ContentSwitcher, Input, Select, Static

from core.minmax import SaddleConfig
from tests.tui.conftest import text_of, type_into, wait_for
from tui.app import GanTuiApp
from tui.labs.saddle import SaddlePane
from tui.widgets.float_slider import LABEL_WIDTH, FloatSlider
from tui.widgets.series_chart import SeriesChart

# Other labs have fields with the same ids (a, b): every query goes through the saddle pane.


def saddle(app) -> SaddlePane:
    return app.query_one(SaddlePane)


def within(app, selector: str, kind=None):
    return saddle(app).query_one(selector, kind)


async def plot_text(pilot, selector: str) -> str:
    """The lines the plot paints on screen, once it has drawn what it was last given (it builds in a worker)."""
    plot = within(pilot.app, selector, SeriesChart)
    await wait_for(pilot, lambda: plot.up_to_date)
    return "\n".join(plot.render_line(y).text for y in range(plot.size.height))


async def paste_into(pilot, selector: str, text: str) -> None:
    field = within(pilot.app, selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


def saddle_app(**settings) -> GanTuiApp:
    return GanTuiApp(initial_tab="saddle", configs={"saddle": SaddleConfig(**settings)} if settings else None)


async def test_the_lab_opens_on_the_homework_just_inside_a_quarter():
    app = saddle_app()
    async with app.run_test(size=(100, 30)):
        assert "converged · step 170 of 200" in text_of(saddle(app), "#status")
        theory = text_of(saddle(app), "#theory")
        assert "ρ = 0.9200 < 1" in theory
        assert "converges for 0 < η < 0.25" in theory
        assert "best η = 0.125" in theory


async def test_arrow_keys_step_eta_over_the_boundary_and_the_run_diverges():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        before = await plot_text(pilot, "#trajectory-plot")
        await pilot.press("right", "right")
        assert app.query_one(SaddlePane).config.eta == 0.26
        assert within(app, "#f-eta", Input).value == "0.26"
        assert "diverged · step 176 of 200" in text_of(saddle(app), "#status")
        assert "ρ = 1.0800 > 1: grows" in text_of(saddle(app), "#theory")
        after = await plot_text(pilot, "#trajectory-plot")
        assert after != before and "η = 0.26" in after  # the last key's run is the one drawn
        await pilot.press("left", "left", "left")
        assert "converged" in text_of(saddle(app), "#status")


async def test_dragging_the_slider_redraws_the_run():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        slider = within(app, "#slider-eta", FloatSlider)
        track = slider.content_size.width - LABEL_WIDTH - 1
        trajectory_before = await plot_text(pilot, "#trajectory-plot")
        norms_before = await plot_text(pilot, "#norm-plot")
        await pilot.mouse_down(slider, offset=(track // 2, 0))
        await pilot.hover(slider, offset=(track - 1, 0))
        await pilot.mouse_up(slider, offset=(track - 1, 0))
        await pilot.pause()
        pane = app.query_one(SaddlePane)
        assert pane.config.eta == 0.5  # the far end of the quadratic game's track, twice the boundary
        assert "diverged" in text_of(saddle(app), "#status")
        assert await plot_text(pilot, "#trajectory-plot") != trajectory_before
        assert await plot_text(pilot, "#norm-plot") != norms_before
        assert within(app, "#f-eta", Input).value == "0.5"


async def test_the_theory_ruler_moves_the_eta_marker():
    app = saddle_app(eta=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        ruler = [line for line in text_of(saddle(app), "#theory").splitlines() if line.startswith("0")][0]
        await pilot.press("shift+right", "shift+right")
        moved = [line for line in text_of(saddle(app), "#theory").splitlines() if line.startswith("0")][0]
        assert ruler.index("●") < ruler.index("◆") < moved.index("●")  # 0.05 < best 0.125 < 0.25


async def test_a_typed_eta_off_the_slider_grid_is_kept_exactly():
    app = saddle_app(game="bilinear", method="ogda")
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#f-eta", "0.577", saddle(pilot.app))
        pane = app.query_one(SaddlePane)
        assert pane.config.eta == 0.577
        assert within(app, "#slider-eta", FloatSlider).value == 0.577
        assert pane.trajectory.status == "running"  # ρ = 0.9996: converging, slowly, just inside 1/√3


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [("eta", "0", "must be > 0 and at most 10 (got 0)"),
     ("eta", "fast", "must be a number (got 'fast')"),
     ("a", "-1", "must be > 0"),
     ("steps", "99999", "must be between 1 and 10000 (got 99999)"),
     ("start", "1;1", "must be two numbers x,y")],
)
async def test_bad_input_gets_a_message_at_the_field_and_the_last_run_stays(field, typed, message):
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await paste_into(pilot, f"#f-{field}", typed)
        assert within(app, f"#f-{field}", Input).has_class("-invalid")
        assert message in text_of(saddle(app), f"#e-{field}")
        assert app.query_one(SaddlePane).config == SaddleConfig()
        assert "converged · step 170 of 200" in text_of(saddle(app), "#status")


async def test_fixing_a_bad_value_clears_its_message():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#f-b", "0", saddle(pilot.app))
        await type_into(pilot, "#f-b", "5", saddle(pilot.app))
        assert not within(app, "#f-b", Input).has_class("-invalid")
        assert text_of(saddle(app), "#e-b") == ""
        assert "converges for 0 < η < 0.2" in text_of(saddle(app), "#theory")  # 1/max(a, b)


async def test_unequal_curvatures_rescale_the_slider_to_twice_the_boundary():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#f-a", "1", saddle(pilot.app))
        await type_into(pilot, "#f-b", "1", saddle(pilot.app))
        slider = within(app, "#slider-eta", FloatSlider)
        assert (slider.maximum, slider.step) == (2.0, 0.04)
        assert app.query_one(SaddlePane).config.eta == 0.24
        assert "converges for 0 < η < 1" in text_of(saddle(app), "#theory")


async def test_game_and_method_keys_and_selects():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(SaddlePane)
        await pilot.press("g")
        assert pane.config.game == "bilinear"
        assert within(app, "#f-a", Input).disabled  # a and b belong to the quadratic game
        assert "no η converges" in text_of(saddle(app), "#theory")
        await pilot.click("#f-method")
        await pilot.press("down", "down", "down", "enter")  # gda → alt-gda → ogda → extragradient
        await pilot.pause()
        assert pane.config.method == "extragradient"
        assert within(app, "#f-method", Select).value == "extragradient"
        assert "converges for 0 < η < 1" in text_of(saddle(app), "#theory")
        assert "×0.9725/step" in text_of(saddle(app), "#status")  # √(1 − η² + η⁴) at η = 0.24


async def test_gamma_is_only_editable_for_the_regularised_methods():
    app = saddle_app(game="dirac", method="gda")
    async with app.run_test(size=(100, 30)) as pilot:
        assert within(app, "#f-gamma", Input).disabled
        pane = app.query_one(SaddlePane)
        within(app, "#f-method", Select).value = "r1"
        await pilot.pause()
        assert not within(app, "#f-gamma", Input).disabled
        await type_into(pilot, "#f-gamma", "0", saddle(pilot.app))
        assert pane.config.gamma == 0.0 and pane.trajectory.status != "converged"


async def test_keys_move_the_start_point():
    app = saddle_app(method="gd")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*["j"] * 10)  # y0 from 1 to 0: gradient descent on both players now converges
        pane = app.query_one(SaddlePane)
        assert pane.config.start == (1.0, 0.0)
        assert within(app, "#f-start", Input).value == "1,0"
        status = text_of(saddle(app), "#status")
        assert "converged" in status and "started on a contracting direction" in status  # beside "ρ > 1: grows"
        await pilot.press("k")
        assert "diverged" in text_of(saddle(app), "#status")


async def test_p_loads_presets_in_turn():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")  # presets in name order: bilinear-alt-gda first
        pane = app.query_one(SaddlePane)
        config = pane.config
        assert (config.game, config.method, config.eta, config.steps) == ("bilinear", "alt-gda", 0.3, 300)
        assert "cycling" in text_of(saddle(app), "#status")
        assert within(app, "#f-eta", Input).value == "0.3"
        assert within(app, "#f-method", Select).value == "alt-gda"


async def test_the_preset_select_loads_dirac_gan_with_r1():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        within(app, "#preset", Select).value = "dirac-r1"
        await pilot.pause()
        pane = app.query_one(SaddlePane)
        assert (pane.config.game, pane.config.method, pane.config.gamma) == ("dirac", "r1", 1.0)
        assert "converged · step 329 of 500" in text_of(saddle(app), "#status")
        assert within(app, "#preset", Select).value == "dirac-r1"  # the box names the preset on screen


async def test_the_sweep_view_shows_the_boundary():
    app = saddle_app(steps=1000)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert within(app, "#lower-plot", ContentSwitcher).current == "sweep-view"
        key = text_of(saddle(app), "#sweep-key")
        assert all(word in key for word in ("converged", "cycling", "diverged"))
        pane = app.query_one(SaddlePane)
        _, result = pane.swept
        statuses = np.array(result.status)
        assert set(statuses[result.etas <= 0.24]) == {"converged"}
        assert set(statuses[result.etas >= 0.26]) == {"diverged"}
        assert "converged" not in statuses[result.etas > 0.25] and "diverged" not in statuses[result.etas < 0.25]
        assert "white: theory" in await plot_text(pilot, "#sweep-plot")
        await pilot.press("right")  # η moves: only the marker, the sweep is not run again
        assert pane.swept[1] is result
        await pilot.press("s")
        assert within(app, "#lower-plot", ContentSwitcher).current == "norm-plot"


async def test_the_most_extreme_settings_draw_without_crashing():
    app = saddle_app(method="consensus", eta=10.0, a=100.0, b=100.0, gamma=100.0, start=(1000.0, -1000.0), steps=10_000)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "diverged · step 1 of 10000" in text_of(saddle(app), "#status")
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "1e+07" in await plot_text(pilot, "#sweep-plot")  # diverged runs sit on the plot's ceiling


@pytest.mark.parametrize(
    ("settings", "word"),
    [({"game": "bilinear", "method": "gda"}, "spiralling out"),  # ρ = 1.03, ‖z‖ in the hundreds after 200 steps
     ({"game": "dirac", "method": "gda"}, "spiralling out"),
     ({"game": "bilinear", "method": "ogda"}, "not converged yet")],  # ρ = 0.97: on its way, not there
)
async def test_a_finished_run_never_reads_running(settings, word):
    app = saddle_app(**settings)
    async with app.run_test(size=(100, 30)):
        status = text_of(saddle(app), "#status")
        assert status.startswith(f"● {word} · step 200 of 200") and "running" not in status


async def test_the_preset_box_names_the_preset_on_screen_until_a_setting_moves():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        preset = within(app, "#preset", Select)
        assert preset.is_blank()
        await pilot.press("p")
        assert preset.value == "bilinear-alt-gda"
        await pilot.press("right")  # η moves: the form no longer holds the preset
        await pilot.pause()
        assert preset.is_blank()


async def test_an_error_does_not_move_the_status_or_the_theory():
    app = saddle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        before = (within(app, "#status", Static).region.y, within(app, "#theory", Static).region.y)
        await type_into(pilot, "#f-eta", "0", saddle(pilot.app))
        assert "must be > 0" in text_of(saddle(app), "#e-eta")
        assert (within(app, "#status", Static).region.y, within(app, "#theory", Static).region.y) == before


async def test_after_escape_tab_goes_on_from_the_field_left():
    app = saddle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")  # focus the η field
        await pilot.press("escape", "tab")
        assert app.focused.id == "f-steps"
