"""Half-block rendering of an 8x8 grid of 28x28 glyphs: the vectorised widget code vs a per-pixel Python loop.

Both produce the same cells (one '▀' per cell, top pixel foreground, bottom pixel background):
- ours: fit_image + halfblock_strips (numpy runs, one Segment per run of equal cells);
- reference: a Python loop over every cell appending a styled '▀' to a rich Text.
Sizes: the grid scaled into 60x30 cells (its place in the GAN pane at 120x40) and at full size
(242x121 cells: 8 x 28 pixels plus 2-pixel gutters). Goal: ours < 5 ms at the pane's size.
Usage: python bench/halfblock_speed.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text

from core.gan.data import load_data
from tui.widgets import halfblock
from tui.widgets.halfblock import fit_image, halfblock_cells, halfblock_strips

GUTTER = 2


def glyph_grid() -> np.ndarray:
    """64 glyphs in 8 rows of 8 with 2-pixel black gutters, as uint8 grayscale."""
    images = load_data("glyphs", size=64, seed=0).x[:, 0].numpy()
    pixels = np.rint((images + 1) * 127.5).astype(np.uint8)
    side = 8 * 28 + 9 * GUTTER
    grid = np.zeros((side, side), dtype=np.uint8)
    for index, image in enumerate(pixels):
        row, column = divmod(index, 8)
        top, left = GUTTER + row * (28 + GUTTER), GUTTER + column * (28 + GUTTER)
        grid[top : top + 28, left : left + 28] = image
    return grid


def naive_text(image: np.ndarray) -> Text:
    top, bottom = halfblock_cells(image)
    text = Text()
    for row in range(top.shape[0]):
        for column in range(top.shape[1]):
            upper, lower = top[row, column], bottom[row, column]
            style = Style(color=Color.from_rgb(*map(int, upper)), bgcolor=Color.from_rgb(*map(int, lower)))
            text.append("▀", style)
        text.append("\n")
    return text


def median_ms(work, repeats: int, cold: bool = False) -> float:
    times = []
    for _ in range(repeats):
        if cold:
            halfblock._styles.clear()
            halfblock._colours.clear()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    grid = glyph_grid()
    for label, (width, height) in (("pane at 120x40 (60x30 cells)", (60, 30)),
                                   ("full size (242x121 cells)", (242, 121))):
        fitted = fit_image(grid, width, height)
        ours_warm = median_ms(lambda: halfblock_strips(fit_image(grid, width, height)), repeats)
        ours_cold = median_ms(lambda: halfblock_strips(fit_image(grid, width, height)), repeats, cold=True)
        reference = median_ms(lambda: naive_text(fitted), max(3, repeats // 4))
        print(f"{label}: image {fitted.shape[1]}x{fitted.shape[0]} px")
        print(f"  ours {ours_warm:.2f} ms (styles cached), {ours_cold:.2f} ms (cold);"
              f" per-pixel loop {reference:.2f} ms")
        print(f"  speed-up {reference / ours_warm:.1f}x warm, {reference / ours_cold:.1f}x cold")


if __name__ == "__main__":
    main()
