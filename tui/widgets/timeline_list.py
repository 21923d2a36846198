"""Timeline entries grouped by year → month → day, the most-reported days accented."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.models import EventSource, TimelineEvent
from tui.commands import bindings_for
from tui.textsafe import clean, safe_text

DENSE_FRACTION = 0.75
"""A day is 'dense' when reported by at least this share of the busiest day's sources."""


def primary_source(event: TimelineEvent) -> EventSource | None:
    """The source whose sentence is the event's text (else the first source)."""
    for source in event.sources:
        offset = source.start - source.sentence_start
        if offset >= 0 and event.text[offset : offset + len(source.expression)] == (
            source.expression
        ):
            return source
    return event.sources[0] if event.sources else None


def short_id(article_id: str) -> str:
    """A compact badge for an article id: the part before '_' when short, else 8 chars."""
    head = article_id.split("_", 1)[0]
    return head if 0 < len(head) <= 8 else article_id[:8]


def day_sources(events: Sequence[TimelineEvent]) -> dict[dt.date, set[str]]:
    """For each day, the articles whose events fall on it (ranges up to a week count per day)."""
    days: dict[dt.date, set[str]] = defaultdict(set)
    for event in events:
        if event.first_day is None or event.granularity not in ("day", "days", "week"):
            continue
        last = event.last_day or event.first_day
        if (last - event.first_day).days > 7:
            continue
        day = event.first_day
        while day <= last:
            days[day].update(s.article_id for s in event.sources)
            day += dt.timedelta(days=1)
    return dict(days)


def dense_days(events: Sequence[TimelineEvent]) -> set[dt.date]:
    """Days reported by the most sources (at least two), generic over any corpus."""
    counts = {day: len(ids) for day, ids in day_sources(events).items()}
    if not counts:
        return set()
    top = max(counts.values())
    if top < 2:
        return set()
    return {day for day, n in counts.items() if n >= max(2, top * DENSE_FRACTION)}


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    """'year', 'month', 'day', 'event' or 'undated'."""
    label: str
    event: TimelineEvent | None = None
    day: dt.date | None = None
    dense: bool = False
    count: int = 0


def _group_key(event: TimelineEvent) -> tuple[int, dt.date]:
    if event.first_day is None or event.granularity in ("vague",):
        return (1, dt.date.max)
    return (0, event.first_day)


def build_rows(events: Sequence[TimelineEvent]) -> list[Row]:
    """Headings and entries in display order."""
    per_day = day_sources(events)
    dense = dense_days(events)
    rows: list[Row] = []
    year = month = day = None
    undated_started = False
    for event in sorted(events, key=_group_key):
        first = event.first_day
        if first is None or event.granularity == "vague":
            if not undated_started:
                rows.append(Row("undated", "Undated or vague"))
                undated_started = True
            rows.append(Row("event", "", event))
            continue
        if first.year != year:
            year, month, day = first.year, None, None
            rows.append(Row("year", str(year)))
        if event.granularity in ("year", "open"):
            rows.append(Row("event", "", event))
            continue
        if first.month != month:
            month, day = first.month, None
            rows.append(Row("month", first.strftime("%B %Y")))
        if event.granularity == "month":
            rows.append(Row("event", "", event))
            continue
        if first != day:
            day = first
            count = len(per_day.get(first, ()))
            rows.append(
                Row("day", first.strftime("%a %-d %B %Y"), day=first, dense=first in dense,
                    count=count)
            )
        rows.append(Row("event", "", event))
    return rows


class TimelineList(OptionList):
    """The timeline entries; Enter opens the selected entry's sentence in the reader."""

    BINDINGS = bindings_for("timeline")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--year",
        "timeline--month",
        "timeline--day",
        "timeline--dense-day",
        "timeline--when",
        "timeline--expression",
        "timeline--badge",
    }

    class EntryChosen(Message):
        def __init__(self, event: TimelineEvent, source: EventSource) -> None:
            super().__init__()
            self.event = event
            self.source = source

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Row] = []

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _when(self, event: TimelineEvent) -> str:
        first, last = event.first_day, event.last_day
        if event.granularity == "days" and first and last and last != first:
            return f"{first:%-d}–{last:%-d %b}: "
        if event.granularity == "week" and first:
            return "that week: "
        if event.granularity == "month":
            return "during the month: "
        if event.granularity == "year":
            return "during the year: "
        if event.granularity == "open":
            return "from then on: " if first else "open-ended: "
        return ""

    def _event_text(self, event: TimelineEvent) -> Text:
        source = primary_source(event)
        spans = []
        if source is not None:
            offset = source.start - source.sentence_start
            end = offset + len(source.expression)
            if offset >= 0 and event.text[offset:end] == source.expression:
                spans.append((offset, end, self._style("timeline--expression")))
        text = Text(end="")
        when = self._when(event)
        if when:
            text.append(when, self._style("timeline--when"))
        text.append_text(safe_text(event.text.strip(), single_line=True, spans=spans))
        badges = []
        for src in event.sources:
            badge = short_id(src.article_id)
            if badge not in badges:
                badges.append(badge)
        for badge in badges:
            text.append(" ")
            text.append(f"[{clean(badge, single_line=True)}]", self._style("timeline--badge"))
        return text

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

    def show_events(self, events: Sequence[TimelineEvent]) -> None:
        self.rows = build_rows(events)
        options = []
        for i, row in enumerate(self.rows):
            if row.event is not None:
                prompt: Padding | Text = Padding(self._event_text(row.event), (0, 0, 0, 2))
            else:
                prompt = self._heading_text(row)
            options.append(Option(prompt, id=str(i)))
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        if options:
            self.highlighted = min(highlighted or 0, len(options) - 1)

    def row_at(self, index: int | None) -> Row | None:
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def _entry_from(self, index: int) -> TimelineEvent | None:
        for row in self.rows[index:]:
            if row.event is not None:
                return row.event
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None:
            return
        entry = self._entry_from(int(event.option.id))
        source = primary_source(entry) if entry is not None else None
        if entry is not None and source is not None:
            self.post_message(self.EntryChosen(entry, source))

    def _jump(self, indexes: list[int]) -> bool:
        if not indexes:
            self.app.bell()
            return False
        self.highlighted = indexes[0]
        self.scroll_to_highlight(top=True)
        return True

    def action_next_day(self) -> None:
        current = self.highlighted or 0
        self._jump([i for i, r in enumerate(self.rows) if r.kind == "day" and i > current])

    def action_previous_day(self) -> None:
        current = self.highlighted or 0
        self._jump([i for i, r in enumerate(self.rows) if r.kind == "day" and i < current][::-1])

    def action_busiest_day(self) -> None:
        days = [(r.count, -i) for i, r in enumerate(self.rows) if r.kind == "day"]
        if not days:
            self.app.bell()
            return
        _count, neg = max(days)
        self._jump([-neg])
