"""What the bandit pane draws, from core results: plot lines per view and the bar view of one run."""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text

from core.bandit import RunState, TestbedResult, describe
from tui.widgets.series_chart import PALETTE, Line

MAX_LINES = len(PALETTE)  # the chart's colours run out beyond this
BAR_BLOCKS = " ▏▎▍▌▋▊▉█"
PULLED_STYLE = "bold on rgb(40,70,120)"  # a background, so the bar itself stays visible


def plot_lines(results: tuple[TestbedResult, ...], view: str) -> tuple[list[Line], str, tuple[float, float] | None]:
    """The lines (over steps 1..t), title and y range of one view of the testbeds' records."""
    series, title, limits = _view(results, view)
    lines = [Line(np.arange(1.0, len(values) + 1), values, colour, label)
             for colour, (label, values) in zip(PALETTE, series)]
    return lines, title, limits


def _view(results: tuple[TestbedResult, ...], view: str
          ) -> tuple[list[tuple[str, np.ndarray]], str, tuple[float, float] | None]:
    config = results[0].config
    runs = "run 1" if config.runs == 1 else f"mean of {config.runs:,} runs"
    if view == "optimal":
        return [(describe(r.config), r.optimal_pct) for r in results], f"% optimal action, {runs}", (0.0, 100.0)
    if view == "reward":
        return [(describe(r.config), r.mean_reward) for r in results], f"reward, {runs}", None
    if view == "regret":
        return [(describe(r.config), r.cumulative_regret) for r in results], f"total regret, {runs}", None
    if len(results) == 1 and (config.q is not None or config.runs == 1):  # arm i is the same arm in every run
        mean_pi = results[0].mean_pi
        likeliest = np.argsort(-mean_pi[-1])[:MAX_LINES] if len(mean_pi) else range(min(config.arms, MAX_LINES))
        return [(f"π{arm + 1}", mean_pi[:, arm]) for arm in sorted(likeliest)], f"π of each arm, {runs}", (0.0, 1.0)
    return [(describe(r.config), r.pi_optimal) for r in results], f"π(optimal arm), {runs}", (0.0, 1.0)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar `fraction` of `width` cells long, in eighths of a cell."""
    eighths = round(min(1.0, max(0.0, fraction)) * width * 8) if np.isfinite(fraction) else 0
    full, part = divmod(eighths, 8)
    return ("█" * full + (BAR_BLOCKS[part] if part else "")).ljust(width)


def short(value: float, sign: bool = False) -> str:
    """Two decimals, or three significant digits once that would be wider than 6 characters."""
    text = f"{value:+.2f}" if sign else f"{value:.2f}"
    return text if len(text) <= 6 else f"{value:{'+' if sign else ''}.3g}"


def bar_view(state: RunState, exact: bool, height: int, label: str = "") -> Table:
    """π and θ of every arm of one run (as many as fit: beyond that the best arm, the arm
    just pulled and the likeliest), the arm just pulled highlighted, and the pull's reward."""
    table = Table(box=None, padding=(0, 1), pad_edge=False, header_style="bold", expand=False)
    table.add_column("arm", justify="right", no_wrap=True)
    table.add_column("π", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("θ", justify="right", no_wrap=True)
    table.add_column("q*", justify="right", no_wrap=True)
    arms = len(state.pi)
    rows = max(2, height - 4)  # the title may take two lines, the header and the caption one each
    best = state.q.max()
    if arms <= rows:
        shown = list(range(arms))
    else:
        must = [int(np.argmax(state.q))] + ([] if state.action is None else [state.action])
        likeliest = [int(arm) for arm in np.argsort(-state.pi) if arm not in must]
        shown = sorted(set(must + likeliest[: rows - len(set(must))]))
    for arm in shown:
        style = PULLED_STYLE if arm == state.action else ""
        name = Text(f"{arm + 1}", style="bold green" if state.q[arm] == best else "")
        table.add_row(name, bar(state.pi[arm], 8), f"{state.pi[arm]:.2f}", short(state.theta[arm], sign=True),
                      short(state.q[arm]), style=style)
    # with a label the step goes on a line of its own: wrapped, "step 1,000" would be cut in two
    title = f"run 1 of {label}\nstep {state.t:,}" if label else f"run 1, step {state.t:,}"
    if exact:
        last = "exact gradient: no pulls"
    elif state.action is None:
        last = "no pull yet"
    else:
        last = f"pulled {state.action + 1} → R = {state.reward:+.2f}"
    table.title = title
    table.caption = last + (f" (+{arms - len(shown)} arms)" if arms > len(shown) else "")
    return table
