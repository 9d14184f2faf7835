"""Images in a terminal with half blocks: each character cell shows two pixels, one above the other.

The cell is '▀' drawn with the top pixel as its foreground colour and the bottom pixel as its
background colour, so an image of H x W pixels takes H/2 rows of W cells. It needs only colours,
no graphics protocol, so it works over SSH and in tmux; rich turns truecolor into the nearest of
256 or 16 colours where the terminal has no more.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

UPPER_HALF_BLOCK = "▀"
_MAX_CACHED = 1 << 16  # colours and styles kept for reuse; grayscale needs 256 and 65536
_colours: dict[int, Color] = {}
_styles: dict[int, Style] = {}


def as_pixels(image: np.ndarray) -> np.ndarray:
    """An HxW or HxWx1 grayscale or HxWx3 RGB uint8 image as HxWx1 or HxWx3 (grayscale stays one channel)."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"images are uint8 (got {image.dtype})")
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 3):
        raise ValueError(f"images are HxW grayscale or HxWx3 RGB (got shape {image.shape})")
    return image


def halfblock_cells(image: np.ndarray, pad: tuple[int, int, int] = (0, 0, 0)) -> tuple[np.ndarray, np.ndarray]:
    """HxWx3 uint8 -> top and bottom colours per cell, each (ceil(H/2), W, 3); an odd last row gets `pad` below it.

    Grayscale (HxW or HxWx1) becomes equal red, green and blue.
    """
    pixels = as_pixels(image)
    image = np.broadcast_to(pixels, (*pixels.shape[:2], 3))
    if image.shape[0] % 2:
        padding = np.broadcast_to(np.asarray(pad, dtype=np.uint8), (1, image.shape[1], 3))
        image = np.concatenate([image, padding], axis=0)
    return image[0::2], image[1::2]


def nearest_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resample an HxWxC image to height x width by taking, for each output pixel, the source pixel under its centre."""
    rows = ((np.arange(height) + 0.5) * image.shape[0] / height).astype(np.intp)
    columns = ((np.arange(width) + 0.5) * image.shape[1] / width).astype(np.intp)
    return image[rows[:, None], columns[None, :]]


def _box_mean(values: np.ndarray, n_out: int) -> np.ndarray:
    """Means of `values` (n, ...) over n_out equal spans of axis 0: output i averages [i, i+1) * n/n_out.

    The integral S(x) of the piecewise-constant pixels is the running sum at whole x plus the
    fraction of the next pixel, so each mean is (S(end) - S(start)) / span with no loop and no BLAS
    (multithreaded BLAS stalls on a busy 2-core machine).
    """
    n = values.shape[0]
    padded = np.concatenate([values, np.zeros_like(values[:1])])
    running = np.concatenate([np.zeros_like(values[:1]), np.cumsum(values, axis=0)])
    edges = np.arange(n_out + 1) * (n / n_out)
    whole = np.minimum(edges.astype(np.intp), n)
    fraction = (edges - whole).reshape(-1, *([1] * (values.ndim - 1)))
    integral = running[whole] + fraction * padded[whole]
    return np.diff(integral, axis=0) * (n_out / n)


def area_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resample an HxWxC image to height x width with a box filter.

    Each output pixel is the mean over the source area it covers.
    """
    rows = _box_mean(image.astype(np.float32), height)
    mean = _box_mean(rows.transpose(1, 0, 2), width).transpose(1, 0, 2)
    return np.clip(np.rint(mean), 0, 255).astype(np.uint8)


def max_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Shrink an HxWxC image to height x width keeping the brightest value of each block of source pixels.

    Output pixel i takes the maximum over source pixels [floor(i n/out), floor((i+1) n/out)): a single
    bright point, such as one sample on a scatter plot, survives any shrinking.
    """
    rows = (np.arange(height) * image.shape[0]) // height
    columns = (np.arange(width) * image.shape[1]) // width
    return np.maximum.reduceat(np.maximum.reduceat(image, rows, axis=0), columns, axis=1)


def fit_image(image: np.ndarray, width: int, height: int, shrink: str = "area") -> np.ndarray:
    """The image scaled to fit `width` x `height` character cells (2 * height pixel rows), aspect kept.

    Enlarging uses a whole-number factor and nearest pixels, so every source pixel stays a crisp equal
    block. Shrinking averages by default ("area"), so thin strokes fade instead of vanishing; "max"
    keeps each block's brightest pixel, for sparse pictures such as scatter plots.
    """
    image = as_pixels(image)
    rows, columns = image.shape[:2]
    if width <= 0 or height <= 0 or rows == 0 or columns == 0:
        return image[:0, :0]
    scale = min(width / columns, 2 * height / rows)
    if scale >= 1:
        factor = int(scale)
        return image if factor == 1 else nearest_resize(image, rows * factor, columns * factor)
    resize = {"area": area_resize, "max": max_resize}[shrink]
    return resize(image, max(1, int(rows * scale)), max(1, int(columns * scale)))


def _colour(rgb: int) -> Color:
    colour = _colours.get(rgb)
    if colour is None:
        if len(_colours) >= _MAX_CACHED:
            _colours.clear()
        colour = _colours[rgb] = Color.from_rgb(rgb >> 16, (rgb >> 8) & 255, rgb & 255)
    return colour


def _style(key: int) -> Style:
    """The style of a cell whose colours are packed as (top RGB << 24) | bottom RGB."""
    style = _styles.get(key)
    if style is None:
        if len(_styles) >= _MAX_CACHED:
            _styles.clear()
        style = _styles[key] = Style.from_color(_colour(key >> 24), _colour(key & 0xFFFFFF))
    return style


def _pack(colours: np.ndarray) -> np.ndarray:
    colours = colours.astype(np.int64)
    return (colours[..., 0] << 16) | (colours[..., 1] << 8) | colours[..., 2]


def halfblock_strips(image: np.ndarray, pad: tuple[int, int, int] = (0, 0, 0)) -> list[Strip]:
    """One Strip per cell row; neighbouring cells of the same two colours share one Segment (`pad` fills
    the bottom half of the last row of an odd-height image).

    The runs of equal cells are found for the whole image at once in numpy; Python then only
    builds one Segment per run, with one Style per distinct colour pair.
    """
    top, bottom = halfblock_cells(image, pad)
    rows, width = top.shape[:2]
    if rows == 0 or width == 0:
        return []
    keys = (_pack(top) << 24) | _pack(bottom)
    starts = np.ones((rows, width), dtype=bool)
    starts[:, 1:] = keys[:, 1:] != keys[:, :-1]
    run_rows, run_columns = np.nonzero(starts)
    ends = np.append(run_columns[1:], width)
    ends[np.flatnonzero(np.diff(run_rows))] = width  # a row's last run ends at the right edge
    distinct, which = np.unique(keys[run_rows, run_columns], return_inverse=True)
    styles = np.empty(len(distinct), dtype=object)
    styles[:] = [_style(key) for key in distinct.tolist()]
    blocks = np.empty(width + 1, dtype=object)
    blocks[:] = [UPPER_HALF_BLOCK * length for length in range(width + 1)]
    segments = list(map(Segment, blocks[ends - run_columns].tolist(), styles[which].tolist()))
    bounds = np.searchsorted(run_rows, np.arange(rows + 1)).tolist()
    return [Strip(segments[bounds[row] : bounds[row + 1]], width) for row in range(rows)]


class HalfBlockImage(Widget):
    """Shows an image scaled to fit the widget, centred; `update` swaps the image.

    The scaled image and its strips are computed once per image and widget size, so a
    repaint only hands back cached strips.
    """

    DEFAULT_CSS = "HalfBlockImage { width: 1fr; height: 1fr; }"

    class Resized(Message):
        """The widget's size changed (Textual's Resize does not bubble): what fits in it may have too."""

        def __init__(self, image: HalfBlockImage) -> None:
            super().__init__()
            self.image = image

    def __init__(self, image: np.ndarray | None = None, *, shrink: str = "area", name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._image = None if image is None else as_pixels(image)
        self._shrink = shrink
        self._cache_size: Size | None = None
        self._lines: list[Strip] = []
        self._placeholder = ""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized(self))

    @property
    def image(self) -> np.ndarray | None:
        return self._image

    @property
    def placeholder(self) -> str:
        """Said, dim and centred, while there is no image (e.g. "not yet")."""
        return self._placeholder

    @placeholder.setter
    def placeholder(self, text: str) -> None:
        if text != self._placeholder:
            self._placeholder = text
            self._cache_size = None
            self.refresh()

    def update(self, image: np.ndarray | None, shrink: str | None = None) -> None:
        """Show `image` (HxW grayscale or HxWx3 RGB, uint8), or nothing for None; `shrink` as in fit_image."""
        self._image = None if image is None else as_pixels(image)
        self._shrink = shrink or self._shrink
        self._cache_size = None
        self.refresh()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 0 if self._image is None else self._image.shape[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 0 if self._image is None else (self._image.shape[0] + 1) // 2

    def _layout(self) -> None:
        """Scale the image to the widget and build every line, centred, once per image and size."""
        size = self.size
        if self._cache_size == size:
            return
        self._cache_size = size
        blank = self.rich_style
        background = blank.bgcolor.get_truecolor() if blank.bgcolor else (0, 0, 0)
        fitted = None if self._image is None else fit_image(self._image, size.width, size.height, self._shrink)
        strips = [] if fitted is None else halfblock_strips(fitted, tuple(background))
        if fitted is None and self._placeholder and size.width and size.height:
            text = self._placeholder[: size.width]
            strips = [Strip([Segment(text, blank + Style(dim=True))], len(text))]
        top = (size.height - len(strips)) // 2
        self._lines = [Strip.blank(size.width, blank)] * size.height
        for row, strip in enumerate(strips):
            left = (size.width - strip.cell_length) // 2
            padded = Strip([Segment(" " * left, blank), *strip], left + strip.cell_length)
            self._lines[top + row] = padded.adjust_cell_length(size.width, blank)

    def render_line(self, y: int) -> Strip:
        self._layout()
        return self._lines[y] if 0 <= y < len(self._lines) else Strip.blank(self.size.width, self.rich_style)
