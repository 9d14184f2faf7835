"""The v key of the GAN pane: train the evaluator of a real data set, so that later runs are measured.

Training takes from under a minute to several; a thread worker runs it and reports as messages, so the
status the pane shows is only ever written on the UI thread.
"""

from __future__ import annotations

import time

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

PROGRESS_POLL_S = 0.25


class EvaluatorTrainer(Widget):
    """Not drawn: trains one evaluator at a time. Its Status messages bubble up to the pane."""

    DEFAULT_CSS = "EvaluatorTrainer { display: none; }"

    class Status(Message):
        """The training's progress, then (ended) its outcome."""

        def __init__(self, text: str, ended: bool = False, trained: bool = False) -> None:
            super().__init__()
            self.text, self.ended, self.trained = text, ended, trained

    def __init__(self) -> None:
        super().__init__()
        self.status = ""      # progress, then the outcome, as the eval row says it
        self.busy = self.trained = False

    def train(self, data: str, data_dir: str | None) -> None:
        self.busy = True
        self.status = f"loading {data} to train its evaluator…"
        self._train(data, data_dir)

    def on_evaluator_trainer_status(self, message: Status) -> None:
        # the message then bubbles on to the pane, which redraws the eval row
        if message.ended:
            self.busy, self.trained = False, message.trained
        self.status = message.text

    @work(thread=True, exclusive=True, group="evaluator")
    def _train(self, data: str, data_dir: str | None) -> None:
        from core.gan.classifier import ClassifierInTraining  # torch loads here, not when the app starts

        worker = get_current_worker()
        training = ClassifierInTraining(data, data_dir)
        while not training.ready():
            if worker.is_cancelled:
                return
            if training.done:
                self.post_message(self.Status(f"training the {data} evaluator: {training.fraction:.0%}"))
            time.sleep(PROGRESS_POLL_S)
        classifier = training.wait()
        if classifier is None:
            self.post_message(self.Status(f"{training.error}", ended=True))
            return
        where = f"saved to {training.saved_to}" if training.saved_to else "but the cache could not be written"
        self.post_message(self.Status(f"{data} evaluator ready ({classifier.accuracy:.1%} on held-out images), "
                                      f"{where}: runs started from now on are measured", ended=True, trained=True))
