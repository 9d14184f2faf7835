"""`gan-tui saddle --headless`: the JSON contracts, the presets and exit status 2 on bad input."""

import json
import math

import pytest

from tui.cli import main
from tui.presets import preset_names


def run_json(capsys, *argv):
    assert main(["saddle", "--headless", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_run_json_contract(capsys):
    data = run_json(capsys, "--game", "quadratic", "--a", "4", "--b", "4", "--method", "gda", "--eta", "0.24",
                    "--steps", "500", "--start", "1,1")
    assert set(data) == {
        "game", "method", "eta", "steps", "start", "trajectory", "final", "final_norm", "status", "theory",
    }
    assert (data["game"], data["method"], data["eta"], data["steps"], data["start"]) == (
        "quadratic", "gda", 0.24, 500, [1.0, 1.0],
    )
    assert data["status"] == "converged"
    assert len(data["trajectory"]) == 171  # converged at step 170; the start is the first point
    assert data["trajectory"][0] == [1.0, 1.0]
    assert data["trajectory"][3] == pytest.approx([(-0.92) ** 3] * 2, rel=1e-15)
    assert data["final"] == data["trajectory"][-1]
    assert data["final_norm"] == pytest.approx(math.hypot(*data["final"]))
    assert data["theory"] == {"spectral_radius": pytest.approx(0.92), "eta_range": [0.0, 0.25], "best_eta": 0.125}


def test_a_method_with_no_convergent_step_size_writes_nulls(capsys):
    data = run_json(capsys, "--game", "bilinear", "--eta", "1.5", "--steps", "100")
    assert data["status"] == "diverged"
    assert data["final_norm"] > 1e6
    assert data["theory"]["eta_range"] is None and data["theory"]["best_eta"] is None
    assert data["theory"]["spectral_radius"] == pytest.approx(math.sqrt(1 + 1.5**2))


def test_sweep_json_contract_shows_the_quarter_boundary(capsys):
    data = run_json(capsys, "--sweep", "0.2:0.3:5", "--steps", "1000")
    assert set(data) == {"sweep"}
    assert [row["eta"] for row in data["sweep"]] == pytest.approx([0.2, 0.225, 0.25, 0.275, 0.3])
    assert [row["status"] for row in data["sweep"]] == ["converged", "converged", "cycling", "diverged", "diverged"]
    assert set(data["sweep"][0]) == {"eta", "final_norm", "status"}


def test_regularised_method_takes_gamma(capsys):
    def status(gamma: str) -> str:
        return run_json(capsys, "--game", "dirac", "--method", "r1", "--gamma", gamma, "--eta", "0.1",
                        "--steps", "1000")["status"]

    assert status("1") == "converged"
    assert status("0") != "converged"


@pytest.mark.parametrize(
    ("preset", "status"),
    [("quadratic-gda-0.1", "converged"), ("quadratic-gda-0.24", "converged"), ("quadratic-gda-0.26", "diverged"),
     ("quadratic-gd", "diverged"), ("quadratic-gd-y0", "converged"), ("bilinear-gda", "running"),
     ("bilinear-alt-gda", "cycling"), ("bilinear-extragradient", "converged"), ("bilinear-ogda", "converged"),
     ("dirac-gda", "running"), ("dirac-r1", "converged")],
)
def test_each_preset_reproduces_its_result(capsys, preset, status):
    assert run_json(capsys, "--preset", preset)["status"] == status


def test_every_shipped_preset_is_checked():
    assert len(preset_names("saddle")) == 11


def test_options_override_a_preset(capsys):
    data = run_json(capsys, "--preset", "quadratic-gda-0.24", "--eta", "0.26")
    assert (data["eta"], data["status"]) == (0.26, "diverged")


def test_the_summary_names_the_status_and_the_boundary(capsys):
    assert main(["saddle", "--headless", "--eta", "0.26"]) == 0
    out = capsys.readouterr().out
    assert "diverged after 176 of 200 steps" in out
    assert "0 < η < 0.25" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--eta", "0"], "--eta: must be > 0"),
     (["--eta", "-0.1"], "--eta: must be > 0"),
     (["--eta", "fast"], "--eta: must be a number (got 'fast')"),
     (["--a", "0"], "--a: must be > 0"),
     (["--b", "nan"], "--b: must be a finite number"),
     (["--steps", "1000000"], "--steps: must be between 1 and 10000"),
     (["--steps", "ten"], "--steps: must be a whole number"),
     (["--start", "1"], "--start: must be two numbers x,y"),
     (["--start", "1;1"], "--start: must be two numbers x,y such as 1,1"),
     (["--gamma", "-1"], "--gamma: must be between 0 and 100"),
     (["--game", "chess"], "--game: must be one of quadratic, bilinear, dirac"),
     (["--method", "adam"], "--method: must be one of gd, gda"),
     (["--sweep", "0.1:0.5"], "--sweep: must be LO:HI:N"),
     (["--sweep", "0.5:0.1:10"], "--sweep: HI must be greater than LO"),
     (["--preset", "nope"], "--preset: no preset or file 'nope'")],
)
def test_bad_values_exit_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["saddle", "--headless", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
