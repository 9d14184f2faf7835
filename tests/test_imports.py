"""The layering the design fixes: core never draws, the app starts without torch."""

import subprocess
import sys

import pytest


def modules_after_import(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in output.split()}


def test_core_never_imports_terminal_libraries():
    every_core_module = ("import core, importlib, pkgutil; "
                         "[importlib.import_module(m.name) for m in pkgutil.walk_packages(core.__path__, 'core.')]")
    assert not modules_after_import(every_core_module) & {"textual", "rich", "plotext"}


@pytest.mark.parametrize("statement", ["import tui.app", "import tui.cli"])
def test_the_app_and_command_line_start_without_torch(statement):
    assert "torch" not in modules_after_import(statement)


@pytest.mark.parametrize("statement", ["import core.gan.run_dir", "import core.gan.watch"])
def test_a_run_folder_is_read_and_watched_without_torch(statement):
    assert "torch" not in modules_after_import(statement)
