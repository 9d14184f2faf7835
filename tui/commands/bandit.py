"""`gan-tui bandit`: the policy-gradient bandit's options and its headless testbed run."""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table

from core.bandit import SETTINGS, BanditConfig, TestbedResult, describe, run_testbed, variants
from tui.commands.output import print_json
from tui.commands.settings_options import add_setting_options, given_settings
from tui.presets import preset_config

NAME = "bandit"
SUMMARY = "softmax policy gradient on a k-armed bandit"


def configure(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, SETTINGS, defaults=BanditConfig())
    parser.epilog = "--q or --theta without --arms sets the number of arms to the number of values given."


def config_from_args(args: argparse.Namespace) -> BanditConfig | None:
    """The preset (if any) with the options given on top; None opens the app on its default preset."""
    changes = given_settings(args, SETTINGS)
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
