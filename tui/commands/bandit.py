"""`gan-tui bandit`: the policy-gradient bandit's options and its headless testbed run."""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table

from core.bandit import BanditConfig, TestbedResult, describe, parse_values, run_testbed, variants
from tui.commands.output import print_json
from tui.presets import preset_config

NAME = "bandit"
SUMMARY = "softmax policy gradient on a k-armed bandit"


def configure(parser: argparse.ArgumentParser) -> None:
    # every default is None so that only the options given replace the preset's values
    parser.add_argument("--arms", type=int, metavar="K", help="number of arms, 2 to 100 (default 10, or the length of --q)")
    parser.add_argument("--q", metavar="Q1,Q2,...", help="true arm means q*, or 'draw' to draw q*_i ~ N(mean, 1) per run (default)")
    parser.add_argument("--mean", type=float, metavar="MU", help="mean μ of the drawn q* (default 0)")
    parser.add_argument("--noise", type=float, metavar="SIGMA", help="reward noise σ: a pull pays q*_a + N(0, σ²) (default 1)")
    parser.add_argument("--eta", type=float, help="step size η > 0 (default 0.1)")
    parser.add_argument("--decay", type=float, metavar="D", help="η_t = η / (1 + t·D); 0 keeps η constant (default 0)")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, help="subtract the mean of earlier rewards")
    parser.add_argument("--tau", type=float, metavar="T", help="entropy bonus τ ≥ 0 (default 0)")
    parser.add_argument("--exact", action=argparse.BooleanOptionalAction, help="follow the exact expected gradient, no sampling")
    parser.add_argument("--theta", metavar="T1,T2,...", help="starting preferences θ (default all 0)")
    parser.add_argument("--runs", type=int, help="independent runs (default 2000)")
    parser.add_argument("--steps", type=int, help="pulls per run (default 1000)")
    parser.add_argument("--seed", type=int, help="seed for q* and every pull (default 0)")
    parser.add_argument("--compare-eta", metavar="ETA1,ETA2,...", help="one curve per step size")
    parser.add_argument("--compare-baseline", action=argparse.BooleanOptionalAction, help="each curve with and without the baseline")


SCALAR_OPTIONS = ("arms", "mean", "noise", "eta", "decay", "baseline", "tau", "exact", "runs", "steps", "seed", "compare_baseline")


def config_from_args(args: argparse.Namespace) -> BanditConfig | None:
    """The preset (if any) with the options given on top; None opens the app on its default preset."""
    changes = {name: getattr(args, name) for name in SCALAR_OPTIONS if getattr(args, name) is not None}
    if args.q is not None:
        changes["q"] = parse_values(args.q, "q", none_word="draw")
    if args.theta is not None:
        changes["theta"] = parse_values(args.theta, "theta")
    if args.compare_eta is not None:
        changes["compare_eta"] = parse_values(args.compare_eta, "compare_eta") or ()
    if not changes and not args.preset and not args.headless:
        return None
    config = preset_config(BanditConfig, NAME, args.preset) if args.preset else BanditConfig()
    given = changes.get("q") or changes.get("theta")
    if given and "arms" not in changes:  # --q 1,0.9,0.1 alone means three arms
        changes["arms"] = len(given)
    return replace(config, **changes)


def run_headless(args: argparse.Namespace, config: BanditConfig, console: Console) -> int:
    results = [run_testbed(variant) for variant in variants(config)]
    if args.json:
        documents = [result_json(result) for result in results]
        print_json(documents[0] if len(documents) == 1 else documents)
    else:
        console.print(summary_table(config, results))
        if config.q is not None:
            for result in results:
                pi = " ".join(f"{p:.3f}" for p in result.final_pi)
                console.print(f"final π ({describe(result.config)}, mean over runs): {pi}")
    return 0


def result_json(result: TestbedResult) -> dict:
    """The documented --json contract; percentages are 0..100, one entry per step."""
    config = result.config
    return {
        "arms": config.arms,
        "runs": config.runs,
        "steps": config.steps,
        "eta": config.eta,
        "baseline": config.baseline,
        "optimal_pct": result.optimal_pct.tolist(),
        "mean_reward": result.mean_reward.tolist(),
        "final_pi": result.final_pi.tolist(),
    }


def problem_line(config: BanditConfig) -> str:
    """One line naming the bandit problem and the learner's fixed settings."""
    arms = f"{config.arms}-armed bandit, "
    means = f"q* = {', '.join(f'{q:g}' for q in config.q)}" if config.q else f"q* ~ N({config.mean:g}, 1) per run"
    learner = ["exact gradient" if config.exact else f"noise σ={config.noise:g}"]
    if config.decay:
        learner.append(f"η/(1+{config.decay:g}t)")
    if config.tau:
        learner.append(f"τ={config.tau:g}")
    if config.theta:
        learner.append(f"θ0 = {', '.join(f'{t:g}' for t in config.theta)}")
    runs = f"{config.runs:,} run" + ("s" if config.runs > 1 else "")
    return f"{arms}{means}, {', '.join(learner)}; {runs} × {config.steps:,} steps, seed {config.seed}"


def checkpoints(steps: int) -> list[int]:
    """Steps 1, 10, 100, ... below `steps`, and `steps` itself (1-based)."""
    marks = [10**p for p in range(int(np.log10(steps)) + 1) if 10**p < steps]
    return marks + [steps]


def summary_table(config: BanditConfig, results: list[TestbedResult]) -> Table:
    marks = checkpoints(config.steps)
    table = Table(
        title=problem_line(config),
        caption="step N: % of runs that pulled an optimal arm at step N (100·π(optimal) when exact);"
        " reward: mean at the last step; regret: summed over all steps",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("curve", no_wrap=True)
    for mark in marks:
        table.add_column(f"{mark:,}" if mark > 1 else "step 1", justify="right")
    table.add_column("reward", justify="right")
    table.add_column("regret", justify="right")
    for result in results:
        table.add_row(
            describe(result.config),
            *(f"{result.optimal_pct[mark - 1]:.1f}" for mark in marks),
            f"{result.mean_reward[-1]:.3f}",
            f"{result.cumulative_regret[-1]:,.1f}",
        )
    return table
