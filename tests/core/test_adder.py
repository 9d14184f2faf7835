"""The hand-wired adder: exact answers from the textbook construction."""

import itertools

import pytest

from core.adder import (
    SETTINGS,
    AdderConfig,
    AdderWeights,
    add,
    parse_number,
    parse_weight_assignment,
    verify,
    verify_in_steps,
)
from core.errors import InvalidSetting
from core.settings import find, format_value, parse_text

TEXTBOOK = AdderWeights()
HALF_INTEGER = AdderWeights(b_h=(-0.5, -1.5, -2.5), b_y=-0.5)


def test_textbook_example_sum_and_hidden_states():
    run = add(TEXTBOOK, 0b100111, 0b110010)
    assert format(run.total, "b") == "1011001"
    assert run.correct
    # LSB first: (1,0) (1,1) (1,0) (0,0) (0,1) (1,1) and the padding (0,0); h2 carries after the 1+1 steps.
    assert [s.h for s in run.steps] == [(1, 0, 0), (1, 1, 0), (1, 1, 0), (1, 0, 0), (1, 0, 0), (1, 1, 0), (1, 0, 0)]
    assert [s.carry for s in run.steps] == [0, 1, 1, 0, 0, 1, 0]
    assert [s.pre for s in run.steps][1] == (2.0, 1.0, 0.0)


def test_zero_plus_zero():
    run = add(TEXTBOOK, 0, 0)
    assert run.total == 0 and run.width == 2 and run.correct


def test_all_ones_carry_out_of_the_top():
    run = add(TEXTBOOK, 0b1111, 0b1111)
    assert format(run.total, "b") == "11110"
    assert run.steps[-1].x == (0, 0) and run.steps[-1].y == 1


def test_unequal_lengths_are_padded():
    run = add(TEXTBOOK, 0b1, 0b1111111)
    assert run.width == 8 and run.total == 128


@pytest.mark.parametrize("weights", [TEXTBOOK, HALF_INTEGER], ids=["textbook", "half-integer"])
def test_every_pair_of_8_bit_numbers(weights):
    result = verify(weights, 8)
    assert (result.checked, result.failures, result.first_counterexample) == (65536, 0, None)


def test_exhaustive_check_agrees_with_the_stepper():
    for a, b in itertools.product(range(32), repeat=2):
        assert add(TEXTBOOK, a, b).total == a + b


def test_hidden_states_are_only_000_100_110_111():
    states = {s.h for a in range(64) for b in range(64) for s in add(TEXTBOOK, a, b).steps}
    assert states == {(0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 1)}


def test_textbook_weights_rely_on_sigma_of_zero_being_zero():
    # Moving b_y to +0.5 makes every step whose v·h is 0 output 1: 0 + 0 is then wrong.
    result = verify(TEXTBOOK.with_entry("b_y", (), 0.5), 4)
    assert result.first_counterexample == (0, 0)


def test_a_broken_carry_weight_gives_the_first_counterexample():
    # With W[1,1] = 0 unit 2 no longer hears the carry, so a carry cannot ripple on: 01 + 11 is the first pair that
    # needs it.
    broken = TEXTBOOK.with_entry("W", (1, 1), 0.0)
    result = verify(broken, 4)
    assert result.first_counterexample == (1, 3)
    assert add(broken, 1, 3).total != 4
    assert result.failures == sum(add(broken, a, b).total != a + b for a in range(16) for b in range(16))


@pytest.mark.parametrize(
    ("text", "notation", "message"),
    [("102", "binary", "only binary digits"), ("-1", "decimal", "no sign"), ("", "binary", "enter a binary number"),
     ("1" * 65, "binary", "64 bits"), ("12a", "decimal", "decimal digits")],
)
def test_bad_numbers_are_refused_with_what_is_allowed(text, notation, message):
    with pytest.raises(InvalidSetting, match=message) as error:
        parse_number(text, notation, "a")
    assert error.value.field == "a"


def test_numbers_parse_in_both_notations():
    assert parse_number("100111", "binary", "a") == 39
    assert parse_number(" 39 ", "decimal", "a") == 39
    assert parse_number("1" * 64, "binary", "a") == 2**64 - 1


def test_the_numbers_settings_are_typed_in_the_notation_the_decimal_flag_picks():
    binary, decimal = AdderConfig(), AdderConfig(decimal=True)
    for name in ("a", "b"):
        setting = find(SETTINGS, name)
        assert parse_text(setting, "100111", binary) == 39 == parse_text(setting, "39", decimal)
        assert (format_value(setting, 39, binary), format_value(setting, 39, decimal)) == ("100111", "39")
        with pytest.raises(InvalidSetting, match=f"^{name}: only binary digits"):
            parse_text(setting, "39", binary)


def test_weight_assignments_parse_rows_and_scalars():
    assert parse_weight_assignment("U=1,1;1,1;1,1") == ("U", [[1.0, 1.0]] * 3)
    assert parse_weight_assignment("b_y=0.5") == ("b_y", 0.5)
    assert parse_weight_assignment("v=1,-1,1") == ("v", [1.0, -1.0, 1.0])
    with pytest.raises(InvalidSetting, match="NAME one of"):
        parse_weight_assignment("Q=1")
    with pytest.raises(InvalidSetting, match="must be numbers"):
        parse_weight_assignment("v=1,x,1")


def test_weights_of_the_wrong_shape_or_not_finite_are_refused():
    with pytest.raises(InvalidSetting, match="shape 3×2"):
        AdderWeights(U=((1.0,),))
    with pytest.raises(InvalidSetting, match="finite"):
        AdderWeights(b_y=float("nan"))
    with pytest.raises(InvalidSetting, match="≥ 0"):
        AdderConfig(a=-1)


def test_verify_bits_are_bounded():
    with pytest.raises(InvalidSetting, match="1 to 12"):
        verify(TEXTBOOK, 13)


def test_verify_in_steps_tallies_whole_rows_and_ends_with_the_full_answer():
    weights = AdderWeights(b_h=(0.0, -1.0, -1.0))  # h3 fires too early: wrong answers
    tallies = list(verify_in_steps(weights, 10))
    assert len(tallies) == 4  # 2^20 pairs in chunks of 2^18
    assert [tally.checked for tally in tallies] == [262_144, 524_288, 786_432, 1_048_576]
    assert [tally.failures for tally in tallies] == sorted(tally.failures for tally in tallies)
    assert tallies[-1] == verify(weights, 10)
