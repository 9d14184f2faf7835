"""The evaluator classifier: accurate on glyphs after a short seeded run, saved and checked on load."""

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from core.errors import InvalidSetting
from core.gan.classifier import (
    FEATURES,
    ClassifierUnavailable,
    default_path,
    load_classifier,
    real_splits,
    save_classifier,
    train_classifier,
)
from core.gan.data import load_data
from core.gan.metrics import class_histogram, confident_pct, feature_stats, frechet_distance


@pytest.fixture(scope="module")
def glyph_classifier():
    # 12,000 glyphs for one epoch: measured 99.05-99.70% on 2,000 held-out glyphs for seeds 0-2, in 3-5 s of CPU
    train, test = load_data("glyphs", size=12_000), load_data("glyphs", size=2_000, train=False)
    return train_classifier(train, test, epochs=1, seed=0), test


def test_glyph_classifier_reaches_98_percent_in_a_short_seeded_run(glyph_classifier):
    classifier, test = glyph_classifier
    assert classifier.accuracy >= 0.98
    labels, features, _ = classifier.predict(test.x)
    assert float((labels == test.y).double().mean()) == pytest.approx(classifier.accuracy, abs=1e-12)
    assert features.shape == (2_000, FEATURES)
    np.testing.assert_allclose(classifier.class_distribution, np.full(10, 0.1), atol=1e-12)  # balanced glyphs


def test_real_glyphs_cover_ten_classes_and_a_collapsed_set_is_far_in_cfd(glyph_classifier):
    classifier, _ = glyph_classifier
    fresh = load_data("glyphs", size=3_000, seed=5)        # new real glyphs the classifier never saw
    labels, features, _ = classifier.predict(fresh.x)
    real = class_histogram(labels, 10, classifier.class_distribution)
    assert real.classes_covered == 10 and real.class_kl < 0.01
    real_cfd = frechet_distance(feature_stats(features), classifier.real_stats)
    threes = fresh.x[fresh.y == 3]                         # a generator that only draws threes
    collapsed_labels, collapsed_features, _ = classifier.predict(threes)
    collapsed = class_histogram(collapsed_labels, 10, classifier.class_distribution)
    assert collapsed.classes_covered == 1 and collapsed.most_frequent == 3
    assert frechet_distance(feature_stats(collapsed_features), classifier.real_stats) > 10 * real_cfd


def test_real_glyphs_are_read_confidently_and_noise_and_blurred_averages_are_not(glyph_classifier):
    classifier, _ = glyph_classifier
    fresh = load_data("glyphs", size=2_000, seed=6)
    assert confident_pct(classifier.predict(fresh.x).confidence) > 90
    noise = torch.rand(2_000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    assert confident_pct(classifier.predict(noise).confidence) < 20
    # the average of four different digits: what an MSE generator or a blurry GAN draws
    blurred = (fresh.x[:500] + fresh.x[500:1000] + fresh.x[1000:1500] + fresh.x[1500:2000]) / 4
    assert confident_pct(classifier.predict(blurred).confidence) < 50  # measured 31; real glyphs 99


def test_a_saved_classifier_loads_with_the_same_predictions_and_statistics(glyph_classifier, tmp_path):
    classifier, test = glyph_classifier
    path = save_classifier(classifier, tmp_path / "nested" / "glyphs.pt")
    loaded = load_classifier("glyphs", path)
    assert loaded.accuracy == classifier.accuracy and (loaded.epochs, loaded.seed) == (1, 0)
    for got, expected in zip(loaded.predict(test.x[:200]), classifier.predict(test.x[:200])):
        assert torch.equal(got, expected)
    np.testing.assert_array_equal(loaded.real_stats.cov, classifier.real_stats.cov)
    np.testing.assert_array_equal(loaded.class_distribution, classifier.class_distribution)
    assert [p.name for p in path.parent.iterdir()] == ["glyphs.pt"]  # the temporary file is gone


def test_the_cache_is_under_xdg_cache_home_or_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_path("mnist") == tmp_path / "xdg" / "gan-tui" / "classifiers" / "mnist.pt"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path("cifar10") == tmp_path / "home" / ".cache" / "gan-tui" / "classifiers" / "cifar10.pt"


def test_a_missing_classifier_names_the_command_that_makes_one(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(ClassifierUnavailable, match=r"no fashion-mnist classifier at .*run `gan-tui classify "
                       r"--data fashion-mnist` to train one"):
        load_classifier("fashion-mnist")


def _corrupt(path: Path, classifier) -> None:
    save_classifier(classifier, path)
    path.write_bytes(path.read_bytes()[:-200])


@pytest.mark.parametrize(("make", "message"), [
    (lambda path, _: path.write_bytes(b"\x89PNG not a classifier"), "is not a readable gan-tui classifier"),
    (_corrupt, "is not a readable gan-tui classifier"),
    (lambda path, _: torch.save({"weights": torch.zeros(3)}, path), "is not a gan-tui classifier"),
    (lambda path, _: path.write_bytes(b""), "is not a readable gan-tui classifier"),
])
def test_a_foreign_or_corrupt_file_is_a_clear_error(glyph_classifier, tmp_path, make, message):
    path = tmp_path / "glyphs.pt"
    make(path, glyph_classifier[0])
    with pytest.raises(ClassifierUnavailable, match=message) as error:
        load_classifier("glyphs", path)
    assert f"gan-tui classify --data glyphs` --out {path}" in str(error.value)


def test_a_classifier_for_another_set_other_glyphs_or_altered_weights_is_refused(glyph_classifier, tmp_path):
    classifier, _ = glyph_classifier
    path = save_classifier(classifier, tmp_path / "glyphs.pt")
    with pytest.raises(ClassifierUnavailable, match="is a classifier for 'glyphs', not 'mnist'"):
        load_classifier("mnist", path)
    saved = torch.load(path, weights_only=True)
    torch.save({**saved, "data_fingerprint": "0123456789abcdef"}, path)
    with pytest.raises(ClassifierUnavailable, match="glyphs images that are no longer what gan-tui draws"):
        load_classifier("glyphs", path)
    saved["state_dict"]["head.weight"] = torch.zeros(5, FEATURES)
    torch.save(saved, path)
    with pytest.raises(ClassifierUnavailable, match="weights that do not fit"):
        load_classifier("glyphs", path)
    saved["state_dict"]["head.weight"] = torch.full((10, FEATURES), float("nan"))
    torch.save(saved, path)
    with pytest.raises(ClassifierUnavailable, match="non-finite weights"):
        load_classifier("glyphs", path)


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 8, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_a_test_only_folder_is_split_into_disjoint_train_and_held_out_parts(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (50, 28, 28))
    _write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.arange(50) % 10)
    train, test = real_splits("mnist", tmp_path, seed=0)
    assert (len(train.x), len(test.x)) == (40, 10)
    rows = lambda data: {tuple(row) for row in data.x.flatten(1).tolist()}  # noqa: E731
    assert not rows(train) & rows(test) and len(rows(train) | rows(test)) == 50
    again, _ = real_splits("mnist", tmp_path, seed=0)
    assert torch.equal(again.x, train.x)
    assert len(real_splits("mnist", tmp_path, seed=0, size=7)[0].x) == 7


def test_bad_settings_name_their_field():
    with pytest.raises(InvalidSetting, match="data: no classifier for 'ring8'"):
        real_splits("ring8")
    small = load_data("glyphs", size=20)
    with pytest.raises(InvalidSetting, match="epochs: must be a whole number from 1"):
        train_classifier(small, small, epochs=0)
