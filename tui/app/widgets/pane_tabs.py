"""The pane switcher in the header: `1 Search  2 Reader  3 Timeline`, clickable."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.message import Message
from textual.widgets import Static

PANE_NAMES: tuple[str, ...] = ("search", "reader", "timeline")
PANE_TITLES: dict[str, str] = {"search": "Search", "reader": "Reader", "timeline": "Timeline"}


class PaneTab(Static):
    """One tab; clicking it asks for its pane."""

    class Clicked(Message):
        def __init__(self, pane: str) -> None:
            super().__init__()
            self.pane = pane

    def __init__(self, pane: str) -> None:
        number = PANE_NAMES.index(pane) + 1
        super().__init__(Text(f" {number} {PANE_TITLES[pane]} "), id=f"tab-{pane}")
        self.pane = pane

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.pane))


class PaneTabs(HorizontalGroup):
    """Shows which pane is current (and, when wide, which panes are visible)."""

    def compose(self) -> ComposeResult:
        for pane in PANE_NAMES:
            yield PaneTab(pane)

    def set_state(self, current: str, visible: set[str]) -> None:
        for tab in self.query(PaneTab):
            tab.set_class(tab.pane == current, "-current")
            tab.set_class(tab.pane in visible and tab.pane != current, "-visible")
