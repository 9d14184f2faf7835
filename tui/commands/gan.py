"""`gan-tui gan`: the GAN lab's options, and headless training with a progress bar into a run folder."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column

from core.errors import InvalidSetting
from core.gan.config import RESUMABLE, GanConfig
from core.gan.settings import SETTINGS
from tui.commands.output import print_json
from tui.commands.settings_options import add_setting_options, given_settings
from tui.presets import preset_config

NAME = "gan"
SUMMARY = "train a GAN (MLP or DCGAN, seven objectives) with live losses and samples"

HEADLESS_SAMPLE_EVERY = 100  # the app's DEFAULT_SAMPLE_EVERY (tui/labs/gan.py), not imported: it would load Textual


def configure(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, SETTINGS, exclusive=("epochs", "max_steps"))
    parser.add_argument("--out", metavar="DIR", help="the run folder (default runs/<date-time>-...)")
    parser.add_argument("--resume", metavar="DIR", help="continue the run in DIR")
    parser.add_argument("--start", action="store_true", help="in the app: start training at once")


def config_from_args(args: argparse.Namespace) -> GanConfig:
    given = given_settings(args, SETTINGS)
    if "epochs" in given:
        given.setdefault("max_steps", 0)
    if "max_steps" in given:
        given.setdefault("epochs", 0)
    if args.resume:
        return _resumed_config(args, given)
    base = GanConfig()
    if args.preset:
        base = preset_config(GanConfig, NAME, args.preset)
    return dataclasses.replace(base, **given)


def app_config(args: argparse.Namespace, config: GanConfig) -> Any:
    """What the GAN tab opens with: the form filled from `config`, and --start, --out, --resume."""
    from tui.labs.gan import GanSession

    return GanSession(config, start=args.start, out=args.out, resume=args.resume)


def _resumed_config(args: argparse.Namespace, given: dict[str, Any]) -> GanConfig:
    from core.gan.run_dir import RunDir

    if args.preset:
        raise InvalidSetting("preset", "cannot be combined with --resume: a resumed run keeps its settings")
    if args.out:
        raise InvalidSetting("out", "cannot be combined with --resume: the run stays in its folder")
    fixed = [field for field in given if field not in RESUMABLE]
    if fixed:
        raise InvalidSetting(fixed[0], "cannot change when resuming: the run keeps its settings; only "
                             + ", ".join(f"--{f.replace('_', '-')}" for f in RESUMABLE) + " can")
    return dataclasses.replace(RunDir.open(args.resume).read_config(), **given)


def run_headless(args: argparse.Namespace, config: GanConfig, console: Console) -> int:
    from core.gan.control import Control, stop_on_signals
    from core.gan.events import Evaluation, Failed
    from core.gan.trainer import open_training

    trainer = open_training(with_sampling_schedule(args, config), out=args.out, resume=args.resume)
    sinks = [] if args.json else [TrainingProgress(console)]
    control = Control()
    with stop_on_signals(control):
        result = trainer.run(sinks, control)
    summary = run_summary(trainer, result)
    if args.json:
        print_json(summary)
    else:
        if isinstance(result, Failed):
            Console(stderr=True).print(f"[red]training failed at step {result.step}:[/] {result.message}")
        else:
            line = f"{result.reason} at step {result.step} of {trainer.total_steps}"
            if summary["evaluation"]:
                line += f"; {Evaluation.from_record(summary['evaluation']).describe()}"
            console.print(line)
        console.print(summary["run_dir"], highlight=False)
    return 1 if isinstance(result, Failed) else 0


def with_sampling_schedule(args: argparse.Namespace, config: GanConfig) -> GanConfig:
    """Sample as the app does where neither the options nor the preset chose: a grid every
    HEADLESS_SAMPLE_EVERY steps and at the snapshot epochs, so `gan-tui watch` shows the generator
    improving during the run (GanConfig's own default, 0, samples only at the end). A resumed run keeps its own."""
    from core.gan.history import SNAPSHOT_EPOCHS

    if args.resume:
        return config
    if args.sample_every is None and not config.sample_every:
        config = dataclasses.replace(config, sample_every=HEADLESS_SAMPLE_EVERY)
    if args.sample_epochs is None and not config.sample_epochs:
        config = dataclasses.replace(config, sample_epochs=SNAPSHOT_EPOCHS)
    return config


def run_summary(trainer: Any, result: Any) -> dict[str, Any]:
    """The documented --json contract: where the run is, how it ended, its last losses and its last
    evaluation (the metrics.jsonl records), modes covered for 2-D data."""
    from core.gan.data import mixture_modes
    from core.gan.events import Failed

    records = trainer.run_dir.read_metrics()
    losses = [record for record in records if "g_loss" in record]
    evaluations = [record for record in records if "eval_seconds" in record]
    evaluation = evaluations[-1] if evaluations else None
    points = trainer.config.is_points and evaluation is not None
    return {
        "run_dir": str(trainer.run_dir.path),
        "step": result.step,
        "total_steps": trainer.total_steps,
        "status": "failed" if isinstance(result, Failed) else result.reason,
        "error": result.message if isinstance(result, Failed) else None,
        "last": losses[-1] if losses else None,
        "evaluation": evaluation,
        "modes_covered": evaluation["modes_covered"] if points else None,
        "modes": len(mixture_modes(trainer.config.data)) if points else None,
    }


class TrainingProgress:
    """A sink of training events: a rich progress bar with step, epoch, losses, images/s and ETA."""

    def __init__(self, console: Console):
        # the step count and the time never shrink; the statistics, last, are cut short on a narrow terminal,
        # and once the run ends the time is what it took (a remaining time would read 0:00:00)
        fixed = Column(no_wrap=True)
        self.bar = Progress(
            TextColumn("[bold]{task.description}", table_column=fixed), BarColumn(bar_width=16),
            MofNCompleteColumn(table_column=Column(no_wrap=True)),
            TimeRemainingColumn(elapsed_when_finished=True, table_column=Column(no_wrap=True)),
            TextColumn("{task.fields[stats]}", table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1)),
            console=console, expand=True,
            auto_refresh=False,  # redrawn on each report (~10 a second) instead of by a thread beside torch's two
        )
        self.task: Any = None

    def __call__(self, event: Any) -> None:
        from core.gan.events import Evaluation, Failed, Finished, Notice, Progress as Report, Started

        if isinstance(event, Notice):
            self.bar.console.print(f"[yellow]{event.message}[/]", highlight=False)
        elif isinstance(event, Evaluation):
            self.bar.console.print(f"step {event.step}: {event.describe()}", highlight=False)
        elif isinstance(event, Started):
            self.bar.start()
            self.task = self.bar.add_task("training", total=event.total_steps, completed=event.step, stats="")
        elif isinstance(event, Report):
            self.bar.update(self.task, completed=event.step, stats=_stats_text(event), refresh=True)
        elif isinstance(event, (Finished, Failed)):
            self.bar.stop()


def _stats_text(event: Any) -> str:
    losses = f"G {event.g_loss:.3f}" if event.d_loss is None else (
        f"D {event.d_loss:.3f}  G {event.g_loss:.3f}  D(x) {event.d_real:.2f}  D(G(z)) {event.d_fake:.2f}")
    return f"epoch {event.epoch:.2f}  {losses}  {event.images_per_s:,.0f} img/s"
