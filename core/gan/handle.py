"""Training in a child process, steered from the parent: start, pause, resume, stop, kill, poll.

The child is forked by multiprocessing's fork server, a fresh interpreter started once (by `warm_up`, or the
first run) that imports torch and the trainer before it forks anything: as safe with threads and CUDA as a
spawned child, but a run starts at once instead of after importing torch and torchvision (about 5 s on 2
cores). A child gets its parent's environment as it is when the run starts, as a spawned one would. It runs
open_training + Trainer.run and puts every event on a queue; `poll` drains it without blocking the
caller for longer than its timeout. A stop, or SIGINT/SIGTERM/SIGHUP reaching the child, finishes the
current step and writes a final checkpoint; `kill` ends the child at once (the last checkpoint stays
intact: checkpoints are replaced atomically). A child whose parent dies (kill -9 of the app) notices
at once, stops the same way and exits without waiting for anyone to read its queue, so
it neither trains on for nobody nor keeps a GPU's memory.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import traceback
from pathlib import Path
from typing import Any

from core.errors import InvalidSetting
from core.gan.config import GanConfig
from core.gan.control import Control, stop_on_signals
from core.gan.events import Event, Failed, Finished

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["core.gan.trainer"])


def warm_up() -> None:
    """Start the fork server, which imports torch and the trainer in its own process, if it is not running yet.
    Returns at once; a run started before the imports finish waits for them."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


class TrainingHandle:
    def __init__(self, config: GanConfig, out: str | os.PathLike | None = None,
                 resume: str | os.PathLike | None = None):
        self.config, self.out, self.resume_from = config, out, resume
        self._queue = _CONTEXT.Queue()
        self._stop, self._pause = _CONTEXT.Event(), _CONTEXT.Event()
        self._process: Any = None  # set once the child has started
        self._starting = False
        self._ended = False   # a Finished or Failed came through (or was made up for a dead child)
        self._last_step = 0

    def start(self) -> None:
        """Start the child. This waits for the fork server while it imports torch (seconds, the first time):
        meanwhile, from another thread, the handle has no child yet, and alive, join and kill do nothing."""
        if self._starting:
            raise RuntimeError("this handle has already started its run")
        self._starting = True
        arguments = (self.config.to_dict(), _path(self.out), _path(self.resume_from), self._queue, self._stop,
                     self._pause, dict(os.environ))
        process = _CONTEXT.Process(target=_child_main, args=arguments, name="gan-tui-training", daemon=True)
        process.start()
        self._process = process

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()

    def stop(self) -> None:
        """Finish the current step, write a final checkpoint, then end with Finished("stopped")."""
        self._stop.set()
        self._pause.clear()

    def kill(self) -> None:
        """End the child at once: no final checkpoint (the previous one stays intact)."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()

    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def join(self, timeout: float | None = None) -> None:
        if self._process is not None:
            self._process.join(timeout)

    def poll(self, timeout: float = 0.0) -> list[Event]:
        """The events that arrived, waiting at most `timeout` seconds for the first one.

        If the child died without a last word (killed, or crashed hard), a Failed event says so once.
        """
        events: list[Event] = []
        try:
            events.append(self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait())
            while True:
                events.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        for event in events:
            self._last_step = getattr(event, "step", self._last_step)
            self._ended = self._ended or isinstance(event, (Finished, Failed))
        if not events and not self._ended and self._process is not None and not self._process.is_alive() \
                and self._process.exitcode is not None:
            self._ended = True
            events.append(Failed(self._last_step, f"the training process ended without a result (exit code "
                                 f"{self._process.exitcode}); the last checkpoint is intact"))
        return events


def _path(path: str | os.PathLike | None) -> str | None:
    return None if path is None else str(Path(path))


def _child_main(config: dict[str, Any], out: str | None, resume: str | None, events: Any, stop: Any,
                pause: Any, environment: dict[str, str]) -> None:
    from core.gan.trainer import open_training  # torch is imported in the child only (the fork server has it)

    os.environ.clear()  # the fork server's environment is the parent's of when the server started
    os.environ.update(environment)

    control = Control(stop, pause)
    orphaned = threading.Event()
    watch_parent(control, orphaned)
    with stop_on_signals(control):
        try:
            open_training(GanConfig.from_dict(config), out, resume).run([events.put], control)
        except InvalidSetting as error:
            events.put(Failed(0, f"--{error.field.replace('_', '-')}: {error.message}"))
        except KeyboardInterrupt:
            pass  # a second signal after the final checkpoint: the run is safe, and there is nothing to say
        except Exception as error:  # noqa: BLE001 - reported to the parent, which shows it
            events.put(Failed(0, f"{type(error).__name__}: {error}", traceback.format_exc()))
    events.close()
    if orphaned.is_set():
        events.cancel_join_thread()  # nobody will read the queue: waiting for it to drain would block forever
    else:
        events.join_thread()


def watch_parent(control: Control, orphaned: threading.Event) -> threading.Thread:
    """A daemon thread that asks `control` to stop once the process that started this one is gone.

    It waits on multiprocessing's parent sentinel, a pipe whose other end only the parent holds: the pipe
    closes however the parent ends, kill -9 included. The process's own parent is the fork server, which
    the training child itself keeps alive, so getppid() would not change; prctl(PR_SET_PDEATHSIG) is
    Linux's only and fires when the parent *thread* that started the child ends.
    """
    def wait() -> None:
        multiprocessing.parent_process().join()
        orphaned.set()
        control.request_stop("stopped: the app that started this run is gone")

    thread = threading.Thread(target=wait, name="gan-tui-parent-watch", daemon=True)
    thread.start()
    return thread
