"""Requests from outside the training loop: stop (after the current step, with a final checkpoint) and pause.

The loop polls `stop_requested()` and `paused()` between steps. The flags are threading Events in one
process; a TrainingHandle passes multiprocessing Events so its parent can set them in the child.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Control:
    def __init__(self, stop: Any = None, pause: Any = None):
        self._stop = stop if stop is not None else threading.Event()
        self._pause = pause if pause is not None else threading.Event()
        self.reason = "stopped"
        # signals after the first, held back until the final checkpoint is on disk (this process only)
        self.interrupt_pending = False
        self.checkpoint_safe = False

    def request_stop(self, reason: str = "stopped") -> None:
        self.reason = reason
        self._stop.set()

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def final_checkpoint_written(self) -> None:
        """The trainer's word that its last checkpoint is on disk: a signal held back until now interrupts."""
        self.checkpoint_safe = True
        if self.interrupt_pending:
            raise KeyboardInterrupt

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()

    def paused(self) -> bool:
        return self._pause.is_set()

    def wait_while_paused(self, interval: float = 0.05) -> None:
        """Sleep until resumed or stopped."""
        while self._pause.is_set() and not self._stop.is_set():
            time.sleep(interval)


@contextlib.contextmanager
def stop_on_signals(control: Control) -> Iterator[None]:
    """While inside, SIGINT, SIGTERM and SIGHUP (an SSH drop) ask `control` to stop gracefully.

    The first signal asks for a stop: the current step ends, the final checkpoint is written. A second one
    (two Ctrl+C 20 ms apart) must not cost the run, so it is held back until that checkpoint is on disk and
    then raises KeyboardInterrupt, skipping the final samples and evaluation. Main thread only, as Python
    requires.
    """
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}

    def handle(number: int, frame: object) -> None:
        if not control.stop_requested():
            control.request_stop(f"stopped by {signal.Signals(number).name}")
        elif control.checkpoint_safe:
            raise KeyboardInterrupt
        else:
            control.interrupt_pending = True

    for number in STOP_SIGNALS:
        signal.signal(number, handle)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
