"""`gan-tui adder`: the RNN adder's options and its headless trace or exhaustive check."""

from __future__ import annotations

import argparse
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from core.adder import SETTINGS, AdderConfig, Addition, add, format_bits, format_number, parse_weight_assignment, verify
from core.errors import InvalidSetting
from tui.commands.output import print_json
from tui.commands.settings_options import add_setting_options, given_settings
from tui.presets import config_from_mapping, preset_config

NAME = "adder"
SUMMARY = "a hand-wired RNN that adds binary numbers"


def configure(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, SETTINGS)
    parser.add_argument(
        "--set",
        metavar="NAME=VALUES",
        action="append",
        default=[],
        help="override a weight: v, U, W, b_h, b_y or h_0; e.g. --set b_y=0.5 --set 'U=1,1;1,1;1,1'",
    )
    parser.add_argument("--verify", metavar="N", type=int, help="headless: check every pair of N-bit numbers")


def config_from_args(args: argparse.Namespace) -> AdderConfig:
    config = preset_config(AdderConfig, NAME, args.preset) if args.preset else AdderConfig()
    config = replace(config, **given_settings(args, SETTINGS, config))
    assignments = dict(map(parse_weight_assignment, args.set))
    try:
        weights = config_from_mapping(type(config.weights), assignments, config.weights)
    except InvalidSetting as error:
        raise InvalidSetting("set", f"{error.field} {error.message}") from None
    return replace(config, weights=weights)


def run_headless(args: argparse.Namespace, config: AdderConfig, console: Console) -> int:
    if args.verify is not None:
        result = verify(config.weights, args.verify)
        counterexample = result.first_counterexample
        if args.json:
            first = None if counterexample is None else {
                "a": format_bits(counterexample[0], result.bits), "b": format_bits(counterexample[1], result.bits)}
            print_json({"bits": result.bits, "checked": result.checked, "failures": result.failures,
                        "first_counterexample": first})
        else:
            console.print(f"checked {result.checked:,} pairs of {result.bits}-bit numbers: {result.failures:,} wrong")
            if counterexample:
                console.print(f"first counterexample: {counterexample[0]} + {counterexample[1]}")
        return 0
    addition = add(config.weights, config.a, config.b)
    if args.json:
        print_json(addition_json(addition))
    else:
        console.print(trace_table(addition, config))
    return 0


def addition_json(addition: Addition) -> dict:
    """The documented --json contract; bit strings are written most significant first."""
    width = addition.width
    return {
        "a": format_bits(addition.a, width),
        "b": format_bits(addition.b, width),
        "sum": format_bits(addition.total, width),
        "expected": format_bits(addition.expected, width),
        "correct": addition.correct,
        "steps": [{"t": s.t, "x": list(s.x), "pre": list(s.pre), "h": list(s.h), "y": s.y} for s in addition.steps],
    }


def trace_table(addition: Addition, config: AdderConfig) -> Table:
    verdict = "[green]correct[/]" if addition.correct else "[red]wrong[/]"
    numbers = " + ".join(format_number(n, config.notation) for n in (addition.a, addition.b))
    table = Table(title=f"{numbers} = {format_number(addition.total, config.notation)} ({verdict}; "
                  f"expected {format_number(addition.expected, config.notation)})")
    for column in ("t", "a_t b_t", "pre-activations", "h_t", "y_t", "carry"):
        table.add_column(column, justify="right")
    for s in addition.steps:
        pre = " ".join(f"{value:+g}" for value in s.pre)
        table.add_row(str(s.t), f"{s.x[0]} {s.x[1]}", pre, "".join(map(str, s.h)), str(s.y), str(s.carry))
    return table
