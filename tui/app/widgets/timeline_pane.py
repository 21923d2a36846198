"""The timeline pane: a status/filter line, the grouped entries, the highlighted one in full."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.visual import visualize
from textual.widgets import Static

from index.models import TimelineEvent
from tui.app.commands import bindings_for
from tui.app.widgets.timeline_list import TimelineList
from tui.app.widgets.timeline_rows import short_id
from tui.textsafe import clean


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
        self._detail_size: tuple[int, int] | None = None
        """(width, height) of the detail as last laid out."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Timeline: waiting for the index…"), id="timeline-status")
        yield TimelineList(id="timeline-list")
        yield Static(id="timeline-detail")

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
        busiest = sorted(self.timeline_list.dense)
        if busiest:
            parts.append("★ busiest: " + ", ".join(f"{d:%-d %b %Y}" for d in busiest[:3]))
        self.set_status(" · ".join(parts))

    def show_error(self, message: str) -> None:
        self.loaded = False
        self.timeline_list.clear()
        self.set_status(f"Timeline unavailable: {message}")

    def on_timeline_list_highlighted(self) -> None:
        self._show_detail()

    def on_resize(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """Under the list, the highlighted entry in full (a line of the list is cropped).

        An entry too long for the detail's max-height is cut with an ellipsis, rather
        than losing its last lines and its sources; Enter shows it whole in the reader.
        """
        detail = self.query_one("#timeline-detail", Static)
        timeline = self.timeline_list
        index = timeline.highlighted
        text = timeline.detail_text(index)
        entry = timeline.entry_at(index)
        if text is None or entry is None:
            detail.display = False
            self._detail_size = None
            return
        width = self.size.width - detail.styles.gutter.width
        if width <= 0:
            detail.display = True
            detail.update(text)
            self._detail_size = None
            return
        rules = detail.styles.get_render_rules()

        def height(text: Text) -> int:
            return visualize(detail, text).get_height(rules, width)

        lines = height(text)
        room = self._detail_room(detail)
        if room is not None and lines > room:
            # the longest start of the sentence that fits
            fits, longest = 0, len(entry.text)
            while fits < longest:
                middle = (fits + longest + 1) // 2
                shorter = timeline.detail_text(index, limit=middle)
                if shorter is not None and height(shorter) <= room:
                    fits = middle
                else:
                    longest = middle - 1
            text = timeline.detail_text(index, limit=fits) or text
            lines = height(text)
        # a layout of the screen costs more than the rest of a cursor move: only when
        # the detail's height changes
        size = (width, lines)
        same = bool(detail.display) and size == self._detail_size
        detail.display = True
        detail.update(text, layout=not same)
        self._detail_size = size

    def _detail_room(self, detail: Static) -> int | None:
        """The lines of text the detail's max-height leaves (None: no limit)."""
        max_height = detail.styles.max_height
        if max_height is None or not self.size.height:
            return None
        return max(1, int(max_height.resolve(self.size, self.app.size))
                   - detail.styles.gutter.height)

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
