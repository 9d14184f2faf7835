"""Run folders: metrics and samples on disk, exact resume, atomic and validated checkpoints."""

import json
import subprocess
import sys
import time

import pytest
import torch

from core.errors import InvalidSetting
from core.gan.config import GanConfig
from core.gan.data import load_data
from core.gan.events import Finished
from core.gan.run_dir import RunDir
from core.gan.trainer import Trainer

GLYPHS = load_data("glyphs", size=320)
# dropout on, so the resume must restore the RNG as well as the weights and the data order
CONFIG = GanConfig(data="glyphs", hidden=32, z_dim=8, batch=32, dropout=0.3, log_every=1, max_steps=30)
KEYS = {"step", "epoch", "time", "d_loss", "g_loss", "d_real", "d_fake", "images_per_s"}


def new_run(tmp_path, name, config=CONFIG):
    trainer = Trainer(config, GLYPHS)
    trainer.run_dir = RunDir.create(tmp_path / name, config)
    return trainer


def resume(run, config):
    return Trainer(config, GLYPHS, run, run.load_checkpoint())


def losses(run):
    return [(r["step"], r["d_loss"], r["g_loss"], r["d_real"], r["d_fake"]) for r in run.read_metrics()
            if "eval_seconds" not in r]


def test_a_run_folder_holds_config_metrics_samples_and_a_checkpoint(tmp_path):
    trainer = new_run(tmp_path, "run",
                      GanConfig(**{**CONFIG.__dict__, "log_every": 4, "max_steps": 10, "sample_every": 5}))
    trainer.run([])
    run = trainer.run_dir
    assert GanConfig.from_dict(json.loads(run.config_file.read_text())) == trainer.config
    records = [r for r in run.read_metrics() if "eval_seconds" not in r]  # losses; the final evaluation aside
    assert all(set(r) == KEYS for r in records) and records[-1]["step"] == 10
    assert sorted(p.name for p in run.samples_dir.iterdir()) == ["step_000005.png", "step_000010.png"]
    assert run.load_checkpoint()["step"] == 10


def test_resume_continues_exactly_where_the_run_stopped(tmp_path):
    # 30 steps in one go == 15 steps, then a resume extended to 30 (10 batches an epoch: crosses epochs)
    whole = new_run(tmp_path, "whole")
    whole.run([])
    half = new_run(tmp_path, "half", GanConfig(**{**CONFIG.__dict__, "max_steps": 15}))
    half.run([])
    rest = resume(half.run_dir, CONFIG)
    assert rest.step == 15
    assert rest.run([]) == Finished(30, "completed")
    assert losses(half.run_dir) == losses(whole.run_dir)
    assert len(losses(whole.run_dir)) == 30
    for a, b in zip(whole.generator.state_dict().values(), rest.generator.state_dict().values()):
        assert torch.equal(a, b)


def test_resume_drops_metrics_logged_after_the_checkpoint(tmp_path):
    run = RunDir.create(tmp_path / "run", CONFIG)
    run.metrics_file.write_text("".join(json.dumps({"step": step}) + "\n" for step in range(1, 8)))
    run.truncate_metrics(5)  # the checkpoint is at step 5; steps 6 and 7 will be trained again
    assert [r["step"] for r in run.read_metrics()] == [1, 2, 3, 4, 5]


def test_a_folder_that_holds_a_run_is_not_overwritten(tmp_path):
    new_run(tmp_path, "run")
    with pytest.raises(InvalidSetting, match="already holds a run; continue it with --resume") as error:
        new_run(tmp_path, "run")
    assert error.value.field == "out"


@pytest.mark.parametrize(("content", "message"), [
    (b"not a zip file at all", "is corrupt or not a checkpoint"),
    (None, "is not a gan-tui checkpoint"),  # a valid torch file from elsewhere
])
def test_a_corrupt_or_foreign_checkpoint_is_a_clear_error(tmp_path, content, message):
    run = RunDir.create(tmp_path / "run", CONFIG)
    if content is None:
        torch.save({"model": torch.zeros(3)}, run.checkpoint_file)
    else:
        run.checkpoint_file.write_bytes(content)
    with pytest.raises(InvalidSetting, match=message) as error:
        run.load_checkpoint()
    assert error.value.field == "resume"


def test_a_checkpoint_of_other_models_is_a_clear_error(tmp_path):
    trainer = new_run(tmp_path, "run", GanConfig(**{**CONFIG.__dict__, "max_steps": 1}))
    trainer.run([])
    with pytest.raises(InvalidSetting, match="does not fit this run's models"):
        resume(trainer.run_dir, GanConfig(**{**CONFIG.__dict__, "hidden": 16}))


SAVE_THEN_HANG = """
import sys, time
from core.gan.run_dir import RunDir

class Slow:  # pickling this blocks, so the process is killed mid-save
    def __reduce__(self):
        print("saving", flush=True)
        time.sleep(60)
        return (int, ())

run = RunDir(sys.argv[1])
run.save_checkpoint({"step": 1})
run.save_checkpoint({"step": 2, "slow": Slow()})
"""


def test_a_kill_in_the_middle_of_a_save_leaves_the_previous_checkpoint_intact(tmp_path):
    run = RunDir.create(tmp_path / "run", CONFIG)
    child = subprocess.Popen([sys.executable, "-c", SAVE_THEN_HANG, str(run.path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "saving"
    time.sleep(0.2)
    child.kill()
    child.wait()
    assert run.checkpoint_file.with_name("checkpoint.pt.tmp").exists()  # the interrupted save
    assert run.load_checkpoint()["step"] == 1
