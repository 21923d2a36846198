"""Builders for quarters, halves, seasons, decades, centuries, "now", times of day and
spelled-out years: a rule's match -> an unresolved expression (or None)."""

from __future__ import annotations

import re
from dataclasses import replace

from index.text.temporal_dates import spelled_year_number, written_year
from index.text.temporal_record import (
    Century,
    ClockTime,
    Decade,
    Direction,
    Groups,
    Meaning,
    Period,
    PeriodRel,
    PeriodUnit,
    Present,
    Relative,
    Season,
    Year,
    YearEnd,
)
from index.text.temporal_rules import (
    DECADE_WORDS,
    ORDINALS,
    SEASON_CODES,
)


def period(m: Groups) -> Meaning | None:
    unit: PeriodUnit = "half" if m.group("u").lower() == "half" else "quarter"
    if unit == "half" and not (m.group("y") or m.group("rel") or m.group("fy") or m.group("hy")):
        return None  # "scored twice in the second half": a match, not a calendar
    n = ORDINALS.get(m.group("n").lower()) if m.group("n") else None
    if unit == "quarter" and m.group("n").lower() == "last":
        return None
    return period_raw(unit, n, m)


def period_raw(unit: PeriodUnit, n: int | None, m: Groups) -> Period:
    adj = m.group("adj").lower()
    year = m.group("y") or m.group("fy") or (re.search(r"(?:19|20)\d\d", adj) or [None])[0]
    shift = -1 if re.search(r"year-ago|year-earlier|year-before|prior-year", adj) else 0
    rel: str | None = m.group("rel").lower() or None
    det = m.group("det").lower()
    if det in {"last", "next"} and n is None:
        rel = {"last": "prev", "next": "following"}[det]
    if rel == "last":
        shift -= 1
    elif rel == "next":
        shift += 1
    shift += {"last": -1, "next": 1}.get(m.group("ry").lower(), 0)  # "next year's first quarter"
    return Period(unit, n, int(year) if year else None, shift, _KEPT_RELS.get(rel or ""))


_KEPT_RELS: dict[str, PeriodRel] = {"prev": "prev", "following": "following"}
"""The `rel` a period keeps: "last"/"next" are already in its shift."""


def qn(m: Groups) -> Meaning | None:
    y = m.group("y")
    return Period("quarter", int(m.group("n")), int(y) if y else None, 0, None)


def qref(m: Groups) -> Meaning | None:
    if not m.group("det"):
        return None
    if m.group("u").lower() == "period" and not m.group("adj"):
        return None  # "the period" alone is any span; "the latest period" is a quarter
    raw = period_raw("quarter", None, m)
    adj = m.group("adj").lower()
    if "latest" in adj or "recent" in adj:
        return replace(raw, rel="latest")  # the last one finished, whatever was named before
    if "current" in adj:
        return replace(raw, rel="this")
    if m.group("u").lower() == "period":
        return replace(raw, needs_quarter=True)
    return raw


def year_ago(m: Groups) -> Meaning | None:
    return Period("quarter", None, None, -1, None, needs_quarter=True)


def present(m: Groups) -> Meaning | None:
    if m.group("pre"):
        return None  # "right now", "by now", "until now": not the day itself
    return Present()


def season(m: Groups) -> Meaning | None:
    det = m.group("det").lower().rstrip("-")
    year = written_year(m)
    if not det and year is None:
        return None
    return Season(SEASON_CODES[m.group("s").lower()], year, _SEASON_DIRECTIONS.get(det))


_SEASON_DIRECTIONS: dict[str, Direction] = {
    "last": "past",
    "this past": "past",
    "next": "future",
    "this coming": "future",
    "this": "this",
}


def decade(m: Groups) -> Meaning | None:
    if m.group("c"):
        c = int(m.group("c"))
        return Century((c - 1) * 100) if 1 <= c <= 21 else None
    if m.group("y"):
        return Decade(int(m.group("y")))
    return Decade(1900 + int(m.group("yy")))


def clock(m: Groups) -> Meaning | None:
    return ClockTime()


def spelled_year(m: Groups) -> Meaning | None:
    year = spelled_year_number(m)
    return None if year is None else Year(year, None)


def year_word(m: Groups) -> Meaning | None:
    w = " ".join(m.group("w").lower().replace("-", " ").split())
    if not m.group("det") and not w.startswith(("year", "earlier", "later")):
        return None  # "full year" needs its "the": "a full year" is a duration
    if w == "year end":
        return YearEnd(0)
    unit = "week" if w.endswith("week") else "year"
    offset = -1 if w.startswith("latest") else 0
    return Relative(unit, offset)


def decade_word(m: Groups) -> Meaning | None:
    if not m.group("det"):
        return None
    return Decade(DECADE_WORDS[m.group("w").lower()])
