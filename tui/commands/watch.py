"""`gan-tui watch RUN_DIR...`: the GAN tab attached read-only to run folders that another process writes."""

from __future__ import annotations

import argparse
import sys

from core.errors import InvalidSetting

NAME = "watch"
SUMMARY = "watch GAN runs that another process is training (read-only)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR",
                        help="a run folder written by gan-tui gan (e.g. runs/<id>); several overlay their loss curves")


def run(args: argparse.Namespace) -> int:
    from core.gan.watch import RunWatcher
    from tui.app import GanTuiApp
    from tui.labs.gan import GanSession

    try:
        for path in args.runs:
            RunWatcher(path)
    except InvalidSetting as error:
        print(f"gan-tui watch: error: {error.message}", file=sys.stderr)
        return 2
    GanTuiApp(initial_tab="gan", configs={"gan": GanSession(watch=tuple(args.runs))}).run()
    return 0
