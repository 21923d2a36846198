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
from index.text.temporal import RawExpr
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


def _nearest_month(month: int, anchor: dt.date, raw: RawExpr) -> int:
    """Year for a bare month: "last June" / "next June" / nearest to the anchor."""
    direction = raw.get("direction")
    if direction == "past":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "future":
        return anchor.year if month > anchor.month else anchor.year + 1
    if raw.get("future_cue") and direction is None:
        # "is to expire at the end of November", written on 2 November: this November
        return anchor.year if month >= anchor.month else anchor.year + 1
    if raw.get("past_cue") and direction is None:
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
    numeric = [r["order"] for r in article_raw if r.get("order") in ("dmy", "mdy")]
    if numeric:
        return max(("mdy", "dmy"), key=numeric.count)
    dmy = mdy = 0
    for r in article_raw:
        text = r.get("text", "")
        if r.get("kind") == "date" and any(c.isalpha() for c in text):
            if text.lstrip("the ")[:1].isdigit():
                dmy += 1
            else:
                mdy += 1
    return "dmy" if dmy > mdy else "mdy"


def _resolve_date(raw: RawExpr, anchor: dt.date | None, order: str) -> Resolved:
    month, day = raw["month"], raw["day"]
    if raw.get("order") == "ambiguous" and order == "dmy":
        month, day = day, month
    if raw.get("year") is not None:
        return "day", (d := dt.date(raw["year"], month, day)), d
    if anchor is None:
        return VAGUE
    found = nearest_year(month, day, anchor, bool(raw.get("future_cue")), bool(raw.get("ended")))
    return ("day", found, found) if found else VAGUE


def _resolve_range(raw: RawExpr, anchor: dt.date | None) -> Resolved:
    a, b, unit = raw["from"], raw["to"], raw["unit"]
    if unit == "year":
        return "year", dt.date(a["year"], 1, 1), dt.date(b["year"], 12, 31)
    end_year = b.get("year")
    if unit == "month":
        if end_year is None:
            if anchor is None:
                return VAGUE
            end_year = _nearest_month(b["month"], anchor, raw)
        start_year = a.get("year") or (end_year if a["month"] <= b["month"] else end_year - 1)
        first = dt.date(start_year, a["month"], 1)
        return "month", first, _month_last(dt.date(end_year, b["month"], 1))
    if end_year is None:
        if anchor is None:
            return VAGUE
        last = nearest_year(b["month"], b["day"], anchor, bool(raw.get("future_cue")))
        if last is None:
            return VAGUE
    else:
        last = dt.date(end_year, b["month"], b["day"])
    first = dt.date(a.get("year") or last.year, a["month"], a["day"])
    if first > last and a.get("year") is None:
        first = first - relativedelta(years=1)
    return "days", first, last


def _resolve_weekday(raw: RawExpr, anchor: dt.date) -> Resolved:
    """Most recent such weekday on or before the anchor, unless context points ahead."""
    rd = RD_WEEKDAYS[raw["weekday"]]
    direction = raw.get("direction")
    if direction == "future":
        d = anchor + relativedelta(days=1, weekday=rd(+1))
    elif direction == "past":
        d = anchor - relativedelta(days=1) + relativedelta(weekday=rd(-1))
    elif raw.get("future_cue"):
        d = anchor + relativedelta(weekday=rd(+1))
    else:
        d = anchor + relativedelta(weekday=rd(-1))
    # "Tuesday evening" is a time of day: it sorts within its day
    return ("time" if raw.get("part") else "day"), d, d


def _resolve_relative(raw: RawExpr, anchor: dt.date) -> Resolved:
    unit, offset = raw["unit"], int(raw["offset"])
    if unit == "day":
        d = anchor + relativedelta(days=offset)
        return "day", d, d
    if unit == "week":
        monday = anchor + relativedelta(weeks=offset, weekday=RD_WEEKDAYS[0](-1))
        return "week", monday, monday + relativedelta(days=6)
    if unit == "weekend":
        return _resolve_weekend(offset, bool(raw.get("future_cue")), anchor)
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


def _period_span(unit: str, year: int, n: int) -> Resolved:
    months = 3 if unit == "quarter" else 6
    first = dt.date(year, (n - 1) * months + 1, 1)
    return unit, first, _month_last(first + relativedelta(months=months - 1))  # type: ignore[return-value]


def _resolve_period(raw: RawExpr, anchor: dt.date | None) -> Resolved:
    """A quarter or half: its number (or the one last named), in the year written or
    the article's; "the latest quarter" is the last one finished before the article."""
    unit = raw["unit"]
    size = 3 if unit == "quarter" else 6
    n = raw.get("n") or raw.get("ctx_n")
    year = raw.get("year")
    if year is None and anchor is None:
        return VAGUE
    if n is None:
        if anchor is None:
            return VAGUE
        current = (anchor.month - 1) // size + 1
        step = 1 if raw.get("rel") == "following" else (0 if raw.get("rel") == "this" else -1)
        index = anchor.year * (12 // size) + current - 1 + step
        year, n = divmod(index, 12 // size)
        n += 1
    elif year is None:
        assert anchor is not None
        year = anchor.year
    return _period_span(unit, int(year) + int(raw.get("shift") or 0), int(n))


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _season_span(code: str, year: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, _SEASON_START[code], 1)
    return first, _month_last(first + relativedelta(months=2))


def _resolve_season(raw: RawExpr, anchor: dt.date | None) -> Resolved:
    """Meteorological seasons (TimeML's): winter Y runs from 1 December Y to February."""
    code = raw["season"]
    if raw.get("year") is not None:
        first, last = _season_span(code, int(raw["year"]))
        return "season", first, last
    if anchor is None:
        return VAGUE
    spans = [_season_span(code, y) for y in range(anchor.year - 2, anchor.year + 2)]
    direction = raw.get("direction")
    if direction == "past":
        first, last = max((s for s in spans if s[1] < anchor), key=lambda s: s[0])
    elif direction == "future" or (direction is None and raw.get("future_cue")):
        first, last = min((s for s in spans if s[0] > anchor), key=lambda s: s[0])
    else:
        containing = [s for s in spans if s[0] <= anchor <= s[1]]
        same_year = [s for s in spans if s[0].year == anchor.year]
        first, last = (containing or same_year)[0]
    return "season", first, last


def resolve_raw(raw: RawExpr, anchor: dt.date | None, order: str = "mdy") -> Resolved:
    """Calendar meaning of one unresolved expression: (granularity, first_day, last_day).

    Expressions that need the article date become "vague" when it is unknown.
    "since X" becomes "open": X's first day onward.
    """
    kind = raw.get("kind")
    resolved: Resolved
    if kind == "date":
        resolved = _resolve_date(raw, anchor, order)
    elif kind == "range":
        resolved = _resolve_range(raw, anchor)
    elif kind == "year":
        resolved = _year_span(int(raw["year"]))
    elif kind == "month":
        if raw.get("year") is not None:
            resolved = _month_span(int(raw["year"]), int(raw["month"]))
        elif anchor is None:
            resolved = VAGUE
        elif raw.get("year_shift") is not None:
            resolved = _month_span(anchor.year + int(raw["year_shift"]), int(raw["month"]))
        else:
            resolved = _month_span(
                _nearest_month(int(raw["month"]), anchor, raw), int(raw["month"])
            )
    elif kind == "weekday":
        resolved = VAGUE if anchor is None else _resolve_weekday(raw, anchor)
    elif kind == "relative":
        resolved = VAGUE if anchor is None else _resolve_relative(raw, anchor)
    elif kind == "year_end":
        resolved = (
            VAGUE
            if anchor is None
            else ("day", dt.date(anchor.year, 12, 31), dt.date(anchor.year, 12, 31))
        )
    elif kind == "period":
        resolved = _resolve_period(raw, anchor)
    elif kind in ("present", "time"):
        resolved = VAGUE if anchor is None else (kind if kind == "time" else "day", anchor, anchor)
    elif kind == "season":
        resolved = _resolve_season(raw, anchor)
    elif kind == "decade":
        resolved = "decade", dt.date(raw["first"], 1, 1), dt.date(raw["first"] + 9, 12, 31)
    elif kind == "century":
        resolved = "century", dt.date(raw["first"] or 1, 1, 1), dt.date(raw["first"] + 99, 12, 31)
    else:
        resolved = VAGUE
    if raw.get("open") and resolved[1] is not None:
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
        after_event = base is not None and r["start"] - base[0] < EVENT_REACH
        if r.get("reference") == "event" and base is not None and after_event:
            resolved = _resolve_relative(r, base[1])
        else:
            resolved = resolve_raw(r, anchor, order)
        if resolved[0] in _EVENT_BASES and resolved[1] is not None and not r.get("open"):
            base = (r["end"], resolved[1])
        out.append(resolved)
    return out


def resolve_expressions(
    article: Article, raw: list[RawExpr], anchor: DateAnchor
) -> list[TimeExpression]:
    """Normalise an article's expressions against its anchor, with their sentence/clause."""
    order = date_order(raw)
    contexts = context_spans(article.text, [(r["start"], r["end"]) for r in raw])
    out = []
    resolved = resolve_all(raw, anchor.date, order)
    for r, (c_start, c_end), (granularity, first, last) in zip(
        raw, contexts, resolved, strict=True
    ):
        out.append(
            TimeExpression(
                article.id,
                r["start"],
                r["end"],
                r["text"],
                granularity,
                first,
                last,
                c_start,
                c_end,
            )
        )
    return out
