"""Half-block images: two pixels per cell, top as foreground and bottom as background, scaled to fit."""

import numpy as np
import pytest
from textual.app import App, ComposeResult

from tui.widgets.halfblock import (
    UPPER_HALF_BLOCK,
    HalfBlockImage,
    area_resize,
    fit_image,
    halfblock_cells,
    halfblock_strips,
    nearest_resize,
)

# 4 rows x 2 columns: red/green over blue/white, then black/gray over yellow/cyan.
KNOWN = np.array(
    [
        [[255, 0, 0], [0, 255, 0]],
        [[0, 0, 255], [255, 255, 255]],
        [[0, 0, 0], [128, 128, 128]],
        [[255, 255, 0], [0, 255, 255]],
    ],
    dtype=np.uint8,
)


def cell_colours(strip) -> list[tuple[str, tuple[int, int, int], tuple[int, int, int]]]:
    """Each cell of a strip as (character, foreground RGB, background RGB)."""
    cells = []
    for segment in strip:
        style = segment.style
        for character in segment.text:
            colour = style.color.triplet if style and style.color else None
            background = style.bgcolor.triplet if style and style.bgcolor else None
            cells.append((character, tuple(colour) if colour else None, tuple(background) if background else None))
    return cells


def test_a_known_image_splits_into_top_and_bottom_pixels_per_cell():
    top, bottom = halfblock_cells(KNOWN)
    assert top.shape == bottom.shape == (2, 2, 3)
    assert top.tolist() == [[[255, 0, 0], [0, 255, 0]], [[0, 0, 0], [128, 128, 128]]]
    assert bottom.tolist() == [[[0, 0, 255], [255, 255, 255]], [[255, 255, 0], [0, 255, 255]]]


def test_a_known_image_renders_to_the_exact_cells_and_colours():
    strips = halfblock_strips(KNOWN)
    assert [cell_colours(strip) for strip in strips] == [
        [("▀", (255, 0, 0), (0, 0, 255)), ("▀", (0, 255, 0), (255, 255, 255))],
        [("▀", (0, 0, 0), (255, 255, 0)), ("▀", (128, 128, 128), (0, 255, 255))],
    ]


def test_equal_neighbouring_cells_share_one_segment():
    image = np.zeros((2, 5, 3), dtype=np.uint8)
    image[:, 3:] = 200
    (strip,) = halfblock_strips(image)
    assert [(segment.text, segment.style.color.triplet.red) for segment in strip] == [("▀▀▀", 0), ("▀▀", 200)]
    assert strip.cell_length == 5


def test_grayscale_becomes_equal_red_green_and_blue():
    top, bottom = halfblock_cells(np.array([[10, 20], [30, 40]], dtype=np.uint8))
    assert top.tolist() == [[[10, 10, 10], [20, 20, 20]]]
    assert bottom.tolist() == [[[30, 30, 30], [40, 40, 40]]]


def test_an_odd_height_is_padded_below_with_the_pad_colour():
    image = np.full((3, 1), 99, dtype=np.uint8)
    top, bottom = halfblock_cells(image, pad=(1, 2, 3))
    assert top[:, 0].tolist() == [[99, 99, 99], [99, 99, 99]]
    assert bottom[:, 0].tolist() == [[99, 99, 99], [1, 2, 3]]


def test_images_that_are_not_uint8_pixels_are_refused():
    with pytest.raises(ValueError, match="uint8"):
        halfblock_cells(np.zeros((2, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="HxW"):
        halfblock_cells(np.zeros((2, 2, 2), dtype=np.uint8))


def test_area_resampling_averages_the_pixels_each_output_covers():
    checker = (np.indices((4, 4)).sum(axis=0) % 2 * 255).astype(np.uint8)[:, :, None].repeat(3, axis=2)
    halved = area_resize(checker, 2, 2)
    assert halved.shape == (2, 2, 3)
    assert np.all(halved == 128)  # mean of 0 and 255 is 127.5, rounded to even
    gradient = np.arange(6, dtype=np.uint8).reshape(1, 6, 1).repeat(3, axis=2) * 30
    # 6 -> 4 columns: each output covers 1.5 source pixels, e.g. the first is (0 + 0.5 * 30) / 1.5 = 10.
    assert area_resize(gradient, 1, 4)[0, :, 0].tolist() == [10, 50, 100, 140]


def test_max_resampling_keeps_a_single_bright_point_that_averaging_would_dim():
    scatter = np.zeros((96, 96, 3), dtype=np.uint8)
    scatter[50, 70] = (255, 190, 50)
    kept = fit_image(scatter, width=24, height=12, shrink="max")  # 96 -> 24 pixels: 4 x 4 blocks
    assert kept.shape == (24, 24, 3) and kept[12, 17].tolist() == [255, 190, 50]
    assert fit_image(scatter, width=24, height=12)[12, 17].tolist() == [16, 12, 3]  # the area mean: 1/16 of it


def test_nearest_resampling_picks_the_pixel_under_each_centre():
    image = np.arange(4, dtype=np.uint8).reshape(1, 4, 1).repeat(3, axis=2)
    assert nearest_resize(image, 1, 2)[0, :, 0].tolist() == [1, 3]
    assert nearest_resize(image, 1, 8)[0, :, 0].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_fit_enlarges_by_a_whole_factor_and_keeps_the_aspect():
    fitted = fit_image(KNOWN, width=7, height=7)  # 7 columns, 14 pixel rows: factor min(3.5, 3.5) -> 3
    assert fitted.shape == (12, 6, 3)
    assert np.array_equal(fitted[::3, ::3], KNOWN)


def test_fit_shrinks_an_eight_by_eight_grid_of_digits_to_the_space_given():
    grid = np.zeros((224, 224), dtype=np.uint8)
    fitted = fit_image(grid, width=56, height=20)  # 40 pixel rows is the tighter bound
    assert fitted.shape == (40, 40, 1)  # grayscale stays one channel until drawn


class ImageApp(App[None]):
    CSS = "HalfBlockImage { width: 8; height: 4; }"

    def compose(self) -> ComposeResult:
        yield HalfBlockImage(KNOWN)


async def test_the_widget_draws_the_image_scaled_and_centred():
    app = ImageApp()
    async with app.run_test(size=(20, 6)):
        widget = app.query_one(HalfBlockImage)
        # 8x4 cells = 8x8 pixels; the 4x2 image enlarges by 2 to 8x4 pixels: 4 rows of 4 cells, centred.
        lines = [cell_colours(widget.render_line(y)) for y in range(4)]
        assert all(len(line) == 8 for line in lines)
        assert [character for character, _, _ in lines[0]] == [" ", " ", *[UPPER_HALF_BLOCK] * 4, " ", " "]
        assert lines[0][2][1:] == ((255, 0, 0), (255, 0, 0))  # scaled by 2: the first cell is two red pixels
        assert lines[1][2][1:] == ((0, 0, 255), (0, 0, 255))
        assert lines[1][4][1:] == ((255, 255, 255), (255, 255, 255))
        assert lines[3][5][1:] == ((0, 255, 255), (0, 255, 255))


async def test_update_swaps_the_image_and_none_clears_it():
    app = ImageApp()
    async with app.run_test(size=(20, 6)) as pilot:
        widget = app.query_one(HalfBlockImage)
        widget.update(np.full((8, 8), 255, dtype=np.uint8))
        await pilot.pause()
        assert cell_colours(widget.render_line(0))[0][1:] == ((255, 255, 255), (255, 255, 255))
        widget.update(None)
        await pilot.pause()
        assert {character for character, _, _ in cell_colours(widget.render_line(0))} == {" "}
