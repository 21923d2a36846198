"""Timeline entries grouped by year → month → day, the most-reported days accented.

A corpus of 10,000 articles has some 80,000 entries, so the list is a Line API
scroll view: every row is one line and only the lines on screen are rendered, which
makes showing the timeline and moving through it cost the same at any length. An
entry's line is cropped to the width; `detail_text()` gives the highlighted entry
in full (the pane shows it under the list).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from index.models import EventSource, TimelineEvent
from tui.app.commands import bindings_for
from tui.app.widgets.timeline_rows import (
    EVENT_INDENT,
    MAX_DETAIL_SOURCES,
    Row,
    crop_window,
    date_label,
    entry_badges,
    primary_source,
    rows_and_dense,
    short_id,
    when_text,
)
from tui.textsafe import clean, safe_text


class TimelineList(ScrollView, can_focus=True, inherit_bindings=False):
    """The timeline entries, one line each; Enter opens the entry's sentence in the reader.

    On a heading, Enter (and the detail) take the first entry below it.
    """

    BINDINGS = bindings_for("timeline")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--year",
        "timeline--month",
        "timeline--day",
        "timeline--dense-day",
        "timeline--when",
        "timeline--expression",
        "timeline--badge",
        "timeline--cursor",
    }

    DEFAULT_CSS = """
    TimelineList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    highlighted: reactive[int | None] = reactive(None, repaint=False, init=False)
    """The index in `rows` of the cursor row (None when there are no rows)."""

    class EntryChosen(Message):
        def __init__(self, event: TimelineEvent, source: EventSource) -> None:
            super().__init__()
            self.event = event
            self.source = source

    class Highlighted(Message):
        """The cursor moved, or the rows under it changed."""

        def __init__(self, timeline_list: TimelineList, index: int | None) -> None:
            super().__init__()
            self.timeline_list = timeline_list
            self.index = index

        @property
        def control(self) -> TimelineList:
            return self.timeline_list

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Row] = []
        self.dense: set[dt.date] = set()
        """The busiest days (`dense_days` of the events shown)."""
        self._day_indexes: list[int] = []
        self._busiest: int | None = None
        self._base_style = Style()
        self._cursor_on_top = False
        """The last move was a jump: the cursor row stays at the top, as far as the rows
        allow, when the list's height changes (the detail below it grows or shrinks)."""
        self._strips: LRUCache[tuple[int, int, bool, Style], Strip] = LRUCache(512)
        """Rendered rows by (index, width, cursor, base style); cleared with the rows
        and the styles."""

    # -- rows ----------------------------------------------------------------------------

    def show_events(self, events: Sequence[TimelineEvent]) -> None:
        """Show `events`; the cursor stays on the same row number (clamped)."""
        self.rows, self.dense = rows_and_dense(events)
        days = [(i, row.count) for i, row in enumerate(self.rows) if row.kind == "day"]
        self._day_indexes = [i for i, _count in days]
        # the most sources; among equals the earliest day
        self._busiest = max(days, key=lambda day: (day[1], -day[0]))[0] if days else None
        previous = self.highlighted
        self._rows_changed(min(previous or 0, len(self.rows) - 1) if self.rows else None)

    def clear(self) -> None:
        """No rows (the timeline is unavailable)."""
        self.rows, self.dense = [], set()
        self._day_indexes, self._busiest = [], None
        self._rows_changed(None)

    def _rows_changed(self, highlighted: int | None) -> None:
        self._strips.clear()
        self._cursor_on_top = False
        self.virtual_size = Size(0, len(self.rows))
        self.set_reactive(TimelineList.highlighted, highlighted)
        self.refresh()
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, highlighted))

    def row_at(self, index: int | None) -> Row | None:
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def entry_at(self, index: int | None) -> TimelineEvent | None:
        """The entry of row `index`; for a heading, the first entry below it."""
        if index is None or index < 0:
            return None
        for i in range(index, len(self.rows)):
            event = self.rows[i].event
            if event is not None:
                return event
        return None

    # -- cursor --------------------------------------------------------------------------

    def validate_highlighted(self, index: int | None) -> int | None:
        if index is None or not self.rows:
            return None
        return max(0, min(index, len(self.rows) - 1))

    def watch_highlighted(self, previous: int | None, index: int | None) -> None:
        self._cursor_on_top = False
        for row in (previous, index):
            if row is not None:
                self.refresh_line(row)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, index))

    def _scroll_to_cursor(self, *, top: bool = False) -> None:
        """Scroll just enough for the cursor row to be on screen (to the top with `top`)."""
        index = self.highlighted
        height = self.scrollable_content_region.height
        if index is None or height <= 0:
            return
        first = round(self.scroll_y)
        if top or index < first:
            target = index
        elif index >= first + height:
            target = index - height + 1
        else:
            return
        self.scroll_to(y=target, animate=False, force=True)

    def on_resize(self) -> None:
        self._scroll_to_cursor(top=self._cursor_on_top)

    def _move_to(self, index: int) -> None:
        if self.rows:
            self.highlighted = index

    def action_cursor_down(self) -> None:
        self._move_to(0 if self.highlighted is None else self.highlighted + 1)

    def action_cursor_up(self) -> None:
        self._move_to(0 if self.highlighted is None else self.highlighted - 1)

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.rows) - 1)

    def _page(self, direction: int) -> None:
        """A screenful: the view scrolls by as much, the cursor keeps its line on screen."""
        if not self.rows:
            return
        step = direction * max(1, self.scrollable_content_region.height)
        self.scroll_to(y=self.scroll_y + step, animate=False, force=True)
        self._move_to((self.highlighted or 0) + step)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_select(self) -> None:
        entry = self.entry_at(self.highlighted)
        source = primary_source(entry) if entry is not None else None
        if entry is not None and source is not None:
            self.post_message(self.EntryChosen(entry, source))

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row; a click on the cursor row opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if not 0 <= index < len(self.rows):
            return
        event.stop()
        if index == self.highlighted:
            self.action_select()
        else:
            self.highlighted = index

    def _jump(self, index: int | None) -> bool:
        if index is None:
            self.app.bell()
            return False
        self.highlighted = index
        self._scroll_to_cursor(top=True)
        self._cursor_on_top = True
        return True

    def action_next_day(self) -> None:
        current = self.highlighted or 0
        after = bisect_right(self._day_indexes, current)
        if not self._jump(self._day_indexes[after] if after < len(self._day_indexes) else None):
            self.notify("No later day: this is the last one", timeout=3)

    def action_previous_day(self) -> None:
        current = self.highlighted or 0
        before = bisect_left(self._day_indexes, current) - 1
        if not self._jump(self._day_indexes[before] if before >= 0 else None):
            self.notify("No earlier day: this is the first one", timeout=3)

    def action_busiest_day(self) -> None:
        self._jump(self._busiest)

    # -- rendering -------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _sentence(self, event: TimelineEvent, limit: int | None = None) -> Text:
        """The entry's sentence on one line (inert), its time expression styled; with
        `limit`, at most about that many characters (an ellipsis says it goes on)."""
        text = event.text
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        expression: tuple[int, int] | None = None
        source = primary_source(event)
        if source is not None:
            start = source.start - source.sentence_start
            end = start + len(source.expression)
            if start >= 0 and event.text[start:end] == source.expression:
                expression = (start - lead, end - lead)
        first, last = (0, len(text)) if limit is None else crop_window(len(text), expression, limit)
        spans = []
        if expression is not None:
            spans.append((expression[0] - first, expression[1] - first,
                          self._style("timeline--expression")))
        sentence = safe_text(text[first:last], single_line=True, spans=spans)
        if first > 0:
            sentence = Text("…", end="") + sentence
        if last < len(text):
            sentence.append("…")
        return sentence

    def _event_line(self, event: TimelineEvent, width: int) -> Text:
        """Prefix, sentence cropped with an ellipsis, then the source badges (kept)."""
        line = Text(EVENT_INDENT, end="")
        when = when_text(event)
        if when:
            line.append(when, self._style("timeline--when"))
        badges = entry_badges(event)
        badge_text = Text(end="")
        shown = len(badges)
        while True:
            badge_text = Text(end="")
            for badge in badges[:shown]:
                badge_text.append(f" [{badge}]", self._style("timeline--badge"))
            if shown < len(badges):
                badge_text.append(f" +{len(badges) - shown}", self._style("timeline--badge"))
            if shown <= 1 or badge_text.cell_len <= width // 3:
                break
            shown -= 1
        room = width - line.cell_len - badge_text.cell_len
        # a sentence never needs more characters than cells (wide ones take two)
        sentence = self._sentence(event, limit=max(room, 0) + 1)
        sentence.truncate(max(room, 1), overflow="ellipsis")
        line.append_text(sentence)
        line.append_text(badge_text)
        return line

    def _heading_text(self, row: Row) -> Text:
        if row.kind == "year":
            return Text(f"━━ {row.label} ━━", self._style("timeline--year"), end="")
        if row.kind in ("month", "undated"):
            return Text(row.label, self._style("timeline--month"), end="")
        style = self._style("timeline--dense-day" if row.dense else "timeline--day")
        text = Text(("★ " if row.dense else "· ") + row.label, style, end="")
        if row.count:
            text.append(f"  {row.count} source{'s' if row.count != 1 else ''}", style)
        return text

    def row_text(self, index: int, width: int) -> Text:
        """Row `index` as one line of `width` cells (one cell of padding either side)."""
        row = self.rows[index]
        inner = max(width - 2, 1)
        content = (
            self._event_line(row.event, inner) if row.event is not None
            else self._heading_text(row)
        )
        line = Text(" ", end="")
        line.append_text(content)
        line.truncate(width, overflow="ellipsis", pad=True)
        return line

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style  # once per refresh, not per line
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        self._strips.clear()
        self.refresh()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self._base_style
        if not 0 <= index < len(self.rows) or width <= 0:
            return Strip.blank(max(width, 0), base)
        cursor = index == self.highlighted
        key = (index, width, cursor, base)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._render_row(index, width, cursor, base)
        return strip

    def _render_row(self, index: int, width: int, cursor: bool, base: Style) -> Strip:
        text = self.row_text(index, width)
        if cursor:
            cursor_style = self._style("timeline--cursor")
            base += cursor_style
            # the cursor's colours win over the accents (they would be hard to read on
            # it), their underline, bold and italic stay
            text.stylize(Style(color=cursor_style.color, bgcolor=cursor_style.bgcolor))
        text.style = base
        return Strip(text.render(self.app.console), width)

    def detail_text(self, index: int | None = None, *, limit: int | None = None) -> Text | None:
        """The entry at `index` (default: the cursor) in full: when, the whole sentence
        with its time expression styled, and every source's expression. With `limit`,
        the sentence stops after that many characters, with an ellipsis."""
        entry = self.entry_at(self.highlighted if index is None else index)
        if entry is None:
            return None
        badge_style = self._style("timeline--badge")
        text = Text(end="")
        text.append(date_label(entry), self._style("timeline--day"))
        text.append("  ")
        text.append_text(self._sentence(entry, limit))
        primary = primary_source(entry)
        sources: list[tuple[str, str]] = []  # (badge, expression), Enter's source first
        for source in sorted(entry.sources, key=lambda s: s is not primary):
            pair = (clean(short_id(source.article_id), single_line=True),
                    clean(source.expression, single_line=True))
            if pair not in sources:
                sources.append(pair)
        if not sources:
            return text
        text.append("\n")
        text.append("Source" + ("s" if len(sources) != 1 else "") + ":", badge_style)
        for i, (badge, expression) in enumerate(sources[:MAX_DETAIL_SOURCES]):
            text.append(f"{' ·' if i else ''} [{badge}] ", badge_style)
            text.append(f"“{expression}”", self._style("timeline--expression"))
        if len(sources) > MAX_DETAIL_SOURCES:
            text.append(f" and {len(sources) - MAX_DETAIL_SOURCES} more", badge_style)
        if len(sources) > 1:
            text.append(" · Enter: pick one to read", badge_style)
        return text
