"""How well a generator covers its data: class histograms, classifier Fréchet distance, 2-D mode coverage.

All functions take plain arrays (numpy, or torch tensors on any device) and return numbers; the classifier
that turns images into labels and features lives in core.gan.classifier.

- Class histogram of generated samples through a classifier: a class is *covered* when it gets at least
  1% of the samples; KL(p_generated || p_real) in nats measures how far the class frequencies are from
  the real ones (0 when equal, log 10 = 2.30 when all samples fall in one of 10 balanced classes).
- cFD, the classifier Fréchet distance: the Fréchet (2-Wasserstein) distance between Gaussians fitted to
  real and generated features of the classifier's penultimate layer,
      d^2 = ||mu_1 - mu_2||^2 + Tr(S_1 + S_2 - 2 (S_1 S_2)^(1/2)).
  It is FID's formula on a small task-specific network, so its values are not comparable to FID's.
- confident_pct, a sharpness measure: the % of samples the classifier assigns to one class with probability
  > CONFIDENT_PROBABILITY. Noise and blurry averages of several digits score low, clean digits high (real
  glyphs about 99%), so it catches what the class histogram cannot: a generator covering every class
  with samples no one can read.
- 2-D mixtures (ring8, grid25), as in the VEEGAN and PacGAN papers: a sample is *high quality* when it
  lies within 3 standard deviations of some mode centre. A mode is *covered* when it holds a fair share of
  the samples: at least a quarter of the 1/M it would hold if the generator spread evenly over M modes,
  i.e. at least N / (4 M) of the N samples. The papers' looser count, a mode *reached* by at least one
  sample, is kept beside it: a generator crowding two modes still sends a few stray samples everywhere,
  so "reached" reads 8 of 8 where "covered" reads 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

CONFIDENT_PROBABILITY = 0.9  # a sample the evaluator reads with more than this probability counts as sharp
COVERED_FRACTION = 0.01   # a class with at least this share of the samples counts as covered
MODE_RADIUS_STDS = 3.0    # "near a mode" means within this many standard deviations of its centre
FAIR_SHARE_FRACTION = 0.25  # a covered mode holds at least this fraction of its even share 1/M of the samples


def _numpy(values: np.ndarray | torch.Tensor, dtype: type = np.float64) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=dtype)


# --- class histograms --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClassHistogram:
    """Generated samples per predicted class and what they say about mode coverage."""

    counts: tuple[int, ...]      # samples per class, index = class
    classes_covered: int         # classes with at least COVERED_FRACTION of the samples
    class_kl: float              # KL(p_generated || p_real) in nats
    most_frequent: int           # class with the most samples (lowest index on a tie)
    least_frequent: int          # class with the fewest samples (lowest index on a tie)

    @property
    def total(self) -> int:
        return sum(self.counts)


def kl_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p || q) = sum_i p_i log(p_i / q_i) in nats, for histograms (normalised here); 0 log 0 = 0.

    Infinite when p puts mass where q has none.
    """
    p, q = _numpy(p), _numpy(q)
    p, q = p / p.sum(), q / q.sum()
    support = p > 0
    if np.any(q[support] == 0):
        return float("inf")
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def class_histogram(predicted: np.ndarray | torch.Tensor, num_classes: int,
                    real_distribution: np.ndarray | torch.Tensor | None = None) -> ClassHistogram:
    """Histogram of predicted class indices (N,) over `num_classes` classes.

    `real_distribution` holds the real set's class frequencies (any positive scale); uniform when None.
    """
    labels = _numpy(predicted, np.int64).ravel()
    if labels.size == 0:
        raise ValueError("no samples to count")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"class indices must lie in 0..{num_classes - 1}")
    counts = np.bincount(labels, minlength=num_classes)
    real = np.ones(num_classes) if real_distribution is None else _numpy(real_distribution)
    if real.shape != (num_classes,):
        raise ValueError(f"real class distribution has shape {real.shape}, expected ({num_classes},)")
    return ClassHistogram(
        counts=tuple(int(c) for c in counts),
        classes_covered=int(np.sum(counts >= COVERED_FRACTION * labels.size)),
        class_kl=kl_divergence(counts, real),
        most_frequent=int(np.argmax(counts)),
        least_frequent=int(np.argmin(counts)),
    )


def confident_pct(confidence: np.ndarray | torch.Tensor) -> float:
    """% of samples whose predicted class has probability > CONFIDENT_PROBABILITY (0..100)."""
    values = _numpy(confidence)
    return float(100.0 * np.mean(values > CONFIDENT_PROBABILITY)) if len(values) else 0.0


def conditional_accuracy(predicted: np.ndarray | torch.Tensor, requested: np.ndarray | torch.Tensor) -> float:
    """Fraction of samples generated for class `requested[i]` that the classifier labels `requested[i]`."""
    predicted, requested = _numpy(predicted, np.int64).ravel(), _numpy(requested, np.int64).ravel()
    if predicted.shape != requested.shape or predicted.size == 0:
        raise ValueError(f"need as many predictions as requested classes (got {predicted.size} and {requested.size})")
    return float(np.mean(predicted == requested))


# --- classifier Fréchet distance ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FeatureStats:
    """Mean (d,) and covariance (d, d) of N feature vectors, in float64."""

    mean: np.ndarray
    cov: np.ndarray
    count: int


def feature_stats(features: np.ndarray | torch.Tensor) -> FeatureStats:
    """Sample mean and unbiased covariance of features (N, d), N >= 2."""
    x = _numpy(features)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need features of shape (N >= 2, d), got {x.shape}")
    return FeatureStats(mean=x.mean(axis=0), cov=np.cov(x, rowvar=False).reshape(x.shape[1], x.shape[1]),
                        count=x.shape[0])


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix (eigenvalues below 0 are rounding)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(first: FeatureStats, second: FeatureStats) -> float:
    """Fréchet distance between N(mu_1, S_1) and N(mu_2, S_2):
    ||mu_1 - mu_2||^2 + Tr(S_1) + Tr(S_2) - 2 Tr((S_1 S_2)^(1/2)).

    S_1 S_2 is not symmetric, but it is similar to A = S_1^(1/2) S_2 S_1^(1/2), which is symmetric PSD,
    so Tr((S_1 S_2)^(1/2)) = sum of sqrt(eigenvalues of A): two symmetric eigen-decompositions, no complex
    parts from a general matrix square root. Clipped at 0 against rounding.
    """
    if first.mean.shape != second.mean.shape:
        raise ValueError(f"feature sizes differ: {first.mean.shape} and {second.mean.shape}")
    root = _sqrt_psd(first.cov)
    middle = root @ second.cov @ root
    trace_sqrt = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0.0, None)))
    shift = first.mean - second.mean
    distance = shift @ shift + np.trace(first.cov) + np.trace(second.cov) - 2.0 * trace_sqrt
    return float(max(distance, 0.0))


# --- 2-D mixtures ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModeCoverage:
    """How samples of a 2-D generator sit relative to the mixture's modes."""

    samples_per_mode: tuple[int, ...]   # samples within the radius of each mode, index = mode
    modes_covered: int                  # modes holding a fair share of the samples (see the module's notes)
    modes_reached: int                  # modes with at least one sample within the radius
    high_quality_pct: float             # % of samples within the radius of their nearest mode

    @property
    def num_modes(self) -> int:
        return len(self.samples_per_mode)


def mode_coverage(points: np.ndarray | torch.Tensor, modes: np.ndarray, std: float,
                  radius_stds: float = MODE_RADIUS_STDS) -> ModeCoverage:
    """Mode coverage of samples (N, 2) for mode centres (M, 2) of standard deviation `std` per coordinate.

    A sample belongs to its nearest mode when its Euclidean distance to it is at most radius_stds * std.
    Non-finite samples are never near a mode, but they count in N, the total a fair share is taken of.
    """
    x, centres = _numpy(points), _numpy(modes)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"need points of shape (N >= 1, 2), got {x.shape}")
    distances = np.sqrt(((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))   # (N, M)
    distances = np.where(np.isfinite(distances), distances, np.inf)
    nearest = distances.argmin(axis=1)
    near = distances[np.arange(len(x)), nearest] <= radius_stds * std
    counts = np.bincount(nearest[near], minlength=len(centres))
    # count >= FAIR_SHARE_FRACTION * N / M, multiplied out so that a count exactly at the threshold counts
    fair = counts * len(centres) >= FAIR_SHARE_FRACTION * len(x)
    return ModeCoverage(
        samples_per_mode=tuple(int(c) for c in counts),
        modes_covered=int(np.sum(fair)),
        modes_reached=int(np.sum(counts > 0)),
        high_quality_pct=float(100.0 * near.mean()),
    )
