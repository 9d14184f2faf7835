"""One module per lab for the command line: its options, its config from them, and its headless run.

Each module has NAME, SUMMARY, `configure(parser)`, `config_from_args(args)` and
`run_headless(args, config, console) -> int`. Modules must not import torch at import time.
"""

from tui.commands import adder, bandit

LAB_COMMANDS = (adder, bandit)
