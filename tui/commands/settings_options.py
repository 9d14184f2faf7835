"""A lab's command-line options, built from its settings schema (core.settings), as the app's form is.

Every option takes the text a user would type into the form and reads it with the same parse_text, so the
two accept and refuse the same things; the config dataclass then checks the values.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from core.settings import Setting, format_value, parse_text, reading_order

_METAVARS = {"int": "N", "float": "X", "text": "TEXT", "list": "X,X,...", "epochs": "E,E,..."}


def add_setting_options(parser: argparse.ArgumentParser, settings: tuple[Setting, ...],
                        exclusive: tuple[str, ...] = (), defaults: Any = None) -> None:
    """An option per setting (--name-with-dashes), every default None so that only the options given replace
    a preset's values; the settings named in `exclusive` may not be given together, and the advanced ones are
    listed last, as the form folds them away. The help names each value of `defaults` (a config)."""
    advanced = parser.add_argument_group("more settings")
    together = parser.add_mutually_exclusive_group() if exclusive else parser
    for setting in settings:
        target = together if setting.name in exclusive else advanced if setting.advanced else parser
        text = _help(setting, None if defaults is None else getattr(defaults, setting.name))
        if setting.kind == "flag":
            target.add_argument(setting.option, dest=setting.name, action=argparse.BooleanOptionalAction, help=text)
        else:
            target.add_argument(setting.option, dest=setting.name, metavar=_metavar(setting), help=text)


def given_settings(args: argparse.Namespace, settings: tuple[Setting, ...], config: Any = None) -> dict[str, Any]:
    """The settings given on the command line, read as the form reads them; InvalidSetting names a bad one.

    A setting whose text others decide (Setting.read) is read last, in `config` with the others given applied.
    """
    given = {}
    for setting in reading_order(settings):
        value = getattr(args, setting.name)
        if value is None:
            continue
        if setting.kind == "flag":
            given[setting.name] = value
        else:
            context = replace(config, **given) if setting.read is not None else None
            given[setting.name] = parse_text(setting, value, context)
    return given


def _metavar(setting: Setting) -> str:
    if setting.metavar:
        return setting.metavar
    if setting.kind == "choice":
        return "|".join(setting.choices) if len(setting.choices) <= 4 else "NAME"
    return _METAVARS[setting.kind]


def _help(setting: Setting, default: Any) -> str:
    extras = []
    if setting.kind == "choice" and len(setting.choices) > 4:
        extras.append(f"one of {', '.join(setting.choices)}")
    if default is not None and default != setting.empty and setting.kind != "flag":
        extras.append(f"default {format_value(setting, default)}")
    return setting.help + (f" ({'; '.join(extras)})" if extras else "")
