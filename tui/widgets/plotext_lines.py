"""A textual-plotext plot drawn through Textual's line API, for plots redrawn on every keypress."""

from __future__ import annotations

from textual.strip import Strip
from textual_plotext import PlotextPlot


class PlotextLines(PlotextPlot):
    """PlotextPlot whose figure is built once per refresh and kept as strips, one per line.

    PlotextPlot hands Textual one block of text with a colour per cell, which Textual then lays
    out as text; handing over finished lines skips that work (about a sixth of a slider move in
    the saddle lab). Draw with `plt` as usual and call `refresh()`.
    """

    _strips: list[Strip] | None = None
    _strips_size: tuple[int, int] = (0, 0)

    def refresh(self, *regions, **kwargs) -> PlotextLines:
        self._strips = None  # new data or a new theme: build again on the next paint
        return super().refresh(*regions, **kwargs)

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if self._strips is None or self._strips_size != (width, height):
            console = self.app.console
            lines = self.render().split("\n", allow_blank=True)  # PlotextPlot sizes, themes and builds the figure
            self._strips = [Strip(line.render(console), line.cell_len).adjust_cell_length(width) for line in lines]
            self._strips_size = (width, height)
        return self._strips[y] if y < len(self._strips) else Strip.blank(width)
