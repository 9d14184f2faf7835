"""What watching costs: training speed with the GAN tab attached and drawing vs the same run headless,
and how fast the tab answers a key press while it trains.

Both runs train the same seeded MLP GAN on glyphs in their own process: `gan-tui gan --headless`, and
the app driven by Textual's test pilot (a headless terminal that still lays out and paints every frame)
with the tab started from the command line's settings. Throughput is measured from each run's
metrics.jsonl between its first and last record, so start-up (importing torch, drawing 60,000
glyphs) does not count: images/s = (last step - first step) * batch / (last time - first time).
Key latency: while the tab trains, a `z` key event (zoom the samples, which redraws them) goes in
every 0.3 s the way the terminal driver sends keystrokes; the latency is the time until the pane's
action has run (the screen shows it at the next frame, at most 1/60 s later).
Goals: tab / headless >= 0.9; median key latency < 100 ms.
Usage: python bench/gan_tab_overhead.py [steps] [repeats]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETTINGS = ["--data", "glyphs", "--model", "mlp", "--objective", "nonsat", "--batch", "64", "--seed", "1",
            "--device", "cpu", "--sample-every", "100"]

TAB_RUN = """
import asyncio, json, sys, time
from textual import events
from tui.app import GanTuiApp
from tui.cli import build_parser
from tui.commands import gan
from tui.labs.gan import GanPane

handled = []
zoom = GanPane.action_zoom

def timed_zoom(self):
    zoom(self)
    handled.append(time.perf_counter())

GanPane.action_zoom = timed_zoom

async def main():
    parser, _ = build_parser()
    args = parser.parse_args(json.loads(sys.argv[1]))
    app = GanTuiApp(initial_tab="gan", configs={"gan": gan.app_config(args, gan.config_from_args(args))})
    latencies = []
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(GanPane)
        while not (pane.histories and pane.histories[0].progress):
            await asyncio.sleep(0.1)
        while not pane.histories[0].ended:
            count, began = len(handled), time.perf_counter()
            app._driver.send_message(events.Key("z", "z"))  # what the terminal driver does on a keystroke
            while len(handled) == count:
                await asyncio.sleep(0.001)
            latencies.append(handled[-1] - began)
            await asyncio.sleep(0.3)
    print(json.dumps(latencies))

if __name__ == "__main__":
    asyncio.run(main())
"""


def throughput(run: Path, batch: int = 64) -> float:
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    first, last = records[0], records[-1]
    return (last["step"] - first["step"]) * batch / (last["time"] - first["time"])


def headless(folder: Path, steps: int) -> float:
    out = folder / f"headless-{time.monotonic_ns()}"
    subprocess.run([sys.executable, "-m", "tui.cli", "gan", "--headless", "--json", *SETTINGS,
                    "--max-steps", str(steps), "--out", str(out)], check=True, capture_output=True)
    return throughput(out)


def with_tab(folder: Path, steps: int) -> tuple[float, list[float]]:
    out = folder / f"tab-{time.monotonic_ns()}"
    argv = ["gan", *SETTINGS, "--max-steps", str(steps), "--out", str(out), "--start"]
    result = subprocess.run([sys.executable, "-c", TAB_RUN, json.dumps(argv)], check=True, capture_output=True, text=True)
    return throughput(out), json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    alone, attached, latencies = [], [], []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for _ in range(repeats):  # interleaved, so a change in the machine's load hits both alike
            alone.append(headless(folder, steps))
            speed, pressed = with_tab(folder, steps)
            attached.append(speed)
            latencies += pressed
    alone_speed, attached_speed = statistics.median(alone), statistics.median(attached)
    print(f"headless:     {alone_speed:8,.0f} images/s  (runs: {', '.join(f'{s:,.0f}' for s in alone)})")
    print(f"tab attached: {attached_speed:8,.0f} images/s  (runs: {', '.join(f'{s:,.0f}' for s in attached)})")
    print(f"ratio tab / headless: {attached_speed / alone_speed:.2f}  (goal >= 0.9)")
    latencies_ms = sorted(1000 * value for value in latencies)
    print(f"key latency while training: median {statistics.median(latencies_ms):.0f} ms, "
          f"90th percentile {latencies_ms[int(0.9 * (len(latencies_ms) - 1))]:.0f} ms, max {latencies_ms[-1]:.0f} ms "
          f"over {len(latencies_ms)} presses  (goal: median < 100 ms)")


if __name__ == "__main__":
    main()
