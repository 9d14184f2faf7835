"""What the GAN pane draws of its runs: the status lines, the loss and D charts with the evaluation row,
the samples with their zoom and class picker, and a failed run's traceback.

Text is built by pure functions; the widgets hold only what they need to redraw themselves (the zoom,
the grids already drawn) and are handed the runs by the pane.
"""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from core.gan import scatter_colours
from core.gan.class_view import classes_at_a_glance, one_class
from core.gan.config import GanConfig
from core.gan.history import SNAPSHOT_EPOCHS, RunHistory
from core.gan.objective_facts import OBJECTIVE_FACTS, ObjectiveFacts
from core.gan.sample_view import corner_tiles, readable_count, tile_size
from tui.widgets.evaluation_charts import ClassHistogram, CoverageChart
from tui.widgets.halfblock import HalfBlockImage
from tui.widgets.series_chart import PALETTE, Level, Line, SeriesChart

EVALUATOR_MINUTES = {"mnist": "under a minute", "fashion-mnist": "a few minutes", "cifar10": "several minutes"}
ZOOMS = ("fit", 2, 4, 8)      # images per side of the sample grid shown, cycled with z; "fit": as many as read well
CLASS_CHOICES = (("3 of each class", "all"), *((f"class {k}", str(k)) for k in range(10)))  # conditional runs
# Overlaid runs of different objectives share no reference line and no [0, 1] scale.
MIXED_OBJECTIVES = ObjectiveFacts({}, None, None, None, probabilities=False)

# Chart colours: (bright, faint) pairs; faint draws the raw trace behind the smoothed one.
D_COLOUR, G_COLOUR = (90, 160, 255), (255, 160, 60)
REAL_COLOUR, FAKE_COLOUR = (90, 210, 120), (240, 90, 90)
LEVEL_COLOUR = (150, 150, 150)
STATE_STYLES = {"running": "bold green", "paused": "bold yellow", "failed": "bold red", "completed": "bold cyan"}
# Each rebuild of a chart is tens of milliseconds of plotext on a core that the training child's threads want:
# once a second keeps the curves live and costs training a few percent instead of twice that.
CHART_REDRAWS_PER_SECOND = 1


def status_text(history: RunHistory | None, config: GanConfig, paused: bool = False, watching: bool = False,
                run_label: str = "") -> Text:
    """Two lines: how far the run is and how fast; then where it runs, and with what settings.
    `run_label` names the run shown among several (watch mode)."""
    settings = (f"{config.model} · {config.objective} · {config.data} · lr D {config.effective('lr_d'):g}"
                f" · lr G {config.effective('lr_g'):g} · batch {config.batch} · z {config.z_dim}")
    if history is None:
        return Text.assemble(("Set up a run on the left, then press s.\n", "dim"), (settings, "dim"))
    state = "paused" if paused and not history.ended else history.state
    text = Text()
    if run_label:
        text.append(f"{run_label} ", style="bold")
    text.append(f"● {state}", style=STATE_STYLES.get(state, "bold"))
    started, progress = history.started, history.progress
    total = f"/{started.total_steps:,}" if started else ""
    text.append(f"  step {history.step:,}{total}")
    if progress:
        text.append(f"  epoch {progress.epoch:.2f}  {progress.images_per_s:,.0f} img/s  "
                    f"{format_duration(progress.time)} elapsed")
    if not history.ended:
        text.append(f"  ETA {format_duration(history.eta_seconds)}")
    text.append("\n")
    if started:
        text.append(started.device, style="cyan")
        text.append(f"  {started.run_dir or 'no run folder'}  ", style="dim")
    text.append("(watching, read-only) " if watching else "", style="dim italic")
    text.append(settings, style="dim")
    return text


def failure_text(history: RunHistory | None) -> Text:
    """The line under the status of a failed run; empty otherwise."""
    if history is None or not history.failure:
        return Text("")
    failure = history.failure
    return Text(f"Failed at step {failure.step}: {failure.message}  (t: traceback)", style="bold red")


def evaluation_waiting(history: RunHistory | None, data: str, evaluator_missing: bool, evaluator_status: str) -> str:
    """What the eval row says while the shown run has no evaluation: why, and what to do about it.
    `evaluator_missing`: v can train the evaluator of `data`; `evaluator_status`: how its training went."""
    if history is None or history.evaluation is not None:
        return ""
    if history.evaluator_training is not None:
        return history.evaluator_training.describe()
    if evaluator_missing:
        offer = (f"No {data} evaluator yet, so no class histogram: press v to train one "
                 f"({EVALUATOR_MINUTES[data]}); the runs after it are measured.")
        return f"{evaluator_status}\n{offer}" if evaluator_status else offer
    if evaluator_status:
        return evaluator_status
    return "\n".join(notice.message for notice in history.notices)


def faint(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour 60% of the way to a dark background: a raw trace that stays behind its smoothed line."""
    return tuple(int(0.4 * channel + 0.6 * 30) for channel in colour)


def smoothed_pair(series: Any, colour: tuple[int, int, int], label: str) -> list[Line]:
    """The raw trace, faint and unlabelled, under its smoothed line."""
    return [Line(series.x, series.y, faint(colour)), Line(series.x, series.smooth, colour, label)]


def chart_lines(histories: list[RunHistory], names: list[str]) -> tuple[list[Line], list[Line]]:
    """The loss chart's and the D chart's lines: one run raw and smoothed, several overlaid smoothed, a
    colour each (G and D(G(z)) in its faint shade)."""
    if len(histories) <= 1:
        history = histories[0] if histories else RunHistory()
        return (smoothed_pair(history.d_loss, D_COLOUR, "D") + smoothed_pair(history.g_loss, G_COLOUR, "G"),
                smoothed_pair(history.d_real, REAL_COLOUR, "D(x)")
                + smoothed_pair(history.d_fake, FAKE_COLOUR, "D(G(z))"))
    loss_lines, d_lines = [], []
    for index, (history, name) in enumerate(zip(histories, names)):
        colour = PALETTE[index % len(PALETTE)]
        loss_lines += [Line(history.d_loss.x, history.d_loss.smooth, colour, f"{name} D"),
                       Line(history.g_loss.x, history.g_loss.smooth, faint(colour), f"{name} G")]
        d_lines += [Line(history.d_real.x, history.d_real.smooth, colour, f"{name} D(x)"),
                    Line(history.d_fake.x, history.d_fake.smooth, faint(colour), f"{name} D(G(z))")]
    return loss_lines, d_lines


def level_label(value: float) -> str:
    return "log 4" if math.isclose(value, math.log(4)) else f"{value:g}"


def format_duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


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


def set_text(label: Static, text: str) -> None:
    """Change a one-line label of fixed size, repainting it only when its text changes (an update always
    repaints, and the samples view sets its labels twice a second)."""
    if label.content != text:
        label.update(text, layout=False)


class RunCharts(Vertical):
    """Losses and D outputs over steps, and below them the shown run's evaluation once it has one."""

    def compose(self) -> ComposeResult:
        yield SeriesChart("losses", redraws_per_second=CHART_REDRAWS_PER_SECOND, id="loss-chart")
        yield SeriesChart("D outputs", redraws_per_second=CHART_REDRAWS_PER_SECOND, id="d-chart")
        with Horizontal(id="eval-row"):
            yield ClassHistogram(id="class-histogram")
            yield CoverageChart(id="coverage-chart")

    def show(self, histories: list[RunHistory], names: list[str], objective: str | None, paced: bool = False) -> None:
        """Hand both charts the series as they are now (cheap: the charts downsample when they redraw).
        `objective` None: runs of different objectives, with no reference line in common. `paced`: the
        rebuilt charts wait for paint_ready."""
        facts = OBJECTIVE_FACTS.get(objective, MIXED_OBJECTIVES)
        d_loss, d_output = facts.equilibrium_d_loss, facts.equilibrium_d_output
        loss_levels = [] if d_loss is None else [Level(d_loss, level_label(d_loss), LEVEL_COLOUR)]
        d_levels = [] if d_output is None else [Level(d_output, "½", LEVEL_COLOUR)]
        loss_lines, d_lines = chart_lines(histories, names)
        title = "losses (smoothed; raw faint)" if len(histories) <= 1 else "losses"
        self.query_one("#loss-chart", SeriesChart).show(loss_lines, loss_levels, title=title, paced=paced)
        self.query_one("#d-chart", SeriesChart).show(d_lines, d_levels, title=facts.d_chart_title,
                                                     y_limits=(0.0, 1.0) if facts.probabilities else None,
                                                     paced=paced)

    def paint_ready(self) -> None:
        for chart in self.query("#loss-chart, #d-chart").results(SeriesChart):
            chart.paint_ready()

    def show_evaluation(self, history: RunHistory | None, waiting: str) -> None:
        """The run's latest class (or mode) histogram and its coverage over time; before its first
        evaluation, the `waiting` line in their place (nothing at all when that is empty)."""
        evaluation = history.evaluation if history else None
        self.query_one("#eval-row").set_class(evaluation is not None or bool(waiting), "-has-data")
        self.query_one("#class-histogram", ClassHistogram).show(evaluation, waiting)
        self.query_one("#coverage-chart").display = evaluation is not None  # the waiting line takes the row
        if evaluation is not None:
            points = evaluation.mode_counts is not None
            total = len(evaluation.mode_counts if points else evaluation.class_counts)
            self.query_one("#coverage-chart", CoverageChart).show_coverage(history.covered, history.cfd, total, points)


class SamplesView(Vertical):
    """The shown run's latest samples (zoomed with z; for a conditional run, a class picked with c) and
    the snapshots taken at chosen epochs."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zoom = ZOOMS[0]
        self.history: RunHistory | None = None
        self.config = GanConfig()
        self._drawn: list[Any] = [None] * (1 + len(SNAPSHOT_EPOCHS))  # the grid each image shows

    def compose(self) -> ComposeResult:
        yield Select(CLASS_CHOICES, value="all", allow_blank=False, id="class-picker", compact=True)
        yield Label("samples", id="latest-label", classes="image-label")
        yield HalfBlockImage(id="latest-grid")
        yield Static(id="scatter-key")
        with Horizontal(id="snapshots"):
            for index in range(len(SNAPSHOT_EPOCHS)):
                with Vertical(classes="snapshot"):
                    yield Label("", id=f"snapshot-label-{index}", classes="image-label")
                    yield HalfBlockImage(id=f"snapshot-{index}")

    def on_mount(self) -> None:
        self.query_one("#class-picker").tooltip = "A conditional run's samples: three of each class, or all of one (c)"

    def show(self, history: RunHistory | None, config: GanConfig) -> None:
        """Draw `history`'s samples (None: no run yet) as `config` says they look; only new grids are drawn."""
        if history is not self.history:
            self._drawn = [None] * len(self._drawn)
        self.history, self.config = history, config
        self._draw()

    def images_per_side(self, zoom: str | int | None = None) -> int:
        """Images per side at `zoom` (None: the zoom on); for "fit", the most that the latest grid shows at
        half size or larger."""
        zoom = self.zoom if zoom is None else zoom
        if zoom != "fit":
            return zoom
        image = self.query_one("#latest-grid", HalfBlockImage)
        width, height = image.size.width, 2 * image.size.height  # two pixels per cell vertically
        return readable_count(tile_size(self.config.data), width, height) if width and height else 3

    def next_zoom(self) -> None:
        """The next zoom that changes the picture (a fixed size equal to what "fit" shows is skipped)."""
        if self.config.is_points:
            self.notify("z zooms image grids; a 2-D run's scatter plot is always shown whole.", severity="warning")
            return
        if self.config.conditional:
            self.notify("A conditional run shows three of each class; c picks one class instead.", severity="warning")
            return
        fit, index = self.images_per_side("fit"), ZOOMS.index(self.zoom)
        self.zoom = next(zoom for zoom in ZOOMS[index + 1:] + ZOOMS[:index + 1] if zoom == "fit" or zoom != fit)
        self._redraw_all()  # the label says which zoom is on; no note, which would cover the samples

    def next_class(self) -> None:
        """The next choice of the conditional class picker (three of each class, then class 0 to 9)."""
        picker = self.query_one("#class-picker", Select)
        if not picker.display:
            self.notify("Only conditional runs have classes to pick (labels on the form).", severity="warning")
            return
        values = [value for _, value in CLASS_CHOICES]
        picker.value = values[(values.index(picker.value) + 1) % len(values)]

    @on(Select.Changed, "#class-picker")
    def _class_picked(self, event: Select.Changed) -> None:
        event.stop()
        self._redraw_all()

    def on_half_block_image_resized(self, message: HalfBlockImage.Resized) -> None:
        # what "fit" shows follows the samples view's own size: the terminal's, or the form shown or hidden beside it
        if message.image.id == "latest-grid" and self.zoom == "fit":
            self._drawn[0] = None
            self._draw()

    def _redraw_all(self) -> None:
        self._drawn = [None] * len(self._drawn)
        self._draw()

    def _view(self, grid: Any, image: HalfBlockImage) -> Any:
        """The part of a sample grid that `image` shows: the top-left images as the zoom says (all of a 2-D
        scatter plot); for a conditional run, three of each class or all of the class picked."""
        config = self.config
        if grid is None or config.is_points:
            return grid
        tile = tile_size(config.data)
        if config.conditional:
            picked = self.query_one("#class-picker", Select).value
            return classes_at_a_glance(grid, tile) if picked == "all" else one_class(grid, tile, int(picked))
        return corner_tiles(grid, tile, self.images_per_side())

    def _latest_label(self) -> str:
        """What the latest grid is: its zoom, step and epoch; the epoch gives way first where it does not fit
        (the status line says it too)."""
        config, samples = self.config, self.history.samples if self.history else None
        side = self.images_per_side()
        fit = " (fit)" if self.zoom == "fit" else ""
        zoom = "" if config.is_points or config.conditional or not samples else f" · {side}×{side}{fit}"
        label = "samples" + zoom + (f" · step {samples.step:,}" if samples else "")
        detail = f" · epoch {samples.epoch:.1f}" if samples else " from fixed noise"
        width = self.query_one("#latest-label", Label).size.width
        return label + detail if not width or len(label + detail) <= width else label

    def _draw(self) -> None:
        history, config = self.history, self.config
        self.query_one("#class-picker").display = config.conditional and not config.is_points
        key = self.query_one("#scatter-key", Static)
        key.display = config.is_points
        if config.is_points:
            key.update(scatter_key(with_discriminator=OBJECTIVE_FACTS[config.objective].discriminator), layout=False)
        set_text(self.query_one("#latest-label", Label), self._latest_label())
        samples = history.samples if history else None
        grids = [samples.grid if samples else None]
        epochs = history.snapshot_epochs if history else SNAPSHOT_EPOCHS
        for index in range(len(SNAPSHOT_EPOCHS)):
            epoch = epochs[index] if index < len(epochs) else None
            snapshot = history.snapshot_for(epoch) if history and epoch is not None else None
            grids.append(snapshot.grid if snapshot else None)
            label = "" if epoch is None else f"epoch {epoch}"
            set_text(self.query_one(f"#snapshot-label-{index}", Label), label)
            note = history.snapshot_note(epoch) if history and epoch else ""
            self.query_one(f"#snapshot-{index}", HalfBlockImage).placeholder = note
        images = [self.query_one("#latest-grid", HalfBlockImage),
                  *(self.query_one(f"#snapshot-{index}", HalfBlockImage) for index in range(len(SNAPSHOT_EPOCHS)))]
        for index, (image, grid) in enumerate(zip(images, grids)):
            if self._drawn[index] is not grid:
                self._drawn[index] = grid
                image.update(self._view(grid, image), shrink="max" if config.is_points else "area")


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
