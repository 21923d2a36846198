"""Resolve unresolved time expressions against an article's date.

`resolve_raw` gives one expression's calendar meaning (granularity, first and last
day); `resolve_all` resolves an article's expressions in order, counting "two days
later" from the event it follows; `resolve_expressions` adds each one's sentence or
clause for the reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta

from index.models import Article, DateAnchor, Granularity, TimeExpression
from index.text.temporal_record import (
    Century,
    ClockTime,
    Date,
    DayRange,
    Decade,
    Direction,
    Month,
    MonthRange,
    Period,
    PeriodUnit,
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
from index.timeline.clues import RD_WEEKDAYS
from index.timeline.sentences import context_spans

Resolved = tuple[Granularity, dt.date | None, dt.date | None]
VAGUE: Resolved = ("vague", None, None)


def _month_last(d: dt.date) -> dt.date:
    return d + relativedelta(day=31)


def _year_span(year: int) -> Resolved:
    return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month_span(year: int, month: int) -> Resolved:
    first = dt.date(year, month, 1)
    return "month", first, _month_last(first)


def nearest_year(
    month: int, day: int, anchor: dt.date, future: bool = False, past: bool = False
) -> dt.date | None:
    """The day-month in the year that puts it nearest the anchor, leaning to the past.

    News mostly reports what happened, so a future date counts double its
    distance: "5 January" in a 23 December article is next month, but "20 June"
    is the June just gone rather than the one six months ahead.  With a future
    cue ("will meet on 5 January") the first occurrence on or after the anchor
    is taken instead; for the day a period ended ("the fiscal year ended Jan. 31",
    written in October) the last on or before it.
    """
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not options:
        return None
    if future:
        ahead = [d for d in options if d >= anchor]
        if ahead:
            return ahead[0]
    elif past:
        behind = [d for d in options if d <= anchor]
        if behind:
            return behind[-1]
    return min(
        options, key=lambda d: (abs((d - anchor).days) * (2 if d > anchor else 1), d > anchor)
    )


def _nearest_month(month: int, anchor: dt.date, raw: RawExpr, direction: Direction | None) -> int:
    """Year for a bare month: "last June" / "next June" / nearest to the anchor."""
    if direction == "past":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "future":
        return anchor.year if month > anchor.month else anchor.year + 1
    if raw.future_cue and direction is None:
        # "is to expire at the end of November", written on 2 November: this November
        return anchor.year if month >= anchor.month else anchor.year + 1
    if raw.past_cue and direction is None:
        # "sales fell in March", written in November: the March before, not the next
        return anchor.year if month <= anchor.month else anchor.year - 1
    if direction == "this":
        return anchor.year
    distance = (month - anchor.month) % 12
    return (
        anchor.year + (1 if anchor.month + distance > 12 else 0)
        if distance < 6
        else (anchor.year - (1 if month > anchor.month else 0))
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


def _resolve_date(raw: RawExpr, d: Date, anchor: dt.date | None, order: str) -> Resolved:
    month, day = d.month, d.day
    if d.order == "ambiguous" and order == "dmy":
        month, day = day, month
    if d.year is not None:
        return "day", (found := dt.date(d.year, month, day)), found
    if anchor is None:
        return VAGUE
    near = nearest_year(month, day, anchor, raw.future_cue, d.ended)
    return ("day", near, near) if near else VAGUE


def _resolve_year_range(r: YearRange) -> Resolved:
    return "year", dt.date(r.first, 1, 1), dt.date(r.last, 12, 31)


def _resolve_month_range(raw: RawExpr, r: MonthRange, anchor: dt.date | None) -> Resolved:
    a, b = r.first, r.last
    end_year = b.year
    if end_year is None:
        if anchor is None:
            return VAGUE
        end_year = _nearest_month(b.month, anchor, raw, None)
    start_year = a.year or (end_year if a.month <= b.month else end_year - 1)
    first = dt.date(start_year, a.month, 1)
    return "month", first, _month_last(dt.date(end_year, b.month, 1))


def _resolve_day_range(raw: RawExpr, r: DayRange, anchor: dt.date | None) -> Resolved:
    a, b = r.first, r.last
    if b.year is None:
        if anchor is None:
            return VAGUE
        last = nearest_year(b.month, b.day, anchor, raw.future_cue)
        if last is None:
            return VAGUE
    else:
        last = dt.date(b.year, b.month, b.day)
    first = dt.date(a.year or last.year, a.month, a.day)
    if first > last and a.year is None:
        first = first - relativedelta(years=1)
    return "days", first, last


def _resolve_weekday(raw: RawExpr, w: Weekday, anchor: dt.date) -> Resolved:
    """Most recent such weekday on or before the anchor, unless context points ahead."""
    rd = RD_WEEKDAYS[w.weekday]
    if w.direction == "future":
        d = anchor + relativedelta(days=1, weekday=rd(+1))
    elif w.direction == "past":
        d = anchor - relativedelta(days=1) + relativedelta(weekday=rd(-1))
    elif raw.future_cue:
        d = anchor + relativedelta(weekday=rd(+1))
    else:
        d = anchor + relativedelta(weekday=rd(-1))
    # "Tuesday evening" is a time of day: it sorts within its day
    return ("time" if w.part else "day"), d, d


def _resolve_relative(raw: RawExpr, r: Relative, anchor: dt.date) -> Resolved:
    unit, offset = r.unit, r.offset
    if unit == "day":
        d = anchor + relativedelta(days=offset)
        return "day", d, d
    if unit == "week":
        monday = anchor + relativedelta(weeks=offset, weekday=RD_WEEKDAYS[0](-1))
        return "week", monday, monday + relativedelta(days=6)
    if unit == "weekend":
        return _resolve_weekend(offset, raw.future_cue, anchor)
    if unit == "month":
        first = anchor + relativedelta(months=offset, day=1)
        return "month", first, _month_last(first)
    return _year_span(anchor.year + offset)


def _resolve_weekend(offset: int, future: bool, anchor: dt.date) -> Resolved:
    """ "The weekend": the Saturday–Sunday on or before the anchor (ahead if said so)."""
    saturday = RD_WEEKDAYS[5]
    if offset > 0 or future:
        start = anchor + relativedelta(days=1 if offset > 0 else 0, weekday=saturday(+1))
    elif anchor.weekday() == 6:
        start = anchor - relativedelta(days=1)
    else:
        start = anchor + relativedelta(weekday=saturday(-1))
        if offset < 0 and anchor.weekday() == 5:
            start -= relativedelta(weeks=1)
    return "days", start, start + relativedelta(days=1)


def _period_span(unit: PeriodUnit, year: int, n: int) -> Resolved:
    months = 3 if unit == "quarter" else 6
    first = dt.date(year, (n - 1) * months + 1, 1)
    return unit, first, _month_last(first + relativedelta(months=months - 1))


def _resolve_period(p: Period, anchor: dt.date | None) -> Resolved:
    """A quarter or half: its number (or the one last named), in the year written or
    the article's; "the latest quarter" is the last one finished before the article."""
    size = 3 if p.unit == "quarter" else 6
    n = p.n or p.ctx_n
    year = p.year
    if year is None and anchor is None:
        return VAGUE
    if n is None:
        if anchor is None:
            return VAGUE
        current = (anchor.month - 1) // size + 1
        step = 1 if p.rel == "following" else (0 if p.rel == "this" else -1)
        index = anchor.year * (12 // size) + current - 1 + step
        year, n = divmod(index, 12 // size)
        n += 1
    elif year is None:
        assert anchor is not None
        year = anchor.year
    return _period_span(p.unit, year + p.shift, n)


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _season_span(code: str, year: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, _SEASON_START[code], 1)
    return first, _month_last(first + relativedelta(months=2))


def _resolve_season(raw: RawExpr, s: Season, anchor: dt.date | None) -> Resolved:
    """Meteorological seasons (TimeML's): winter Y runs from 1 December Y to February."""
    if s.year is not None:
        first, last = _season_span(s.season, s.year)
        return "season", first, last
    if anchor is None:
        return VAGUE
    spans = [_season_span(s.season, y) for y in range(anchor.year - 2, anchor.year + 2)]
    if s.direction == "past":
        first, last = max((x for x in spans if x[1] < anchor), key=lambda x: x[0])
    elif s.direction == "future" or (s.direction is None and raw.future_cue):
        first, last = min((x for x in spans if x[0] > anchor), key=lambda x: x[0])
    else:
        containing = [x for x in spans if x[0] <= anchor <= x[1]]
        same_year = [x for x in spans if x[0].year == anchor.year]
        first, last = (containing or same_year)[0]
    return "season", first, last


def _resolve_month(raw: RawExpr, m: Month, anchor: dt.date | None) -> Resolved:
    if m.year is not None:
        return _month_span(m.year, m.month)
    if anchor is None:
        return VAGUE
    if m.year_shift is not None:
        return _month_span(anchor.year + m.year_shift, m.month)
    return _month_span(_nearest_month(m.month, anchor, raw, m.direction), m.month)


def _on_anchor(granularity: Granularity, anchor: dt.date | None) -> Resolved:
    return VAGUE if anchor is None else (granularity, anchor, anchor)


def _meaning(raw: RawExpr, anchor: dt.date | None, order: str) -> Resolved:
    """The calendar meaning of the expression's record, whatever its kind."""
    match raw.meaning:
        case Date() as d:
            return _resolve_date(raw, d, anchor, order)
        case YearRange() as r:
            return _resolve_year_range(r)
        case MonthRange() as r:
            return _resolve_month_range(raw, r, anchor)
        case DayRange() as r:
            return _resolve_day_range(raw, r, anchor)
        case Year(year=year):
            return _year_span(year)
        case Month() as m:
            return _resolve_month(raw, m, anchor)
        case Weekday() as w:
            return VAGUE if anchor is None else _resolve_weekday(raw, w, anchor)
        case Relative() as r:
            return VAGUE if anchor is None else _resolve_relative(raw, r, anchor)
        case YearEnd():
            last = None if anchor is None else dt.date(anchor.year, 12, 31)
            return VAGUE if last is None else ("day", last, last)
        case Period() as p:
            return _resolve_period(p, anchor)
        case Present():
            return _on_anchor("day", anchor)
        case ClockTime():
            return _on_anchor("time", anchor)
        case Season() as s:
            return _resolve_season(raw, s, anchor)
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
            resolved = _resolve_relative(r, m, base[1])
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
