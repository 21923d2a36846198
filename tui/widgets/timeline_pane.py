"""The timeline pane: a status/filter line over the grouped entries."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from index.models import TimelineEvent
from tui.commands import bindings_for
from tui.textsafe import clean
from tui.widgets.timeline_list import TimelineList, dense_days, short_id


class TimelinePane(Vertical):
    """Filters: `t` in the reader restricts to one article, `f` to the current query."""

    BINDINGS = bindings_for("timeline-pane")

    class FiltersChanged(Message):
        """The screen reloads the timeline with the pane's filters."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article_filter: str | None = None
        self.query_filter = False
        self.query_text = ""
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Timeline: waiting for the index…"), id="timeline-status")
        yield TimelineList(id="timeline-list")

    @property
    def timeline_list(self) -> TimelineList:
        return self.query_one(TimelineList)

    def set_status(self, text: str) -> None:
        self.query_one("#timeline-status", Static).update(Text(clean(text, single_line=True)))

    def show_events(self, events: Sequence[TimelineEvent]) -> None:
        self.loaded = True
        self.timeline_list.show_events(events)
        parts = [f"{len(events)} entr{'y' if len(events) == 1 else 'ies'}"]
        if self.article_filter:
            parts.append(f"article {short_id(self.article_filter)} (a: all)")
        if self.query_filter:
            parts.append(f"matching “{self.query_text}” (f: off)")
        else:
            parts.append("f: only matching the query")
        busiest = sorted(dense_days(events))
        if busiest:
            parts.append("★ busiest: " + ", ".join(f"{d:%-d %b %Y}" for d in busiest[:3]))
        self.set_status(" · ".join(parts))

    def show_error(self, message: str) -> None:
        self.loaded = False
        self.timeline_list.clear_options()
        self.set_status(f"Timeline unavailable: {message}")

    def action_toggle_query_filter(self) -> None:
        if not self.query_filter and not self.query_text.strip():
            self.notify("Type a query first (/), then f filters the timeline by it",
                        severity="warning", timeout=4)
            return
        self.query_filter = not self.query_filter
        self.post_message(self.FiltersChanged())

    def action_all_articles(self) -> None:
        if self.article_filter is None:
            return
        self.article_filter = None
        self.post_message(self.FiltersChanged())

    def filter_article(self, article_id: str | None) -> None:
        self.article_filter = article_id
        self.post_message(self.FiltersChanged())
