"""A run in a child process: pause, resume and stop from the parent; a stop writes a checkpoint."""

import threading
import time

from core.gan import handle as handle_module
from core.gan.config import GanConfig
from core.gan.events import CheckpointSaved, Failed, Finished, Progress, Started
from core.gan.handle import TrainingHandle, warm_up
from core.gan.run_dir import RunDir

ENDLESS = GanConfig(data="ring8", hidden=16, z_dim=4, batch=64, max_steps=10**9, log_every=10)


def wait_for(handle, predicate, seen, timeout=90.0):
    """Poll until an event satisfies `predicate`; every event polled is appended to `seen`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in handle.poll(timeout=0.1):
            seen.append(event)
            if predicate(event):
                return event
    raise AssertionError(f"no such event within {timeout} s; last events: {seen[-3:]}")


def test_pause_resume_and_stop_through_the_handle_end_with_a_checkpoint(tmp_path):
    handle = TrainingHandle(ENDLESS, out=tmp_path / "run")
    handle.start()
    seen = []
    try:
        began = time.monotonic()
        seen += handle.poll()
        assert time.monotonic() - began < 0.05  # polling never waits without a timeout
        wait_for(handle, lambda e: isinstance(e, Progress) and e.step >= 20, seen)
        handle.pause()
        time.sleep(0.5)  # the step in flight and its report may still arrive
        paused_at = max([e.step for e in seen + handle.poll(timeout=0.5) if isinstance(e, Progress)])
        time.sleep(0.5)
        assert all(e.step <= paused_at for e in handle.poll(timeout=0.2) if isinstance(e, Progress))
        handle.resume()
        wait_for(handle, lambda e: isinstance(e, Progress) and e.step > paused_at, seen)
        handle.stop()
        finished = wait_for(handle, lambda e: isinstance(e, (Finished, Failed)), seen)
    finally:
        handle.kill()
    assert isinstance(seen[0], Started)
    assert finished.reason == "stopped" and finished.step > paused_at
    saved = [e for e in seen if isinstance(e, CheckpointSaved)]
    assert saved[-1].step == finished.step
    assert RunDir(tmp_path / "run").load_checkpoint()["step"] == finished.step


def test_a_bad_setting_in_the_child_comes_back_as_a_failure_and_a_kill_is_reported(tmp_path):
    handle = TrainingHandle(GanConfig(data="mnist", data_dir=str(tmp_path / "nothing")), out=tmp_path / "run")
    handle.start()
    failed = wait_for(handle, lambda e: isinstance(e, Failed), [])
    assert failed.message.startswith("--data-dir:") and "mnist" in failed.message
    assert not (tmp_path / "run").exists()  # no run folder for a run that could not start

    killed = TrainingHandle(ENDLESS, out=tmp_path / "killed")
    killed.start()
    wait_for(killed, lambda e: isinstance(e, Progress), [])
    killed.kill()
    assert not killed.alive()
    failure = wait_for(killed, lambda e: isinstance(e, Failed), [])
    assert "ended without a result" in failure.message


def test_a_run_is_forked_from_a_warm_server_and_sees_the_environment_of_its_start(tmp_path, monkeypatch):
    # The fork server imports torch once (the app starts it when the GAN tab opens), so pressing s starts a run
    # at once; but it was started with the environment of that moment, and a run must see the one of its own
    # start, as a spawned child would: here HOME changes after the server started, and `~` follows it.
    warm_up()
    monkeypatch.setenv("HOME", str(tmp_path / "home-at-start"))
    handle = TrainingHandle(GanConfig(data="mnist", data_dir="~/nothing"), out=tmp_path / "run")
    handle.start()
    try:
        with open(f"/proc/{handle._process.pid}/stat") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{parent}/cmdline", "rb") as cmdline:
            assert b"multiprocessing.forkserver" in cmdline.read()
        failed = wait_for(handle, lambda e: isinstance(e, Failed), [])
    finally:
        handle.kill()
    assert str(tmp_path / "home-at-start" / "nothing") in failed.message


class SlowToStart(handle_module._CONTEXT.Process):
    """A training child whose start waits for `release`, as it does for a fork server still importing torch."""

    release = threading.Event()

    def start(self):
        self.release.wait(30)
        super().start()


def test_a_run_still_starting_can_be_stopped_joined_and_killed_while_it_waits(tmp_path, monkeypatch):
    # Quitting the app while the fork server still imports torch: the run's start waits for it in a worker
    # thread, and the app's shutdown stops, joins and kills the handle meanwhile (join raised "can only
    # join a started process").
    release = threading.Event()
    monkeypatch.setattr(SlowToStart, "release", release)
    monkeypatch.setattr(handle_module._CONTEXT, "Process", SlowToStart)
    handle = TrainingHandle(ENDLESS, out=tmp_path / "run")
    starter = threading.Thread(target=handle.start)
    starter.start()
    try:
        time.sleep(0.2)
        handle.stop()
        assert not handle.alive()
        handle.join(0.1)
        handle.kill()
        assert handle.poll() == []
    finally:
        release.set()
        starter.join()
    # the child starts with the stop already asked for: it ends at once, as a stopped run
    finished = wait_for(handle, lambda e: isinstance(e, (Finished, Failed)), [])
    handle.join(10)
    assert finished.reason == "stopped" and finished.step == 0 and not handle.alive()
