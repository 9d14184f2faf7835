"""`gan-tui adder --headless`: the JSON contract and exit status 2 on bad input."""

import json

import pytest

from tui.cli import main


def run_json(capsys, *argv):
    assert main(["adder", "--headless", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_trace_json_contract(capsys):
    data = run_json(capsys, "--a", "100111", "--b", "110010")
    assert set(data) == {"a", "b", "sum", "expected", "correct", "steps"}
    assert (data["a"], data["b"], data["sum"], data["expected"], data["correct"]) == (
        "0100111", "0110010", "1011001", "1011001", True)
    assert data["steps"][1] == {"t": 1, "x": [1, 1], "pre": [2.0, 1.0, 0.0], "h": [1, 1, 0], "y": 0}
    assert len(data["steps"]) == 7


def test_decimal_input(capsys):
    data = run_json(capsys, "--decimal", "--a", "39", "--b", "50")
    assert data["sum"] == "1011001"


def test_set_overrides_a_weight_and_the_verdict_changes(capsys):
    data = run_json(capsys, "--a", "1", "--b", "1", "--set", "b_y=0.5")
    assert data["correct"] is False


def test_verify_json(capsys):
    assert run_json(capsys, "--verify", "8") == {
        "bits": 8, "checked": 65536, "failures": 0, "first_counterexample": None,
    }
    data = run_json(capsys, "--verify", "4", "--set", "W=0,1,0;0,0,0;0,1,0")
    assert data["first_counterexample"] == {"a": "0001", "b": "0011"}


def test_half_integer_preset_from_the_command_line_then_a_weight_on_top(capsys):
    assert run_json(capsys, "--preset", "half-integer", "--verify", "8")["failures"] == 0
    trace = run_json(capsys, "--preset", "half-integer", "--a", "1", "--b", "0")
    assert trace["steps"][0]["pre"] == [0.5, -0.5, -1.5]  # U·x = 1 plus the half-integer b_h
    # b_y = +0.5 makes an idle network (h = 000) output 1, so 0 + 0 comes out as 1 first.
    broken = run_json(capsys, "--preset", "half-integer", "--set", "b_y=0.5", "--verify", "8")
    assert broken["first_counterexample"] == {"a": "00000000", "b": "00000000"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--a", "12"], "--a: only binary digits 0 and 1"),
     (["--decimal", "--a", "-3"], "--a: only decimal digits"),
     (["--set", "U=1"], "--set: U must have shape 3×2"),
     (["--set", "Z=1"], "--set: expected NAME=VALUES"),
     (["--verify", "20"], "--verify: bits must be 1 to 12"),
     (["--preset", "nope"], "--preset: no preset or file 'nope'")],
)
def test_bad_values_exit_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["adder", "--headless", *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
