"""Presets: a lab's config dataclass written as TOML in assets/presets/<lab>-<name>.toml or a user's file.

A preset file holds `title`, `description`, optionally `order` (its place in the list) and a `[config]`
table whose keys are the fields of the lab's config dataclass (nested dataclasses as nested tables).
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path
from typing import Any, TypeVar

from core.errors import InvalidSetting
from tui.assets import asset

Config = TypeVar("Config")
UNORDERED = 1_000  # where presets without an `order` go in the list


@dataclasses.dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    config: dict[str, Any]


def preset_names(lab: str) -> list[str]:
    """Names of the presets shipped for `lab`: those that set `order` first, by it (the GAN lab's working
    runs before the failures they contrast with), then the rest by name."""
    prefix = f"{lab}-"
    names = [entry.name[len(prefix) : -len(".toml")] for entry in asset("presets").iterdir()
             if entry.name.startswith(prefix) and entry.name.endswith(".toml")]
    return sorted(names, key=lambda name: (_order(asset("presets", f"{prefix}{name}.toml")), name))


def _order(path: Path) -> int:
    order = tomllib.loads(path.read_text(encoding="utf-8")).get("order", UNORDERED)
    return order if isinstance(order, int) else UNORDERED


def load_preset(lab: str, name_or_path: str) -> Preset:
    """A shipped preset by name, or a user's TOML file by path."""
    shipped = asset("presets", f"{lab}-{name_or_path}.toml")
    if shipped.is_file():
        text, name = shipped.read_text(encoding="utf-8"), name_or_path
    elif Path(name_or_path).is_file():
        text, name = Path(name_or_path).read_text(encoding="utf-8"), Path(name_or_path).stem
    else:
        known = ", ".join(preset_names(lab)) or "none"
        raise InvalidSetting("preset", f"no preset or file {name_or_path!r}; shipped {lab} presets: {known}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidSetting("preset", f"{name_or_path}: not valid TOML ({error})") from None
    config = data.get("config", {})
    if not isinstance(config, dict):
        raise InvalidSetting("preset", f"{name_or_path}: [config] must be a table")
    return Preset(name, str(data.get("title", name)), str(data.get("description", "")), config)


def config_from_mapping(cls: type[Config], mapping: dict[str, Any], base: Config | None = None) -> Config:
    """`base` (or the defaults) with the keys of `mapping` replaced; nested dataclasses from nested tables.

    Lists become tuples, so a TOML array fits a tuple field. Unknown keys are refused with the allowed ones.
    """
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    current = base if base is not None else cls()
    changes: dict[str, Any] = {}
    for key, value in mapping.items():
        if key not in names:
            raise InvalidSetting(key, f"unknown setting; allowed: {', '.join(sorted(names))}")
        kind = hints[key]
        if dataclasses.is_dataclass(kind) and isinstance(value, dict):
            value = config_from_mapping(kind, value, getattr(current, key))
        changes[key] = _tuples(value)
    return dataclasses.replace(current, **changes)


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value
