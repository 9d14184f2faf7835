"""Faults from outside (issue 11): kill -9 at a random step, a parent killed under its training child, a
writer gone while status.json still says running, or gone after its final checkpoint. Each test starts real
processes."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.gan.config import GanConfig
from core.gan.digest import content_digest
from core.gan.events import Failed, Finished
from core.gan.run_dir import RunDir
from core.gan.run_lock import writer_pid
from core.gan.trainer import open_training
from core.gan.watch import RunWatcher

ROOT = Path(__file__).resolve().parents[2]
CONFIG = GanConfig(data="ring8", hidden=16, z_dim=4, batch=64, log_every=7, max_steps=500, checkpoint_every=20, seed=3)

# Imports torch once, then forks a trainer per line read ("new" or "resume"), so each killed process costs a
# fork, not seconds of imports. The fork happens before any torch op has started a thread pool.
FORKING_TRAINER = """
import json, os, sys
from core.gan.config import GanConfig
from core.gan.trainer import open_training
config, folder = GanConfig.from_dict(json.loads(sys.argv[1])), sys.argv[2]
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        trainer = (open_training(config, resume=folder) if line.strip() == "resume"
                   else open_training(config, out=folder))
        print("training", os.getpid(), flush=True)
        trainer.run([])
        os._exit(0)
    os.waitpid(pid, 0)
    print("ended", flush=True)
"""


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def last_step(folder: Path) -> int:
    """The last step the run in `folder` has logged (0 before the first)."""
    return max([0] + [record["step"] for record in RunDir(folder).read_metrics()]) if folder.exists() else 0


def test_a_run_killed_at_random_steps_resumes_to_exactly_the_uninterrupted_run(tmp_path):
    folder, rng, kills = tmp_path / "killed", random.Random(11), []
    trainers = subprocess.Popen([sys.executable, "-c", FORKING_TRAINER, json.dumps(CONFIG.to_dict()), str(folder)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        for attempt in range(3):
            trainers.stdin.write("resume\n" if attempt else "new\n")
            trainers.stdin.flush()
            word, pid = trainers.stdout.readline().split()
            assert word == "training"
            # at a random step past a checkpoint or two (by step, not by the clock: how long a trainer takes to
            # get going depends on the machine's load), and a random moment after it is logged
            target = (kills[-1] if kills else 0) + rng.randint(30, 150)
            wait_for(lambda: last_step(folder) >= target)
            time.sleep(rng.uniform(0.0, 0.02))
            os.kill(int(pid), signal.SIGKILL)
            assert trainers.stdout.readline().strip() == "ended"
            kills.append(last_step(folder))
    finally:
        trainers.stdin.close()
        trainers.wait(timeout=30)
    assert kills[-1] < CONFIG.max_steps, kills  # the kills landed in the middle of training
    resumed = open_training(CONFIG, resume=folder)
    assert resumed.run([]) == Finished(CONFIG.max_steps, "completed")
    steps = [r["step"] for r in RunDir(folder).read_metrics() if "g_loss" in r]
    assert steps == sorted(set(steps)) and steps[-1] == CONFIG.max_steps  # no step twice, no torn line
    reference = open_training(CONFIG, out=tmp_path / "reference")
    assert reference.run([]) == Finished(CONFIG.max_steps, "completed")
    ours, theirs = RunDir(folder).load_checkpoint(), RunDir(tmp_path / "reference").load_checkpoint()
    for part in ("step", "generator", "discriminator", "opt_g", "opt_d", "sampler", "rng"):  # all but the clock
        assert content_digest(ours[part]) == content_digest(theirs[part]), part


PARENT = """
import json, sys, time
from core.gan.config import GanConfig
from core.gan.digest import content_digest
from core.gan.handle import TrainingHandle
handle = TrainingHandle(GanConfig.from_dict(json.loads(sys.argv[1])), out=sys.argv[2])
handle.start()
print("started", flush=True)
time.sleep(600)
"""


def test_a_training_child_whose_parent_is_killed_checkpoints_and_exits(tmp_path):
    config = GanConfig(**{**CONFIG.__dict__, "max_steps": 10**9, "checkpoint_every": 0})
    folder = tmp_path / "run"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, json.dumps(config.to_dict()), str(folder)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert parent.stdout.readline().strip() == "started"
    wait_for(lambda: (RunDir(folder).read_status() or {}).get("state") == "running" and writer_pid(folder) is not None)
    child = writer_pid(folder)
    assert child not in (None, parent.pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    wait_for(lambda: writer_pid(folder) is None, seconds=30)  # the child let go of the folder: it has ended
    status = RunDir(folder).read_status()
    assert status["state"] == "stopped: the app that started this run is gone"
    assert RunDir(folder).load_checkpoint()["step"] == status["step"] > 0


HOLD_AND_SAY_RUNNING = """
import sys, time
from core.gan.run_lock import acquire
from core.gan.run_dir import RunDir
acquire(sys.argv[1], "out")
RunDir(sys.argv[1]).write_status({"state": "running", "step": 0, "total_steps": 100, "steps_per_epoch": 10.0,
                                  "device": "cpu"})
print("running", flush=True)
time.sleep(60)
"""


def test_a_watcher_says_when_the_writer_is_gone_instead_of_running_for_ever(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(CONFIG.to_dict()))
    (folder / "metrics.jsonl").write_text(json.dumps({"step": 3, "epoch": 0.3, "time": 0.1, "d_loss": 1.0,
                                                      "g_loss": 1.0, "d_real": 0.5, "d_fake": 0.5,
                                                      "images_per_s": 1.0}) + "\n")
    writer = subprocess.Popen([sys.executable, "-c", HOLD_AND_SAY_RUNNING, str(folder)], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    assert writer.stdout.readline().strip() == "running"
    watcher = RunWatcher(folder)
    assert not any(isinstance(event, (Failed, Finished)) for event in watcher.poll())
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    (ending,) = watcher.poll()
    assert isinstance(ending, Failed) and ending.step == 3
    assert "the process training this run is gone" in ending.message and "--resume" in ending.message
    assert os.path.exists(folder / "writer.lock")  # left in place: the next writer takes it over


DIES_AFTER_ITS_FINAL_CHECKPOINT = """
import os, sys
from core.gan.config import GanConfig
from core.gan.events import CheckpointSaved
from core.gan.trainer import open_training

def killed_there(event):
    if isinstance(event, CheckpointSaved) and event.ending is not None:
        os._exit(0)  # as a kill would: no last word, no more samples

config = GanConfig(data="ring8", hidden=16, z_dim=4, batch=64, max_steps=30, seed=3)
open_training(config, out=sys.argv[1]).run([killed_there])
"""


def test_a_run_killed_after_its_final_checkpoint_reads_as_ended_not_lost(tmp_path):
    # an app that quits waits only so long for its child: killed while it draws the last samples, after the
    # final checkpoint, the run is whole, and a watcher says how it ended instead of "the process is gone"
    folder = tmp_path / "run"
    subprocess.run([sys.executable, "-c", DIES_AFTER_ITS_FINAL_CHECKPOINT, str(folder)], cwd=ROOT, check=True)
    run = RunDir(folder)
    assert run.load_checkpoint()["step"] == 30 and run.sample_files() == []  # the last samples never came
    assert run.read_status()["state"] == "running" and writer_pid(folder) is None
    ending = RunWatcher(folder).poll()[-1]
    assert isinstance(ending, Finished) and ending.reason == "completed" and ending.step == 30
