"""How the GAN tab looks with a finished short run (SVG snapshots under tests/tui/__snapshots__).

The run is real (a seeded 80-step MLP GAN on 640 glyphs) but recorded once, not trained in the test: float
results differ in their last bits between CPUs, so trained here its samples would differ by a shade (on an AMD
EPYC, nine pixels of the snapshot came out one step off, #414141 for #424242). The recording is the run's
folder as `gan-tui gan` writes it, in tests/tui/data/gan_finished_run, read back as `gan-tui watch` reads it
(RunWatcher). It keeps only what the tests read: not the checkpoint, the writer's lock or the mode-collapse
evaluations (they depend on a classifier in the user's cache and on the machine's speed;
tests/tui/test_gan_evaluation_view.py shows them), and of each sample grid only the top-left SHOWN x SHOWN
images. To record it again (after changing CONFIG or the trainer), from the repository root:

    python -m tests.tui.test_gan_snapshots
    pytest tests/tui/test_gan_snapshots.py --snapshot-update    # then look at what changed

The rest that depends on the machine is fixed here: the seconds and images/s the trainer measured and the
run folder's name. The losses were recorded every log_every steps, not by the clock.
"""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from core.gan.config import GanConfig
from core.gan.data import load_data
from core.gan.events import Progress, Started
from core.gan.history import RunHistory
from core.gan.run_dir import RunDir
from core.gan.run_lock import LOCK_FILE
from core.gan.sample_view import corner_tiles, tile_size
from core.gan.trainer import Trainer
from core.gan.watch import RunWatcher, read_png
from tui.app import GanTuiApp
from tui.labs.gan import GanPane, GanSession
from tui.labs.gan_monitor import RunEvents
from tui.labs.gan_views import SamplesView
from tui.widgets.halfblock import HalfBlockImage

CONFIG = GanConfig(max_steps=80, batch=32, z_dim=16, hidden=64, sample_every=20, sample_epochs=(1, 2, 3),
                   log_every=4, seed=7, device="cpu")
RECORDED = Path(__file__).parent / "data" / "gan_finished_run"
SHOWN = 3  # images per side of a sample grid that the tests show: 3 x 3 at 100 x 30, 2 x 2 at 80 x 24


def record_run(folder: Path = RECORDED) -> None:
    """Train the run into `folder` (replacing what is there), then keep only what the tests read."""
    shutil.rmtree(folder, ignore_errors=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("core.gan.trainer.REPORT_SECONDS", float("inf"))  # report every log_every steps, not by the clock
        Trainer(CONFIG, load_data("glyphs", size=640, seed=7), RunDir.create(folder, CONFIG)).run([])
    run = RunDir(folder)
    run.checkpoint_file.unlink()
    (folder / LOCK_FILE).unlink()
    progress = [record for record in run.read_metrics() if "eval_seconds" not in record]
    run.metrics_file.write_text("".join(json.dumps(record) + "\n" for record in progress), encoding="utf-8")
    for _, path in run.sample_files():
        Image.fromarray(corner_tiles(read_png(path), tile_size(CONFIG.data), SHOWN)).save(path, optimize=True)


@pytest.fixture(scope="module")
def finished_run() -> list:
    watcher = RunWatcher(RECORDED)
    assert watcher.config == CONFIG, "CONFIG changed: record the run again (python -m tests.tui.test_gan_snapshots)"
    events = watcher.poll()  # a finished run is read whole at once
    assert watcher.ended
    steady = []
    for event in events:
        if isinstance(event, Progress):
            event = dataclasses.replace(event, time=event.step / 40, images_per_s=1280.0)
        elif isinstance(event, Started):
            event = dataclasses.replace(event, run_dir="runs/20250101-120000-mlp-nonsat-glyphs")
        steady.append(event)
    return steady


def show_run(events: list):
    async def run_before(pilot) -> None:
        pane = pilot.app.query_one(GanPane)
        pane.show_runs([RunHistory(CONFIG.sample_epochs)], ["run"], [CONFIG])
        pane.post_message(RunEvents([(0, event) for event in events]))
        await pilot.pause(0.6)  # a chart rebuild tick
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.6)  # the status line's tick
        image, samples = pane.query_one("#latest-grid", HalfBlockImage), pane.query_one(SamplesView)
        for _ in range(300):    # the samples are drawn on that tick too, and again at the zoom the laid-out
            side = samples.images_per_side()  # pane fits: a loaded machine may need many more ticks
            if image.image is not None and image.image.shape[0] == 2 + side * 30:
                break
            await pilot.pause(0.1)
        else:
            raise AssertionError(f"the samples were not drawn at {side} x {side} within 30 s" + (
                f"; the recorded grids keep {SHOWN} x {SHOWN}: raise SHOWN and record the run again" if side > SHOWN
                else ""))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_gan_pane_with_a_finished_run(snap_compare, finished_run):
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(CONFIG)})
    assert snap_compare(app, terminal_size=(100, 30), run_before=show_run(finished_run))


def test_gan_pane_with_a_finished_run_at_80x24(snap_compare, finished_run):
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(CONFIG)})
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_run(finished_run))


def test_gan_pane_before_a_run(snap_compare):
    assert snap_compare(GanTuiApp(initial_tab="gan"), terminal_size=(100, 30))


if __name__ == "__main__":
    record_run()
