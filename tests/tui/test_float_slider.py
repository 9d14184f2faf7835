"""The float slider: keys, clicks and drags give the values a user aims at, on linear and log scales."""

import pytest
from textual.app import App, ComposeResult

from tui.widgets.float_slider import LABEL_WIDTH, FloatSlider


class SliderApp(App[None]):
    def __init__(self, slider: FloatSlider) -> None:
        super().__init__()
        self.slider = slider
        self.changes: list[float] = []

    def compose(self) -> ComposeResult:
        yield self.slider

    def on_float_slider_changed(self, event: FloatSlider.Changed) -> None:
        self.changes.append(event.value)


async def test_arrow_keys_step_exactly_onto_the_grid():
    app = SliderApp(FloatSlider(0.25, 0.01, 0.5, step=0.01))
    async with app.run_test(size=(60, 3)) as pilot:
        app.slider.focus()
        await pilot.press("left")
        assert app.slider.value == 0.24
        await pilot.press("right", "right")
        assert app.slider.value == 0.26
        await pilot.press("shift+left")
        assert app.slider.value == 0.16
        await pilot.press("end")
        assert app.slider.value == 0.5
        assert app.changes[-1] == 0.5


async def test_log_scale_steps_are_equal_ratios():
    app = SliderApp(FloatSlider(0.01, 0.001, 10.0, log=True))
    async with app.run_test(size=(60, 3)) as pilot:
        app.slider.focus()
        await pilot.press("shift+right")  # 10 of 100 steps across 4 decades: ×10^0.4
        assert app.slider.value == pytest.approx(0.01 * 10**0.4)


async def test_values_outside_the_range_are_clamped():
    app = SliderApp(FloatSlider(0.1, 0.0, 1.0))
    async with app.run_test(size=(60, 3)):
        app.slider.value = 3.0
        assert app.slider.value == 1.0


async def test_click_and_drag_set_the_value_from_the_position():
    app = SliderApp(FloatSlider(0.0, 0.0, 1.0))
    async with app.run_test(size=(60, 3)) as pilot:
        track = app.slider.content_size.width - LABEL_WIDTH - 1
        await pilot.click(FloatSlider, offset=(track - 1, 0))
        assert app.slider.value == pytest.approx(1.0)
        await pilot.mouse_down(FloatSlider, offset=(0, 0))
        await pilot.hover(FloatSlider, offset=((track - 1) // 2, 0))
        await pilot.mouse_up(FloatSlider, offset=((track - 1) // 2, 0))
        assert app.slider.value == pytest.approx(((track - 1) // 2) / (track - 1))
        assert app.slider.has_focus


async def test_the_label_shows_the_value():
    app = SliderApp(FloatSlider(0.24, 0.0, 1.0))
    async with app.run_test(size=(60, 3)):
        assert str(app.slider.render()).rstrip().endswith("0.24")


async def test_a_new_range_clamps_and_snaps_the_value():
    app = SliderApp(FloatSlider(0.24, 0.01, 0.5, step=0.01))
    async with app.run_test(size=(60, 3)) as pilot:
        app.slider.set_range(0.05, 2.5, step=0.05)
        assert app.slider.value == 0.25
        app.slider.set_range(0.5, 5.0, step=0.1)
        await pilot.pause()
        assert app.slider.value == 0.5
        assert app.changes[-1] == 0.5
        app.slider.focus()
        await pilot.press("right")
        assert app.slider.value == 0.6


async def test_show_displays_an_off_grid_value_without_a_changed_message():
    app = SliderApp(FloatSlider(0.25, 0.01, 0.5, step=0.01))
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        app.changes.clear()
        app.slider.show(0.577)
        await pilot.pause()
        assert app.slider.value == 0.5  # clamped to the range
        app.slider.show(0.2345)
        await pilot.pause()
        assert app.slider.value == 0.2345  # not snapped to 0.23
        assert app.changes == []
        assert "0.2345" in str(app.slider.render())
