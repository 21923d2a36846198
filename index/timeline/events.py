"""Candidate events: one per expression, by column, and how the merged events are made
and ordered (merging itself is `index.timeline.merge`)."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from typing import Any

from index.models import Article, DateAnchor, EventSource, Granularity, TimelineEvent
from index.text.temporal_record import (
    Date,
    DayRange,
    Meaning,
    Month,
    MonthRange,
    Period,
    RawExpr,
    Relative,
    Season,
    Vague,
    Weekday,
    Year,
    YearRange,
)
from index.timeline.anchors import capitalised_names, content_terms
from index.timeline.resolve import date_order, resolve_all
from index.timeline.sentences import context_spans
from index.timeline.spans import VAGUE

_EXPLICIT = (Date, DayRange, MonthRange, YearRange, Year, Month)
"""The kinds that state their calendar date: an event they state is stated plainly."""
DIRECTION_ORDER = {"past": 0, "present": 1, "this": 1, None: 1, "future": 2}
UNIT_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, "decade": 4, None: 5}


class Candidates:
    """Every candidate event (one per expression) by column, in corpus order.

    An object per candidate (its expression, article, raw dict and set of terms)
    cost about 2 kB each, 80,000 of them at 10k articles; here a candidate is a
    few machine integers and references to shared objects.  Candidate `i` is the
    i-th entry of every column.
    """

    def __init__(self) -> None:
        self.article = array("i")
        """The article's position in the corpus."""
        self.start = array("i")
        self.end = array("i")
        self.sentence_start = array("i")
        self.sentence_end = array("i")
        self.expression: list[str] = []
        self.context: list[str] = []
        """The expression's sentence or clause: the event's text when it states it."""
        self.terms: list[tuple[str, ...]] = []
        """Salient terms of the clause, without the expression itself (sets only while
        their same-dated group is merged: a set takes four times the tuple)."""
        self.granularity: list[Granularity] = []
        self.first_day: list[dt.date | None] = []
        self.last_day: list[dt.date | None] = []
        self.explicit = bytearray()
        self.direction = bytearray()
        """`DIRECTION_ORDER` of the expression's direction (how a vague event sorts)."""
        self.unit = bytearray()
        """`UNIT_ORDER` of its unit."""
        self._shared: dict[object, Any] = {}

    def __len__(self) -> int:
        return len(self.article)

    def _share(self, value: Any) -> Any:
        """One object for equal expression texts and dates (thousands say "last year")."""
        return self._shared.setdefault(value, value)

    def add(
        self, n: int, article: Article, raw: Sequence[RawExpr], anchor: DateAnchor | None
    ) -> str:
        """The n-th article's candidates, resolved when its anchor is known (else vague
        until `resolve`); returns the article's date order (`date_order`)."""
        order = date_order(raw)
        text = article.text
        date = anchor.date if anchor is not None else None
        contexts = context_spans(text, [(r.start, r.end) for r in raw])
        texts: dict[tuple[int, int], str] = {}
        resolved = resolve_all(raw, date, order) if anchor is not None else [VAGUE] * len(raw)
        for r, span, (granularity, first, last) in zip(raw, contexts, resolved, strict=True):
            start, end = r.start, r.end
            c_start, c_end = span
            self.article.append(n)
            self.start.append(start)
            self.end.append(end)
            self.sentence_start.append(c_start)
            self.sentence_end.append(c_end)
            self.expression.append(self._share(r.text))
            context = texts.get(span)
            if context is None:
                context = texts[span] = text[c_start:c_end]
            self.context.append(context)
            clause = text[c_start:start] + " " + text[end:c_end]
            self.terms.append(tuple({*content_terms(clause), *capitalised_names(clause)}))
            self.explicit.append(isinstance(r.meaning, _EXPLICIT))
            self.direction.append(DIRECTION_ORDER.get(_direction(r.meaning), 1))
            self.unit.append(UNIT_ORDER.get(_unit(r.meaning), 5))
            self.granularity.append(granularity)
            self.first_day.append(self._share(first))
            self.last_day.append(self._share(last))
        return order

    def resolve(self, first: int, raw: Sequence[RawExpr], date: dt.date | None, order: str) -> None:
        """Resolve an article's candidates (from the `first`) now that its date is known."""
        resolved = resolve_all(raw, date, order)
        for i, (granularity, first_day, last_day) in enumerate(resolved, first):
            self.granularity[i] = granularity
            self.first_day[i] = self._share(first_day)
            self.last_day[i] = self._share(last_day)


def _direction(m: Meaning) -> str | None:
    """Which way the expression points, for the kinds that say."""
    return m.direction if isinstance(m, Month | Weekday | Vague | Season) else None


def _unit(m: Meaning) -> str | None:
    """The expression's unit, for the kinds that have one (a range's is its ends')."""
    match m:
        case Relative(unit=unit) | Vague(unit=unit) | Period(unit=unit):
            return unit
        case DayRange():
            return "day"
        case MonthRange():
            return "month"
        case YearRange():
            return "year"
        case _:
            return None


def make_events(
    c: Candidates, clusters: list[list[int]], anchors: Sequence[DateAnchor]
) -> tuple[TimelineEvent, ...]:
    """Each cluster as one event, stated by its representative (the source whose
    sentence best states it: explicit dates, surest anchor), in `EventOrder`.

    `clusters` is emptied as the events are made (each list is let go once its event
    holds its sources)."""
    ids = [a.article_id for a in anchors]
    files = [a.file for a in anchors]
    confidence = [a.confidence for a in anchors]
    offsets: dict[int, int] = {}  # one object per offset value, as the cache loads them
    article, start, granularity = c.article, c.start, c.granularity
    order = EventOrder(ids, max(start, default=0))

    def representative(i: int) -> tuple[object, ...]:
        return (
            not c.explicit[i],
            granularity[i] == "week",
            -confidence[article[i]],
            ids[article[i]],
            start[i],
        )

    def source(i: int) -> EventSource:
        a = article[i]
        return EventSource(
            ids[a],
            files[a],
            offsets.setdefault(start[i], start[i]),
            offsets.setdefault(c.end[i], c.end[i]),
            c.expression[i],
            offsets.setdefault(c.sentence_start[i], c.sentence_start[i]),
            offsets.setdefault(c.sentence_end[i], c.sentence_end[i]),
        )

    events: list[TimelineEvent] = []
    keys: list[int] = []
    clusters.reverse()
    while clusters:
        cluster = clusters.pop()
        rep = min(cluster, key=representative)
        dated = next((i for i in cluster if granularity[i] != "week"), cluster[0])
        members = sorted(cluster, key=lambda i: (ids[article[i]], start[i]))
        first, last = c.first_day[dated], c.last_day[dated]
        events.append(
            TimelineEvent(
                first, last, granularity[dated], c.context[rep], tuple(source(i) for i in members)
            )
        )
        keys.append(order.key(first, last, c, rep))
    ranks = sorted(range(len(events)), key=keys.__getitem__)
    return tuple(events[r] for r in ranks)


class EventOrder:
    """The timeline's order as one integer per event (a tuple of seven took 20 MB at 10k).

    Dated events by start, coarser first, open spans by their start; vague ones last,
    past before future, by unit; then explicit before relative, then by article and
    offset.  That is the tuple (0, first_day, 0, -span, relative, article id, start)
    for a dated event and (1, date.max, direction, unit, relative, article id, start)
    for a vague one, written as digits of one number, each in a radix above its largest
    value, so that numbers compare as the tuples do.
    """

    _MAX_DAY = dt.date.max.toordinal()
    _DAYS = _MAX_DAY + 1
    _FOURTH = _MAX_DAY + len(UNIT_ORDER)
    """Radix of the fourth digit: a unit, or the span below the longest possible."""

    def __init__(self, ids: Sequence[str], last_offset: int) -> None:
        rank_of = {article_id: n for n, article_id in enumerate(sorted(set(ids)))}
        self._rank = [rank_of[article_id] for article_id in ids]
        self._articles = len(rank_of) or 1
        self._offsets = last_offset + 1

    def key(self, first: dt.date | None, last: dt.date | None, c: Candidates, rep: int) -> int:
        """The number for the event dated `first`-`last` and stated by candidate `rep`."""
        if first is None:
            flag, day, direction, fourth = 1, self._MAX_DAY, c.direction[rep], c.unit[rep]
        else:
            span = ((last or dt.date.max) - first).days
            flag, day, direction, fourth = 0, first.toordinal(), 0, self._MAX_DAY - span
        n = (flag * self._DAYS + day) * 3 + direction
        n = n * self._FOURTH + fourth
        n = n * 2 + (not c.explicit[rep])
        n = n * self._articles + self._rank[c.article[rep]]
        return n * self._offsets + c.start[rep]
