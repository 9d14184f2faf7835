"""The policy-gradient bandit pane: set a problem and a learner, play or step it, watch π learn."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Label, ProgressBar, Static, Tab, Tabs
from textual.worker import get_current_worker

from core.bandit import SETTINGS, BanditConfig, RunState, Testbed, TestbedResult, describe, variants
from tui.labs.bandit_views import bar_view, plot_lines
from tui.labs.field_focus import FieldFocus
from tui.labs.lab_pane import LabPane
from tui.preset_notes import preset_help, preset_toast
from tui.presets import Preset, config_from_mapping, load_preset
from tui.widgets.config_form import ConfigForm, Slider
from tui.widgets.series_chart import SeriesChart, legend_text

DEFAULT_PRESET = "figure-2-5"
PRESETS = {"f": "figure-2-5", "p": "plateau", "l": "lock-in", "e": "entropy"}
SPEEDS = (1, 3, 10, 30, 100, 300, 1000, None)  # steps per second while playing; None: flat out
REDRAW_INTERVAL_S = 1 / 4  # plots are rebuilt at most four times a second
SETTLE_S = 0.3  # a changed setting restarts the run once no other change follows for this long
POST_INTERVAL_S = 1 / 10  # the worker hands over new numbers at most ten times a second
CHUNK_TARGET_S = 0.05  # flat out, steps are made in chunks of about this long
VIEWS = {"pi": "π", "optimal": "% optimal", "reward": "reward", "regret": "regret"}
ETA_RANGE = (0.001, 10.0)  # the η slider's log-scale track


def eta_track(config: BanditConfig) -> tuple[float, float, None]:
    """The η slider's ends: ETA_RANGE, stretched to reach an η given on the command line."""
    return min(ETA_RANGE[0], config.eta), max(ETA_RANGE[1], config.eta), None


FORM_LAYOUT = (
    ("arms", "q", "mean", "noise"),
    (Slider("eta", eta_track, log=True), "decay", "tau"),
    ("baseline", "exact", "theta", "seed"),
    ("runs", "steps", "compare_eta", "compare_baseline"),
)
KEY_HINTS = {"eta": "log scale; ←/→ nudge, shift+←/→ ten nudges"}
BUTTON_TOOLTIPS = {
    "play": "Run to the last step at the chosen speed; again to pause (space)",
    "step": "One pull in every run (→)",
    "reset": "Back to step 0 with the same settings (r)",
    "slower": "Fewer steps a second while playing (-)",
    "faster": "More steps a second while playing (+)",
}


@dataclass(frozen=True)
class Snapshot:
    """What the simulation worker hands the pane: read-only records and a copy of run 1,
    safe to read on the UI thread while the worker runs on."""

    generation: int
    results: tuple[TestbedResult, ...]
    state: RunState
    steps: int


class SimulationProgress(Message):
    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class BanditPane(Vertical, FieldFocus, LabPane, can_focus=True):
    """Draws core.bandit testbeds run by a thread worker; every number is core's."""

    BINDINGS = [
        Binding("space", "play", "Play/pause"),
        Binding("right", "step", "Step"),
        Binding("r", "reset", "Reset"),
        Binding("minus", "speed(-1)", "Slower", show=False),
        Binding("plus,equals_sign", "speed(1)", "Faster", show=False),
        Binding("v", "next_view", "View"),
        *(Binding(key, f"preset('{name}')", name, show=False) for key, name in PRESETS.items()),
        Binding("escape", "focus_pane", "Leave field", show=False),
    ]

    def __init__(self, config: BanditConfig | None = None) -> None:
        super().__init__(id="bandit-pane")
        self.preset: Preset | None = None  # the last preset loaded, explained on the help screen
        if config is None:
            self.preset = load_preset("bandit", DEFAULT_PRESET)
            config = config_from_mapping(BanditConfig, self.preset.config)
        self.config = config
        self.speed_index = len(SPEEDS) - 1
        self.view = "optimal" if config.curves > 1 else "pi"
        self.snapshot: Snapshot | None = None
        self._plot_dirty = False
        self._settle_timer: Timer | None = None
        # What the UI asks of the simulation worker, read and written under _requests:
        # a generation per fresh start (with the config to run), single steps still to
        # make, whether to play on, and whether a worker is already serving the requests.
        self._requests = threading.Lock()
        self._generation = 0
        self._run_config = config
        self._pending_steps = 0
        self.playing = False
        self._worker_active = False
        self._built: tuple[int, list[Testbed]] = (0, [])  # only the active worker touches it

    # --- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ConfigForm(SETTINGS, self.config, layout=FORM_LAYOUT, hints=KEY_HINTS, id="bandit-form")
        with Horizontal(id="bandit-transport"):
            yield Button("▶ Play", id="play", variant="primary", compact=True)
            yield Button("Step", id="step", compact=True)
            yield Button("Reset", id="reset", compact=True)
            yield Button("−", id="slower", compact=True)
            yield Label(id="speed")
            yield Button("+", id="faster", compact=True)
            yield ProgressBar(total=self.config.steps, show_eta=False, show_percentage=False, id="progress")
            yield Label(id="step-count")
        with Horizontal(id="bandit-body"):
            with Vertical(id="bandit-plots"):
                yield Tabs(*(Tab(label, id=f"view-{name}") for name, label in VIEWS.items()),
                           active=f"view-{self.view}", id="views")
                yield Static(id="legend")
                yield SeriesChart(x_label="", summary="mean", axes="round", legend=False,
                                  redraws_per_second=1 / REDRAW_INTERVAL_S, id="plot")
            yield Static(id="bars")

    def on_mount(self) -> None:
        for widget_id, tip in BUTTON_TOOLTIPS.items():
            self.query_one(f"#{widget_id}").tooltip = tip
        self.query_one("#views", Tabs).tooltip = "What the plot shows (v)"
        self.set_interval(REDRAW_INTERVAL_S, self._redraw_plot_if_dirty)
        self._show_transport()

    def on_show(self) -> None:
        if self._generation == 0:  # the testbeds are built the first time the tab is shown
            self._restart(play=False)

    # --- the form -> config ---------------------------------------------------

    @on(ConfigForm.Changed, "#bandit-form")
    def _config_changed(self, event: ConfigForm.Changed) -> None:
        event.stop()
        if event.config != self.config:
            self.config = event.config
            # typing 100000 passes through 1, 10, ...: start again once the typing pauses
            if self._settle_timer is not None:
                self._settle_timer.stop()
            self._settle_timer = self.set_timer(SETTLE_S, lambda: self._restart(play=self.playing))

    # --- running the testbeds ----------------------------------------------------

    def _restart(self, play: bool) -> None:
        """Throw the testbeds away and start again from step 0 with self.config."""
        self.snapshot = None
        self.query_one("#progress", ProgressBar).update(total=self.config.steps, progress=0)
        self.query_one("#step-count", Label).update("preparing…")
        self._request(restart=True, play=play)

    def _request(self, *, steps: int = 0, play: bool | None = None, restart: bool = False) -> None:
        with self._requests:
            if restart:
                self._generation += 1
                self._run_config = self.config
                self._pending_steps = 0
            self._pending_steps += steps
            if play is not None:
                self.playing = play
            start = not self._worker_active
            self._worker_active = True
        if start:
            self._simulate()
        self._show_transport()

    @work(thread=True, group="bandit")
    def _simulate(self) -> None:
        """Serve the requests until none is left: build testbeds for a new generation, make
        pending steps, or play at the chosen speed; post a snapshot after each build, at most
        every POST_INTERVAL_S while running, and when done."""
        worker = get_current_worker()
        generation, testbeds = self._built
        chunk, posted = 1, 0.0
        while True:
            with self._requests:
                if worker.is_cancelled:
                    self._worker_active = False
                    return
                build = generation != self._generation
                if build:
                    generation, config = self._generation, self._run_config
                elif (self._pending_steps == 0 and not self.playing) or testbeds[0].done:
                    self._pending_steps = 0  # steps asked for past the end are dropped
                    self._worker_active = False
                    break
                else:
                    playing, speed = self.playing, SPEEDS[self.speed_index]
                    if not playing:
                        chunk, self._pending_steps = self._pending_steps, 0
                    elif speed is not None:
                        chunk = max(1, round(speed * CHUNK_TARGET_S))
            if build:
                testbeds = [Testbed(variant) for variant in variants(config)]
                self._built = (generation, testbeds)
                self.post_message(SimulationProgress(snapshot_of(generation, testbeds)))
                continue
            started = time.monotonic()
            for testbed in testbeds:
                testbed.advance(chunk)
            elapsed = time.monotonic() - started
            if playing and speed is None:  # flat out: keep each chunk about CHUNK_TARGET_S long
                chunk = max(1, round(chunk * min(2.0, CHUNK_TARGET_S / max(elapsed, 1e-6))))
            elif playing:
                self._sleep(chunk / speed - elapsed, worker)
            if time.monotonic() - posted >= POST_INTERVAL_S:
                self.post_message(SimulationProgress(snapshot_of(generation, testbeds)))
                posted = time.monotonic()
        self.post_message(SimulationProgress(snapshot_of(generation, testbeds)))

    def _sleep(self, seconds: float, worker) -> None:
        """Sleep in short slices so that a pause is felt at once."""
        end = time.monotonic() + seconds
        while self.playing and not worker.is_cancelled and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))

    def on_simulation_progress(self, message: SimulationProgress) -> None:
        snapshot = message.snapshot
        if snapshot.generation != self._generation:
            return  # numbers from settings that have since changed
        self.snapshot = snapshot
        self._plot_dirty = True
        self.query_one("#progress", ProgressBar).update(progress=snapshot.state.t)
        self.query_one("#step-count", Label).update(f"{snapshot.state.t:,}/{snapshot.steps:,}")
        self._draw_bars()
        if snapshot.state.t >= snapshot.steps and self.playing:
            self.playing = False
            self._show_transport()

    # --- drawing ----------------------------------------------------------------

    def _redraw_plot_if_dirty(self) -> None:
        if self._plot_dirty and self.snapshot is not None:
            self._plot_dirty = False
            lines, title, limits = plot_lines(self.snapshot.results, self.view)
            legend = self.query_one("#legend", Static)
            legend.update(legend_text(lines, legend.content_size.width))
            chart = self.query_one("#plot", SeriesChart)
            chart.show(lines, title=title, y_limits=limits, x_limits=(0, self.snapshot.steps))

    def _draw_bars(self) -> None:
        bars = self.query_one("#bars", Static)
        if self.snapshot is not None:
            label = describe(self.snapshot.results[0].config) if len(self.snapshot.results) > 1 else ""
            exact = self.snapshot.results[0].config.exact
            bars.update(bar_view(self.snapshot.state, exact, max(3, bars.size.height), label))

    def _show_transport(self) -> None:
        speed = SPEEDS[self.speed_index]
        self.query_one("#speed", Label).update("max/s" if speed is None else f"{speed}/s")
        self.query_one("#play", Button).label = "❚❚ Pause" if self.playing else "▶ Play"

    def on_resize(self) -> None:
        self._draw_bars()
        self._plot_dirty = True  # the legend is packed to the plot's width

    # --- input -> actions -------------------------------------------------------

    @on(Button.Pressed, "#play")
    def _play_pressed(self) -> None:
        self.action_play()

    @on(Button.Pressed, "#step")
    def _step_pressed(self) -> None:
        self.action_step()

    @on(Button.Pressed, "#reset")
    def _reset_pressed(self) -> None:
        self.action_reset()

    @on(Button.Pressed, "#slower")
    def _slower_pressed(self) -> None:
        self.action_speed(-1)

    @on(Button.Pressed, "#faster")
    def _faster_pressed(self) -> None:
        self.action_speed(1)

    @on(Tabs.TabActivated, "#views")
    def _view_chosen(self, event: Tabs.TabActivated) -> None:
        event.stop()
        self.view = event.tab.id.removeprefix("view-")
        self._plot_dirty = True
        self._redraw_plot_if_dirty()

    def action_play(self) -> None:
        if self.playing:
            self._request(play=False)
        elif self.snapshot is not None and self.snapshot.state.t >= self.snapshot.steps:
            self._restart(play=True)
        else:
            self._request(play=True)

    def action_step(self) -> None:
        self._request(steps=1, play=False)

    def action_reset(self) -> None:
        self._restart(play=False)

    def action_speed(self, delta: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + delta))
        self._show_transport()

    def action_next_view(self) -> None:
        self.query_one("#views", Tabs).action_next_tab()

    def action_preset(self, name: str) -> None:
        preset = load_preset("bandit", name)
        config = config_from_mapping(BanditConfig, preset.config)
        self.query_one(ConfigForm).fill(config)
        self.config = config
        self.query_one("#views", Tabs).active = f"view-{'optimal' if config.curves > 1 else 'pi'}"
        self._restart(play=False)
        self.preset = preset
        self.app.notify(preset_toast(preset), source=f"{self.id}:preset")

    def action_focus_pane(self) -> None:
        self.leave_field()

    def help_note(self) -> str:
        return preset_help(self.preset)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Bandit: play / pause", "Run every testbed to its last step", self.action_play)
        yield SystemCommand("Bandit: step", "One pull in every run", self.action_step)
        yield SystemCommand("Bandit: reset", "Back to step 0", self.action_reset)
        yield SystemCommand("Bandit: next plot", "π, % optimal, reward, regret", self.action_next_view)
        for name in PRESETS.values():
            preset = load_preset("bandit", name)
            yield SystemCommand(f"Bandit: {preset.title}", preset.description,
                                lambda name=name: self.action_preset(name))


def snapshot_of(generation: int, testbeds: list[Testbed]) -> Snapshot:
    return Snapshot(
        generation=generation,
        results=tuple(testbed.result() for testbed in testbeds),
        state=testbeds[0].run_state(),
        steps=testbeds[0].config.steps,
    )
