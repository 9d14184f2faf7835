"""`gan-tui gan --headless`: a run folder and its path, resume, signals, presets, exit status 2 on bad input."""

import json
import signal
import subprocess
import sys
import time

import pytest

from core.gan.config import GanConfig
from core.gan.run_dir import RunDir
from tui.cli import build_parser, main
from tui.commands.gan import config_from_args
from tui.presets import preset_names

TINY = ["--data", "ring8", "--hidden", "16", "--z-dim", "4", "--batch", "64"]


def run_json(capsys, *argv):
    assert main(["gan", "--headless", "--json", *TINY, *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_headless_run_writes_its_folder_and_a_resume_extends_it(capsys, tmp_path):
    first = run_json(capsys, "--max-steps", "20", "--log-every", "8", "--out", str(tmp_path / "run"))
    assert first["run_dir"] == str(tmp_path / "run") and first["step"] == 20 and first["status"] == "completed"
    assert first["last"]["step"] == 20 and first["modes"] == 8 and 0 <= first["modes_covered"] <= 8
    assert set(first) == {"run_dir", "step", "total_steps", "status", "error", "last", "evaluation",
                          "modes_covered", "modes"}
    assert first["evaluation"]["step"] == 20 and first["evaluation"]["modes_covered"] == first["modes_covered"]
    assert main(["gan", "--headless", "--json", "--resume", str(tmp_path / "run"), "--max-steps", "30"]) == 0
    resumed = json.loads(capsys.readouterr().out)
    assert resumed["step"] == 30 and resumed["total_steps"] == 30
    steps = [0] + [r["step"] for r in RunDir(tmp_path / "run").read_metrics() if "g_loss" in r]
    assert 20 in steps and steps[-1] == 30  # a record at the last step of each part
    assert all(0 < b - a <= 8 for a, b in zip(steps, steps[1:]))  # read at least every --log-every steps
    assert RunDir(tmp_path / "run").read_config().max_steps == 30


def test_the_progress_run_prints_the_run_folder_last(capsys, tmp_path):
    assert main(["gan", "--headless", *TINY, "--max-steps", "5", "--out", str(tmp_path / "run")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == str(tmp_path / "run") and "completed at step 5 of 5" in lines[-2]


def test_an_interrupt_finishes_the_step_and_writes_a_final_checkpoint(tmp_path):
    command = [sys.executable, "-m", "tui.cli", "gan", "--headless", "--json", *TINY, "--max-steps", "1000000000",
               "--log-every", "10", "--out", str(tmp_path / "run")]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run = RunDir(tmp_path / "run")
    deadline = time.monotonic() + 90
    while not run.read_metrics() and time.monotonic() < deadline:
        time.sleep(0.1)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["status"] == "stopped by SIGINT"
    assert run.load_checkpoint()["step"] == summary["step"] == run.read_metrics()[-1]["step"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--batch", "0"], "--batch: must be a whole number >= 1 (got 0)"),
    (["--objective", "hinge"], "--objective: 'hinge' is not one of minimax, nonsat"),
    (["--model", "dcgan", "--data", "ring8"], "--model: dcgan needs image data"),
    (["--lr-d", "-1"], "--lr-d: must be in (0, inf)"),
    (["--precision", "bf16", "--device", "cpu"], "--precision: bf16 mixed precision runs on CUDA only"),
    (["--sample-epochs", "1,x"], "--sample-epochs: must be whole epoch numbers separated by commas"),
    (["--data", "fashion-mnist", "--data-dir", "/nonexistent"], "--data-dir:"),
    (["--resume", "/nonexistent/run"], "--resume: /nonexistent/run is not a run folder"),
    (["--preset", "nope"], "--preset: no preset or file 'nope'"),
    (["--epochs", "2", "--max-steps", "3"], "not allowed with argument"),
    (["--batch", "many"], "--batch: must be a whole number (got 'many')"),
])
def test_bad_values_exit_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["gan", "--headless", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_cuda_asked_for_on_a_machine_without_one_exits_2(capsys, tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(SystemExit) as exit_info:
        main(["gan", "--headless", *TINY, "--device", "cuda", "--out", str(tmp_path / "run")])
    assert exit_info.value.code == 2
    assert "--device: cuda was asked for, but this PyTorch sees no CUDA GPU" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_a_resume_keeps_the_runs_settings(capsys, tmp_path):
    run_json(capsys, "--max-steps", "2", "--out", str(tmp_path / "run"))
    with pytest.raises(SystemExit) as exit_info:
        main(["gan", "--headless", "--resume", str(tmp_path / "run"), "--lr-d", "0.1"])
    assert exit_info.value.code == 2
    assert "--lr-d: cannot change when resuming" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["gan", "--headless", "--resume", str(tmp_path / "run"), "--max-steps", "2"])
    assert exit_info.value.code == 2
    assert "--max-steps: " in (error := capsys.readouterr().err) and "is already at step 2 of 2" in error


def parse(*argv):
    parser, _ = build_parser()
    return config_from_args(parser.parse_args(["gan", *argv]))


@pytest.mark.parametrize("name", preset_names("gan"))
def test_every_shipped_preset_is_a_valid_config(name):
    assert isinstance(parse("--preset", name), GanConfig)


def test_presets_hold_what_their_names_promise():
    homework = parse("--preset", "homework")
    assert (homework.model, homework.data, homework.batch, homework.lr_d, homework.lr_g, homework.epochs) == (
        "dcgan", "fashion-mnist", 64, 1e-4, 1e-4, 50)
    assert homework.sample_epochs == (1, 10, 30, 50) and homework.max_steps == 0
    assert [parse("--preset", f"wgan-c{c}").clip for c in ("0.1", "0.01", "0.001", "0.0001")] == [
        0.1, 0.01, 0.001, 0.0001]
    lsgan = parse("--preset", "lsgan")
    assert (lsgan.objective, lsgan.lr_d, lsgan.beta1, lsgan.beta2) == ("lsgan", 2e-4, 0.5, 0.999)
    plain, unrolled = parse("--preset", "ring8-plain"), parse("--preset", "ring8-unrolled")
    assert (plain.objective, unrolled.objective) == ("nonsat", "unrolled")
    assert GanConfig.from_dict({**plain.to_dict(), "objective": "unrolled"}) == unrolled  # only the objective differs
    assert parse("--preset", "conditional").conditional and parse("--preset", "mse").objective == "mse"
    assert parse("--preset", "digits") == GanConfig()  # the default run is the digits preset


def test_options_override_a_preset():
    config = parse("--preset", "homework", "--max-steps", "10", "--lr-g", "0.001")
    assert (config.max_steps, config.epochs, config.lr_g, config.model) == (10, 0, 0.001, "dcgan")


def test_a_headless_run_samples_on_a_schedule_so_watch_sees_the_generator_improve(capsys, tmp_path):
    run_json(capsys, "--max-steps", "250", "--out", str(tmp_path / "run"))
    assert sorted(p.name for p in (tmp_path / "run" / "samples").iterdir()) == [
        "step_000100.png", "step_000200.png", "step_000250.png"]
    config = RunDir(tmp_path / "run").read_config()
    assert config.sample_every == 100 and config.sample_epochs == (1, 10, 30, 50)
    run_json(capsys, "--max-steps", "250", "--sample-every", "0", "--out", str(tmp_path / "end-only"))
    assert [p.name for p in (tmp_path / "end-only" / "samples").iterdir()] == ["step_000250.png"]  # asked for: kept


def test_the_progress_bar_keeps_the_step_count_whole_and_ends_on_the_time_taken():
    import io

    from rich.console import Console

    from core.gan.events import Finished, Progress, Started
    from tui.commands.gan import TrainingProgress

    clock = [100.0]
    sink = TrainingProgress(Console(file=io.StringIO(), width=80))
    sink.bar.get_time = lambda: clock[0]
    sink(Started(0, 1500, 937.5, "cpu", "runs/x", {}))
    clock[0] += 83.0
    sink(Progress(step=1500, epoch=1.6, time=83.0, d_loss=1.234, g_loss=0.789, d_real=0.55, d_fake=0.45,
                  images_per_s=3200.0))
    screen = Console(file=io.StringIO(), width=80, record=True)
    screen.print(sink.bar.make_tasks_table(sink.bar.tasks))
    line = screen.export_text().strip()
    assert "1500/1500" in line and "0:01:23" in line and len(line) <= 80  # not "1500/15…", not 0:00:00
    sink(Finished(1500, "completed"))
