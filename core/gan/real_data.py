"""MNIST, Fashion-MNIST and CIFAR-10 read from a user's folder, as uint8 arrays.

Accepted layouts, for DIR given by the user:
- torchvision's root: DIR/MNIST/raw/, DIR/FashionMNIST/raw/, DIR/cifar-10-batches-py/;
- the folder holding the files directly (DIR/t10k-images-idx3-ubyte.gz, DIR/data_batch_1, ...), or the
  dataset folder inside a torchvision root (DIR = .../MNIST).
IDX files may be gzipped or not. When the requested split is missing but the other one is there (a folder
with only the t10k test files), the available split loads, so a user can train on what they have.

torchvision's dataset classes insist on all four uncompressed IDX files (and on CIFAR-10's checksums), so
they cannot open a test-only or gzipped folder: they are used only to download, into DIR, when asked.
"""

from __future__ import annotations

import gzip
import os
import pickle
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import InvalidSetting

IDX_FILES = {  # split -> (images, labels), the names torchvision and LeCun's site use
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
TORCHVISION_FOLDER = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST", "cifar10": "cifar-10-batches-py"}
CIFAR_FILES = {"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)}
NUM_CLASSES = 10
# All a CIFAR-10 python batch holds besides builtin values: numpy arrays, rebuilt by these (numpy 1 and 2 names).
_CIFAR_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
}


class _CifarUnpickler(pickle.Unpickler):
    """pickle.load runs any code a file names; a crafted test_batch in a --data-dir must not. Only the
    numpy types a CIFAR batch is made of are allowed."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _CIFAR_GLOBALS:
            raise pickle.UnpicklingError(f"it asks for {module}.{name}, which a CIFAR-10 batch never holds")
        return super().find_class(module, name)


def search_dirs(name: str, root: Path) -> list[Path]:
    """The folders looked in for data set `name` under the user's `root`, in order."""
    folder = TORCHVISION_FOLDER[name]
    if name == "cifar10":
        return [root / folder, root]
    return [root, root / "raw", root / folder, root / folder / "raw"]


def read_idx(path: Path) -> np.ndarray:
    """An IDX file of unsigned bytes (magic 0x0000 08 NDIM, then NDIM big-endian uint32 sizes, then data)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as error:  # a corrupt gzip stream raises zlib.error
        raise InvalidSetting("data_dir", f"cannot read {path}: {error or type(error).__name__}") from error
    ndim = raw[3] if len(raw) >= 4 else 0
    header = 4 + 4 * ndim
    if len(raw) < header or raw[:3] != b"\x00\x00\x08" or ndim == 0:
        raise InvalidSetting("data_dir", f"{path} is not an IDX file of unsigned bytes")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if len(raw) - header != int(np.prod(shape)):
        raise InvalidSetting("data_dir", f"{path} is truncated: its header promises shape {shape}")
    if shape[0] == 0:
        raise InvalidSetting("data_dir", f"{path} holds no items (its header says 0)")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _find(directory: Path, filename: str) -> Path | None:
    for candidate in (directory / filename, directory / f"{filename}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _read_idx_split(dirs: list[Path], split: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Images (N, 1, 28, 28) and labels (N,) from the first folder holding both files of `split`."""
    image_name, label_name = IDX_FILES[split]
    for directory in dirs:
        images, labels = _find(directory, image_name), _find(directory, label_name)
        if images is None or labels is None:
            continue
        x, y = read_idx(images), read_idx(labels)
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise InvalidSetting("data_dir", f"{images} holds images of shape {x.shape[1:]}, expected 28x28")
        if y.shape != (x.shape[0],):
            raise InvalidSetting("data_dir", f"{labels} holds {y.shape} labels for {x.shape[0]} images in {images}")
        return x[:, None], y
    return None


def _read_cifar_split(dirs: list[Path], split: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Images (N, 3, 32, 32) and labels (N,) from the batches of `split` in the first folder holding any."""
    for directory in dirs:
        batches = [directory / f for f in CIFAR_FILES[split] if (directory / f).is_file()]
        if not batches:
            continue
        images, labels = [], []
        for batch in batches:
            try:
                with open(batch, "rb") as f:
                    entry = _CifarUnpickler(f, encoding="latin1").load()  # a pickled dict
                data, targets = np.asarray(entry["data"], dtype=np.uint8), np.asarray(entry["labels"])
            except Exception as error:  # any unpickling failure means the file is not a CIFAR batch
                raise InvalidSetting("data_dir", f"{batch} is not a CIFAR-10 python batch ({error})") from error
            if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or targets.shape != (data.shape[0],):
                raise InvalidSetting("data_dir", f"{batch} holds data {data.shape} and labels {targets.shape}, "
                                     "expected (N, 3072) and (N,)")
            images.append(data.reshape(-1, 3, 32, 32))
            labels.append(targets)
        return np.concatenate(images), np.concatenate(labels)
    return None


def _guarded(read: Any) -> Any:
    """`read` with an unreadable folder or file inside the data folder as InvalidSetting, not a traceback."""
    def guarded(dirs: list[Path], split: str) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            return read(dirs, split)
        except PermissionError as error:
            raise InvalidSetting("data_dir", f"cannot read {error.filename} (permission denied)") from None
        except OSError as error:
            raise InvalidSetting("data_dir", f"cannot read {error.filename or 'the data folder'} "
                                 f"({error.strerror or error})") from None
    return guarded


def _expected_files(name: str) -> str:
    if name == "cifar10":
        return "data_batch_1 ... data_batch_5 (train) or test_batch (test)"
    train, test = IDX_FILES["train"], IDX_FILES["test"]
    return f"{train[0]} and {train[1]} (train) or {test[0]} and {test[1]} (test), each optionally .gz"


def _download(name: str, root: Path, train: bool) -> None:
    """Fetch `name` into torchvision's layout under `root`; any failure becomes a message, not a traceback."""
    from torchvision import datasets  # imported here: only a download needs torchvision's classes

    dataset_class = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST,
                     "cifar10": datasets.CIFAR10}[name]
    try:
        dataset_class(root=str(root), train=train, download=True)
    except Exception as error:  # offline, refused, a full disk: the user needs the reason, not the stack
        raise InvalidSetting(
            "download",
            f"could not download {name} into {root} ({type(error).__name__}: {error}). Without a network, copy "
            f"{_expected_files(name)} into {root / TORCHVISION_FOLDER[name]}",
        ) from error


def _folder_needed(name: str) -> InvalidSetting:
    return InvalidSetting("data_dir", f"{name} is read from a folder: give the folder holding "
                          f"{_expected_files(name)}, or turn on download (--download) to fetch them into it")


def _not_found(name: str, dirs: list[Path], download: bool) -> InvalidSetting:
    searched = ", ".join(f"{d}{'' if d.is_dir() else ' (no such folder)'}" for d in dirs)
    return InvalidSetting("data_dir", f"no {name} files found: expected {_expected_files(name)}; looked in "
                          f"{searched}" + ("" if download else "; turn on download (--download) to fetch them"))


def _holds_a_split(name: str, directory: Path) -> bool:
    """Whether `directory` has the files of either split (by name only; read_real reads them)."""
    if name == "cifar10":
        return any((directory / file).is_file() for files in CIFAR_FILES.values() for file in files)
    return any(all(_find(directory, file) for file in files) for files in IDX_FILES.values())


def check_data_folder(name: str, data_dir: str | None, download: bool) -> None:
    """Refuse a folder where read_real would find no files of `name`, with the message it would give, without
    reading anything: cheap enough to run as a path is typed. With `download`, missing files are fetched."""
    if data_dir is None:
        raise _folder_needed(name)
    dirs = search_dirs(name, Path(data_dir).expanduser())
    if not download and not any(_holds_a_split(name, directory) for directory in dirs):
        raise _not_found(name, dirs, download)


def read_real(name: str, data_dir: str | Path | None, train: bool, download: bool) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, C, H, W) and int labels (N,) of `name` from `data_dir` (see the module docstring)."""
    if data_dir is None:
        raise _folder_needed(name)
    if not str(data_dir).strip():
        raise InvalidSetting("data_dir", "must not be empty: give the folder holding the files")
    root = Path(data_dir).expanduser()
    if root.is_dir() and not os.access(root, os.R_OK | os.X_OK):
        raise InvalidSetting("data_dir", f"{root} cannot be read (permission denied); "
                             "give a folder this user may read")
    dirs = search_dirs(name, root)
    read = _guarded(_read_cifar_split if name == "cifar10" else _read_idx_split)
    wanted, other = ("train", "test") if train else ("test", "train")
    found = read(dirs, wanted)
    if found is None and download:
        _download(name, root, train)
        found = read(dirs, wanted)
    if found is None:
        found = read(dirs, other)
    if found is None:
        raise _not_found(name, dirs, download)
    images, labels = found
    if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise InvalidSetting("data_dir", f"{name} labels must lie in 0..{NUM_CLASSES - 1}, "
                             f"found {labels.min()}..{labels.max()}")
    return images, labels
