"""What the app asks of every lab's pane, and the answers of a pane that has nothing to add."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.widget import Widget


class LabPane(Widget):
    """Mixed in after the container class (class Pane(Vertical, LabPane)), as FieldFocus is."""

    def focus_pane(self) -> None:
        """Take focus when the lab's tab opens, so that its keys act at once."""
        self.focus()

    def help_note(self) -> str:
        """Markdown shown above the lab's help, e.g. what the preset on screen shows."""
        return ""

    def palette_commands(self) -> Iterable[SystemCommand]:
        """The lab's actions in the command palette, while its tab is open."""
        return ()

    def prepare_to_quit(self) -> None:
        """Start winding down work in flight (the app exits right after), so that it overlaps the exit."""

    def watch_has_focus(self, _has_focus: bool) -> None:
        # Textual restyles a widget and everything in it when the widget gains or loses focus (some 200
        # widgets in the GAN tab: 110-170 ms on 2 cores, at every Tab or Escape between the pane and a field).
        # No style depends on a pane's focus but the pane's own, so the pane alone is restyled.
        self.app.stylesheet.update_nodes([self], animate=True)
