"""The labs the app shows, one tab each, in tab order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tui.labs.adder import AdderPane
from tui.labs.bandit import BanditPane
from tui.labs.gan import GanPane
from tui.labs.lab_pane import LabPane
from tui.labs.saddle import SaddlePane


@dataclass(frozen=True)
class Lab:
    id: str
    title: str
    key: str
    pane: Callable[..., LabPane]  # called with config=<the lab's config or None>
    help: str  # assets/help/<help>.md
    min_size: tuple[int, int]  # the smallest terminal (columns, rows) the pane draws without cutting what it shows


LABS = (
    Lab("adder", "RNN adder", "1", AdderPane, "adder", (70, 20)),
    Lab("saddle", "Saddle", "2", SaddlePane, "saddle", (76, 22)),
    Lab("bandit", "Bandit", "3", BanditPane, "bandit", (80, 23)),  # 80x23: 80x24 less a tmux status line
    Lab("gan", "GAN", "4", GanPane, "gan", (80, 23)),
)
