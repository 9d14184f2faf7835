"""Runs you can trust (issue 11): one writer per folder, resumes that check everything before changing
anything, torn and damaged files detected, checkpoints by the clock, a full disk reported."""

import errno
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import torch

from core.errors import InvalidSetting
from core.gan import trainer as trainer_module
from core.gan.config import GanConfig
from core.gan.data import load_data
from core.gan.events import CheckpointSaved, Failed, Finished, Progress
from core.gan.run_dir import RunDir
from core.gan.run_lock import writer_pid
from core.gan.trainer import Trainer, open_training
from core.gan.watch import RunWatcher

GLYPHS = load_data("glyphs", size=320)  # 10 batches of 32: an epoch is 10 steps
CONFIG = GanConfig(data="glyphs", hidden=32, z_dim=8, batch=32, log_every=1, max_steps=20, checkpoint_every=10)
ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import sys, time
from core.gan.run_lock import acquire
acquire(sys.argv[1], "resume")
print("locked", flush=True)
time.sleep(60)
"""


@pytest.fixture(autouse=True)
def small_data(monkeypatch):
    """open_training loads the 320 glyphs too (the full set takes seconds to draw)."""
    monkeypatch.setattr(trainer_module, "_load", lambda config: GLYPHS)


def finished_run(tmp_path, name="run", config=CONFIG):
    trainer = Trainer(config, GLYPHS)
    trainer.run_dir = RunDir.create(tmp_path / name, config)
    trainer.run([])
    return trainer.run_dir


def longer(config=CONFIG, **changes):
    return GanConfig(**{**config.__dict__, "max_steps": 30, **changes})


def hold_lock(folder):
    child = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_a_second_writer_is_refused_with_the_pid_of_the_first_and_a_watcher_takes_nothing(tmp_path):
    run = finished_run(tmp_path)
    holder = hold_lock(run.path)
    try:
        assert writer_pid(run.path) == holder.pid
        RunWatcher(run.path).poll()  # watching reads, never locks
        assert writer_pid(run.path) == holder.pid
        before = run.config_file.read_bytes()
        with pytest.raises(InvalidSetting, match=f"is being written by process {holder.pid}") as error:
            open_training(longer(), resume=run.path)
        assert error.value.field == "resume" and run.config_file.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    assert writer_pid(run.path) is None  # the OS let go of a dead holder's lock
    assert open_training(longer(), resume=run.path).step == 20


@pytest.mark.parametrize("where", ["out", "resume"])
def test_an_empty_folder_name_is_refused_not_taken_for_here(tmp_path, where):
    with pytest.raises(InvalidSetting, match="must not be empty") as error:
        open_training(CONFIG, **{where: ""})
    assert error.value.field == where


def test_a_torn_last_metrics_line_is_dropped_on_resume_and_by_a_watcher(tmp_path):
    run = finished_run(tmp_path)
    with open(run.metrics_file, "a") as file:
        file.write('{"step": 21, "epoch": 2.1, "ti')  # what a kill -9 in the middle of a write leaves
    assert [r["step"] for r in run.read_metrics()][-1] == 20
    trainer = open_training(longer(), resume=run.path)
    assert trainer.run([]) == Finished(30, "completed")
    steps = [r["step"] for r in run.read_metrics() if "g_loss" in r]
    assert steps == list(range(1, 31))
    assert all(json.loads(line) for line in run.metrics_file.read_text().splitlines())


def test_a_watcher_shows_the_records_around_a_damaged_line(tmp_path):
    run = finished_run(tmp_path)
    lines = run.metrics_file.read_text().splitlines(keepends=True)
    run.metrics_file.write_text("".join(lines[:5]) + '{"step": 6, "epo' + "".join(lines[5:]))  # torn, then resumed
    events = RunWatcher(run.path).poll()
    progress = [event.step for event in events if isinstance(event, Progress)]
    assert progress == [*range(1, 6), *range(7, 21)]  # step 6's line is the one the torn piece ran into
    assert isinstance(events[-1], Finished) and events[-1].step == 20


def test_a_resume_refused_for_damaged_metrics_changes_nothing(tmp_path):
    run = finished_run(tmp_path)
    lines = run.metrics_file.read_text().splitlines(keepends=True)
    run.metrics_file.write_text("".join(lines[:5]) + "garbage\n" + "".join(lines[5:]))
    def contents():  # writer.lock is left out: taking the lock writes the taker's pid into it
        return {path.name: path.read_bytes() for path in run.path.iterdir()
                if path.is_file() and path.name != "writer.lock"}

    before = contents()
    with pytest.raises(InvalidSetting, match="metrics.jsonl line 6 is damaged"):
        open_training(longer(), resume=run.path)
    assert contents() == before


def flip_a_byte_of_the_largest_tensor(path):
    with zipfile.ZipFile(path) as archive:
        entry = max((info for info in archive.infolist() if "/data/" in info.filename), key=lambda info: info.file_size)
    data = bytearray(path.read_bytes())
    name_length, extra_length = int.from_bytes(data[entry.header_offset + 26:entry.header_offset + 28], "little"), \
        int.from_bytes(data[entry.header_offset + 28:entry.header_offset + 30], "little")
    start = entry.header_offset + 30 + name_length + extra_length
    data[start + entry.file_size // 2] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_checkpoint_with_a_flipped_byte_is_refused(tmp_path):
    run = finished_run(tmp_path)
    flip_a_byte_of_the_largest_tensor(run.checkpoint_file)
    with pytest.raises(InvalidSetting, match="is damaged: its contents do not match the digest"):
        open_training(longer(), resume=run.path)


def test_a_checkpoint_copied_from_another_run_is_refused_and_nothing_changes(tmp_path):
    ours = finished_run(tmp_path, "ours")
    theirs = finished_run(tmp_path, "theirs", GanConfig(**{**CONFIG.__dict__, "seed": 7, "objective": "lsgan"}))
    ours.checkpoint_file.write_bytes(theirs.checkpoint_file.read_bytes())
    before = ours.config_file.read_bytes()
    with pytest.raises(InvalidSetting, match="belongs to another run: it was trained with objective = 'lsgan'"):
        open_training(longer(), resume=ours.path)
    assert ours.config_file.read_bytes() == before


def test_a_garbage_checkpoint_is_reported_without_torchs_advice_to_load_unsafely(tmp_path):
    import datetime

    run = finished_run(tmp_path)
    torch.save({"when": datetime.date(2020, 1, 1)}, run.checkpoint_file)
    with pytest.raises(InvalidSetting, match="is corrupt or not a checkpoint") as error:
        run.load_checkpoint()
    assert "weights_only" not in str(error.value)


def test_out_refuses_a_folder_of_other_files_and_leaves_them_alone(tmp_path):
    folder = tmp_path / "old"
    (folder / "samples").mkdir(parents=True)
    (folder / "metrics.jsonl").write_text('{"step": 600}\n')
    (folder / "samples" / "step_000600.png").write_bytes(b"png")
    with pytest.raises(InvalidSetting, match="holds files that are not a gan-tui run") as error:
        open_training(CONFIG, out=folder)
    assert error.value.field == "out"
    assert (folder / "metrics.jsonl").read_text() == '{"step": 600}\n'
    assert sorted(os.listdir(folder)) == ["metrics.jsonl", "samples"]


def test_out_refuses_a_name_longer_than_a_file_system_allows(tmp_path):
    with pytest.raises(InvalidSetting, match="has a name of 300 bytes") as error:
        open_training(CONFIG, out=tmp_path / ("x" * 300) / "run")
    assert error.value.field == "out"


def test_a_read_only_run_folder_is_refused_for_resume(tmp_path, monkeypatch):
    run = finished_run(tmp_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == run.path and mode & os.W_OK
                        else real_access(path, mode))  # root may write anywhere: pretend the mount is read-only
    with pytest.raises(InvalidSetting, match="is read-only"):
        open_training(longer(), resume=run.path)


def test_by_default_a_run_checkpoints_by_the_clock_and_at_epoch_ends(tmp_path, monkeypatch):
    config = GanConfig(**{**CONFIG.__dict__, "checkpoint_every": 0, "max_steps": 35})
    monkeypatch.setattr(trainer_module, "CHECKPOINT_SECONDS", 1e9)
    monkeypatch.setattr(trainer_module, "EPOCH_CHECKPOINT_SECONDS", 0.0)
    trainer = Trainer(config, GLYPHS)
    trainer.run_dir = RunDir.create(tmp_path / "run", config)
    events = []
    trainer.run([events.append])
    assert [event.step for event in events if isinstance(event, CheckpointSaved)] == [10, 20, 30, 35]
    monkeypatch.setattr(trainer_module, "CHECKPOINT_SECONDS", 0.0)
    events.clear()
    open_training(GanConfig(**{**config.__dict__, "max_steps": 40}), resume=tmp_path / "run").run([events.append])
    assert [event.step for event in events if isinstance(event, CheckpointSaved)] == [36, 37, 38, 39, 40]


def test_a_run_killed_before_its_first_checkpoint_starts_again_on_resume(tmp_path):
    config = GanConfig(**{**CONFIG.__dict__, "checkpoint_every": 0})
    run = RunDir.create(tmp_path / "run", config)
    run.metrics_file.write_text('{"step": 1, "epoch": 0.1}\n')
    run.release()  # as the OS does for a killed process
    trainer = open_training(config, resume=run.path)
    assert trainer.step == 0 and run.read_metrics() == []


def test_a_full_disk_is_reported_the_temp_files_removed_and_the_last_checkpoint_kept(tmp_path, monkeypatch):
    config = GanConfig(**{**CONFIG.__dict__, "checkpoint_every": 5, "max_steps": 12})
    trainer = Trainer(config, GLYPHS)
    trainer.run_dir = RunDir.create(tmp_path / "run", config)
    disk = {"full": False}
    real_fsync, real_write_text = os.fsync, Path.write_text

    def fsync(descriptor):
        if disk["full"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(descriptor)
        if trainer.run_dir.checkpoint_file.exists():
            disk["full"] = True  # the first checkpoint got through; everything after finds the disk full

    def write_text(path, *args, **kwargs):
        if disk["full"]:
            path.touch()
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write_text(path, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "write_text", write_text)
    result = trainer.run([])
    assert isinstance(result, Failed) and result.step == 10 and not result.traceback
    assert result.message.startswith("no space left on device") and "the last checkpoint is kept" in result.message
    assert sorted(path.name for path in trainer.run_dir.path.iterdir() if path.name.endswith(".tmp")) == []
    monkeypatch.undo()
    assert trainer.run_dir.load_checkpoint()["step"] == 5
    assert trainer.run_dir.read_status()["state"] == "running"  # could not be written; the free lock tells


def test_an_absurd_width_or_log_window_is_refused_before_anything_is_allocated():
    for changes, field in (({"hidden": 10**7}, "hidden"), ({"log_every": 10**15}, "log_every"),
                           ({"hidden": 10**30}, "hidden")):
        with pytest.raises(InvalidSetting, match="the run would need about") as error:
            Trainer(GanConfig(**{**CONFIG.__dict__, **changes}), GLYPHS)
        assert error.value.field == field


def test_a_seed_beyond_64_bits_is_refused():
    with pytest.raises(InvalidSetting, match="must be a whole number from 0 to 9223372036854775807") as error:
        GanConfig(seed=2**64)
    assert error.value.field == "seed"
