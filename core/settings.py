"""A lab's settings described once, as data: the command line and the app's form are both built from it.

A Setting says how a config field is typed as text and what it means; it does not judge values. The lab's
frozen config dataclass checks them (one InvalidSetting naming the field), so the command line and the form
refuse the same things with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from core.errors import InvalidSetting

Kind = Literal["int", "float", "choice", "text", "flag", "list", "epochs"]
_WHAT_IS_TYPED = {
    "int": "a whole number",
    "float": "a number",
    "list": "numbers separated by commas, e.g. 1,0.9,0.1",
    "epochs": "whole epoch numbers separated by commas, e.g. 1,10,30",
}


def _always(config: Any) -> bool:
    return True


@dataclass(frozen=True)
class Setting:
    """One field of a lab's config: its name (the dataclass field; --name-with-dashes on the command line),
    how its value is typed, a short label for the form and one help text for the option and the tooltip.

    none_word: the text that means "none" for an optional setting (blank always does), e.g. "draw";
    empty: the value that text stands for (None, or () for a list whose absence is an empty list);
    used_when(config): whether a run of `config` uses the setting (the form greys it out when not);
    typed_as: what may be typed, for the message that refuses other text (each kind has a default);
    separator: what a list's items are written apart with (any commas or spaces are read);
    checkbox_text: the words beside a flag's checkbox on the form (none: the label goes on the checkbox);
    choice_titles: what the form shows for each of the choices, in their order (default: the choices);
    advanced: a setting few need: the form folds it away under "more settings", the help lists it last;
    hidden_when_unused: the form hides it instead, where it would only be noise;
    default_of(config): what an empty optional setting means for `config`, shown as the field's placeholder;
    check(config): a look at the world beyond the value (files on disk), run by the form as the user types;
    read(text, config), write(value, config): how the value is typed where other settings of `config` decide it
    (a number in the notation a flag picks): the command line and the form read such a setting after the
    others, and the form rewrites its text when they change, so that its value stays.
    """

    name: str
    kind: Kind
    label: str
    help: str
    choices: tuple[str, ...] = ()
    optional: bool = False
    none_word: str = ""
    empty: Any = None
    metavar: str | None = None
    typed_as: str = ""
    separator: str = ", "
    checkbox_text: str = ""
    choice_titles: tuple[str, ...] = ()
    advanced: bool = False
    used_when: Callable[[Any], bool] = _always
    hidden_when_unused: bool = False
    default_of: Callable[[Any], Any] | None = None
    check: Callable[[Any], None] | None = None
    read: Callable[[str, Any], Any] | None = None
    write: Callable[[Any, Any], str] | None = None

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def tooltip(self) -> str:
        """The help as a sentence."""
        return self.help[:1].upper() + self.help[1:]

    @property
    def accepts_none(self) -> bool:
        return self.optional or self.kind in ("list", "epochs")


def parse_text(setting: Setting, text: str, config: Any = None) -> Any:
    """The value `text` stands for, or InvalidSetting naming the setting and what may be typed there.

    Only the form of the text is checked here (a number where a number goes); ranges and choices are the
    config's to check. `config` holds the other settings, for a setting whose text they decide (read).
    """
    if setting.read is not None:
        return setting.read(text, config)
    text = text.strip()
    if setting.accepts_none and (not text or (setting.none_word and text.lower() == setting.none_word)):
        return setting.empty
    try:
        if setting.kind == "int":
            return int(text)
        if setting.kind == "float":
            return float(text)
        if setting.kind in ("list", "epochs"):
            number = int if setting.kind == "epochs" else float
            return tuple(number(part) for part in re.split(r"[,\s]+", text.strip(", ")))
    except ValueError:
        also = f", or {setting.none_word!r}" if setting.none_word else ""
        typed = setting.typed_as or _WHAT_IS_TYPED[setting.kind]
        raise InvalidSetting(setting.name, f"must be {typed}{also} (got {text!r})") from None
    if setting.kind == "flag":
        raise ValueError(f"{setting.name} is a flag: it is switched, not typed")
    return text


def format_value(setting: Setting, value: Any, config: Any = None) -> str:
    """The text that parse_text reads back as `value` (in `config`, for a setting whose text it decides)."""
    if setting.write is not None:
        return setting.write(value, config)
    if value is None or (value == setting.empty and setting.accepts_none):
        return setting.none_word
    if setting.kind in ("list", "epochs"):
        return setting.separator.join(f"{item:g}" if isinstance(item, float) else str(item) for item in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def reading_order(settings: tuple[Setting, ...]) -> list[Setting]:
    """The settings in the order they are read: those whose text the others decide (Setting.read) last."""
    return sorted(settings, key=lambda setting: setting.read is not None)


def find(settings: tuple[Setting, ...], name: str) -> Setting:
    return next(setting for setting in settings if setting.name == name)
