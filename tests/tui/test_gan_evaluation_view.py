"""The GAN tab's mode-collapse view: the latest class histogram, coverage and cFD over time, the class picker."""

import numpy as np
import torch
from textual.widgets import Select
from textual.widgets._toast import Toast

from core.gan.class_view import classes_at_a_glance, one_class
from core.gan.config import GanConfig
from core.gan.events import Evaluation, EvaluatorTraining, Notice, Progress, Samples, Started
from core.gan.grids import image_grid, to_uint8
from core.gan.history import RunHistory
from tests.tui.conftest import text_of, wait_for
from tui.app import GanTuiApp
from tui.labs.gan import GanPane
from tui.labs.gan_monitor import RunEvents
from tui.widgets.evaluation_charts import ClassHistogram, CoverageChart, bar_cells, bar_labels
from tui.widgets.halfblock import HalfBlockImage
from tui.widgets.series_chart import SeriesChart

GLYPHS = GanConfig(max_steps=3000, device="cpu")


def glyph_run_events(covered=(3, 5, 8), cfds=(900.0, 400.0, 120.0)) -> list:
    """A glyph run as the trainer reports it: an evaluation at each epoch end (937 steps each)."""
    events = [(0, Started(0, 3000, 937.0, "cpu", None, GLYPHS.to_dict()))]
    for epoch, (classes, cfd) in enumerate(zip(covered, cfds), start=1):
        counts = [300] * classes + [0] * (10 - classes)
        counts[0] += 3000 - sum(counts)
        step = 937 * epoch
        events.append((0, Progress(step, float(epoch), 10.0 * epoch, 0.5, 1.0, 0.6, 0.4, 1000.0)))
        events.append((0, Evaluation(step, float(epoch), 10.0 * epoch, 1.0, classes_covered=classes,
                                     class_kl=0.5, cfd=cfd, class_counts=tuple(counts))))
    return events


async def show_run(pilot, config, events) -> GanPane:
    pane, history = pilot.app.query_one(GanPane), RunHistory()
    pane.show_runs([history], ["run"], [config])
    pane.post_message(RunEvents(events))
    last = max(event.step for _, event in events if isinstance(event, (Started, Progress)))
    # the status line and the samples are redrawn together on the pane's next tick, late on a loaded machine
    await wait_for(pilot, lambda: history.started is not None and history.step == last
                   and f"step {last:,}/" in text_of(pane, "#gan-status"))
    await pilot.pause(0.6)  # the charts redraw four times a second
    return pane


async def test_the_tab_shows_the_class_histogram_of_the_latest_evaluation_and_coverage_over_time():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(GanPane)
        assert app.query_one("#eval-row").styles.display == "none"   # nothing measured yet: no empty charts
        await show_run(pilot, GLYPHS, glyph_run_events())
        assert app.query_one("#eval-row").styles.display == "block"
        histogram = pane.query_one("#class-histogram", ClassHistogram)
        assert histogram.caption == ["classes 8/10 · cFD 120"] and histogram.evaluation.step == 2811
        lines = [histogram.render_line(y).text for y in range(histogram.size.height)]
        assert lines[0].strip() == "classes 8/10 · cFD 120"
        assert lines[1].startswith("900│█ ")                  # class 0's 900 samples: the tallest bar
        assert lines[-2].strip() == "0 1 2 3 4 5 6 7 8 9" and lines[-1].strip() == "class · step 2,811"
        coverage = pane.query_one("#coverage-chart", CoverageChart)
        covered, cfd, total, points = coverage.series
        assert covered.x.tolist() == [937, 1874, 2811] and covered.y.tolist() == [3, 5, 8]
        assert cfd.y.tolist() == [900.0, 400.0, 120.0] and (total, points) == (10, False)


async def test_a_2d_run_shows_its_modes():
    config = GanConfig(data="ring8", max_steps=200, device="cpu")
    events = [(0, Started(0, 200, 390.0, "cpu", None, config.to_dict())),
              (0, Evaluation(100, 0.25, 1.0, 0.01, modes_covered=3, high_quality_pct=45.2,
                             mode_counts=(500, 0, 0, 400, 0, 230, 0, 0), modes_reached=3))]
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = await show_run(pilot, config, events)
        caption = pane.query_one("#class-histogram", ClassHistogram).caption
        assert caption == ["modes 3/8 (3 reached)", "45% near a mode"]
        coverage = pane.query_one("#coverage-chart", CoverageChart)
        assert coverage.series[2:] == (8, True)
        await wait_for(pilot, lambda: coverage.up_to_date)
        assert shown_text(coverage).count("modes covered") == 1  # the title: no legend over the one line


async def test_two_crowded_modes_read_as_two_covered_with_the_strays_counted_apart_and_the_rest_red():
    # 2,500 samples: two modes hold almost all, a few strays reach the other six (the 6/8 picture);
    # mode 4's 60 samples reach it but fall short of a fair share (2,500 / 32 = 78.1)
    config = GanConfig(data="ring8", max_steps=200, device="cpu")
    counts = (1200, 3, 2, 1130, 60, 4, 3, 2)
    events = [(0, Started(0, 200, 390.0, "cpu", None, config.to_dict())),
              (0, Evaluation(100, 0.25, 1.0, 0.01, modes_covered=2, high_quality_pct=96.3, mode_counts=counts,
                             modes_reached=8))]
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await show_run(pilot, config, events)
        histogram = pane.query_one("#class-histogram", ClassHistogram)
        lines = [histogram.render_line(y) for y in range(histogram.size.height)]
        assert [line.text.strip() for line in lines[:2]] == ["modes 2/8 (8 reached)", "96% near a mode"]
        assert lines[-1].text.strip() == "mode · step 100"  # the caption fits: nothing wrapped past the bars
        bottom_row = [segment for segment in lines[-3] if segment.text.strip(" │0")]  # modes 0, 3 and 4 show
        blue, _, red = (segment.style.color.triplet for segment in bottom_row)
        assert [segment.style.color.triplet for segment in bottom_row] == [blue, blue, red] and red != blue
def shown_text(widget) -> str:
    return " ".join(widget.render_line(y).text.strip() for y in range(widget.size.height))


async def test_the_first_glyph_run_shows_its_evaluator_training_in_the_metrics_row_not_a_pop_up():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        pane = await show_run(pilot, GLYPHS, [(0, Started(0, 3000, 937.0, "cpu", None, GLYPHS.to_dict())),
                                              (0, EvaluatorTraining(40, "glyphs", 0.45))])
        assert app.query_one("#eval-row").styles.display == "block"
        histogram = pane.query_one("#class-histogram", ClassHistogram)
        assert "training the glyphs evaluator (first run only): 45%" in shown_text(histogram)
        assert not app.screen.query(Toast)
        pane.post_message(RunEvents(glyph_run_events()[1:]))   # then its first evaluation replaces the line
        await pilot.pause(0.6)
        assert histogram.caption[0].startswith("classes 8/10")


async def test_a_real_set_without_its_evaluator_offers_v_to_train_one():
    config = GanConfig(data="mnist", data_dir="/nowhere/mnist", max_steps=3000, device="cpu")
    message = "no mnist classifier at /x/mnist.pt: run `gan-tui classify --data mnist` to train one"
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        pane = await show_run(pilot, config, [(0, Started(0, 3000, 156.0, "cpu", None, config.to_dict())),
                                              (0, Notice(0, message))])
        histogram = pane.query_one("#class-histogram", ClassHistogram)
        assert "press v to train one" in shown_text(histogram)
        assert not app.screen.query(Toast)
        assert pane.check_action("train_evaluator", ())      # v is in the footer
        pane.focus()
        await pilot.press("v")                         # the folder does not exist: the row says so, nothing crashes
        await wait_for(pilot, lambda: "cannot train the mnist evaluator" in pane.evaluator.status, timeout=10)
        assert "cannot train the mnist evaluator" in pane.evaluator.status and "/nowhere/mnist" in pane.evaluator.status
        assert pane.check_action("train_evaluator", ())      # fix the folder and try again


def conditional_grid() -> np.ndarray:
    """100 glyph-sized samples, row k = class k, each a distinct grey level."""
    levels = torch.linspace(-1, 1, 100).view(100, 1, 1, 1).expand(100, 1, 28, 28)
    return to_uint8(image_grid(levels, 10))


async def test_the_class_picker_shows_three_of_each_class_and_c_steps_through_single_classes():
    config = GanConfig(conditional=True, max_steps=3000, device="cpu")
    grid = conditional_grid()
    events = [(0, Started(0, 3000, 937.0, "cpu", None, config.to_dict())), (0, Samples(10, 0.01, grid, None))]
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = await show_run(pilot, config, events)
        picker = pane.query_one("#class-picker", Select)
        assert picker.display and picker.value == "all"
        assert np.array_equal(pane.query_one("#latest-grid", HalfBlockImage).image, classes_at_a_glance(grid, 28))
        pane.focus()
        await pilot.press("c", "c", "c")
        await pilot.pause()
        assert picker.value == "2"
        assert np.array_equal(pane.query_one("#latest-grid", HalfBlockImage).image, one_class(grid, 28, 2))


async def test_the_class_picker_stays_out_of_the_way_of_an_unconditional_run():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = await show_run(pilot, GLYPHS, glyph_run_events())
        assert not pane.query_one("#class-picker", Select).display


def test_the_histogram_and_coverage_look_right(snap_compare):
    async def post_a_run(pilot):
        pane = await show_run(pilot, GLYPHS, glyph_run_events())
        charts = [*pane.query(SeriesChart), pane.query_one(CoverageChart)]
        # the line charts rebuild in a worker when their turn comes, which a loaded machine can put off past
        # any fixed pause; the status line is drawn on the pane's own tick
        await wait_for(pilot, lambda: all(chart.up_to_date for chart in charts)
                       and "step 2,811" in text_of(pane, "#gan-status"))
        await pilot.pause()

    assert snap_compare(GanTuiApp(initial_tab="gan"), terminal_size=(160, 45), run_before=post_a_run)


def test_bars_are_block_characters_to_the_nearest_eighth_of_a_cell():
    # heights in eighths of 3 cells: 900 -> 24 (full), 300 -> 8 (one cell), 450 -> 12, 1 -> 0, 0 -> 0
    assert ["".join(row) for row in bar_cells([900, 300, 0, 450, 1], 3)] == ["█    ", "█  ▄ ", "██ █ "]


def test_bar_labels_name_every_bar_or_every_fifth_when_they_do_not_fit():
    assert bar_labels(10, 1) == "0 1 2 3 4 5 6 7 8 9 "
    assert bar_labels(25, 1) == "0         5         10        15        20"


async def test_at_100x30_the_samples_show_nine_digits_at_half_size_or_larger_and_z_says_the_zoom():
    grid = to_uint8(image_grid(torch.rand(64, 1, 28, 28) * 2 - 1, 8))
    events = [(0, Started(0, 3000, 937.0, "cpu", None, GLYPHS.to_dict())), (0, Samples(10, 0.01, grid, None))]
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = await show_run(pilot, GLYPHS, events)
        image = pane.query_one("#latest-grid", HalfBlockImage)
        assert image.image.shape[:2] == (92, 92)                  # 3 x 3 images of 28 px with 2-px gutters
        assert 2 * image.size.width >= 92 and 2 * (2 * image.size.height) >= 92   # shrunk at most 2x per axis
        assert "3×3" in str(pane.query_one("#latest-label").render())
        pane.focus()
        await pilot.press("z")
        await pilot.pause()
        assert image.image.shape[:2] == (62, 62) and "2×2" in str(pane.query_one("#latest-label").render())


async def test_snapshots_not_taken_say_why_in_their_place():
    config = GanConfig(max_steps=3000, device="cpu")
    grid = np.full((62, 62, 3), 200, dtype=np.uint8)
    events = [(0, Started(0, 3000, 937.0, "cpu", None, config.to_dict())),
              (0, Progress(step=1500, epoch=1.6, time=10.0, d_loss=1.2, g_loss=0.8, d_real=0.6, d_fake=0.4,
                           images_per_s=100.0)),
              (0, Samples(1500, 1.6, grid, None))]  # a grid from mid-epoch 2: not the epoch-1 snapshot
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(160, 45)) as pilot:
        await show_run(pilot, config, events)
        first, second = app.query_one("#snapshot-0", HalfBlockImage), app.query_one("#snapshot-1", HalfBlockImage)
        assert first.image is None and first.placeholder == "not sampled"
        assert second.image is None and second.placeholder == "not yet"
        lines = [second.render_line(y).text for y in range(second.size.height)]
        assert any(line.strip() == "not yet" for line in lines)  # drawn where the grid will be
