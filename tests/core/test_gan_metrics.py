"""GAN metrics on inputs whose answers are known by hand or in closed form."""

import math

import numpy as np
import pytest
import torch

from core.gan.data import mixture_modes, mixture_std
from core.gan.metrics import (
    FeatureStats,
    class_histogram,
    conditional_accuracy,
    feature_stats,
    frechet_distance,
    kl_divergence,
    mode_coverage,
)

# --- class histograms --------------------------------------------------------------------------------------

def test_all_samples_in_one_class_cover_one_class_at_kl_log_10():
    histogram = class_histogram(np.full(3000, 7), 10)
    assert histogram.classes_covered == 1
    assert histogram.counts[7] == 3000 and histogram.total == 3000
    assert histogram.most_frequent == 7
    assert histogram.class_kl == pytest.approx(math.log(10), abs=1e-12)  # KL(delta || uniform) = log 10


def test_uniform_samples_cover_all_ten_classes_at_kl_zero():
    histogram = class_histogram(torch.arange(3000) % 10, 10)
    assert histogram.classes_covered == 10
    assert histogram.counts == (300,) * 10
    assert histogram.class_kl == pytest.approx(0.0, abs=1e-12)


def test_a_class_needs_one_percent_of_the_samples_to_count_as_covered():
    # 1000 samples: class 0 gets 10 (exactly 1%, covered), class 1 gets 9 (not), class 2 the rest
    labels = np.array([0] * 10 + [1] * 9 + [2] * 981)
    histogram = class_histogram(labels, 10)
    assert histogram.classes_covered == 2
    assert (histogram.most_frequent, histogram.least_frequent) == (2, 3)  # 3..9 have none; lowest index wins


def test_kl_on_a_hand_made_histogram():
    # p = (1/2, 1/4, 1/4), q = (1/4, 1/2, 1/4): KL = 1/2 log 2 + 1/4 log(1/2) = log(2) / 4
    assert kl_divergence(np.array([2, 1, 1]), np.array([1, 2, 1])) == pytest.approx(math.log(2) / 4, abs=1e-12)
    # classes p lacks add nothing; mass where q has none makes it infinite
    assert kl_divergence(np.array([1, 0]), np.array([1, 1])) == pytest.approx(math.log(2), abs=1e-12)
    assert kl_divergence(np.array([1, 1]), np.array([1, 0])) == math.inf


def test_histogram_kl_is_to_the_real_class_frequencies():
    real = np.array([0.2, 0.8])
    histogram = class_histogram(np.array([0] * 20 + [1] * 80), 2, real_distribution=real)
    assert histogram.class_kl == pytest.approx(0.0, abs=1e-12)
    skewed = class_histogram(np.array([0] * 50 + [1] * 50), 2, real_distribution=real)
    assert skewed.class_kl == pytest.approx(0.5 * math.log(0.5 / 0.2) + 0.5 * math.log(0.5 / 0.8), abs=1e-12)


def test_histogram_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError, match="0..9"):
        class_histogram(np.array([0, 10]), 10)


def test_conditional_accuracy_counts_samples_labelled_as_requested():
    requested = np.repeat(np.arange(10), 3)
    predicted = requested.copy()
    predicted[[0, 5, 29]] = [1, 0, 0]
    assert conditional_accuracy(predicted, requested) == pytest.approx(27 / 30, abs=1e-12)


# --- classifier Fréchet distance ---------------------------------------------------------------------------

def _correlated_features(n=4000, d=6, seed=0):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d))
    return rng.normal(size=(n, d)) @ mixing + rng.normal(size=d)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    stats = feature_stats(_correlated_features())
    assert frechet_distance(stats, stats) == pytest.approx(0.0, abs=1e-8)


def test_a_mean_shift_with_identical_covariance_costs_the_squared_shift():
    features = _correlated_features()
    shift = np.array([0.5, -1.0, 2.0, 0.0, 0.25, -0.75])
    distance = frechet_distance(feature_stats(features), feature_stats(features + shift))
    assert distance == pytest.approx(shift @ shift, rel=1e-9)


def test_frechet_distance_of_diagonal_gaussians_matches_the_closed_form():
    # N(mu1, diag(a)) vs N(mu2, diag(b)): |mu1 - mu2|^2 + sum (sqrt(a) - sqrt(b))^2
    a, b = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    first, second = FeatureStats(mu1, np.diag(a), 100), FeatureStats(mu2, np.diag(b), 100)
    expected = 5.0 + (1 - 3) ** 2 + (2 - 1) ** 2 + 0.0
    assert frechet_distance(first, second) == pytest.approx(expected, rel=1e-12)
    assert frechet_distance(second, first) == pytest.approx(expected, rel=1e-12)


def test_frechet_distance_survives_rank_deficient_covariances():
    # 3 samples in 16 dimensions: covariances of rank 2; the distance stays finite, real and >= 0
    rng = np.random.default_rng(1)
    first, second = feature_stats(rng.normal(size=(3, 16))), feature_stats(rng.normal(size=(3, 16)))
    distance = frechet_distance(first, second)
    assert math.isfinite(distance) and distance > 0
    assert frechet_distance(first, first) == pytest.approx(0.0, abs=1e-8)


# --- 2-D mixtures ------------------------------------------------------------------------------------------

def test_samples_on_three_of_eight_ring_modes_cover_three():
    modes, std = mixture_modes("ring8"), mixture_std("ring8")
    points = np.vstack([
        modes[0] + [2.9 * std, 0.0],          # inside 3 std of mode 0
        modes[[2, 2, 5]],                     # exactly on modes 2 (twice) and 5
        modes[1] + [0.0, 3.1 * std],          # just outside mode 1: low quality, mode 1 not covered
        [[0.0, 0.0]],                         # the centre of the ring: far from every mode
    ])
    coverage = mode_coverage(points, modes, std)
    assert coverage.modes_covered == 3 and coverage.num_modes == 8
    assert coverage.samples_per_mode == (1, 0, 2, 0, 0, 1, 0, 0)
    assert coverage.high_quality_pct == pytest.approx(100 * 4 / 6, abs=1e-12)


def test_a_real_grid25_sample_covers_every_mode_with_almost_all_high_quality():
    # for a 2-D Gaussian, P(|x - mu| <= 3 std) = 1 - exp(-9/2) = 98.89%
    modes, std = mixture_modes("grid25"), mixture_std("grid25")
    rng = np.random.default_rng(0)
    points = modes[rng.integers(0, 25, 2500)] + rng.normal(0.0, std, (2500, 2))
    coverage = mode_coverage(torch.as_tensor(points, dtype=torch.float32), modes, std)
    assert coverage.modes_covered == 25
    assert coverage.high_quality_pct == pytest.approx(100 * (1 - math.exp(-4.5)), abs=0.5)


def test_non_finite_samples_are_never_high_quality():
    modes, std = mixture_modes("ring8"), mixture_std("ring8")
    coverage = mode_coverage(np.array([[np.nan, 0.0], [np.inf, 2.0], list(modes[3])]), modes, std)
    assert coverage.samples_per_mode[3] == 1 and coverage.modes_covered == 1
    assert coverage.high_quality_pct == pytest.approx(100 / 3)
