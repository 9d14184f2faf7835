"""Leaving a field with escape, and Tab going on from it: shared by the lab panes.

A pane takes focus itself so that its letter keys (step, play, presets) act; escape gives it focus
from whichever field was being typed in. Tab and shift+Tab then go on from that field, as they would
have before escape, instead of starting again at the top of the pane.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget


class FieldFocus(Widget):
    """Mixed in after the container class (class Pane(Vertical, FieldFocus)): Textual styles a widget by its
    first base class."""

    BINDINGS = [
        Binding("tab", "next_field(1)", "Next field", show=False),
        Binding("shift+tab", "next_field(-1)", "Previous field", show=False),
    ]

    _left_field: Widget | None = None

    def leave_field(self) -> None:
        """Focus the pane, remembering the field that had focus."""
        focused = self.app.focused
        self._left_field = focused if focused is not None and focused is not self else None
        self.focus()

    def action_next_field(self, direction: int) -> None:
        left, self._left_field = self._left_field, None
        if self.app.focused is self and left is not None and left.is_attached and left.focusable:
            self.screen.set_focus(left, scroll_visible=False)
        if direction > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()
