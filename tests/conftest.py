import shutil

import pytest


@pytest.fixture(scope="session")
def small_glyph_evaluator(tmp_path_factory):
    """A glyph evaluator trained quickly once per session (1,000 glyphs, one epoch: about 80% accurate, plenty
    to count classes), so that GAN runs in tests neither train the full one in the background (about 13 s
    of CPU each) nor depend on the user's cache."""
    from core.gan.classifier import save_classifier, train_classifier
    from core.gan.data import load_data

    train, test = load_data("glyphs", size=1000), load_data("glyphs", size=500, train=False)
    path = tmp_path_factory.mktemp("evaluator") / "glyphs.pt"
    save_classifier(train_classifier(train, test, epochs=1, seed=0), path)
    return path


@pytest.fixture(autouse=True)
def test_cache(monkeypatch, tmp_path_factory, request):
    """Tests never see the user's cache (gan-tui's evaluator classifiers): each gets a fresh one holding the
    small glyph evaluator, or nothing for tests marked `empty_cache`. A test that needs another classifier
    makes one and points XDG_CACHE_HOME at it."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    if request.node.get_closest_marker("empty_cache") is None:
        folder = cache / "gan-tui" / "classifiers"
        folder.mkdir(parents=True)
        shutil.copy(request.getfixturevalue("small_glyph_evaluator"), folder / "glyphs.pt")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
