"""An unresolved expression's days, kind by kind: (granularity, first day, last day)
against the article's date (`index.timeline.resolve` dispatches on the record type)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from index.models import Granularity
from index.text.temporal_record import (
    Date,
    DayRange,
    Direction,
    Month,
    MonthRange,
    Period,
    PeriodUnit,
    RawExpr,
    Relative,
    Season,
    Weekday,
    YearRange,
)
from index.timeline.clues import RD_WEEKDAYS

Resolved = tuple[Granularity, dt.date | None, dt.date | None]
VAGUE: Resolved = ("vague", None, None)


def _month_last(d: dt.date) -> dt.date:
    return d + relativedelta(day=31)


def year_span(year: int) -> Resolved:
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


def date_days(raw: RawExpr, d: Date, anchor: dt.date | None, order: str) -> Resolved:
    month, day = d.month, d.day
    if d.order == "ambiguous" and order == "dmy":
        month, day = day, month
    if d.year is not None:
        return "day", (found := dt.date(d.year, month, day)), found
    if anchor is None:
        return VAGUE
    near = nearest_year(month, day, anchor, raw.future_cue, d.ended)
    return ("day", near, near) if near else VAGUE


def year_range_days(r: YearRange) -> Resolved:
    return "year", dt.date(r.first, 1, 1), dt.date(r.last, 12, 31)


def month_range_days(raw: RawExpr, r: MonthRange, anchor: dt.date | None) -> Resolved:
    a, b = r.first, r.last
    end_year = b.year
    if end_year is None:
        if anchor is None:
            return VAGUE
        end_year = _nearest_month(b.month, anchor, raw, None)
    start_year = a.year or (end_year if a.month <= b.month else end_year - 1)
    first = dt.date(start_year, a.month, 1)
    return "month", first, _month_last(dt.date(end_year, b.month, 1))


def day_range_days(raw: RawExpr, r: DayRange, anchor: dt.date | None) -> Resolved:
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


def weekday_days(raw: RawExpr, w: Weekday, anchor: dt.date) -> Resolved:
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


def relative_days(raw: RawExpr, r: Relative, anchor: dt.date) -> Resolved:
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
    return year_span(anchor.year + offset)


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


def period_days(p: Period, anchor: dt.date | None) -> Resolved:
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


def season_days(raw: RawExpr, s: Season, anchor: dt.date | None) -> Resolved:
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


def month_days(raw: RawExpr, m: Month, anchor: dt.date | None) -> Resolved:
    if m.year is not None:
        return _month_span(m.year, m.month)
    if anchor is None:
        return VAGUE
    if m.year_shift is not None:
        return _month_span(anchor.year + m.year_shift, m.month)
    return _month_span(_nearest_month(m.month, anchor, raw, m.direction), m.month)


def on_anchor(granularity: Granularity, anchor: dt.date | None) -> Resolved:
    return VAGUE if anchor is None else (granularity, anchor, anchor)
