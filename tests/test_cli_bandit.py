"""`gan-tui bandit --headless`: the JSON contract, the presets' claims, exit status 2 on bad input."""

import json

import numpy as np
import pytest

from core.bandit import BanditConfig, run_testbed
from tui.cli import build_parser, main
from tui.commands import bandit


def run_json(capsys, *argv):
    assert main(["bandit", "--headless", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_contract_is_the_testbed_result(capsys):
    data = run_json(capsys, "--arms", "10", "--mean", "4", "--noise", "1", "--runs", "300",
                    "--steps", "200", "--eta", "0.1", "--baseline", "--seed", "5")
    assert list(data) == ["arms", "runs", "steps", "eta", "baseline", "optimal_pct", "mean_reward", "final_pi"]
    assert (data["arms"], data["runs"], data["steps"], data["eta"], data["baseline"]) == (10, 300, 200, 0.1, True)
    expected = run_testbed(BanditConfig(mean=4.0, eta=0.1, baseline=True, runs=300, steps=200, seed=5))
    assert data["optimal_pct"] == expected.optimal_pct.tolist()
    assert data["mean_reward"] == expected.mean_reward.tolist()
    assert data["final_pi"] == expected.final_pi.tolist()
    assert all(0 <= p <= 100 for p in data["optimal_pct"])
    assert sum(data["final_pi"]) == pytest.approx(1.0)


def test_q_alone_sets_the_number_of_arms_and_exact_mode_reports_expected_percent(capsys):
    data = run_json(capsys, "--q", "1,0.9,0.1", "--theta", "0,5,0", "--exact", "--eta", "0.4",
                    "--runs", "1", "--steps", "7000")
    assert data["arms"] == 3
    optimal = np.array(data["optimal_pct"])
    assert optimal[0] == pytest.approx(100 / (2 + np.exp(5)))  # 100·π(best) at θ0
    assert np.argmax(optimal >= 50) == 6887  # the plateau ends at about 6,900 steps


def test_figure_2_5_preset_gives_four_curves_in_the_books_order(capsys):
    curves = run_json(capsys, "--preset", "figure-2-5", "--runs", "200", "--steps", "50")
    assert [(c["eta"], c["baseline"]) for c in curves] == [(0.1, True), (0.4, True), (0.1, False), (0.4, False)]
    assert all(c["runs"] == 200 and c["steps"] == 50 and len(c["optimal_pct"]) == 50 for c in curves)


def test_lock_in_preset_strands_half_the_runs_and_entropy_rescues_them(capsys):
    locked = run_json(capsys, "--preset", "lock-in")
    rescued = run_json(capsys, "--preset", "entropy")
    assert np.mean(locked["optimal_pct"][-50:]) < 60
    assert np.mean(rescued["optimal_pct"][-50:]) > 94
    # softmax(q*/τ) puts 1/(1 + 4e^-5) ≈ 0.973 on the best arm
    assert rescued["final_pi"][0] == pytest.approx(1 / (1 + 4 * np.exp(-5)), abs=0.02)


def test_table_names_the_problem_and_each_curve(capsys):
    assert main(["bandit", "--headless", "--preset", "figure-2-5", "--runs", "50", "--steps", "100"]) == 0
    out = capsys.readouterr().out
    assert "10-armed bandit, q* ~ N(4, 1) per run" in out
    for curve in ("η=0.1, baseline", "η=0.4, baseline", "η=0.1, no baseline", "η=0.4, no baseline"):
        assert curve in out


def test_options_override_a_preset(capsys):
    data = run_json(capsys, "--preset", "plateau", "--eta", "0.8", "--steps", "10")
    assert (data["arms"], data["eta"], data["steps"]) == (3, 0.8, 10)


def test_no_options_open_the_app_on_its_default_preset():
    parser, _ = build_parser()
    assert bandit.config_from_args(parser.parse_args(["bandit"])) is None
    assert bandit.config_from_args(parser.parse_args(["bandit", "--headless"])) == BanditConfig()


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--arms", "1"], "--arms: must be between 2 and 100 (got 1)"),
     (["--arms", "101"], "--arms: must be between 2 and 100 (got 101)"),
     (["--eta", "0"], "--eta: must be > 0"),
     (["--arms", "4", "--q", "1,2,3"], "--q: needs one value per arm: 4 values (got 3)"),
     (["--q", "1,x"], "--q: must be numbers separated by commas"),
     (["--runs", "2000", "--steps", "100000"], "--steps: 2,000 runs × 100,000 steps would need about 3,063 MiB; "
      "the limit is 1 GiB, which allows at most 33,407 steps with 2,000 runs"),
     (["--compare-eta", "0.1,-1"], "--compare-eta: every step size must be > 0"),
     (["--preset", "nope"],
      "--preset: no preset or file 'nope'; shipped bandit presets: entropy, figure-2-5, lock-in, plateau")],
)
def test_bad_values_exit_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["bandit", "--headless", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
