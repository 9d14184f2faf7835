"""A lab's settings as a form, built from its schema (core.settings): a row per setting, or the rows a pane's
layout names; the reason under a field whose text or value is refused, settings a run would ignore greyed out.
Every new valid config is posted as ConfigForm.Changed; the pane only reacts to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Collapsible, Input, Label, Select, Static

from core.errors import InvalidSetting
from core.settings import Setting, format_value, parse_text, reading_order
from tui.widgets.float_slider import FloatSlider


@dataclass(frozen=True)
class Slider:
    """A float setting on a FloatSlider, as an item of a layout row. span(config) gives the track's
    (minimum, maximum, step or None), fitted to each config the slider did not set itself. Where the layout
    also names the setting, that typed field holds the exact value and the slider follows it; otherwise the
    slider is the setting's field."""

    name: str
    span: Callable[[Any], tuple[float, float, float | None]]
    log: bool = False


Row = Sequence[str | Slider]


class ConfigForm(Vertical):
    """Widgets are #f-NAME (a slider with a typed twin is #slider-NAME), labels #l-NAME (#l-slider-NAME),
    error lines #e-NAME, NAME being the config field; a row is #row-NAME after the first setting it holds.

    layout: rows of setting names and Sliders, several to a row where a pane is compact (default: one setting
    a row); advanced settings left out of it are folded under "more settings". labels: a layout's own labels
    for some fields (slider-NAME: the slider of a setting that also has a typed field). hints: words added to
    a field's tooltip in brackets, such as the keys that act on it (keyed as labels are).
    """

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

    def __init__(self, settings: tuple[Setting, ...], config: Any, *, layout: Sequence[Row] | None = None,
                 labels: Mapping[str, str] | None = None, hints: Mapping[str, str] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings, self.config = settings, config
        self.by_name = {setting.name: setting for setting in settings}
        self.labels, self.hints = labels or {}, hints or {}
        self.row_layout = [list(row) for row in layout] if layout is not None else [
            [setting.name] for setting in settings if not setting.advanced]
        self.sliders = {item.name: item for row in self.row_layout for item in row if isinstance(item, Slider)}
        typed = [item for row in self.row_layout for item in row if isinstance(item, str)]
        self.sliders_only = self.sliders.keys() - set(typed)
        self.placed = typed + sorted(self.sliders_only)
        missing = [setting.name for setting in settings if not setting.advanced and setting.name not in self.placed]
        if missing or len(self.placed) != len(set(self.placed)):
            raise ValueError(f"a layout places every setting once: {missing} missing from {self.placed}")
        self.errors: dict[str, str] = {}  # field -> why its value is refused; empty when the form is valid
        self._shown_errors: dict[str, str] = {}
        self._pending_slider: FloatSlider | None = None  # the newest move of a drag, not read yet

    def compose(self) -> ComposeResult:
        yield from self._rows(self.row_layout)
        advanced = [[setting.name] for setting in self.settings if setting.advanced and setting.name not in self.placed]
        if advanced:
            with Collapsible(title="more settings", id="more-settings"):
                yield from self._rows(advanced)

    def _rows(self, rows: Iterable[Row]) -> ComposeResult:
        for row in rows:
            with Horizontal(classes="form-row", id=f"row-{self._key(row[0])}"):
                for item in row:
                    yield from self._item(item)
            for item in row:
                if isinstance(item, str) or item.name in self.sliders_only:  # a setting's own field
                    yield Static(id=f"e-{item if isinstance(item, str) else item.name}", classes="field-error")

    def _key(self, item: str | Slider) -> str:
        """What names an item's widgets: its setting, or slider-NAME for the slider of a typed setting."""
        if isinstance(item, str) or item.name in self.sliders_only:
            return item if isinstance(item, str) else item.name
        return f"slider-{item.name}"

    def _item(self, item: str | Slider) -> ComposeResult:
        if isinstance(item, Slider):
            key = self._key(item)
            yield Label(self.labels.get(key, self.by_name[item.name].label), classes="heading", id=f"l-{key}")
            minimum, maximum, step = item.span(self.config)
            yield FloatSlider(getattr(self.config, item.name), minimum, maximum, step=step, log=item.log,
                              id=f"f-{key}" if key == item.name else key)
            return
        setting = self.by_name[item]
        if setting.kind == "flag" and not setting.checkbox_text:  # a flag named on its checkbox alone
            yield Checkbox(setting.label, getattr(self.config, item), id=f"f-{item}", compact=True)
            return
        yield Label(self.labels.get(item, setting.label), classes="heading", id=f"l-{item}")
        yield self._widget(setting, getattr(self.config, item))

    def _widget(self, setting: Setting, value: Any) -> Widget:
        widget_id = f"f-{setting.name}"
        if setting.kind == "choice":
            titles = setting.choice_titles or setting.choices
            choices = list(zip(titles, setting.choices))
            return Select(choices, value=Select.NULL if value is None else value, allow_blank=setting.optional,
                          id=widget_id, compact=True)
        if setting.kind == "flag":
            return Checkbox(setting.checkbox_text, value, id=widget_id, compact=True)
        return Input(format_value(setting, value, self.config), id=widget_id, compact=True)

    def on_mount(self) -> None:
        for setting in self.settings:
            hint = f" ({self.hints[setting.name]})" if setting.name in self.hints else ""
            self._field(setting).tooltip = setting.tooltip + hint
        for name in self.sliders.keys() - self.sliders_only:
            hint = f" ({self.hints[f'slider-{name}']})" if f"slider-{name}" in self.hints else ""
            self.query_one(f"#slider-{name}").tooltip = self.by_name[name].tooltip + hint
        self._show_on_sliders(self.config, refit=False)
        self._read()

    def fill(self, config: Any) -> None:
        """Show `config` in every field (a preset was picked), then read it back as if typed."""
        for setting in self.settings:
            self._write(setting, getattr(config, setting.name), config)
        self._show_on_sliders(config, refit=True)
        self._read(keep_values=False)

    def set(self, name: str, value: Any) -> None:
        """Show `value` in the field of `name` and read the form at once, as if typed (a key set it)."""
        self._write(self.by_name[name], value, self.config)
        self._read()

    def _write(self, setting: Setting, value: Any, config: Any) -> None:
        """Show `value` in the setting's field, as its text in `config` where it is typed."""
        widget = self._field(setting)
        with widget.prevent(Input.Changed, Select.Changed, Checkbox.Changed, FloatSlider.Changed):
            if isinstance(widget, Input):
                widget.value = format_value(setting, value, config)
            elif isinstance(widget, FloatSlider):
                widget.show(value)
            else:
                widget.value = Select.NULL if value is None else value

    def _show_on_sliders(self, config: Any, *, refit: bool) -> None:
        """Fit each slider's track to `config` (unless the slider set it: its track must not move under the
        mouse) and show the exact value on it."""
        for name, spec in self.sliders.items():
            slider = self.query_one(f"#f-{name}" if name in self.sliders_only else f"#slider-{name}", FloatSlider)
            if refit and (span := spec.span(config)) != (slider.minimum, slider.maximum, slider.step):
                with slider.prevent(FloatSlider.Changed):
                    slider.set_range(*span[:2], step=span[2])
            slider.show(getattr(config, name))

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self, event: Message) -> None:
        event.stop()
        self._read()

    @on(FloatSlider.Changed)
    def _slid(self, event: FloatSlider.Changed) -> None:
        event.stop()
        # a drag sends values faster than a redraw: read only the newest once those queued are handled
        waiting = self._pending_slider is not None
        self._pending_slider = event.slider
        if not waiting:
            self.call_later(self._read_slider)

    def _read_slider(self) -> None:
        slider, self._pending_slider = self._pending_slider, None
        name = slider.id.split("-", 1)[1]  # f-NAME or slider-NAME
        if name not in self.sliders_only:  # the typed twin holds the value
            self._write(self.by_name[name], slider.value, self.config)
        self._read(refit=False)

    def watch_locked(self) -> None:
        if self.is_mounted:
            self._show_state()

    def _read(self, refit: bool = True, keep_values: bool = True) -> None:
        """Parse every field; keep and post the config they describe if it is valid, then show what is wrong where.

        A setting whose text the others decide (Setting.read) is read last, in the config they describe; where
        that reads its text otherwise than before (the numbers' notation was switched), the text is first written
        anew from the last valid value, unless every text was just written for the new config (fill).
        """
        values, self.errors = {}, {}
        for setting in reading_order(self.settings):
            try:
                context = None if setting.read is None else replace(self.config, **values)
                if context is not None and keep_values:
                    self._keep_value(setting, context)
                values[setting.name] = self._value_of(setting, context)
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
                    self._show_on_sliders(config, refit=refit)
                    self.post_message(self.Changed(self, config))
        self._show_state()

    def _checked(self, config: Any) -> None:
        for setting in self.settings:
            if setting.check is not None and setting.used_when(config):
                try:
                    setting.check(config)
                except InvalidSetting as invalid:
                    self.errors[invalid.field] = invalid.message

    def _keep_value(self, setting: Setting, context: Any) -> None:
        text = self._field(setting).value
        if _reading(setting, text, context) != _reading(setting, text, self.config):
            self._write(setting, getattr(self.config, setting.name), context)

    def _value_of(self, setting: Setting, context: Any) -> Any:
        widget = self._field(setting)
        if isinstance(widget, Input):
            return parse_text(setting, widget.value, context)
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
            if self._shown_errors.get(setting.name, "") != message:  # an update lays the screen out again
                self._shown_errors[setting.name] = message
                error = self.query_one(f"#e-{setting.name}", Static)
                error.update(message)
                error.set_class(bool(message), "-shown")
            if setting.hidden_when_unused:
                self.query_one(f"#row-{setting.name}").display = used or bool(message)
            if setting.default_of is not None:
                default = f"{format_value(setting, setting.default_of(self.config), self.config)} (default)"
                if isinstance(widget, Input):
                    widget.placeholder = default
                else:
                    widget.prompt = default

    def _field(self, setting: Setting) -> Any:
        return self.query_one(f"#f-{setting.name}")


def _reading(setting: Setting, text: str, config: Any) -> Any:
    """What `text` stands for in `config`: its value, or why it is refused."""
    try:
        return parse_text(setting, text, config)
    except InvalidSetting as invalid:
        return invalid.message
