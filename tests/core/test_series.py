"""Series for live charts: smoothing with known values, downsampling that keeps extremes and caps points."""

import math

import numpy as np
import pytest

from core.series import GrowingSeries, downsample


def test_the_smoothed_value_is_the_debiased_moving_average():
    series = GrowingSeries(smoothing=0.5)
    for step, value in enumerate([4.0, 0.0, 2.0]):
        series.append(step, value)
    # m = 2, 1, 1.5; debiased by 1 - 0.5^n = 0.5, 0.75, 0.875.
    assert series.smooth.tolist() == pytest.approx([4.0, 4 / 3, 1.5 / 0.875])
    assert series.y.tolist() == [4.0, 0.0, 2.0]
    assert series.x.tolist() == [0, 1, 2]


def test_missing_values_are_nan_and_do_not_move_the_average():
    series = GrowingSeries(smoothing=0.5)
    series.append(0, 2.0)
    series.append(1, None)
    series.append(2, math.inf)
    series.append(3, 2.0)
    assert np.isnan(series.y[1:3]).all() and np.isnan(series.smooth[1:3]).all()
    assert series.smooth[3] == pytest.approx(2.0)  # a constant stays itself after debiasing


def test_the_series_grows_past_its_first_capacity():
    series = GrowingSeries()
    for step in range(5000):
        series.append(step, float(step))
    assert len(series) == 5000 and series.y[-1] == 4999.0 and series.last == 4999.0


def test_short_series_come_back_unchanged_without_their_nans():
    x = np.arange(5.0)
    y = np.array([1.0, np.nan, 3.0, 4.0, 5.0])
    kept_x, kept_y = downsample(x, y, max_points=10)
    assert kept_x.tolist() == [0, 2, 3, 4] and kept_y.tolist() == [1, 3, 4, 5]


def test_downsampling_caps_the_points_and_keeps_every_spike():
    x = np.arange(100_000.0)
    y = np.sin(x / 5000)
    y[31_337] = 50.0
    y[77_777] = -50.0
    kept_x, kept_y = downsample(x, y, max_points=200)
    assert len(kept_x) <= 200
    assert 31_337 in kept_x and 77_777 in kept_x
    assert kept_y.max() == 50.0 and kept_y.min() == -50.0
    assert np.all(np.diff(kept_x) > 0)  # still in x order, so the line does not double back


def test_a_flat_stretch_keeps_one_point_per_bucket():
    kept_x, _ = downsample(np.arange(1000.0), np.zeros(1000), max_points=100)
    assert len(kept_x) == 50


def test_mean_downsampling_averages_each_run_and_centres_it():
    x, y = downsample(np.arange(1.0, 11.0), np.arange(1.0, 11.0), max_points=5, summary="mean")
    np.testing.assert_array_equal(x, [1.5, 3.5, 5.5, 7.5, 9.5])
    np.testing.assert_array_equal(y, [1.5, 3.5, 5.5, 7.5, 9.5])
    x, y = downsample(np.array([1.0, 2.0]), np.array([2.0, 4.0]), max_points=10, summary="mean")
    np.testing.assert_array_equal(x, [1, 2])
    np.testing.assert_array_equal(y, [2, 4])


def test_mean_downsampling_drops_a_run_holding_a_nan_and_reads_a_long_series_by_stride():
    y = np.ones(10)
    y[3] = np.nan
    x, _ = downsample(np.arange(1.0, 11.0), y, max_points=5, summary="mean")
    np.testing.assert_array_equal(x, [1.5, 5.5, 7.5, 9.5])  # the run of steps 3 and 4 is left out
    steps = np.arange(1.0, 1_000_001.0)
    x, y = downsample(steps, steps, max_points=100, summary="mean")
    assert len(x) == 100 and x[0] == y[0] and abs(x[-1] - 995_000) < 5_000
