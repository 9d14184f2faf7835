"""The GAN pane: set a run up, train it in a child process and watch losses and samples live.

The pane composes the form, the run monitor (tui/labs/gan_monitor.py: the live run's child process, or
run folders followed in `gan-tui watch`) and the views (tui/labs/gan_views.py). It keeps the runs'
histories, which only the UI thread writes, from the monitor's messages, and forwards keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Select, Static

from core.gan.config import GanConfig
from core.gan.events import Notice
from core.gan.history import SNAPSHOT_EPOCHS, RunHistory
from core.gan.settings import REAL_SETS, SETTINGS
from tui.labs.gan_evaluator import EvaluatorTrainer
from tui.labs.gan_monitor import RunEvents, RunMonitor
from tui.labs.gan_views import RunCharts, SamplesView, TracebackScreen, evaluation_waiting, failure_text, status_text
from tui.labs.lab_pane import LabPane
from tui.presets import config_from_mapping, load_preset, preset_names
from tui.widgets.config_form import ConfigForm

REDRAW_INTERVAL_S = 0.5       # status line, images and a live run's charts: 2 repaints a second at most
DEFAULT_SAMPLE_EVERY = 100    # steps between sample grids when a config leaves it to the listener (0)
SNAPSHOTS_HEIGHT = 36        # shorter than this, the epoch snapshots give their rows to the latest samples
# the pane's own size (80x24 gives 78x20): below either, the snapshots fold away
COMPACT_WIDTH, COMPACT_HEIGHT = 90, 22
FORM_BESIDE_RUN_WIDTH = 150   # narrower than this, the form steps aside while a run trains (f brings it back)


def with_pane_defaults(config: GanConfig) -> GanConfig:
    """A config as the pane shows it: where it leaves sampling open, samples often enough to watch and
    snapshots at SNAPSHOT_EPOCHS; both stay visible and editable on the form."""
    return replace(config, sample_every=config.sample_every or DEFAULT_SAMPLE_EVERY,
                   sample_epochs=config.sample_epochs or SNAPSHOT_EPOCHS)


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
        self._status_dirty = True
        self._form_choice: bool | None = None  # set by f; None: the form places itself

    # --- layout ------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="gan-form", can_focus=False):  # Tab goes from the pane to the first field
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
                yield RunCharts(id="gan-charts")
                yield SamplesView(id="gan-samples")
        yield RunMonitor()
        yield EvaluatorTrainer()

    def on_mount(self) -> None:
        for widget_id, tip in (("start", "Start training (s)"), ("pause", "Pause or resume (p)"),
                               ("stop", "Stop after this step and save a checkpoint (x)"),
                               ("new", "Clear the run and edit the form (n)"),
                               ("preset", "Fill the form from a shipped preset")):
            self.query_one(f"#{widget_id}").tooltip = tip
        self._update_controls()
        self.set_interval(REDRAW_INTERVAL_S, self._beat)
        if self.watching:
            self._start_watching()
        else:
            self.monitor.warm_up()
            if self.session.start:
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

    def on_resize(self) -> None:
        compact = self.size.width < COMPACT_WIDTH or self.size.height < COMPACT_HEIGHT
        short = self.size.height < SNAPSHOTS_HEIGHT
        if (compact, short) != (self.has_class("-compact"), self.has_class("-short")):
            # one restyle of the whole pane (some 200 widgets), not one per class
            self.set_class(compact, "-compact", update=False).set_class(short, "-short", update=False)
            self.update_node_styles()
        self._place_form()  # the samples view redraws itself when this changes its size (HalfBlockImage.Resized)

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

    @on(Select.Changed, "#preset")
    def _preset_picked(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self.load_preset(str(event.value))

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
        self.show_runs([RunHistory(config.sample_epochs)], ["run"], [config])
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
        self.show_runs([], [], [])
        self._update_controls()

    def prepare_to_quit(self) -> None:
        self.monitor.prepare_to_quit()

    def _start_watching(self) -> None:
        paths = self.session.watch
        configs = self.monitor.follow_folders(paths)
        histories = [RunHistory(config.sample_epochs or SNAPSHOT_EPOCHS) for config in configs]
        self.show_runs(histories, [Path(path).name or str(path) for path in paths], configs)

    def action_next_run(self) -> None:
        if len(self.histories) > 1:
            self.shown_run = (self.shown_run + 1) % len(self.histories)
            self._plot_evaluation()
            self._redraw()

    def action_no_next_run(self) -> None:
        self.notify("r steps through watched runs (gan-tui watch A B); here there is one.", severity="warning")

    # --- events -> screen ----------------------------------------------------------------------------------

    def show_runs(self, histories: list[RunHistory], names: list[str], configs: list[GanConfig]) -> None:
        """Follow these runs from now on (their events come as RunEvents): the first is shown."""
        self.histories, self.run_names, self.run_configs, self.shown_run = histories, names, configs, 0
        self._form_choice = None
        self._place_form()
        self._plot_lines()
        self._redraw()

    def on_run_events(self, message: RunEvents) -> None:
        message.stop()  # no one above the pane reads a run's events
        for index, event in message.batch:
            self.histories[index].apply(event)
            if isinstance(event, Notice) and index == self.shown_run:
                self.refresh_bindings()  # v appears in the footer; the eval row says what is missing
        self._plot_lines(paced=True)
        self._status_dirty = True
        if self.histories and self.histories[0].ended and not self.watching:
            self._update_controls()

    def _beat(self) -> None:
        """What a live run changed since the last beat, painted in one frame: every repaint also renders
        each widget around the changed ones, and the training child shares the cores."""
        self.query_one(RunCharts).paint_ready()
        if self._status_dirty:
            self._redraw()

    def _redraw(self) -> None:
        """Status, failure message and sample images. The status has a fixed height, so updating it
        repaints two lines instead of laying the whole screen out again."""
        self._status_dirty = False
        run_label = ""
        if len(self.histories) > 1:
            run_label = f"{self.run_names[self.shown_run]} ({self.shown_run + 1}/{len(self.histories)}, r: next)"
        status = status_text(self._shown(), self._shown_config(), paused=self.monitor.paused,
                             watching=self.watching, run_label=run_label)
        self.query_one("#gan-status", Static).update(status, layout=False)
        message = failure_text(self._shown())
        message_line = self.query_one("#gan-message", Static)
        if message_line.display or message.plain:
            message_line.update(message)
            message_line.display = bool(message.plain)
        self.query_one(SamplesView).show(self._shown(), self._shown_config())

    def _shown(self) -> RunHistory | None:
        return self.histories[self.shown_run] if self.histories else None

    def _shown_config(self) -> GanConfig:
        return self.run_configs[self.shown_run] if self.run_configs else self.config

    def _plot_lines(self, paced: bool = False) -> None:
        objectives = {config.objective for config in self.run_configs} or {self.config.objective}
        objective = next(iter(objectives)) if len(objectives) == 1 else None
        self.query_one(RunCharts).show(self.histories, self.run_names, objective, paced)
        self._plot_evaluation()

    def _plot_evaluation(self) -> None:
        history = self._shown()
        waiting = evaluation_waiting(history, self._shown_config().data, self._evaluator_missing(),
                                     self.evaluator.status)
        self.query_one(RunCharts).show_evaluation(history, waiting)

    # --- the evaluator ---------------------------------------------------------------------------------------

    @property
    def evaluator(self) -> EvaluatorTrainer:
        return self.query_one(EvaluatorTrainer)

    def _evaluator_missing(self) -> bool:
        """Whether the shown run said it has no evaluator for its real data set (v can train one)."""
        history, evaluator = self._shown(), self.evaluator
        return bool(history and history.notices and history.evaluation is None and not evaluator.busy
                    and not evaluator.trained and self._shown_config().data in REAL_SETS)

    def action_train_evaluator(self) -> None:
        if self._evaluator_missing():
            config = self._shown_config()
            self.evaluator.train(config.data, config.data_dir)
            self._evaluator_changed()

    @on(EvaluatorTrainer.Status)
    def _evaluator_changed(self) -> None:
        self.refresh_bindings()  # v leaves the footer while it trains, and for good once it has
        self._plot_evaluation()

    # --- other keys ----------------------------------------------------------------------------------------

    def action_zoom(self) -> None:
        self.query_one(SamplesView).next_zoom()

    def action_next_class(self) -> None:
        self.query_one(SamplesView).next_class()

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
            grid_file = folder / f"grid_step_{history.samples.step:06d}.png"
            saved.insert(0, str(save_png(history.samples.grid, grid_file)))
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
        yield SystemCommand("GAN: save grid and metrics",
                            "PNG of the samples and CSV of the metrics into the run folder", self.action_export)
        yield SystemCommand("GAN: show traceback", "The failed run's traceback", self.action_traceback)
        for name in preset_names("gan"):
            yield SystemCommand(f"GAN: preset {name}", "Fill the form from this preset",
                                lambda name=name: self.load_preset(name))
