"""Watching a run folder: only new lines and new samples are read, half-written ones wait, nothing is written."""

import json

import numpy as np
import pytest
from PIL import Image

from core.errors import InvalidSetting
from core.gan.config import GanConfig
from core.gan.events import Failed, Finished, Progress, Samples, Started
from core.gan.run_dir import RunDir, StatusWriter, total_steps
from core.gan.watch import RunWatcher


def record(step, steps_per_epoch=40.0):
    return {"step": step, "epoch": step / steps_per_epoch, "time": step / 100, "d_loss": 1.3, "g_loss": 0.8,
            "d_real": 0.55, "d_fake": 0.45, "images_per_s": 3200.0}


@pytest.fixture
def run(tmp_path):
    folder = tmp_path / "run"
    (folder / "samples").mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(GanConfig(epochs=3, max_steps=0).to_dict()))
    return folder


def append(folder, text):
    with open(folder / "metrics.jsonl", "a", encoding="utf-8") as file:
        file.write(text)


def test_total_steps_is_the_earlier_of_max_steps_and_the_last_epoch():
    assert total_steps(GanConfig(epochs=3, max_steps=0), 937.5) == 2813
    assert total_steps(GanConfig(epochs=3, max_steps=1000), 937.5) == 1000
    assert total_steps(GanConfig(epochs=2, max_steps=0), 0.1 + 0.2) == 1  # 0.6000000000000001 steps: not 2


def test_new_lines_become_progress_after_one_started(run):
    watcher = RunWatcher(run)
    assert watcher.poll() == []
    append(run, json.dumps(record(10)) + "\n" + json.dumps(record(20)) + "\n")
    events = watcher.poll()
    assert isinstance(events[0], Started) and events[0].total_steps == 120 and events[0].steps_per_epoch == 40.0
    assert [event.step for event in events[1:]] == [10, 20] and all(isinstance(e, Progress) for e in events[1:])
    append(run, json.dumps(record(30)) + "\n")
    assert [event.step for event in watcher.poll()] == [30]


def test_a_line_still_being_written_waits_for_its_newline(run):
    watcher = RunWatcher(run)
    line = json.dumps(record(10))
    append(run, line[:20])
    assert watcher.poll() == []
    append(run, line[20:] + "\n")
    assert [type(event).__name__ for event in watcher.poll()] == ["Started", "Progress"]


def test_samples_are_read_once_and_a_truncated_png_is_retried(run):
    watcher = RunWatcher(run)
    append(run, json.dumps(record(40)) + "\n")
    watcher.poll()
    image = np.zeros((6, 4, 3), dtype=np.uint8)
    image[0, 0] = (255, 128, 0)
    Image.fromarray(image).save(run / "samples" / "step_000040.png")
    (run / "samples" / "step_000080.png").write_bytes((run / "samples" / "step_000040.png").read_bytes()[:30])
    (samples,) = watcher.poll()
    assert isinstance(samples, Samples) and samples.step == 40 and samples.epoch == 1.0
    assert samples.grid.shape == (6, 4, 3) and samples.grid[0, 0].tolist() == [255, 128, 0]
    Image.fromarray(image).save(run / "samples" / "step_000080.png")
    assert [event.step for event in watcher.poll()] == [80]
    assert watcher.poll() == []


def test_watching_never_writes_to_the_run(run):
    append(run, json.dumps(record(40)) + "\n")
    before = {path: path.stat().st_mtime_ns for path in run.rglob("*")}
    watcher = RunWatcher(run)
    watcher.poll()
    watcher.poll()
    assert {path: path.stat().st_mtime_ns for path in run.rglob("*")} == before


def test_a_folder_without_a_config_is_refused(tmp_path):
    with pytest.raises(InvalidSetting, match="no config.json"):
        RunWatcher(tmp_path)


def test_status_json_gives_the_start_and_the_end_with_its_reason(run):
    status = StatusWriter(RunDir(run))
    status(Started(0, 80, 40.0, "cuda:0", str(run), {}))
    watcher = RunWatcher(run)
    (started,) = watcher.poll()
    assert started.device == "cuda:0" and started.total_steps == 80
    append(run, json.dumps(record(40)) + "\n")
    status(Finished(40, "stopped by SIGTERM"))
    events = watcher.poll()
    assert [type(event).__name__ for event in events] == ["Progress", "Finished"]
    assert events[-1].reason == "stopped by SIGTERM" and events[-1].step == 40
    assert watcher.poll() == []


def test_a_failed_run_brings_its_message_and_traceback(run):
    status = StatusWriter(RunDir(run))
    status(Started(0, 80, 40.0, "cpu", str(run), {}))
    status(Failed(7, "d_loss became nan at step 7", "Traceback (most recent call last): ..."))
    events = RunWatcher(run).poll()  # a watcher opened after the end learns it all from the last status
    assert isinstance(events[0], Started) and events[0].total_steps == 80
    assert isinstance(events[-1], Failed) and events[-1].message.startswith("d_loss became nan")
    assert events[-1].traceback.startswith("Traceback")


def test_without_a_status_file_a_run_is_complete_when_its_metrics_reach_the_last_step(run):
    watcher = RunWatcher(run)  # epochs=3 at 40 steps an epoch: 120 steps
    append(run, json.dumps(record(80)) + "\n")
    assert not any(isinstance(event, Finished) for event in watcher.poll())
    append(run, json.dumps(record(120)) + "\n")
    assert isinstance(watcher.poll()[-1], Finished)


def test_a_trained_run_folder_says_how_it_ended(tmp_path):
    from core.gan.data import load_data
    from core.gan.trainer import Trainer

    config = GanConfig(data="ring8", max_steps=6, batch=8, z_dim=2, hidden=8, seed=1, device="cpu")
    run = RunDir.create(tmp_path / "run", config)
    Trainer(config, load_data("ring8", size=256, seed=1), run).run([])
    events = RunWatcher(run.path).poll()
    assert isinstance(events[0], Started) and events[0].total_steps == 6 and events[0].device == "cpu"
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed" and events[-1].step == 6


def test_a_run_still_starting_is_waited_for_and_a_folder_that_is_no_run_is_not(tmp_path):
    import threading
    import time

    from core.gan.watch import wait_for_config

    folder = tmp_path / "starting"
    assert RunDir(folder).is_starting()  # not made yet: the trainer is still importing torch
    timer = threading.Timer(0.3, lambda: (folder.mkdir(),
                                          (folder / "config.json").write_text(json.dumps(GanConfig().to_dict()))))
    timer.start()
    began = time.monotonic()
    assert wait_for_config(folder, timeout_s=10, poll_s=0.05)
    assert 0.25 < time.monotonic() - began < 5
    RunWatcher(folder)  # and it reads
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("not a run")
    began = time.monotonic()
    assert not RunDir(other).is_starting() and not wait_for_config(other, timeout_s=10)
    assert time.monotonic() - began < 1  # refused at once, not after the wait
    assert not wait_for_config(tmp_path / "never", timeout_s=0.2, poll_s=0.05)
