"""The honest pane of a lab whose issue has not landed yet."""

from __future__ import annotations

from textual.containers import Center, Middle
from textual.widgets import Static


class NotBuiltPane(Middle):
    """Says the lab is not built yet; it has no controls to pretend with."""

    def __init__(self, config: object = None) -> None:
        super().__init__()

    def compose(self):
        with Center():
            yield Static("This lab is not built yet.\nPress 1 for the RNN adder, ? for help.", classes="not-built")
