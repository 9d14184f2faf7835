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

    def request_stop(self, reason: str = "stopped") -> None:
        self.reason = reason
        self._stop.set()

    def stop_requested(self) -> bool:
        return self._stop.is_set()

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

    The first signal restores the previous handlers, so a second Ctrl+C interrupts at once (the checkpoint
    is written atomically, so even that cannot corrupt it). Main thread only, as Python requires.
    """
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    def handle(number: int, frame: object) -> None:
        control.request_stop(f"stopped by {signal.Signals(number).name}")
        restore()

    for number in STOP_SIGNALS:
        signal.signal(number, handle)
    try:
        yield
    finally:
        restore()
