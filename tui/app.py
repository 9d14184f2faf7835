"""The gan-tui app: a tab per lab, number keys to switch, `?` for help, the command palette for actions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, TabbedContent, TabPane

from tui.assets import asset
from tui.help_screen import HelpScreen
from tui.labs import LABS


class GanTuiApp(App[None]):
    TITLE = "gan-tui"
    CSS_PATH = Path(str(asset("app.tcss")))
    BINDINGS = [
        *(Binding(lab.key, f"show_lab('{lab.id}')", lab.title, show=False) for lab in LABS),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, initial_tab: str = LABS[0].id, configs: dict[str, object] | None = None) -> None:
        super().__init__()
        self.initial_tab = initial_tab
        self.configs = configs or {}

    def compose(self) -> ComposeResult:
        # Only the first lab shown is built now; each other pane is built the first time its tab opens,
        # so start-up does not grow with the number of labs.
        with TabbedContent(initial=self.initial_tab):
            for lab in LABS:
                with TabPane(f"{lab.key} {lab.title}", id=lab.id):
                    if lab.id == self.initial_tab:
                        yield lab.pane(config=self.configs.get(lab.id))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._focus_pane(self.initial_tab)

    @property
    def active_lab(self) -> str:
        return self.query_one(TabbedContent).active

    def lab_pane(self, lab_id: str) -> Widget | None:
        """The pane of a lab, or None before its tab was first opened."""
        children = self.query_one(f"TabPane#{lab_id}").children
        return children[0] if children else None

    def _focus_pane(self, lab_id: str) -> None:
        pane = self.lab_pane(lab_id)
        if pane is not None and pane.can_focus:
            pane.focus()
        else:
            self.set_focus(None)

    def action_show_lab(self, lab_id: str) -> None:
        self.query_one(TabbedContent).active = lab_id

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        lab = next(lab for lab in LABS if lab.id == event.pane.id)
        if self.lab_pane(lab.id) is None:
            await event.pane.mount(lab.pane(config=self.configs.get(lab.id)))
        self._focus_pane(lab.id)

    def action_help(self) -> None:
        lab = next(lab for lab in LABS if lab.id == self.active_lab)
        self.push_screen(HelpScreen(lab.help))

    async def action_quit(self) -> None:
        """Quit; panes with work in flight (a training child) start winding it down first, so it overlaps
        with the app closing."""
        for lab in LABS:
            getattr(self.lab_pane(lab.id), "prepare_to_quit", lambda: None)()
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for lab in LABS:
            yield SystemCommand(f"Open the {lab.title} lab", f"Switch to tab {lab.key}", lambda lab=lab: self.action_show_lab(lab.id))
        yield from getattr(self.lab_pane(self.active_lab), "palette_commands", lambda: ())()
