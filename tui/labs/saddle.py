"""The saddle pane: drag the step size and watch gradient descent-ascent converge, cycle or spiral out.

The pane only draws core.minmax's results: the trajectory over contours of f, the norm against
t on a log axis, the status, the linear theory with the current η placed in it, and an η sweep.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, Input, Label, Select, Static
from textual.worker import get_current_worker

from core.errors import InvalidSetting
from core.minmax import (
    GAME_TITLES,
    GAMES,
    METHOD_TITLES,
    METHODS,
    SETTINGS,
    Contour,
    Game,
    SaddleConfig,
    Sweep,
    Theory,
    Trajectory,
    contours,
    game_of,
    outcome,
    simulate,
    sweep,
    theory,
)
from core.settings import format_value, parse_text
from tui.labs.field_focus import FieldFocus
from tui.labs.lab_pane import LabPane
from tui.preset_notes import preset_help, preset_toast
from tui.presets import Preset, config_from_mapping, load_preset, preset_names
from tui.widgets.float_slider import FloatSlider
from tui.widgets.plotext_lines import PlotextLines

SWEEP_POINTS = 200
MAX_DRAWN_POINTS = 1000  # longer runs are thinned before plotext sees them
START_NUDGE = 0.1
TYPED_FIELDS = tuple(setting.name for setting in SETTINGS if setting.kind != "choice")  # Input ids
OUTCOME_COLOURS = {"converged": "green", "diverged": "red", "cycling": "yellow", "spiralling out": "red",
                   "growing": "red", "not converged yet": "cyan"}
PLOT_STATUS_COLOURS = {"converged": (80, 200, 120), "diverged": (230, 80, 80), "cycling": (230, 200, 60), "running": (90, 180, 230)}
TRAJECTORY_COLOUR = (255, 190, 60)
THEORY_COLOUR = (150, 150, 150)
CONTOUR_MARKER = "·"  # one dot per cell: cheaper than braille, and it sets the path apart
CONTOUR_COLOURS = {-1: (60, 90, 150), 0: (100, 100, 100), 1: (150, 75, 60)}  # f below, at, above f(z*)
LOG_FLOOR, LOG_CEILING = 1e-12, 1e7  # the range the log plots show
MAX_MARKED_POINTS = 120  # iterates drawn as • on top of the path

SETTING_BY_FIELD = {setting.name: setting for setting in SETTINGS}  # each is also its widget's id
TOOLTIPS = {
    "preset": "Load a preset: the 4x²−4y² homework, bilinear methods, Dirac-GAN (p cycles)",
    "eta-slider": "Step size η: ←/→ small steps, shift+←/→ large, or click and drag",
    **{setting.name: setting.tooltip for setting in SETTINGS},
}
KEY_HINTS = {"game": "g cycles", "method": "m cycles", "eta": "e focuses it", "start": "h/l move x, j/k move y by 0.1"}


def eta_span(config: SaddleConfig) -> tuple[float, float]:
    """The slider's (maximum, step): twice the game's GDA-like boundary, in 50 steps, so that
    the boundary sits on the grid with a step either side of it; stretched to reach config.eta."""
    if config.game == "quadratic":
        maximum = 2.0 / max(config.a, config.b)  # GDA converges iff η < 1/max(a, b)
    else:
        maximum = 2.5 if config.game == "bilinear" else 5.0  # extragradient's boundary is 1 (2 for Dirac-GAN)
    step = maximum / 50
    return max(maximum, math.ceil(config.eta / step - 1e-9) * step), step


@lru_cache(maxsize=32)
def cached_contours(game: Game, half_width: float) -> list[Contour]:
    return contours(game, half_width, resolution=50, count=2)


def view_half_width(config: SaddleConfig, trajectory: Trajectory) -> float:
    """The trajectory plot's half-width: 1.2, 2.4 or 3.6 times the start's size, the smallest that holds the run."""
    size = max(abs(config.start[0]), abs(config.start[1])) or 1.0
    finite = np.abs(trajectory.points[np.isfinite(trajectory.points).all(axis=1)])
    reach = min(float(finite.max()), 3.6 * size)  # the start is always finite
    return 1.2 * size * max(1, math.ceil(reach / (1.2 * size)))


def thinned(count: int, most: int = MAX_DRAWN_POINTS) -> slice:
    """Every k-th index with k odd, so a run that flips sign each step still shows both sides."""
    stride = max(1, math.ceil(count / most))
    return slice(None, None, stride if stride % 2 else stride + 1)


class SaddlePane(Vertical, FieldFocus, LabPane, can_focus=True):
    """Draws a core.minmax run; every computation is core's."""

    BINDINGS = [
        Binding("right", "nudge_eta(1)", "η+", show=False),
        Binding("left", "nudge_eta(-1)", "η−", show=False),
        Binding("shift+right", "nudge_eta(10)", "η++", show=False),
        Binding("shift+left", "nudge_eta(-10)", "η−−", show=False),
        Binding("g", "cycle('game')", "Game"),
        Binding("m", "cycle('method')", "Method"),
        Binding("s", "toggle_sweep", "Sweep"),
        Binding("p", "next_preset", "Preset"),
        Binding("e", "focus_field('eta')", "Type η", show=False),
        Binding("h", "nudge_start(-1, 0)", "x0−", show=False),
        Binding("l", "nudge_start(1, 0)", "x0+", show=False),
        Binding("j", "nudge_start(0, -1)", "y0−", show=False),
        Binding("k", "nudge_start(0, 1)", "y0+", show=False),
        Binding("escape", "focus_pane", "Leave field", show=False),
    ]

    # repaint=False: the watchers redraw exactly the widgets that change; repainting the pane
    # would render every control in it again on each slider move
    config: reactive[SaddleConfig] = reactive(SaddleConfig, init=False, repaint=False)
    sweep_shown: reactive[bool] = reactive(False, init=False, repaint=False)

    def __init__(self, config: SaddleConfig | None = None) -> None:
        super().__init__(id="saddle-pane")
        self.set_reactive(SaddlePane.config, config or SaddleConfig())
        self.trajectory: Trajectory = simulate(self.config)
        self.known: Theory = theory(self.config)
        self.swept: tuple[tuple[SaddleConfig, tuple[float, float]], Sweep] | None = None  # a sweep and what it was run for
        self._pending_eta: float | None = None
        self.errors: dict[str, str] = {}  # field -> what is wrong with what the user typed there
        self.presets = preset_names("saddle")
        self._preset_index = -1
        self.preset: Preset | None = None  # the last preset loaded, explained on the help screen
        self._preset_config: SaddleConfig | None = None  # its settings, while the form still holds them

    def compose(self) -> ComposeResult:
        config = self.config
        maximum, step = eta_span(config)
        with Horizontal(id="saddle-body"):
            with VerticalScroll(id="saddle-controls", can_focus=False):
                yield Select([(name, name) for name in self.presets], prompt="load a preset…", id="preset", compact=True)
                with Horizontal(classes="control-row"):
                    yield Label("game", classes="heading")
                    yield Select([(GAME_TITLES[g], g) for g in GAMES], value=config.game, allow_blank=False, id="game", compact=True)
                with Horizontal(classes="control-row"):
                    yield Label("method", classes="heading")
                    yield Select([(METHOD_TITLES[m], m) for m in METHODS], value=config.method, allow_blank=False, id="method", compact=True)
                with Horizontal(classes="control-row"):
                    yield Label("η", classes="heading")
                    yield FloatSlider(config.eta, step, maximum, step=step, label_format="{:.4g}", id="eta-slider")
                with Horizontal(classes="control-row"):
                    yield from self._typed_field("eta", label="η =")  # the exact value of the slider above
                    yield from self._typed_field("steps", short=True)
                with Horizontal(classes="control-row"):
                    yield from self._typed_field("a")
                    yield from self._typed_field("b", short=True)
                    yield from self._typed_field("gamma", short=True)
                with Horizontal(classes="control-row"):
                    yield from self._typed_field("start")
                yield Static(id="saddle-error", classes="field-error")
                yield Static(id="status")
                yield Static(id="theory")
            with Vertical(id="saddle-plots"):
                yield PlotextLines(id="trajectory-plot")
                with ContentSwitcher(initial="norm-plot", id="lower-plot"):
                    yield PlotextLines(id="norm-plot")
                    with Vertical(id="sweep-view"):
                        yield PlotextLines(id="sweep-plot")
                        yield Static(sweep_key(), id="sweep-key")

    def _typed_field(self, field: str, label: str | None = None, short: bool = False) -> ComposeResult:
        yield Label(label or SETTING_BY_FIELD[field].label, classes="heading short" if short else "heading")
        yield Input(format_field(self.config, field), id=field, compact=True)

    def on_mount(self) -> None:
        for plot in self.query(PlotextLines):
            plot.theme = "clear"  # no colour codes for the canvas: cheaper to draw, and it follows the app's theme
        for widget_id, tip in TOOLTIPS.items():
            self.query_one(f"#{widget_id}").tooltip = tip + (f" ({KEY_HINTS[widget_id]})" if widget_id in KEY_HINTS else "")
        self._show_relevant_inputs()
        self._redraw()

    # --- state -> screen -------------------------------------------------

    def watch_config(self, old: SaddleConfig, new: SaddleConfig) -> None:
        self.trajectory, self.known = simulate(new), theory(new)
        if new != self._preset_config:
            self._preset_config = None
            self._show_preset(None)
        if (old.game, old.a, old.b) != (new.game, new.a, new.b) or new.eta > self._slider.maximum:
            self._fit_slider()
        self._show_relevant_inputs()
        self._redraw()
        if self.sweep_shown:
            self._request_sweep()

    def watch_sweep_shown(self, shown: bool) -> None:
        self.query_one("#lower-plot", ContentSwitcher).current = "sweep-view" if shown else "norm-plot"
        if shown:
            self._request_sweep()

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_theory)

    @property
    def _slider(self) -> FloatSlider:
        return self.query_one("#eta-slider", FloatSlider)

    def _fit_slider(self) -> None:
        maximum, step = eta_span(self.config)
        slider = self._slider
        with slider.prevent(FloatSlider.Changed):
            slider.set_range(step, maximum, step=step)
        self._show_eta_on_slider()

    def _show_eta_on_slider(self) -> None:
        self._slider.show(self.config.eta)

    def _show_relevant_inputs(self) -> None:
        for field in ("a", "b", "gamma"):
            self.query_one(f"#{field}", Input).disabled = not SETTING_BY_FIELD[field].used_when(self.config)

    def _redraw(self) -> None:
        self._draw_status()
        self._draw_theory()
        self._draw_trajectory()
        self._draw_norms()

    def _draw_status(self) -> None:
        trajectory, config = self.trajectory, self.config
        word, note = outcome(trajectory, self.known)
        text = Text()
        text.append(f"● {word}", f"bold {OUTCOME_COLOURS[word]}")
        text.append(f" · step {trajectory.steps_taken} of {config.steps}\n")
        x, y = trajectory.final
        text.append(f"‖z − z*‖ = {trajectory.final_norm:.3g}")
        observed = trajectory.observed_rate()
        if observed is not None:
            text.append(f" · ×{observed:.4f}/step", "dim")
        if note:
            text.append(f"\n{note}", "yellow")
        else:
            text.append(f"\nz = ({x:.3g}, {y:.3g})")
        self.query_one("#status", Static).update(text, layout=False)  # fixed height: no relayout

    def _draw_theory(self) -> None:
        panel = self.query_one("#theory", Static)
        width = max(12, panel.content_size.width or 30)
        panel.update(theory_text(self.known, self.config.eta, self._slider.maximum, width), layout=False)

    def _draw_trajectory(self) -> None:
        config, trajectory = self.config, self.trajectory
        plot = self.query_one("#trajectory-plot", PlotextLines)
        plt = plot.plt
        plt.clear_figure()
        half_width = view_half_width(config, trajectory)
        for contour in cached_contours(game_of(config), half_width):
            plt.scatter(contour.xs, contour.ys, marker=CONTOUR_MARKER, color=CONTOUR_COLOURS[int(np.sign(contour.level))])
        inside = np.all(np.abs(trajectory.points) <= half_width, axis=1)
        shown = trajectory.points[: int(np.argmin(inside)) if not inside.all() else len(inside)]  # up to its first exit
        if len(shown) > 1:
            path, marked = shown[thinned(len(shown))], shown[thinned(len(shown), MAX_MARKED_POINTS)]
            plt.plot(path[:, 0], path[:, 1], marker="braille", color=TRAJECTORY_COLOUR)
            plt.scatter(marked[:, 0], marked[:, 1], marker="•", color=TRAJECTORY_COLOUR)
        plt.scatter([0.0], [0.0], marker="+", color="white")
        plt.scatter([config.start[0]], [config.start[1]], marker="o", color=PLOT_STATUS_COLOURS["converged"])
        if inside[-1]:
            plt.scatter([trajectory.final[0]], [trajectory.final[1]], marker="●", color=PLOT_STATUS_COLOURS[trajectory.status])
        plt.xlim(-half_width, half_width)
        plt.ylim(-half_width, half_width)
        plt.title(f"{config.method} · η = {config.eta:.4g}")
        plot.refresh()

    def _draw_norms(self) -> None:
        trajectory, known = self.trajectory, self.known
        plot = self.query_one("#norm-plot", PlotextLines)
        plt = plot.plt
        plt.clear_figure()
        norms = trajectory.norms
        t = np.arange(len(norms))
        every = thinned(len(norms))
        exponents = log_clipped(norms)
        rho, start = known.spectral_radius, norms[0]
        if rho > 0 and start > 0:
            predicted = start * rho ** t.astype(float)
            keep = (predicted[every] > LOG_FLOOR) & (predicted[every] < LOG_CEILING)
            plt.plot(t[every][keep], np.log10(predicted[every][keep]), marker="braille", color=THEORY_COLOUR)
        plt.plot(t[every], exponents[every], marker="braille", color=PLOT_STATUS_COLOURS[trajectory.status])
        decade_axis(plt, exponents)
        plt.title("‖z_t‖ · grey: ‖z_0‖ρ^t")
        plot.refresh()

    def _draw_sweep(self) -> None:
        _, result = self.swept
        plot = self.query_one("#sweep-plot", PlotextLines)
        plt = plot.plt
        plt.clear_figure()
        statuses, exponents = np.array(result.status), log_clipped(result.final_norm)
        for status, colour in PLOT_STATUS_COLOURS.items():
            chosen = statuses == status
            if chosen.any():
                plt.scatter(result.etas[chosen], exponents[chosen], marker="braille", color=colour)
        decade_axis(plt, exponents)
        if self.known.eta_range is not None:
            for end in self.known.eta_range:
                if result.etas[0] < end < result.etas[-1]:
                    plt.vline(end, color="white")
        plt.vline(self.config.eta, color=TRAJECTORY_COLOUR)
        plt.xlim(float(result.etas[0]), float(result.etas[-1]))
        plt.title("final ‖z‖ vs η · white: theory")
        plot.refresh()

    # --- the sweep runs off the event loop ----------------------------------

    def _sweep_key(self) -> tuple[SaddleConfig, tuple[float, float]]:
        # a sweep depends on everything but η, and on the slider's span it covers
        return replace(self.config, eta=1.0), eta_span(self.config)

    def _request_sweep(self) -> None:
        key = self._sweep_key()
        if self.swept is not None and self.swept[0] == key:
            self._draw_sweep()  # only the current-η marker moved
            return
        self._sweep_worker(key)

    @work(thread=True, exclusive=True, group="sweep")
    def _sweep_worker(self, key: tuple[SaddleConfig, tuple[float, float]]) -> None:
        settings, (maximum, step) = key
        result = sweep(settings, np.linspace(step, maximum, SWEEP_POINTS))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_sweep, key, result)

    def _show_sweep(self, key: tuple[SaddleConfig, tuple[float, float]], result: Sweep) -> None:
        if key != self._sweep_key():
            return  # the settings changed while sweeping: a newer sweep is on its way
        self.swept = (key, result)
        self._draw_sweep()

    # --- input -> state --------------------------------------------------

    def _try_config(self, field: str, **changes: object) -> bool:
        """Apply `changes` if SaddleConfig accepts them; otherwise show why at the field and keep the last config."""
        try:
            self.config = replace(self.config, **changes)
        except InvalidSetting as invalid:
            self._set_error(field, invalid.message)
            return False
        self._set_error(field, "")
        return True

    def _set_error(self, field: str, message: str) -> None:
        self.query_one(f"#{field}").set_class(bool(message), "-invalid")
        shown = f"{field}: {message}; keeping {format_field(self.config, field)}" if message else None
        if self.errors.get(field) == shown:
            return  # unchanged: touching the error line would lay out the whole screen again
        if shown:
            self.errors[field] = shown
        else:
            del self.errors[field]
        error = self.query_one("#saddle-error", Static)
        error.update("\n".join(self.errors.values()))
        error.set_class(bool(self.errors), "-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        field = event.input.id
        if field not in TYPED_FIELDS:
            return
        try:
            value = parse_text(SETTING_BY_FIELD[field], event.value)
        except InvalidSetting as invalid:
            self._set_error(field, invalid.message)
            return
        if self._try_config(field, **{field: value}) and field == "eta":
            self._show_eta_on_slider()

    def on_float_slider_changed(self, event: FloatSlider.Changed) -> None:
        event.stop()
        # a drag sends values faster than a redraw: apply only the newest once those queued are read
        waiting = self._pending_eta is not None
        self._pending_eta = event.value
        if not waiting:
            self.call_later(self._apply_pending_eta)

    def _apply_pending_eta(self) -> None:
        eta, self._pending_eta = self._pending_eta, None
        if self._try_config("eta", eta=eta):
            self._write_input("eta", f"{self.config.eta:g}")

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:
            return
        if event.select.id == "preset":
            self.action_preset(str(event.value))
        else:
            self._try_config(event.select.id, **{event.select.id: event.value})

    def _write_input(self, field: str, text: str) -> None:
        widget = self.query_one(f"#{field}", Input)
        with widget.prevent(Input.Changed):
            widget.value = text
        self._set_error(field, "")

    def _write_all_fields(self) -> None:
        config = self.config
        for field in TYPED_FIELDS:
            self._write_input(field, format_field(config, field))
        for field in ("game", "method"):
            select = self.query_one(f"#{field}", Select)
            with select.prevent(Select.Changed):
                select.value = getattr(config, field)
        self._show_eta_on_slider()

    # --- actions -----------------------------------------------------------

    def action_nudge_eta(self, steps: int) -> None:
        self._slider.action_nudge(steps)

    def action_cycle(self, field: str) -> None:
        options = GAMES if field == "game" else METHODS
        select = self.query_one(f"#{field}", Select)
        # from the select's value, not the config: keys pressed quickly arrive before its Changed message
        select.value = options[(options.index(select.value) + 1) % len(options)]  # posts Select.Changed

    def action_toggle_sweep(self) -> None:
        self.sweep_shown = not self.sweep_shown

    def action_nudge_start(self, dx: int, dy: int) -> None:
        x, y = self.config.start
        start = (round(x + dx * START_NUDGE, 10), round(y + dy * START_NUDGE, 10))
        if self._try_config("start", start=start):
            self._write_input("start", format_field(self.config, "start"))

    def action_preset(self, name: str) -> None:
        preset = load_preset("saddle", name)
        self.config = self._preset_config = config_from_mapping(SaddleConfig, preset.config)
        self._write_all_fields()
        self._preset_index = self.presets.index(name) if name in self.presets else self._preset_index
        self._show_preset(name if name in self.presets else None)
        self.preset = preset
        self.app.notify(preset_toast(preset), source=f"{self.id}:preset")

    def _show_preset(self, name: str | None) -> None:
        """The preset box names the preset on screen, and goes back to its prompt once a setting moves off it."""
        select = self.query_one("#preset", Select)
        with select.prevent(Select.Changed):
            if name is None:
                select.clear()
            else:
                select.value = name

    def action_next_preset(self) -> None:
        self.action_preset(self.presets[(self._preset_index + 1) % len(self.presets)])

    def action_focus_field(self, field: str) -> None:
        self.query_one(f"#{field}", Input).focus()

    def action_focus_pane(self) -> None:
        self.leave_field()

    def help_note(self) -> str:
        return preset_help(self.preset)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Saddle: toggle the η sweep", "Final distance against η with the theory's boundary", self.action_toggle_sweep)
        yield SystemCommand("Saddle: next game", "quadratic → bilinear → Dirac-GAN", lambda: self.action_cycle("game"))
        yield SystemCommand("Saddle: next method", "GD, GDA, alternating, optimistic, extragradient, consensus, R1", lambda: self.action_cycle("method"))
        for name in self.presets:
            title = load_preset("saddle", name).title
            yield SystemCommand(f"Saddle preset: {title}", name, lambda name=name: self.action_preset(name))


def log_clipped(values: np.ndarray) -> np.ndarray:
    """log10 of `values` within [LOG_FLOOR, LOG_CEILING]; an exact 0 sits on the floor, overflow on the ceiling.

    The plots draw exponents on a linear axis: plotext's own log scale rescales its data in place
    each time it renders, so a plot drawn twice would be wrong.
    """
    return np.log10(np.clip(np.nan_to_num(values, nan=LOG_CEILING), LOG_FLOOR, LOG_CEILING))


def decade_axis(plt, exponents: np.ndarray) -> None:
    """y limits and ticks at whole exponents spanning `exponents`, labelled 1e-06 … 1e+06."""
    low, high = math.floor(exponents.min()), math.ceil(exponents.max())
    high = max(high, low + 1)
    every = max(1, math.ceil((high - low) / 5))
    powers = list(range(low, high + 1, every))
    plt.ylim(low, high)
    plt.yticks(powers, [f"1e{p:+03d}" for p in powers])


def sweep_key() -> Text:
    """What the sweep's colours mean: each η's run ended converged, cycling, diverged or neither."""
    key = Text(no_wrap=True, overflow="ellipsis")
    for status, word in (("converged", "converged"), ("cycling", "cycling"), ("diverged", "diverged"), ("running", "neither")):
        key.append("● ", style="rgb({},{},{})".format(*PLOT_STATUS_COLOURS[status]))
        key.append(f"{word}  ")
    key.append("│ theory", style="bold")
    return key


def format_field(config: SaddleConfig, field: str) -> str:
    return format_value(SETTING_BY_FIELD[field], getattr(config, field))


def theory_text(known: Theory, eta: float, eta_max: float, width: int) -> Text:
    """The theory panel: ρ and what it means, the factors, the range and best η, and a ruler with η on it."""
    text = Text()
    text.append("Theory", "bold")
    text.append(" (step linearised at z*)\n", "dim")
    rho = known.spectral_radius
    if known.converges:
        verdict = ("< 1: contracts", "green")
    elif rho <= 1 + 1e-9:
        verdict = ("= 1: no contraction", "yellow")
    else:
        verdict = ("> 1: grows", "red")
    text.append(f"ρ = {rho:.4f} ")
    text.append(*verdict)
    if known.factors is not None:
        text.append(f"\nx ×{known.factors[0]:.3f}  y ×{known.factors[1]:.3f} per step")
    if known.eta_range is None:
        text.append("\nno η converges", "red")
    else:
        lo, hi = known.eta_range
        text.append(f"\nconverges for {lo:g} < η < {hi:.4g}" + ("" if known.closed_form else " (num.)"))
    if known.best_eta is not None:
        text.append(f"\nbest η = {known.best_eta:.4g}")
    text.append("\n")
    text.append_text(eta_ruler(known, eta, eta_max, width))
    text.append(f"\n{known.note}", "dim italic")
    return text


def eta_ruler(known: Theory, eta: float, eta_max: float, width: int) -> Text:
    """0 … eta_max as one line: ━ where ρ < 1, ─ where not, ◆ the best η, ● the current η."""
    cells = max(4, width - 2)
    ruler = Text("0")
    best = known.best_eta
    best_cell = None if best is None or best > eta_max else min(cells - 1, int(best / eta_max * cells))
    eta_cell = min(cells - 1, int(eta / eta_max * cells))
    for cell in range(cells):
        middle = (cell + 0.5) * eta_max / cells
        converges = known.eta_range is not None and known.eta_range[0] < middle < known.eta_range[1]
        if cell == eta_cell:
            ruler.append("●", "bold reverse")
        elif cell == best_cell:
            ruler.append("◆", "bold green")
        else:
            ruler.append("━" if converges else "─", "green" if converges else "red")
    legend = "◆ best  ● η"
    ruler.append(f"\n{legend}{' ' * max(1, cells + 1 - len(legend) - len(f'{eta_max:g}'))}{eta_max:g}", "dim")
    return ruler
