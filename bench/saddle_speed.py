"""Speed of the saddle lab against plain-Python loops of the same maths, measured in the same run.

1. one 10,000-step trajectory (core.minmax.simulate) vs a hand-written float loop;
2. a 200-point η sweep (core.minmax.sweep, all η at once in numpy) vs the same loop once per η;
3. a slider move in the app (100x30, headless): from setting the slider until Textual has drawn
   both plots again (wall and CPU time; on a busy machine wall time includes waiting for a core).
Goal: a slider move redraws in well under 50 ms.
Usage: python bench/saddle_speed.py [repeats]
"""

from __future__ import annotations

import asyncio
import math
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from core.minmax import SaddleConfig, simulate, sweep

# Alternating GDA on x y never stops early, so every run does all of its steps.
TRAJECTORY = SaddleConfig(game="bilinear", method="alt-gda", eta=0.1, steps=10_000)
SWEEP = SaddleConfig(game="bilinear", method="alt-gda", steps=1_000)
SWEEP_ETAS = np.linspace(0.01, 1.99, 200)


def plain_loop(eta: float, steps: int) -> list[tuple[float, float]]:
    """Alternating GDA on f = x y with the same stopping tests as simulate, in plain Python floats."""
    x, y = 1.0, 1.0
    points = [(x, y)]
    for _ in range(steps):
        x = x - eta * y
        y = y + eta * x
        points.append((x, y))
        norm = math.hypot(x, y)
        if not norm <= 1e6 or norm < 1e-6:
            break
    return points


def best_of(repeats: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


async def redraw_times(moves: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds from setting the slider until both plots have been drawn again, per move."""
    from textual_plotext import PlotextPlot

    from tui.app import GanTuiApp
    from tui.labs.saddle import SaddlePane
    from tui.widgets.float_slider import FloatSlider

    app = GanTuiApp(initial_tab="saddle")
    drawn: dict[str, float] = {}
    wall, cpu = [], []
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(SaddlePane)
        slider = pane.query_one("#slider-eta", FloatSlider)
        for plot in pane.query(PlotextPlot):
            plot.render = stamped(plot.render, plot.id, drawn)
        for move in range(moves):
            await pilot.pause()  # settle before timing
            eta = 0.02 * (move % 24 + 1)
            start, start_cpu = time.perf_counter(), time.process_time()
            slider.value = eta
            while not (pane.config.eta == slider.value
                       and drawn.get("trajectory-plot", 0) > start < drawn.get("norm-plot", 0)):
                await asyncio.sleep(0.0002)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def stamped(render: Callable[[], object], name: str, drawn: dict[str, float]) -> Callable[[], object]:
    def render_and_stamp() -> object:
        result = render()
        drawn[name] = time.perf_counter()
        return result

    return render_and_stamp


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    assert len(simulate(TRAJECTORY).points) == len(plain_loop(0.1, 10_000)) == 10_001

    ours = best_of(repeats, lambda: simulate(TRAJECTORY))
    reference = best_of(repeats, lambda: plain_loop(0.1, 10_000))
    print(f"10,000-step trajectory: simulate {ours * 1e3:.1f} ms, plain loop {reference * 1e3:.1f} ms, "
          f"ratio {ours / reference:.2f}")

    ours = best_of(repeats, lambda: sweep(SWEEP, SWEEP_ETAS))
    reference = best_of(max(1, repeats // 2), lambda: [plain_loop(float(eta), SWEEP.steps) for eta in SWEEP_ETAS])
    print(f"200-point sweep x {SWEEP.steps} steps: sweep {ours * 1e3:.1f} ms, plain loops {reference * 1e3:.1f} ms, "
          f"ratio {ours / reference:.2f}")

    wall, cpu = asyncio.run(redraw_times(max(24, repeats)))
    reference = best_of(repeats, lambda: plain_loop(0.1, SaddleConfig().steps))
    print(f"slider move at 100x30 until both plots are redrawn: median {statistics.median(wall) * 1e3:.1f} ms wall "
          f"(best {min(wall) * 1e3:.1f}), {statistics.median(cpu) * 1e3:.1f} ms CPU (best {min(cpu) * 1e3:.1f}); "
          f"goal well under 50 ms; ratio to the plain {SaddleConfig().steps}-step loop "
          f"{statistics.median(wall) / reference:.0f}")


if __name__ == "__main__":
    main()
