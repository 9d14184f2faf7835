"""Gradient descent-ascent on two-player zero-sum games: games, update rules, simulation, theory.

Convention for every game: f(x, y) is a payoff that x (the minimising player) wants small and
y (the maximising player) wants large; z = (x, y) and the equilibrium z* is the origin. A method
moves z by -eta * g, where g is a *field*: for descent-ascent g = (df/dx, -df/dy).

The step maths is written once, on plain floats or on numpy arrays alike: `simulate` runs one
trajectory on floats (fastest for a single point) and `sweep` runs many step sizes at once on arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Union

import numpy as np

from core.errors import InvalidSetting
from core.settings import Setting

GameName = Literal["quadratic", "bilinear", "dirac"]
MethodName = Literal["gd", "gda", "alt-gda", "ogda", "extragradient", "consensus", "r1"]
Status = Literal["converged", "diverged", "cycling", "running"]

GAMES: tuple[str, ...] = ("quadratic", "bilinear", "dirac")
METHODS: tuple[str, ...] = ("gd", "gda", "alt-gda", "ogda", "extragradient", "consensus", "r1")
REGULARISED: frozenset[str] = frozenset({"consensus", "r1"})

GAME_TITLES = {"quadratic": "a x² − b y²", "bilinear": "x y (bilinear)", "dirac": "Dirac-GAN"}
METHOD_TITLES = {
    "gd": "GD on both (wrong way)",
    "gda": "simultaneous GDA",
    "alt-gda": "alternating GDA",
    "ogda": "optimistic GDA",
    "extragradient": "extragradient",
    "consensus": "consensus optimisation",
    "r1": "R1 penalty",
}

DIVERGED_NORM = 1e6  # ‖z‖ beyond this counts as diverged
CONVERGED_DISTANCE = 1e-6  # ‖z − z*‖ below this counts as converged
CYCLING_BAND = 0.05  # the norm's envelope changed by less than 5% between the two halves
ETA_MAX = 10.0
STEPS_MAX = 10_000
COEFFICIENT_MAX = 100.0
START_MAX = 1000.0
SWEEP_POINTS_MAX = 1000

Number = Union[float, np.ndarray]
Field = Callable[[Number, Number], tuple[Number, Number]]


# ---------------------------------------------------------------------------------------------
# Configuration


def _real(name: str, value: object) -> float:
    """`value` as a finite float, or InvalidSetting naming the field."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidSetting(name, f"must be a number (got {value!r})")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidSetting(name, f"must be a finite number (got {value!r})")
    return number


def _positive(name: str, value: object, upper: float) -> float:
    number = _real(name, value)
    if not 0 < number <= upper:
        raise InvalidSetting(name, f"must be > 0 and at most {upper:g} (got {number:g})")
    return number


@dataclass(frozen=True)
class SaddleConfig:
    """One run of the saddle lab: the game, the method, its step size and where it starts.

    a, b are the quadratic game's curvatures (ignored by the others); gamma is the strength of the
    consensus or R1 regulariser (ignored by the other methods).
    """

    game: GameName = "quadratic"
    method: MethodName = "gda"
    eta: float = 0.24  # the homework: just inside GDA's 1/4 boundary on 4x² − 4y²
    steps: int = 200
    start: tuple[float, float] = (1.0, 1.0)
    a: float = 4.0
    b: float = 4.0
    gamma: float = 1.0

    def __post_init__(self) -> None:
        if self.game not in GAMES:
            raise InvalidSetting("game", f"must be one of {', '.join(GAMES)} (got {self.game!r})")
        if self.method not in METHODS:
            raise InvalidSetting("method", f"must be one of {', '.join(METHODS)} (got {self.method!r})")
        object.__setattr__(self, "eta", _positive("eta", self.eta, ETA_MAX))
        object.__setattr__(self, "a", _positive("a", self.a, COEFFICIENT_MAX))
        object.__setattr__(self, "b", _positive("b", self.b, COEFFICIENT_MAX))
        gamma = _real("gamma", self.gamma)
        if not 0 <= gamma <= COEFFICIENT_MAX:
            raise InvalidSetting("gamma", f"must be between 0 and {COEFFICIENT_MAX:g} (got {gamma:g})")
        object.__setattr__(self, "gamma", gamma)
        if isinstance(self.steps, bool) or not isinstance(self.steps, int):
            raise InvalidSetting("steps", f"must be a whole number (got {self.steps!r})")
        if not 1 <= self.steps <= STEPS_MAX:
            raise InvalidSetting("steps", f"must be between 1 and {STEPS_MAX} (got {self.steps})")
        if isinstance(self.start, (str, bytes)) or not isinstance(self.start, Sequence) or len(self.start) != 2:
            raise InvalidSetting("start", f"must be two numbers x,y (got {self.start!r})")
        start = tuple(_real("start", value) for value in self.start)
        if max(abs(value) for value in start) > START_MAX:
            raise InvalidSetting("start", f"each coordinate must be within ±{START_MAX:g} (got {start})")
        object.__setattr__(self, "start", start)


SETTINGS: tuple[Setting, ...] = (
    Setting("game", "choice", "game", "the game f(x, y); x minimises, y maximises", GAMES,
            choice_titles=tuple(GAME_TITLES[game] for game in GAMES)),
    Setting("method", "choice", "method", "the update rule for both players", METHODS,
            choice_titles=tuple(METHOD_TITLES[method] for method in METHODS)),
    Setting("eta", "float", "η", f"step size η, 0 < η ≤ {ETA_MAX:g}"),
    Setting("steps", "int", "N", f"number of steps N, 1 to {STEPS_MAX}"),
    Setting("a", "float", "a", "curvature a of the quadratic game a x² − b y², > 0",
            used_when=lambda config: config.game == "quadratic"),
    Setting("b", "float", "b", "curvature b of the quadratic game a x² − b y², > 0",
            used_when=lambda config: config.game == "quadratic"),
    Setting("gamma", "float", "γ", "strength γ of the consensus or R1 regulariser, ≥ 0",
            used_when=lambda config: config.method in REGULARISED),
    Setting("start", "list", "start", "start point x,y", metavar="X,Y", typed_as="two numbers x,y such as 1,1",
            separator=","),
)


@dataclass(frozen=True)
class SweepRange:
    """Step sizes lo..hi, `count` of them evenly spaced (the CLI's --sweep LO:HI:N)."""

    lo: float
    hi: float
    count: int

    def __post_init__(self) -> None:
        lo, hi = _real("sweep", self.lo), _real("sweep", self.hi)
        if not (0 < lo <= ETA_MAX and 0 < hi <= ETA_MAX):
            raise InvalidSetting("sweep", f"LO and HI must be > 0 and at most {ETA_MAX:g} (got {lo:g}:{hi:g})")
        if not hi > lo:
            raise InvalidSetting("sweep", f"HI must be greater than LO (got {lo:g}:{hi:g})")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or not 2 <= self.count <= SWEEP_POINTS_MAX:
            raise InvalidSetting("sweep", f"N must be a whole number from 2 to {SWEEP_POINTS_MAX} (got {self.count!r})")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @classmethod
    def parse(cls, text: str) -> SweepRange:
        """'LO:HI:N', e.g. '0.01:0.5:200'."""
        parts = text.split(":")
        if len(parts) != 3:
            raise InvalidSetting("sweep", f"must be LO:HI:N, e.g. 0.01:0.5:200 (got {text!r})")
        try:
            lo, hi, count = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise InvalidSetting("sweep", f"must be LO:HI:N with numbers, e.g. 0.01:0.5:200 (got {text!r})") from None
        return cls(lo, hi, count)

    def etas(self) -> np.ndarray:
        return np.linspace(self.lo, self.hi, self.count)


# ---------------------------------------------------------------------------------------------
# Games: gradient and Hessian of f, on floats or arrays


def _phi_prime(t: Number) -> Number:
    """φ'(t) = 1 / (1 + e^t) for φ(t) = −log(1 + e^−t); via tanh so that no exp can overflow."""
    return 0.5 - 0.5 * np.tanh(0.5 * t)


@dataclass(frozen=True)
class Game:
    """f, its gradient (f_x, f_y) and Hessian (f_xx, f_xy, f_yy); the equilibrium is the origin."""

    name: str
    a: float = 4.0
    b: float = 4.0

    def value(self, x: Number, y: Number) -> Number:
        if self.name == "quadratic":
            return self.a * x * x - self.b * y * y
        if self.name == "bilinear":
            return x * y
        # φ(t) = −log(1 + e^−t) = −logaddexp(0, −t); φ(0) = −log 2
        return -np.logaddexp(0.0, -x * y) - math.log(2.0)

    def gradient(self, x: Number, y: Number) -> tuple[Number, Number]:
        if self.name == "quadratic":
            return 2.0 * self.a * x, -2.0 * self.b * y
        if self.name == "bilinear":
            return y, x
        slope = _phi_prime(x * y)
        return slope * y, slope * x

    def hessian(self, x: Number, y: Number) -> tuple[Number, Number, Number]:
        if self.name == "quadratic":
            zero = 0.0 * x
            return 2.0 * self.a + zero, zero, -2.0 * self.b + zero
        if self.name == "bilinear":
            zero = 0.0 * x
            return zero, 1.0 + zero, zero
        slope = _phi_prime(x * y)
        curvature = -slope * (1.0 - slope)  # φ''(t) = −φ'(t)(1 − φ'(t))
        return curvature * y * y, slope + curvature * x * y, curvature * x * x


def game_of(config: SaddleConfig) -> Game:
    return Game(config.game, config.a, config.b)


@dataclass(frozen=True)
class Contour:
    """Points on the level set f = level: where f − level changes sign between grid neighbours."""

    level: float  # offset from f(z*): 0 is the level through the saddle
    xs: np.ndarray
    ys: np.ndarray


def contours(game: Game, half_width: float, resolution: int = 80, count: int = 3) -> list[Contour]:
    """Level sets of f over the square |x|, |y| ≤ half_width, for drawing behind a trajectory.

    Levels are f(z*) + k·Δ for k = −count..count, where Δ splits the square's highest (for k > 0)
    or lowest (k < 0) value of f − f(z*) into count + 1 equal steps; each crossing on a
    resolution × resolution grid is placed by linear interpolation.
    """
    axis = np.linspace(-half_width, half_width, resolution)
    x, y = np.meshgrid(axis, axis)
    height = game.value(x, y) - game.value(0.0, 0.0)
    above, below = float(height.max()) / (count + 1), float(-height.min()) / (count + 1)
    found = []
    for k in range(-count, count + 1):
        level = k * (above if k > 0 else below)
        xs, ys = [], []
        # crossings along x (between columns) and along y (between rows); a grid point exactly on
        # the level (the diagonals of a x² − a y²) counts as a crossing
        for low, high, along_x in ((height[:, :-1], height[:, 1:], True), (height[:-1, :], height[1:, :], False)):
            crossing = ((low - level) * (high - level) <= 0) & (low != high)
            share = (level - low[crossing]) / (high[crossing] - low[crossing])
            rows, columns = np.nonzero(crossing)
            step = axis[1] - axis[0]
            if along_x:
                xs.append(axis[columns] + share * step)
                ys.append(axis[rows])
            else:
                xs.append(axis[columns])
                ys.append(axis[rows] + share * step)
        found.append(Contour(level, np.concatenate(xs), np.concatenate(ys)))
    return found


# ---------------------------------------------------------------------------------------------
# Methods: a field g (z moves by −η g) and a scheme that says where g is evaluated


def method_field(config: SaddleConfig) -> Field:
    """The field each method follows: g = (f_x, −f_y) for descent-ascent, with the variations."""
    game, gamma = game_of(config), config.gamma
    if config.method == "gd":
        return game.gradient  # both players descend f: the y-player moves the wrong way

    if config.method == "consensus":

        def consensus(x: Number, y: Number) -> tuple[Number, Number]:
            fx, fy = game.gradient(x, y)
            fxx, fxy, fyy = game.hessian(x, y)
            # ∇½‖∇f‖² = H ∇f pulls both players towards points where the gradient vanishes
            return fx + gamma * (fxx * fx + fxy * fy), -fy + gamma * (fxy * fx + fyy * fy)

        return consensus

    if config.method == "r1":

        def penalised(x: Number, y: Number) -> tuple[Number, Number]:
            fx, fy = game.gradient(x, y)
            # the max player ascends f − γ/2·y² (for Dirac-GAN, ‖∇_data D‖² = ψ²: exactly R1)
            return fx, -fy + gamma * y

        return penalised

    def descent_ascent(x: Number, y: Number) -> tuple[Number, Number]:
        fx, fy = game.gradient(x, y)
        return fx, -fy

    return descent_ascent


Memory = Union[tuple[Number, Number], None]
Scheme = Callable[[Field, Number, Number, Number, Memory], tuple[Number, Number, Memory]]


def _simultaneous(g: Field, eta: Number, x: Number, y: Number, memory: Memory) -> tuple[Number, Number, Memory]:
    gx, gy = g(x, y)
    return x - eta * gx, y - eta * gy, memory


def _alternating(g: Field, eta: Number, x: Number, y: Number, memory: Memory) -> tuple[Number, Number, Memory]:
    # y moves against the *new* x: that is what keeps bilinear GDA bounded
    x = x - eta * g(x, y)[0]
    return x, y - eta * g(x, y)[1], memory


def _optimistic(g: Field, eta: Number, x: Number, y: Number, memory: Memory) -> tuple[Number, Number, Memory]:
    gx, gy = g(x, y)
    previous_x, previous_y = (gx, gy) if memory is None else memory  # z_{-1} = z_0: a plain first step
    return x - eta * (2.0 * gx - previous_x), y - eta * (2.0 * gy - previous_y), (gx, gy)


def _extragradient(g: Field, eta: Number, x: Number, y: Number, memory: Memory) -> tuple[Number, Number, Memory]:
    gx, gy = g(x, y)
    ahead_x, ahead_y = g(x - eta * gx, y - eta * gy)  # the gradient at the look-ahead point
    return x - eta * ahead_x, y - eta * ahead_y, memory


_SCHEMES: dict[str, Scheme] = {
    "gd": _simultaneous,
    "gda": _simultaneous,
    "alt-gda": _alternating,
    "ogda": _optimistic,
    "extragradient": _extragradient,
    "consensus": _simultaneous,
    "r1": _simultaneous,
}


# ---------------------------------------------------------------------------------------------
# Simulation


@dataclass(frozen=True)
class Trajectory:
    """The points z_0..z_n of one run (n = steps taken, fewer than asked when it stopped early)."""

    points: np.ndarray  # shape (n + 1, 2)
    status: Status

    @property
    def steps_taken(self) -> int:
        return len(self.points) - 1

    @property
    def final(self) -> tuple[float, float]:
        x, y = self.points[-1]
        return float(x), float(y)

    @property
    def norms(self) -> np.ndarray:
        """‖z_t − z*‖ for every t (z* is the origin)."""
        return np.hypot(self.points[:, 0], self.points[:, 1])

    @property
    def final_norm(self) -> float:
        return float(self.norms[-1])

    def observed_rate(self) -> float | None:
        """Geometric mean of ‖z_{t+1}‖/‖z_t‖ over the second half of the run: compare with ρ."""
        norms = self.norms
        if len(norms) < 3 or not np.all(np.isfinite(norms)):
            return None
        middle = len(norms) // 2
        if norms[middle] == 0.0:
            return 0.0
        return float((norms[-1] / norms[middle]) ** (1.0 / (len(norms) - 1 - middle)))


def _verdict(norm: float) -> Status | None:
    """Diverged or converged from one point's norm, else None (the run goes on)."""
    if not norm <= DIVERGED_NORM:  # also catches NaN
        return "diverged"
    if norm < CONVERGED_DISTANCE:
        return "converged"
    return None


def _cycling(first_half_peak: Number, second_half_peak: Number) -> Number:
    """A run that used all its steps is cycling when its largest ‖z‖ in the second half is within
    5% of the largest in the first half: a bounded orbit, as far as N steps can tell. A slow spiral
    (ρ within a hair of 1) looks the same over a short run; the theory panel tells them apart."""
    return np.abs(second_half_peak - first_half_peak) <= CYCLING_BAND * first_half_peak


def simulate(config: SaddleConfig) -> Trajectory:
    """Run config.method from config.start for up to config.steps steps.

    Stops early at the first point with ‖z‖ > 1e6 or a non-finite value (diverged) or with
    ‖z − z*‖ < 1e-6 (converged); that point is the last one kept. Never raises on overflow.
    """
    g, scheme, eta = method_field(config), _SCHEMES[config.method], config.eta
    x, y = config.start
    points = [(x, y)]
    status = _verdict(math.hypot(x, y))
    memory: Memory = None
    with np.errstate(all="ignore"):
        for _ in range(config.steps if status is None else 0):
            x, y, memory = scheme(g, eta, x, y, memory)
            points.append((x, y))
            norm = math.hypot(x, y)
            if not CONVERGED_DISTANCE <= norm <= DIVERGED_NORM:  # the common case skips a call
                status = _verdict(norm)
                break
    trajectory = np.array(points, dtype=float)
    if status is None:
        norms = np.hypot(trajectory[:, 0], trajectory[:, 1])
        middle = len(norms) // 2
        status = "cycling" if _cycling(norms[:middle].max(), norms[middle:].max()) else "running"
    return Trajectory(trajectory, status)


@dataclass(frozen=True)
class Sweep:
    """Final distance to the equilibrium and status after the same run at each step size."""

    etas: np.ndarray
    final_norm: np.ndarray
    status: tuple[Status, ...]


def sweep(config: SaddleConfig, etas: Sequence[float] | np.ndarray) -> Sweep:
    """`simulate` at every eta in `etas` at once (one numpy lane per eta), keeping only the end.

    A lane stops, exactly as `simulate` does, at the first point that diverges or converges.
    """
    etas = np.asarray(etas, dtype=float)
    g, scheme = method_field(config), _SCHEMES[config.method]
    x = np.full(etas.shape, config.start[0])
    y = np.full(etas.shape, config.start[1])
    norm = np.hypot(x, y)
    stopped = np.full(etas.shape, _verdict(float(norm[0])) is not None)
    middle = (config.steps + 1) // 2  # the same halves as simulate's z_0..z_steps
    first_half_peak, second_half_peak = norm.copy(), np.zeros_like(norm)
    memory: Memory = None
    with np.errstate(all="ignore"):
        for step in range(1, config.steps + 1):
            if stopped.all():
                break
            new_x, new_y, memory = scheme(g, etas, x, y, memory)
            x, y = np.where(stopped, x, new_x), np.where(stopped, y, new_y)
            norm = np.hypot(x, y)
            peak = first_half_peak if step < middle else second_half_peak
            np.maximum(peak, norm, out=peak, where=~stopped)
            stopped |= (~(norm <= DIVERGED_NORM)) | (norm < CONVERGED_DISTANCE)
    status = np.where(
        ~(norm <= DIVERGED_NORM),
        "diverged",
        np.where(
            norm < CONVERGED_DISTANCE,
            "converged",
            np.where(_cycling(first_half_peak, second_half_peak), "cycling", "running"),
        ),
    )
    return Sweep(etas, norm, tuple(str(s) for s in status))


# ---------------------------------------------------------------------------------------------
# Theory: the per-step linear map at the equilibrium


def field_jacobian(config: SaddleConfig) -> np.ndarray:
    """∂g/∂z at the equilibrium (2×2): the linearisation of the method's field."""
    fxx, fxy, fyy = (float(v) for v in game_of(config).hessian(0.0, 0.0))
    hessian = np.array([[fxx, fxy], [fxy, fyy]])
    if config.method == "gd":
        return hessian
    jacobian = np.array([[fxx, fxy], [-fxy, -fyy]])
    if config.method == "consensus":
        return jacobian + config.gamma * hessian @ hessian  # d(H∇f)/dz = H·H where ∇f = 0
    if config.method == "r1":
        return jacobian + np.diag([0.0, config.gamma])
    return jacobian


def linear_maps(config: SaddleConfig, etas: np.ndarray) -> np.ndarray:
    """The per-step map z_{t+1} = M z_t at the equilibrium for each eta: shape (K, 2, 2).

    For OGDA the state is (z_t, z_{t−1}) and M is 4×4: z_{t+1} = (I − 2ηJ) z_t + ηJ z_{t−1}.
    """
    jacobian = field_jacobian(config)
    eta = np.asarray(etas, dtype=float)[:, None, None]
    identity = np.eye(2)
    if config.method == "alt-gda":
        move_x = np.broadcast_to(identity, eta.shape[:1] + (2, 2)).copy()
        move_x[:, 0, :] -= eta[:, 0, :] * jacobian[0]
        move_y = np.broadcast_to(identity, eta.shape[:1] + (2, 2)).copy()
        move_y[:, 1, :] -= eta[:, 0, :] * jacobian[1]
        return move_y @ move_x
    if config.method == "extragradient":
        return identity - eta * jacobian + eta * eta * (jacobian @ jacobian)
    if config.method == "ogda":
        top = np.concatenate([identity - 2.0 * eta * jacobian, eta * jacobian], axis=2)
        bottom = np.broadcast_to(np.concatenate([identity, np.zeros((2, 2))], axis=1), top.shape)
        return np.concatenate([top, bottom], axis=1)
    return identity - eta * jacobian


def spectral_radii(config: SaddleConfig, etas: np.ndarray) -> np.ndarray:
    """ρ(M(η)) = max |eigenvalue| for each eta: the asymptotic growth (> 1) or contraction per step."""
    return np.abs(np.linalg.eigvals(linear_maps(config, etas))).max(axis=-1)


@dataclass(frozen=True)
class Theory:
    """What the linearisation at the equilibrium says about config.method at config.eta."""

    spectral_radius: float
    converges: bool  # ρ < 1: small perturbations of z* die out
    eta_range: tuple[float, float] | None  # the step sizes with ρ < 1 (an open interval), None if none
    best_eta: float | None  # the eta with the smallest ρ, None if none converges
    factors: tuple[float, float] | None  # per-player factor when the map acts on x and y separately
    closed_form: bool  # eta_range and best_eta from formulas; else read off ρ(η) numerically
    note: str = field(default="")


_RHO_TOLERANCE = 1e-9  # ρ = 1 up to rounding (alternating GDA on x y) is not convergence


def _closed_form(config: SaddleConfig) -> tuple[tuple[float, float] | None, float | None, str] | None:
    """Known formulas: (eta_range, best_eta, note), or None where there is none here."""
    method = config.method
    if config.game == "quadratic":
        a, b = config.a, config.b
        if method == "gd":
            return None, None, "y runs away by 1+2bη unless y0 = 0"
        if method in ("gda", "alt-gda"):
            return (0.0, 1.0 / max(a, b)), 1.0 / (a + b), "factors |1−2aη| on x, |1−2bη| on y"
        return None
    # near z* Dirac-GAN is the bilinear game c·x y with c = φ'(0) = 1/2: every η below is scaled by c
    bilinear = config.game == "bilinear"
    c = 1.0 if bilinear else 0.5
    if method == "gd":
        return None, None, "both descend: eigenvalue " + ("1+η" if bilinear else "1+η/2") + " > 1"
    if method == "gda":
        return None, None, "norm grows by " + ("√(1+η²)" if bilinear else "√(1+η²/4)") + " per step"
    if method == "alt-gda":
        return None, None, f"ρ = 1: a bounded orbit for η < {2.0 / c:g}"
    if method == "extragradient":
        rate = "√(1−η²+η⁴)" if bilinear else "√(1−η²/4+η⁴/16)"
        return (0.0, 1.0 / c), math.sqrt(0.5) / c, f"contracts by {rate} per step"
    if method == "ogda":
        # the optimum is where the two roots of λ² − (1 + 2icη)λ + icη meet: η = 1/(2c), ρ = 1/√2
        return (0.0, 1.0 / (math.sqrt(3.0) * c)), 0.5 / c, "converges iff η < " + ("1/√3" if bilinear else "2/√3")
    return None


_SCAN_ETAS = np.geomspace(1e-4, ETA_MAX, 4001)


@lru_cache(maxsize=64)
def numerical_range(config: SaddleConfig) -> tuple[tuple[float, float] | None, float | None]:
    """eta_range and best_eta read off ρ(η) on a fine grid, the range's ends refined by bisection."""
    radii = spectral_radii(config, _SCAN_ETAS)
    inside = radii < 1.0 - _RHO_TOLERANCE
    if not inside.any():
        return None, None
    first = int(np.argmax(inside))
    last = first + int(np.argmin(inside[first:])) - 1 if not inside[first:].all() else len(inside) - 1

    def boundary(outside: float, within: float) -> float:
        for _ in range(60):
            middle = 0.5 * (outside + within)
            if spectral_radii(config, np.array([middle]))[0] < 1.0 - _RHO_TOLERANCE:
                within = middle
            else:
                outside = middle
        return within

    def smallest_radius(left: float, right: float) -> float:
        # golden-section search: ρ(η) is unimodal between the grid neighbours of its minimum
        ratio = (math.sqrt(5.0) - 1.0) / 2.0
        for _ in range(60):
            inner_left, inner_right = right - ratio * (right - left), left + ratio * (right - left)
            radii_pair = spectral_radii(config, np.array([inner_left, inner_right]))
            if radii_pair[0] < radii_pair[1]:
                right = inner_right
            else:
                left = inner_left
        return 0.5 * (left + right)

    lo = 0.0 if first == 0 else boundary(_SCAN_ETAS[first - 1], _SCAN_ETAS[first])
    hi = ETA_MAX if last == len(inside) - 1 else boundary(_SCAN_ETAS[last + 1], _SCAN_ETAS[last])
    lowest = first + int(np.argmin(radii[first : last + 1]))
    best = smallest_radius(_SCAN_ETAS[max(lowest - 1, 0)], _SCAN_ETAS[min(lowest + 1, len(radii) - 1)])
    return (float(lo), float(hi)), float(best)


def _scan_key(config: SaddleConfig) -> SaddleConfig:
    """The scan depends only on the game, the method and the coefficients: one cache entry for all eta."""
    return SaddleConfig(config.game, config.method, 1.0, 1, (0.0, 0.0), config.a, config.b, config.gamma)


def theory(config: SaddleConfig) -> Theory:
    """ρ at config.eta, whether ρ < 1, the range of eta with ρ < 1 and the best eta."""
    matrix = linear_maps(config, np.array([config.eta]))[0]
    radius = float(np.abs(np.linalg.eigvals(matrix)).max())
    factors = None
    if matrix.shape == (2, 2) and matrix[0, 1] == 0.0 and matrix[1, 0] == 0.0:
        factors = (abs(float(matrix[0, 0])), abs(float(matrix[1, 1])))
    known = _closed_form(config)
    if known is not None:
        eta_range, best_eta, note = known
        closed_form = True
    else:
        eta_range, best_eta = numerical_range(_scan_key(config))
        note, closed_form = "range read off ρ(η) numerically", False
    return Theory(radius, radius < 1.0 - _RHO_TOLERANCE, eta_range, best_eta, factors, closed_form, note)


def outcome(trajectory: Trajectory, known: Theory) -> tuple[str, str]:
    """The run's result in words, and a note where the result and the linear theory seem to disagree.

    A run that used all its steps without converging, diverging or settling on an orbit is
    "spiralling out" (or "growing" when x and y move separately) if ‖z‖ ended larger than it began,
    else "not converged yet": more steps or a better η would finish it. A run that converged although
    ρ > 1 started on the contracting direction: the growing one was never entered.
    """
    status = trajectory.status
    if status == "running":
        growing = trajectory.final_norm > trajectory.norms[0]
        if not growing:
            return "not converged yet", ""
        return ("growing" if known.factors is not None else "spiralling out"), ""
    if status == "converged" and not known.converges:
        return status, "started on a contracting direction"
    return status, ""
