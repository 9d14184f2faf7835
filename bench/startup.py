"""Time from a fresh interpreter to the first drawn screen: gan-tui vs a one-widget Textual app.

Both run headless through Textual's test driver in a new process, so imports count.
Goal: gan-tui well under 2 s on a 2-core laptop-class CPU, and torch never imported.
Usage: python bench/startup.py [repeats]
"""

from __future__ import annotations

import statistics
import subprocess
import sys

PROGRAM = """
import asyncio, sys, time
start = time.perf_counter()
{setup}
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    print(time.perf_counter() - start, "torch" in sys.modules)
asyncio.run(main())
"""

REFERENCE = """
from textual.app import App
from textual.widgets import Static
class Reference(App):
    def compose(self):
        yield Static("hello")
app = Reference()
"""

GAN_TUI = """
from tui.app import GanTuiApp
app = GanTuiApp()
"""


def time_startup(setup: str) -> tuple[float, bool]:
    output = subprocess.run([sys.executable, "-c", PROGRAM.format(setup=setup)], capture_output=True, text=True,
                            check=True)
    seconds, torch_loaded = output.stdout.split()
    return float(seconds), torch_loaded == "True"


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    reference = [time_startup(REFERENCE)[0] for _ in range(repeats)]
    ours = [time_startup(GAN_TUI) for _ in range(repeats)]
    ours_s = statistics.median(seconds for seconds, _ in ours)
    reference_s = statistics.median(reference)
    print(f"one-widget Textual app: {reference_s * 1000:.0f} ms to a drawn screen (median of {repeats})")
    print(f"gan-tui:                {ours_s * 1000:.0f} ms (torch imported: {any(loaded for _, loaded in ours)})")
    print(f"ratio gan-tui / reference: {ours_s / reference_s:.2f}")


if __name__ == "__main__":
    main()
