"""The training loop: its events, stopping rules, failure on NaN, fixed-noise samples."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from statistics import median

import numpy as np
import pytest
import torch

from core.gan.config import GanConfig
from core.gan.control import Control
from core.gan.data import TensorData, load_data
from core.gan.events import CheckpointSaved, EpochEnd, Evaluation, Failed, Finished, Progress, Samples, Started
from core.gan.trainer import Trainer

GLYPHS = load_data("glyphs", size=640)
TINY = dict(data="glyphs", hidden=32, z_dim=8, batch=32)


def train(config, data=GLYPHS, control=None):
    events = []
    result = Trainer(config, data).run([events.append], control)
    return events, result


def of(kind, events):
    return [event for event in events if isinstance(event, kind)]


def test_a_run_starts_reports_samples_and_finishes_at_its_last_step():
    events, result = train(GanConfig(max_steps=7, log_every=3, **TINY))
    assert isinstance(events[0], Started) and events[0].total_steps == 7 and events[0].step == 0
    assert events[-1] == result == Finished(7, "completed")
    progress = of(Progress, events)
    assert progress[-1].step == 7
    steps = [0] + [p.step for p in progress]
    assert all(0 < b - a <= 3 for a, b in zip(steps, steps[1:]))  # a window never exceeds log_every
    assert all(0 < p.d_real < 1 and 0 < p.d_fake < 1 and p.images_per_s > 0 for p in progress)
    (samples,) = of(Samples, events)
    assert samples.step == 7 and samples.grid.dtype == np.uint8 and samples.grid.shape == (8 * 30 + 2, 8 * 30 + 2, 3)
    assert samples.path is None and not of(CheckpointSaved, events)  # no run directory: nothing written


def test_epochs_end_the_run_and_name_the_epochs_that_sample():
    # 640 glyphs in batches of 32: 20 steps an epoch.
    events, _ = train(GanConfig(max_steps=0, epochs=2, sample_epochs=(1,), **TINY))
    assert [(e.epoch, e.step) for e in of(EpochEnd, events)] == [(1, 20), (2, 40)]
    assert [s.step for s in of(Samples, events)] == [20, 40]
    assert of(Progress, events)[-1].epoch == 2.0


def test_critic_steps_draw_a_batch_each_so_an_epoch_takes_fewer_steps():
    events, _ = train(GanConfig(objective="wgan", max_steps=0, epochs=1, **TINY))
    assert events[0].total_steps == 4 and events[0].steps_per_epoch == 4.0  # 20 batches / 5 critic steps


@pytest.mark.parametrize("objective, settings, forwards", [
    ("nonsat", {}, 1),               # the D step's fakes, with G's graph, serve G's step
    ("nonsat", {"g_steps": 2}, 2),   # a second G update draws its own
    ("wgan", {}, 5),                 # five critic updates, each on fresh fakes; the last one's go on to G
    ("unrolled", {"unroll": 1}, 2),  # the look-ahead needs fakes D has not just been trained on
    ("mse", {}, 1),
])
def test_a_step_runs_the_generator_once_per_update_it_needs(objective, settings, forwards):
    trainer = Trainer(GanConfig(objective=objective, max_steps=1, **TINY, **settings), GLYPHS)
    calls = []
    trainer.generator.register_forward_hook(lambda module, inputs, output: calls.append(output.requires_grad))
    trainer._open_window()
    trainer._train_step()
    assert len(calls) == forwards and calls[-1]  # the generator's last output carries its graph for G's update


def test_the_generator_update_scores_the_fakes_the_discriminator_just_saw():
    # G's loss is the non-saturating loss of the updated D on the D step's batch of fakes, not on new ones
    trainer = Trainer(GanConfig(max_steps=1, dropout=0.0, **TINY), GLYPHS)
    seen = []
    trainer.generator.register_forward_hook(lambda module, inputs, output: seen.append(output.detach().clone()))
    trainer._open_window()
    trainer._train_step()
    (fakes,) = seen
    with torch.no_grad():
        expected = torch.nn.functional.softplus(-trainer.discriminator(fakes)).mean()
    assert torch.allclose(trainer._window[0, 1], expected)


def test_mse_reports_no_discriminator_numbers():
    events, _ = train(GanConfig(objective="mse", max_steps=3, **TINY))
    progress = of(Progress, events)[-1]
    assert progress.d_loss is None and progress.d_real is None and progress.g_loss > 0


@pytest.mark.parametrize("evaluation_is_cheap", [False, True])
def test_a_nan_loss_fails_the_run_naming_the_loss_and_its_step(evaluation_is_cheap, monkeypatch):
    # on a slow machine the epoch-end evaluation (step 20) is affordable; it must not meet NaN weights first
    if evaluation_is_cheap:
        monkeypatch.setattr("core.gan.evaluation.COST_SHARE", 1e9)
    x = GLYPHS.x.clone()
    poisoned = 123
    x[poisoned, 0, 0, 0] = float("nan")
    config = GanConfig(max_steps=50, log_every=50, **TINY)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(config.seed))
    step = int((order == poisoned).nonzero()) // config.batch + 1  # the batch that holds the NaN pixel
    events, result = train(config, TensorData("glyphs", x, GLYPHS.y, 10))
    assert isinstance(result, Failed) and events[-1] == result
    assert result.step == step and f"d_loss became nan at step {step}" in result.message
    assert not of(Finished, events)


def test_an_error_inside_the_loop_is_a_failed_event_with_its_traceback():
    class Exploding(Control):
        def paused(self):
            raise RuntimeError("disk on fire")

    _, result = train(GanConfig(max_steps=3, **TINY), control=Exploding())
    assert isinstance(result, Failed) and "disk on fire" in result.message and "Traceback" in result.traceback


def test_a_stop_request_finishes_the_current_step_and_says_so():
    control = Control()
    stopped = []

    def stop_after_three(event):
        if isinstance(event, Progress) and event.step >= 3 and not stopped:
            stopped.append(event.step)
            control.request_stop("stopped by test")

    events = []
    result = Trainer(GanConfig(max_steps=1000, log_every=1, **TINY), GLYPHS).run([events.append, stop_after_three],
                                                                                  control)
    assert result == Finished(stopped[0], "stopped by test")
    assert of(Progress, events)[-1].step == stopped[0]


def test_sampling_uses_fixed_noise_and_leaves_training_untouched():
    trainer = Trainer(GanConfig(model="dcgan", max_steps=1, batch=8, **{k: v for k, v in TINY.items() if k != "batch"}),
                      GLYPHS)
    running_mean = trainer.generator.body[1].running_mean.clone()
    rng = torch.get_rng_state()
    first, picture = trainer.sample()
    second, _ = trainer.sample()
    assert torch.equal(first, second) and first.shape == (64, 1, 28, 28)
    assert torch.equal(trainer.generator.body[1].running_mean, running_mean) and torch.equal(torch.get_rng_state(), rng)
    assert trainer.generator.training and picture.shape == (3, 242, 242)


def test_conditional_samples_show_one_class_per_row():
    trainer = Trainer(GanConfig(conditional=True, max_steps=1, **TINY), GLYPHS)
    assert trainer._fixed_labels.view(10, 10).tolist() == [[k] * 10 for k in range(10)]
    output, picture = trainer.sample()
    assert output.shape == (100, 1, 28, 28) and picture.shape == (3, 302, 302)


@pytest.fixture
def one_thread():
    # The same float summation order wherever this runs (two threads may split a matrix product
    # differently), and no waiting on a busy second core.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def settled_on_the_ring(objective: str) -> tuple[float, float]:
    """Medians of the last five evaluations of a 2,000-step ring8 run (seed 0, one thread): modes reached and
    % of samples near a mode. A function of the module, so that a worker process can run it."""
    torch.set_num_threads(1)
    config = GanConfig(data="ring8", objective=objective, unroll=2, z_dim=2, hidden=128, batch=256, dropout=0.0,
                       lr_d=2e-3, lr_g=2e-3, max_steps=2000, seed=0)
    events, _ = train(config, load_data("ring8", size=20_000))
    last = of(Evaluation, events)[-5:]
    assert len(last) == 5 and last[0].step >= 1500, [e.step for e in last]
    return median(e.modes_reached for e in last), median(e.high_quality_pct for e in last)


def test_plain_and_unrolled_gans_cover_the_ring_of_eight_gaussians(one_thread):
    # The ring8-plain / ring8-unrolled presets' claim: samples land on the modes and cover most of them.
    # A GAN's mode count and its share of samples on modes swing from one evaluation to the next (plain,
    # seed 0: 75, 28, 24, 23, 63 % high quality over steps 1600-2000), so one final snapshot is a coin
    # toss that small numeric differences (CPU kernels, torch version) flip; the median of the last five
    # evaluations (every 100 steps, 2,500 fixed-noise samples) is steadier. Bounded here: the modes reached by
    # any sample and the % of samples near a mode. Measured (1 thread, medians of the last five): plain seed 0:
    # 7 reached, 29% (8, 28 before G's update reused D's fakes); seeds 1 and 2, before that change: 7, 53 and
    # 6, 47 (its modes read 8, 5, 5, 6, 8, hence >= 5, more than half). Unrolled seed 0: 8, 44. Not bounded:
    # modes covered with a fair share (>= 1/32) of the samples, seed 0: plain 2, 4, 2, 2, 5 (it crowds a few
    # modes, the issue-12 picture), unrolled 2, 8, 7, 5, 3. Not yet measured on a quiet machine: the
    # unrolled run's margin, seeds 3-4, two threads.
    # A collapsed GAN (the README's ring8-unrolled seed 1: 1 of 8) fails the first bound; a diverged one,
    # or one that only smears mass along the circle (a uniform ring puts ~8% of its samples within 3 std
    # of a mode), fails the second.
    # The unrolled run (three quarters of the time: its look-ahead differentiates through two D steps) trains in
    # a worker process while the plain one trains here, each on one core.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        unrolled = pool.submit(settled_on_the_ring, "unrolled")
        settled = {"nonsat": settled_on_the_ring("nonsat"), "unrolled": unrolled.result()}
    assert all(reached >= 5 and high_quality >= 20 for reached, high_quality in settled.values()), settled


@pytest.mark.parametrize("objective", ["nonsat", "wgan-gp"])
def test_compiled_training_takes_the_same_steps_and_saves_the_same_modules(objective, monkeypatch):
    # the "eager" backend traces the passes with TorchDynamo but generates no code, so the numbers must match
    # eager training exactly; wgan-gp's D (a double backward) stays uncompiled
    monkeypatch.setattr("core.gan.trainer.COMPILE_BACKEND", "eager")
    runs = {}
    for compiled in (False, True):
        trainer = Trainer(GanConfig(objective=objective, max_steps=3, log_every=1, compile=compiled, **TINY), GLYPHS)
        events = []
        trainer.run([events.append])
        runs[compiled] = ([(p.d_loss, p.g_loss) for p in of(Progress, events)], trainer.state_dict())
        if compiled:  # the training passes went through torch.compile's wrapper (it holds the module as _orig_mod)
            assert trainer._train_g._orig_mod is trainer.generator
            assert (trainer._train_d is trainer.discriminator) == (objective == "wgan-gp")
    assert runs[True][0] == runs[False][0] and len(runs[True][0]) == 3
    for name in ("generator", "discriminator"):
        plain, compiled = runs[False][1][name], runs[True][1][name]
        assert plain.keys() == compiled.keys() and all(torch.equal(plain[k], compiled[k]) for k in plain)
