"""`gan-tui classify`: train and cache the evaluator classifier that the GAN lab's metrics use."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from core.errors import InvalidSetting
from tui.commands.output import print_json

NAME = "classify"
SUMMARY = "train the classifier that measures GAN samples (class histogram, cFD)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, metavar="SET", help="glyphs, mnist, fashion-mnist or cifar10")
    parser.add_argument("--data-dir", metavar="DIR", help="folder holding the real set's files (not for glyphs)")
    parser.add_argument("--download", action="store_true", help="fetch a missing real set into --data-dir")
    parser.add_argument("--epochs", type=int, metavar="N",
                        help="passes over the training images (default: about 60k images seen for glyphs, "
                        "100k for mnist, 300k for fashion-mnist, 500k for cifar10)")
    parser.add_argument("--size", type=int, metavar="N", help="train on the first N training images (default: all)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed for initial weights, order and shifts")
    parser.add_argument("--device", default="auto", metavar="NAME", help="auto, cpu, cuda or mps (default: auto)")
    parser.add_argument("--out", metavar="PATH",
                        help="where to save it (default: $XDG_CACHE_HOME or ~/.cache, then gan-tui/classifiers/SET.pt)")
    parser.add_argument("--json", action="store_true", help='print {"data", "accuracy", "path"} as JSON')


def run(args: argparse.Namespace) -> int:
    from core.gan import classifier as classifiers  # torch loads here, not when the command line starts
    from core.gan.config import DEVICES, MAX_SEED
    from core.gan.trainer import resolve_device

    classifiers.check_data(args.data)
    if args.device not in DEVICES:
        raise InvalidSetting("device", f"{args.device!r} is not one of {', '.join(DEVICES)}")
    device = resolve_device(args.device)
    if not 0 <= args.seed <= MAX_SEED:
        raise InvalidSetting("seed", f"must be a whole number from 0 to {MAX_SEED} (got {args.seed})")
    out = classifiers.prepare_out(args.out) if args.out is not None else _cache_path(classifiers, args.data)
    console = Console(stderr=True)  # stdout stays clean for --json
    began = time.perf_counter()
    with console.status(f"loading {args.data}"):
        train, test = classifiers.real_splits(args.data, args.data_dir, args.seed, args.size, args.download)
    columns = (TextColumn(f"training the {args.data} classifier"), BarColumn(), MofNCompleteColumn(),
               TextColumn("batches"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=args.json) as progress:
        task = progress.add_task("train", total=None)
        trained = classifiers.train_classifier(
            train, test, epochs=args.epochs, seed=args.seed, device=device,
            progress=lambda done, total: progress.update(task, completed=done, total=total))
    path = classifiers.save_classifier(trained, out)
    if args.json:
        print_json({"data": args.data, "accuracy": trained.accuracy, "path": str(path)})
        return 0
    target = classifiers.TARGET_ACCURACY[args.data]
    verdict = "[green]meets[/]" if trained.accuracy >= target else "[yellow]is below[/]"
    Console(soft_wrap=True).print(
        f"{args.data} classifier: {trained.accuracy:.2%} on {len(test.x):,} held-out images, which {verdict} the "
        f"{target:.0%} target ({len(train.x):,} training images, {trained.epochs} epoch{'s' * (trained.epochs != 1)}, "
        f"{time.perf_counter() - began:.0f} s)\nsaved to {path}")
    return 0


def _cache_path(classifiers: Any, data: str) -> Path:
    """The cache file the classifier goes to without --out; a cache that cannot be written is said to be one,
    not blamed on an --out the user never gave."""
    path = classifiers.default_path(data)
    try:
        return classifiers.prepare_out(path)
    except InvalidSetting as error:
        where = "XDG_CACHE_HOME" if os.environ.get("XDG_CACHE_HOME") else "~/.cache"
        reason = error.message.removeprefix(f"cannot write the classifier to {path}: ")
        raise InvalidSetting("out", f"not given, and the cache cannot take the classifier at {path} ({reason}); "
                             f"point {where} at a writable folder or give --out PATH") from None
