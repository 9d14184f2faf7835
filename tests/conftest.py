import pytest


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch, tmp_path_factory):
    """Tests never see the user's cache (gan-tui's evaluator classifiers): whether a GAN run is evaluated must
    not depend on the machine. A test that needs a classifier makes one and points XDG_CACHE_HOME at it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
