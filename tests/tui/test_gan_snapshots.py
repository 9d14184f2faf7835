"""How the GAN tab looks with a finished short run (SVG snapshots under tests/tui/__snapshots__).

The run is real (a seeded 80-step MLP GAN on 640 glyphs, trained in this process on the CPU); only
what depends on the machine is fixed or left out: the seconds and images/s the trainer measured, the
run folder's name, the losses' reporting by the clock (every log_every steps instead), and the
mode-collapse evaluations, which depend on a classifier in the user's cache and on the machine's speed
(tests/tui/test_gan_evaluation_view.py shows those).
"""

import dataclasses

import pytest

from core.gan.config import GanConfig
from core.gan.data import load_data
from core.gan.events import Evaluation, Notice, Progress, Started
from core.gan.history import RunHistory
from core.gan.trainer import Trainer
from tui.app import GanTuiApp
from tui.labs.gan import GanPane, GanSession
from tui.labs.gan_monitor import RunEvents
from tui.labs.gan_views import SamplesView
from tui.widgets.halfblock import HalfBlockImage

CONFIG = GanConfig(max_steps=80, batch=32, z_dim=16, hidden=64, sample_every=20, sample_epochs=(1, 2, 3),
                   log_every=4, seed=7, device="cpu")


@pytest.fixture(scope="module")
def finished_run() -> list:
    events = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("core.gan.trainer.REPORT_SECONDS", float("inf"))  # report every log_every steps, not by the clock
        Trainer(CONFIG, load_data("glyphs", size=640, seed=7)).run([events.append])
    steady = []
    for event in events:
        if isinstance(event, (Evaluation, Notice)):
            continue
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
            raise AssertionError("the sample grid was not drawn within 30 s")
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
