"""Ask for one line (a name for a saved search, a file to export to): Enter accepts,
Esc cancels. The answer is plain text; callers validate it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PromptScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "cancel", "Cancel", id="summit.prompt-cancel"),
    ]

    def __init__(self, question: str, *, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(Text(self.question, style="bold"))
            yield Input(value=self.value, id="prompt-input")
            yield Static(
                Text((self.hint + " · " if self.hint else "") + "Enter: OK · Esc: cancel"),
                id="history-footer",
            )

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        self.dismiss(answer or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
