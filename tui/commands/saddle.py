"""`gan-tui saddle`: the saddle lab's options and its headless run or step-size sweep."""

from __future__ import annotations

import argparse
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from core.minmax import (
    SETTINGS,
    SaddleConfig,
    Sweep,
    SweepRange,
    Theory,
    Trajectory,
    simulate,
    sweep,
    theory,
)
from tui.commands.output import print_json
from tui.commands.settings_options import add_setting_options, given_settings
from tui.presets import preset_config

NAME = "saddle"
SUMMARY = "gradient descent-ascent on a saddle: step sizes, methods and their theory"

STATUS_STYLES = {"converged": "bold green", "diverged": "bold red", "cycling": "bold yellow", "running": "bold cyan"}


def configure(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, SETTINGS, defaults=SaddleConfig())
    parser.epilog = "Write --start=-1,1 when x is negative: argparse reads -1,1 alone as an option."
    parser.add_argument("--sweep", metavar="LO:HI:N", help="headless: run N step sizes from LO to HI instead of one")


def config_from_args(args: argparse.Namespace) -> SaddleConfig:
    config = SaddleConfig()
    if args.preset:
        config = preset_config(SaddleConfig, NAME, args.preset)
    config = replace(config, **given_settings(args, SETTINGS))
    if args.sweep is not None:
        SweepRange.parse(args.sweep)  # refuse a bad range before anything runs
    return config


def run_headless(args: argparse.Namespace, config: SaddleConfig, console: Console) -> int:
    if args.sweep is not None:
        result = sweep(config, SweepRange.parse(args.sweep).etas())
        if args.json:
            print_json(sweep_json(result))
        else:
            console.print(sweep_table(config, result))
        return 0
    trajectory, known = simulate(config), theory(config)
    if args.json:
        print_json(run_json(config, trajectory, known))
    else:
        console.print(summary(config, trajectory, known))
    return 0


def run_json(config: SaddleConfig, trajectory: Trajectory, known: Theory) -> dict:
    """The documented --json contract: one point per step taken, the start included."""
    return {
        "game": config.game,
        "method": config.method,
        "eta": config.eta,
        "steps": config.steps,
        "start": list(config.start),
        "trajectory": trajectory.points.tolist(),
        "final": list(trajectory.final),
        "final_norm": trajectory.final_norm,
        "status": trajectory.status,
        "theory": {
            "spectral_radius": known.spectral_radius,
            "eta_range": None if known.eta_range is None else list(known.eta_range),
            "best_eta": known.best_eta,
        },
    }


def sweep_json(result: Sweep) -> dict:
    return {
        "sweep": [
            {"eta": float(eta), "final_norm": float(norm), "status": status}
            for eta, norm, status in zip(result.etas, result.final_norm, result.status)
        ]
    }


def summary(config: SaddleConfig, trajectory: Trajectory, known: Theory) -> Table:
    start = f"({config.start[0]:g}, {config.start[1]:g})"
    run = Table(title=f"{config.game} · {config.method} · η = {config.eta:g} · from {start}", show_header=False)
    run.add_column(style="bold")
    run.add_column()
    style = STATUS_STYLES[trajectory.status]
    run.add_row("status", f"[{style}]{trajectory.status}[/] after {trajectory.steps_taken} of {config.steps} steps")
    run.add_row("final point", "({:.6g}, {:.6g})".format(*trajectory.final))
    run.add_row("‖z − z*‖", f"{trajectory.final_norm:.6g}")
    observed = trajectory.observed_rate()
    run.add_row("observed rate", "—" if observed is None else f"{observed:.6g} per step")
    verdict = "< 1: converges" if known.converges else "≥ 1: does not converge"
    run.add_row("spectral radius ρ", f"{known.spectral_radius:.6g} ({verdict})")
    if known.eta_range is not None:
        run.add_row("converges for", f"{known.eta_range[0]:g} < η < {known.eta_range[1]:.6g}")
    if known.best_eta is not None:
        run.add_row("best η", f"{known.best_eta:.6g}")
    run.add_row("note", known.note)
    return run


def sweep_table(config: SaddleConfig, result: Sweep) -> Table:
    start = f"({config.start[0]:g}, {config.start[1]:g})"
    table = Table(title=f"{config.game} · {config.method} · {config.steps} steps from {start}")
    for column in ("η", "‖z − z*‖ at the end", "status"):
        table.add_column(column, justify="right")
    for eta, norm, status in zip(result.etas, result.final_norm, result.status):
        table.add_row(f"{eta:.6g}", f"{norm:.4g}", f"[{STATUS_STYLES[status]}]{status}[/]")
    return table
