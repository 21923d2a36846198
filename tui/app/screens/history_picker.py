"""Pick one of a list (type to filter, Enter to use, Esc to cancel): past queries
(Ctrl+R) and saved searches share it."""

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


class Picker(ModalScreen[str | None]):
    """Dismisses with the chosen entry's value, or None."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "cancel", "Cancel", id="summit.history-cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, entries: list[tuple[str, str]]) -> None:
        """`entries`: (label shown and filtered on, value returned)."""
        super().__init__()
        self.title_text = title
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(Text(self.title_text, style="bold"))
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
            Option(Text(clean(label, single_line=True)), id=str(i))
            for i, (label, _) in enumerate(self.entries)
            if needle in label.casefold()
        )
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#history-list", OptionList)
        option = options.highlighted_option
        self.dismiss(self.entries[int(option.id)][1] if option and option.id else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.entries[int(event.option.id)][1])

    def action_move(self, delta: int) -> None:
        options = self.query_one("#history-list", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HistoryPicker(Picker):
    """Ctrl+R: a past query."""

    def __init__(self, queries: list[str]) -> None:
        super().__init__("Query history (most recent first)", [(q, q) for q in queries])
