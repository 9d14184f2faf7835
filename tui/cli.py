"""The `gan-tui` command: opens the app on a lab, or runs a lab headless with --headless."""

from __future__ import annotations

import argparse
import sys

from core.errors import InvalidSetting

INTERRUPTED = 130  # the shell's status for a process ended by SIGINT


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each lab's subparser (to report errors against the right one)."""
    from tui.commands import LAB_COMMANDS, TOOL_COMMANDS

    parser = argparse.ArgumentParser(
        prog="gan-tui",
        description="An educational terminal playground for deep learning. "
        "With no lab, opens the app on the first tab.",
    )
    labs = parser.add_subparsers(dest="command", metavar="COMMAND", title="labs and tools")
    subparsers = {}
    for command in LAB_COMMANDS:
        sub = labs.add_parser(command.NAME, help=command.SUMMARY,
                              description=f"gan-tui {command.NAME}: {command.SUMMARY}.")
        sub.add_argument("--headless", action="store_true", help="run without the app and print the result")
        sub.add_argument("--json", action="store_true", help="with --headless: print JSON instead of a table")
        sub.add_argument("--preset", metavar="NAME|FILE", help="start from a shipped preset or a preset TOML file")
        command.configure(sub)
        subparsers[command.NAME] = sub
    for command in TOOL_COMMANDS:
        sub = labs.add_parser(command.NAME, help=command.SUMMARY,
                              description=f"gan-tui {command.NAME}: {command.SUMMARY}.")
        command.configure(sub)
        subparsers[command.NAME] = sub
    return parser, subparsers


def main(argv: list[str] | None = None) -> int:
    """The console script. Ctrl+C before training has anything to save (imports, data loading) ends quietly
    with status 130; during training the first one stops the run with a final checkpoint."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("gan-tui: interrupted", file=sys.stderr)
        return INTERRUPTED


def _main(argv: list[str] | None) -> int:
    from tui.commands import LAB_COMMANDS, TOOL_COMMANDS

    parser, subparsers = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _run_app("adder", {})
    tool = next((c for c in TOOL_COMMANDS if c.NAME == args.command), None)
    command = tool or next(c for c in LAB_COMMANDS if c.NAME == args.command)
    try:
        _refuse_empty_values(args)
        if not tool and args.json and not args.headless:
            raise InvalidSetting("json", "needs --headless: without it the app opens, and a script waiting for "
                                 "JSON would wait for ever")
        if tool:
            return tool.run(args)
        config = command.config_from_args(args)
        if args.headless:
            from rich.console import Console

            return command.run_headless(args, config, Console())
        if hasattr(command, "app_config"):  # a lab with more to say to its pane than the config
            config = command.app_config(args, config)
    except InvalidSetting as error:
        subparsers[args.command].error(f"--{error.field.replace('_', '-')}: {error.message}")
    return _run_app(args.command, {args.command: config})


def _refuse_empty_values(args: argparse.Namespace) -> None:
    """An empty value (--out '', --resume '', --preset '') would quietly mean "here" or "the default"; it is an
    error everywhere, so no check can be bypassed with one."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and not item.strip() for item in values):
            raise InvalidSetting(name, "must not be empty")


def _run_app(lab: str, configs: dict[str, object]) -> int:
    from tui.app import GanTuiApp

    GanTuiApp(initial_tab=lab, configs=configs).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
