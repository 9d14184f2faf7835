"""The mode-collapse stories the GAN presets tell, measured: one headless run per preset and seed.

Run: .venv/bin/python bench/gan_stories.py [--story ring8|wgan-clip|glyphs] [--seeds 0,1,2] [--keep DIR]
Needs the glyph classifier in the cache (`gan-tui classify --data glyphs`). Each run is
`gan-tui gan --headless --json --preset NAME --seed S [overrides]` in its own process; the table gives its
final evaluation (the metrics.jsonl record at the last step), its wall time and the share of training time
spent evaluating. The reference rows are real data through the same metrics: 3,000 fresh glyphs against
the cached statistics (the cFD floor of a perfect generator at this sample size) and 2,500 ring8 points.
"covered" is the metric: classes with at least 1% of the samples, or modes with a fair share of them
(at least 1/(4 M), which stray samples cannot inflate); "reached" counts the modes with at least one sample
within 3 std, the papers' looser count. Prints a Markdown table, one row as each run ends.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STORIES = {  # story -> runs: (preset, extra options)
    "ring8": [("ring8-plain", []), ("ring8-unrolled", [])],
    "wgan-clip": [(f"wgan-c{c}", []) for c in ("0.1", "0.01", "0.001", "0.0001")],
    "glyphs": [("digits", []), ("collapse", []), ("minimax", []), ("lsgan", []), ("wgan-gp", [])],
}
COLUMNS = ("preset", "options", "seed", "steps", "wall s", "eval %", "covered", "reached", "high quality %", "KL",
           "confident %", "cFD")


def reference_rows() -> list[list[str]]:
    import numpy as np

    from core.gan.classifier import load_classifier
    from core.gan.data import load_data, mixture_modes, mixture_std
    from core.gan.evaluation import EVAL_IMAGES, EVAL_POINTS
    from core.gan.metrics import class_histogram, confident_pct, feature_stats, frechet_distance, mode_coverage

    classifier = load_classifier("glyphs")
    glyphs = load_data("glyphs", size=EVAL_IMAGES, seed=12345)
    labels, features, confidence = classifier.predict(glyphs.x)
    histogram = class_histogram(labels, 10, classifier.class_distribution)
    cfd = frechet_distance(feature_stats(features), classifier.real_stats)
    points = load_data("ring8", size=EVAL_POINTS, seed=12345).x
    coverage = mode_coverage(points, mixture_modes("ring8"), mixture_std("ring8"))
    assert np.isfinite(cfd)
    return [["real glyphs", "", "12345", "", "", "", f"{histogram.classes_covered} of 10", "", "",
             f"{histogram.class_kl:.3f}", f"{confident_pct(confidence):.1f}", f"{cfd:.2f}"],
            ["real ring8", "", "12345", "", "", "", f"{coverage.modes_covered} of 8", f"{coverage.modes_reached} of 8",
             f"{coverage.high_quality_pct:.1f}", "", "", ""]]


def run_row(preset: str, options: list[str], seed: int, folder: Path) -> list[str]:
    out = folder / f"{preset}-seed{seed}"
    command = [sys.executable, "-m", "tui.cli", "gan", "--headless", "--json", "--preset", preset,
               "--seed", str(seed), "--out", str(out), *options]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return [preset, " ".join(options), str(seed), "", f"{wall:.0f}", "", "failed: " + done.stderr.strip()[-80:],
                "", "", "", "", ""]
    summary = json.loads(done.stdout)
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    evaluations = [r for r in records if "eval_seconds" in r]
    final = summary["evaluation"]
    spent = sum(r["eval_seconds"] for r in evaluations)
    cost = spent / max(records[-1]["time"] - spent, 1e-9)  # evaluating, as a share of the training time
    if "modes_covered" in final:
        counts = final["mode_counts"]
        covered, quality, kl, sharp, cfd = (f"{final['modes_covered']} of {len(counts)}",
                                            f"{final['high_quality_pct']:.1f}", "", "", "")
        reached = f"{final['modes_reached']} of {len(counts)}"
    else:
        covered, reached = f"{final['classes_covered']} of 10", ""
        quality = ""
        kl = f"{final['class_kl']:.3f}"
        sharp = f"{final['confident_pct']:.1f}"
        cfd = "" if final["cfd"] is None else f"{final['cfd']:.2f}"
    return [preset, " ".join(options), str(seed), str(summary["step"]), f"{wall:.0f}", f"{100 * cost:.1f}",
            covered, reached, quality, kl, sharp, cfd]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", choices=sorted(STORIES), action="append", help="default: all")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (default 0)")
    parser.add_argument("--keep", metavar="DIR", help="keep the run folders in DIR")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print("| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS), flush=True)
    for row in reference_rows():
        print("| " + " | ".join(row) + " |", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        for story in args.story or list(STORIES):
            for preset, options in STORIES[story]:
                for seed in seeds:
                    print("| " + " | ".join(run_row(preset, options, seed, folder)) + " |", flush=True)


if __name__ == "__main__":
    main()
