"""The timeline as rows: entries grouped by year → month → day, the days reported by
the most sources marked dense, and the words of each entry (its date, its sources).
Also the sources of an entry, each with its own sentence, to pick from. Pure functions,
no Textual: the list widget (timeline_list) draws these rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from index.models import Article, ArticleSummary, EventSource, TimelineEvent
from index.text.temporal import LONG_SPANS, span_label
from tui.textsafe import clean

DENSE_FRACTION = 0.75
"""A day is 'dense' when reported by at least this share of the busiest day's sources."""

EVENT_INDENT = "  "
"""Entries sit under their heading."""

MAX_DETAIL_SOURCES = 8
"""The detail lists at most this many sources, then says how many more there are."""


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
    """A compact badge for an article id: of its file name (not its folders, which
    several folders searched together all start with), the part before '_' when short,
    else 8 chars."""
    name = article_id.rsplit("/", 1)[-1] or article_id
    head = name.split("_", 1)[0]
    return head if 0 < len(head) <= 8 else name[:8]


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


def _dense(per_day: dict[dt.date, set[str]]) -> set[dt.date]:
    counts = {day: len(ids) for day, ids in per_day.items()}
    if not counts:
        return set()
    top = max(counts.values())
    if top < 2:
        return set()
    return {day for day, n in counts.items() if n >= max(2, top * DENSE_FRACTION)}


def dense_days(events: Sequence[TimelineEvent]) -> set[dt.date]:
    """Days reported by the most sources (at least two), generic over any corpus."""
    return _dense(day_sources(events))


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


def rows_and_dense(events: Sequence[TimelineEvent]) -> tuple[list[Row], set[dt.date]]:
    per_day = day_sources(events)
    dense = _dense(per_day)
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
        if event.granularity in ("year", "open") or event.granularity in LONG_SPANS:
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
    return rows, dense


def build_rows(events: Sequence[TimelineEvent]) -> list[Row]:
    """Headings and entries in display order."""
    return rows_and_dense(events)[0]


def when_text(event: TimelineEvent) -> str:
    """The short prefix of an entry's line, for what its heading does not say."""
    first, last = event.first_day, event.last_day
    if event.granularity == "days" and first and last and last != first:
        return f"{first:%-d}–{last:%-d %b}: "
    if event.granularity == "week" and first:
        return "that week: "
    if event.granularity == "month":
        return "during the month: "
    if event.granularity == "year":
        return "during the year: "
    if first and last and (label := span_label(event.granularity, first, last)):
        return f"{label}: "
    if event.granularity == "open":
        return "from then on: " if first else "open-ended: "
    return ""


def date_label(event: TimelineEvent) -> str:
    """When an entry happened, in full (the detail has no heading above it)."""
    first, last = event.first_day, event.last_day
    if first is None or event.granularity == "vague":
        return "Undated or vague"
    if event.granularity == "days" and last and last != first:
        return f"{first:%a %-d %B %Y} – {last:%a %-d %B %Y}"
    if event.granularity == "week":
        return f"The week of {first:%-d %B %Y}"
    if event.granularity == "month":
        return f"{first:%B %Y}"
    if event.granularity == "year":
        return f"{first:%Y}"
    if last and (label := span_label(event.granularity, first, last)):
        return label
    if event.granularity == "open":
        return f"From {first:%Y} on"
    return f"{first:%a %-d %B %Y}"


def crop_window(length: int, keep: tuple[int, int] | None, limit: int) -> tuple[int, int]:
    """The [first, last) characters of a text of `length` to show in about `limit`: from
    the start, unless that would hide the span `keep` (the time expression: the row's
    date clause), which is then shown with a little of what leads up to it."""
    if length <= limit:
        return 0, length
    budget = limit - 2  # an ellipsis either side, and the last cell a truncation may take
    if keep is None or keep[1] <= budget:
        return 0, limit
    lead_in = max(0, (budget - (keep[1] - keep[0])) // 3)
    first = max(1, min(keep[0] - lead_in, length - budget))
    return first, min(length, first + budget)


def entry_badges(event: TimelineEvent) -> list[str]:
    badges: list[str] = []
    for source in event.sources:
        badge = clean(short_id(source.article_id), single_line=True)
        if badge not in badges:
            badges.append(badge)
    return badges


# -- the sources of one entry (Enter on an entry reported by several) -----------------


@dataclass(frozen=True, slots=True)
class SourceChoice:
    source: EventSource
    label: str
    """Who reported it: the article's source name (or file) and short id."""
    sentence: str
    """The source's own sentence, as in the article from `source.sentence_start` ("" when
    the article could not be read)."""


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
