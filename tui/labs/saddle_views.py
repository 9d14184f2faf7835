"""What the saddle pane draws, from core.minmax results: the status and theory text, the η ruler, the
slider's span, the trajectory plot's extent and the thinning and log scaling of what the plots draw."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from rich.text import Text

from core.minmax import Contour, Game, SaddleConfig, Theory, Trajectory, contours, outcome

MAX_DRAWN_POINTS = 1000  # longer runs are thinned before plotext sees them
MAX_MARKED_POINTS = 120  # iterates drawn as • on top of the path
OUTCOME_COLOURS = {"converged": "green", "diverged": "red", "cycling": "yellow", "spiralling out": "red",
                   "growing": "red", "not converged yet": "cyan"}
PLOT_STATUS_COLOURS = {"converged": (80, 200, 120), "diverged": (230, 80, 80), "cycling": (230, 200, 60),
                       "running": (90, 180, 230)}
LOG_FLOOR, LOG_CEILING = 1e-12, 1e7  # the range the log plots show


def eta_span(config: SaddleConfig) -> tuple[float, float]:
    """The slider's (maximum, step): twice the game's GDA-like boundary, in 50 steps, so that
    the boundary sits on the grid with a step either side of it; stretched to reach config.eta."""
    if config.game == "quadratic":
        maximum = 2.0 / max(config.a, config.b)  # GDA converges iff η < 1/max(a, b)
    else:
        maximum = 2.5 if config.game == "bilinear" else 5.0  # extragradient's boundary is 1 (2 for Dirac-GAN)
    step = maximum / 50
    return max(maximum, math.ceil(config.eta / step - 1e-9) * step), step


def eta_track(config: SaddleConfig) -> tuple[float, float, float]:
    """The η slider's (minimum, maximum, step): one step up to eta_span's maximum."""
    maximum, step = eta_span(config)
    return step, maximum, step


@lru_cache(maxsize=32)
def cached_contours(game: Game, half_width: float) -> list[Contour]:
    return contours(game, half_width, resolution=50, count=2)


def view_half_width(config: SaddleConfig, trajectory: Trajectory) -> float:
    """The trajectory plot's half-width: 1.2, 2.4 or 3.6 times the start's size, the smallest that holds the run."""
    size = max(abs(config.start[0]), abs(config.start[1])) or 1.0
    finite = np.abs(trajectory.points[np.isfinite(trajectory.points).all(axis=1)])
    reach = min(float(finite.max()), 3.6 * size)  # the start is always finite
    return 1.2 * size * max(1, math.ceil(reach / (1.2 * size)))


def thinned(count: int, most: int = MAX_DRAWN_POINTS) -> slice:
    """Every k-th index with k odd, so a run that flips sign each step still shows both sides."""
    stride = max(1, math.ceil(count / most))
    return slice(None, None, stride if stride % 2 else stride + 1)


def log_clipped(values: np.ndarray) -> np.ndarray:
    """log10 of `values` within [LOG_FLOOR, LOG_CEILING]; an exact 0 sits on the floor, overflow on the ceiling.

    The plots draw exponents on a decade axis (SeriesChart's `decades`): plotext's own log scale rescales
    its data in place each time it renders, so a plot drawn twice would be wrong.
    """
    return np.log10(np.clip(np.nan_to_num(values, nan=LOG_CEILING), LOG_FLOOR, LOG_CEILING))


def sweep_key() -> Text:
    """What the sweep's colours mean: each η's run ended converged, cycling, diverged or neither."""
    key = Text(no_wrap=True, overflow="ellipsis")
    for status, word in (("converged", "converged"), ("cycling", "cycling"), ("diverged", "diverged"),
                         ("running", "neither")):
        key.append("● ", style="rgb({},{},{})".format(*PLOT_STATUS_COLOURS[status]))
        key.append(f"{word}  ")
    key.append("│ theory", style="bold")
    return key


def status_text(config: SaddleConfig, trajectory: Trajectory, known: Theory) -> Text:
    """How the run ended and where: the outcome, the step reached, the distance to z* and its rate."""
    word, note = outcome(trajectory, known)
    text = Text()
    text.append(f"● {word}", f"bold {OUTCOME_COLOURS[word]}")
    text.append(f" · step {trajectory.steps_taken} of {config.steps}\n")
    x, y = trajectory.final
    text.append(f"‖z − z*‖ = {trajectory.final_norm:.3g}")
    observed = trajectory.observed_rate()
    if observed is not None:
        text.append(f" · ×{observed:.4f}/step", "dim")
    if note:
        text.append(f"\n{note}", "yellow")
    else:
        text.append(f"\nz = ({x:.3g}, {y:.3g})")
    return text


def theory_text(known: Theory, eta: float, eta_max: float, width: int) -> Text:
    """The theory panel: ρ and what it means, the factors, the range and best η, and a ruler with η on it."""
    text = Text()
    text.append("Theory", "bold")
    text.append(" (step linearised at z*)\n", "dim")
    rho = known.spectral_radius
    if known.converges:
        verdict = ("< 1: contracts", "green")
    elif rho <= 1 + 1e-9:
        verdict = ("= 1: no contraction", "yellow")
    else:
        verdict = ("> 1: grows", "red")
    text.append(f"ρ = {rho:.4f} ")
    text.append(*verdict)
    if known.factors is not None:
        text.append(f"\nx ×{known.factors[0]:.3f}  y ×{known.factors[1]:.3f} per step")
    if known.eta_range is None:
        text.append("\nno η converges", "red")
    else:
        lo, hi = known.eta_range
        text.append(f"\nconverges for {lo:g} < η < {hi:.4g}" + ("" if known.closed_form else " (num.)"))
    if known.best_eta is not None:
        text.append(f"\nbest η = {known.best_eta:.4g}")
    text.append("\n")
    text.append_text(eta_ruler(known, eta, eta_max, width))
    text.append(f"\n{known.note}", "dim italic")
    return text


def eta_ruler(known: Theory, eta: float, eta_max: float, width: int) -> Text:
    """0 … eta_max as one line: ━ where ρ < 1, ─ where not, ◆ the best η, ● the current η."""
    cells = max(4, width - 2)
    ruler = Text("0")
    best = known.best_eta
    best_cell = None if best is None or best > eta_max else min(cells - 1, int(best / eta_max * cells))
    eta_cell = min(cells - 1, int(eta / eta_max * cells))
    for cell in range(cells):
        middle = (cell + 0.5) * eta_max / cells
        converges = known.eta_range is not None and known.eta_range[0] < middle < known.eta_range[1]
        if cell == eta_cell:
            ruler.append("●", "bold reverse")
        elif cell == best_cell:
            ruler.append("◆", "bold green")
        else:
            ruler.append("━" if converges else "─", "green" if converges else "red")
    legend = "◆ best  ● η"
    ruler.append(f"\n{legend}{' ' * max(1, cells + 1 - len(legend) - len(f'{eta_max:g}'))}{eta_max:g}", "dim")
    return ruler
