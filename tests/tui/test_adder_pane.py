"""The adder lab as a user drives it: typing numbers, stepping, editing weights, verifying."""

import io

from rich.console import Console
from textual.widgets import Input, Static

from core.adder import AdderConfig
from tests.tui.conftest import text_of, type_into, wait_for
from tui.app import GanTuiApp


async def test_typing_numbers_updates_the_sum_and_verdict():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#f-a", "1111")
        await type_into(pilot, "#f-b", "1111")
        assert "network 11110 · expected 11110" in text_of(app, "#verdict")
        assert "✓ correct" in text_of(app, "#verdict")


async def test_a_bad_digit_is_refused_at_the_field_and_the_last_numbers_are_kept():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#f-a", "12")
        assert app.query_one("#f-a", Input).has_class("-invalid")
        assert "only binary digits 0 and 1 are allowed" in text_of(app, "#e-a")
        assert "expected 110011" in text_of(app, "#verdict")  # a keeps its last valid value, 1


async def test_stepping_forward_and_back_moves_through_the_bits():
    app = GanTuiApp(configs={"adder": AdderConfig(a=0b100111, b=0b110010)})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one("#adder-pane")
        await pilot.press("right", "right", "right")
        assert pane.t == 3
        assert "· · · 1 0 0 1" in text_of(app, "#columns")  # the network's sum so far, LSB first
        await pilot.press("left")
        assert pane.t == 2
        await pilot.click("#forward")
        assert pane.t == 3
        await pilot.press("r")
        assert pane.t == 0


async def test_editing_a_weight_breaks_the_adder_and_the_textbook_button_repairs_it():
    app = GanTuiApp(configs={"adder": AdderConfig(a=1, b=1)})
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#w-b_y", "0.5")
        # b_y > 0 makes v·h = 0 output 1: the sum bit of 1 + 1 comes out 1, so 11 instead of 10.
        assert "network 11 · expected 10  ✗ wrong" in text_of(app, "#verdict")
        await pilot.click("#preset-textbook")
        await pilot.pause()
        assert "✓ correct" in text_of(app, "#verdict")
        assert app.query_one("#w-b_y", Input).value == "0"


async def test_a_weight_that_is_not_a_number_is_refused_at_the_field():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#w-U-0-1", "x")
        assert app.query_one("#w-U-0-1", Input).has_class("-invalid")
        assert "U[1,2]: must be a finite number" in text_of(app, "#weight-error")
        assert "✓ correct" in text_of(app, "#verdict")


async def test_verify_finds_the_counterexample_and_c_loads_it_into_the_stepper():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#w-W-1-1", "0")
        app.query_one("#adder-pane").focus()
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "65,536 pairs checked" in text_of(app, "#verify-result")
        assert "first counterexample 00000001 + 00000011" in text_of(app, "#verify-result")
        await pilot.press("c")
        assert app.query_one("#f-a", Input).value == "1" and app.query_one("#f-b", Input).value == "11"
        assert "✗ wrong" in text_of(app, "#verdict")


async def test_decimal_toggle_rewrites_the_numbers():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("d")
        assert app.query_one("#f-a", Input).value == "39"
        assert "network 89 · expected 89" in text_of(app, "#verdict")
        await type_into(pilot, "#f-b", "2")
        assert "expected 41" in text_of(app, "#verdict")


async def test_switching_to_decimal_puts_a_refused_number_back_to_its_last_value():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#f-a", "12")  # a is 1 once the 1 is typed; the 2 is refused
        app.query_one("#adder-pane").focus()
        await pilot.press("d")  # 12 would be a fine decimal number, but it is not what was meant
        assert app.query_one("#f-a", Input).value == "1" and not app.query_one("#f-a", Input).has_class("-invalid")
        assert text_of(app, "#e-a").strip() == ""


async def test_play_runs_to_the_last_bit_and_stops():
    app = GanTuiApp(configs={"adder": AdderConfig(a=1, b=1)})
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one("#adder-pane")
        await pilot.press("space")
        await pilot.pause(2.0)
        assert pane.t == 1  # width 2: bits 0 and 1
        assert pane._player is None


def as_shown(app, selector: str) -> list[str]:
    """A Static's lines as the screen shows them: at its own width, cut at its height."""
    widget = app.query_one(selector, Static)
    console = Console(width=widget.content_size.width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text().splitlines()[: widget.content_size.height]


SIXTY_FOUR_BITS = AdderConfig(a=0xB5AD6B5AD6B5AD6B, b=0x32)


async def test_64_bit_numbers_scroll_with_the_current_bit_in_view_at_80x24():
    from tui.labs.adder import AdderPane

    app = GanTuiApp(configs={"adder": SIXTY_FOUR_BITS})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 34)
        await pilot.pause()
        pane = app.query_one(AdderPane)
        lines = as_shown(app, "#columns")
        assert pane.t == 34 and len(lines) == 5
        assert all("…" not in line and "‹" in line and "›" in line for line in lines[1:])  # bits beyond both ends
        a_row = lines[1].split()[1:]
        shown = [bit for bit in a_row if bit in "01"]
        assert len(shown) >= 10
        assert "".join(shown) in format(pane.addition.a, "065b")  # a true stretch of a's bits, in order
        table = app.query_one("#columns", Static).content
        highlighted = [column for column in table.columns
                       if any("reverse" in str(getattr(cell, "style", "")) for cell in column._cells[1:])]
        assert len(highlighted) == 1  # bit t is in the window, highlighted


async def test_small_numbers_show_every_bit_and_their_values():
    app = GanTuiApp()
    async with app.run_test(size=(80, 24)):
        lines = as_shown(app, "#columns")
        assert lines[1].split() == ["a", "0", "1", "0", "0", "1", "1", "1", "=", "39"]


async def test_the_last_step_stays_in_view_at_80x24_with_half_integer_weights():
    app = GanTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h", *["right"] * 6)
        await pilot.pause()
        lines = as_shown(app, "#trace")
        assert lines[0].split()[:3] == ["t", "a", "b"]  # a one-line header
        assert lines[-1].split()[:6] == ["6", "0", "0", "+0.5", "-0.5", "-1.5"]  # the current step, last and whole


async def test_a_long_verify_shows_its_progress_and_escape_cancels_it():
    from tui.labs.adder import AdderPane

    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await type_into(pilot, "#verify-bits", "12")
        await pilot.press("enter")
        pane = app.query_one(AdderPane)

        def counting() -> bool:
            shown = text_of(app, "#verify-result")
            return "%" in shown and not shown.startswith("checking every pair of 12-bit numbers… 0%")

        await wait_for(pilot, counting, timeout=10)  # the first chunks take a fraction of a second each
        shown = text_of(app, "#verify-result")
        assert shown.startswith("checking every pair of 12-bit numbers…") and "escape cancels" in shown
        assert 0 < int(shown.split("…")[1].split("%")[0]) < 100
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(app, "#verify-result").strip() == "verification cancelled"
        assert not pane.verifying and pane.verification is None


async def test_tab_goes_from_reset_straight_to_the_first_weight():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#rewind").focus()
        await pilot.press("tab")
        assert app.focused.id == "w-v-0"  # no stop on an invisible scroll container between them


async def test_after_escape_tab_goes_on_from_the_field_left():
    app = GanTuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#f-b").focus()
        await pilot.press("escape")
        assert app.focused.id == "adder-pane"  # letter keys act on the lab again
        await pilot.press("tab")
        assert app.focused.id == "f-decimal"  # the field after b, not the first field
        await pilot.press("escape", "shift+tab")
        assert app.focused.id == "f-b"
