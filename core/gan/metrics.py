"""Measures of a trained generator on the 2-D mixtures: how many modes it covers, how precisely."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ModeCoverage:
    covered: int            # modes holding at least min_share of the samples within `within` std
    modes: int
    high_quality: float     # share of samples within `within` std of some mode


def mode_coverage(points: np.ndarray, modes: np.ndarray, std: float, within: float = 3.0,
                  min_share: float = 0.01) -> ModeCoverage:
    """Count the modes a generator reaches (the test of Metz et al. 2017 and Srivastava et al. 2017).

    A sample is high quality when it lies within `within` * std of its nearest mode centre; a mode is
    covered when at least `min_share` of all samples are high-quality samples of that mode, so a few
    stray points do not count as a mode.
    """
    distance = np.linalg.norm(points[:, None, :] - modes[None, :, :], axis=2)
    nearest = distance.argmin(axis=1)
    good = distance[np.arange(len(points)), nearest] <= within * std
    counts = np.bincount(nearest[good], minlength=len(modes))
    return ModeCoverage(int((counts >= min_share * len(points)).sum()), len(modes), float(good.mean()))
