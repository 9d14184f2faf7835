"""Mode-collapse metrics of a generator while it trains, computed in the training process.

Image sets: EVAL_IMAGES samples through the data set's evaluator classifier (core.gan.classifier) give the
class histogram (classes covered, KL to the real class frequencies), the share read with confidence and the
cFD against the real feature statistics; a conditional generator is asked for each class in turn, which also
gives its conditional accuracy. 2-D sets: EVAL_POINTS samples give the modes covered and the % of high-quality samples.

The same noise (and requested labels) is used at every evaluation, so changes over a run come from the
generator, not from sampling. The noise comes from its own random stream: training draws exactly the same
numbers whether or not a classifier is there.

When: image sets at epoch ends, 2-D sets every POINTS_EVERY steps, and at the end of the run. An
evaluation that falls due waits until it and the final one fit, at the cost of the latest, within
COST_SHARE of the training time; so evaluating slows training by less than that, however slow the
machine (measured: 7.2-9.6% of the glyph preset runs in the README, under 1% of the ring8 ones). The final
one always runs.
"""

from __future__ import annotations

import time

import torch
from torch import nn

from core.errors import InvalidSetting
from core.gan.classifier import ClassifierInTraining, ClassifierUnavailable, load_classifier
from core.gan.config import GanConfig
from core.gan.data import TensorData, mixture_modes, mixture_std
from core.gan.events import Evaluation, EvaluatorTraining, Notice
from core.gan.metrics import (
    class_histogram,
    conditional_accuracy,
    confident_pct,
    feature_stats,
    frechet_distance,
    mode_coverage,
)

EVAL_IMAGES = 3000
EVAL_POINTS = 2500
POINTS_EVERY = 100     # steps between evaluations of a 2-D run
COST_SHARE = 0.10      # evaluations (this one and the final one included) stay within this share of training time
CHUNK = 500            # samples generated at once


class Evaluator:
    """Decides when a run is evaluated and measures its generator; `notices` says what cannot be measured."""

    def __init__(self, config: GanConfig, data: TensorData, device: torch.device):
        self.is_points = not data.is_image
        self.num_classes = data.num_classes
        self.classifier = None
        self.training: ClassifierInTraining | None = None   # the glyph evaluator, while it trains
        self.notices: list[str] = []
        if self.is_points:
            self.modes, self.std = mixture_modes(data.name), mixture_std(data.name)
            count = EVAL_POINTS
        else:
            count = EVAL_IMAGES
            try:
                self.classifier = load_classifier(data.name, config.classifier).to(device)
            except ClassifierUnavailable as error:
                if config.classifier is not None:
                    raise InvalidSetting("classifier", str(error)) from None
                if data.name == "glyphs":
                    self.training = ClassifierInTraining(data.name)  # generated: nothing to ask the user for
                else:
                    self.notices.append(f"{error}. Until then this run has no class histogram or cFD.")
        self.device = device
        noise_stream = torch.Generator().manual_seed(config.seed + 2)  # the fixed sample grid uses seed + 1
        self.noise = torch.randn(count, config.z_dim, generator=noise_stream).to(device)
        self.labels = (torch.arange(count) % data.num_classes).to(device) if config.conditional else None
        self.enabled = self.is_points or self.classifier is not None or self.training is not None
        self.spent = 0.0          # seconds spent evaluating so far
        self.last_cost = 0.0      # seconds the latest evaluation took
        self.pending = False      # an evaluation has fallen due
        self.last_step = -1       # step of the latest evaluation

    def status_events(self, step: int) -> list[EvaluatorTraining | Notice]:
        """How far the glyph evaluator's training has got, while it trains, and what this run cannot
        measure and how to fix it (each notice once)."""
        events: list[EvaluatorTraining | Notice] = [Notice(step, message) for message in self.notices]
        self.notices = []
        if self.training is not None:
            events.append(EvaluatorTraining(step, self.training.data, self.training.fraction))
        return events

    def _adopt_trained(self, wait: bool) -> bool:
        """Take over the classifier trained in the background once it is ready (at once when `wait`);
        whether there is a classifier to evaluate with."""
        if self.training is not None and (wait or self.training.ready()):
            classifier = self.training.wait()
            if classifier is None:
                self.notices.append(f"{self.training.error}. This run has no class histogram or cFD.")
                self.enabled = False
            else:
                self.classifier = classifier.to(self.device)
            self.training = None
        return self.classifier is not None or self.is_points

    def epoch_ended(self) -> None:
        if not self.is_points:
            self.pending = True

    def due(self, step: int, run_time: float) -> bool:
        """Whether to evaluate now, after `step` steps and `run_time` seconds of the run (evaluations
        included: they are taken out here, so the share is of the time spent training). An evaluation is
        assumed to cost what the latest one did, and room is left for this one and the final one."""
        if not self.enabled:
            return False
        if self.is_points and step % POINTS_EVERY == 0:
            self.pending = True
        if not self.pending or not self._adopt_trained(wait=False):
            return False
        return self.spent + 2 * self.last_cost <= COST_SHARE * (run_time - self.spent)

    @torch.inference_mode()
    def evaluate(self, generator: nn.Module, step: int, epoch: float, run_time: float) -> Evaluation | None:
        """Measure `generator` (left in the mode it was in); None when there is nothing to measure."""
        if not self.enabled or step == self.last_step or not self._adopt_trained(wait=True):
            return None
        began = time.perf_counter()
        was_training = generator.training
        generator.eval()  # BatchNorm on its running statistics: no state changes
        try:
            noise = self.noise.split(CHUNK)
            labels = [None] * len(noise) if self.labels is None else self.labels.split(CHUNK)
            samples = torch.cat([generator(z, y).float() for z, y in zip(noise, labels)])
        finally:
            generator.train(was_training)
        metrics = self._points(samples) if self.is_points else self._images(samples)
        seconds = time.perf_counter() - began
        self.spent += seconds
        self.last_cost = seconds
        self.pending, self.last_step = False, step
        return Evaluation(step=step, epoch=epoch, time=run_time, seconds=seconds, **metrics)

    def _points(self, samples: torch.Tensor) -> dict:
        coverage = mode_coverage(samples, self.modes, self.std)
        return {"modes_covered": coverage.modes_covered, "modes_reached": coverage.modes_reached,
                "high_quality_pct": coverage.high_quality_pct, "mode_counts": coverage.samples_per_mode}

    def _images(self, samples: torch.Tensor) -> dict:
        predicted, features, confidence = self.classifier.predict(samples, CHUNK)
        histogram = class_histogram(predicted, self.num_classes, self.classifier.class_distribution)
        metrics = {"classes_covered": histogram.classes_covered, "class_kl": histogram.class_kl,
                   "cfd": frechet_distance(feature_stats(features), self.classifier.real_stats),
                   "confident_pct": confident_pct(confidence),
                   "class_counts": histogram.counts}
        if self.labels is not None:
            metrics["cond_accuracy"] = conditional_accuracy(predicted, self.labels)
        return metrics

