"""Does the GAN tab's first run learn digits? The issue-15 targets, measured through the command users run.

Run: .venv/bin/python bench/gan_quality.py [--mnist DIR] [--only NAME ...] [--keep DIR]
Each row is `gan-tui gan --headless --json ...` in its own process; its final evaluation (the last
metrics.jsonl record) against the targets, its training time (from metrics.jsonl) and wall time. The
reference rows put real held-out images through the same evaluator: what a perfect generator would score. The glyph
evaluator trains itself on first use; the MNIST one is trained here first if the cache has none. Prints a
table row as each run ends and the load average before and after: quote times only from a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED_MNIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "mnist-t10k"
# name -> (options, data set, targets: classes covered >=, KL <=, confident % >=, cond accuracy >=, seconds <=)
RUNS = {
    "opener (defaults)": ([], "glyphs", (9, 0.10, 60, None, 60)),
    "conditional": (["--preset", "conditional"], "glyphs", (10, None, None, 0.9, None)),
    "mlp mnist 30 epochs": (["--data", "mnist", "--epochs", "30"], "mnist", (9, 0.15, 50, None, None)),
    "conditional mnist": (["--preset", "conditional", "--data", "mnist", "--epochs", "30"], "mnist",
                          (10, None, None, 0.9, None)),
    "conv mnist (default length)": (["--model", "conv", "--data", "mnist"], "mnist", (9, 0.15, 50, None, None)),
}
COLUMNS = ("run", "steps", "train s", "wall s", "classes", "KL", "confident %", "cond acc", "targets")


def reference_row(data: str, folder: str | None) -> list[str]:
    from core.gan.classifier import load_classifier, real_splits
    from core.gan.evaluation import EVAL_IMAGES
    from core.gan.metrics import class_histogram, confident_pct

    classifier = load_classifier(data)
    _, held_out = real_splits(data, folder)   # images the evaluator never trained on
    labels, _, confidence = classifier.predict(held_out.x[:EVAL_IMAGES])
    histogram = class_histogram(labels, 10, classifier.class_distribution)
    return [f"real {data}", "", "", "", f"{histogram.classes_covered}", f"{histogram.class_kl:.3f}",
            f"{confident_pct(confidence):.1f}", "", ""]


def run_row(name: str, options: list[str], targets: tuple, out: Path) -> list[str]:
    command = [sys.executable, "-m", "tui.cli", "gan", "--headless", "--json", "--out", str(out), *options]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return [name, "", "", f"{wall:.0f}", "failed: " + done.stderr.strip()[-100:], "", "", "", "no"]
    summary = json.loads(done.stdout)
    final, seconds = summary["evaluation"] or {}, summary["last"]["time"]
    covered, kl, sharp, accuracy = (final.get(key) for key in ("classes_covered", "class_kl", "confident_pct",
                                                                "cond_accuracy"))
    least_classes, most_kl, least_sharp, least_accuracy, most_seconds = targets
    met = [covered is not None and covered >= least_classes,
           most_kl is None or (kl is not None and kl <= most_kl),
           least_sharp is None or (sharp is not None and sharp >= least_sharp),
           least_accuracy is None or (accuracy is not None and accuracy >= least_accuracy),
           most_seconds is None or seconds <= most_seconds]
    return [name, f"{summary['step']:,}", f"{seconds:.0f}", f"{wall:.0f}", f"{covered} of 10",
            "" if kl is None else f"{kl:.3f}", "" if sharp is None else f"{sharp:.1f}",
            "" if accuracy is None else f"{accuracy:.3f}", "met" if all(met) else "MISSED"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", default=str(SHARED_MNIST), metavar="DIR", help="MNIST folder (default: ../shared)")
    parser.add_argument("--only", action="append", choices=sorted(RUNS), help="default: every run")
    parser.add_argument("--keep", metavar="DIR", help="keep the run folders in DIR")
    args = parser.parse_args()
    names = args.only or list(RUNS)
    has_mnist = Path(args.mnist).is_dir()
    print(f"load average before: {os.getloadavg()}", flush=True)
    if has_mnist and any(RUNS[name][1] == "mnist" for name in names):
        from core.gan.classifier import ClassifierUnavailable, load_classifier
        try:
            load_classifier("mnist")
        except ClassifierUnavailable:
            subprocess.run([sys.executable, "-m", "tui.cli", "classify", "--data", "mnist", "--data-dir", args.mnist],
                           check=True)
    print("| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        for index, name in enumerate(names):
            options, data, targets = RUNS[name]
            if data == "mnist":
                if not has_mnist:
                    print(f"| {name} | skipped: no MNIST folder at {args.mnist} |", flush=True)
                    continue
                options = [*options, "--data-dir", args.mnist]
            print("| " + " | ".join(run_row(name, options, targets, folder / f"{index}")) + " |", flush=True)
        for data in ("glyphs", "mnist") if has_mnist else ("glyphs",):
            print("| " + " | ".join(reference_row(data, args.mnist if data == "mnist" else None)) + " |", flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
