"""Enter on a timeline entry reported by several articles: pick whose sentence to open.

A merged entry stands for the same statement in several reports; each source has its
own sentence (worded its own way), so the picker shows every one of them in full.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from index.engine import ArticleSummary
from index.models import Article, EventSource, TimelineEvent
from tui.app.widgets.timeline_rows import short_id
from tui.textsafe import clean, safe_text


@dataclass(frozen=True, slots=True)
class SourceChoice:
    source: EventSource
    label: str
    """Who reported it: the article's source name (or file) and short id."""
    sentence: str
    """The source's own sentence, as in the article from `source.sentence_start` ("" when
    the article could not be read)."""


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


def distinct_sources(event: TimelineEvent) -> list[EventSource]:
    """The event's sources, one per article passage (the same spot reported twice counts once)."""
    seen: set[tuple[str, int]] = set()
    kept: list[EventSource] = []
    for source in event.sources:
        key = (source.article_id, source.start)
        if key not in seen:
            seen.add(key)
            kept.append(source)
    return kept


def source_choices(
    event: TimelineEvent,
    get_article: Callable[[str], Article],
    summaries: Mapping[str, ArticleSummary],
) -> list[SourceChoice]:
    """A choice per source, with the sentence read from its article (runs in a worker)."""
    choices = []
    texts: dict[str, str] = {}
    for source in distinct_sources(event):
        if source.article_id not in texts:
            try:
                texts[source.article_id] = get_article(source.article_id).text
            except Exception:
                texts[source.article_id] = ""  # the choice still opens; its sentence is unknown
        sentence = texts[source.article_id][source.sentence_start : source.sentence_end]
        summary = summaries.get(source.article_id)
        name = summary.source_label if summary is not None else source.file
        choices.append(SourceChoice(source, f"[{short_id(source.article_id)}] {name}", sentence))
    return choices
