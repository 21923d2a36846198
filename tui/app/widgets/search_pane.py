"""The search pane: the query box, a status line (count, notes) and the results list."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from index.models import Passage, SearchResult
from tui.app.history import QueryHistory
from tui.app.widgets.query_input import QueryInput
from tui.app.widgets.results_list import ResultsList
from tui.textsafe import clean

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
        self._results_awaited: str | None = None
        """A query submitted before its results were on screen: they take focus on arrival."""
        self.last_result: SearchResult | None = None
        """What the list shows: a search's result, similar passages or the marked ones."""
        self.marked_view = False
        """The list shows the marked passages (M, or Backspace, goes back to the search)."""
        self._search_before_marks: SearchResult | None = None

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
        self._results_awaited = None
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
            if not self.results.option_count:
                self._results_awaited = event.value
        self.focus_results()

    def on_query_input_leave(self, event: QueryInput.Leave) -> None:
        event.stop()
        self.focus_results()

    def focus_results(self) -> None:
        """To the results, if there are any: otherwise the query box keeps focus."""
        if self.results.option_count:
            self.results.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # An empty list must never hold focus: the letters typed next would be taken
        # for commands (`q` quits) while the user believes they are in the query box.
        # Checked after a refresh: a pane switch passes focus through here on its way.
        if event.widget is self.results:
            self.call_after_refresh(self._leave_empty_results)

    def _leave_empty_results(self) -> None:
        # (not when this pane is being hidden: Textual parks focus here on its way out)
        if self.results.has_focus and not self.results.option_count and self.display:
            self.query_input.focus()

    def show_result(self, result: SearchResult) -> None:
        results = self.results
        results.show_result(result)
        self.set_status(self.describe(result), classes="-error" if result.error else "")
        awaited, self._results_awaited = self._results_awaited, None
        if not results.option_count and results.has_focus:
            self.query_input.focus()
        elif awaited == self.query_text and results.option_count and self.query_input.has_focus:
            results.focus()  # Enter was pressed before these results arrived

    def show_search(
        self, query: str, result: SearchResult | None, error: str | None, submitted: bool
    ) -> bool:
        """A search's answer (or why it failed); False when it is stale: the user typed on."""
        if query != self.query_text:
            return False
        if result is None:
            self.set_status(f"Search failed: {error}", classes="-error")
            self.notify(error or "search failed", title="Search", severity="error",
                        timeout=6, markup=False)
            return False
        self.marked_view, self._search_before_marks = False, None  # a new search leaves it
        self.last_result = result
        self.show_result(result)
        if result.error and submitted:
            self.notify(clean(result.error, single_line=True), title="Query",
                        severity="warning", timeout=6, markup=False)
        return True

    def show_similar(self, result: SearchResult) -> None:
        self.last_result = result
        self.results.show_result(result)
        self.set_status(self.describe(result).append("  (similar passages)"))

    def show_marked(self, passages: tuple[Passage, ...]) -> None:
        """The marked passages in the list, until the next search or `leave_marked_view`."""
        if not self.marked_view:
            self._search_before_marks = self.last_result
        self.marked_view = True
        count = len(passages)
        result = SearchResult("", "", count, False, passages)
        self.last_result = result
        self.results.show_result(result)
        noun = "passage" if count == 1 else "passages"
        self.set_status(f"Marked passages: {count} {noun} · M or Backspace: back to the search")

    def leave_marked_view(self) -> None:
        """Back to the search shown before the marked passages."""
        self.marked_view = False
        previous, self._search_before_marks = self._search_before_marks, None
        self.last_result = previous
        if previous is None:
            self.results.clear_results()
            self.set_status("")
        else:
            self.show_result(previous)
        if not self.results.option_count:
            self.query_input.focus()

    @staticmethod
    def describe(result: SearchResult) -> Text:
        """`12 passages in 3 articles`, then the engine's notes a line each — plain text."""
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
        # a correction ("searched … instead", "did you mean …?") and the any-words
        # fallback are said by the engine's notes, below: once
        if result.error:
            text.append(" · ")
            text.append(clean(result.error, single_line=True))
        for note in result.notes:
            if note == result.error:
                continue
            text.append("\n")
            text.append(clean(note, single_line=True))
        return text
