"""The search pane: the query box, a status line (count, notes) and the results list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from index.models import SearchResult
from tui.history import QueryHistory
from tui.textsafe import clean
from tui.widgets.query_input import QueryInput
from tui.widgets.results_list import ResultsList

DEBOUNCE_SECONDS = 0.15


class SearchPane(Vertical):
    """Debounces typing into `QueryRequested` messages; shows whatever result it is given."""

    class QueryRequested(Message):
        """Run `query` (the screen does it in a worker and calls `show_result`)."""

        def __init__(self, query: str, *, as_you_type: bool, submitted: bool) -> None:
            super().__init__()
            self.query = query
            self.as_you_type = as_you_type
            self.submitted = submitted

    def __init__(self, history: QueryHistory, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history = history
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield QueryInput(self.history, id="query")
        yield Static(self._hint(), id="search-status")
        yield ResultsList(id="results")

    @staticmethod
    def _hint() -> Text:
        return Text("Type to search · Enter: go to results · F1: help", end="")

    @property
    def query_input(self) -> QueryInput:
        return self.query_one(QueryInput)

    @property
    def results(self) -> ResultsList:
        return self.query_one(ResultsList)

    @property
    def query_text(self) -> str:
        return self.query_input.value

    def set_status(self, text: Text | str, *, classes: str = "") -> None:
        status = self.query_one("#search-status", Static)
        status.set_classes(classes)
        status.update(text if isinstance(text, Text) else Text(clean(text), end=""))

    def _cancel_debounce(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_debounce()
        if not event.value.strip():
            self.results.clear_results()
            self.set_status(self._hint())
            return
        value = event.value
        self._debounce = self.set_timer(
            DEBOUNCE_SECONDS,
            lambda: self.post_message(
                self.QueryRequested(value, as_you_type=True, submitted=False)
            ),
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_debounce()
        if event.value.strip():
            self.history.add(event.value)
            self.post_message(self.QueryRequested(event.value, as_you_type=False, submitted=True))
        self.results.focus()

    def on_query_input_leave(self, event: QueryInput.Leave) -> None:
        event.stop()
        self.results.focus()

    def show_result(self, result: SearchResult) -> None:
        self.results.show_result(result)
        self.set_status(self.describe(result), classes="-error" if result.error else "")

    @staticmethod
    def describe(result: SearchResult) -> Text:
        """`12 passages in 3 articles · did you mean …` — all plain text."""
        text = Text(end="")
        shown = len(result.hits)
        articles = len({h.article_id for h in result.hits})
        if result.total == 0 or shown == 0:
            text.append("No matches", "bold")
        else:
            about = "about " if result.total_is_estimate else ""
            noun = "passage" if result.total == 1 else "passages"
            text.append(f"{about}{result.total} {noun}", "bold")
            text.append(f" in {articles} article{'s' if articles != 1 else ''}")
            if shown < result.total:
                text.append(f" (top {shown})")
        if result.corrected and result.searched != result.query:
            text.append(" · searched ")
            text.append(clean(f"“{result.searched}”", single_line=True), "italic")
            text.append(" instead")
        if result.suggestion and not result.corrected:
            text.append(" · did you mean ")
            text.append(clean(f"“{result.suggestion}”", single_line=True), "italic")
            text.append("?")
        if result.error:
            text.append(" · ")
            text.append(clean(result.error, single_line=True))
        for note in result.notes:
            if note == result.error:
                continue
            text.append("\n")
            text.append(clean(note, single_line=True))
        return text
