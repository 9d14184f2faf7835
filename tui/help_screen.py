"""The help screen: what the current lab teaches, its maths and its keys (assets/help/<lab>.md)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from tui.assets import asset


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, lab_id: str, note: str = "") -> None:
        """`note`: Markdown shown first, e.g. what the preset on screen shows."""
        super().__init__()
        self.lab_id = lab_id
        self.note = note

    def compose(self) -> ComposeResult:
        text = asset("help", f"{self.lab_id}.md").read_text(encoding="utf-8")
        if self.note:
            text = f"{self.note}\n\n{text}"
        with VerticalScroll(id="help"):
            yield Markdown(text)

    def on_mount(self) -> None:
        self.query_one("#help").focus()
