"""The GAN lab's data: generated glyphs and mixtures, and real sets read from a user's folder."""

import gzip
import pickle
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
import torch

from core.errors import InvalidSetting
from core.gan.data import DATASETS, load_data, mixture_modes, mixture_std
from core.gan.glyphs import render_glyphs
from core.gan.real_data import check_data_folder

MNIST_T10K = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "mnist-t10k"


# --- glyphs ---------------------------------------------------------------------------------------------

def test_glyphs_are_the_same_for_the_same_seed():
    first, second = load_data("glyphs", seed=7, size=300), load_data("glyphs", seed=7, size=300)
    assert torch.equal(first.x, second.x) and torch.equal(first.y, second.y)


def test_glyphs_differ_across_seeds_and_between_train_and_test():
    base = load_data("glyphs", seed=7, size=300).x
    assert (base - load_data("glyphs", seed=8, size=300).x).abs().mean() > 0.2
    assert (base - load_data("glyphs", seed=7, size=300, train=False).x).abs().mean() > 0.2


def test_glyphs_are_28x28_grayscale_in_tanh_range_with_ink_on_a_dark_ground():
    data = load_data("glyphs", size=500)
    assert data.x.shape == (500, 1, 28, 28) and data.x.dtype == torch.float32
    assert data.y.dtype == torch.int64 and data.num_classes == 10
    assert data.is_image and data.shape == (1, 28, 28)
    assert data.x.min() >= -1.0 and data.x.max() <= 1.0
    ink = (data.x + 1) / 2
    corners = ink[:, 0, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.max() < 0.05                                          # glyphs stay inside the frame
    assert (ink.amax(dim=(1, 2, 3)) > 0.95).all()                        # every glyph has solid strokes
    inked = (ink > 0.5).float().mean(dim=(1, 2, 3))
    assert inked.min() > 0.04 and inked.max() < 0.45                     # strokes, not blobs or specks


def test_default_test_split_is_10000_glyphs_in_balanced_classes():
    data = load_data("glyphs", train=False)
    assert data.x.shape[0] == 10_000
    assert torch.bincount(data.y, minlength=10).tolist() == [1000] * 10


def test_glyph_classes_are_separable_by_a_linear_classifier():
    # ridge regression onto one-hot labels, fitted on train glyphs and scored on held-out test glyphs:
    # measured 0.90-0.91 for seeds 0-2 (chance is 0.10; the same classifier scores 0.84 on real MNIST)
    train, test = load_data("glyphs", size=3000), load_data("glyphs", size=1000, train=False)
    features = lambda x: torch.cat([x.flatten(1), torch.ones(len(x), 1)], 1).double()  # noqa: E731
    x = features(train.x)
    targets = torch.nn.functional.one_hot(train.y, 10).double()
    weights = torch.linalg.solve(x.T @ x + 10.0 * torch.eye(x.shape[1], dtype=torch.float64), x.T @ targets)
    accuracy = ((features(test.x) @ weights).argmax(1) == test.y).double().mean()
    assert accuracy > 0.88


def test_glyph_rendering_does_not_depend_on_the_chunk_size():
    labels = torch.arange(50) % 10
    whole = render_glyphs(labels, np.random.default_rng(3), chunk=50)
    pieces = render_glyphs(labels, np.random.default_rng(3), chunk=7)
    torch.testing.assert_close(whole, pieces, rtol=0, atol=1e-5)


# --- 2-D mixtures ---------------------------------------------------------------------------------------

def test_ring8_modes_are_eight_points_on_a_circle_of_radius_2():
    modes = mixture_modes("ring8")
    assert modes.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(modes, axis=1), 2.0)
    angles = np.sort(np.mod(np.arctan2(modes[:, 1], modes[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, np.arange(8) * np.pi / 4, atol=1e-12)
    assert mixture_std("ring8") == 0.02


def test_grid25_modes_are_the_5x5_grid_from_minus_4_to_4():
    modes = mixture_modes("grid25")
    assert modes.shape == (25, 2)
    assert {tuple(m) for m in modes} == {(a, b) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)}
    assert mixture_std("grid25") == 0.05


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_mixture_points_scatter_around_their_modes_with_the_stated_std(name):
    data = load_data(name, size=20_000, seed=5)
    assert data.x.shape == (20_000, 2) and data.x.dtype == torch.float32
    assert data.y is None and data.num_classes == 0 and not data.is_image and data.shape == (2,)
    modes, std = torch.as_tensor(mixture_modes(name), dtype=torch.float32), mixture_std(name)
    nearest = torch.cdist(data.x, modes).argmin(1)
    offsets = data.x - modes[nearest]
    assert offsets.norm(dim=1).max() < 6 * std                       # P(r > 6 sigma) = exp(-18) per point
    np.testing.assert_allclose(offsets.std(0).numpy(), [std, std], rtol=0.03)
    counts = torch.bincount(nearest, minlength=len(modes)).double()
    assert (counts / counts.mean() - 1).abs().max() < 0.15            # modes picked uniformly


def test_mixture_default_size_and_seed_determinism():
    first, second = load_data("ring8", seed=1), load_data("ring8", seed=1)
    assert first.x.shape == (100_000, 2) and torch.equal(first.x, second.x)
    assert not torch.equal(first.x, load_data("ring8", seed=2).x)


def test_mixture_modes_of_an_image_set_is_a_clear_error():
    with pytest.raises(InvalidSetting) as error:
        mixture_modes("mnist")
    assert error.value.field == "data" and "ring8" in error.value.message


# --- real sets from a folder ----------------------------------------------------------------------------

def write_idx(path: Path, array: np.ndarray, gz: bool = False) -> None:
    """An IDX file of unsigned bytes, as LeCun's MNIST files are."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    content = header + array.astype(np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(content))
    else:
        path.write_bytes(content)


def fake_idx_split(folder: Path, split: str, count: int, seed: int, gz: bool = False):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, count, dtype=np.uint8)
    write_idx(folder / f"{split}-images-idx3-ubyte", images, gz)
    write_idx(folder / f"{split}-labels-idx1-ubyte", labels, gz)
    return images, labels


@pytest.fixture
def no_downloads(monkeypatch):
    """Fail the test if torchvision tries to fetch anything."""
    import torchvision.datasets.cifar
    import torchvision.datasets.mnist

    def refuse(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive", refuse)
    monkeypatch.setattr(torchvision.datasets.cifar, "download_and_extract_archive", refuse)


@pytest.mark.skipif(not MNIST_T10K.is_dir(), reason=f"the shared MNIST test files are not at {MNIST_T10K}")
def test_the_shared_t10k_folder_loads_10000_labelled_images_as_the_available_split(no_downloads):
    data = load_data("mnist", MNIST_T10K)  # train=True: only the test split is there, so it loads
    assert data.x.shape == (10_000, 1, 28, 28) and data.x.dtype == torch.float32
    assert data.x.min() == -1.0 and data.x.max() == 1.0
    assert sorted(torch.unique(data.y).tolist()) == list(range(10)) and data.num_classes == 10
    assert data.y[:5].tolist() == [7, 2, 1, 0, 4]  # the first labels of MNIST's t10k file


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzipped"])
def test_torchvision_root_layout_loads_the_requested_split_exactly(tmp_path, gz, no_downloads):
    raw = tmp_path / "FashionMNIST" / "raw"
    train_images, train_labels = fake_idx_split(raw, "train", 30, seed=1, gz=gz)
    test_images, test_labels = fake_idx_split(raw, "t10k", 12, seed=2, gz=gz)
    train = load_data("fashion-mnist", tmp_path)
    test = load_data("fashion-mnist", tmp_path, train=False)
    assert train.name == "fashion-mnist" and train.shape == (1, 28, 28)
    torch.testing.assert_close(train.x[:, 0], torch.from_numpy(train_images / 127.5 - 1).float())
    assert train.y.tolist() == train_labels.tolist() and train.y.dtype == torch.int64
    torch.testing.assert_close(test.x[:, 0], torch.from_numpy(test_images / 127.5 - 1).float())
    assert test.y.tolist() == test_labels.tolist()


def test_folder_holding_the_files_directly_loads_and_size_takes_the_first_samples(tmp_path, no_downloads):
    images, labels = fake_idx_split(tmp_path, "train", 20, seed=3, gz=True)
    data = load_data("mnist", tmp_path, size=5)
    assert data.x.shape == (5, 1, 28, 28) and data.y.tolist() == labels[:5].tolist()
    with pytest.raises(InvalidSetting) as error:
        load_data("mnist", tmp_path, size=21)
    assert error.value.field == "size" and "20" in error.value.message


def test_missing_files_name_the_files_expected_and_the_folders_searched(tmp_path, no_downloads):
    fake_idx_split(tmp_path / "FashionMNIST" / "raw", "train", 5, seed=4)  # the wrong set for mnist
    with pytest.raises(InvalidSetting) as error:
        load_data("mnist", tmp_path)
    message = error.value.message
    assert error.value.field == "data_dir"
    for expected in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                     "t10k-labels-idx1-ubyte", str(tmp_path), str(tmp_path / "MNIST" / "raw"), "--download"):
        assert expected in message


def test_a_real_set_without_a_folder_says_what_to_give():
    with pytest.raises(InvalidSetting) as error:
        load_data("cifar10")
    assert error.value.field == "data_dir" and "data_batch_1" in error.value.message


def test_a_truncated_idx_file_is_a_clear_error(tmp_path, no_downloads):
    fake_idx_split(tmp_path, "t10k", 4, seed=5)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(InvalidSetting) as error:
        load_data("mnist", tmp_path)
    assert error.value.field == "data_dir" and "truncated" in error.value.message


def test_labels_outside_0_to_9_are_refused(tmp_path, no_downloads):
    fake_idx_split(tmp_path, "t10k", 4, seed=6)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([1, 2, 10, 3]))
    with pytest.raises(InvalidSetting, match="0..9"):
        load_data("mnist", tmp_path)


def write_cifar_batch(path: Path, count: int, seed: int) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (count, 3 * 32 * 32), dtype=np.uint8)
    labels = rng.integers(0, 10, count).tolist()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump({"batch_label": "fake", "data": data, "labels": labels}, f)
    return data, labels


@pytest.mark.parametrize("layout", ["torchvision", "direct"])
def test_cifar10_batches_load_as_colour_images_channel_first(tmp_path, layout, no_downloads):
    folder = tmp_path / "cifar-10-batches-py" if layout == "torchvision" else tmp_path
    first, first_labels = write_cifar_batch(folder / "data_batch_1", 6, seed=1)
    second, second_labels = write_cifar_batch(folder / "data_batch_2", 4, seed=2)
    _, test_labels = write_cifar_batch(folder / "test_batch", 3, seed=3)
    train = load_data("cifar10", tmp_path)
    assert train.x.shape == (10, 3, 32, 32) and train.shape == (3, 32, 32) and train.num_classes == 10
    assert train.y.tolist() == first_labels + second_labels
    # CIFAR rows are 1024 red, then 1024 green, then 1024 blue values, each row-major over 32x32
    assert train.x[0, 1, 0, 5].item() == pytest.approx(first[0, 1024 + 5] / 127.5 - 1)
    assert train.x[7, 2, 31, 31].item() == pytest.approx(second[1, 3071] / 127.5 - 1)
    assert load_data("cifar10", tmp_path, train=False).y.tolist() == test_labels


def test_a_file_that_is_not_a_cifar_batch_is_a_clear_error(tmp_path, no_downloads):
    (tmp_path / "test_batch").write_bytes(b"not a pickle")
    with pytest.raises(InvalidSetting, match="not a CIFAR-10 python batch"):
        load_data("cifar10", tmp_path)


def test_download_while_offline_is_a_clear_error(tmp_path, monkeypatch):
    import torchvision.datasets.mnist

    def offline(url, *args, **kwargs):
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive", offline)
    with pytest.raises(InvalidSetting) as error:
        load_data("mnist", tmp_path, download=True)
    assert error.value.field == "download"
    assert "could not download mnist" in error.value.message and str(tmp_path / "MNIST") in error.value.message


# --- names and values -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "svhn"}, "data"),
    ({"name": "glyphs", "seed": -1}, "seed"),
    ({"name": "ring8", "size": 0}, "size"),
    ({"name": "grid25", "size": 2.5}, "size"),
])
def test_bad_names_and_values_are_refused_with_the_field(kwargs, field):
    with pytest.raises(InvalidSetting) as error:
        load_data(**kwargs)
    assert error.value.field == field


def test_every_listed_data_set_is_either_generated_or_read_from_a_folder(tmp_path):
    for name in DATASETS:
        if name in ("mnist", "fashion-mnist", "cifar10"):
            with pytest.raises(InvalidSetting):
                load_data(name, tmp_path)
        else:
            assert load_data(name, size=10).x.shape[0] == 10


def test_a_folder_is_checked_by_file_names_with_the_message_loading_would_give(tmp_path, no_downloads):
    with pytest.raises(InvalidSetting) as loading:
        load_data("mnist", tmp_path)
    with pytest.raises(InvalidSetting) as checking:
        check_data_folder("mnist", str(tmp_path), download=False)
    assert checking.value.field == "data_dir" and checking.value.message == loading.value.message
    check_data_folder("mnist", str(tmp_path), download=True)  # missing files are what a download is for
    fake_idx_split(tmp_path / "MNIST" / "raw", "t10k", 3, seed=5)
    check_data_folder("mnist", str(tmp_path), download=False)
    assert load_data("mnist", tmp_path).x.shape[0] == 3  # the test split alone loads, as the check promised
