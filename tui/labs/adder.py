"""The RNN adder pane: type two numbers, step through the bits, edit any weight, verify exhaustively."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Input, Label, Static
from textual.worker import get_current_worker

from core.adder import (
    SETTINGS,
    WEIGHT_SHAPES,
    AdderConfig,
    AdderWeights,
    Addition,
    Verification,
    add,
    check_verify_bits,
    format_bits,
    format_number,
    verify_in_steps,
)
from core.errors import InvalidSetting
from tui.labs.field_focus import FieldFocus
from tui.labs.lab_pane import LabPane
from tui.preset_notes import preset_help, preset_toast
from tui.presets import Preset, config_from_mapping, load_preset
from tui.widgets.config_form import ConfigForm

PLAY_INTERVAL_S = 0.6
# Weight-grid columns: (weight, column index or None for a vector) per unit row.
GRID_COLUMNS = (("v", None), ("U", 0), ("U", 1), ("W", 0), ("W", 1), ("W", 2), ("b_h", None))
GRID_HEADINGS = ("", "v", "U·a", "U·b", "W·1", "W·2", "W·3", "b_h")

TOOLTIPS = {  # the numbers' tooltips are their settings' help
    "back": "Go back one bit (←)",
    "forward": "Run the next bit through the network (→)",
    "play": "Step through the bits on a timer (space)",
    "rewind": "Back to the first bit (r)",
    "preset-textbook": "v=[1,-1,1], U=1, W picks h2, b_h=[0,-1,-2], b_y=0 (t)",
    "preset-half-integer": "b_h=[-0.5,-1.5,-2.5], b_y=-0.5: no pre-activation is ever 0 (h)",
    "verify-bits": "Check every pair of numbers below 2^N, N from 1 to 12",
    "verify": "Check every pair exhaustively and find the first counterexample (v)",
    "weights": "Edit any weight; the run and the verdict update at once",
}

WHY_IT_WORKS = (
    "Why it works: each hidden unit sums a_t + b_t + carry (U = 1, W picks h2, the carry). "
    "With b_h = 0, −1, −2 unit k fires when at least k of the three bits are 1, so h2 is the "
    "next carry and y = h1 − h2 + h3 is 1 exactly when one or three bits are 1: the sum bit."
)


def weight_input_id(name: str, index: tuple[int, ...]) -> str:
    return "w-" + "-".join([name, *map(str, index)])


class AdderPane(Vertical, FieldFocus, LabPane, can_focus=True):
    """Draws a core.adder run; every computation is core's."""

    BINDINGS = [
        Binding("right", "step(1)", "Step"),
        Binding("left", "step(-1)", "Back"),
        Binding("space", "play", "Play/pause"),
        Binding("r", "rewind", "Reset", show=False),
        Binding("d", "toggle_decimal", "Decimal", show=False),
        Binding("v", "verify", "Verify"),
        Binding("c", "load_counterexample", "Counterexample", show=False),
        Binding("t", "preset('textbook')", "Textbook", show=False),
        Binding("h", "preset('half-integer')", "Half-integer", show=False),
        Binding("escape", "escape", "Leave field / cancel", show=False),
    ]

    config: reactive[AdderConfig] = reactive(AdderConfig, init=False)
    t: reactive[int] = reactive(0, init=False)

    def __init__(self, config: AdderConfig | None = None) -> None:
        super().__init__(id="adder-pane")
        self.set_reactive(AdderPane.config, config or AdderConfig())
        self.addition: Addition = add(self.config.weights, self.config.a, self.config.b)
        self.verification: Verification | None = None
        self._player = None
        self.preset: Preset | None = None  # the last preset loaded, explained on the help screen

    def compose(self) -> ComposeResult:
        yield ConfigForm(SETTINGS, self.config, layout=[["a", "b", "decimal"]], labels={"b": "+ b"},
                         hints={"decimal": "d"}, id="adder-numbers")  # one row: a [..] + b [..] [ ] decimal
        with Horizontal():
            with Vertical(id="adder-run"):
                yield Static(id="columns")
                yield Static(id="verdict")
                with Horizontal(classes="button-row"):
                    yield Button("◀ Back", id="back", compact=True)
                    yield Button("Step ▶", id="forward", variant="primary", compact=True)
                    yield Button("Play", id="play", compact=True)
                    yield Button("Reset", id="rewind", compact=True)
                yield Static(id="trace")
            with VerticalScroll(id="adder-side", can_focus=False):  # Tab goes from Reset to the first weight
                yield Label("Weights: edit any, the run follows", classes="section")
                with Grid(id="weights"):
                    for heading in GRID_HEADINGS:
                        yield Label(heading, classes="heading")
                    for unit in range(3):
                        yield Label(f"h{unit + 1}", classes="heading")
                        for name, column in GRID_COLUMNS:
                            index = (unit,) if column is None else (unit, column)
                            yield self._weight_input(name, index)
                with Horizontal(id="scalars"):
                    yield Label("b_y", classes="heading")
                    yield self._weight_input("b_y", ())
                    yield Label("h_0", classes="heading")
                    for unit in range(3):
                        yield self._weight_input("h_0", (unit,))
                yield Static(id="weight-error", classes="field-error")
                with Horizontal(classes="button-row"):
                    yield Button("Textbook", id="preset-textbook", compact=True)
                    yield Button("Half-integer", id="preset-half-integer", compact=True)
                with Horizontal(id="verify-row", classes="button-row"):
                    yield Label("Verify pairs up to ")
                    yield Input("8", id="verify-bits", type="integer", max_length=2, compact=True)
                    yield Label(" bits ")
                    yield Button("Verify", id="verify", compact=True)
                yield Static(id="verify-error", classes="field-error")
                yield Static(id="verify-result")
                yield Static(WHY_IT_WORKS, id="why")

    def _weight_input(self, name: str, index: tuple[int, ...]) -> Input:
        value = self.config.weights.array(name)[index]
        return Input(f"{value:g}", id=weight_input_id(name, index), classes="weight", compact=True)

    def on_mount(self) -> None:
        for widget_id, tip in TOOLTIPS.items():
            self.query_one(f"#{widget_id}").tooltip = tip
        self._redraw()

    # --- state -> screen -------------------------------------------------

    def watch_config(self, old: AdderConfig, new: AdderConfig) -> None:
        self.addition = add(new.weights, new.a, new.b)
        self.t = min(self.t, self.addition.width - 1)
        if old.weights != new.weights:
            self.verification = None
            self.query_one("#verify-result", Static).update("")
        self._redraw()

    def watch_t(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self.call_after_refresh(self._redraw)

    def _fill_weight_inputs(self) -> None:
        weights = self.config.weights
        for name, shape in WEIGHT_SHAPES.items():
            array = weights.array(name)
            for index in np.ndindex(shape):
                field = self.query_one("#" + weight_input_id(name, index), Input)
                with field.prevent(Input.Changed):
                    field.value = f"{array[index]:g}"
                field.set_class(False, "-invalid")
        self._set_error("weight-error", "")

    def _redraw(self) -> None:
        addition, t = self.addition, self.t
        columns = self.query_one("#columns", Static)
        columns.update(bit_columns(addition, t, columns.content_size.width or 1_000))
        notation = self.config.notation
        verdict = Text(f"network {format_number(addition.total, notation)} · "
                       f"expected {format_number(addition.expected, notation)}  ")
        verdict.append(*(("✓ correct", "bold green") if addition.correct else ("✗ wrong", "bold red")))
        self.query_one("#verdict", Static).update(verdict)
        trace = self.query_one("#trace", Static)
        trace.update(trace_table(addition, t, max_rows=max(1, trace.size.height - 1),
                                 available=trace.content_size.width or 1_000))
        self.query_one("#play", Button).label = "Pause" if self._player else "Play"

    def _set_error(self, error_id: str, message: str) -> None:
        error = self.query_one(f"#{error_id}", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    # --- input -> state --------------------------------------------------

    @on(ConfigForm.Changed, "#adder-numbers")
    def _numbers_changed(self, event: ConfigForm.Changed) -> None:
        self.config = replace(event.config, weights=self.config.weights)  # the grid edits the weights

    @on(Input.Changed, ".weight")
    def _weight_changed(self, event: Input.Changed) -> None:
        event.stop()
        field = event.input
        name, *index_text = field.id[2:].split("-")
        index = tuple(int(i) for i in index_text)
        label = name + ("[" + ",".join(str(i + 1) for i in index) + "]" if index else "")
        try:
            value = float(field.value)
            weights = self.config.weights.with_entry(name, index, value)
        except (ValueError, InvalidSetting):
            field.add_class("-invalid")
            kept = self.config.weights.array(name)[index]
            self._set_error("weight-error", f"{label}: must be a finite number (got {field.value!r}); keeping {kept:g}")
            return
        field.remove_class("-invalid")
        self._set_error("weight-error", "")
        self.config = replace(self.config, weights=weights)

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_step(-1)

    @on(Button.Pressed, "#forward")
    def _forward_pressed(self) -> None:
        self.action_step(1)

    @on(Button.Pressed, "#play")
    def _play_pressed(self) -> None:
        self.action_play()

    @on(Button.Pressed, "#rewind")
    def _rewind_pressed(self) -> None:
        self.action_rewind()

    @on(Button.Pressed, "#preset-textbook")
    def _textbook_pressed(self) -> None:
        self.action_preset("textbook")

    @on(Button.Pressed, "#preset-half-integer")
    def _half_integer_pressed(self) -> None:
        self.action_preset("half-integer")

    @on(Button.Pressed, "#verify")
    @on(Input.Submitted, "#verify-bits")
    def _verify_asked(self) -> None:
        self.action_verify()

    # --- actions -----------------------------------------------------------

    def action_step(self, delta: int) -> None:
        self.t = max(0, min(self.addition.width - 1, self.t + delta))

    def action_rewind(self) -> None:
        self._stop_playing()
        self.t = 0

    def action_play(self) -> None:
        if self._player:
            self._stop_playing()
        else:
            if self.t == self.addition.width - 1:
                self.t = 0
            self._player = self.set_interval(PLAY_INTERVAL_S, self._advance)
        self._redraw()

    def _advance(self) -> None:
        if self.t >= self.addition.width - 1:
            self._stop_playing()
            self._redraw()
        else:
            self.t += 1

    def _stop_playing(self) -> None:
        if self._player:
            self._player.stop()
            self._player = None

    def action_toggle_decimal(self) -> None:
        self.query_one("#f-decimal", Checkbox).toggle()

    def action_preset(self, name: str) -> None:
        preset = load_preset("adder", name)
        weights = config_from_mapping(AdderWeights, preset.config.get("weights", {}))
        self.config = replace(self.config, weights=weights)
        self._fill_weight_inputs()
        self.preset = preset
        self.app.notify(preset_toast(preset), source=f"{self.id}:preset")

    def action_verify(self) -> None:
        field = self.query_one("#verify-bits", Input)
        try:
            bits = check_verify_bits(int(field.value or 0))
        except InvalidSetting as invalid:
            field.add_class("-invalid")
            self._set_error("verify-error", invalid.message)
            return
        field.remove_class("-invalid")
        self._set_error("verify-error", "")
        self._show_verify_progress(bits, 0.0)
        self._verify_worker(self.config.weights, bits)

    @work(thread=True, exclusive=True, group="verify")
    def _verify_worker(self, weights: AdderWeights, bits: int) -> None:
        """Check in chunks, reporting how far it got after each; a cancel (escape, or a new Verify) stops it
        between two chunks."""
        worker = get_current_worker()
        total = 4**bits
        for tally in verify_in_steps(weights, bits):
            if worker.is_cancelled:
                return
            if tally.checked < total:
                self.app.call_from_thread(self._show_verify_progress, bits, tally.checked / total)
        self.app.call_from_thread(self._show_verification, weights, tally)

    def _show_verify_progress(self, bits: int, fraction: float) -> None:
        self.query_one("#verify-result", Static).update(
            Text.assemble(f"checking every pair of {bits}-bit numbers… {fraction:.0%}  ", ("escape cancels", "dim")))

    @property
    def verifying(self) -> bool:
        return any(worker.group == "verify" and worker.node is self and not worker.is_finished
                   for worker in self.app.workers)

    def action_escape(self) -> None:
        """escape: stop a verification under way, else leave the field being typed in."""
        if self.verifying:
            self.workers.cancel_group(self, "verify")
            self.query_one("#verify-result", Static).update("verification cancelled")
        else:
            self.leave_field()

    def _show_verification(self, weights: AdderWeights, result: Verification) -> None:
        if weights != self.config.weights:
            return  # the weights changed while checking: this answer is about old weights
        self.verification = result
        text = Text(f"{result.checked:,} pairs checked: ")
        if result.first_counterexample is None:
            text.append("all correct", "bold green")
        else:
            a, b = result.first_counterexample
            text.append(f"{result.failures:,} wrong", "bold red")
            text.append(f"\nfirst counterexample {format_bits(a, result.bits)} + {format_bits(b, result.bits)}"
                        "  (press c to load it)")
        self.query_one("#verify-result", Static).update(text)

    def action_load_counterexample(self) -> None:
        if not self.verification or self.verification.first_counterexample is None:
            self.notify("No counterexample: run Verify (v) with weights that fail first.", severity="warning")
            return
        a, b = self.verification.first_counterexample
        self.query_one(ConfigForm).fill(replace(self.config, a=a, b=b))  # the form posts the new numbers
        self.t = 0

    def help_note(self) -> str:
        return preset_help(self.preset)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Adder: step forward", "Run the next bit through the network", lambda: self.action_step(1))
        yield SystemCommand("Adder: step back", "Go back one bit", lambda: self.action_step(-1))
        yield SystemCommand("Adder: play / pause", "Step through the bits on a timer", self.action_play)
        yield SystemCommand("Adder: reset", "Back to the first bit (r)", self.action_rewind)
        yield SystemCommand("Adder: textbook weights", "v=[1,-1,1], U=1, W picks h2, b_h=[0,-1,-2]",
                            lambda: self.action_preset("textbook"))
        yield SystemCommand("Adder: half-integer weights", "b_h=[-0.5,-1.5,-2.5], b_y=-0.5: robust to σ(0)",
                            lambda: self.action_preset("half-integer"))
        yield SystemCommand("Adder: verify", "Check every pair of numbers up to N bits", self.action_verify)
        yield SystemCommand("Adder: load first counterexample", "Step through the first pair the weights get wrong",
                            self.action_load_counterexample)
        yield SystemCommand("Adder: toggle decimal", "Type and show the numbers in decimal or binary",
                            self.action_toggle_decimal)


LABEL_WIDTH = 8  # "expected", the longest row label
CELL_WIDTH = 2  # a bit and the gap after it


def bit_window(width: int, t: int, room: int) -> tuple[int, int]:
    """The bit positions [low, high) drawn when only `room` bits fit: all of them if they fit, else a
    window that keeps bit t in view, centred on it where the ends allow."""
    if width <= room:
        return 0, width
    low = min(max(0, t - room // 2), width - room)
    return low, low + room


def bit_columns(addition: Addition, t: int, available: int = 1_000) -> Table:
    """a, b, the network's sum so far and the expected sum, one column per bit, column t highlighted,
    in `available` cells: each number's value beside it when everything fits; else the bits only, and
    when even those do not fit, a window of them that scrolls with t (‹ › say that more bits lie beyond)."""
    width = addition.width
    notes = (f"= {addition.a}", f"= {addition.b}", "so far", f"= {addition.expected}")
    note_width = 1 + max(map(len, notes))
    bits_room = (available - LABEL_WIDTH - 1) // CELL_WIDTH
    show_notes = LABEL_WIDTH + 1 + CELL_WIDTH * width + note_width <= available
    low, high = bit_window(width, t, bits_room if bits_room >= width else max(1, bits_room - 2))
    more_left, more_right = high < width, low > 0  # the most significant bits are drawn on the left
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    for _ in range(more_left + (high - low) + more_right):
        table.add_column(justify="center", no_wrap=True)
    if show_notes:
        table.add_column(justify="left", style="dim", no_wrap=True)
    positions = range(high - 1, low - 1, -1)

    def row(label: str, bit_of, note: str, style: str = "") -> None:
        cells = [Text(bit_of(p), style=style + (" reverse" if p == t else "")) for p in positions]
        left, right = [Text("‹", style="dim")] if more_left else [], [Text("›", style="dim")] if more_right else []
        edges = left + cells + right
        table.add_row(label, *edges, *([note] if show_notes else []))

    row("bit", lambda p: str(p % 10), "", "dim")  # the last digit of each position, as on a ruler
    a_bits, b_bits = format_bits(addition.a, width), format_bits(addition.b, width)
    expected_bits = format_bits(addition.expected, width)
    outputs = {s.t: str(s.y) for s in addition.steps if s.t <= t}
    row("a", lambda p: a_bits[width - 1 - p], notes[0])
    row("b", lambda p: b_bits[width - 1 - p], notes[1])
    row("network", lambda p: outputs.get(p, "·"), notes[2], "bold cyan")
    row("expected", lambda p: expected_bits[width - 1 - p], notes[3], "green")
    return table


def trace_table(addition: Addition, t: int, max_rows: int, available: int = 1_000) -> Table:
    """The last `max_rows` steps taken so far: x_t, pre-activations, h_t, y_t and the carry; the current step
    reversed. Two spaces between columns, one where `available` cells need it: every row stays one line."""
    rows = [(str(s.t), f"{s.x[0]} {s.x[1]}", " ".join(f"{value:+.3g}" for value in s.pre), "".join(map(str, s.h)),
             str(s.y), str(s.carry), "reverse" if s.t == t else "")
            for s in addition.steps[max(0, t + 1 - max_rows) : t + 1]]
    headers = ("t", "a b", "pre-activation", "h", "y", "carry")
    widths = [max(len(header), *(len(row[index]) for row in rows)) for index, header in enumerate(headers)]
    roomy = sum(widths) + 2 * (len(headers) - 1) <= available
    table = Table(box=None, padding=(0, 1), collapse_padding=not roomy, pad_edge=False, header_style="bold",
                  expand=False)
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    for *cells, style in rows:
        table.add_row(*cells, style=style)
    return table
