"""What watching costs: training speed with the GAN tab attached and drawing vs the same run headless,
and how fast the tab answers a key press while it trains.

Three runs of the same seeded MLP GAN on glyphs, each in its own process, alternating:
  headless  `gan-tui gan --headless`;
  watching  the app with the GAN tab started from the same settings (`gan-tui gan --start`), driven by
            Textual's test pilot (a headless terminal that still lays out and paints every frame), nobody
            touching it: the tab draws the losses, D outputs, status and samples as the run goes;
  pressing  the same, with a `z` key event (zoom the samples, which rebuilds them) sent every 0.3 s the way
            the terminal driver sends keystrokes: a user busy with the tab the whole run. Each press's
            latency is the time until the pane's action has run (the screen shows it at the next frame,
            at most 1/60 s later).
Throughput is measured from each run's metrics.jsonl between its first and last record, so start-up
(importing torch, drawing 60,000 glyphs) does not count: images/s = (last step - first step) * batch /
(last time - first time). The training child and the app share the machine's cores, so every run is
printed with the load average before it; quote only runs begun at a load below 1.
Goals: watching / headless >= 0.9; median key latency < 100 ms.
Usage: python bench/gan_tab_overhead.py [--steps 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

QUIET_LOAD = 1.0
BATCH = 64
SETTINGS = ["--data", "glyphs", "--model", "mlp", "--objective", "nonsat", "--batch", str(BATCH), "--seed", "1",
            "--device", "cpu", "--sample-every", "100"]

TAB_RUN = """
import asyncio, json, sys, time
from pathlib import Path
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

def state(out):
    try:
        return json.loads((Path(out) / "status.json").read_text())["state"]
    except (OSError, ValueError, KeyError):
        return None

async def main(argv, out, press):
    parser, _ = build_parser()
    args = parser.parse_args(argv)
    app = GanTuiApp(initial_tab="gan", configs={"gan": gan.app_config(args, gan.config_from_args(args))})
    latencies = []
    async with app.run_test(size=(120, 40)):
        while state(out) in (None, "running"):
            if press:
                count, began = len(handled), time.perf_counter()
                app._driver.send_message(events.Key("z", "z"))  # what the terminal driver does on a keystroke
                while len(handled) == count:
                    await asyncio.sleep(0.001)
                latencies.append(handled[-1] - began)
            await asyncio.sleep(0.3)
    print(json.dumps(latencies))

if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1]), sys.argv[2], sys.argv[3] == "press"))
"""


def throughput(run: Path, batch: int = BATCH) -> float:
    lines = (run / "metrics.jsonl").read_text().splitlines()
    records = [record for record in map(json.loads, filter(str.strip, lines)) if "images_per_s" in record]  # Progress
    first, last = records[0], records[-1]
    return (last["step"] - first["step"]) * batch / (last["time"] - first["time"])


def headless(out: Path, steps: int) -> list[float]:
    subprocess.run([sys.executable, "-m", "tui.cli", "gan", "--headless", "--json", *SETTINGS,
                    "--max-steps", str(steps), "--out", str(out)], check=True, capture_output=True)
    return []


def with_tab(out: Path, steps: int, press: bool) -> list[float]:
    argv = ["gan", *SETTINGS, "--max-steps", str(steps), "--out", str(out), "--start"]
    result = subprocess.run([sys.executable, "-c", TAB_RUN, json.dumps(argv), str(out), "press" if press else "watch"],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2000, help="training steps per run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each kind, alternating (default 3)")
    options = parser.parse_args()
    modes = {"headless": lambda out: headless(out, options.steps),
             "watching": lambda out: with_tab(out, options.steps, press=False),
             "pressing": lambda out: with_tab(out, options.steps, press=True)}
    speeds: dict[str, list[float]] = {mode: [] for mode in modes}
    latencies: list[float] = []
    load_before = os.getloadavg()[0]
    if load_before >= QUIET_LOAD:
        print(f"warning: load average {load_before:.2f} >= {QUIET_LOAD:g}: the two sides compete with other work, "
              "do not quote these figures", file=sys.stderr)
    with tempfile.TemporaryDirectory() as temporary:
        for repeat in range(options.repeats):  # interleaved, so a change in the machine's load hits all alike
            for mode, run in modes.items():
                out = Path(temporary) / f"{mode}-{repeat}"
                load = os.getloadavg()[0]
                latencies += run(out)
                speeds[mode].append(throughput(out))
                print(f"run {repeat + 1} {mode:9} {speeds[mode][-1]:8,.0f} images/s  (load before {load:.2f})",
                      flush=True)
    alone = statistics.median(speeds["headless"])
    for mode, runs in speeds.items():
        print(f"{mode:9} median {statistics.median(runs):8,.0f} images/s  ratio to headless "
              f"{statistics.median(runs) / alone:.2f}  (runs: {', '.join(f'{s:,.0f}' for s in runs)})")
    print("goal: watching / headless >= 0.9")
    latencies_ms = sorted(1000 * value for value in latencies)
    print(f"key latency while training: median {statistics.median(latencies_ms):.0f} ms, "
          f"90th percentile {latencies_ms[int(0.9 * (len(latencies_ms) - 1))]:.0f} ms, max {latencies_ms[-1]:.0f} ms "
          f"over {len(latencies_ms)} presses  (goal: median < 100 ms)")
    print(f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
