"""The GAN tab at 80×24 as a new user meets it (issue 12, item 5): the instruction, the footer, the charts'
keys, the zoom, the 2-D samples' key, and keys that have nothing to act on."""

import numpy as np
import pytest
from textual.widgets import Footer, Label, Static
from textual.widgets._toast import Toast

from core.gan.config import GanConfig
from core.gan.events import Finished, Progress, Samples, Started
from core.gan.history import RunHistory
from tests.tui.conftest import wait_for
from tui.app import GanTuiApp
from tui.labs import LABS
from tui.labs.gan import GanPane
from tui.labs.gan_monitor import RunEvents
from tui.widgets.halfblock import HalfBlockImage
from tui.widgets.series_chart import SeriesChart, key_line

GLYPHS = GanConfig(max_steps=20, batch=16, z_dim=8, hidden=32, sample_every=10, seed=3, device="cpu")


def screen_rows(app) -> list[str]:
    """The text of every row of the screen as the terminal gets it, toasts and docked widgets included."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def finished_run(config: GanConfig, grid: np.ndarray) -> list:
    return [(0, event) for event in (
        Started(0, 20, 10.0, "cpu", "runs/x", config.to_dict()),
        *(Progress(step=step, epoch=step / 10, time=step / 20, d_loss=1.3, g_loss=0.7 + step / 100, d_real=0.6,
                   d_fake=0.4, images_per_s=320.0) for step in range(1, 21)),
        Samples(20, 2.0, grid, None),
        Finished(20, "completed"),
    )]


async def show(pilot, config: GanConfig, grid: np.ndarray) -> GanPane:
    pane = pilot.app.query_one(GanPane)
    pane.show_runs([RunHistory()], ["run"], [config])
    pane.post_message(RunEvents(finished_run(config, grid)))
    await pilot.pause(0.6)   # the status line's redraw tick
    # the charts rebuild in a worker when their turn comes, then wait for the pane's tick to be painted
    # (a chart the layout gives no room is never drawn)
    await wait_for(pilot, lambda: all(chart.up_to_date or not chart.size.area for chart in pane.query(SeriesChart)))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.6)
    pane.focus()
    return pane


async def footer_drawn(pilot) -> str:
    """The screen's last row once the footer has its keys (it builds them after the first refresh)."""
    for _ in range(100):
        if pilot.app.query_one(Footer).children:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    return screen_rows(pilot.app)[-1]


def notes(app) -> str:
    return " ".join(str(toast.render()) for toast in app.screen.query(Toast))


async def test_the_instruction_before_a_run_is_whole_at_80x24():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any(row.rstrip().endswith("Set up a run on the left, then press s.") for row in screen_rows(app))


@pytest.mark.parametrize("lab", [lab.id for lab in LABS])
async def test_the_footer_ends_on_the_palette_key_with_help_and_quit_in_view(lab):
    app = GanTuiApp(initial_tab=lab)
    async with app.run_test(size=(80, 24)) as pilot:
        last = await footer_drawn(pilot)
        assert last.endswith("^p palette")   # no letter of a key scrolled under it ("paletteQ")
        assert "? Help" in last and "q Quit" in last


async def test_the_footer_ends_on_the_palette_key_at_60x20_too():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(60, 20)) as pilot:
        assert (await footer_drawn(pilot)).endswith("^p palette")


def test_a_key_too_wide_for_the_chart_drops_the_titles_remark_then_the_title():
    entries = [("D", (90, 160, 255)), ("G", (255, 160, 60)), ("log 4", (150, 150, 150))]
    assert key_line("losses (smoothed; raw faint)", entries, 60).plain.strip() == \
        "losses (smoothed; raw faint)  ━ D  ━ G  ━ log 4"
    assert key_line("losses (smoothed; raw faint)", entries, 36).plain.strip() == "losses  ━ D  ━ G  ━ log 4"
    assert key_line("losses (smoothed; raw faint)", entries, 18).plain.strip() == "━ D  ━ G  ━ log 4"


async def test_short_charts_name_their_lines_above_the_plot_and_tall_ones_inside_it():
    grid = np.zeros((242, 242, 3), dtype=np.uint8)
    for size, key_on_top in (((80, 24), True), ((160, 50), False)):
        app = GanTuiApp(initial_tab="gan")
        async with app.run_test(size=size) as pilot:
            pane = await show(pilot, GLYPHS, grid)
            lines = [strip.text for strip in pane.query_one("#loss-chart", SeriesChart)._drawn]
            legend_rows = [index for index, line in enumerate(lines) if "log 4" in line]
            if key_on_top:  # 4 plot rows: a legend of three inside would cover the lines
                assert legend_rows == [0] and "losses" in lines[0] and "━ D  ━ G  ━ log 4" in lines[0]
            else:
                assert lines[0].strip() == "losses (smoothed; raw faint)" and legend_rows and 0 not in legend_rows


async def test_z_steps_through_zooms_that_change_the_picture_and_the_label_says_which():
    grid = np.zeros((242, 242, 3), dtype=np.uint8)   # 8×8 images of 28 pixels with 2-pixel gutters
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await show(pilot, GLYPHS, grid)
        image = pane.query_one("#latest-grid", HalfBlockImage)
        footer_row = app.query_one(Footer).region.y
        seen = []
        for _ in range(4):
            label = str(pane.query_one("#latest-label", Label).content)
            side = int(label.split(" · ")[1][0])
            seen.append(label.split(" · ")[1])
            assert image.image.shape[:2] == (2 + 30 * side,) * 2  # the whole corner of side × side images
            assert image.region.bottom <= footer_row                # and all of it on screen
            await pilot.press("z")
        # at 80×24 "fit" shows 2×2, so a fixed 2×2 is skipped: every press changes the picture
        assert seen == ["2×2 (fit)", "4×4", "8×8", "2×2 (fit)"]


async def test_keys_with_nothing_to_act_on_say_why():
    app = GanTuiApp(initial_tab="gan")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.query_one(GanPane).focus()
        await pilot.press("p")
        await pilot.pause(0.2)
        assert "No run to pause yet: s starts one." in notes(app)
        await show(pilot, GLYPHS, np.zeros((242, 242, 3), dtype=np.uint8))
        for key, said in (("p", "Nothing to pause: the run has completed."), ("x", "Nothing to stop"),
                          ("c", "Only conditional runs have classes to pick"),
                          ("r", "r steps through watched runs")):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert said in notes(app), key


async def test_a_2d_run_has_a_colour_key_under_its_samples():
    points = np.zeros((96, 96, 3), dtype=np.uint8)
    for config, key in ((GanConfig(data="ring8", device="cpu"), "■ data ■ G(z) · D says ██ fake ██ real"),
                        (GanConfig(data="ring8", objective="mse", device="cpu"), "■ data ■ G(z)"),
                        (GLYPHS, None)):
        app = GanTuiApp(initial_tab="gan")
        async with app.run_test(size=(80, 24)) as pilot:
            pane = await show(pilot, config, points if config.is_points else np.zeros((242, 242, 3), np.uint8))
            shown = pane.query_one("#scatter-key", Static)
            assert shown.display == (key is not None)
            if key:
                assert str(shown.content) == key
                assert shown.region.bottom <= app.query_one(Footer).region.y  # on screen, under the plot
