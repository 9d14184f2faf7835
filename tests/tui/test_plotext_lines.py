"""PlotextLines: the lines it paints are the figure PlotextPlot builds, rebuilt after each refresh."""

from textual.app import App, ComposeResult

from tui.widgets.plotext_lines import PlotextLines


class PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PlotextLines()


def painted(plot: PlotextLines) -> list[str]:
    return [plot.render_line(y).text for y in range(plot.size.height)]


async def test_painted_lines_follow_the_data_after_a_refresh():
    app = PlotApp()
    async with app.run_test(size=(40, 12)) as pilot:
        plot = app.query_one(PlotextLines)
        plot.plt.plot([0, 1, 2], [0, 1, 4])
        plot.refresh()
        await pilot.pause()
        rising = painted(plot)
        assert rising == plot.render().plain.splitlines()
        assert all(len(line) == 40 for line in rising)
        plot.plt.clear_figure()
        plot.plt.plot([0, 1, 2], [4, 1, 0])
        plot.refresh()
        await pilot.pause()
        assert painted(plot) != rising
        assert painted(plot) == plot.render().plain.splitlines()


async def test_a_new_size_is_painted_at_that_size():
    app = PlotApp()
    async with app.run_test(size=(40, 12)) as pilot:
        plot = app.query_one(PlotextLines)
        plot.plt.plot([0, 1], [0, 1])
        await pilot.resize_terminal(60, 16)
        await pilot.pause()
        assert [len(line) for line in painted(plot)] == [60] * 16
