"""The GAN tab as a user drives it: the form, a real training run in a child process, failures, saving, watching."""

import csv
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
from textual.widgets import Checkbox, Input, Select, Static

from core.gan.config import GanConfig
from core.gan.events import Failed, Finished, Progress, Samples, Started
from core.gan.history import RunHistory
from core.gan.watch import read_png
from tests.tui.conftest import paste_into, text_of, type_into, wait_for
from tui.app import GanTuiApp
from tui.labs.gan import GanPane, GanSession
from tui.labs.gan_monitor import RunEvents
from tui.labs.gan_views import SamplesView
from tui.widgets.config_form import ConfigForm

TINY = GanConfig(max_steps=40, batch=16, z_dim=8, hidden=32, sample_every=10, seed=3, device="cpu")


async def shows(pilot, selector: str, text: str) -> None:
    """The Static at `selector` comes to show `text` (the status line redraws twice a second)."""
    await wait_for(pilot, lambda: text in text_of(pilot.app, selector), timeout=15)


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def training_children() -> list[int]:
    """The live training children: forked by the fork server, itself a child of this process (as is
    multiprocessing's resource tracker)."""
    def is_fork_server(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                return b"multiprocessing.forkserver" in cmdline.read()
        except OSError:
            return False

    return [child for server in children_of(os.getpid()) if is_fork_server(server) for child in children_of(server)]


def watch_for_exit(pid: int) -> threading.Event:
    """An Event set (with the time in .at) once process `pid` has exited, zombie or reaped."""
    gone = threading.Event()

    def watch() -> None:
        while True:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                        break
            except OSError:
                break
            time.sleep(0.01)
        gone.at = time.monotonic()
        gone.set()

    threading.Thread(target=watch, daemon=True).start()
    return gone


async def test_a_bad_learning_rate_is_refused_at_the_field_and_nothing_starts():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await type_into(pilot, "#f-lr_d", "-0.1")
        assert app.query_one("#f-lr_d", Input).has_class("-invalid")
        assert "must be in (0, inf)" in text_of(app, "#e-lr_d")
        await type_into(pilot, "#f-batch", "many")
        assert "must be a whole number (got 'many')" in text_of(app, "#e-batch")
        pane.focus()
        await pilot.press("s")
        assert pane.monitor.handle is None and not pane.histories
        await type_into(pilot, "#f-lr_d", "0.001")
        await type_into(pilot, "#f-batch", "32")
        assert not app.query_one(ConfigForm).errors and pane.config.lr_d == 0.001 and pane.config.batch == 32


async def test_tab_goes_from_the_pane_to_the_first_field_and_escape_comes_back_for_the_keys():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        assert app.focused is pane
        await pilot.press("tab")
        assert app.focused is app.query_one("#preset", Select)  # no stop on the form's scroll container
        await pilot.press("tab")
        assert app.focused is app.query_one("#f-model", Select)
        await pilot.press("escape")
        assert app.focused is pane
        zoom = app.query_one(SamplesView).zoom
        await pilot.press("z")  # the pane's keys act again
        assert app.query_one(SamplesView).zoom != zoom


async def test_fields_an_objective_does_not_use_are_disabled_not_hidden():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        objective = app.query_one("#f-objective", Select)
        assert app.query_one("#f-clip").disabled and app.query_one("#f-clip").display
        objective.value = "wgan"
        await pilot.pause()
        assert not app.query_one("#f-clip").disabled and app.query_one("#f-gp_lambda").disabled
        assert app.query_one("#f-lr_d", Input).placeholder == "5e-05 (default)"  # RMSprop 5e-5, as in the paper
        objective.value = "mse"
        await pilot.pause()
        assert app.query_one("#f-lr_d").disabled and app.query_one("#f-d_steps").disabled
        assert not app.query_one("#f-lr_g").disabled


async def test_a_model_that_does_not_fit_the_data_is_explained_at_the_model_field():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#f-data", Select).value = "ring8"
        app.query_one("#f-model", Select).value = "dcgan"
        await pilot.pause()
        assert "needs image data" in text_of(app, "#e-model")


async def test_a_short_glyphs_run_trains_pauses_resumes_and_stops_with_a_checkpoint(tmp_path):
    out = tmp_path / "run"
    config = GanConfig(**{**TINY.to_dict(), "max_steps": 100_000})  # long enough to stop by hand
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(config, out=str(out))})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await pilot.press("s")
        await wait_for(pilot, lambda: pane.histories[0].samples is not None and len(pane.histories[0].records) >= 2)
        history = pane.histories[0]
        assert history.started.device == "cpu" and history.started.run_dir == str(out)
        assert history.samples.grid.shape == (242, 242, 3)  # 8 x 8 glyphs of 28 pixels with 2-pixel gutters
        assert np.isfinite(history.d_loss.y).all() and len(history.g_loss) >= 2
        await shows(pilot, "#gan-status", "● running  step")

        await pilot.press("p")
        assert "paused" in text_of(app, "#gan-status")
        await pilot.pause(1.0)  # a step in flight may still report; then nothing moves
        paused_at = history.step
        await pilot.pause(1.0)
        assert history.step == paused_at
        await pilot.press("p")
        await wait_for(pilot, lambda: history.step > paused_at)

        await pilot.press("x")
        await wait_for(pilot, lambda: history.ended, timeout=20)
        assert history.state == "stopped"
        assert history.checkpoint is not None and (out / "checkpoint.pt").is_file()
        assert (out / "metrics.jsonl").is_file() and list((out / "samples").glob("step_*.png"))
        await wait_for(pilot, lambda: not pane.monitor.handle.alive(), timeout=10)
        assert not training_children()


async def test_quitting_mid_run_stops_the_child_within_two_seconds_and_saves_a_checkpoint(tmp_path):
    out = tmp_path / "run"
    # 2-D points: the child is ready in the time torch takes to import (60,000 glyphs take longer to draw)
    config = GanConfig(**{**TINY.to_dict(), "max_steps": 100_000, "data": "ring8"})
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(config, out=str(out), start=True)})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await wait_for(pilot, lambda: pane.histories and pane.histories[0].step >= 10)
        (child,) = training_children()
        gone = watch_for_exit(child)
        began = time.monotonic()
        await pilot.press("q")
    assert gone.wait(timeout=30) and gone.at - began < 2.0
    assert not training_children()
    assert (out / "checkpoint.pt").is_file()
    assert json.loads((out / "status.json").read_text())["state"] == "stopped"


class LingeringChild:
    """A TrainingHandle whose run ends at once, its last word sent (so its checkpoint is on disk), while its
    process stays up as a child does while its interpreter exits: quitting need not wait for it."""

    def __init__(self, config: GanConfig, out=None, resume=None) -> None:
        self.events = [Started(0, 20, 10.0, "cpu", None, config.to_dict()), Finished(20, "completed")]
        self.stopped_at, self.killed_at = [], None

    def start(self) -> None:
        pass

    def poll(self, timeout: float = 0.0) -> list:
        events, self.events = self.events, []
        if not events:
            time.sleep(timeout)
        return events

    def alive(self) -> bool:
        return self.killed_at is None

    def stop(self) -> None:
        self.stopped_at.append(time.monotonic())

    def join(self, timeout=None) -> None:
        time.sleep(timeout or 0)

    def kill(self) -> None:
        self.killed_at = time.monotonic()


async def test_quitting_after_the_run_ended_kills_its_lingering_child_without_waiting(monkeypatch):
    from tui.labs.gan_monitor import QUIT_GRACE_S

    monkeypatch.setattr("core.gan.handle.TrainingHandle", LingeringChild)
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(TINY, start=True)})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await wait_for(pilot, lambda: pane.histories and pane.histories[0].ended)
        child = pane.monitor.handle
        await pilot.press("q")
    assert child.killed_at is not None and child.killed_at - child.stopped_at[-1] < QUIT_GRACE_S / 3


def finished_run_events(run_dir: str) -> list:
    grid = np.zeros((242, 242, 3), dtype=np.uint8)
    grid[2:30, 2:30] = 200
    return [
        Started(0, 20, 10.0, "cpu", run_dir, TINY.to_dict()),
        Progress(step=10, epoch=1.0, time=0.5, d_loss=1.3, g_loss=0.7, d_real=0.6, d_fake=0.4, images_per_s=320.0),
        Samples(10, 1.0, grid, None),
        Progress(step=20, epoch=2.0, time=1.0, d_loss=1.35, g_loss=0.72, d_real=0.55, d_fake=0.45, images_per_s=320.0),
        Finished(20, "completed"),
    ]


async def test_e_saves_the_grid_as_png_and_the_metrics_as_csv_into_the_run_folder(tmp_path):
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        pane.show_runs([RunHistory()], ["run"], [TINY])
        pane.post_message(RunEvents([(0, event) for event in finished_run_events(str(tmp_path))]))
        await pilot.pause()
        pane.focus()
        await pilot.press("e")
        assert read_png(tmp_path / "grid_step_000010.png")[5, 5].tolist() == [200, 200, 200]
        rows = list(csv.DictReader(open(tmp_path / "metrics.csv", encoding="utf-8")))
        assert [row["step"] for row in rows] == ["10", "20"] and rows[1]["d_loss"] == "1.35"


async def test_a_failed_run_says_why_and_t_shows_the_traceback():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        pane.show_runs([RunHistory()], ["run"], [TINY])
        pane.post_message(RunEvents([
            (0, Started(0, 20, 10.0, "cpu", None, TINY.to_dict())),
            (0, Failed(7, "d_loss became nan at step 7; the run stops there (try a smaller learning rate)",
                       "Traceback (most recent call last):\n  File \"trainer.py\", line 1\nNonFiniteLoss")),
        ]))
        await shows(pilot, "#gan-message", "Failed at step 7: d_loss became nan")
        await shows(pilot, "#gan-status", "● failed")
        pane.focus()
        await pilot.press("t")
        assert "NonFiniteLoss" in str(app.screen.query_one("#traceback Static:last-of-type", Static).content)
        await pilot.press("escape")
        assert app.screen.query_one(GanPane) is pane  # back, and the app keeps running


def test_watch_refuses_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "notes.txt").write_text("not a run")
    result = subprocess.run([sys.executable, "-m", "tui.cli", "watch", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "is not a run folder: it has no config.json" in result.stderr


def test_watch_waits_for_a_run_that_is_starting_then_says_why_it_gave_up(tmp_path, monkeypatch, capsys):
    from tui.cli import build_parser
    from tui.commands import watch

    monkeypatch.setattr(watch, "START_WAIT_S", 0.3)
    parser, _ = build_parser()
    began = time.monotonic()
    assert watch.run(parser.parse_args(["watch", str(tmp_path / "run")])) == 2  # nothing ever came
    assert time.monotonic() - began >= 0.3
    error = capsys.readouterr().err
    assert f"waiting for {tmp_path / 'run'} to start" in error and "it has no config.json" in error


async def test_watch_mode_follows_a_run_folder_and_shows_its_last_step(tmp_path):
    run = tmp_path / "run"
    (run / "samples").mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(TINY.to_dict()))
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(watch=(str(run),))})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        assert not app.query_one("#gan-form").display
        with open(run / "metrics.jsonl", "w") as metrics:
            for event in finished_run_events(str(run)):
                if isinstance(event, Progress):
                    metrics.write(json.dumps(event.record()) + "\n")
        await wait_for(pilot, lambda: pane.histories[0].step == 20, timeout=30)
        await shows(pilot, "#gan-status", "step 20/40")


async def test_the_command_line_fills_the_form():
    from tui.cli import build_parser
    from tui.commands import gan

    parser, _ = build_parser()
    args = parser.parse_args(["gan", "--objective", "wgan", "--lr-d", "0.0003", "--batch", "32", "--epochs", "5",
                              "--out", "runs/lecture", "--start"])
    session = gan.app_config(args, gan.config_from_args(args))
    assert session.start and session.out == "runs/lecture"
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(session.config)})  # the form, without starting
    async with app.run_test(size=(100, 30)):
        assert app.query_one("#f-objective", Select).value == "wgan"
        assert app.query_one("#f-lr_d", Input).value == "0.0003"
        assert app.query_one("#f-batch", Input).value == "32"
        assert app.query_one("#f-epochs", Input).value == "5" and app.query_one("#f-max_steps", Input).value == "0"
        assert not app.query_one("#f-clip").disabled


async def test_watch_mode_on_a_headless_run_shows_its_last_step_and_how_it_ended(tmp_path):
    from tui.cli import main

    run = tmp_path / "headless"
    assert main(["gan", "--headless", "--data", "ring8", "--max-steps", "30", "--batch", "16", "--hidden", "16",
                 "--sample-every", "10", "--seed", "5", "--device", "cpu", "--out", str(run)]) == 0
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(watch=(str(run),))})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await wait_for(pilot, lambda: pane.histories[0].ended, timeout=30)
        await shows(pilot, "#gan-status", "● completed  step 30/30")
        assert pane.histories[0].samples.step == 30  # the last grid, a scatter plot of the 2-D samples
        assert app.query_one("#latest-grid").image is not None


async def test_watching_several_runs_overlays_their_losses_one_colour_each(tmp_path):
    runs = []
    for name, d_loss in (("a", 1.3), ("b", 0.4)):
        run = tmp_path / name
        (run / "samples").mkdir(parents=True)
        (run / "config.json").write_text(json.dumps(TINY.to_dict()))
        with open(run / "metrics.jsonl", "w") as metrics:
            for step in (10, 20):
                record = Progress(step=step, epoch=step / 10, time=step / 20, d_loss=d_loss, g_loss=0.7,
                                  d_real=0.6, d_fake=0.4, images_per_s=320.0).record()
                metrics.write(json.dumps(record) + "\n")
        runs.append(str(run))
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(watch=tuple(runs))})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await wait_for(pilot, lambda: all(history.step == 20 for history in pane.histories), timeout=30)
        lines = {line.label: line for line in app.query_one("#loss-chart").lines}
        assert lines["a D"].y.tolist() == [1.3, 1.3] and lines["b D"].y.tolist() == [0.4, 0.4]
        assert lines["a D"].colour != lines["b D"].colour
        await shows(pilot, "#gan-status", "a (1/2, r: next) ● running")
        pane.focus()
        await pilot.press("r")
        assert text_of(app, "#gan-status").startswith("b (2/2")


async def test_a_preset_fills_the_form_and_question_mark_explains_the_lab():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#preset", Select).value = "wgan-c0.1"
        await pilot.pause()
        assert app.query_one("#f-objective", Select).value == "wgan"
        assert app.query_one("#f-clip", Input).value == "0.1" and not app.query_one("#f-clip").disabled
        assert app.query_one(GanPane).config.clip == 0.1
        assert app.query_one("#f-sample_epochs", Input).value == "1, 10, 30, 50"  # the pane's snapshots
        app.query_one(GanPane).focus()
        await pilot.press("question_mark")
        assert "log 4" in app.screen.query_one("Markdown").source


async def test_a_torn_metrics_line_is_not_trusted_the_records_before_it_show_and_the_app_keeps_running(tmp_path):
    run = tmp_path / "run"
    (run / "samples").mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(TINY.to_dict()))
    whole = {"step": 10, "epoch": 1.0, "time": 0.5, "d_loss": 1.3, "g_loss": 0.7, "d_real": 0.5, "d_fake": 0.4,
             "images_per_s": 100.0}
    (run / "metrics.jsonl").write_text(json.dumps(whole) + '\n{"step": 20, "epoch": 2.0, "time": 1.0,')  # kill -9
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(watch=(str(run),))})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(GanPane)
        await wait_for(pilot, lambda: pane.histories[0].step == 10, timeout=30)
        await shows(pilot, "#gan-status", "step 10")
        assert pane.histories[0].failure is None
        await pilot.press("2")
        assert app.active_lab == "saddle"


async def test_the_summary_beside_the_form_follows_a_preset():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        assert "mlp · nonsat · glyphs" in text_of(app, "#gan-status")
        app.query_one("#preset", Select).value = "wgan-c0.1"
        await shows(pilot, "#gan-status", "· wgan · glyphs · lr D 5e-05")


async def test_real_data_offers_a_download_box_and_the_folder_is_checked_as_it_is_entered(tmp_path):
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(100, 30)) as pilot:
        assert not app.query_one("#row-download").display  # the glyphs are built in: nothing to download
        app.query_one("#f-data", Select).value = "mnist"
        await pilot.pause()
        assert app.query_one("#row-download").display and not app.query_one("#f-download", Checkbox).value
        assert "mnist is read from a folder" in text_of(app, "#e-data_dir")
        await paste_into(pilot, "#f-data_dir", str(tmp_path))
        error = text_of(app, "#e-data_dir")
        assert "no mnist files found" in error and "t10k-images-idx3-ubyte" in error and str(tmp_path) in error
        app.query_one(GanPane).focus()
        await pilot.press("s")
        assert app.query_one(GanPane).monitor.handle is None  # the run would only fail on the missing files
        app.query_one("#f-download", Checkbox).focus()
        await pilot.press("space")  # ticked: the files are fetched into the folder when the run starts
        assert text_of(app, "#e-data_dir").strip() == "" and app.query_one(GanPane).config.download
        await pilot.press("space")
        for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
            (tmp_path / name).write_bytes(b"")
        await paste_into(pilot, "#f-data_dir", str(tmp_path))
        assert text_of(app, "#e-data_dir").strip() == "" and not app.query_one(ConfigForm).errors


async def test_more_settings_fold_away_but_open_when_one_of_them_is_refused():
    app = GanTuiApp(initial_tab="gan", configs={"gan": GanSession(GanConfig(precision="bf16"))})  # --precision bf16
    async with app.run_test(size=(100, 30)) as pilot:
        more = app.query_one("#more-settings")
        assert more.collapsed and not app.query_one("#f-precision").region  # folded: not on screen
        app.query_one("#f-device", Select).value = "cpu"
        await pilot.pause()
        assert "bf16 mixed precision runs on CUDA only" in text_of(app, "#e-precision") and not more.collapsed
