"""Known answers for the softmax policy-gradient bandit (core/bandit.py)."""

import dataclasses
import math
import warnings

import numpy as np
import pytest
import torch

from core.bandit import (
    BanditConfig,
    Testbed,
    describe,
    entropy_gradient,
    expected_direction,
    log_policy,
    policy,
    reinforce_direction,
    run_testbed,
    sample_actions,
    step_size,
    variants,
)
from core.errors import InvalidSetting


def random_theta(runs: int, arms: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 2.0, size=(runs, arms))


# --- the update is the gradient it claims to be ----------------------------------------


def test_reinforce_update_is_advantage_times_autograd_of_log_pi():
    theta = random_theta(6, 7, seed=1)
    rng = np.random.default_rng(2)
    actions = rng.integers(0, 7, size=6)
    advantage = rng.normal(size=6)
    theta_t = torch.tensor(theta, requires_grad=True)
    log_pi_taken = torch.log_softmax(theta_t, dim=1)[torch.arange(6), torch.tensor(actions)]
    (log_pi_taken * torch.tensor(advantage)).sum().backward()
    ours = reinforce_direction(policy(theta), actions, advantage)
    np.testing.assert_allclose(ours, theta_t.grad.numpy(), rtol=0, atol=1e-13)


def test_entropy_gradient_matches_autograd():
    theta = random_theta(5, 4, seed=3)
    theta_t = torch.tensor(theta, requires_grad=True)
    log_pi = torch.log_softmax(theta_t, dim=1)
    (-(log_pi.exp() * log_pi).sum()).backward()
    ours = entropy_gradient(policy(theta), log_policy(theta))
    np.testing.assert_allclose(ours, theta_t.grad.numpy(), rtol=0, atol=1e-13)


def test_exact_direction_matches_autograd_of_expected_reward():
    theta = random_theta(5, 6, seed=4)
    q = np.random.default_rng(5).normal(size=(5, 6))
    theta_t = torch.tensor(theta, requires_grad=True)
    (torch.softmax(theta_t, dim=1) * torch.tensor(q)).sum().backward()
    np.testing.assert_allclose(
        expected_direction(policy(theta), q), theta_t.grad.numpy(), rtol=0, atol=1e-13
    )


def test_log_policy_stays_finite_where_pi_underflows():
    theta = np.array([[0.0, -2000.0, 5.0]])
    assert policy(theta)[0, 1] == 0.0
    np.testing.assert_allclose(log_policy(theta), theta - 5.0 - np.log1p(np.exp(-5.0)), atol=1e-12)


# --- the stochastic update averages to the exact one -------------------------------------


def test_sampled_actions_follow_pi():
    pi = np.tile([0.1, 0.6, 0.3], (300_000, 1))
    uniform = np.random.default_rng(6).random(300_000)
    counts = np.bincount(sample_actions(pi, uniform), minlength=3) / 300_000
    # standard error is at most 0.0009 per arm
    np.testing.assert_allclose(counts, [0.1, 0.6, 0.3], atol=0.004)


def test_one_testbed_step_averages_to_the_exact_gradient():
    theta, q, eta, runs = (0.5, -0.3, 0.0, 1.2), (1.0, 2.0, -1.0, 0.5), 0.2, 200_000
    config = BanditConfig(arms=4, q=q, theta=theta, noise=1.0, eta=eta, runs=runs, steps=1, seed=7)
    testbed = Testbed(config)
    testbed.advance(1)
    updates = (testbed.theta - np.asarray(theta)) / eta
    exact = expected_direction(policy(np.asarray(theta)), np.asarray(q))
    standard_error = updates.std(axis=0) / math.sqrt(runs)
    assert np.all(np.abs(updates.mean(axis=0) - exact) < 4 * standard_error)
    assert np.all(standard_error < 0.006)  # so the check above is a tight one


def test_a_constant_baseline_leaves_the_expected_update_unchanged():
    samples, pi_row = 200_000, policy(np.array([0.2, 1.0, -0.5]))
    q = np.array([3.0, 4.0, 5.0])
    rng = np.random.default_rng(8)
    pi = np.tile(pi_row, (samples, 1))
    actions = sample_actions(pi, rng.random(samples))
    rewards = q[actions] + rng.standard_normal(samples)
    updates = reinforce_direction(pi, actions, rewards - 4.0)
    standard_error = updates.std(axis=0) / math.sqrt(samples)
    assert np.all(np.abs(updates.mean(axis=0) - expected_direction(pi_row, q)) < 4 * standard_error)


# --- the textbook results ----------------------------------------------------------------


def final_optimal_pct(eta: float, baseline: bool) -> float:
    config = BanditConfig(mean=4.0, eta=eta, baseline=baseline, runs=2000, steps=1000, seed=0)
    return float(run_testbed(config).optimal_pct[-20:].mean())


def test_figure_2_5_ordering_and_levels():
    """Sutton and Barto, Figure 2.5: q* ~ N(4, 1), 10 arms, 2000 runs, step 1000."""
    with_01, with_04 = final_optimal_pct(0.1, True), final_optimal_pct(0.4, True)
    without_01, without_04 = final_optimal_pct(0.1, False), final_optimal_pct(0.4, False)
    assert 80 <= with_01 <= 88
    assert with_01 > with_04 + 5 > without_01 + 5 > without_04 + 5
    assert without_01 <= with_01 - 20 and without_04 <= with_04 - 20


def test_plateau_from_a_bad_start_under_the_exact_gradient():
    """θ0 = (0, 5, 0), q* = (1, 0.9, 0.1), η = 0.4: thousands of steps near the second arm."""
    config = BanditConfig(
        arms=3, q=(1, 0.9, 0.1), theta=(0, 5, 0), eta=0.4, exact=True, runs=1, steps=8000
    )
    pi_best = run_testbed(config).pi_optimal
    half, most = int(np.argmax(pi_best >= 0.5)), int(np.argmax(pi_best > 0.9))
    assert pi_best[0] < 0.01
    assert 6800 < half < 7000  # about 6,900
    assert 0 < most - half < 400  # then the escape takes a few hundred steps


def test_entropy_bonus_converges_to_softmax_of_q_over_tau():
    """The maximiser of π·q* + τH(π) is softmax(q*/τ); the exact gradient climbs to it."""
    q, tau = np.array([1.0, 0.5, 0.0]), 0.5
    config = BanditConfig(arms=3, q=tuple(q), tau=tau, eta=1.0, exact=True, runs=1, steps=3000)
    np.testing.assert_allclose(run_testbed(config).final_pi, policy(q / tau), atol=1e-9)


def test_exact_mode_reports_expected_percent_optimal_and_regret():
    config = BanditConfig(arms=3, q=(1, 0.9, 0.1), eta=0.4, exact=True, runs=1, steps=50)
    result = run_testbed(config)
    np.testing.assert_array_equal(result.optimal_pct, 100 * result.pi_optimal)
    np.testing.assert_allclose(result.regret, 1.0 - result.mean_reward, atol=1e-15)
    assert result.optimal_pct[0] == pytest.approx(100 / 3)


def test_regret_is_the_gap_to_the_best_arm_when_rewards_are_exact():
    config = BanditConfig(arms=4, q=(0.5, 2.0, 1.0, -1.0), noise=0.0, runs=300, steps=200, seed=3)
    result = run_testbed(config)
    np.testing.assert_allclose(result.mean_reward + result.regret, 2.0, atol=1e-12)
    assert np.all(np.diff(result.cumulative_regret) >= 0)


def test_ties_count_every_best_arm_as_optimal():
    config = BanditConfig(arms=3, q=(1.0, 1.0, 0.0), noise=0.0, runs=500, steps=1, seed=2)
    result = run_testbed(config)
    assert result.pi_optimal[0] == pytest.approx(2 / 3)
    np.testing.assert_allclose(result.optimal_pct, 100 * (1 - result.regret), atol=1e-12)


def test_baseline_is_the_mean_of_earlier_rewards():
    """R̄_1 = R_1, so the first pull changes nothing; pull 2 uses b = R_1, then R̄ = mean(R_1, R_2)."""
    config = BanditConfig(arms=3, q=(1.0, 2.0, 3.0), noise=0.5, baseline=True, eta=0.3, runs=1, seed=4)
    testbed = Testbed(config)
    testbed.advance(1)
    first = testbed.run_state()
    np.testing.assert_array_equal(first.theta, np.zeros(3))
    testbed.advance(1)
    second = testbed.run_state()
    expected = 0.3 * reinforce_direction(
        policy(first.theta)[None], np.array([second.action]), np.array([second.reward - first.reward])
    )[0]
    np.testing.assert_allclose(second.theta, expected, atol=1e-15)


def test_decaying_step_size():
    assert step_size(0.4, 0.0, 1000) == 0.4
    assert step_size(0.4, 0.01, 0) == 0.4
    assert step_size(0.4, 0.01, 100) == pytest.approx(0.2)
    q = (1.0, 0.0)
    config = BanditConfig(arms=2, q=q, eta=0.5, decay=1.0, exact=True, runs=1, steps=2)
    testbed = Testbed(config)
    testbed.advance(2)
    theta = np.zeros(2)
    for t in range(2):
        theta = theta + 0.5 / (1 + t) * expected_direction(policy(theta), np.asarray(q))
    np.testing.assert_allclose(testbed.theta[0], theta, atol=1e-15)


def test_run_state_shows_the_last_pull():
    testbed = Testbed(BanditConfig(arms=4, q=(0, 0, 0, 5.0), noise=0.0, eta=0.5, runs=1, seed=9))
    before = testbed.run_state()
    assert before.action is None and before.reward is None and before.t == 0
    np.testing.assert_allclose(before.pi, 0.25)
    testbed.advance(1)
    state = testbed.run_state()
    assert state.t == 1 and state.reward == (5.0 if state.action == 3 else 0.0)
    np.testing.assert_allclose(state.pi, policy(state.theta))


# --- determinism, robustness, validation -------------------------------------------------


def test_same_seed_same_numbers_and_steps_may_be_split():
    config = BanditConfig(mean=1.0, baseline=True, tau=0.05, runs=100, steps=300, seed=11)
    whole = run_testbed(config)
    testbed = Testbed(config)
    for chunk in (1, 7, 92, 500):
        testbed.advance(chunk)
    pieces = testbed.result()
    for field in ("mean_reward", "optimal_pct", "pi_optimal", "regret", "mean_pi", "final_pi"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(pieces, field))
    other = run_testbed(dataclasses.replace(config, seed=12))
    assert not np.array_equal(whole.mean_reward, other.mean_reward)


def test_a_result_stays_the_same_while_the_testbed_runs_on():
    testbed = Testbed(BanditConfig(runs=50, steps=100, seed=3))
    testbed.advance(40)
    early = testbed.result()
    before = early.optimal_pct.copy(), early.mean_pi.copy()
    testbed.advance(60)
    np.testing.assert_array_equal(early.optimal_pct, before[0])
    np.testing.assert_array_equal(early.mean_pi, before[1])
    np.testing.assert_array_equal(testbed.result().optimal_pct[:40], before[0])
    assert not early.optimal_pct.flags.writeable


def test_advance_stops_at_the_configured_number_of_steps():
    testbed = Testbed(BanditConfig(runs=3, steps=10))
    assert testbed.advance(4) == 4 and testbed.advance(100) == 6 and testbed.advance(1) == 0
    assert testbed.done and len(testbed.result().mean_reward) == 10


def test_a_huge_step_size_gives_numbers_not_exceptions():
    config = BanditConfig(mean=4.0, eta=1e307, runs=10, steps=20, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run_testbed(config)
    assert len(result.mean_reward) == 20


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"arms": 1}, "arms", "between 2 and 100"),
        ({"arms": 101}, "arms", "between 2 and 100"),
        ({"eta": 0.0}, "eta", "> 0"),
        ({"eta": -0.1}, "eta", "> 0"),
        ({"eta": math.nan}, "eta", "> 0"),
        ({"q": (1.0, 2.0)}, "q", "10 values (got 2)"),
        ({"q": (1.0,) * 9 + (math.inf,)}, "q", "finite"),
        ({"theta": (0.0,) * 11}, "theta", "10 values (got 11)"),
        ({"noise": -1.0}, "noise", "≥ 0"),
        ({"tau": -0.5}, "tau", "≥ 0"),
        ({"decay": -0.01}, "decay", "≥ 0"),
        ({"mean": math.inf}, "mean", "finite"),
        ({"runs": 0}, "runs", "at least 1"),
        ({"steps": 0}, "steps", "at least 1"),
        ({"seed": -1}, "seed", "≥ 0"),
        ({"runs": 100_000, "steps": 1000}, "steps", "the limit is 1 GiB"),  # the field its offer is about
        ({"compare_eta": (0.1, 0.0)}, "compare_eta", "> 0"),
        ({"compare_eta": (0.1,) * 7}, "compare_eta", "at most 6"),
    ],
)
def test_bad_settings_are_refused_with_the_field_named(changes, field, fragment):
    with pytest.raises(InvalidSetting) as refused:
        BanditConfig(**changes)
    assert refused.value.field == field
    assert fragment in refused.value.message


def test_the_memory_limit_allows_figure_2_5_and_names_the_largest_run():
    BanditConfig(runs=2000, steps=33_407)
    with pytest.raises(InvalidSetting) as refused:
        BanditConfig(runs=2000, steps=40_000)
    assert refused.value.field == "steps"  # the field to change, as the message says
    assert refused.value.message == (
        "2,000 runs × 40,000 steps would need about 1,226 MiB; the limit is 1 GiB,"
        " which allows at most 33,407 steps with 2,000 runs"
    )


def test_memory_limit_counts_every_compared_curve():
    config = BanditConfig(runs=2000, steps=10_000)
    with pytest.raises(InvalidSetting) as refused:
        dataclasses.replace(config, compare_eta=(0.1, 0.4), compare_baseline=True)
    assert "for each of 4 curves" in refused.value.message
    assert "at most 8,329 steps with 2,000 runs" in refused.value.message
    dataclasses.replace(config, steps=8329, compare_eta=(0.1, 0.4), compare_baseline=True)


def test_figure_2_5_variants_come_in_the_books_legend_order():
    config = BanditConfig(mean=4.0, compare_eta=(0.1, 0.4), compare_baseline=True)
    assert [describe(v) for v in variants(config)] == [
        "η=0.1, baseline",
        "η=0.4, baseline",
        "η=0.1, no baseline",
        "η=0.4, no baseline",
    ]
    assert all(v.mean == 4.0 and v.curves == 1 for v in variants(config))
    assert variants(BanditConfig(eta=0.3)) == (BanditConfig(eta=0.3),)
