"""Builders for quarters, halves, seasons, decades, centuries, "now", times of day and
spelled-out years: a rule's match -> an unresolved expression (or None)."""

from __future__ import annotations

import re

from index.text.temporal_dates import spelled_year_number, written_year
from index.text.temporal_record import Groups, RawExpr
from index.text.temporal_rules import (
    DECADE_WORDS,
    ORDINALS,
    SEASON_CODES,
)


def period(m: Groups) -> RawExpr | None:
    unit = "half" if m.group("u").lower() == "half" else "quarter"
    if unit == "half" and not (m.group("y") or m.group("rel") or m.group("fy") or m.group("hy")):
        return None  # "scored twice in the second half": a match, not a calendar
    n = ORDINALS.get(m.group("n").lower()) if m.group("n") else None
    if unit == "quarter" and m.group("n").lower() == "last":
        return None
    return period_raw(unit, n, m)


def period_raw(unit: str, n: int | None, m: Groups) -> RawExpr:
    adj = m.group("adj").lower()
    year = m.group("y") or m.group("fy") or (re.search(r"(?:19|20)\d\d", adj) or [None])[0]
    shift = -1 if re.search(r"year-ago|year-earlier|year-before|prior-year", adj) else 0
    rel = m.group("rel").lower() or None
    det = m.group("det").lower()
    if det in {"last", "next"} and n is None:
        rel = {"last": "prev", "next": "following"}[det]
    if rel == "last":
        shift -= 1
    elif rel == "next":
        shift += 1
    shift += {"last": -1, "next": 1}.get(m.group("ry").lower(), 0)  # "next year's first quarter"
    return {
        "kind": "period",
        "unit": unit,
        "n": n,
        "year": int(year) if year else None,
        "shift": shift,
        "rel": rel if rel in {"prev", "following"} else None,
    }


def qn(m: Groups) -> RawExpr | None:
    y = m.group("y")
    return {
        "kind": "period",
        "unit": "quarter",
        "n": int(m.group("n")),
        "year": int(y) if y else None,
        "shift": 0,
        "rel": None,
    }


def qref(m: Groups) -> RawExpr | None:
    if not m.group("det"):
        return None
    if m.group("u").lower() == "period" and not m.group("adj"):
        return None  # "the period" alone is any span; "the latest period" is a quarter
    raw = period_raw("quarter", None, m)
    adj = m.group("adj").lower()
    if "latest" in adj or "recent" in adj:
        raw["rel"] = "latest"  # the last one finished, whatever the article named before
    elif "current" in adj:
        raw["rel"] = "this"
    elif m.group("u").lower() == "period":
        raw["needs_quarter"] = True
    return raw


def year_ago(m: Groups) -> RawExpr | None:
    return {
        "kind": "period",
        "unit": "quarter",
        "n": None,
        "year": None,
        "shift": -1,
        "rel": None,
        "needs_quarter": True,
    }


def present(m: Groups) -> RawExpr | None:
    if m.group("pre"):
        return None  # "right now", "by now", "until now": not the day itself
    return {"kind": "present"}


def season(m: Groups) -> RawExpr | None:
    det = m.group("det").lower().rstrip("-")
    year = written_year(m)
    if not det and year is None:
        return None
    direction = {
        "last": "past",
        "this past": "past",
        "next": "future",
        "this coming": "future",
        "this": "this",
    }.get(det)
    return {
        "kind": "season",
        "season": SEASON_CODES[m.group("s").lower()],
        "year": year,
        "direction": direction,
    }


def decade(m: Groups) -> RawExpr | None:
    if m.group("c"):
        c = int(m.group("c"))
        return {"kind": "century", "first": (c - 1) * 100} if 1 <= c <= 21 else None
    if m.group("y"):
        return {"kind": "decade", "first": int(m.group("y"))}
    return {"kind": "decade", "first": 1900 + int(m.group("yy"))}


def clock(m: Groups) -> RawExpr | None:
    return {"kind": "time"}


def spelled_year(m: Groups) -> RawExpr | None:
    year = spelled_year_number(m)
    return None if year is None else {"kind": "year", "year": year, "mod": None}


def year_word(m: Groups) -> RawExpr | None:
    w = " ".join(m.group("w").lower().replace("-", " ").split())
    if not m.group("det") and not w.startswith(("year", "earlier", "later")):
        return None  # "full year" needs its "the": "a full year" is a duration
    if w == "year end":
        return {"kind": "year_end", "offset": 0}
    unit = "week" if w.endswith("week") else "year"
    offset = -1 if w.startswith("latest") else 0
    return {"kind": "relative", "unit": unit, "offset": offset}


def decade_word(m: Groups) -> RawExpr | None:
    if not m.group("det"):
        return None
    return {"kind": "decade", "first": DECADE_WORDS[m.group("w").lower()]}
