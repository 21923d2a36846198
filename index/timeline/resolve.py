"""Resolve unresolved time expressions against an article's date.

`resolve_raw` gives one expression's calendar meaning (granularity, first and last
day); `resolve_all` resolves an article's expressions in order, counting "two days
later" from the event it follows; `resolve_expressions` adds each one's sentence or
clause for the reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from index.models import Article, DateAnchor, TimeExpression
from index.text.temporal_record import (
    Century,
    ClockTime,
    Date,
    DayRange,
    Decade,
    Month,
    MonthRange,
    Period,
    Present,
    RawExpr,
    Relative,
    Season,
    Vague,
    Weekday,
    Year,
    YearEnd,
    YearRange,
)
from index.timeline.sentences import context_spans
from index.timeline.spans import (
    VAGUE,
    Resolved,
    date_days,
    day_range_days,
    month_days,
    month_range_days,
    on_anchor,
    period_days,
    relative_days,
    season_days,
    weekday_days,
    year_range_days,
    year_span,
)


def date_order(article_raw: Sequence[RawExpr]) -> str:
    """Whether the article writes day-first or month-first dates.

    Unambiguous numeric dates ("12/23/2025") decide first, then written ones
    ("23 December" vs "December 23").
    """
    dates = [(r.text, r.meaning) for r in article_raw if isinstance(r.meaning, Date)]
    numeric: list[str] = [d.order for _, d in dates if d.order in ("dmy", "mdy")]
    if numeric:
        return max(("mdy", "dmy"), key=numeric.count)
    dmy = mdy = 0
    for text, _ in dates:
        if any(c.isalpha() for c in text):
            if text.lstrip("the ")[:1].isdigit():
                dmy += 1
            else:
                mdy += 1
    return "dmy" if dmy > mdy else "mdy"


def _meaning(raw: RawExpr, anchor: dt.date | None, order: str) -> Resolved:
    """The calendar meaning of the expression's record, whatever its kind."""
    match raw.meaning:
        case Date() as d:
            return date_days(raw, d, anchor, order)
        case YearRange() as r:
            return year_range_days(r)
        case MonthRange() as r:
            return month_range_days(raw, r, anchor)
        case DayRange() as r:
            return day_range_days(raw, r, anchor)
        case Year(year=year):
            return year_span(year)
        case Month() as m:
            return month_days(raw, m, anchor)
        case Weekday() as w:
            return VAGUE if anchor is None else weekday_days(raw, w, anchor)
        case Relative() as r:
            return VAGUE if anchor is None else relative_days(raw, r, anchor)
        case YearEnd():
            last = None if anchor is None else dt.date(anchor.year, 12, 31)
            return VAGUE if last is None else ("day", last, last)
        case Period() as p:
            return period_days(p, anchor)
        case Present():
            return on_anchor("day", anchor)
        case ClockTime():
            return on_anchor("time", anchor)
        case Season() as s:
            return season_days(raw, s, anchor)
        case Decade(first=first):
            return "decade", dt.date(first, 1, 1), dt.date(first + 9, 12, 31)
        case Century(first=first):
            return "century", dt.date(first or 1, 1, 1), dt.date(first + 99, 12, 31)
        case Vague():
            return VAGUE


def resolve_raw(raw: RawExpr, anchor: dt.date | None, order: str = "mdy") -> Resolved:
    """Calendar meaning of one unresolved expression: (granularity, first_day, last_day).

    Expressions that need the article date become "vague" when it is unknown.
    "since X" becomes "open": X's first day onward.
    """
    resolved = _meaning(raw, anchor, order)
    if raw.open and resolved[1] is not None:
        return "open", resolved[1], None
    return resolved


EVENT_REACH = 400
"""How far back (characters) the event a "two days later" follows may be written."""
_EVENT_BASES = frozenset(
    {"time", "day", "days", "week", "month", "quarter", "half", "season", "year"}
)


def resolve_all(raw: Sequence[RawExpr], anchor: dt.date | None, order: str) -> list[Resolved]:
    """Every expression of an article resolved; "two days later", "the following year",
    "that year" count from the dated expression they follow (within `EVENT_REACH`),
    not from the article's date."""
    out: list[Resolved] = []
    base: tuple[int, dt.date] | None = None  # where the last dated expression ends, its day
    for r in raw:
        after_event = base is not None and r.start - base[0] < EVENT_REACH
        m = r.meaning
        if isinstance(m, Relative) and m.from_event and base is not None and after_event:
            resolved = relative_days(r, m, base[1])
        else:
            resolved = resolve_raw(r, anchor, order)
        if resolved[0] in _EVENT_BASES and resolved[1] is not None and not r.open:
            base = (r.end, resolved[1])
        out.append(resolved)
    return out


def resolve_expressions(
    article: Article, raw: list[RawExpr], anchor: DateAnchor
) -> list[TimeExpression]:
    """Normalise an article's expressions against its anchor, with their sentence/clause."""
    order = date_order(raw)
    contexts = context_spans(article.text, [(r.start, r.end) for r in raw])
    out = []
    resolved = resolve_all(raw, anchor.date, order)
    for r, (c_start, c_end), (granularity, first, last) in zip(
        raw, contexts, resolved, strict=True
    ):
        out.append(
            TimeExpression(
                article.id,
                r.start,
                r.end,
                r.text,
                granularity,
                first,
                last,
                c_start,
                c_end,
            )
        )
    return out
