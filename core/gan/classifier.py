"""Evaluator classifiers: small CNNs trained on a real image set, used to measure what a GAN generates.

A GAN run asks the classifier for the class of each generated image (class histogram, conditional
accuracy) and for its penultimate-layer features (cFD against the real set's feature statistics). No
pretrained network is needed, so everything works offline.

One file per data set, `<cache>/gan-tui/classifiers/<data>.pt` with <cache> = $XDG_CACHE_HOME or ~/.cache,
holds the weights, the held-out accuracy, the real class frequencies and the real feature statistics
(mean and covariance over the held-out split), so the statistics can never belong to another network,
and for the generated glyphs a fingerprint of the images, so a classifier of glyphs that gan-tui no longer
draws is refused rather than trusted. It is read with `torch.load(weights_only=True)` (plain tensors and
numbers, never arbitrary objects) and checked field by field before use.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np
import torch
from torch import nn

from core.errors import InvalidSetting
from core.gan.data import TensorData, load_data
from core.gan.digest import content_digest
from core.gan.metrics import FeatureStats, feature_stats

CLASSIFIER_DATASETS = ("glyphs", "mnist", "fashion-mnist", "cifar10")
# Default training length, in images seen (epochs = this / training-set size, at least 1): measured to reach
# the targets with a margin on this project's 2-core CPU; 8,000 MNIST images (a test-only folder) get 12 epochs.
DEFAULT_IMAGES_SEEN = {"glyphs": 20_000, "mnist": 100_000, "fashion-mnist": 300_000, "cifar10": 500_000}
TARGET_ACCURACY = {"glyphs": 0.98, "mnist": 0.98, "fashion-mnist": 0.90, "cifar10": 0.60}
FILE_FORMAT = "gan-tui-classifier"
FILE_VERSION = 1
GLYPHS_TRAIN_SIZE = 20_000  # generated training glyphs by default: one epoch reaches 99.6%
FEATURES = 128            # width of the penultimate layer, the features cFD compares
HELD_OUT_FRACTION = 0.2   # of a set that has only one split (a folder with only MNIST's t10k files)
BATCH_SIZE = 128
PEAK_LEARNING_RATE = 3e-3   # of Adam under a one-cycle schedule

Progress = Callable[[int, int], None]   # (batches done, batches in all)


class ClassifierUnavailable(Exception):
    """There is no usable classifier for a data set; the message says why and which command makes one."""


def classify_command(data: str) -> str:
    """The command a user runs to train and cache the evaluator for `data`."""
    return f"gan-tui classify --data {data}"


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/gan-tui, or ~/.cache/gan-tui when XDG_CACHE_HOME is unset or empty."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gan-tui"


def default_path(data: str) -> Path:
    return cache_dir() / "classifiers" / f"{data}.pt"


# --- networks ----------------------------------------------------------------------------------------------

class SmallCNN(nn.Module):
    """28x28 grayscale: two 3x3 conv + 2x2 max-pool stages (16, 32 channels), then 1568 -> 128 -> 10."""

    architecture = "small-cnn-28"
    input_shape = (1, 28, 28)

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, FEATURES), nn.ReLU(),
        )
        self.head = nn.Linear(FEATURES, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class LeNet(nn.Module):
    """32x32 colour, LeNet-5's shape made wider: 5x5 conv + pool (32, 64 channels), 1600 -> 256 -> 128 -> 10."""

    architecture = "lenet-32"
    input_shape = (3, 32, 32)

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 256), nn.ReLU(), nn.Linear(256, FEATURES), nn.ReLU(),
        )
        self.head = nn.Linear(FEATURES, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def data_fingerprint(data: str) -> str:
    """A hash of the first 64 training glyphs (seed 0) at 8-bit precision: the glyphs are drawn by code,
    so a classifier cached before that code changed no longer matches them. Empty for the real sets, whose
    images come from the user's folder (any copy of the same set will do)."""
    if data != "glyphs":
        return ""
    pixels = load_data("glyphs", seed=0, size=64).x.add(1).mul(127.5).round().to(torch.uint8)
    return hashlib.sha256(pixels.numpy().tobytes()).hexdigest()[:16]


def network_for(data: str) -> nn.Module:
    return LeNet() if data == "cifar10" else SmallCNN()


# --- the evaluator -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Classifier:
    """A trained evaluator and the real set's statistics it was saved with."""

    data: str
    network: nn.Module
    accuracy: float                  # on the held-out split, 0..1
    class_distribution: np.ndarray   # real class frequencies (10,), summing to 1
    real_stats: FeatureStats         # penultimate features of the held-out split
    epochs: int
    seed: int

    @property
    def device(self) -> torch.device:
        return next(self.network.parameters()).device

    def to(self, device: torch.device | str) -> Classifier:
        self.network.to(device)
        return self

    def predict(self, images: torch.Tensor, batch_size: int = 500) -> Prediction:
        """What the evaluator reads in images (N, C, H, W) in [-1, 1]."""
        return predict(self.network, images, batch_size)


class Prediction(NamedTuple):
    labels: torch.Tensor       # (N,) class indices
    features: torch.Tensor     # (N, FEATURES) penultimate-layer features
    confidence: torch.Tensor   # (N,) the softmax probability of the predicted class


@torch.no_grad()
def predict(network: nn.Module, images: torch.Tensor, batch_size: int = 500) -> Prediction:
    """The classes, features and confidences of `images`, in eval mode, on the network's device."""
    was_training = network.training
    network.eval()
    device = next(network.parameters()).device
    labels, features, confidence = [], [], []
    for batch in images.split(batch_size):
        hidden = network.features(batch.to(device))
        features.append(hidden)
        top = network.head(hidden).softmax(dim=1).max(dim=1)
        labels.append(top.indices)
        confidence.append(top.values)
    network.train(was_training)
    return Prediction(torch.cat(labels), torch.cat(features), torch.cat(confidence))


def check_data(data: str) -> None:
    if data not in CLASSIFIER_DATASETS:
        raise InvalidSetting("data", f"no classifier for {data!r}; choose one of {', '.join(CLASSIFIER_DATASETS)}")


def real_splits(data: str, data_dir: str | os.PathLike | None = None, seed: int = 0,
                size: int | None = None, download: bool = False) -> tuple[TensorData, TensorData]:
    """(train, held-out) splits of `data`, the training split cut to its first `size` images if given
    (glyphs: `size` generated training glyphs, default GLYPHS_TRAIN_SIZE, and 10,000 test glyphs).

    When the folder holds only one split (load_data then returns the same images for both), a seeded
    HELD_OUT_FRACTION of it is held out instead.
    """
    check_data(data)
    if data == "glyphs":  # generated: as many as asked for
        return (load_data(data, train=True, seed=seed, size=GLYPHS_TRAIN_SIZE if size is None else size),
                load_data(data, train=False, seed=seed))
    train = load_data(data, data_dir, train=True, seed=seed, download=download)
    test = load_data(data, data_dir, train=False, seed=seed, download=download)
    if train.x.shape == test.x.shape and torch.equal(train.x, test.x):
        order = torch.randperm(len(train.x), generator=torch.Generator().manual_seed(seed))
        held_out = int(round(HELD_OUT_FRACTION * len(order)))
        train, test = _subset(train, order[held_out:]), _subset(train, order[:held_out])
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= len(train.x):
            raise InvalidSetting("size", f"must be a whole number from 1 to {len(train.x)}, the {data} training "
                                 f"images available (got {size!r})")
        train = _subset(train, slice(0, size))
    return train, test


def _subset(data: TensorData, index: torch.Tensor | slice) -> TensorData:
    return TensorData(data.name, data.x[index], data.y[index], data.num_classes)


def _shift(images: torch.Tensor, generator: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Each image translated by its own random whole-pixel offset in [-max_shift, max_shift]^2 (zero = -1 pad).

    Small shifts teach the network that a digit's position does not change its class, which is what a
    generator's slightly off-centre samples need; it matters most when training on 8,000 images.
    """
    n, _, height, width = images.shape
    padded = nn.functional.pad(images, (max_shift,) * 4, value=-1.0)
    offsets = torch.randint(0, 2 * max_shift + 1, (2, n), generator=generator)
    rows = (offsets[0][:, None] + torch.arange(height)[None, :]).to(images.device)    # (n, H)
    cols = (offsets[1][:, None] + torch.arange(width)[None, :]).to(images.device)     # (n, W)
    batch = torch.arange(n, device=images.device)[:, None, None]
    return padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def default_epochs(data: str, train_size: int) -> int:
    return max(1, round(DEFAULT_IMAGES_SEEN[data] / train_size))


def new_network(data: str, seed: int = 0) -> nn.Module:
    """The untrained evaluator network for `data`, initialised from `seed` without moving the global
    random stream (a GAN run in the same process draws from it)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return network_for(data)


def train_classifier(train: TensorData, test: TensorData, *, epochs: int | None = None, seed: int = 0,
                     device: str | torch.device = "cpu", progress: Progress | None = None,
                     network: nn.Module | None = None) -> Classifier:
    """Train the evaluator for `train.name` with Adam (batch 128, one-cycle learning rate peaking at 3e-3) on
    random 2-pixel shifts of the training images, then measure its accuracy on `test` and record the real
    class frequencies (of `train`) and feature statistics (of `test`). `progress(done, total)` per batch.
    `network` (default: new_network(train.name, seed)) is trained in place."""
    check_data(train.name)
    epochs = default_epochs(train.name, len(train.x)) if epochs is None else epochs
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 1000:
        raise InvalidSetting("epochs", f"must be a whole number from 1 to 1000 (got {epochs!r})")
    generator = torch.Generator().manual_seed(seed)
    network = (network or new_network(train.name, seed)).to(device)
    optimizer = torch.optim.Adam(network.parameters(), lr=PEAK_LEARNING_RATE)
    batches_per_epoch = -(-len(train.x) // BATCH_SIZE)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=PEAK_LEARNING_RATE,
                                                   total_steps=epochs * batches_per_epoch)
    x, y = train.x.to(device), train.y.to(device)
    for epoch in range(epochs):
        network.train()
        order = torch.randperm(len(x), generator=generator).to(device)
        for step, batch in enumerate(order.split(BATCH_SIZE)):
            loss = nn.functional.cross_entropy(network(_shift(x[batch], generator)), y[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            if progress:
                progress(epoch * batches_per_epoch + step + 1, epochs * batches_per_epoch)
    labels, features, _ = predict(network, test.x)
    return Classifier(
        data=train.name, network=network.eval(), accuracy=float((labels.cpu() == test.y).double().mean()),
        class_distribution=np.bincount(train.y.numpy(), minlength=10) / len(train.y),
        real_stats=feature_stats(features), epochs=epochs, seed=seed,
    )


# --- the file ----------------------------------------------------------------------------------------------

def prepare_out(path: str | os.PathLike) -> Path:
    """The path a classifier will be saved to, with its folder made; checked before training starts so that
    a bad --out costs no training time."""
    path = Path(path).expanduser()
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise InvalidSetting("out", f"must be a file path, e.g. glyphs.pt (got {str(path)!r})")
    blocking = next((folder for folder in (path.parent, *path.parent.parents)
                     if folder.exists() and not folder.is_dir()), None)
    if blocking is not None:  # mkdir would say only "File exists"
        raise InvalidSetting("out", f"cannot write the classifier to {path}: {blocking} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidSetting("out", f"cannot write the classifier to {path}: {error.strerror or error}") from error
    if path.is_dir() or not os.access(path.parent, os.W_OK):
        reason = "it is a folder" if path.is_dir() else f"{path.parent} is not writable"
        raise InvalidSetting("out", f"cannot write the classifier to {path}: {reason}")
    return path


def save_classifier(classifier: Classifier, path: str | os.PathLike) -> Path:
    """Write the classifier atomically (temp file + rename) and return its path."""
    path = prepare_out(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        torch.save(_with_digest({
            "format": FILE_FORMAT, "version": FILE_VERSION, "data": classifier.data,
            "architecture": classifier.network.architecture,
            "state_dict": {k: v.detach().cpu() for k, v in classifier.network.state_dict().items()},
            "accuracy": classifier.accuracy, "epochs": classifier.epochs, "seed": classifier.seed,
            "class_distribution": torch.as_tensor(classifier.class_distribution, dtype=torch.float64),
            "feature_mean": torch.as_tensor(classifier.real_stats.mean, dtype=torch.float64),
            "feature_cov": torch.as_tensor(classifier.real_stats.cov, dtype=torch.float64),
            "feature_count": classifier.real_stats.count,
            "data_fingerprint": data_fingerprint(classifier.data),
        }), temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)  # a full disk must not leave a partial file behind
        raise InvalidSetting("out", f"cannot write the classifier to {path}: {error.strerror or error}") from error
    return path


def load_classifier(data: str, path: str | os.PathLike | None = None) -> Classifier:
    """The classifier for `data` from `path` (default: the cache), on the CPU, after checking every field.

    Raises ClassifierUnavailable with a message for the user when the file is missing, unreadable, foreign,
    made for another data set or another version, or holds weights or statistics of the wrong shape.
    """
    check_data(data)
    path = Path(path).expanduser() if path is not None else default_path(data)
    remedy = f"run `{classify_command(data)}`" + ("" if path == default_path(data) else f" --out {path}")
    if not path.is_file():
        raise ClassifierUnavailable(f"no {data} classifier at {path}: {remedy} to train one")
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many kinds for a file it cannot read as its own format
        raise ClassifierUnavailable(f"{path} is not a readable gan-tui classifier ({type(error).__name__}); "
                                    f"{remedy} to replace it") from error
    with torch.random.fork_rng(devices=[]):  # the initial weights, replaced at once, must not move the
        network = network_for(data)          # global random stream a training run draws from
    problem = _problem_with(saved, data, network)
    if problem:
        raise ClassifierUnavailable(f"{path} {problem}; {remedy} to replace it")
    network.load_state_dict(saved["state_dict"])
    network.eval()
    stats = FeatureStats(saved["feature_mean"].numpy(), saved["feature_cov"].numpy(), int(saved["feature_count"]))
    return Classifier(data=data, network=network, accuracy=float(saved["accuracy"]),
                      class_distribution=saved["class_distribution"].numpy(), real_stats=stats,
                      epochs=int(saved["epochs"]), seed=int(saved["seed"]))


def _with_digest(saved: dict[str, Any]) -> dict[str, Any]:
    """`saved` and the SHA-256 of its contents: torch's format has no checksum, and a damaged evaluator would
    report wrong metrics (cFD 0.0, one class) rather than fail."""
    return {**saved, "sha256": content_digest(saved)}


def _problem_with(saved: object, data: str, expected: nn.Module) -> str | None:
    """What is wrong with a loaded file's contents for data set `data` and the `expected` network, or None."""
    if not isinstance(saved, dict) or saved.get("format") != FILE_FORMAT:
        return "is not a gan-tui classifier"
    if saved.get("version") != FILE_VERSION:
        return f"is a version {saved.get('version')!r} classifier; this gan-tui reads version {FILE_VERSION}"
    if saved.get("data") != data:
        return f"is a classifier for {saved.get('data')!r}, not {data!r}"
    if saved.get("architecture") != expected.architecture:
        return f"holds a {saved.get('architecture')!r} network; {data} uses {expected.architecture!r}"
    weights, shapes = saved.get("state_dict"), {k: v.shape for k, v in expected.state_dict().items()}
    if not isinstance(weights, dict) or {k: getattr(v, "shape", None) for k, v in weights.items()} != shapes:
        return "holds weights that do not fit its network"
    if not all(torch.isfinite(v).all() for v in weights.values()):
        return "holds non-finite weights"
    checks = {"class_distribution": (10,), "feature_mean": (FEATURES,), "feature_cov": (FEATURES, FEATURES)}
    for key, shape in checks.items():
        value = saved.get(key)
        if not isinstance(value, torch.Tensor) or value.shape != shape or not torch.isfinite(value).all():
            return f"holds no valid {key.replace('_', ' ')}"
    if saved.get("data_fingerprint") != data_fingerprint(data):
        return f"was trained on {data} images that are no longer what gan-tui draws (the set changed since)"
    for key in ("accuracy", "epochs", "seed", "feature_count"):
        if not isinstance(saved.get(key), (int, float)) or isinstance(saved.get(key), bool):
            return f"holds no valid {key.replace('_', ' ')}"
    # last, so that a file made whole but for the wrong set or shapes is told so; a damaged one fails here
    if "sha256" not in saved:
        return "was saved without a content digest (by an older gan-tui), so damage in it cannot be detected"
    if saved["sha256"] != content_digest({key: value for key, value in saved.items() if key != "sha256"}):
        return "is damaged: its contents do not match the digest saved with them"
    return None


class ClassifierInTraining:
    """An evaluator trained in a background thread and cached where runs look for it.

    The first glyph run that finds none trains one this way (about 13 s on a 2-core laptop) while the GAN
    trains, and evaluates once it is `ready`; the GAN tab does the same for a real set at a key press. The
    network is built in the constructing thread, inside `new_network`'s fork of the random stream, so a GAN
    run in the same process draws exactly the numbers it would draw with a cached classifier. A cache that
    cannot be written costs only the cache (`saved_to` stays None): the classifier is used all the same.
    """

    def __init__(self, data: str, data_dir: str | os.PathLike | None = None, seed: int = 0):
        self.data, self.done, self.total = data, 0, 1
        self.classifier: Classifier | None = None
        self.saved_to: Path | None = None
        self.error: str | None = None
        network = new_network(data, seed)
        self._thread = threading.Thread(target=self._train, args=(network, data_dir, seed), daemon=True,
                                        name=f"train-{data}-evaluator")
        self._thread.start()

    def _train(self, network: nn.Module, data_dir: str | os.PathLike | None, seed: int) -> None:
        try:
            train, test = real_splits(self.data, data_dir, seed=seed)
            classifier = train_classifier(train, test, seed=seed, network=network, progress=self._progress)
        except InvalidSetting as error:
            self.error = f"cannot train the {self.data} evaluator: {error.message}"
            return
        except Exception as error:  # noqa: BLE001 - reported to the run as a notice, never a crash
            self.error = f"training the {self.data} evaluator failed ({type(error).__name__}: {error})"
            return
        try:
            self.saved_to = save_classifier(classifier, default_path(self.data))
        except InvalidSetting:
            pass
        self.classifier = classifier

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    @property
    def fraction(self) -> float:
        return self.done / self.total

    def ready(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> Classifier | None:
        """The trained classifier once the thread ends (None if it failed: see `error`)."""
        self._thread.join()
        return self.classifier
