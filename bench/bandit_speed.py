"""How fast is the vectorised bandit testbed? Run: python bench/bandit_speed.py [--runs R]

Times Sutton and Barto's Figure 2.5 setting (10 arms, q* ~ N(4, 1), baseline, η = 0.1,
2000 runs × 1000 steps) with core.bandit.run_testbed, against the same maths written as a
Python loop over runs (numpy on one run's 10-vector per step). The loop is timed on the
first few runs only and scaled up linearly; it replays the testbed's random draws, so its
final preferences must equal the testbed's for those runs, which is checked.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from core.bandit import BanditConfig, Testbed


def loop_over_runs(config: BanditConfig, runs: int) -> np.ndarray:
    """θ after config.steps steps for the first `runs` runs, one run at a time."""
    rng = np.random.default_rng(config.seed)
    # the testbed's draw order: q* for every run, then a uniform and a normal per pull
    q = rng.normal(config.mean, 1.0, size=(config.runs, config.arms))
    uniform = rng.random((config.steps, config.runs))
    noise = rng.standard_normal((config.steps, config.runs))
    final = np.empty((runs, config.arms))
    for run in range(runs):
        theta = np.zeros(config.arms)
        reward_mean = 0.0
        for t in range(config.steps):
            weights = np.exp(theta - theta.max())
            pi = weights / weights.sum()
            action = int((np.cumsum(pi)[:-1] <= uniform[t, run]).sum())
            reward = q[run, action] + config.noise * noise[t, run]
            baseline = reward if t == 0 else reward_mean
            direction = -(reward - baseline) * pi
            direction[action] += reward - baseline
            theta += config.eta * direction
            reward_mean += (reward - reward_mean) / (t + 1)
        final[run] = theta
    return final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--loop-runs", type=int, default=40, help="runs timed in the Python loop")
    args = parser.parse_args()
    config = BanditConfig(
        arms=10, mean=4.0, noise=1.0, eta=0.1, baseline=True, runs=args.runs, steps=args.steps
    )

    start = time.perf_counter()
    testbed = Testbed(config)
    testbed.advance(config.steps)
    vectorised = time.perf_counter() - start

    start = time.perf_counter()
    reference = loop_over_runs(config, args.loop_runs)
    looped = (time.perf_counter() - start) * config.runs / args.loop_runs

    np.testing.assert_allclose(testbed.theta[: args.loop_runs], reference, rtol=0, atol=1e-9)
    pulls = config.runs * config.steps
    print(f"{config.runs} runs x {config.steps} steps x {config.arms} arms ({pulls:,} pulls)")
    print(f"vectorised testbed:      {vectorised:7.3f} s  ({pulls / vectorised / 1e6:.1f} M pulls/s)")
    print(f"per-run Python loop:     {looped:7.3f} s  (timed on {args.loop_runs} runs, scaled)")
    print(f"speed-up:                {looped / vectorised:7.1f} x  (same final θ to 1e-9)")


if __name__ == "__main__":
    main()
