"""How the adder lab and the help screen look (SVG snapshots under tests/tui/__snapshots__)."""

from tui.app import GanTuiApp


def test_adder_pane_at_a_mid_step(snap_compare):
    assert snap_compare(GanTuiApp(), press=["right", "right", "right"], terminal_size=(100, 30))


def test_adder_pane_at_80x24(snap_compare):
    assert snap_compare(GanTuiApp(), press=["right", "right", "right"], terminal_size=(80, 24))


def test_adder_help_screen(snap_compare):
    assert snap_compare(GanTuiApp(), press=["question_mark"], terminal_size=(100, 30))
