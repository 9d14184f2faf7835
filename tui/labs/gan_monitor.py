"""The GAN pane's run monitor: trains the live run in a child process, or follows run folders, and
reports what happens as messages.

A thread worker reads the live run's TrainingHandle (or polls the watched folders) and posts each batch
of events as RunEvents; it writes no attribute that the UI thread reads. The monitor learns that the
live run has said its last word (Finished or Failed, sent after its checkpoint is on disk) from those
same messages, on the UI thread; quitting before then waits for it.
"""

from __future__ import annotations

import contextlib
import os
import time
import traceback
from typing import Any

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from core.gan.config import GanConfig
from core.gan.events import Event, Failed, Finished

WATCH_POLL_S = 0.5            # how often watch mode looks for new lines and samples
# a live run's events reach the pane in batches at most this often (the child reports ~10 times a second):
# each batch wakes the event loop, which takes a core from the training child's threads
FORWARD_EVERY_S = 0.25
QUIT_GRACE_S = 1.5            # a stopping child gets this long to save its checkpoint before it is killed


class RunEvents(Message):
    """Events of run `index` (0 for a live run; the folder's position in watch mode)."""

    def __init__(self, batch: list[tuple[int, Event]]) -> None:
        super().__init__()
        self.batch = batch


class RunMonitor(Widget):
    """Not drawn: owns the live run's handle or the watchers and the worker that reads them. Its
    RunEvents bubble up to the pane, which keeps the runs' histories and draws them."""

    DEFAULT_CSS = "RunMonitor { display: none; }"

    def __init__(self) -> None:
        super().__init__()
        self.handle: Any = None       # the live run's TrainingHandle
        self.paused = False
        self._last_word_seen = False  # the live run's Finished or Failed came through: its checkpoint is on disk

    @property
    def live_running(self) -> bool:
        return self.handle is not None and not self._last_word_seen

    @work(thread=True, group="warm-up", exit_on_error=False)  # a failure here shows again when a run starts
    def warm_up(self) -> None:
        """Have training's fork server import torch while the user reads the form."""
        start_helper_processes()

    def start(self, config: GanConfig, out: str | None, resume: str | None) -> None:
        """Train `config` in a child process, in the new folder `out` or continuing the run in `resume`."""
        from core.gan.handle import TrainingHandle

        start_helper_processes()
        self.handle = TrainingHandle(config, out=out, resume=resume)
        self._last_word_seen = self.paused = False
        self._pump_live(self.handle)

    def toggle_pause(self) -> None:
        if self.paused:
            self.handle.resume()
        else:
            self.handle.pause()
        self.paused = not self.paused

    def stop(self) -> None:
        """Finish the current step, save a checkpoint, then end the run."""
        self.handle.stop()
        self.paused = False

    def forget(self) -> None:
        """Drop the ended live run, so that a new one can be set up."""
        self.handle = None

    def follow_folders(self, paths: tuple[str, ...]) -> list[GanConfig]:
        """Follow the run folders at `paths` (read-only); their configs, in order."""
        from core.gan.watch import RunWatcher

        watchers = [RunWatcher(path) for path in paths]
        self._pump_watch(watchers)
        return [watcher.config for watcher in watchers]

    def on_run_events(self, message: RunEvents) -> None:
        # the message then bubbles on to the pane
        if self.handle is not None and any(isinstance(event, (Finished, Failed)) for _, event in message.batch):
            self._last_word_seen = True
            self.paused = False

    @work(thread=True, exclusive=True, group="run-events", exit_on_error=False)
    def _pump_live(self, handle: Any) -> None:
        """Start the child, then forward its events until it is done; never touches the widgets."""
        worker = get_current_worker()
        try:
            handle.start()
        except Exception as error:  # noqa: BLE001 - no child, no run: say so in the pane
            self.post_message(RunEvents([(0, Failed(0, f"could not start training: {error}", traceback.format_exc()))]))
            return
        while not worker.is_cancelled:
            events = handle.poll(timeout=0.1)
            if events:
                self.post_message(RunEvents([(0, event) for event in events]))
                time.sleep(FORWARD_EVERY_S)  # the next events gather in the queue meanwhile
            elif not handle.alive():
                break

    @work(thread=True, exclusive=True, group="run-events", exit_on_error=False)
    def _pump_watch(self, watchers: list[Any]) -> None:
        """Poll every folder, forward what is new; a folder that cannot be read ends as a failed run."""
        worker = get_current_worker()
        following = dict(enumerate(watchers))
        while not worker.is_cancelled and following:
            batch = []
            for index, watcher in list(following.items()):
                try:
                    batch += [(index, event) for event in watcher.poll()]
                except Exception as error:  # noqa: BLE001 - a corrupt file is shown, never a crash
                    batch.append((index, Failed(0, f"cannot read {watcher.path}: {error}", traceback.format_exc())))
                    del following[index]
            if batch:
                self.post_message(RunEvents(batch))
            time.sleep(WATCH_POLL_S)

    def prepare_to_quit(self) -> None:
        """The app is quitting: ask the child to stop now, while the app closes its screens."""
        if self.handle is not None:
            self.handle.stop()

    def shutdown(self) -> None:
        """Stop a live run for good: graceful (a final checkpoint) within QUIT_GRACE_S, then killed.

        The child's last word (Finished or Failed) comes after its checkpoint is written, so once it is
        in, killing the child only skips the interpreter's slow exit. The worker is cancelled first and
        its messages are no longer read, so the events still to come are read here.
        """
        handle, self.handle = self.handle, None
        self.workers.cancel_group(self, "run-events")
        if handle is None:
            return
        handle.stop()
        deadline = time.monotonic() + QUIT_GRACE_S
        last_word = self._last_word_seen
        while not last_word and handle.alive() and time.monotonic() < deadline:
            last_word = any(isinstance(event, (Finished, Failed)) for event in handle.poll(timeout=0.05))
        handle.join(0.1)
        if handle.alive():
            handle.kill()

    def on_unmount(self) -> None:
        self.shutdown()


def start_helper_processes() -> None:
    """Start multiprocessing's resource tracker with a real stderr, and the fork server that training children
    come from (it imports torch meanwhile, so that pressing s starts a run at once).

    The tracker's process is handed sys.stderr's file descriptor; inside a Textual app sys.stderr is a
    capture whose fileno() is -1, and spawning fails ("bad value(s) in fds_to_keep"). Started once with
    a null stderr, the tracker is reused by every later queue and process.
    """
    from multiprocessing import resource_tracker

    from core.gan.handle import warm_up

    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        resource_tracker.ensure_running()
        warm_up()
