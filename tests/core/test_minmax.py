"""Known answers for the saddle lab's science: closed forms, the linear theory and the stopping rules."""

import math
import warnings

import numpy as np
import pytest

from core.errors import InvalidSetting
from core.minmax import (
    DIVERGED_NORM,
    Game,
    SaddleConfig,
    SweepRange,
    Trajectory,
    contours,
    method_field,
    numerical_range,
    outcome,
    simulate,
    sweep,
    theory,
)


def run(**settings) -> Trajectory:
    return simulate(SaddleConfig(**settings))


# --- quadratic f = 4x² − 4y² ------------------------------------------------------------------


@pytest.mark.parametrize("eta", [0.1, 0.24, 0.26])
def test_quadratic_gda_x_is_exactly_one_minus_8_eta_to_the_t(eta):
    trajectory = run(game="quadratic", method="gda", eta=eta, steps=500)
    t = np.arange(trajectory.steps_taken + 1)
    np.testing.assert_allclose(trajectory.points[:, 0], (1 - 8 * eta) ** t, rtol=1e-12, atol=0)
    np.testing.assert_allclose(trajectory.points[:, 1], (1 - 8 * eta) ** t, rtol=1e-12, atol=0)


def test_quadratic_gda_converges_just_below_a_quarter():
    trajectory = run(game="quadratic", method="gda", eta=0.24, steps=500)
    assert trajectory.status == "converged"
    # 0.92^t·√2 < 1e-6 first at t = 170
    assert trajectory.steps_taken == 170
    assert trajectory.final_norm < 1e-6


def test_quadratic_gda_diverges_just_above_a_quarter():
    trajectory = run(game="quadratic", method="gda", eta=0.26, steps=500)
    assert trajectory.status == "diverged"
    # 1.08^t·√2 > 1e6 first at t = 176
    assert trajectory.steps_taken == 176
    assert trajectory.final_norm > DIVERGED_NORM


def test_quadratic_theory_gives_the_quarter_boundary_and_the_best_eta():
    result = theory(SaddleConfig(game="quadratic", method="gda", eta=0.24))
    assert result.eta_range == (0.0, 0.25)
    assert result.best_eta == 0.125
    assert result.spectral_radius == pytest.approx(0.92, abs=1e-15)
    assert result.factors == pytest.approx((0.92, 0.92), abs=1e-15)
    assert result.converges and result.closed_form
    assert not theory(SaddleConfig(game="quadratic", method="gda", eta=0.26)).converges


def test_quadratic_with_unequal_curvatures_is_limited_by_the_larger_one():
    config = SaddleConfig(game="quadratic", method="gda", eta=0.1, a=2.0, b=5.0)
    result = theory(config)
    assert result.eta_range == pytest.approx((0.0, 0.2))
    assert result.best_eta == pytest.approx(1 / 7)
    assert result.factors == pytest.approx((abs(1 - 4 * 0.1), abs(1 - 10 * 0.1)))
    at_best = theory(SaddleConfig(game="quadratic", method="gda", eta=1 / 7, a=2.0, b=5.0))
    assert at_best.spectral_radius == pytest.approx(3 / 7, abs=1e-12)  # (b − a)/(a + b)


def test_gd_on_both_players_diverges_from_1_1():
    trajectory = run(game="quadratic", method="gd", eta=0.1, steps=200)
    assert trajectory.status == "diverged"
    t = np.arange(trajectory.steps_taken + 1)
    np.testing.assert_allclose(trajectory.points[:, 1], 1.8**t, rtol=1e-12)  # y runs away by 1 + 2bη
    assert theory(SaddleConfig(game="quadratic", method="gd", eta=0.1)).eta_range is None


def test_gd_on_both_players_converges_when_y_starts_at_zero():
    trajectory = run(game="quadratic", method="gd", eta=0.1, steps=200, start=(1.0, 0.0))
    assert trajectory.status == "converged"
    assert np.all(trajectory.points[:, 1] == 0.0)


# --- bilinear f = x y -------------------------------------------------------------------------


@pytest.mark.parametrize("eta", [0.1, 0.5])
def test_bilinear_gda_norm_is_root_two_times_growth_to_the_t(eta):
    trajectory = run(game="bilinear", method="gda", eta=eta, steps=100)
    t = np.arange(trajectory.steps_taken + 1)
    np.testing.assert_allclose(trajectory.norms, math.sqrt(2) * (1 + eta**2) ** (t / 2), rtol=1e-12)


def test_bilinear_gda_spirals_out_at_every_step_size():
    assert run(game="bilinear", method="gda", eta=0.1, steps=500).status == "running"
    assert run(game="bilinear", method="gda", eta=1.0, steps=500).status == "diverged"
    assert theory(SaddleConfig(game="bilinear", method="gda", eta=0.01)).eta_range is None


@pytest.mark.parametrize("eta", [0.1, 1.0, 1.9])
def test_bilinear_alternating_gda_conserves_its_quadratic_form_and_stays_bounded(eta):
    trajectory = run(game="bilinear", method="alt-gda", eta=eta, steps=10_000)
    x, y = trajectory.points.T
    invariant = x * x + y * y - eta * x * y  # exactly conserved by x' = x − ηy, y' = y + ηx'
    np.testing.assert_allclose(invariant, invariant[0], rtol=1e-9)
    assert trajectory.norms.max() <= math.sqrt(invariant[0] / (1 - eta / 2)) * (1 + 1e-9)
    assert trajectory.status == "cycling"
    assert trajectory.steps_taken == 10_000


def test_bilinear_alternating_gda_diverges_beyond_two():
    assert run(game="bilinear", method="alt-gda", eta=2.1, steps=1000).status == "diverged"


@pytest.mark.parametrize("eta", [0.3, 0.5, 0.9, 1.2])
def test_bilinear_extragradient_contracts_by_its_rate_every_step(eta):
    trajectory = run(game="bilinear", method="extragradient", eta=eta, steps=50)
    ratios = trajectory.norms[1:] / trajectory.norms[:-1]
    np.testing.assert_allclose(ratios, math.sqrt(1 - eta**2 + eta**4), rtol=1e-12)


def test_bilinear_extragradient_converges_below_one_only():
    assert run(game="bilinear", method="extragradient", eta=0.5, steps=1000).status == "converged"
    assert run(game="bilinear", method="extragradient", eta=1.2, steps=1000).status == "diverged"
    result = theory(SaddleConfig(game="bilinear", method="extragradient", eta=0.5))
    assert result.eta_range == (0.0, 1.0)
    assert result.best_eta == pytest.approx(1 / math.sqrt(2))


def test_bilinear_ogda_converges_at_0_3_and_not_at_0_7():
    assert run(game="bilinear", method="ogda", eta=0.3, steps=1000).status == "converged"
    assert run(game="bilinear", method="ogda", eta=0.7, steps=1000).status == "diverged"
    result = theory(SaddleConfig(game="bilinear", method="ogda", eta=0.3))
    assert result.eta_range == pytest.approx((0.0, 1 / math.sqrt(3)))


# --- Dirac-GAN --------------------------------------------------------------------------------


def test_dirac_simultaneous_gradient_steps_move_away_from_the_equilibrium():
    trajectory = run(game="dirac", method="gda", eta=0.1, steps=500)
    assert np.all(np.diff(trajectory.norms) > 0)
    assert trajectory.final_norm > 1.2 * math.sqrt(2)


def test_dirac_with_r1_converges():
    trajectory = run(game="dirac", method="r1", eta=0.1, gamma=1.0, steps=1000)
    assert trajectory.status == "converged"


def test_dirac_gradient_and_hessian_match_finite_differences():
    game, h = Game("dirac"), 1e-6
    for x, y in [(1.0, 1.0), (-0.7, 2.3), (3.0, -0.4)]:
        fx, fy = game.gradient(x, y)
        assert fx == pytest.approx((game.value(x + h, y) - game.value(x - h, y)) / (2 * h), rel=1e-8)
        assert fy == pytest.approx((game.value(x, y + h) - game.value(x, y - h)) / (2 * h), rel=1e-8)
        fxx, fxy, fyy = game.hessian(x, y)
        assert fxx == pytest.approx((game.gradient(x + h, y)[0] - game.gradient(x - h, y)[0]) / (2 * h), rel=1e-6)
        assert fxy == pytest.approx((game.gradient(x, y + h)[0] - game.gradient(x, y - h)[0]) / (2 * h), rel=1e-6)
        assert fyy == pytest.approx((game.gradient(x, y + h)[1] - game.gradient(x, y - h)[1]) / (2 * h), rel=1e-6)


def test_consensus_adds_the_gradient_of_half_the_squared_gradient_norm():
    config = SaddleConfig(game="dirac", method="consensus", gamma=0.7)
    game, g, h = Game("dirac"), method_field(config), 1e-6

    def half_squared_gradient(x, y):
        fx, fy = game.gradient(x, y)
        return 0.5 * (fx * fx + fy * fy)

    x, y = 0.8, -1.3
    fx, fy = game.gradient(x, y)
    expected_x = fx + 0.7 * (half_squared_gradient(x + h, y) - half_squared_gradient(x - h, y)) / (2 * h)
    expected_y = -fy + 0.7 * (half_squared_gradient(x, y + h) - half_squared_gradient(x, y - h)) / (2 * h)
    assert g(x, y) == pytest.approx((expected_x, expected_y), rel=1e-7)


# --- theory against simulation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "game, method, eta, steps",
    [
        ("quadratic", "gda", 0.24, 100),
        ("quadratic", "gd", 0.1, 20),
        ("quadratic", "extragradient", 0.05, 40),
        ("quadratic", "ogda", 0.02, 60),
        ("bilinear", "gda", 0.3, 100),
        ("bilinear", "extragradient", 0.5, 100),
        ("bilinear", "ogda", 0.3, 100),
        ("bilinear", "consensus", 0.1, 100),
        ("dirac", "consensus", 0.1, 300),
    ],
)
def test_spectral_radius_matches_the_observed_rate(game, method, eta, steps):
    config = SaddleConfig(game=game, method=method, eta=eta, steps=steps)
    assert simulate(config).observed_rate() == pytest.approx(theory(config).spectral_radius, rel=1e-5)


def test_spectral_radius_matches_the_rate_of_dirac_r1_up_to_its_jordan_block():
    # γ = 1 gives a double eigenvalue 1 − η/2: the norm decays like t·0.95^t, a bit slower than 0.95^t
    config = SaddleConfig(game="dirac", method="r1", eta=0.1, gamma=1.0, steps=300)
    assert theory(config).spectral_radius == pytest.approx(0.95, abs=1e-7)
    assert simulate(config).observed_rate() == pytest.approx(0.95, rel=0.01)


@pytest.mark.parametrize(
    "game, method",
    [
        ("quadratic", "gda"),
        ("quadratic", "alt-gda"),
        ("bilinear", "extragradient"),
        ("bilinear", "ogda"),
        ("dirac", "extragradient"),
        ("dirac", "ogda"),
    ],
)
def test_closed_form_ranges_agree_with_the_spectral_radius(game, method):
    config = SaddleConfig(game=game, method=method)
    numerical, numerical_best = numerical_range(config)
    known = theory(config)
    assert numerical == pytest.approx(known.eta_range, abs=1e-7)
    assert numerical_best == pytest.approx(known.best_eta, rel=1e-6)


def test_numerical_ranges_match_hand_derived_boundaries():
    # per coordinate with c = 2a = 8: extragradient needs cη < 1, OGDA needs cη < 2/3
    extragradient = theory(SaddleConfig(game="quadratic", method="extragradient"))
    assert not extragradient.closed_form
    assert extragradient.eta_range == pytest.approx((0.0, 1 / 8), abs=1e-7)
    assert theory(SaddleConfig(game="quadratic", method="ogda")).eta_range == pytest.approx((0.0, 1 / 12), abs=1e-7)
    # consensus on x y: |1 − ηγ ± iη|² < 1 iff η < 2γ/(1 + γ²)
    consensus = theory(SaddleConfig(game="bilinear", method="consensus", gamma=0.5))
    assert consensus.eta_range == pytest.approx((0.0, 0.8), abs=1e-7)


def test_methods_with_no_convergent_step_size_report_none():
    for game, method in [("bilinear", "alt-gda"), ("dirac", "gda"), ("bilinear", "gd")]:
        result = theory(SaddleConfig(game=game, method=method, eta=0.5))
        assert result.eta_range is None and result.best_eta is None and not result.converges
    assert theory(SaddleConfig(game="bilinear", method="alt-gda", eta=0.5)).spectral_radius == pytest.approx(1.0)


# --- sweep ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "game, method",
    [("quadratic", "gda"), ("bilinear", "ogda"), ("bilinear", "alt-gda"), ("dirac", "extragradient"), ("dirac", "r1")],
)
def test_sweep_gives_the_same_end_as_simulating_each_eta(game, method):
    config = SaddleConfig(game=game, method=method, steps=300)
    etas = np.linspace(0.05, 1.5, 13)
    result = sweep(config, etas)
    for eta, final_norm, status in zip(etas, result.final_norm, result.status):
        single = simulate(SaddleConfig(game=game, method=method, steps=300, eta=float(eta)))
        assert (status, final_norm) == (single.status, single.final_norm)


def test_sweep_shows_the_quarter_boundary():
    etas = np.linspace(0.2, 0.3, 41)
    statuses = np.array(sweep(SaddleConfig(game="quadratic", method="gda", steps=3000), etas).status)
    assert set(statuses[etas < 0.2499]) == {"converged"}
    assert set(statuses[etas > 0.2501]) == {"diverged"}
    assert statuses[20] == "cycling"  # η = 1/4: the factor is −1, z flips sign for ever


def test_sweep_range_parses_lo_hi_n():
    spec = SweepRange.parse("0.01:0.5:50")
    np.testing.assert_allclose(spec.etas(), np.linspace(0.01, 0.5, 50))


@pytest.mark.parametrize("text", ["0.1:0.5", "a:b:c", "0.5:0.1:10", "0:0.5:10", "0.1:0.5:1", "0.1:0.5:100000"])
def test_bad_sweep_ranges_name_the_sweep_field(text):
    with pytest.raises(InvalidSetting) as error:
        SweepRange.parse(text)
    assert error.value.field == "sweep"


# --- stopping and robustness ------------------------------------------------------------------


def test_trajectory_has_one_point_per_step_and_the_start():
    trajectory = run(game="bilinear", method="alt-gda", eta=0.1, steps=37, start=(0.5, -2.0))
    assert trajectory.points.shape == (38, 2)
    assert tuple(trajectory.points[0]) == (0.5, -2.0)


def test_a_start_at_the_equilibrium_has_converged_already():
    trajectory = run(start=(0.0, 0.0))
    assert trajectory.status == "converged" and trajectory.steps_taken == 0


@pytest.mark.parametrize("method", ["gd", "gda", "alt-gda", "ogda", "extragradient", "consensus", "r1"])
@pytest.mark.parametrize("game", ["quadratic", "bilinear", "dirac"])
def test_the_largest_settings_diverge_without_raising_or_warning(game, method):
    config = SaddleConfig(game=game, method=method, eta=10.0, a=100.0, b=100.0, gamma=100.0, start=(1000.0, -1000.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = simulate(config)
        swept = sweep(config, [1.0, 10.0])
    assert trajectory.status in ("diverged", "running", "cycling", "converged")
    if game != "dirac":  # Dirac-GAN's gradient saturates: far away it barely moves
        assert trajectory.status == "diverged" and swept.status[1] == "diverged"


@pytest.mark.parametrize(
    "settings, field",
    [
        ({"eta": 0.0}, "eta"),
        ({"eta": -0.1}, "eta"),
        ({"eta": float("nan")}, "eta"),
        ({"eta": "fast"}, "eta"),
        ({"eta": 11.0}, "eta"),
        ({"a": 0.0}, "a"),
        ({"b": -4.0}, "b"),
        ({"gamma": -1.0}, "gamma"),
        ({"steps": 0}, "steps"),
        ({"steps": 10_000_000}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"start": (1.0,)}, "start"),
        ({"start": (1.0, float("inf"))}, "start"),
        ({"start": "1,1"}, "start"),
        ({"game": "chess"}, "game"),
        ({"method": "adam"}, "method"),
    ],
)
def test_bad_settings_name_their_field(settings, field):
    with pytest.raises(InvalidSetting) as error:
        SaddleConfig(**settings)
    assert error.value.field == field


def test_settings_from_toml_integers_become_floats():
    config = SaddleConfig(eta=1, a=2, b=3, gamma=0, start=[1, 0])
    assert (config.eta, config.a, config.b, config.gamma, config.start) == (1.0, 2.0, 3.0, 0.0, (1.0, 0.0))
    assert isinstance(config.eta, float) and isinstance(config.start, tuple)


# --- contours ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["quadratic", "bilinear", "dirac"])
def test_contour_points_lie_on_their_level_sets(name):
    game = Game(name)
    found = contours(game, half_width=1.5, resolution=60, count=3)
    assert [contour.level == 0.0 for contour in found].count(True) == 1  # the level through the saddle
    for contour in found:
        assert len(contour.xs) > 0
        heights = game.value(contour.xs, contour.ys) - game.value(0.0, 0.0)
        # linear interpolation between grid points 3/59 apart: off by at most a small fraction of the range
        np.testing.assert_allclose(heights, contour.level, atol=0.02 * max(abs(c.level) for c in found))


def test_outcome_says_what_a_finished_run_did_never_running():
    def words(**changes):
        config = SaddleConfig(**changes)
        return outcome(simulate(config), theory(config))

    assert words(game="bilinear", method="gda", eta=0.24) == ("spiralling out", "")  # ρ = 1.028: ‖z‖ grows to hundreds
    assert words(game="dirac", method="gda", eta=0.24) == ("spiralling out", "")
    # ρ = 0.969, 1e-3 after 200 steps
    assert words(game="bilinear", method="ogda", eta=0.24) == ("not converged yet", "")
    assert words(method="gd", eta=0.001, steps=100) == ("growing", "")  # y runs away by 1 + 8η, slowly
    # GD on both converges from y0 = 0 although ρ = 1 + 8η > 1: the growing direction is never entered
    assert words(method="gd", eta=0.1, start=(1.0, 0.0)) == ("converged", "started on a contracting direction")
    assert words(method="gda", eta=0.1) == ("converged", "")
