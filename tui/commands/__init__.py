"""The command line, one module per subcommand. Modules must not import torch at import time.

A lab's module has NAME, SUMMARY, `configure(parser)`, `config_from_args(args)` and
`run_headless(args, config, console) -> int`; cli.py gives every lab --headless, --json and --preset.
A lab may also have `app_config(args, config)`: what its pane opens with, when that is more than the config.
A tool's module (a subcommand that is not a lab, such as `watch`) has NAME, SUMMARY,
`configure(parser)` and `run(args) -> int`, and may raise InvalidSetting for a bad value.
"""

from tui.commands import adder, bandit, classify, gan, saddle, watch

LAB_COMMANDS = (adder, saddle, bandit, gan)
TOOL_COMMANDS = (watch, classify)
