"""A lab's command-line options, built from its settings schema (core.settings), as the app's form is.

Every option takes the text a user would type into the form and reads it with the same parse_text, so the
two accept and refuse the same things; the config dataclass then checks the values.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.settings import Setting, parse_text

_METAVARS = {"int": "N", "float": "X", "text": "TEXT", "list": "X,X,...", "epochs": "E,E,..."}


def add_setting_options(parser: argparse.ArgumentParser, settings: tuple[Setting, ...],
                        exclusive: tuple[str, ...] = ()) -> None:
    """An option per setting (--name-with-dashes), every default None so that only the options given replace
    a preset's values; the settings named in `exclusive` may not be given together, and the advanced ones are
    listed last, as the form folds them away."""
    advanced = parser.add_argument_group("more settings")
    together = parser.add_mutually_exclusive_group() if exclusive else parser
    for setting in settings:
        target = together if setting.name in exclusive else advanced if setting.advanced else parser
        if setting.kind == "flag":
            target.add_argument(setting.option, dest=setting.name, action=argparse.BooleanOptionalAction,
                                help=setting.help)
        else:
            target.add_argument(setting.option, dest=setting.name, metavar=_metavar(setting), help=_help(setting))


def given_settings(args: argparse.Namespace, settings: tuple[Setting, ...]) -> dict[str, Any]:
    """The settings given on the command line, read as the form reads them; InvalidSetting names a bad one."""
    given = {}
    for setting in settings:
        value = getattr(args, setting.name)
        if value is not None:
            given[setting.name] = value if setting.kind == "flag" else parse_text(setting, value)
    return given


def _metavar(setting: Setting) -> str:
    if setting.metavar:
        return setting.metavar
    if setting.kind == "choice":
        return "|".join(setting.choices) if len(setting.choices) <= 4 else "NAME"
    return _METAVARS[setting.kind]


def _help(setting: Setting) -> str:
    if setting.kind == "choice" and len(setting.choices) > 4:
        return f"{setting.help} (one of {', '.join(setting.choices)})"
    return setting.help
