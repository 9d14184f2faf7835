"""Held-out accuracy of the evaluator classifiers with their default training length, against their targets.

Run: .venv/bin/python bench/classifier_accuracy.py [DATA_DIR ...]. Trains glyphs, and MNIST from the shared
t10k folder beside the repository (../shared/datasets/mnist-t10k) when it is there, plus any folder given
as DATA_DIR for the set named by its folder (mnist, fashion-mnist, cifar10). Prints accuracy, the ratio to
the target, wall and CPU seconds. Nothing is saved.
"""

import subprocess
import sys
import time
from pathlib import Path

import torch

from core.gan.classifier import TARGET_ACCURACY, real_splits, train_classifier

REPO = Path(__file__).resolve().parents[1]


def shared_mnist() -> Path | None:
    """../shared/datasets/mnist-t10k beside this checkout or beside the main checkout of a git worktree."""
    common = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                            capture_output=True, text=True).stdout.strip()
    for root in (REPO, *([Path(common).parent] if common else [])):
        folder = root.parent / "shared" / "datasets" / "mnist-t10k"
        if folder.is_dir():
            return folder
    return None


def main() -> None:
    jobs = [("glyphs", None)]
    if shared_mnist():
        jobs.append(("mnist", shared_mnist()))
    jobs += [(Path(folder).name, folder) for folder in sys.argv[1:]]
    print(f"torch threads: {torch.get_num_threads()}")
    for data, folder in jobs:
        wall, cpu = time.perf_counter(), time.process_time()
        train, test = real_splits(data, folder)
        classifier = train_classifier(train, test)
        target = TARGET_ACCURACY[data]
        print(f"{data:14s} accuracy {classifier.accuracy:.4f}  target {target:.2f}"
              f"  ratio {classifier.accuracy / target:.3f}"
              f"  train {len(train.x):6d}  held-out {len(test.x):6d}  epochs {classifier.epochs:2d}"
              f"  wall {time.perf_counter() - wall:6.1f} s  cpu {time.process_time() - cpu:6.1f} s")


if __name__ == "__main__":
    main()
