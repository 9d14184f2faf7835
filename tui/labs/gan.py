"""The GAN pane: set a run up, train it in a child process and watch losses and samples live.

The pane only draws and forwards input. Training runs in the engine's child process (a
TrainingHandle); a thread worker reads its events and posts them as messages, so the event loop
never waits on training. `gan-tui watch` builds the same pane from run folders instead, read-only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static
from textual.worker import get_current_worker

from core.gan import scatter_colours
from core.gan.class_view import classes_at_a_glance, one_class
from core.gan.config import GanConfig
from core.gan.events import Notice
from core.gan.history import SNAPSHOT_EPOCHS, RunHistory
from core.gan.objective_facts import OBJECTIVE_FACTS, ObjectiveFacts
from core.gan.sample_view import corner_tiles, readable_count, tile_size
from core.gan.settings import REAL_SETS, SETTINGS
from tui.labs.gan_monitor import RunEvents, RunMonitor
from tui.labs.lab_pane import LabPane
from tui.presets import config_from_mapping, load_preset, preset_names
from tui.widgets.config_form import ConfigForm
from tui.widgets.evaluation_charts import ClassHistogram, CoverageChart
from tui.widgets.halfblock import HalfBlockImage
from tui.widgets.series_chart import PALETTE, Level, Line, SeriesChart

EVALUATOR_MINUTES = {"mnist": "under a minute", "fashion-mnist": "a few minutes", "cifar10": "several minutes"}

REDRAW_INTERVAL_S = 0.5       # status line and images: 2 updates a second at most
DEFAULT_SAMPLE_EVERY = 100    # steps between sample grids when a config leaves it to the listener (0)
SNAPSHOTS_HEIGHT = 36        # shorter than this, the epoch snapshots give their rows to the latest samples
COMPACT_WIDTH, COMPACT_HEIGHT = 90, 22   # the pane's own size (80x24 gives 78x20): below either, the snapshots fold away
FORM_BESIDE_RUN_WIDTH = 150   # narrower than this, the form steps aside while a run trains (f brings it back)
ZOOMS = ("fit", 2, 4, 8)      # images per side of the sample grid shown, cycled with z; "fit": as many as read well
CLASS_CHOICES = (("3 of each class", "all"), *((f"class {k}", str(k)) for k in range(10)))  # conditional runs
# Overlaid runs of different objectives share no reference line and no [0, 1] scale.
MIXED_OBJECTIVES = ObjectiveFacts({}, None, None, None, probabilities=False)

# Chart colours: (bright, faint) pairs; faint draws the raw trace behind the smoothed one.
D_COLOUR, G_COLOUR = (90, 160, 255), (255, 160, 60)
REAL_COLOUR, FAKE_COLOUR = (90, 210, 120), (240, 90, 90)
LEVEL_COLOUR = (150, 150, 150)


def faint(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour 60% of the way to a dark background: a raw trace that stays behind its smoothed line."""
    return tuple(int(0.4 * channel + 0.6 * 30) for channel in colour)


def with_pane_defaults(config: GanConfig) -> GanConfig:
    """A config as the pane shows it: where it leaves sampling open, samples often enough to watch and
    snapshots at SNAPSHOT_EPOCHS; both stay visible and editable on the form."""
    return replace(config, sample_every=config.sample_every or DEFAULT_SAMPLE_EVERY,
                   sample_epochs=config.sample_epochs or SNAPSHOT_EPOCHS)


class EvaluatorStatus(Message):
    """The v key's evaluator training, from its worker: progress, then (ended) its outcome."""

    def __init__(self, text: str, ended: bool = False, trained: bool = False) -> None:
        super().__init__()
        self.text, self.ended, self.trained = text, ended, trained


class TracebackScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("t", "dismiss", "Close", show=False)]

    def __init__(self, title: str, traceback: str) -> None:
        super().__init__()
        self.title_text, self.traceback = title, traceback

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="traceback"):
            yield Static(Text(self.title_text, style="bold"))
            yield Static(Text(self.traceback or "(no traceback: the run reported only the message above)"))

    def on_mount(self) -> None:
        self.query_one("#traceback").focus()


@dataclass(frozen=True)
class GanSession:
    """How the pane opens: a config to fill the form with, whether to start at once, where the first
    run goes (a new folder `out`, or continuing the run in `resume`), or run folders to watch instead."""

    config: GanConfig = GanConfig()
    start: bool = False
    out: str | None = None
    resume: str | None = None
    watch: tuple[str, ...] = ()


class GanPane(Horizontal, LabPane, can_focus=True):
    """Form on the left, the run on the right: status, loss and D-output charts, samples and snapshots."""

    # one-word descriptions, so the footer keeps ? Help and q Quit at 80 columns; the tooltips say more
    BINDINGS = [
        Binding("s", "start", "Start", tooltip="Start training the run on the form"),
        Binding("p", "pause", "Pause", tooltip="Pause or resume the run"),
        Binding("x", "stop", "Stop", tooltip="Stop after this step and save a checkpoint"),
        Binding("n", "new_run", "New", tooltip="New run: clear the charts and edit the form"),
        Binding("e", "export", "Save", tooltip="Save the sample grid (PNG) and the metrics (CSV) into the run folder"),
        Binding("t", "traceback", "Traceback", show=False),
        Binding("z", "zoom", "Zoom", tooltip="How many of the sample images to show"),
        Binding("c", "next_class", "Class", show=False),
        Binding("f", "toggle_form", "Form", show=False),
        Binding("r", "next_run", "Next run", tooltip="Show the next of the runs watched"),
        # r in the footer only while there are several runs; with one it says so instead of doing nothing
        Binding("r", "no_next_run", show=False),
        Binding("v", "train_evaluator", "Evaluator", tooltip="Train the evaluator of this run's data set"),
        Binding("escape", "focus_pane", "Leave field", show=False),
    ]

    def __init__(self, config: GanConfig | GanSession | None = None) -> None:
        super().__init__(id="gan-pane")
        session = config if isinstance(config, GanSession) else GanSession(config or GanConfig())
        self.session = session
        self.config = with_pane_defaults(session.config)
        self.watching = bool(session.watch)
        self.histories: list[RunHistory] = []
        self.run_names: list[str] = []
        self.run_configs: list[GanConfig] = []
        self.shown_run = 0           # whose samples and status are drawn (watch mode cycles with r)
        self._drawn_samples: list[Any] = [None] * (1 + len(SNAPSHOT_EPOCHS))
        self._status_dirty = True
        self._form_choice: bool | None = None  # set by f; None: the form places itself
        self.zoom = ZOOMS[0]
        self.evaluator_status = ""   # the v key's evaluator training: progress, then its outcome
        self._evaluator_busy = self._evaluator_trained = False

    # --- layout ------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="gan-form"):
            yield Select([(name, name) for name in preset_names("gan")], prompt="preset…", id="preset", compact=True)
            yield ConfigForm(SETTINGS, self.config, id="gan-settings")
            with Horizontal(classes="button-row"):
                yield Button("Start", id="start", variant="primary", compact=True)
                yield Button("Pause", id="pause", compact=True)
                yield Button("Stop", id="stop", compact=True)
                yield Button("New", id="new", compact=True)
        with Vertical(id="gan-monitor"):
            yield Static(id="gan-status")
            yield Static(id="gan-message")
            with Horizontal(id="gan-body"):
                with Vertical(id="gan-charts"):
                    yield SeriesChart("losses", id="loss-chart")
                    yield SeriesChart("D outputs", id="d-chart")
                    with Horizontal(id="eval-row"):
                        yield ClassHistogram(id="class-histogram")
                        yield CoverageChart(id="coverage-chart")
                with Vertical(id="gan-samples"):
                    yield Select(CLASS_CHOICES, value="all", allow_blank=False, id="class-picker", compact=True)
                    yield Label("samples", id="latest-label", classes="image-label")
                    yield HalfBlockImage(id="latest-grid")
                    yield Static(id="scatter-key")
                    with Horizontal(id="snapshots"):
                        for index in range(len(SNAPSHOT_EPOCHS)):
                            with Vertical(classes="snapshot"):
                                yield Label("", id=f"snapshot-label-{index}", classes="image-label")
                                yield HalfBlockImage(id=f"snapshot-{index}")
        yield RunMonitor()

    def on_mount(self) -> None:
        for widget_id, tip in (("start", "Start training (s)"), ("pause", "Pause or resume (p)"),
                               ("stop", "Stop after this step and save a checkpoint (x)"), ("new", "Clear the run and edit the form (n)"),
                               ("preset", "Fill the form from a shipped preset"),
                               ("class-picker", "A conditional run's samples: three of each class, or all of one (c)")):
            self.query_one(f"#{widget_id}").tooltip = tip
        self._update_controls()
        self.set_interval(REDRAW_INTERVAL_S, self._redraw_if_dirty)
        if self.watching:
            self._start_watching()
        elif self.session.start:
            self.call_after_refresh(self.action_start)
        self._redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Watch mode shows runs only: the training keys leave the footer; r cycles runs when there are several."""
        if action in ("start", "pause", "stop", "new_run", "export", "toggle_form"):
            return not self.watching
        if action == "next_run":
            return len(self.histories) > 1
        if action == "train_evaluator":
            return self._evaluator_missing()
        return True

    def _evaluator_missing(self) -> bool:
        """Whether the shown run said it has no evaluator for its real data set (v can train one)."""
        history = self._shown()
        return bool(history and history.notices and history.evaluation is None and not self._evaluator_busy
                    and not self._evaluator_trained and self._shown_config().data in REAL_SETS)

    def on_resize(self) -> None:
        self.set_class(self.size.width < COMPACT_WIDTH or self.size.height < COMPACT_HEIGHT, "-compact")
        self.set_class(self.size.height < SNAPSHOTS_HEIGHT, "-short")
        self._place_form()  # the samples view redraws itself when this changes its size (HalfBlockImage.Resized)

    def on_half_block_image_resized(self, message: HalfBlockImage.Resized) -> None:
        # what "fit" shows follows the samples view's own size: the terminal's, or the form shown or hidden beside it
        if message.image.id == "latest-grid" and self.zoom == "fit":
            self._drawn_samples[0] = None
            self._draw_samples()

    def _place_form(self) -> None:
        """The form shows before a run and beside one where there is room; f overrides that until the next reset."""
        wanted = not self.histories or self.size.width >= FORM_BESIDE_RUN_WIDTH
        shown = wanted if self._form_choice is None else self._form_choice
        self.query_one("#gan-form").display = shown and not self.watching

    # --- the form ------------------------------------------------------------------------------------------

    @on(ConfigForm.Changed)
    def _config_changed(self, event: ConfigForm.Changed) -> None:
        self.config = event.config
        self._status_dirty = True  # the summary line under the status follows the form

    def _update_controls(self) -> None:
        """Lock the form and the presets while a run is on; the buttons say what can be done now."""
        running = self.monitor.live_running
        self.query_one(ConfigForm).locked = running
        self.query_one("#preset").disabled = running
        self.query_one("#start", Button).disabled = running
        self.query_one("#pause", Button).disabled = not running
        self.query_one("#pause", Button).label = "Resume" if self.monitor.paused else "Pause"
        self.query_one("#stop", Button).disabled = not running

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "preset":
            if event.value is not Select.NULL:
                self.load_preset(str(event.value))
        elif event.select.id == "class-picker":
            self._drawn_samples = [None] * len(self._drawn_samples)
            self._draw_samples()

    def load_preset(self, name: str) -> None:
        preset = load_preset("gan", name)
        self.query_one(ConfigForm).fill(with_pane_defaults(config_from_mapping(GanConfig, preset.config)))
        self.notify(preset.description or preset.title, title=preset.title)

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#pause")
    def _pause_pressed(self) -> None:
        self.action_pause()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self.action_stop()

    @on(Button.Pressed, "#new")
    def _new_pressed(self) -> None:
        self.action_new_run()

    # --- running -------------------------------------------------------------------------------------------

    @property
    def monitor(self) -> RunMonitor:
        return self.query_one(RunMonitor)

    def action_start(self) -> None:
        if self.watching:
            self.notify("Watch mode only shows runs; start one with gan-tui gan.", severity="warning")
            return
        if self.monitor.live_running:
            self.notify("A run is going: stop it (x) first.", severity="warning")
            return
        if self.query_one(ConfigForm).errors:
            self.notify("Fix the settings marked in red first; nothing was started.", severity="error")
            return
        config = self.config
        self._reset([RunHistory(config.sample_epochs)], ["run"], [config])
        # the command line's folder is for the first run; later runs get fresh default folders
        session, self.session = self.session, replace(self.session, out=None, resume=None)
        self.monitor.start(config, out=session.out, resume=session.resume)
        self._update_controls()

    def action_pause(self) -> None:
        if not self.monitor.live_running:
            self._say_no_run("pause")
            return
        self.monitor.toggle_pause()
        self._redraw()
        self._update_controls()

    def action_stop(self) -> None:
        if not self.monitor.live_running:
            self._say_no_run("stop")
            return
        self.monitor.stop()
        self._redraw()
        self.notify("Stopping after this step; saving a checkpoint…")

    def _say_no_run(self, verb: str) -> None:
        """p or x with no run going: why nothing happened, and what would start one."""
        history = self._shown()
        if history is None:
            self.notify(f"No run to {verb} yet: s starts one.", severity="warning")
        else:
            self.notify(f"Nothing to {verb}: the run has {history.state}. s starts a new one.", severity="warning")

    def action_new_run(self) -> None:
        if self.monitor.live_running:
            self.notify("A run is going: stop it (x) first.", severity="warning")
            return
        if self.watching:
            return
        self.monitor.forget()
        self._reset([], [], [])
        self._update_controls()

    def prepare_to_quit(self) -> None:
        self.monitor.prepare_to_quit()

    # --- watching ------------------------------------------------------------------------------------------

    def _start_watching(self) -> None:
        paths = self.session.watch
        configs = self.monitor.follow_folders(paths)
        histories = [RunHistory(config.sample_epochs or SNAPSHOT_EPOCHS) for config in configs]
        self._reset(histories, [Path(path).name or str(path) for path in paths], configs)

    def action_next_run(self) -> None:
        if len(self.histories) > 1:
            self.shown_run = (self.shown_run + 1) % len(self.histories)
            self._drawn_samples = [None] * len(self._drawn_samples)
            self._plot_evaluation()
            self._redraw()

    def action_no_next_run(self) -> None:
        self.notify("r steps through watched runs (gan-tui watch A B); here there is one.", severity="warning")

    # --- events -> screen ----------------------------------------------------------------------------------

    def _reset(self, histories: list[RunHistory], names: list[str], configs: list[GanConfig]) -> None:
        self.histories, self.run_names, self.run_configs, self.shown_run = histories, names, configs, 0
        self._form_choice = None
        self._place_form()
        self._drawn_samples = [None] * (1 + len(SNAPSHOT_EPOCHS))
        self._plot_lines()
        self._redraw()

    def on_run_events(self, message: RunEvents) -> None:
        for index, event in message.batch:
            self.histories[index].apply(event)
            if isinstance(event, Notice) and index == self.shown_run:
                self.refresh_bindings()  # v appears in the footer; the eval row says what is missing
        self._plot_lines()
        self._status_dirty = True
        if self.histories and self.histories[0].ended and not self.watching:
            self._update_controls()

    def _redraw_if_dirty(self) -> None:
        if self._status_dirty:
            self._redraw()

    def _redraw(self) -> None:
        """Status, failure message and sample images. The status has a fixed height, so updating it
        repaints two lines instead of laying the whole screen out again."""
        self._status_dirty = False
        self.query_one("#gan-status", Static).update(self._status_text(), layout=False)
        message = self._message_text()
        message_line = self.query_one("#gan-message", Static)
        if message_line.display or message.plain:
            message_line.update(message)
            message_line.display = bool(message.plain)
        self._draw_samples()

    def _shown(self) -> RunHistory | None:
        return self.histories[self.shown_run] if self.histories else None

    def _shown_config(self) -> GanConfig:
        return self.run_configs[self.shown_run] if self.run_configs else self.config

    def _status_text(self) -> Text:
        """Two lines: how far the run is and how fast; then where it runs, and with what settings."""
        history, config = self._shown(), self._shown_config()
        settings = (f"{config.model} · {config.objective} · {config.data} · lr D {config.effective('lr_d'):g}"
                    f" · lr G {config.effective('lr_g'):g} · batch {config.batch} · z {config.z_dim}")
        if history is None:
            return Text.assemble(("Set up a run on the left, then press s.\n", "dim"), (settings, "dim"))
        state = "paused" if self.monitor.paused and not history.ended else history.state
        style = {"running": "bold green", "paused": "bold yellow", "failed": "bold red", "completed": "bold cyan"}.get(state, "bold")
        text = Text()
        if len(self.histories) > 1:
            text.append(f"{self.run_names[self.shown_run]} ({self.shown_run + 1}/{len(self.histories)}, r: next) ", style="bold")
        text.append(f"● {state}", style=style)
        started, progress = history.started, history.progress
        total = f"/{started.total_steps:,}" if started else ""
        text.append(f"  step {history.step:,}{total}")
        if progress:
            text.append(f"  epoch {progress.epoch:.2f}  {progress.images_per_s:,.0f} img/s  {format_duration(progress.time)} elapsed")
        if not history.ended:
            text.append(f"  ETA {format_duration(history.eta_seconds)}")
        text.append("\n")
        if started:
            text.append(started.device, style="cyan")
            text.append(f"  {started.run_dir or 'no run folder'}  ", style="dim")
        text.append("(watching, read-only) " if self.watching else "", style="dim italic")
        text.append(settings, style="dim")
        return text

    def _message_text(self) -> Text:
        history = self._shown()
        if history is None or not history.failure:
            return Text("")
        failure = history.failure
        return Text(f"Failed at step {failure.step}: {failure.message}  (t: traceback)", style="bold red")

    def _plot_lines(self) -> None:
        """Hand both charts views of the series as they are now (cheap: the charts downsample when they redraw)."""
        loss_chart, d_chart = self.query_one("#loss-chart", SeriesChart), self.query_one("#d-chart", SeriesChart)
        objectives = {config.objective for config in self.run_configs} or {self.config.objective}
        objective = next(iter(objectives)) if len(objectives) == 1 else None
        facts = OBJECTIVE_FACTS.get(objective, MIXED_OBJECTIVES)
        d_loss, d_output = facts.equilibrium_d_loss, facts.equilibrium_d_output
        loss_levels = [] if d_loss is None else [Level(d_loss, level_label(d_loss), LEVEL_COLOUR)]
        d_levels = [] if d_output is None else [Level(d_output, "½", LEVEL_COLOUR)]
        if len(self.histories) <= 1:
            history = self.histories[0] if self.histories else RunHistory()
            loss_lines = smoothed_pair(history.d_loss, D_COLOUR, "D") + smoothed_pair(history.g_loss, G_COLOUR, "G")
            d_lines = smoothed_pair(history.d_real, REAL_COLOUR, "D(x)") + smoothed_pair(history.d_fake, FAKE_COLOUR, "D(G(z))")
        else:
            loss_lines, d_lines = [], []
            for index, (history, name) in enumerate(zip(self.histories, self.run_names)):
                colour = PALETTE[index % len(PALETTE)]
                loss_lines += [Line(history.d_loss.x, history.d_loss.smooth, colour, f"{name} D"),
                               Line(history.g_loss.x, history.g_loss.smooth, faint(colour), f"{name} G")]
                d_lines += [Line(history.d_real.x, history.d_real.smooth, colour, f"{name} D(x)"),
                            Line(history.d_fake.x, history.d_fake.smooth, faint(colour), f"{name} D(G(z))")]
        loss_chart.show(loss_lines, loss_levels, title="losses (smoothed; raw faint)" if len(self.histories) <= 1 else "losses")
        d_chart.show(d_lines, d_levels, title=facts.d_chart_title, y_limits=(0.0, 1.0) if facts.probabilities else None)
        self._plot_evaluation()

    def _plot_evaluation(self) -> None:
        """The shown run's latest class (or mode) histogram and its coverage over time, once it has one."""
        history = self._shown()
        evaluation = history.evaluation if history else None
        waiting = self._evaluation_waiting(history)
        self.query_one("#eval-row").set_class(evaluation is not None or bool(waiting), "-has-data")
        self.query_one("#class-histogram", ClassHistogram).show(evaluation, waiting)
        self.query_one("#coverage-chart").display = evaluation is not None  # the waiting line takes the row
        if evaluation is not None:
            points = evaluation.mode_counts is not None
            total = len(evaluation.mode_counts if points else evaluation.class_counts)
            self.query_one("#coverage-chart", CoverageChart).show(history.covered, history.cfd, total, points)

    def _evaluation_waiting(self, history: RunHistory | None) -> str:
        """What the eval row says while the shown run has no evaluation: why, and what to do about it."""
        if history is None or history.evaluation is not None:
            return ""
        if history.evaluator_training is not None:
            return history.evaluator_training.describe()
        if self._evaluator_missing():
            data = self._shown_config().data
            offer = (f"No {data} evaluator yet, so no class histogram: press v to train one "
                     f"({EVALUATOR_MINUTES[data]}); the runs after it are measured.")
            return f"{self.evaluator_status}\n{offer}" if self.evaluator_status else offer
        if self.evaluator_status:
            return self.evaluator_status
        return "\n".join(notice.message for notice in history.notices)

    def action_train_evaluator(self) -> None:
        if not self._evaluator_missing():
            return
        config = self._shown_config()
        self._evaluator_busy = True
        self._set_evaluator_status(f"loading {config.data} to train its evaluator…")
        self._train_evaluator(config.data, config.data_dir)

    @work(thread=True, exclusive=True, group="evaluator")
    def _train_evaluator(self, data: str, data_dir: str | None) -> None:
        from core.gan.classifier import ClassifierInTraining  # torch loads here, not when the app starts

        worker = get_current_worker()
        training = ClassifierInTraining(data, data_dir)
        while not training.ready():
            if worker.is_cancelled:
                return
            if training.done:
                self.post_message(EvaluatorStatus(f"training the {data} evaluator: {training.fraction:.0%}"))
            time.sleep(0.25)
        classifier = training.wait()
        if classifier is None:
            self.post_message(EvaluatorStatus(f"{training.error}", ended=True))
            return
        where = f"saved to {training.saved_to}" if training.saved_to else "but the cache could not be written"
        self.post_message(EvaluatorStatus(f"{data} evaluator ready ({classifier.accuracy:.1%} on held-out images), "
                                          f"{where}: runs started from now on are measured", ended=True, trained=True))

    def on_evaluator_status(self, message: EvaluatorStatus) -> None:
        if message.ended:
            self._evaluator_busy, self._evaluator_trained = False, message.trained
        self._set_evaluator_status(message.text)

    def _set_evaluator_status(self, text: str) -> None:
        self.evaluator_status = text
        self.refresh_bindings()
        self._plot_evaluation()

    def _images_per_side(self, image: HalfBlockImage, zoom: str | int | None = None) -> int:
        """Images per side at `zoom` (None: the zoom on); for "fit", the most that `image` shows at half size
        or larger."""
        zoom = self.zoom if zoom is None else zoom
        if zoom != "fit":
            return zoom
        width, height = image.size.width, 2 * image.size.height  # two pixels per cell vertically
        return readable_count(tile_size(self._shown_config().data), width, height) if width and height else 3

    def _view(self, grid: Any, image: HalfBlockImage) -> Any:
        """The part of a sample grid that `image` shows: the top-left images as the zoom says (all of a 2-D
        scatter plot); for a conditional run, three of each class or all of the class picked."""
        config = self._shown_config()
        if grid is None or config.is_points:
            return grid
        if config.conditional:
            picked = self.query_one("#class-picker", Select).value
            tile = tile_size(config.data)
            return classes_at_a_glance(grid, tile) if picked == "all" else one_class(grid, tile, int(picked))
        return corner_tiles(grid, tile_size(config.data), self._images_per_side(image))

    def _draw_samples(self) -> None:
        history = self._shown()
        samples = history.samples if history else None
        grids = [samples.grid if samples else None]
        config = self._shown_config()
        side = self._images_per_side(self.query_one("#latest-grid", HalfBlockImage))
        fit = " (fit)" if self.zoom == "fit" else ""
        zoom = "" if config.is_points or config.conditional or not samples else f" · {side}×{side}{fit}"
        label = "samples" + zoom + (f" · step {samples.step:,}" if samples else "")
        detail = f" · epoch {samples.epoch:.1f}" if samples else " from fixed noise"
        width = self.query_one("#latest-label", Label).size.width
        if not width or len(label + detail) <= width:  # the epoch is in the status line too: it gives way first
            label += detail
        self.query_one("#class-picker").display = config.conditional and not config.is_points
        key = self.query_one("#scatter-key", Static)
        key.display = config.is_points
        if config.is_points:
            key.update(scatter_key(with_discriminator=OBJECTIVE_FACTS[config.objective].discriminator), layout=False)
        self.query_one("#latest-label", Label).update(label, layout=False)
        epochs = history.snapshot_epochs if history else SNAPSHOT_EPOCHS
        for index in range(len(SNAPSHOT_EPOCHS)):
            epoch = epochs[index] if index < len(epochs) else None
            snapshot = history.snapshot_for(epoch) if history and epoch is not None else None
            grids.append(snapshot.grid if snapshot else None)
            self.query_one(f"#snapshot-label-{index}", Label).update("" if epoch is None else f"epoch {epoch}", layout=False)
            self.query_one(f"#snapshot-{index}", HalfBlockImage).placeholder = history.snapshot_note(epoch) if history and epoch else ""
        images = [self.query_one("#latest-grid", HalfBlockImage), *(self.query_one(f"#snapshot-{i}", HalfBlockImage) for i in range(len(SNAPSHOT_EPOCHS)))]
        for index, (image, grid) in enumerate(zip(images, grids)):
            if self._drawn_samples[index] is not grid:
                self._drawn_samples[index] = grid
                image.update(self._view(grid, image), shrink="max" if self._shown_config().is_points else "area")

    def action_next_class(self) -> None:
        """c: the next choice of the conditional class picker (three of each class, then class 0 to 9)."""
        picker = self.query_one("#class-picker", Select)
        if not picker.display:
            self.notify("Only conditional runs have classes to pick (labels on the form).", severity="warning")
            return
        values = [value for _, value in CLASS_CHOICES]
        picker.value = values[(values.index(picker.value) + 1) % len(values)]

    def action_zoom(self) -> None:
        """z: the next zoom that changes the picture (a fixed size equal to what "fit" shows is skipped)."""
        config = self._shown_config()
        if config.is_points:
            self.notify("z zooms image grids; a 2-D run's scatter plot is always shown whole.", severity="warning")
            return
        if config.conditional:
            self.notify("A conditional run shows three of each class; c picks one class instead.", severity="warning")
            return
        image = self.query_one("#latest-grid", HalfBlockImage)
        fit, index = self._images_per_side(image, "fit"), ZOOMS.index(self.zoom)
        self.zoom = next(zoom for zoom in ZOOMS[index + 1:] + ZOOMS[:index + 1] if zoom == "fit" or zoom != fit)
        self._drawn_samples = [None] * len(self._drawn_samples)
        self._draw_samples()  # the label says which zoom is on; no note, which would cover the samples

    # --- other keys ----------------------------------------------------------------------------------------

    def action_export(self) -> None:
        history = self._shown()
        if self.watching:
            self.notify("Watch mode never writes to a run folder.", severity="warning")
            return
        if history is None or history.started is None or not history.started.run_dir:
            self.notify("Nothing to save yet: start a run first.", severity="warning")
            return
        from core.gan.export import save_png, write_metrics_csv

        folder = Path(history.started.run_dir)
        saved = [str(write_metrics_csv(history.records, folder / "metrics.csv"))]
        if history.samples is not None:
            saved.insert(0, str(save_png(history.samples.grid, folder / f"grid_step_{history.samples.step:06d}.png")))
        self.notify("\n".join(saved), title="Saved")

    def action_traceback(self) -> None:
        history = self._shown()
        if history is None or history.failure is None:
            self.notify("No failure to explain.", severity="information")
            return
        failure = history.failure
        self.app.push_screen(TracebackScreen(f"Failed at step {failure.step}: {failure.message}", failure.traceback))

    def action_toggle_form(self) -> None:
        self._form_choice = not self.query_one("#gan-form").display
        self._place_form()

    def action_focus_pane(self) -> None:
        self.focus()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("GAN: start training", "Train the run set up on the form", self.action_start)
        yield SystemCommand("GAN: pause / resume", "Pause or resume the running training", self.action_pause)
        yield SystemCommand("GAN: stop", "Stop after this step and save a checkpoint", self.action_stop)
        yield SystemCommand("GAN: new run", "Clear the charts and edit the form", self.action_new_run)
        yield SystemCommand("GAN: save grid and metrics", "PNG of the samples and CSV of the metrics into the run folder", self.action_export)
        yield SystemCommand("GAN: show traceback", "The failed run's traceback", self.action_traceback)
        for name in preset_names("gan"):
            yield SystemCommand(f"GAN: preset {name}", "Fill the form from this preset", lambda name=name: self.load_preset(name))


def scatter_key(with_discriminator: bool) -> Text:
    """The key under a 2-D run's sample plot: its dot colours and, where there is a D, its background's."""
    def swatch(colour: tuple[float, float, float], mark: str, label: str) -> Text:
        red, green, blue = (round(255 * channel) for channel in colour)
        return Text.assemble((mark, f"rgb({red},{green},{blue})"), f" {label}")

    parts = [swatch(scatter_colours.DATA, "■", "data"), Text(" "), swatch(scatter_colours.SAMPLES, "■", "G(z)")]
    if with_discriminator:
        parts += [Text(" · D says "), swatch(scatter_colours.D_FAKE, "██", "fake"), Text(" "),
                  swatch(scatter_colours.D_REAL, "██", "real")]
    return Text.assemble(*parts)


def smoothed_pair(series: Any, colour: tuple[int, int, int], label: str) -> list[Line]:
    """The raw trace, faint and unlabelled, under its smoothed line."""
    return [Line(series.x, series.y, faint(colour)), Line(series.x, series.smooth, colour, label)]


def level_label(value: float) -> str:
    return "log 4" if math.isclose(value, math.log(4)) else f"{value:g}"


def format_duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
