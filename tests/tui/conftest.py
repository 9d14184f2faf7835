"""Helpers shared by the Pilot tests: read what a widget shows, type or paste into a field, wait for the app."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from rich.console import Console
from rich.text import Text
from textual import events
from textual.dom import DOMNode
from textual.widgets import Input, Static


def text_of(root: DOMNode, selector: str) -> str:
    """What the Static at `selector` under `root` (the app, or a pane where ids repeat) shows, as plain text;
    a table or other renderable as a 300-column terminal shows it."""
    content = root.query_one(selector, Static).content
    if isinstance(content, (str, Text)):
        return str(content)
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def type_into(pilot, selector: str, text: str, root: DOMNode | None = None) -> None:
    """Replace the text of the Input at `selector` (under `root`, else the app) by typing `text`."""
    field = (root or pilot.app).query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def paste_into(pilot, selector: str, text: str) -> None:
    """Replace the text of the Input at `selector` by pasting `text`, as a terminal delivers a paste (a folder
    path, say): one event, not a key press per character."""
    field = pilot.app.query_one(selector, Input)
    field.focus()
    field.value = ""
    field.post_message(events.Paste(text))
    await pilot.pause()


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Let the app run until `condition()` holds, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s"
        await pilot.pause(0.05)
