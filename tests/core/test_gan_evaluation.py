"""Mode-collapse metrics during training: written to metrics.jsonl, sent as events, never in the way."""

import json
import math
from pathlib import Path

import pytest
import torch

from core.errors import InvalidSetting
from core.gan import classifier as classifier_module
from core.gan.classifier import default_path, save_classifier, train_classifier
from core.gan.config import GanConfig
from core.gan.data import load_data
from core.gan.evaluation import COST_SHARE, EVAL_IMAGES, EVAL_POINTS, POINTS_EVERY, Evaluator
from core.gan.events import Evaluation, EvaluatorTraining, Finished, Notice
from core.gan.history import RunHistory
from core.gan.run_dir import RunDir
from core.gan.trainer import Trainer
from core.gan.watch import RunWatcher

MNIST_T10K = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "mnist-t10k"
GLYPHS = dict(data="glyphs", batch=64, hidden=64, z_dim=16, max_steps=0, device="cpu")


@pytest.fixture(scope="module")
def small_glyphs():
    return load_data("glyphs", size=640)  # 10 batches of 64: an epoch takes a fraction of a second


@pytest.fixture(scope="module")
def cache_with_a_glyph_classifier(tmp_path_factory):
    """A cache folder holding a quickly trained glyph classifier (1,000 glyphs, one epoch: ~80% accurate,
    plenty to count classes)."""
    cache = tmp_path_factory.mktemp("cache")
    train, test = load_data("glyphs", size=1000), load_data("glyphs", size=500, train=False)
    classifier = train_classifier(train, test, epochs=1, seed=0)
    save_classifier(classifier, cache / "gan-tui" / "classifiers" / "glyphs.pt")
    return cache


def train(config, data, tmp_path):
    run = RunDir.create(tmp_path / "run", config)
    events = []
    finished = Trainer(config, data, run).run([events.append])  # it writes metrics.jsonl itself
    assert isinstance(finished, Finished) and finished.reason == "completed"
    return run.read_metrics(), events


def test_class_metrics_appear_in_metrics_jsonl_of_a_short_glyph_run(monkeypatch, tmp_path, small_glyphs,
                                                                    cache_with_a_glyph_classifier):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_with_a_glyph_classifier))
    records, events = train(GanConfig(epochs=2, **GLYPHS), small_glyphs, tmp_path)
    evaluations = [r for r in records if "cfd" in r]
    assert evaluations and evaluations[-1]["step"] == 20                  # the end of the run is always measured
    assert {r["step"] for r in evaluations} <= {10, 20}                   # at epoch ends (10 steps each)
    for record in evaluations:
        assert {"classes_covered", "class_kl", "cfd", "class_counts", "eval_seconds", "epoch", "time"} <= set(record)
        assert "cond_accuracy" not in record and "modes_covered" not in record
        assert sum(record["class_counts"]) == EVAL_IMAGES and len(record["class_counts"]) == 10
        assert record["classes_covered"] == sum(c >= 0.01 * EVAL_IMAGES for c in record["class_counts"])
        assert record["cfd"] > 0 and record["class_kl"] >= 0
    sent = [e for e in events if isinstance(e, Evaluation)]
    assert [e.record() for e in sent] == evaluations                      # the same numbers as events
    assert not any(isinstance(e, Notice) for e in events)


def test_a_conditional_run_also_reports_its_conditional_accuracy(monkeypatch, tmp_path, small_glyphs,
                                                                 cache_with_a_glyph_classifier):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_with_a_glyph_classifier))
    records, _ = train(GanConfig(epochs=1, conditional=True, **GLYPHS), small_glyphs, tmp_path)
    final = [r for r in records if "cfd" in r][-1]
    assert 0.0 <= final["cond_accuracy"] <= 1.0


def test_a_ring8_run_reports_modes_every_hundred_steps(tmp_path):
    config = GanConfig(data="ring8", batch=64, hidden=32, z_dim=2, max_steps=3 * POINTS_EVERY, device="cpu")
    records, _ = train(config, load_data("ring8", size=2000), tmp_path)
    evaluations = [r for r in records if "modes_covered" in r]
    assert [r["step"] for r in evaluations] == [100, 200, 300]
    for record in evaluations:
        assert 0 <= record["modes_covered"] <= record["modes_reached"] <= 8
        assert 0.0 <= record["high_quality_pct"] <= 100.0
        assert len(record["mode_counts"]) == 8
        assert sum(record["mode_counts"]) == pytest.approx(record["high_quality_pct"] / 100 * EVAL_POINTS, abs=1e-6)
        assert "cfd" not in record and "classes_covered" not in record


@pytest.fixture
def quick_glyph_evaluator_training(monkeypatch):
    """The background training of the glyph evaluator on 1,000 glyphs for one epoch instead of 20,000."""
    monkeypatch.setattr(classifier_module, "GLYPHS_TRAIN_SIZE", 1000)
    monkeypatch.setitem(classifier_module.DEFAULT_IMAGES_SEEN, "glyphs", 1000)


@pytest.mark.empty_cache
def test_the_first_glyph_run_trains_the_evaluator_in_the_background_and_the_next_reuses_it(
        tmp_path, small_glyphs, quick_glyph_evaluator_training):
    _, events = train(GanConfig(**{**GLYPHS, "max_steps": 20}), small_glyphs, tmp_path / "first")
    progress = [e.fraction for e in events if isinstance(e, EvaluatorTraining)]
    assert progress and all(0.0 <= fraction <= 1.0 for fraction in progress)
    assert not any(isinstance(e, Notice) for e in events)                 # no pop-up asking for a command
    assert any(isinstance(e, Evaluation) for e in events)                 # the last evaluation waited for it
    assert default_path("glyphs").is_file()                               # cached for the next run
    _, events = train(GanConfig(**{**GLYPHS, "max_steps": 20}), small_glyphs, tmp_path / "second")
    assert not any(isinstance(e, EvaluatorTraining) for e in events)      # not trained again
    assert any(isinstance(e, Evaluation) for e in events)


def test_a_classifier_given_by_path_is_used_and_a_bad_path_is_refused(tmp_path, small_glyphs,
                                                                      small_glyph_evaluator, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    _, events = train(GanConfig(classifier=str(small_glyph_evaluator), **{**GLYPHS, "max_steps": 10}),
                      small_glyphs, tmp_path)
    assert any(isinstance(e, Evaluation) for e in events)
    assert not any(isinstance(e, (EvaluatorTraining, Notice)) for e in events)
    with pytest.raises(InvalidSetting) as error:
        Evaluator(GanConfig(classifier=str(tmp_path / "nowhere.pt"), **{**GLYPHS, "max_steps": 10}), small_glyphs,
                  torch.device("cpu"))
    assert error.value.field == "classifier" and "nowhere.pt" in error.value.message


@pytest.mark.skipif(not MNIST_T10K.is_dir(), reason=f"the shared MNIST test files are not at {MNIST_T10K}")
@pytest.mark.empty_cache
def test_a_missing_real_set_classifier_is_said_once_with_the_command_and_training_goes_on(tmp_path):
    data = load_data("mnist", MNIST_T10K)
    config = GanConfig(data="mnist", data_dir=str(MNIST_T10K), batch=64, hidden=16, z_dim=8, max_steps=20,
                       device="cpu")
    records, events = train(config, data, tmp_path)
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and "run `gan-tui classify --data mnist`" in notices[0].message
    assert str(default_path("mnist")) in notices[0].message
    assert not any(isinstance(e, (Evaluation, EvaluatorTraining)) for e in events)
    assert records and records[-1]["step"] == 20 and "g_loss" in records[-1]


def test_evaluating_does_not_change_what_training_computes(monkeypatch, tmp_path, small_glyphs,
                                                           cache_with_a_glyph_classifier,
                                                           quick_glyph_evaluator_training):
    """With a cached evaluator, and with none (the evaluator then trains in a thread beside the run)."""
    weights = []
    for cache in (cache_with_a_glyph_classifier, tmp_path / "empty-cache"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        trainer = Trainer(GanConfig(epochs=2, **GLYPHS), small_glyphs)
        trainer.run([])
        weights.append(trainer.generator.state_dict())
    assert all(torch.equal(weights[0][name], weights[1][name]) for name in weights[0])


def test_an_evaluation_that_falls_due_waits_until_it_and_the_final_one_fit_in_ten_percent():
    evaluator = Evaluator(GanConfig(data="ring8", device="cpu"), load_data("ring8", size=100), torch.device("cpu"))
    assert not evaluator.due(POINTS_EVERY - 1, 10.0)
    assert evaluator.due(POINTS_EVERY, 10.0)                 # the first one goes ahead: no cost known yet
    evaluator.spent, evaluator.last_cost = 1.0, 0.5          # then 1 s spent, 0.5 s each
    # due when 1 + 2 * 0.5 <= 10% of the training time (run time less the 1 s spent): from 21 s
    assert not evaluator.due(POINTS_EVERY, 20.9)
    assert not evaluator.due(POINTS_EVERY + 1, 20.9)         # still pending, still waiting
    assert evaluator.due(POINTS_EVERY + 1, 1.0 + 2.0 / COST_SHARE)


def test_an_evaluation_survives_its_metrics_jsonl_line_and_a_diverged_cfd_is_null():
    event = Evaluation(step=7, epoch=0.5, time=1.25, seconds=0.1, classes_covered=3, class_kl=0.7,
                       cfd=float("inf"), class_counts=(1, 2, 3), cond_accuracy=0.25)
    record = event.record()
    assert record["cfd"] is None and record["class_counts"] == [1, 2, 3] and "modes_covered" not in record
    again = Evaluation.from_record(json.loads(json.dumps(record, allow_nan=False)))
    assert math.isnan(again.cfd) and again.class_counts == (1, 2, 3)
    assert again == Evaluation(step=7, epoch=0.5, time=1.25, seconds=0.1, classes_covered=3, class_kl=0.7,
                               cfd=again.cfd, class_counts=(1, 2, 3), cond_accuracy=0.25)


def test_a_watcher_reads_back_the_evaluations_the_run_sent_and_the_history_keeps_them(tmp_path):
    config = GanConfig(data="ring8", batch=64, hidden=32, z_dim=2, max_steps=2 * POINTS_EVERY, device="cpu")
    _, events = train(config, load_data("ring8", size=2000), tmp_path)
    sent = [e for e in events if isinstance(e, Evaluation)]
    read = [e for e in RunWatcher(tmp_path / "run").poll() if isinstance(e, Evaluation)]
    assert read == sent and len(read) == 2
    history = RunHistory()
    for event in read + [Notice(0, "no classifier")]:
        history.apply(event)
    assert history.evaluation == sent[-1] and [n.message for n in history.notices] == ["no classifier"]
    assert history.covered.x.tolist() == [100, 200]
    assert history.covered.y.tolist() == [e.modes_covered for e in sent]


def test_an_evaluation_describes_itself_in_words():
    points = Evaluation(1, 0.1, 1.0, 0.01, modes_covered=3, high_quality_pct=45.06, mode_counts=(5,) * 8,
                        modes_reached=6)
    assert points.describe() == "modes covered 3 of 8 (6 reached), 45.1% high quality"
    images = Evaluation(1, 1.0, 1.0, 0.5, classes_covered=7, class_kl=0.214, cfd=12.34, class_counts=(1,) * 10,
                        cond_accuracy=0.875)
    assert images.describe() == "classes covered 7 of 10, KL 0.21, cFD 12.3, conditional accuracy 88%"
