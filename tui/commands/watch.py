"""`gan-tui watch RUN_DIR...`: the GAN tab attached read-only to run folders that another process writes."""

from __future__ import annotations

import argparse
import sys

from core.errors import InvalidSetting

NAME = "watch"
SUMMARY = "watch GAN runs that another process is training (read-only)"
START_WAIT_S = 60  # a run folder still starting (torch loading, data building) gets this long to write config.json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR",
                        help="a run folder written by gan-tui gan (e.g. runs/<id>); several overlay their loss curves")


def run(args: argparse.Namespace) -> int:
    from core.gan.run_dir import RunDir
    from core.gan.watch import RunWatcher, wait_for_config
    from tui.app import GanTuiApp
    from tui.labs.gan import GanSession

    try:
        for path in args.runs:
            if RunDir(path).is_starting():  # watch started with the run: its config.json comes in a few seconds
                print(f"gan-tui watch: waiting for {path} to start (up to {START_WAIT_S:.0f} s; ctrl+c gives up)…",
                      file=sys.stderr)
                wait_for_config(path, START_WAIT_S)
            RunWatcher(path)
    except InvalidSetting as error:
        print(f"gan-tui watch: error: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    GanTuiApp(initial_tab="gan", configs={"gan": GanSession(watch=tuple(args.runs))}).run()
    return 0
