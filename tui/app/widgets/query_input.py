"""The query box: Up/Down recall history, Escape leaves for the results, Enter submits."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input

from index.search.querylang import well_formed
from tui.app.commands import bindings_for
from tui.app.history import QueryHistory


class QueryInput(Input):
    """An Input that knows the query history. `q`, `?`, digits… are text here."""

    BINDINGS = bindings_for("query")

    class Leave(Message):
        """Escape / Down: go to the results (never traps focus)."""

    def __init__(self, history: QueryHistory, **kwargs: object) -> None:
        super().__init__(
            placeholder="Search articles…  (Enter: results · Up/Ctrl+R: history · F1: help)",
            **kwargs,  # type: ignore[arg-type]
        )
        self.history = history
        self._recalling = False

    def _recall(self, value: str | None) -> bool:
        if value is None:
            return False
        self._recalling = True
        self.value = value
        self.cursor_position = len(value)
        self._recalling = False
        return True

    def replace(self, text: str, start: int, end: int) -> None:
        """Typed or pasted text, without lone surrogates (they are not text, and the
        terminal could not show them)."""
        super().replace(well_formed(text), start, end)

    def validate_value(self, value: str) -> str:
        return well_formed(value)

    def watch_value(self, value: str) -> None:
        if not self._recalling:
            self.history.reset()

    def action_history_previous(self) -> None:
        if self.value and not self.history.browsing:
            return
        if not self._recall(self.history.previous()) and not self.history.browsing:
            self.app.bell()

    def action_history_next(self) -> None:
        if self.history.browsing:
            self._recall(self.history.next())
        else:
            self.post_message(self.Leave())

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def _on_paste(self, event: events.Paste) -> None:
        # A query is one line: a pasted paragraph keeps all its words, not just its first line.
        event.stop()
        event.prevent_default()  # Input's own handler keeps only the first line
        text = " ".join(event.text.split())
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)

    @staticmethod
    def takes_early_key(event: events.Key) -> bool:
        return event.key in ("enter", "backspace") or (
            event.is_printable and event.character is not None
        )

    def take_early_key(self, event: events.Key) -> bool:
        """Apply a key typed before this box had focus (before the first frame); True if used.

        Textual delivers such keys to the screen, where they would be lost (or, worse,
        taken for commands): the user typed them into the query box.
        """
        if not self.takes_early_key(event):
            return False
        if event.key == "enter":
            self.post_message(self.Submitted(self, self.value))
        elif event.key == "backspace":
            self.action_delete_left()
        elif event.character is not None:
            self.insert_text_at_cursor(event.character)
        return True
