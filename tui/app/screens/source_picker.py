"""Enter on a timeline entry reported by several articles: pick whose sentence to open.

A merged entry stands for the same statement in several reports; each source has its
own sentence (worded its own way), so the picker shows every one of them in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from index.models import EventSource
from tui.app.widgets.timeline_rows import SourceChoice
from tui.textsafe import clean, safe_text


def choice_text(choice: SourceChoice) -> Text:
    """The label, the expression, then the sentence (all inert) with the expression styled."""
    source = choice.source
    text = Text(clean(choice.label, single_line=True), style="bold", end="")
    text.append("  ")
    text.append(f"“{clean(source.expression, single_line=True)}”", style="underline")
    sentence = choice.sentence.lstrip()
    if sentence.strip():
        start = source.start - source.sentence_start - (len(choice.sentence) - len(sentence))
        end = start + len(source.expression)
        spans = []
        if start >= 0 and sentence[start:end] == source.expression:
            spans = [(start, end, "underline")]
        text.append("\n")
        text.append_text(safe_text(sentence.rstrip(), single_line=True, spans=spans))
    return text


class SourcePicker(ModalScreen[EventSource | None]):
    """Up/Down (j/k) to choose, Enter opens it in the reader, Esc or q cancels."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q", "cancel", "Cancel", id="summit.source-cancel"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, choices: Sequence[SourceChoice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = tuple(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="source-dialog"):
            yield Static(Text(clean(self.title_text, single_line=True), style="bold"))
            options: list[Option | None] = []
            for index, choice in enumerate(self.choices):
                if index:
                    options.append(None)
                options.append(Option(choice_text(choice), id=str(index)))
            yield OptionList(*options, id="source-list")
            yield Static(Text("Enter: open in the reader · Esc: cancel"), id="source-footer")

    def on_mount(self) -> None:
        options = self.query_one("#source-list", OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.choices[int(event.option.id)].source)

    def action_move(self, delta: int) -> None:
        options = self.query_one("#source-list", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
