"""Where the app's data files are, in an editable install and in a built wheel alike."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def asset(*parts: str) -> Traversable:
    """A file under assets/, e.g. asset("presets", "adder-textbook.toml")."""
    path = files("assets")
    for part in parts:
        path = path / part
    return path
