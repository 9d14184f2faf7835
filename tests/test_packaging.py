"""The wheel carries core, tui and the assets, and the app finds its assets from it."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    return next(out.glob("gan_tui-*.whl"))


def test_wheel_contains_the_packages_and_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = [p for folder in ("core", "tui") for p in (ROOT / folder).rglob("*.py")]
    data = [*(ROOT / "assets").glob("*.tcss"), *(ROOT / "assets" / "presets").glob("*.toml"),
            *(ROOT / "assets" / "help").glob("*.md")]
    missing = {p.relative_to(ROOT).as_posix() for p in sources + data} - names
    assert not missing
    assert {"core/adder.py", "tui/app.py", "assets/app.tcss", "assets/presets/adder-textbook.toml"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "gan-tui = tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_assets_are_found_inside_an_installed_wheel(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("from tui.assets import asset; from tui.presets import preset_names; "
            "print(asset('app.tcss')); print(preset_names('adder'))")
    # Run from an empty folder with only the installed wheel on the path: the checkout must not be found.
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
                            cwd=tmp_path, capture_output=True, text=True, check=True)
    tcss, presets = result.stdout.splitlines()
    assert tcss.startswith(str(target)) and Path(tcss).is_file()
    assert presets == "['half-integer', 'textbook']"
