"""What the bandit pane draws, checked without a terminal: bars, the bar view and plot lines."""

import io

import numpy as np
from rich.console import Console

from core.bandit import BanditConfig, RunState, Testbed, run_testbed
from tui.labs.bandit_views import bar, bar_view, plot_lines


def plain(renderable) -> str:
    console = Console(width=60, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_bars_are_drawn_in_eighths_of_a_cell():
    assert bar(0.5, 8) == "████    "
    assert bar(1 / 64, 8) == "▏       "
    assert bar(1.0, 4) == "████" and bar(0.0, 4) == "    " and bar(float("nan"), 4) == "    "


def test_bar_view_keeps_the_best_and_the_pulled_arm_when_not_all_fit():
    pi = np.full(100, 0.001)
    pi[[10, 20, 30]] = [0.5, 0.3, 0.1]
    q = np.zeros(100)
    q[77] = 2.0
    state = RunState(t=5, theta=np.zeros(100), pi=pi, q=q, action=55, reward=-0.25)
    text = plain(bar_view(state, exact=False, height=8, label=""))
    rows = [line.split()[0] for line in text.splitlines()[2:-1]]
    assert rows == ["11", "21", "56", "78"]  # the likeliest two, the pulled arm, the best arm
    assert "pulled 56 → R = -0.25 (+96 arms)" in text


def test_pi_view_shows_every_arm_of_a_single_run_and_the_optimal_arm_of_many():
    single = run_testbed(BanditConfig(arms=3, runs=1, steps=20, seed=1))
    lines, title, limits = plot_lines((single,), "pi")
    assert [line.label for line in lines] == ["π1", "π2", "π3"] and title == "π of each arm, run 1"
    np.testing.assert_array_equal(lines[1].y, single.mean_pi[:, 1])
    np.testing.assert_array_equal(lines[1].x, np.arange(1, 21))  # steps, from 1
    many = run_testbed(BanditConfig(arms=3, runs=50, steps=20, seed=1))
    lines, title, limits = plot_lines((many,), "pi")
    assert title == "π(optimal arm), mean of 50 runs" and limits == (0.0, 1.0)
    np.testing.assert_array_equal(lines[0].y, many.pi_optimal)


def test_regret_view_is_cumulative():
    result = run_testbed(BanditConfig(arms=4, runs=20, steps=30, seed=2))
    lines, title, _ = plot_lines((result,), "regret")
    np.testing.assert_allclose(lines[0].y, np.cumsum(result.regret))


def test_run_state_of_a_fresh_testbed_is_drawn_without_a_pull():
    state = Testbed(BanditConfig(arms=3, q=(1.0, 2.0, 3.0), runs=1, steps=5)).run_state()
    text = plain(bar_view(state, exact=False, height=10))
    assert "run 1, step 0" in text and "no pull yet" in text
