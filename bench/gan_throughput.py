"""Training throughput as users run it: `gan-tui gan --headless` against the reference DCGAN loop.

The reference is ../shared/bench/reference_dcgan_loop.py (the TensorFlow tutorial's DCGAN on FashionMNIST
through torchvision's dataset and a DataLoader with 2 workers, .item() every step). Ours is the command a
user types for the same model and maths: `gan-tui gan --headless --model dcgan --data fashion-mnist
--batch 64 --lr-d 1e-4 --lr-g 1e-4 --beta1 0.9 --dropout 0.3`, with its run folder, progress bar, metrics,
sampling and evaluation at their defaults. Both read the same random FashionMNIST-shaped IDX files, written
once into a temporary folder, and each runs in its own process, the two alternating, so a change in the
machine's load hits both alike. Ours is timed from its metrics.jsonl, between its first record at or after
the warm-up and its last one, as the reference times its steps after the same warm-up.

Every pair is printed, then the median ratio and its spread, each side's peak RSS (from wait4), the MLP
GAN's images/s (the opener, `gan-tui gan --headless` with no options), and the load average before and
after (which counts the benchmark's own processes). On a loaded machine the reference's data-loading workers
slow more than we do and the ratio flatters us: quote only a run that starts with a load average below 1.

Usage: python bench/gan_throughput.py [--steps 100] [--pairs 5] [--device cpu] [--precision fp32]
                                      [--reference PATH]
Goal on a 2-core CPU: median ratio >= 1.3, peak RSS < 2 GiB; on a GPU: >= 3.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
WARM_UP = 10  # steps, as in the reference
MLP_STEPS = 1000
QUIET_LOAD = 1.0
DCGAN_SETTINGS = ["--model", "dcgan", "--objective", "nonsat", "--data", "fashion-mnist", "--batch", "64",
                  "--lr-d", "1e-4", "--lr-g", "1e-4", "--beta1", "0.9", "--beta2", "0.999", "--dropout", "0.3"]


def find_reference(explicit: str | None) -> Path:
    """../shared/bench/reference_dcgan_loop.py beside this repository (or beside its main checkout)."""
    roots = [REPO]
    common = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                            capture_output=True, text=True)
    if common.returncode == 0:
        roots.append(Path(common.stdout.strip()).parent)  # a git worktree's main checkout
    candidates = ([Path(explicit)] if explicit
                  else [root.parent / "shared" / "bench" / "reference_dcgan_loop.py" for root in roots])
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    sys.exit("gan_throughput: the reference loop is missing; looked for " + ", ".join(map(str, candidates))
             + " (give its path with --reference PATH)")


def write_random_idx(root: Path, train: int = 60_000, test: int = 10_000) -> None:
    """Random uint8 images and labels in FashionMNIST's IDX files, torchvision's layout (root/FashionMNIST/raw)."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for split, count in (("train", train), ("t10k", test)):
        images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=count, dtype=np.uint8)
        (raw / f"{split}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, count, 28, 28) + images.tobytes())
        (raw / f"{split}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, count) + labels.tobytes())


def run_child(command: list[str]) -> tuple[str, float]:
    """Run `command` to completion: its stdout and its own peak resident memory in GiB (from wait4)."""
    with tempfile.TemporaryFile("w+") as stderr:  # a file, not a pipe: a full pipe would stall the child
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=REPO)
        stdout = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            sys.exit(f"gan_throughput: {' '.join(command)} failed:\n{stderr.read()}")
    return stdout, usage.ru_maxrss / 2**20  # ru_maxrss is in KiB on Linux


def images_per_s(run: Path, batch: int = 64) -> float:
    """Throughput from a run's metrics.jsonl: its loss records from the first at or after WARM_UP to the last."""
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    losses = [record for record in records if "g_loss" in record]
    first = next(record for record in losses if record["step"] >= WARM_UP)
    last = losses[-1]
    return (last["step"] - first["step"]) * batch / (last["time"] - first["time"])


def gan_tui(arguments: list[str], out: Path) -> tuple[float, float]:
    """`gan-tui gan --headless ARGUMENTS --out OUT` in its own process: images/s and peak RSS."""
    _, rss = run_child([sys.executable, "-m", "tui.cli", "gan", "--headless", *arguments, "--out", str(out)])
    return images_per_s(out), rss


def load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="measured DCGAN steps per run, after 10 warm-up steps")
    parser.add_argument("--pairs", type=int, default=5, help="reference/ours pairs, alternating")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precision", default="fp32", help="ours only: fp32, or bf16/fp16 on CUDA")
    parser.add_argument("--reference", help="path of reference_dcgan_loop.py")
    args = parser.parse_args()
    reference = find_reference(args.reference)
    load_before = load()
    print(f"load average before: {load_before:.2f}  ({os.cpu_count()} CPUs)", flush=True)
    ratios, rss = [], {"reference": 0.0, "ours": 0.0}
    with tempfile.TemporaryDirectory(prefix="gan_throughput_") as temporary:
        data_root, runs = Path(temporary) / "data", Path(temporary) / "runs"
        write_random_idx(data_root)
        ours = [*DCGAN_SETTINGS, "--data-dir", str(data_root), "--device", args.device, "--precision", args.precision,
                "--max-steps", str(WARM_UP + args.steps)]
        for pair in range(1, args.pairs + 1):
            stdout, reference_rss = run_child([sys.executable, str(reference), str(args.steps), str(data_root),
                                               args.device])
            theirs = float(re.search(r"([\d.]+) images/s", stdout).group(1))
            mine, our_rss = gan_tui(ours, runs / f"dcgan-{pair}")
            rss = {"reference": max(rss["reference"], reference_rss), "ours": max(rss["ours"], our_rss)}
            ratios.append(mine / theirs)
            print(f"pair {pair}: reference {theirs:7.1f} images/s, ours {mine:7.1f} images/s, ratio {ratios[-1]:.2f}"
                  f"  (load {load():.2f})", flush=True)
        mlp, mlp_rss = gan_tui(["--device", args.device, "--max-steps", str(MLP_STEPS)], runs / "mlp")
    load_after = load()
    print(f"median ratio ours / reference: {statistics.median(ratios):.2f}  (spread {min(ratios):.2f}-{max(ratios):.2f}"
          f" over {len(ratios)} pairs; goal >= 1.3 on a CPU, >= 3 on a GPU)")
    print(f"peak RSS: reference {rss['reference']:.2f} GiB, ours {rss['ours']:.2f} GiB  (goal < 2 GiB)")
    print(f"MLP GAN (the opener's settings, {MLP_STEPS} steps): {mlp:,.0f} images/s, peak RSS {mlp_rss:.2f} GiB")
    print(f"load average after: {load_after:.2f}")
    if load_before >= QUIET_LOAD:  # during and after, the load includes this benchmark's own two processes
        print(f"warning: the load average was {load_before:.2f} (>= {QUIET_LOAD}) before the first run: other work "
              "shares the CPU and the ratio flatters us; measure again on a quiet machine before quoting it")


if __name__ == "__main__":
    main()
