"""Ctrl+R: pick a past query (type to filter, Enter to use, Esc to cancel)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.textsafe import clean


class HistoryPicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "cancel", "Cancel", id="summit.history-cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, entries: list[str]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(Text("Query history (most recent first)", style="bold"))
            yield Input(placeholder="filter…", id="history-filter")
            yield OptionList(id="history-list")
            yield Static(Text("Enter: use · Esc: cancel"), id="history-footer")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#history-filter", Input).focus()

    def _fill(self, needle: str) -> None:
        options = self.query_one("#history-list", OptionList)
        options.clear_options()
        needle = needle.casefold()
        options.add_options(
            Option(Text(clean(e, single_line=True)), id=str(i))
            for i, e in enumerate(self.entries)
            if needle in e.casefold()
        )
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#history-list", OptionList)
        option = options.highlighted_option
        self.dismiss(self.entries[int(option.id)] if option and option.id else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.entries[int(event.option.id)])

    def action_move(self, delta: int) -> None:
        options = self.query_one("#history-list", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)
