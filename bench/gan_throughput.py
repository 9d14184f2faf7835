"""Training throughput: our DCGAN trainer against the reference loop, on the same data, in one run.

The reference is ../shared/bench/reference_dcgan_loop.py (the textbook DCGAN on FashionMNIST through
torchvision's dataset and a DataLoader with 2 workers, .item() every step). Ours trains the same
architecture with the same maths (BCE-with-logits D loss, non-saturating G loss on fresh noise, Adam
1e-4 with PyTorch's default betas, batch 64, dropout 0.3) through core.gan.trainer. Both read the same
random FashionMNIST-shaped IDX files, written once into a temporary folder. Each runs in its own process,
alternately, `--repeats` times: the machine may be shared, so the best run of each (the least disturbed)
is compared, and every run is printed. Peak RSS is each process's own (from wait4). The MLP GAN's
images/s on the same data is reported too.

Usage: python bench/gan_throughput.py [--steps 60] [--repeats 3] [--device cpu] [--precision fp32]
                                      [--reference PATH]
Goal on a 2-core CPU: ours >= 1.3x the reference, peak RSS < 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
WARM_UP = 10  # steps, as in the reference
MLP_STEPS = 1500


def find_reference(explicit: str | None) -> Path:
    """../shared/bench/reference_dcgan_loop.py beside this repository (or beside its main checkout)."""
    roots = [REPO]
    common = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                            capture_output=True, text=True)
    if common.returncode == 0:
        roots.append(Path(common.stdout.strip()).parent)  # a git worktree's main checkout
    candidates = [Path(explicit)] if explicit else [root.parent / "shared" / "bench" / "reference_dcgan_loop.py" for root in roots]
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
    """Run `command` to completion: its stdout and its own peak resident memory in GiB."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    stdout, stderr = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"gan_throughput: {' '.join(command)} failed:\n{stderr}")
    return stdout, usage.ru_maxrss / 2**20  # ru_maxrss is in KiB on Linux


def measure_ours(model: str, steps: int, data_root: str, device: str, precision: str) -> None:
    """The worker: train `model` for WARM_UP + steps steps and print images/s over the measured steps."""
    from core.gan.config import GanConfig
    from core.gan.data import load_data
    from core.gan.events import Progress
    from core.gan.trainer import Trainer

    config = GanConfig(model=model, objective="nonsat", data="fashion-mnist", data_dir=data_root, batch=64,
                       lr_d=1e-4, lr_g=1e-4, beta1=0.9, beta2=0.999, dropout=0.3, max_steps=WARM_UP + steps,
                       device=device, precision=precision)
    trainer = Trainer(config, load_data("fashion-mnist", data_root))
    marks: list[tuple[int, float]] = []
    trainer.run([lambda event: marks.append((event.step, time.perf_counter())) if isinstance(event, Progress) else None])
    measured = [(step, at) for step, at in marks if step >= WARM_UP]
    (first_step, first_at), (last_step, last_at) = measured[0], measured[-1]
    print(json.dumps({"images_per_s": (last_step - first_step) * config.batch / (last_at - first_at)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=60, help="measured DCGAN steps per run, after 10 warm-up steps")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precision", default="fp32", help="ours only: fp32, or bf16/fp16 on CUDA")
    parser.add_argument("--reference", help="path of reference_dcgan_loop.py")
    parser.add_argument("--worker", choices=("dcgan", "mlp"), help=argparse.SUPPRESS)
    parser.add_argument("--data-root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        measure_ours(args.worker, args.steps, args.data_root, args.device, args.precision)
        return
    reference = find_reference(args.reference)
    with tempfile.TemporaryDirectory(prefix="gan_throughput_") as data_root:
        write_random_idx(Path(data_root))
        ours_command = [sys.executable, __file__, "--data-root", data_root, "--device", args.device,
                        "--precision", args.precision]
        runs: dict[str, list[tuple[float, float]]] = {"reference": [], "ours": []}
        for repeat in range(args.repeats):
            stdout, rss = run_child([sys.executable, str(reference), str(args.steps), data_root, args.device])
            runs["reference"].append((float(re.search(r"([\d.]+) images/s", stdout).group(1)), rss))
            stdout, rss = run_child(ours_command + ["--worker", "dcgan", "--steps", str(args.steps)])
            runs["ours"].append((json.loads(stdout)["images_per_s"], rss))
            print(f"run {repeat + 1}: reference {runs['reference'][-1][0]:7.1f} images/s, ours {runs['ours'][-1][0]:7.1f} images/s",
                  flush=True)
        stdout, mlp_rss = run_child(ours_command + ["--worker", "mlp", "--steps", str(MLP_STEPS)])
    best = {name: max(rate for rate, _ in values) for name, values in runs.items()}
    peak = {name: max(rss for _, rss in values) for name, values in runs.items()}
    print(f"reference DCGAN loop: {best['reference']:8.1f} images/s  peak RSS {peak['reference']:.2f} GiB (best of {args.repeats})")
    print(f"our DCGAN trainer:    {best['ours']:8.1f} images/s  peak RSS {peak['ours']:.2f} GiB ({args.device}, {args.precision})")
    print(f"ratio ours / reference: {best['ours'] / best['reference']:.2f}  (goal >= 1.3, RSS < 2 GiB)")
    print(f"our MLP GAN (hidden 256, batch 64): {json.loads(stdout)['images_per_s']:,.0f} images/s  peak RSS {mlp_rss:.2f} GiB")


if __name__ == "__main__":
    main()
