"""Softmax policy gradient on a k-armed bandit, vectorised over independent runs.

Arm i pays q*_i + N(0, σ²). The agent keeps preferences θ and plays π = softmax(θ).
After pulling a and seeing R it applies REINFORCE,

    θ_i += η_t [(R − b)(1[a=i] − π_i) + τ ∂H/∂θ_i],

where (1[a=i] − π_i) = ∂ log π_a / ∂θ_i, b is 0 or the mean of the earlier rewards
(Sutton and Barto's baseline), η_t = η / (1 + t·d) and H(π) = −Σ π log π is the
entropy. The exact-gradient mode replaces the sampled term by its expectation,
∂(π·q*)/∂θ_i = π_i (q*_i − π·q*): no pulls, no noise, the mean dynamics.

Every run is a row of a (runs × arms) array, so one numpy operation advances all
of them; a single run is the same code with runs = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from core.errors import InvalidSetting
from core.settings import Setting

MAX_ARMS = 100
MAX_COMPARED_STEP_SIZES = 6
MEMORY_LIMIT_BYTES = 1 << 30


@dataclass(frozen=True)
class BanditConfig:
    """One bandit problem and one learner, as the CLI, presets and the pane set them.

    q: the true arm means q*; None draws q*_i ~ N(mean, 1) afresh for every run.
    theta: the starting preferences; None starts every arm at 0 (uniform π).
    decay: d in η_t = η / (1 + t·d); 0 keeps η constant.
    compare_eta, compare_baseline: run one curve per step size listed (instead of eta) and,
    when compare_baseline is set, each with and without the baseline; see variants().
    """

    arms: int = 10
    q: tuple[float, ...] | None = None
    mean: float = 0.0
    noise: float = 1.0
    eta: float = 0.1
    decay: float = 0.0
    baseline: bool = False
    tau: float = 0.0
    exact: bool = False
    theta: tuple[float, ...] | None = None
    runs: int = 2000
    steps: int = 1000
    seed: int = 0
    compare_eta: tuple[float, ...] = ()
    compare_baseline: bool = False

    def __post_init__(self) -> None:
        if not 2 <= self.arms <= MAX_ARMS:
            raise InvalidSetting("arms", f"must be between 2 and {MAX_ARMS} (got {self.arms})")
        for name in ("q", "theta"):
            values = getattr(self, name)
            if values is None:
                continue
            if len(values) != self.arms:
                raise InvalidSetting(
                    name, f"needs one value per arm: {self.arms} values (got {len(values)})"
                )
            if not all(math.isfinite(v) for v in values):
                raise InvalidSetting(name, f"values must be finite numbers (got {list(values)})")
        _require(math.isfinite(self.mean), "mean", f"must be a finite number (got {self.mean})")
        _require(
            math.isfinite(self.noise) and self.noise >= 0, "noise", f"must be ≥ 0 (got {self.noise})"
        )
        _require(math.isfinite(self.eta) and self.eta > 0, "eta", f"must be > 0 (got {self.eta})")
        _require(
            math.isfinite(self.decay) and self.decay >= 0,
            "decay",
            f"must be ≥ 0, with 0 for a constant η (got {self.decay})",
        )
        _require(math.isfinite(self.tau) and self.tau >= 0, "tau", f"must be ≥ 0 (got {self.tau})")
        _require(self.runs >= 1, "runs", f"must be at least 1 (got {self.runs})")
        _require(self.steps >= 1, "steps", f"must be at least 1 (got {self.steps})")
        _require(self.seed >= 0, "seed", f"must be ≥ 0 (got {self.seed})")
        _require(
            len(self.compare_eta) <= MAX_COMPARED_STEP_SIZES,
            "compare_eta",
            f"at most {MAX_COMPARED_STEP_SIZES} step sizes (got {len(self.compare_eta)})",
        )
        _require(
            all(math.isfinite(eta) and eta > 0 for eta in self.compare_eta),
            "compare_eta",
            f"every step size must be > 0 (got {list(self.compare_eta)})",
        )
        curves = self.curves
        needed = curves * memory_bytes(self.runs, self.steps, self.arms)
        if needed > MEMORY_LIMIT_BYTES:
            most = max_steps(self.runs, self.arms, curves)
            allowed = (
                f"at most {_count(most, 'step')} with {_count(self.runs, 'run')}"
                if most >= 1
                else f"at most {_count(max_runs(self.arms, curves), 'run')}"
            )
            per_curve = f" for each of {curves} curves" if curves > 1 else ""
            raise InvalidSetting(
                "steps" if most >= 1 else "runs",  # the field whose smaller value the message offers
                f"{_count(self.runs, 'run')} × {_count(self.steps, 'step')}{per_curve} would need"
                f" about {needed / 2**20:,.0f} MiB; the limit is 1 GiB, which allows {allowed}",
            )

    @property
    def curves(self) -> int:
        """How many configs variants() runs."""
        return max(1, len(self.compare_eta)) * (2 if self.compare_baseline else 1)


SETTINGS: tuple[Setting, ...] = (
    Setting("arms", "int", "arms", f"number of arms k, 2 to {MAX_ARMS}", metavar="K"),
    Setting("q", "list", "q*", "true arm means, e.g. 1,0.9,0.1; 'draw' draws q*_i ~ N(μ, 1) for every run",
            none_word="draw", metavar="Q1,Q2,..."),
    Setting("mean", "float", "μ", "mean of the drawn q* (the textbook testbed uses 0; Figure 2.5 uses 4)",
            metavar="MU"),
    Setting("noise", "float", "σ", "reward noise: a pull pays q*_a + N(0, σ²); 0 makes rewards exact",
            metavar="SIGMA"),
    Setting("eta", "float", "η", "step size η > 0", metavar="ETA"),
    Setting("decay", "float", "decay", "η_t = η / (1 + t·decay); 0 keeps η constant", metavar="D"),
    Setting("tau", "float", "τ", "entropy bonus τ ≥ 0: adds τ·∇H(π) to every update", metavar="T"),
    Setting("theta", "list", "θ0", "starting preferences, e.g. 0,5,0 (default: all 0)",
            metavar="T1,T2,..."),
    Setting("baseline", "flag", "baseline", "subtract the mean of earlier rewards from R (Sutton and Barto's "
            "baseline)"),
    Setting("exact", "flag", "exact", "follow the exact expected gradient ∇(π·q*): no pulls, no noise"),
    Setting("runs", "int", "runs", "independent runs averaged in the plots; the bars show run 1"),
    Setting("steps", "int", "steps", "pulls per run"),
    Setting("seed", "int", "seed", "seed for q* and every pull: same seed, same numbers"),
    Setting("compare_eta", "list", "compare η", "one curve per step size, e.g. 0.1,0.4 (default: one, at η)",
            empty=(), metavar="ETA1,ETA2,..."),
    Setting("compare_baseline", "flag", "± baseline", "run every curve with and without the baseline"),
)


def variants(config: BanditConfig) -> tuple[BanditConfig, ...]:
    """The configs a comparison runs, baseline first then each step size (Figure 2.5's
    legend order); just (config,) when nothing is compared."""
    etas = config.compare_eta or (config.eta,)
    baselines = (True, False) if config.compare_baseline else (config.baseline,)
    plain = replace(config, compare_eta=(), compare_baseline=False)
    return tuple(replace(plain, eta=eta, baseline=baseline) for baseline in baselines for eta in etas)


def describe(config: BanditConfig) -> str:
    """A curve's name: its step size and whether it uses the baseline (moot when exact)."""
    if config.exact:
        return f"η={config.eta:g}, exact gradient"
    return f"η={config.eta:g}, " + ("baseline" if config.baseline else "no baseline")


def _require(ok: bool, field: str, message: str) -> None:
    if not ok:
        raise InvalidSetting(field, message)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def memory_bytes(runs: int, steps: int, arms: int) -> int:
    """Bytes a testbed holds: float64 draws (a uniform and a normal per pull), the
    per-step records (mean π per arm and four summaries) and about six runs × arms arrays."""
    return 8 * (2 * runs * steps + steps * (arms + 4) + 6 * runs * arms)


def max_steps(runs: int, arms: int, curves: int = 1) -> int:
    """The most steps that keep curves × memory_bytes(runs, steps, arms) within the limit."""
    return (MEMORY_LIMIT_BYTES // 8 // curves - 6 * runs * arms) // (2 * runs + arms + 4)


def max_runs(arms: int, curves: int = 1) -> int:
    """The most runs that fit the limit even for a single step."""
    return (MEMORY_LIMIT_BYTES // 8 // curves - arms - 4) // (2 + 6 * arms)


# --- the policy and its gradients: arrays of shape (..., arms) ---------------------------


def policy(theta: np.ndarray) -> np.ndarray:
    """π = softmax(θ) along the last axis, shifted by max θ so exp never overflows."""
    weights = np.exp(theta - theta.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def log_policy(theta: np.ndarray) -> np.ndarray:
    """log π = θ − logsumexp(θ), finite even where π underflows to 0."""
    shifted = theta - theta.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def reinforce_direction(pi: np.ndarray, action: np.ndarray, advantage: np.ndarray) -> np.ndarray:
    """(R − b)(1[a=i] − π_i) for each run: the advantage times ∂ log π_a / ∂θ."""
    direction = -advantage[:, None] * pi
    direction[np.arange(len(action)), action] += advantage
    return direction


def expected_direction(pi: np.ndarray, q: np.ndarray) -> np.ndarray:
    """∂(π·q*)/∂θ_i = π_i (q*_i − π·q*): the mean of reinforce_direction over a ~ π and noise."""
    return pi * (q - (pi * q).sum(axis=-1, keepdims=True))


def entropy_gradient(pi: np.ndarray, log_pi: np.ndarray) -> np.ndarray:
    """∂H/∂θ_i = −π_i (log π_i + H) with H = −Σ π log π (nats)."""
    entropy = -(pi * log_pi).sum(axis=-1, keepdims=True)
    return -pi * (log_pi + entropy)


def step_size(eta: float, decay: float, t: int) -> float:
    """η_t = η / (1 + t·d) for the update made at step t = 0, 1, 2, ..."""
    return eta / (1.0 + t * decay)


def sample_actions(pi: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Inverse-CDF sampling for each run: a = the number of arms i < k−1 with π_0+…+π_i ≤ u,
    u ~ U[0, 1). The last arm takes whatever rounding leaves of the total."""
    cumulative = np.zeros_like(uniform)
    actions = np.zeros(len(uniform), dtype=np.intp)
    for column in pi.T[:-1]:  # a loop over arms, each step vectorised over runs
        cumulative += column
        actions += cumulative <= uniform
    return actions


# --- the testbed -------------------------------------------------------------------------


@dataclass(frozen=True)
class RunState:
    """One run after its latest step: what the pane's bar view shows."""

    t: int
    theta: np.ndarray
    pi: np.ndarray
    q: np.ndarray
    action: int | None
    reward: float | None


@dataclass(frozen=True)
class TestbedResult:
    """Per-step means over runs; index t is the pull made with the policy before update t.

    mean_reward: average reward (the expected reward π·q* in exact mode).
    optimal_pct: % of runs that pulled an optimal arm (100·π(optimal) in exact mode), 0..100.
    pi_optimal: mean π of the optimal arm(s) before the pull.
    regret: mean per-step regret max q* − q*_a (max q* − π·q* in exact mode).
    mean_pi: mean π of every arm before the pull, shape (steps, arms).
    final_pi: mean π after the last update, shape (arms,).
    """

    __test__ = False  # a result type, not a pytest class

    config: BanditConfig
    mean_reward: np.ndarray
    optimal_pct: np.ndarray
    pi_optimal: np.ndarray
    regret: np.ndarray
    mean_pi: np.ndarray
    final_pi: np.ndarray

    @property
    def cumulative_regret(self) -> np.ndarray:
        return np.cumsum(self.regret)


class Testbed:
    """config.runs independent runs advanced together, one pull each per step.

    All randomness comes from one generator seeded with config.seed and is drawn up
    front (q* first, then a uniform and a normal per pull), so the numbers do not depend
    on how the steps are split between calls to advance().
    """

    __test__ = False  # a simulator, not a pytest class

    def __init__(self, config: BanditConfig):
        self.config = config
        runs, arms, steps = config.runs, config.arms, config.steps
        rng = np.random.default_rng(config.seed)
        if config.q is None:
            q = rng.normal(config.mean, 1.0, size=(runs, arms))
        else:
            q = np.tile(np.asarray(config.q, dtype=float), (runs, 1))
        # column-major, so sums over the arms run along contiguous runs (several times faster)
        self.q = np.asfortranarray(q)
        self.best_value = self.q.max(axis=1)
        self.optimal = self.q == self.best_value[:, None]
        self._rows = np.arange(runs)
        start = np.zeros(arms) if config.theta is None else np.asarray(config.theta, dtype=float)
        self.theta = np.asfortranarray(np.tile(start, (runs, 1)))
        self.pi = policy(self.theta)
        self.t = 0
        self.last_action: np.ndarray | None = None
        self.last_reward: np.ndarray | None = None
        self._reward_mean = np.zeros(runs)
        self._uniform = None if config.exact else rng.random((steps, runs))
        self._noise = (
            None if config.exact or config.noise == 0 else rng.standard_normal((steps, runs))
        )
        self._mean_reward = np.empty(steps)
        self._optimal_pct = np.empty(steps)
        self._pi_optimal = np.empty(steps)
        self._regret = np.empty(steps)
        self._mean_pi = np.empty((steps, arms))

    @property
    def done(self) -> bool:
        return self.t >= self.config.steps

    def advance(self, steps: int) -> int:
        """Make up to `steps` pulls per run (fewer at the end); returns how many were made."""
        count = min(steps, self.config.steps - self.t)
        # a huge η can overflow θ; that is a result to show (NaN), not a warning to print
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(count):
                self._step()
        return count

    def _step(self) -> None:
        config, t, pi = self.config, self.t, self.pi
        pi_optimal = (pi * self.optimal).sum(axis=1)
        self._pi_optimal[t] = pi_optimal.mean()
        self._mean_pi[t] = pi.mean(axis=0)
        if config.exact:
            expected_reward = (pi * self.q).sum(axis=1)
            direction = expected_direction(pi, self.q)
            self._mean_reward[t] = expected_reward.mean()
            self._optimal_pct[t] = 100.0 * self._pi_optimal[t]
            self._regret[t] = (self.best_value - expected_reward).mean()
        else:
            rows = self._rows
            action = sample_actions(pi, self._uniform[t])
            value = self.q[rows, action]
            reward = value if self._noise is None else value + config.noise * self._noise[t]
            if config.baseline:
                # the mean of the rewards before this one; the first pull has none, so R̄_1 = R_1
                baseline = reward if t == 0 else self._reward_mean
                direction = reinforce_direction(pi, action, reward - baseline)
            else:
                direction = reinforce_direction(pi, action, reward)
            self._reward_mean += (reward - self._reward_mean) / (t + 1)
            self._mean_reward[t] = reward.mean()
            self._optimal_pct[t] = 100.0 * self.optimal[rows, action].mean()
            self._regret[t] = (self.best_value - value).mean()
            self.last_action, self.last_reward = action, reward
        if config.tau:
            direction += config.tau * entropy_gradient(pi, log_policy(self.theta))
        self.theta += step_size(config.eta, config.decay, t) * direction
        self.pi = policy(self.theta)
        self.t = t + 1

    def run_state(self, run: int = 0) -> RunState:
        """A copy of one run's θ, π and its latest action and reward (None before any pull)."""
        return RunState(
            t=self.t,
            theta=self.theta[run].copy(),
            pi=self.pi[run].copy(),
            q=self.q[run].copy(),
            action=None if self.last_action is None else int(self.last_action[run]),
            reward=None if self.last_reward is None else float(self.last_reward[run]),
        )

    def result(self) -> TestbedResult:
        """The records of the steps made so far, as read-only views: later steps only write
        past them, so a result stays valid (and costs no copy) while the testbed runs on."""
        t = self.t
        records = [
            self._mean_reward[:t],
            self._optimal_pct[:t],
            self._pi_optimal[:t],
            self._regret[:t],
            self._mean_pi[:t],
        ]
        for view in records:
            view.flags.writeable = False
        return TestbedResult(self.config, *records, final_pi=self.pi.mean(axis=0))


def run_testbed(config: BanditConfig) -> TestbedResult:
    """All config.steps steps of all config.runs runs."""
    testbed = Testbed(config)
    testbed.advance(config.steps)
    return testbed.result()
