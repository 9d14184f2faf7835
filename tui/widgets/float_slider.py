"""A slider for a float: keyboard, click and drag, linear or log scale (Textual has no float slider)."""

from __future__ import annotations

import math

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

LABEL_WIDTH = 9
SMALL_STEPS_PER_TRACK = 100


class FloatSlider(Widget, can_focus=True):
    """A value in [minimum, maximum]; ←/→ move a small step, shift+←/→ ten, home/end the ends.

    On a log scale a step is a fixed fraction of the track, so each decade gets as
    many steps. On a linear scale with `step` given, values snap to multiples of it
    from `minimum`, so 0.24 and 0.26 are reached exactly.
    """

    DEFAULT_CSS = """
    FloatSlider { height: 1; width: 1fr; min-width: 16; }
    FloatSlider:focus { background: $boost; }
    FloatSlider > .float-slider--track { color: $foreground-muted; }
    FloatSlider > .float-slider--filled { color: $accent; }
    FloatSlider > .float-slider--thumb { color: $text; text-style: bold; }
    """
    COMPONENT_CLASSES = {"float-slider--track", "float-slider--filled", "float-slider--thumb"}
    BINDINGS = [
        Binding("left", "nudge(-1)", "Smaller", show=False),
        Binding("right", "nudge(1)", "Larger", show=False),
        Binding("shift+left", "nudge(-10)", "Much smaller", show=False),
        Binding("shift+right", "nudge(10)", "Much larger", show=False),
        Binding("home", "to_fraction(0)", "Minimum", show=False),
        Binding("end", "to_fraction(1)", "Maximum", show=False),
    ]

    value: reactive[float] = reactive(0.0)

    class Changed(Message):
        """The value changed, by the user or by code."""

        def __init__(self, slider: FloatSlider, value: float) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

        @property
        def control(self) -> FloatSlider:
            return self.slider

    def __init__(
        self,
        value: float,
        minimum: float,
        maximum: float,
        *,
        step: float | None = None,
        log: bool = False,
        label_format: str = "{:.4g}",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        if not minimum < maximum:
            raise ValueError(f"minimum {minimum} must be below maximum {maximum}")
        if log and minimum <= 0:
            raise ValueError("a log scale needs minimum > 0")
        super().__init__(name=name, id=id, classes=classes)
        self.minimum, self.maximum, self.step, self.log_scale = minimum, maximum, step, log
        self.label_format = label_format
        self._dragging = False
        self.set_reactive(FloatSlider.value, self.validate_value(value))

    def set_range(self, minimum: float, maximum: float, *, step: float | None = None) -> None:
        """Move the track's ends (and the step); the value is clamped and snapped into the new range."""
        if not minimum < maximum:
            raise ValueError(f"minimum {minimum} must be below maximum {maximum}")
        if self.log_scale and minimum <= 0:
            raise ValueError("a log scale needs minimum > 0")
        self.minimum, self.maximum, self.step = minimum, maximum, step
        self.value = self.validate_value(self.value)
        self.refresh()

    def show(self, value: float) -> None:
        """Display `value` exactly, clamped but not snapped to the step, without posting Changed.

        For a value typed elsewhere (η = 0.577): the slider shows it rather than the nearest step.
        """
        self.set_reactive(FloatSlider.value, min(self.maximum, max(self.minimum, float(value))))
        self.refresh()

    def fraction_of(self, value: float) -> float:
        """Where `value` sits along the track, 0 at the minimum and 1 at the maximum."""
        if self.log_scale:
            return math.log(value / self.minimum) / math.log(self.maximum / self.minimum)
        return (value - self.minimum) / (self.maximum - self.minimum)

    def value_at(self, fraction: float) -> float:
        fraction = min(1.0, max(0.0, fraction))
        if self.log_scale:
            return self.minimum * (self.maximum / self.minimum) ** fraction
        return self.minimum + fraction * (self.maximum - self.minimum)

    def validate_value(self, value: float) -> float:
        value = min(self.maximum, max(self.minimum, float(value)))
        if self.step and not self.log_scale:
            value = self.minimum + round((value - self.minimum) / self.step) * self.step
            value = min(self.maximum, round(value, 12))
        return value

    def watch_value(self, value: float) -> None:
        self.post_message(self.Changed(self, value))

    def action_nudge(self, steps: int) -> None:
        if self.step and not self.log_scale:
            self.value = self.value + steps * self.step
        else:
            self.value = self.value_at(self.fraction_of(self.value) + steps / SMALL_STEPS_PER_TRACK)

    def action_to_fraction(self, fraction: float) -> None:
        self.value = self.value_at(fraction)

    def _track_width(self) -> int:
        return max(2, self.content_size.width - LABEL_WIDTH - 1)

    def render(self) -> Text:
        width = self._track_width()
        thumb = round(self.fraction_of(self.value) * (width - 1))
        text = Text(no_wrap=True, overflow="crop")
        text.append("━" * thumb, self.get_component_rich_style("float-slider--filled"))
        text.append("●", self.get_component_rich_style("float-slider--thumb"))
        text.append("─" * (width - thumb - 1), self.get_component_rich_style("float-slider--track"))
        text.append(" " + self.label_format.format(self.value).rjust(LABEL_WIDTH))
        return text

    def _move_to(self, event: events.MouseEvent) -> None:
        offset = event.get_content_offset_capture(self)
        self.value = self.value_at(offset.x / max(1, self._track_width() - 1))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self._move_to(event)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._move_to(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
