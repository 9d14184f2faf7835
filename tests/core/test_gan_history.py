"""A run's history as the pane sees it: series, snapshots at the chosen epochs, state, speed and ETA."""

import math

import numpy as np
import pytest

from core.gan.events import CheckpointSaved, EpochEnd, Failed, Finished, Progress, Samples, Started
from core.gan.history import RunHistory


def started(total_steps=1000, steps_per_epoch=100.0):
    return Started(0, total_steps, steps_per_epoch, "cpu", "runs/x", {})


def progress(step, time, d_loss=1.0, g_loss=0.7):
    return Progress(step=step, epoch=step / 100, time=time, d_loss=d_loss, g_loss=g_loss, d_real=0.6, d_fake=0.4,
                    images_per_s=640.0)


def grid(value):
    return np.full((4, 4, 3), value, dtype=np.uint8)


def test_progress_fills_the_four_series_and_the_records():
    history = RunHistory()
    history.apply(started())
    history.apply(progress(10, 1.0, d_loss=1.2, g_loss=0.8))
    history.apply(progress(20, 2.0, d_loss=1.0, g_loss=0.9))
    assert history.d_loss.y.tolist() == [1.2, 1.0] and history.g_loss.x.tolist() == [10, 20]
    assert history.d_real.last == 0.6 and history.d_fake.last == 0.4
    assert [record["step"] for record in history.records] == [10, 20]
    assert history.step == 20 and history.state == "running"


def test_speed_and_eta_come_from_the_recent_reports():
    history = RunHistory()
    history.apply(started(total_steps=1000))
    for index in range(5):
        history.apply(progress(100 * (index + 1), 2.0 * (index + 1)))  # 50 steps a second
    assert history.steps_per_second == pytest.approx(50.0)
    assert history.eta_seconds == pytest.approx((1000 - 500) / 50.0)


def test_eta_is_unknown_before_two_reports_and_zero_once_ended():
    history = RunHistory()
    history.apply(started())
    history.apply(progress(10, 1.0))
    assert math.isnan(history.eta_seconds)
    history.apply(Finished(10, "stopped"))
    assert history.eta_seconds == 0.0 and history.state == "stopped"


def test_snapshots_keep_the_first_grid_of_each_chosen_epoch():
    history = RunHistory(snapshot_epochs=(1, 3))
    history.apply(Samples(50, 0.5, grid(1), None))
    history.apply(EpochEnd(1, 100))
    history.apply(Samples(100, 1.0, grid(2), None))
    history.apply(Samples(150, 1.5, grid(3), None))
    history.apply(Samples(500, 5.0, grid(5), None))  # epoch 3 was never sampled: epoch 5 does not stand in
    assert sorted(history.snapshots) == [1]
    assert history.snapshot_for(1).step == 100 and history.snapshot_for(1).grid[0, 0, 0] == 2
    assert history.snapshot_for(3) is None
    assert history.samples.step == 500


def test_a_failure_ends_the_run_with_its_message():
    history = RunHistory()
    history.apply(started())
    history.apply(CheckpointSaved(0, "runs/x/checkpoint.pt"))
    history.apply(Failed(42, "d_loss became nan at step 42", "Traceback ..."))
    assert history.state == "failed" and history.ended
    assert history.failure.step == 42
    assert history.checkpoint.path.endswith("checkpoint.pt")


def test_a_late_grid_never_stands_in_for_an_epoch_and_missing_snapshots_say_why():
    history = RunHistory(snapshot_epochs=(1, 10))
    history.apply(started(total_steps=160))
    history.apply(progress(150, 1.0))
    assert history.snapshot_note(1) == "not sampled" and history.snapshot_note(10) == "not yet"
    history.apply(Samples(160, 1.6, grid(7), None))  # the last grid of a 1.6-epoch run sampled only at its end
    history.apply(Finished(160, "completed"))
    assert history.snapshot_for(1) is None
    assert history.snapshot_note(10) == "not reached"
    sampled = RunHistory(snapshot_epochs=(1,))
    sampled.apply(Samples(101, 1.01, grid(2), None))  # sampled at the end of epoch 1
    assert sampled.snapshot_for(1).step == 101 and sampled.snapshot_note(1) == ""
