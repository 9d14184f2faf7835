"""What watching costs: training speed with the GAN tab open in a terminal vs the same run headless, and
how fast the tab answers a key press while it trains.

Three runs of the same seeded MLP GAN on glyphs, each the `gan-tui` command in its own process, alternating:
  headless  `gan-tui gan --headless`;
  watching  `gan-tui gan --start` in a 120x40 pseudo-terminal whose output this script reads as fast as it
            comes (a terminal, less the drawing of glyphs), nobody typing: the tab draws the losses, D
            outputs, status and samples as the run goes, then q quits it once the run has completed;
  pressing  the same, with z typed every 0.3 s (zoom the samples, which rebuilds them): a user busy with the
            tab the whole run. A press's latency is the time from typing z until the terminal receives the
            sample label's new zoom ("samples · N×N"): key to screen.
Throughput is measured from each run's metrics.jsonl between its first and last record, so start-up
(importing torch, drawing 60,000 glyphs) does not count: images/s = (last step - first step) * batch /
(last time - first time). Beside it, the share of one core the app's own process used while its run
trained (from /proc; the training child not counted): a figure that a noisy host disturbs less than
throughput. The training child and the app share the machine's cores, so every run is
printed with the load average before it (the benchmark's own runs raise it to about 2); quote only a
benchmark begun at a load below 1.
Goals: watching / headless >= 0.9; median key latency < 100 ms.
Usage: python bench/gan_tab_overhead.py [--steps 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUIET_LOAD = 1.0
BATCH = 64
COLUMNS, ROWS = 120, 40
PRESS_EVERY_S = 0.3
SETTINGS = ["--data", "glyphs", "--model", "mlp", "--objective", "nonsat", "--batch", str(BATCH), "--seed", "1",
            "--device", "cpu", "--sample-every", "100"]
ZOOM_LABEL = re.compile(rb"samples \xc2\xb7 (\d+)\xc3\x97")  # "samples · N×" in UTF-8


def throughput(run: Path, batch: int = BATCH) -> float:
    lines = (run / "metrics.jsonl").read_text().splitlines()
    records = [record for record in map(json.loads, filter(str.strip, lines)) if "images_per_s" in record]  # Progress
    first, last = records[0], records[-1]
    return (last["step"] - first["step"]) * batch / (last["time"] - first["time"])


def state(run: Path) -> str | None:
    try:
        return json.loads((run / "status.json").read_text())["state"]
    except (OSError, ValueError, KeyError):
        return None


def headless(out: Path, steps: int) -> tuple[list[float], float | None]:
    subprocess.run([sys.executable, "-m", "tui.cli", "gan", "--headless", "--json", *SETTINGS,
                    "--max-steps", str(steps), "--out", str(out)], check=True, capture_output=True)
    return [], None


class Terminal:
    """A pseudo-terminal that `gan-tui` draws into; a thread reads everything it writes and remembers the
    last zoom on the sample label, and when each new one arrived."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.zooms: list[tuple[float, int]] = []  # (arrival time, images per side)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        tail = b""
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the app has exited and closed its side
                return
            if not chunk:
                return
            now = time.perf_counter()
            text = tail + chunk
            for match in ZOOM_LABEL.finditer(text):
                side = int(match.group(1))
                if not self.zooms or self.zooms[-1][1] != side:
                    self.zooms.append((now, side))
            tail = text[-32:]  # a label split between two reads is found in the next one

    def type(self, keys: str) -> float:
        began = time.perf_counter()
        os.write(self.master, keys.encode())
        return began

    def close(self) -> None:
        os.close(self.master)


def cpu_seconds(pid: int) -> float:
    """The CPU time a process's own threads have used (not its children's: the training child is not counted)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def exit_if_ended(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        sys.exit(f"gan_tab_overhead: gan-tui exited with status {process.returncode} before its run completed")


def in_terminal(out: Path, steps: int, press: bool) -> tuple[list[float], float]:
    """`gan-tui gan --start` in a pseudo-terminal until the run completes, then q: each z press's latency,
    and the share of one core the app used while the run trained."""
    terminal = Terminal()
    environment = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    command = [sys.executable, "-m", "tui.cli", "gan", *SETTINGS, "--max-steps", str(steps), "--out", str(out),
               "--start"]
    process = subprocess.Popen(command, stdin=terminal.slave, stdout=terminal.slave, stderr=terminal.slave,
                               env=environment, start_new_session=True, cwd=REPO)
    os.close(terminal.slave)
    latencies = []
    try:
        while state(out) is None:  # status.json is written, atomically, once the run starts and once it ends
            exit_if_ended(process)
            time.sleep(0.05)
        cpu_began, training_began = cpu_seconds(process.pid), time.perf_counter()
        while state(out) == "running":
            exit_if_ended(process)
            if press and terminal.zooms:
                seen = len(terminal.zooms)
                typed = terminal.type("z")
                deadline = typed + 10
                while len(terminal.zooms) == seen and time.perf_counter() < deadline:
                    time.sleep(0.001)
                if len(terminal.zooms) == seen:
                    sys.exit("gan_tab_overhead: the sample label did not change within 10 s of typing z")
                latencies.append(terminal.zooms[-1][0] - typed)
            time.sleep(PRESS_EVERY_S)
        share = (cpu_seconds(process.pid) - cpu_began) / (time.perf_counter() - training_began)
        terminal.type("q")
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        terminal.close()
    return latencies, share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2000, help="training steps per run (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each kind, alternating (default 3)")
    options = parser.parse_args()
    modes = {"headless": lambda out: headless(out, options.steps),
             "watching": lambda out: in_terminal(out, options.steps, press=False),
             "pressing": lambda out: in_terminal(out, options.steps, press=True)}
    speeds: dict[str, list[float]] = {mode: [] for mode in modes}
    shares: dict[str, list[float]] = {mode: [] for mode in modes}
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
                pressed, share = run(out)
                latencies += pressed
                speeds[mode].append(throughput(out))
                app = ""
                if share is not None:
                    shares[mode].append(share)
                    app = f"  app {100 * share:4.1f}% of a core"
                print(f"run {repeat + 1} {mode:9} {speeds[mode][-1]:8,.0f} images/s{app}  (load before {load:.2f})",
                      flush=True)
    alone = statistics.median(speeds["headless"])
    for mode, runs in speeds.items():
        app = f"; the app used {100 * statistics.median(shares[mode]):.1f}% of a core" if shares[mode] else ""
        print(f"{mode:9} median {statistics.median(runs):8,.0f} images/s  ratio to headless "
              f"{statistics.median(runs) / alone:.2f}  (runs: {', '.join(f'{s:,.0f}' for s in runs)}){app}")
    print("goal: watching / headless >= 0.9")
    latencies_ms = sorted(1000 * value for value in latencies)
    print(f"key to screen while training: median {statistics.median(latencies_ms):.0f} ms, "
          f"90th percentile {latencies_ms[int(0.9 * (len(latencies_ms) - 1))]:.0f} ms, max {latencies_ms[-1]:.0f} ms "
          f"over {len(latencies_ms)} presses  (goal: median < 100 ms)")
    print(f"load average before {load_before:.2f}, after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
