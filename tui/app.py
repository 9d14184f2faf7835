"""The gan-tui app: a tab per lab, number keys to switch, `?` for help, the command palette for actions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.geometry import Size
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from tui.assets import asset
from tui.help_screen import HelpScreen
from tui.labs import LABS
from tui.labs.lab_pane import LabPane


class GanTuiApp(App[None]):
    TITLE = "gan-tui"
    CSS_PATH = Path(str(asset("app.tcss")))
    BINDINGS = [
        *(Binding(lab.key, f"show_lab('{lab.id}')", lab.title, show=False) for lab in LABS),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    NOTIFICATION_TIMEOUT = 4

    def __init__(self, initial_tab: str = LABS[0].id, configs: dict[str, object] | None = None) -> None:
        super().__init__()
        self.initial_tab = initial_tab
        self.configs = configs or {}
        self._notes: dict[str, Notification] = {}  # the note on screen from each source

    def compose(self) -> ComposeResult:
        # Only the first lab shown is built now; each other pane is built the first time its tab opens,
        # so start-up does not grow with the number of labs.
        with TabbedContent(initial=self.initial_tab):
            for lab in LABS:
                with TabPane(f"{lab.key} {lab.title}", id=lab.id):
                    if lab.id == self.initial_tab:
                        yield lab.pane(config=self.configs.get(lab.id))
        yield Static(id="too-small")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._focus_pane(self.initial_tab)
        self._check_size()

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size)

    def _check_size(self, size: Size | None = None) -> None:
        """Below the smallest size the active lab can draw, one line asking for a bigger terminal
        instead of a layout with its charts and labels cut."""
        lab = next(lab for lab in LABS if lab.id == self.active_lab)
        (need_width, need_height), (width, height) = lab.min_size, size or self.size
        small = width < need_width or height < need_height
        if small:
            self.query_one("#too-small", Static).update(
                f"{lab.title} needs {need_width}×{need_height} (now {width}×{height}): enlarge the terminal")
        self.query_one("#too-small").display = small
        self.query_one(TabbedContent).display = not small

    @property
    def active_lab(self) -> str:
        return self.query_one(TabbedContent).active

    def lab_pane(self, lab_id: str) -> LabPane | None:
        """The pane of a lab, or None before its tab was first opened."""
        children = self.query_one(f"TabPane#{lab_id}").children
        return children[0] if children else None

    def _focus_pane(self, lab_id: str) -> None:
        pane = self.lab_pane(lab_id)
        if pane is not None:
            pane.focus_pane()
        else:
            self.set_focus(None)

    def action_show_lab(self, lab_id: str) -> None:
        self.query_one(TabbedContent).active = lab_id

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        lab = next(lab for lab in LABS if lab.id == event.pane.id)
        if self.lab_pane(lab.id) is None:
            await event.pane.mount(lab.pane(config=self.configs.get(lab.id)))
            if not self.is_running:  # the user quit while the pane was being built
                return
        self._check_size()
        self._focus_pane(lab.id)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True, source: str | None = None) -> None:
        """Show a note for a few seconds, replacing the one still shown from the same source, so notes
        never pile up over the tabs. The source defaults to the active lab and the severity: a pane's
        newest news replaces its older news of the same kind."""
        source = source or f"{self.active_lab}:{severity}"
        previous = self._notes.pop(source, None)
        if previous is not None and previous in self._notifications:
            kept = [note for note in self._notifications if note is not previous and not note.has_expired]
            self.clear_notifications()  # the public way to take one note away: clear, then show the rest again
            for note in kept:
                self.post_message(Notify(note))
            self.set_timer(0.1, self._repaint)
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        note = Notification(message, title, severity, seconds, markup=markup)
        self._notes[source] = note
        self.post_message(Notify(note))
        # once the note has gone, draw the whole screen again: a toast taken off the top layer can
        # otherwise stay painted in the terminal over the tabs and charts
        self.set_timer(note.timeout + 0.2, self._repaint)

    def _repaint(self) -> None:
        if not self.screen_stack:  # a note's timer can fire while the app closes: nothing is left to paint
            return
        self.screen.refresh(repaint=True)
        self.refresh(repaint=True)

    def action_help(self) -> None:
        lab = next(lab for lab in LABS if lab.id == self.active_lab)
        pane = self.lab_pane(lab.id)
        note = pane.help_note() if pane is not None else ""
        self.push_screen(HelpScreen(lab.help, note))

    async def action_quit(self) -> None:
        """Quit; panes with work in flight (a training child) start winding it down first, so it overlaps
        with the app closing."""
        for lab in LABS:
            pane = self.lab_pane(lab.id)
            if pane is not None:
                pane.prepare_to_quit()
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: this lab's ideas, maths and keys", "The help screen of the open tab (?)",
                            self.action_help)
        for lab in LABS:
            yield SystemCommand(f"Open the {lab.title} lab", f"Switch to tab {lab.key}",
                                lambda lab=lab: self.action_show_lab(lab.id))
        pane = self.lab_pane(self.active_lab)
        if pane is not None:
            yield from pane.palette_commands()
