"""A lab's settings as a form, built from its schema (core.settings): a row per setting, the reason under a
field whose text or value is refused, settings a run would ignore greyed out. Every new valid config is
posted as ConfigForm.Changed; the pane only reacts to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Collapsible, Input, Label, Select, Static

from core.errors import InvalidSetting
from core.settings import Setting, format_value, parse_text


class ConfigForm(Vertical):
    """Widgets are #f-NAME, their error lines #e-NAME and their rows #row-NAME, NAME being the config field."""

    DEFAULT_CSS = """
    ConfigForm { height: auto; }
    ConfigForm .form-row { height: 1; }
    ConfigForm Collapsible { background: transparent; border-top: none; padding: 0; }
    ConfigForm Collapsible > Contents { padding: 0; }
    ConfigForm CollapsibleTitle { padding: 0; }
    """

    class Changed(Message):
        """The form describes a new valid config."""

        def __init__(self, form: ConfigForm, config: Any) -> None:
            super().__init__()
            self.form, self.config = form, config

        @property
        def control(self) -> ConfigForm:
            return self.form

    locked: reactive[bool] = reactive(False)
    """Nothing can be edited (a run is using the config)."""

    def __init__(self, settings: tuple[Setting, ...], config: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings, self.config = settings, config
        self.errors: dict[str, str] = {}  # field -> why its value is refused; empty when the form is valid

    def compose(self) -> ComposeResult:
        yield from self._rows(setting for setting in self.settings if not setting.advanced)
        advanced = [setting for setting in self.settings if setting.advanced]
        if advanced:
            with Collapsible(title="more settings", id="more-settings"):
                yield from self._rows(advanced)

    def _rows(self, settings: Iterable[Setting]) -> ComposeResult:
        for setting in settings:
            with Horizontal(classes="form-row", id=f"row-{setting.name}"):
                yield Label(setting.label, classes="heading")
                yield self._widget(setting, getattr(self.config, setting.name))
            yield Static(id=f"e-{setting.name}", classes="field-error")

    def _widget(self, setting: Setting, value: Any) -> Widget:
        widget_id = f"f-{setting.name}"
        if setting.kind == "choice":
            choices = [(choice, choice) for choice in setting.choices]
            return Select(choices, value=Select.NULL if value is None else value, allow_blank=setting.optional,
                          id=widget_id, compact=True)
        if setting.kind == "flag":
            return Checkbox(setting.checkbox_text, value, id=widget_id, compact=True)
        return Input(format_value(setting, value), id=widget_id, compact=True)

    def on_mount(self) -> None:
        for setting in self.settings:
            self._field(setting).tooltip = setting.tooltip
        self._read()

    def fill(self, config: Any) -> None:
        """Show `config` in every field (a preset was picked), then read it back as if typed."""
        for setting in self.settings:
            widget, value = self._field(setting), getattr(config, setting.name)
            with widget.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
                if isinstance(widget, Input):
                    widget.value = format_value(setting, value)
                else:
                    widget.value = Select.NULL if value is None else value
        self._read()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Message) -> None:
        event.stop()
        self._read()

    def watch_locked(self) -> None:
        if self.is_mounted:
            self._show_state()

    def _read(self) -> None:
        """Parse every field; keep and post the config they describe if it is valid, then show what is wrong where."""
        values, self.errors = {}, {}
        for setting in self.settings:
            try:
                values[setting.name] = self._value_of(setting)
            except InvalidSetting as invalid:
                self.errors[invalid.field] = invalid.message
        if not self.errors:
            try:
                config = replace(self.config, **values)
            except InvalidSetting as invalid:
                self.errors[invalid.field] = invalid.message
            else:
                self._checked(config)
                if config != self.config:
                    self.config = config
                    self.post_message(self.Changed(self, config))
        self._show_state()

    def _checked(self, config: Any) -> None:
        for setting in self.settings:
            if setting.check is not None and setting.used_when(config):
                try:
                    setting.check(config)
                except InvalidSetting as invalid:
                    self.errors[invalid.field] = invalid.message

    def _value_of(self, setting: Setting) -> Any:
        widget = self._field(setting)
        if isinstance(widget, Input):
            return parse_text(setting, widget.value)
        return None if widget.value is Select.NULL else widget.value

    def _show_state(self) -> None:
        if any(setting.advanced and setting.name in self.errors for setting in self.settings):
            self.query_one("#more-settings", Collapsible).collapsed = False  # never hide what must be put right
        for setting in self.settings:
            widget, message = self._field(setting), self.errors.get(setting.name, "")
            used = setting.used_when(self.config)
            # a refused value stays editable even where the config would not use it, so it can be put right
            widget.disabled = self.locked or (not used and not message)
            widget.set_class(bool(message), "-invalid")
            error = self.query_one(f"#e-{setting.name}", Static)
            error.update(message)
            error.set_class(bool(message), "-shown")
            if setting.hidden_when_unused:
                self.query_one(f"#row-{setting.name}").display = used or bool(message)
            if setting.default_of is not None:
                default = f"{format_value(setting, setting.default_of(self.config))} (default)"
                if isinstance(widget, Input):
                    widget.placeholder = default
                else:
                    widget.prompt = default

    def _field(self, setting: Setting) -> Any:
        return self.query_one(f"#f-{setting.name}")
