"""Presets: a lab's config dataclass written as TOML in assets/presets/<lab>-<name>.toml or a user's file.

A preset file holds `title`, `description`, optionally `order` (its place in the list) and a `[config]`
table whose keys are the fields of the lab's config dataclass (nested dataclasses as nested tables).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import tomllib

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
    """A shipped preset by name, or a user's TOML file (UTF-8) by path."""
    known = ", ".join(preset_names(lab)) or "none"
    if not name_or_path.strip():
        raise InvalidSetting("preset", f"must not be empty; shipped {lab} presets: {known}")
    shipped = asset("presets", f"{lab}-{name_or_path}.toml")
    try:
        if shipped.is_file():
            text, name = shipped.read_text(encoding="utf-8"), name_or_path
        elif Path(name_or_path).is_file():
            text, name = Path(name_or_path).read_text(encoding="utf-8"), Path(name_or_path).stem
        else:
            raise InvalidSetting("preset", f"no preset or file {name_or_path!r}; shipped {lab} presets: {known}")
    except UnicodeDecodeError:
        raise InvalidSetting("preset", f"{name_or_path}: not a text file in UTF-8, as TOML must be") from None
    except OSError as error:  # a name too long for the file system, an unreadable file
        shown = name_or_path if len(name_or_path) <= 60 else name_or_path[:60] + "..."
        raise InvalidSetting("preset",
                             f"cannot read {shown!r} ({error.strerror}); shipped {lab} presets: {known}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidSetting("preset", f"{name_or_path}: not valid TOML ({error})") from None
    config = data.get("config", {})
    if not isinstance(config, dict):
        raise InvalidSetting("preset", f"{name_or_path}: [config] must be a table")
    return Preset(name, str(data.get("title", name)), str(data.get("description", "")), config)


def preset_config(cls: type[Config], lab: str, name_or_path: str) -> Config:
    """The config of preset `name_or_path`; any problem in it is InvalidSetting("preset") naming the key."""
    try:
        return config_from_mapping(cls, load_preset(lab, name_or_path).config)
    except InvalidSetting as error:
        if error.field == "preset":
            raise
        raise InvalidSetting("preset", f"{name_or_path}: {error.field}: {error.message}") from None


def config_from_mapping(cls: type[Config], mapping: dict[str, Any], base: Config | None = None) -> Config:
    """`base` (or the defaults) with the keys of `mapping` replaced; nested dataclasses from nested tables.

    Lists become tuples, so a TOML array fits a tuple field. Unknown keys are refused with the allowed ones,
    and a value of the wrong type (TOML's "10" for a whole number, "yes" for true) with the type allowed: the
    config's own checks compare values and would take a string for a number or any text for true. A problem
    inside a nested table names its key with a dot (weights.v).
    """
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    current = base if base is not None else cls()
    changes: dict[str, Any] = {}
    for key, value in mapping.items():
        if key not in names:
            raise InvalidSetting(key, f"unknown setting; allowed: {', '.join(sorted(names))}")
        kind = hints[key]
        if dataclasses.is_dataclass(kind):
            if not isinstance(value, dict):
                raise InvalidSetting(key, f"must be a table of {', '.join(f.name for f in dataclasses.fields(kind))} "
                                     f"(got {value!r})")
            try:
                value = config_from_mapping(kind, value, getattr(current, key))
            except InvalidSetting as error:
                raise InvalidSetting(f"{key}.{error.field}", error.message) from None
        else:
            problem = _type_problem(value, kind)
            if problem:
                raise InvalidSetting(key, f"must be {problem} (got {value!r})")
        changes[key] = _tuples(value)
    return dataclasses.replace(current, **changes)


def _type_problem(value: Any, kind: Any) -> str | None:
    """What `value` should have been to fit the type hint `kind` (int, float, bool, str, Literal, tuples,
    X | None), or None when it fits. A whole number fits a float; true and false fit only a bool."""
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        problems = [_type_problem(value, option) for option in arguments]
        if None in problems:
            return None
        if type(None) in arguments:
            return next(problem for problem in problems if problem) + " (or left out)"
        return " or ".join(problem for problem in problems if problem)
    if origin is typing.Literal:
        return None if value in arguments else "one of " + ", ".join(map(str, arguments))
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            return "a list"
        items = arguments[:1] * len(value) if len(arguments) == 2 and arguments[1] is Ellipsis else arguments
        if len(items) != len(value):
            return f"a list of {len(items)} values"
        problem = next((_type_problem(item, item_kind) for item, item_kind in zip(value, items)
                        if _type_problem(item, item_kind)), None)
        return None if problem is None else f"a list whose items are each {problem}"
    if kind is type(None):
        return None if value is None else "nothing"
    if kind is bool:
        return None if isinstance(value, bool) else "true or false"
    if kind is int:
        return None if isinstance(value, int) and not isinstance(value, bool) else "a whole number"
    if kind is float:
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "a number"
    if kind is str:
        return None if isinstance(value, str) else "text in quotes"
    return None  # a type this check does not know: the config's own __post_init__ decides


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value
