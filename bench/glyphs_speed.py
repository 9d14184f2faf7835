"""How long the embedded glyph set takes to generate, against filling the same tensor with noise.

Run: .venv/bin/python bench/glyphs_speed.py [COUNT]. Prints seconds, glyphs per second, and the ratio to
torch.randn of the same (COUNT, 1, 28, 28) shape measured in the same run (the memory-bound floor), for one
thread and for torch's default thread count.
"""

import sys
import time

import torch

from core.gan.data import load_data


def best_of(repeats: int, action) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
    generator = torch.Generator().manual_seed(0)
    # one thread too: on a machine shared with other busy processes, two OpenMP threads can be far slower
    for threads in sorted({1, torch.get_num_threads()}):
        torch.set_num_threads(threads)
        noise = best_of(3, lambda: torch.randn((count, 1, 28, 28), generator=generator))
        glyphs = best_of(3, lambda: load_data("glyphs", size=count))
        print(f"{threads} thread(s): {count} glyphs in {glyphs:.2f} s ({count / glyphs:,.0f} glyphs/s); "
              f"torch.randn of the same shape {noise:.3f} s; ratio {glyphs / noise:.1f}x")


if __name__ == "__main__":
    main()
