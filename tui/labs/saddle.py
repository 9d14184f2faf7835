"""The saddle pane: drag the step size and watch gradient descent-ascent converge, cycle or spiral out.

The pane only draws core.minmax's results: the trajectory over contours of f, the norm against
t on a log axis, the status, the linear theory with the current η placed in it, and an η sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, Input, Select, Static
from textual.worker import get_current_worker

from core.minmax import (
    GAMES,
    METHODS,
    SETTINGS,
    SaddleConfig,
    Sweep,
    Theory,
    Trajectory,
    game_of,
    simulate,
    sweep,
    theory,
)
from tui.labs.field_focus import FieldFocus
from tui.labs.lab_pane import LabPane
from tui.labs.saddle_views import (
    LOG_CEILING,
    LOG_FLOOR,
    MAX_MARKED_POINTS,
    PLOT_STATUS_COLOURS,
    cached_contours,
    eta_span,
    eta_track,
    log_clipped,
    status_text,
    sweep_key,
    theory_text,
    thinned,
    view_half_width,
)
from tui.preset_notes import preset_help, preset_toast
from tui.presets import Preset, config_from_mapping, load_preset, preset_names
from tui.widgets.config_form import ConfigForm, Slider
from tui.widgets.float_slider import FloatSlider
from tui.widgets.series_chart import Line, Marks, SeriesChart, VLine

SWEEP_POINTS = 200
START_NUDGE = 0.1
TRAJECTORY_COLOUR = (255, 190, 60)
THEORY_COLOUR = (150, 150, 150)
CONTOUR_MARKER = "·"  # one dot per cell: cheaper than braille, and it sets the path apart
CONTOUR_COLOURS = {-1: (60, 90, 150), 0: (100, 100, 100), 1: (150, 75, 60)}  # f below, at, above f(z*)
REDRAWS_PER_SECOND = 30  # a held arrow key repeats about that often: every step is drawn, in a chart worker
# the η slider, and under it the exact η typed; the form reads the typed η, the slider follows it
FORM_LAYOUT = (("game",), ("method",), (Slider("eta", eta_track),), ("eta", "steps"), ("a", "b", "gamma"), ("start",))
KEY_HINTS = {"game": "g cycles", "method": "m cycles", "eta": "e focuses it", "start": "h/l move x, j/k move y by 0.1",
             "slider-eta": "←/→ small steps, shift+←/→ large, or click and drag"}
PRESET_TOOLTIP = "Load a preset: the 4x²−4y² homework, bilinear methods, Dirac-GAN (p cycles)"


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
        # a sweep and what it was run for
        self.swept: tuple[tuple[SaddleConfig, tuple[float, float]], Sweep] | None = None
        self.presets = preset_names("saddle")
        self._preset_index = -1
        self.preset: Preset | None = None  # the last preset loaded, explained on the help screen
        self._preset_config: SaddleConfig | None = None  # its settings, while the form still holds them

    def compose(self) -> ComposeResult:
        with Horizontal(id="saddle-body"):
            with VerticalScroll(id="saddle-controls", can_focus=False):
                yield Select([(name, name) for name in self.presets], prompt="load a preset…", id="preset",
                             compact=True)
                yield ConfigForm(SETTINGS, self.config, layout=FORM_LAYOUT, labels={"eta": "η ="}, hints=KEY_HINTS,
                                 id="saddle-form")
                yield Static(id="status")
                yield Static(id="theory")
            with Vertical(id="saddle-plots"):
                yield saddle_chart(id="trajectory-plot")
                with ContentSwitcher(initial="norm-plot", id="lower-plot"):
                    yield saddle_chart(decades=True, id="norm-plot")
                    with Vertical(id="sweep-view"):
                        yield saddle_chart(decades=True, id="sweep-plot")
                        yield Static(sweep_key(), id="sweep-key")

    def on_mount(self) -> None:
        self.query_one("#preset").tooltip = PRESET_TOOLTIP
        self._redraw()

    # --- state -> screen -------------------------------------------------

    def watch_config(self, new: SaddleConfig) -> None:
        self.trajectory, self.known = simulate(new), theory(new)
        if new != self._preset_config:
            self._preset_config = None
            self._show_preset(None)
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
    def _form(self) -> ConfigForm:
        return self.query_one("#saddle-form", ConfigForm)

    def _redraw(self) -> None:
        self._draw_status()
        self._draw_theory()
        self._draw_trajectory()
        self._draw_norms()

    def _draw_status(self) -> None:
        text = status_text(self.config, self.trajectory, self.known)
        self.query_one("#status", Static).update(text, layout=False)  # fixed height: no relayout

    def _draw_theory(self) -> None:
        panel = self.query_one("#theory", Static)
        width = max(12, panel.content_size.width or 30)
        eta_max = self._form.query_one("#slider-eta", FloatSlider).maximum
        panel.update(theory_text(self.known, self.config.eta, eta_max, width), layout=False)

    def _draw_trajectory(self) -> None:
        config, trajectory = self.config, self.trajectory
        half_width = view_half_width(config, trajectory)
        drawn: list[Line | Marks] = [Marks(contour.xs, contour.ys, CONTOUR_COLOURS[int(np.sign(contour.level))],
                                           CONTOUR_MARKER)
                                     for contour in cached_contours(game_of(config), half_width)]
        inside = np.all(np.abs(trajectory.points) <= half_width, axis=1)
        shown = trajectory.points[: int(np.argmin(inside)) if not inside.all() else len(inside)]  # up to its first exit
        if len(shown) > 1:
            path, marked = shown[thinned(len(shown))], shown[thinned(len(shown), MAX_MARKED_POINTS)]
            drawn += [Line(path[:, 0], path[:, 1], TRAJECTORY_COLOUR),
                      Marks(marked[:, 0], marked[:, 1], TRAJECTORY_COLOUR)]
        (x0, y0), (x, y) = config.start, trajectory.final
        drawn += [Marks(np.zeros(1), np.zeros(1), "white", "+"),
                  Marks(np.array([x0]), np.array([y0]), PLOT_STATUS_COLOURS["converged"], "o")]
        if inside[-1]:
            drawn.append(Marks(np.array([x]), np.array([y]), PLOT_STATUS_COLOURS[trajectory.status], "●"))
        self.query_one("#trajectory-plot", SeriesChart).show(
            drawn, title=f"{config.method} · η = {config.eta:.4g}",
            x_limits=(-half_width, half_width), y_limits=(-half_width, half_width))

    def _draw_norms(self) -> None:
        trajectory, known = self.trajectory, self.known
        norms = trajectory.norms
        t = np.arange(len(norms))
        every = thinned(len(norms))
        exponents = log_clipped(norms)
        drawn: list[Line | Marks] = []
        rho, start = known.spectral_radius, norms[0]
        if rho > 0 and start > 0:
            predicted = start * rho ** t.astype(float)
            keep = (predicted[every] > LOG_FLOOR) & (predicted[every] < LOG_CEILING)
            drawn.append(Line(t[every][keep], np.log10(predicted[every][keep]), THEORY_COLOUR))
        drawn.append(Line(t[every], exponents[every], PLOT_STATUS_COLOURS[trajectory.status]))
        # the axis spans the run: the theory's line may run off it
        self.query_one("#norm-plot", SeriesChart).show(drawn, title="‖z_t‖ · grey: ‖z_0‖ρ^t",
                                                       y_limits=(float(exponents.min()), float(exponents.max())))

    def _draw_sweep(self) -> None:
        _, result = self.swept
        statuses, exponents = np.array(result.status), log_clipped(result.final_norm)
        drawn = [Marks(result.etas[statuses == status], exponents[statuses == status], colour, "braille")
                 for status, colour in PLOT_STATUS_COLOURS.items()]
        ends = () if self.known.eta_range is None else self.known.eta_range
        vlines = [VLine(end, "white") for end in ends if result.etas[0] < end < result.etas[-1]]
        self.query_one("#sweep-plot", SeriesChart).show(
            drawn, title="final ‖z‖ vs η · white: theory", x_limits=(float(result.etas[0]), float(result.etas[-1])),
            y_limits=(float(exponents.min()), float(exponents.max())),
            vlines=[*vlines, VLine(self.config.eta, TRAJECTORY_COLOUR)])

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

    @on(ConfigForm.Changed, "#saddle-form")
    def _config_changed(self, event: ConfigForm.Changed) -> None:
        event.stop()
        self.config = event.config

    @on(Select.Changed, "#preset")
    def _preset_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self.action_preset(str(event.value))

    # --- actions -----------------------------------------------------------

    def action_nudge_eta(self, steps: int) -> None:
        self._form.query_one("#slider-eta", FloatSlider).action_nudge(steps)

    def action_cycle(self, field: str) -> None:
        options = GAMES if field == "game" else METHODS
        # from the form's config, not the pane's: keys pressed quickly arrive before its Changed message
        self._form.set(field, options[(options.index(getattr(self._form.config, field)) + 1) % len(options)])

    def action_toggle_sweep(self) -> None:
        self.sweep_shown = not self.sweep_shown

    def action_nudge_start(self, dx: int, dy: int) -> None:
        x, y = self._form.config.start
        self._form.set("start", (round(x + dx * START_NUDGE, 10), round(y + dy * START_NUDGE, 10)))

    def action_preset(self, name: str) -> None:
        preset = load_preset("saddle", name)
        self.config = self._preset_config = config_from_mapping(SaddleConfig, preset.config)
        self._form.fill(self.config)
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
        self._form.query_one(f"#f-{field}", Input).focus()

    def action_focus_pane(self) -> None:
        self.leave_field()

    def help_note(self) -> str:
        return preset_help(self.preset)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Saddle: toggle the η sweep", "Final distance against η with the theory's boundary",
                            self.action_toggle_sweep)
        yield SystemCommand("Saddle: next game", "quadratic → bilinear → Dirac-GAN", lambda: self.action_cycle("game"))
        yield SystemCommand("Saddle: next method", "GD, GDA, alternating, optimistic, extragradient, consensus, R1",
                            lambda: self.action_cycle("method"))
        for name in self.presets:
            title = load_preset("saddle", name).title
            yield SystemCommand(f"Saddle preset: {title}", name, lambda name=name: self.action_preset(name))


def saddle_chart(*, decades: bool = False, id: str) -> SeriesChart:
    """A chart of what the pane has thinned itself (nothing downsampled), on plotext's ticks."""
    chart = SeriesChart(x_label="", summary=None, axes="plain", decades=decades,
                        redraws_per_second=REDRAWS_PER_SECOND, id=id)
    chart.theme = "clear"  # no colour codes for the canvas: cheaper to draw, and it follows the app's theme
    return chart
