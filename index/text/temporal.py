"""Find time expressions in article text and parse them into an unresolved form.

`extract_raw` runs once per article at index time and its output is cached as
JSON, so it must not depend on the article's date: every expression is parsed
into plain fields (day, month, year, weekday, relative unit/offset, range ends,
qualifiers) and resolution against a date happens later, in `index.timeline.build`.

The tagger is a handful of precompiled regular expressions whose candidate
matches are reconciled longest-first.  Matching is deliberately conservative:
month names must be capitalised and, when they stand alone, need a context word
("in June", "since May") so the modal "may" or the verb "March" are never dates;
years need a context word ("in 2023", "since 2012") so counts like "2000 people"
are not years; weekdays preceded by a capitalised word ("Good Friday") are names.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from index.corpus.frontmatter import parse_front_matter

RawExpr = dict[str, Any]
"""One JSON-safe expression: start, end, text, kind plus kind-specific fields."""

MONTHS: dict[str, int] = {
    name.lower(): number for number, name in enumerate(calendar.month_name) if name
}
MONTHS.update({"sept": 9})
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
WEEKDAYS: dict[str, int] = {name.lower(): number for number, name in enumerate(calendar.day_name)}
NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

_MONTH_FULL = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# Capitalised only: "may" the modal verb and "march" the verb never match.
MON = rf"(?:{_MONTH_FULL}|(?:{_MONTH_ABBR})\b\.?)"
WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d\d"
_NOT_NUMBER_AFTER = r"(?![\d])(?!,\d)(?!\.\d)"
_DASH = r"\s*(?:-|–|—)\s*"

# Context words that make a stand-alone month or year a date.  Only the
# meaning-bearing ones ("since", "last", "early") are kept inside the span.
_CTX_OUT = r"in|on|during|of|by|from|through|throughout|before|after|around|circa|until|till|as of"
_CTX_PART = r"the end of|the start of|the beginning of|the middle of"
_CTX_IN = r"since|last|next|this|early|late|mid|mid-"

_FLAGS = re.UNICODE

# Each pattern is a "core" that starts with its distinctive token (a month name,
# a digit, "weekend") so the regex engine can skip ahead quickly, plus an
# optional "prefix" matched backwards from the core ("between", "since late",
# "last"): optional leading groups on the core itself made tagging 4x slower.
_PRE = r"(?P<pre>\b(?i:between|from))\s+\Z"
_ORD = r"(?:st|nd|rd|th)?"

C_RANGE_DM = re.compile(
    rf"(?P<d1>{DAY})(?:\s+(?:of\s+)?(?P<m1>{MON}))?"
    rf"(?:{_DASH}|\s+(?P<conj>(?i:to|and|until|till|through))\s+)"
    rf"(?P<d2>{DAY})\s+(?:of\s+)?(?P<m2>{MON})(?:,?\s+(?P<y>{YEAR})\b)?",
    _FLAGS,
)
C_RANGE_MD = re.compile(
    rf"(?P<m1>{MON})\s+(?P<d1>{DAY})"
    rf"(?:{_DASH}|\s+(?P<conj>(?i:to|and|until|till|through))\s+)"
    rf"(?:(?P<m2>{MON})\s+)?(?P<d2>{DAY}){_NOT_NUMBER_AFTER}(?:,?\s+(?P<y>{YEAR})\b)?",
    _FLAGS,
)
C_DATE_DMY = re.compile(rf"(?P<d>{DAY})\s+(?:of\s+)?(?P<m>{MON})(?:,?\s+(?P<y>{YEAR})\b)?", _FLAGS)
P_DATE_DMY = re.compile(rf"(?:(?P<wd>\b{WD}),?\s+)?(?P<the>\b(?i:the)\s+)?\Z", _FLAGS)
C_DATE_MDY = re.compile(
    rf"(?P<m>{MON})\s+(?P<d>{DAY}){_NOT_NUMBER_AFTER}(?:,?\s+(?P<y>{YEAR})\b)?", _FLAGS
)
P_WD = re.compile(rf"(?P<wd>\b{WD}),?\s+\Z", _FLAGS)
C_ISO = re.compile(r"(?P<y>(?:19|20)\d\d)(?P<sep>[-/])(?P<m>\d\d?)(?P=sep)(?P<d>\d\d?)\b(?!-\d)")
C_NUMERIC = re.compile(r"(?P<a>\d\d?)(?P<sep>[/.])(?P<b>\d\d?)(?P=sep)(?P<y>(?:19|20)\d\d)\b")
C_NUMERIC_RANGE = re.compile(
    r"(?P<a1>\d\d?)(?P<sep>[/.])(?P<b1>\d\d?)(?P=sep)(?P<y1>(?:19|20)\d\d)"
    r"\s+(?P<conj>(?i:and|to|until|through))\s+"
    r"(?P<a2>\d\d?)(?P=sep)(?P<b2>\d\d?)(?P=sep)(?P<y2>(?:19|20)\d\d)\b",
    _FLAGS,
)
C_MONTH_RANGE = re.compile(
    rf"(?P<m1>{MON})(?:\s+(?P<y1>{YEAR}))?\s+(?i:and|to|until|through)\s+"
    rf"(?P<m2>{MON})(?:,?\s+(?P<y>{YEAR})\b)?",
    _FLAGS,
)
C_MONTH_YEAR = re.compile(rf"(?P<m>{MON}),?\s+(?:of\s+)?(?P<y>{YEAR})\b", _FLAGS)
P_MOD = re.compile(r"(?P<mod>\b(?i:early|late|mid))[-\s]+\Z", _FLAGS)
C_MONTH_CTX = re.compile(rf"(?P<m>{_MONTH_FULL})\b(?!\s+(?:\d|{YEAR}))", _FLAGS)
P_MONTH_CTX = re.compile(
    rf"(?:\b(?i:{_CTX_OUT})\s+)?(?:(?P<part>\b(?i:{_CTX_PART}))\s+)?"
    r"(?:(?P<ctx>\b(?i:since|last|next|this))\s+)?(?:(?P<mod>\b(?i:early|late|mid))[-\s]+)?\Z",
    _FLAGS,
)
C_YEAR_RANGE = re.compile(
    rf"(?P<y1>{YEAR})(?:{_DASH}|\s+(?P<conj>(?i:and|to|until|through))\s+)"
    rf"(?P<y2>{YEAR}|\d\d)\b(?![-/.]\d)",
    _FLAGS,
)
C_YEAR = re.compile(
    rf"(?P<y>{YEAR})\b"
    r"(?![-/.]\d)(?!,\d)(?!\s*(?:%|percent|per cent|people|persons|troops|soldiers|km|kilomet|"
    r"miles|metres|meters|tons|tonnes|dollars|euros|francs|"
    # a plural after the number makes it a count ("2000 homes"); a verb or "its" does not
    r"(?!(?:was|has|is|as|its|this|thus|plus|versus|less|unless)\b)[a-z]*s\b))",
    _FLAGS,
)
P_YEAR_CTX = re.compile(
    rf"(?P<ctx>\b(?i:{_CTX_PART}|{_CTX_OUT}|{_CTX_IN}|the year|year|fiscal|spring|summer|autumn|"
    r"fall|winter))[-\s]+(?:(?P<mod>\b(?i:early|late|mid))[-\s]+)?\Z",
    _FLAGS,
)
C_WEEKDAY = re.compile(
    rf"(?P<wd>{WD})(?!s\b)(?:\s+(?P<part>(?i:morning|afternoon|evening|night)))?\b", _FLAGS
)
P_WEEKDAY = re.compile(
    r"(?P<mod>\b(?i:last|next|this coming|this past|this|the following|the previous|early|late))"
    r"\s+\Z",
    _FLAGS,
)
C_DEICTIC = re.compile(
    r"(?=[yYtTlL])(?P<w>(?i:yesterday|today|tonight|tomorrow|last night|this morning|"
    r"this afternoon|this evening))\b",
    _FLAGS,
)
C_RELATIVE = re.compile(
    r"(?=[tTlLnN])(?P<rel>(?i:this|last|next|the coming|the following|the previous|that))\s+"
    r"(?P<unit>(?i:day|week|month|year|weekend))\b(?!s)",
    _FLAGS,
)
P_RELATIVE = re.compile(
    r"(?P<mod>\b(?i:earlier|later|early|late|mid|the end of|the start of|the beginning of))\s+\Z",
    _FLAGS,
)
C_BEFORE = re.compile(r"(?P<dir>(?i:before|earlier|after|later))\b", _FLAGS)
P_BEFORE = re.compile(
    r"(?P<det>\b(?:\d{1,2}|(?i:the|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)))\s+(?P<unit>(?i:day|week|month|year))s?\s+\Z",
    _FLAGS,
)
C_WEEKEND = re.compile(r"(?i:weekend)\b(?!s)", _FLAGS)
P_WEEKEND = re.compile(r"(?:\b(?i:over|at|during)\s+)?(?P<det>\b(?i:the))\s+\Z", _FLAGS)
C_AGO = re.compile(r"(?i:ago)\b", _FLAGS)
P_AGO = re.compile(
    r"(?P<n>\b(?:\d{1,3}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve)))\s+(?P<unit>(?i:day|week|month|year))s?\s+\Z",
    _FLAGS,
)
C_VAGUE = re.compile(
    r"(?=[rRlLnNtT])(?:(?P<adv>(?i:recently|lately|nowadays))|"
    r"(?P<recent>(?i:recent))\s+(?P<unit1>(?i:days|weeks|months|years|decades))|"
    r"(?i:the)\s+(?P<dir>(?i:coming|next few|next several|past few|past several|last few|"
    r"last several))\s+(?P<unit2>(?i:days|weeks|months|years|decades))|"
    r"(?P<near>(?i:the near future)))\b",
    _FLAGS,
)

_SINCE_BEFORE = re.compile(r"\b(?i:since)\s+\Z")
_FUTURE_CUE = re.compile(
    r"\b(?:will|would|shall|won't|(?:is|are|was|were)\s+(?:due|set|scheduled|expected|slated|planned)\s+to|"
    r"plans?\s+to|going\s+to)\b|'ll\b",
    re.IGNORECASE,
)
_PAST_WORD = re.compile(
    r"\b(?:\w+ed|was|were|had|began|begun|became|came|took|held|won|left|made|saw|went|"
    r"found|grew|fell|rose|led|met|set|built|lost|fought|since)\b",
    re.IGNORECASE,
)
_CAPITALISED_WORD_BEFORE = re.compile(r"([A-Z][\w'’.-]*)\s+$")
_RECURRING_BEFORE = re.compile(r"(?i:\b(?:every|each))\s+$")
_NAME_OK_BEFORE = frozenset(
    {
        "on",
        "by",
        "since",
        "until",
        "till",
        "from",
        "early",
        "late",
        "last",
        "next",
        "this",
        "before",
        "after",
        "as",
        "and",
        "or",
        "but",
        "that",
        "the",
        "of",
        "at",
        "in",
        "during",
        "through",
        "mid",
        "recently",
    }
)

_UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "decades": "decade",
    "weekend": "weekend",
}


def month_number(name: str) -> int:
    """Month number of a (possibly abbreviated, dotted) English month name."""
    return MONTHS[name.rstrip(".").lower()]


def day_number(token: str) -> int:
    """Day of month from "23", "23rd"."""
    return int(re.sub(r"\D", "", token))


def valid_day(year: int | None, month: int, day: int) -> bool:
    """Whether the day exists in that month (any leap year when the year is unknown)."""
    last = calendar.monthrange(year if year is not None else 2000, month)[1]
    return 1 <= day <= last


def _norm_mod(mod: str | None) -> str | None:
    return mod.lower().rstrip("-") if mod else None


def _two_digit_year(first: int, token: str) -> int:
    """Expand "21" in "2019–21" to 2021 using the century of the first year."""
    return int(token) if len(token) == 4 else first - first % 100 + int(token)


# --- candidate builders: regex match -> raw dict (or None to reject) ---------


def _range_days(m: Groups) -> RawExpr | None:
    conj = (m.group("conj") or "").lower()
    if conj == "and" and (m.group("pre") or "").lower() != "between":
        return None
    if conj in {"to", "until", "till", "through"} and (m.group("pre") or "").lower() == "between":
        return None
    m1_name, m2_name = m.get("m1"), m.get("m2")
    if m1_name is None and m2_name is None:
        return None
    m2 = month_number(m2_name or m1_name or "")
    m1 = month_number(m1_name) if m1_name else m2
    d1, d2 = day_number(m.group("d1")), day_number(m.group("d2"))
    year = int(m.group("y")) if m.group("y") else None
    if not (valid_day(year, m1, d1) and valid_day(year, m2, d2)):
        return None
    if (m1, d1) >= (m2, d2) and m1 == m2:
        return None
    return {
        "kind": "range",
        "unit": "day",
        "from": {"year": None, "month": m1, "day": d1},
        "to": {"year": year, "month": m2, "day": d2},
    }


def _date(m: Groups) -> RawExpr | None:
    month, day = month_number(m.group("m")), day_number(m.group("d"))
    year = int(m.group("y")) if m.group("y") else None
    if not valid_day(year, month, day):
        return None
    weekday = WEEKDAYS[m.group("wd").lower()] if m.group("wd") else None
    return {"kind": "date", "day": day, "month": month, "year": year, "weekday": weekday}


def _iso(m: Groups) -> RawExpr | None:
    year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not (1 <= month <= 12 and valid_day(year, month, day)):
        return None
    return {"kind": "date", "day": day, "month": month, "year": year, "weekday": None}


def _numeric(m: Groups) -> RawExpr | None:
    """12/23/2025 is month-first, 23/12/2025 day-first; 03/04/2025 stays ambiguous.

    The ambiguous reading is settled at resolution time from the article's own
    style (see `index.timeline.build`), so both readings are kept here.
    """
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    mdy = 1 <= a <= 12 and valid_day(year, a, b)
    dmy = 1 <= b <= 12 and valid_day(year, b, a)
    if not (mdy or dmy):
        return None
    if m.group("sep") == "." and dmy:
        mdy = False  # dotted numeric dates are day-first by convention
    order = "ambiguous" if (mdy and dmy and a != b) else ("mdy" if mdy else "dmy")
    month, day = (a, b) if order != "dmy" else (b, a)
    return {
        "kind": "date",
        "day": day,
        "month": month,
        "year": year,
        "weekday": None,
        "order": order,
    }


def _numeric_pair(a: int, b: int, year: int) -> tuple[bool, bool]:
    """Whether a/b/year reads as month-first and as day-first."""
    return (1 <= a <= 12 and valid_day(year, a, b)), (1 <= b <= 12 and valid_day(year, b, a))


def _numeric_range(m: Groups) -> RawExpr | None:
    """Both ends of "from 12/01/2024 to 01/31/2025" share one order: either end decides."""
    conj = m.group("conj").lower()
    if (conj == "and") != (m.group("pre").lower() == "between"):
        return None
    ends = [(int(m.group(f"a{i}")), int(m.group(f"b{i}")), int(m.group(f"y{i}"))) for i in (1, 2)]
    readings = [_numeric_pair(*e) for e in ends]
    mdy = all(r[0] for r in readings)
    dmy = all(r[1] for r in readings) and (m.group("sep") == "." or not mdy)
    if not (mdy or dmy):
        return None
    points = []
    for a, b, y in ends:
        month, day = (a, b) if mdy else (b, a)
        points.append({"year": y, "month": month, "day": day})
    if (points[0]["year"], points[0]["month"], points[0]["day"]) >= (
        points[1]["year"],
        points[1]["month"],
        points[1]["day"],
    ):
        return None
    return {"kind": "range", "unit": "day", "from": points[0], "to": points[1]}


def _month_range(m: Groups) -> RawExpr | None:
    m1, m2 = month_number(m.group("m1")), month_number(m.group("m2"))
    year = int(m.group("y")) if m.group("y") else None
    y1 = int(m.group("y1")) if m.group("y1") else None
    if y1 is None and m1 >= m2 and year is not None:
        y1 = year - 1
    return {
        "kind": "range",
        "unit": "month",
        "from": {"year": y1, "month": m1, "day": None},
        "to": {"year": year, "month": m2, "day": None},
    }


def _month_year(m: Groups) -> RawExpr | None:
    return {
        "kind": "month",
        "month": month_number(m.group("m")),
        "year": int(m.group("y")),
        "mod": _norm_mod(m.group("mod")),
    }


def _month_ctx(m: Groups) -> RawExpr | None:
    ctx = (m.group("ctx") or "").lower() or None
    offset = {"last": -1, "next": 1, "this": 0}.get(ctx or "")
    mod = _norm_mod(m.group("mod")) or _PART_MOD.get((m.group("part") or "").lower())
    raw: RawExpr = {"kind": "month", "month": month_number(m.group("m")), "year": None, "mod": mod}
    if offset is not None:
        raw["direction"] = {-1: "past", 1: "future", 0: "this"}[offset]
    return raw


def _year_range(m: Groups) -> RawExpr | None:
    conj = (m.group("conj") or "").lower()
    pre = (m.group("pre") or "").lower()
    if conj == "and" and pre != "between":
        return None
    y1 = int(m.group("y1"))
    y2 = _two_digit_year(y1, m.group("y2"))
    if not y1 < y2 <= y1 + 100:
        return None
    return {
        "kind": "range",
        "unit": "year",
        "from": {"year": y1, "month": None, "day": None},
        "to": {"year": y2, "month": None, "day": None},
    }


def _year_ctx(m: Groups) -> RawExpr | None:
    if not 1900 <= int(m.group("y")) <= 2039:
        return None
    ctx = m.group("ctx").lower()
    mod = (
        _norm_mod(m.group("mod"))
        or _PART_MOD.get(ctx)
        or (ctx.rstrip("-") if ctx in {"early", "late", "mid", "mid-"} else None)
    )
    return {"kind": "year", "year": int(m.group("y")), "mod": mod}


def _weekday(m: Groups) -> RawExpr | None:
    mod = (m.group("mod") or "").lower() or None
    direction = {
        "last": "past",
        "this past": "past",
        "the previous": "past",
        "next": "future",
        "this coming": "future",
        "the following": "future",
        "this": "this",
    }.get(mod or "")
    return {
        "kind": "weekday",
        "weekday": WEEKDAYS[m.group("wd").lower()],
        "direction": direction,
        "part": (m.group("part") or "").lower() or None,
        "mod": mod if mod in {"early", "late"} else None,
    }


def _deictic(m: Groups) -> RawExpr | None:
    word = m.group("w").lower()
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
    return {"kind": "relative", "unit": "day", "offset": offset}


def _relative(m: Groups) -> RawExpr | None:
    rel = m.group("rel").lower()
    offset = {
        "this": 0,
        "last": -1,
        "next": 1,
        "the coming": 1,
        "the following": 1,
        "the previous": -1,
        "that": 0,
    }[rel]
    unit = m.group("unit").lower()
    if unit == "day" and rel not in ("the following", "the previous", "that"):
        return None  # "this day", "next day" are not dates here; "the following day" is
    # counted from the event the sentence follows, not from the article's date
    reference = {"reference": "event"} if rel in ("the following", "the previous", "that") else {}
    mod = (m.group("mod") or "").lower() or None
    mod = {
        "earlier": "early",
        "later": "late",
        "the end of": "late",
        "the start of": "early",
        "the beginning of": "early",
    }.get(mod or "", mod)
    return {"kind": "relative", "unit": unit, "offset": offset, "mod": mod, **reference}


def _before(m: Groups) -> RawExpr | None:
    direction = m.group("dir").lower()
    det = m.group("det").lower()
    n = int(det) if det.isdigit() else NUMBER_WORDS.get(det, 1)
    offset = -n if direction in {"before", "earlier"} else n
    raw: RawExpr = {"kind": "relative", "unit": m.group("unit").lower(), "offset": offset}
    if offset > 0:
        # "two days later" follows an event; "a year earlier" in news is mostly a year
        # before the article ("profit rose from a year earlier")
        raw["reference"] = "event"
    return raw


def _weekend(m: Groups) -> RawExpr | None:
    return {"kind": "relative", "unit": "weekend", "offset": 0}


def _ago(m: Groups) -> RawExpr | None:
    token = m.group("n").lower()
    n = int(token) if token.isdigit() else NUMBER_WORDS[token]
    return {"kind": "relative", "unit": m.group("unit").lower(), "offset": -n}


def _vague(m: Groups) -> RawExpr | None:
    if m.group("adv"):
        return {
            "kind": "vague",
            "direction": "past" if m.group("adv").lower() != "nowadays" else "present",
            "unit": None,
        }
    if m.group("recent"):
        return {"kind": "vague", "direction": "past", "unit": _UNITS[m.group("unit1").lower()]}
    if m.group("near"):
        return {"kind": "vague", "direction": "future", "unit": None}
    direction = "future" if m.group("dir").lower().startswith(("coming", "next")) else "past"
    return {"kind": "vague", "direction": direction, "unit": _UNITS[m.group("unit2").lower()]}


# --- quarters, halves, seasons, decades, centuries, "now", times of day ------------

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "last": 2,
}
_QUARTER_ADJ = (
    r"fiscal|latest|current|same|year-ago|year-earlier|year-before|prior-year|comparable|"
    r"previous|recent|most recent|flat|strong|weak|weaker|stronger|disappointing|slow|sluggish|"
    r"record|(?:19|20)\d\d"
)
_ADJS_BEFORE = rf"(?P<adj>(?:\b(?i:{_QUARTER_ADJ})[-\s]+){{0,2}})\Z"
"""Up to two words before a quarter: "the latest fiscal", "the year-ago"."""
_OF_YEAR = (
    rf"(?:\s+(?i:of)\s+(?:(?P<y>{YEAR})|(?P<rel>(?i:this|last|next))\s+year|(?i:the\s+year)|"
    rf"(?i:fiscal)\s+(?P<fy>{YEAR})))?"
)
"""The year a quarter or half is "of": "of 1989", "of last year", "of fiscal 1990"."""
C_QUARTER = re.compile(
    r"(?P<n>(?i:first|second|third|fourth|1st|2nd|3rd|4th))[-\s]+(?:(?i:fiscal)[-\s]+)?"
    r"(?P<u>(?i:quarter|period))\b" + _OF_YEAR,
    _FLAGS,
)
P_PERIOD = re.compile(
    r"(?:(?P<det>\b(?i:the|its|this|that|their|a|(?P<ry>last|next|this)\s+year['’]s))\s+)?"
    + _ADJS_BEFORE,
    _FLAGS,
)
C_HALF = re.compile(
    r"(?P<n>(?i:first|second|last))(?:(?P<hy>-)|\s+)(?P<u>(?i:half))\b" + _OF_YEAR,
    _FLAGS,
)
C_QN = re.compile(rf"Q(?P<n>[1-4])\b(?:\s*(?P<y>{YEAR})\b)?", _FLAGS)
C_QREF = re.compile(r"(?P<u>(?i:quarter|period))\b(?!s)", _FLAGS)
P_QREF = re.compile(
    r"(?P<det>\b(?i:the|this|that|last|next|its|their))\s+" + _ADJS_BEFORE,
    _FLAGS,
)
C_YEAR_AGO = re.compile(r"(?P<w>(?i:year-ago|year-earlier))\b", _FLAGS)
C_PRESENT = re.compile(r"(?P<w>(?i:now|currently))\b(?!\s+that\b)", _FLAGS)
P_PRESENT = re.compile(r"(?P<pre>\b(?i:right|until|till|by|from|for|as of|just))\s+\Z", _FLAGS)
_SEASON_CODES = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
C_SEASON = re.compile(
    r"(?P<s>(?i:spring|summer|autumn|fall|winter))\b(?!s)"
    rf"(?:\s+(?i:of\s+)?(?P<y>{YEAR})\b)?",
    _FLAGS,
)
P_SEASON = re.compile(
    r"(?P<det>\b(?i:the|this|last|next|this past|this coming|early|late|mid|mid-))[-\s]+"
    r"(?:(?P<mod>\b(?i:early|late))\s+)?\Z",
    _FLAGS,
)
C_DECADE = re.compile(
    r"(?:(?P<y>(?:1[0-9]|20)\d0)|'(?P<yy>\d0))['’]?s\b|"
    r"(?P<c>\d{1,2})(?:st|nd|rd|th)[-\s]+(?i:century)\b",
    _FLAGS,
)
P_DECADE = re.compile(
    r"(?:(?P<det>\b(?i:the))\s+)?(?:(?P<mod>\b(?i:early|late|mid))[-\s]+)?\Z", _FLAGS
)
C_CLOCK = re.compile(
    r"(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>(?i:a\.m\.|p\.m\.|am|pm))(?=\W|$)"
    # "until 9 p.m. on weekdays", "at 6 a.m. every day": a schedule, not a time
    r"(?!\s+(?i:on\s+weekdays|on\s+weekends|every|each|daily|a\s+day))"
    r"|(?P<noon>(?i:noon|midnight))\b",
    _FLAGS,
)
C_PART_DAY = re.compile(
    r"(?P<w>(?i:mid-morning|midmorning|mid-afternoon|midafternoon|mid-day|midday|late morning|"
    r"early morning|late afternoon|early afternoon|late evening|late night))\b",
    _FLAGS,
)


def _period(m: Groups) -> RawExpr | None:
    unit = "half" if m.group("u").lower() == "half" else "quarter"
    if unit == "half" and not (m.group("y") or m.group("rel") or m.group("fy") or m.group("hy")):
        return None  # "scored twice in the second half": a match, not a calendar
    n = _ORDINALS.get(m.group("n").lower()) if m.group("n") else None
    if unit == "quarter" and m.group("n").lower() == "last":
        return None
    return _period_raw(unit, n, m)


def _period_raw(unit: str, n: int | None, m: Groups) -> RawExpr:
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


def _qn(m: Groups) -> RawExpr | None:
    y = m.group("y")
    return {
        "kind": "period",
        "unit": "quarter",
        "n": int(m.group("n")),
        "year": int(y) if y else None,
        "shift": 0,
        "rel": None,
    }


def _qref(m: Groups) -> RawExpr | None:
    if not m.group("det"):
        return None
    if m.group("u").lower() == "period" and not m.group("adj"):
        return None  # "the period" alone is any span; "the latest period" is a quarter
    raw = _period_raw("quarter", None, m)
    adj = m.group("adj").lower()
    if "latest" in adj or "recent" in adj:
        raw["rel"] = "latest"  # the last one finished, whatever the article named before
    elif "current" in adj:
        raw["rel"] = "this"
    elif m.group("u").lower() == "period":
        raw["needs_quarter"] = True
    return raw


def _year_ago(m: Groups) -> RawExpr | None:
    return {
        "kind": "period",
        "unit": "quarter",
        "n": None,
        "year": None,
        "shift": -1,
        "rel": None,
        "needs_quarter": True,
    }


def _present(m: Groups) -> RawExpr | None:
    if m.group("pre"):
        return None  # "right now", "by now", "until now": not the day itself
    return {"kind": "present"}


def _season(m: Groups) -> RawExpr | None:
    det = m.group("det").lower().rstrip("-")
    if not det and not m.group("y"):
        return None
    y = m.group("y")
    direction = {
        "last": "past",
        "this past": "past",
        "next": "future",
        "this coming": "future",
        "this": "this",
    }.get(det)
    return {
        "kind": "season",
        "season": _SEASON_CODES[m.group("s").lower()],
        "year": int(y) if y else None,
        "direction": direction,
    }


def _decade(m: Groups) -> RawExpr | None:
    if m.group("c"):
        c = int(m.group("c"))
        return {"kind": "century", "first": (c - 1) * 100} if 1 <= c <= 21 else None
    if m.group("y"):
        return {"kind": "decade", "first": int(m.group("y"))}
    return {"kind": "decade", "first": 1900 + int(m.group("yy"))}


def _clock(m: Groups) -> RawExpr | None:
    return {"kind": "time"}


_SPAN_NAMES = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
LONG_SPANS = frozenset({"quarter", "half", "season", "decade", "century"})
"""Granularities longer than a month: shown under their year, not on a day."""


def span_label(granularity: str, first: dt.date, last: dt.date) -> str | None:
    """ "1989-Q3", "1990-H1", "summer 1989", "the 1990s", "the 1900s"; None otherwise."""
    if granularity == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if granularity == "half":
        return f"{first.year}-H{(first.month - 1) // 6 + 1}"
    if granularity == "season":
        name = _SPAN_NAMES[first.month]
        return f"{name} {first.year}" + (
            f"/{last.year % 100:02d}" if last.year != first.year else ""
        )
    if granularity in ("decade", "century"):
        return f"the {first.year}s"
    return None


_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_UNITS_WORDS = {w: n for w, n in NUMBER_WORDS.items() if n < 10 and w not in ("a", "an")}
C_SPELLED_YEAR = re.compile(
    r"(?P<c>(?i:nineteen|eighteen))[-\s]+(?:(?P<teen>(?i:" + "|".join(_TEENS) + r"))|"
    r"(?P<tens>(?i:"
    + "|".join(_TENS)
    + r"))(?:[-\s]+(?P<unit>(?i:"
    + "|".join(_UNITS_WORDS)
    + r")))?)\b|(?P<k>(?i:two\s+thousand))\b(?!\s+(?:and|[a-z]+s\b))",
    _FLAGS,
)
C_YEAR_WORD = re.compile(
    r"(?P<w>(?i:year[-\s]end|end\s+of\s+the\s+year|earlier\s+in\s+the\s+year|"
    r"later\s+in\s+the\s+year|later\s+in\s+the\s+week|earlier\s+in\s+the\s+week|"
    r"(?:full|current|current\s+fiscal|latest\s+fiscal|entire|whole|fiscal)\s+year))\b"
    r"(?!s|-)",
    _FLAGS,
)
P_THE = re.compile(r"(?P<det>\b(?i:the))\s+\Z", _FLAGS)
P_THE_YEAR = re.compile(r"(?P<det>\b(?i:the\s+year))\s+\Z", _FLAGS)
C_DECADE_WORD = re.compile(r"(?P<w>(?i:eighties|nineties|seventies|sixties))\b", _FLAGS)


def _spelled_year(m: Groups) -> RawExpr | None:
    if m.group("k"):
        return {"kind": "year", "year": 2000, "mod": None}
    century = 1900 if m.group("c").lower() == "nineteen" else 1800
    if m.group("teen"):
        return None  # "nineteen ten" reads as a count as often as a year
    year = century + _TENS[m.group("tens").lower()] + _UNITS_WORDS.get(m.group("unit").lower(), 0)
    return {"kind": "year", "year": year, "mod": None}


def _year_word(m: Groups) -> RawExpr | None:
    w = " ".join(m.group("w").lower().replace("-", " ").split())
    if not m.group("det") and not w.startswith(("year", "earlier", "later")):
        return None  # "full year" needs its "the": "a full year" is a duration
    if w == "year end":
        return {"kind": "year_end", "offset": 0}
    unit = "week" if w.endswith("week") else "year"
    offset = -1 if w.startswith("latest") else 0
    return {"kind": "relative", "unit": unit, "offset": offset}


_DECADE_WORDS = {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}


def _decade_word(m: Groups) -> RawExpr | None:
    if not m.group("det"):
        return None
    return {"kind": "decade", "first": _DECADE_WORDS[m.group("w").lower()]}


class Groups(dict[str, "str | None"]):
    """Named groups of a core match merged with its prefix's."""

    def group(self, name: str) -> str:
        """The group's text, "" when it did not take part (so truth tests read naturally)."""
        return self.get(name) or ""


Builder = Callable[[Groups], "RawExpr | None"]
Keep = Callable[[str, str], bool]
"""Whether a prefix group (name, value) belongs inside the expression's span."""


def _keep(*names: str) -> Keep:
    return lambda name, _value: name in names


def _keep_year_ctx(name: str, value: str) -> bool:
    if name == "mod":
        return True
    ctx = value.lower()
    return ctx.rstrip("-") in _SPAN_KEEP_CTX or ctx in _PART_MOD or ctx in _SEASONS


_KEEP_NONE: Keep = _keep()


@dataclass(frozen=True, slots=True)
class Spec:
    """One tagging rule: core regex, optional backwards prefix, and how to build the dict."""

    core: re.Pattern[str]
    build: Builder
    priority: int
    """Breaks ties between equally long candidates: the more specific rule wins."""
    prefix: re.Pattern[str] | None = None
    keep: Keep = _KEEP_NONE
    prefix_required: bool = False
    not_after: str = ""
    """Characters that may not directly precede the core (besides letters and digits)."""
    trigger: re.Pattern[str] | None = None
    """Cheap regex for the positions where the core can start; None scans with the core."""
    lower: bool = False
    """Run the trigger on an ASCII-lowercased copy (same offsets) of the text."""
    words: tuple[str, ...] = ()
    """With `T_WORDS`: only the positions where one of these words starts."""


_PART_MOD = {
    "the end of": "late",
    "the start of": "early",
    "the beginning of": "early",
    "the middle of": "mid",
}
_SPAN_KEEP_CTX = frozenset({"since", "last", "next", "this", "early", "late", "mid", "mid-"})
_SEASONS = frozenset({"fiscal", "spring", "summer", "autumn", "fall", "winter"})
_PREFIX_WINDOW = 60

T_MONTH = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
T_DIGITS = re.compile(r"\d+")
T_RELATIVE = re.compile(r"this|last|next|the ")
T_VAGUE = re.compile(r"recent|lately|nowadays|the ")
T_DEICTIC = re.compile(
    r"yesterday|today|tonight|tomorrow|last night|this morning|this afternoon|"
    r"this evening"
)
T_BEFORE = re.compile(r"before|earlier|after|later")
T_AGO = re.compile(r"ago")
T_WEEKEND = re.compile(r"weekend")
T_YEAR_AGO = re.compile(r"year-(?:ago|earlier)")
T_APOSTROPHE_DECADE = re.compile(r"'\d0")
T_QN = re.compile(r"Q[1-4]")
TRIGGER_WORDS = (
    "first", "second", "third", "fourth", "last", "1st", "2nd", "3rd", "4th", "quarter",
    "period", "now", "currently", "spring", "summer", "autumn", "fall", "winter", "noon",
    "midnight", "mid", "late", "early", "earlier", "later", "nineteen", "eighteen",
    "two thousand", "year", "end", "full", "current", "latest", "entire", "whole", "fiscal",
    "eighties", "nineties", "seventies", "sixties",
)  # fmt: skip
T_WORDS = re.compile("|".join(TRIGGER_WORDS))
"""The words that can start a quarter, season, "now", time of day or year word, found
once per text (`_word_starts`); each of those rules then tries only the positions of
its own words (a scan per rule cost more than all the rest of the tagger)."""
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

SPECS: tuple[Spec, ...] = (
    Spec(C_RANGE_DM, _range_days, 9, re.compile(_PRE, _FLAGS), _keep("pre"), trigger=T_DIGITS),
    Spec(C_RANGE_MD, _range_days, 9, re.compile(_PRE, _FLAGS), _keep("pre"), trigger=T_MONTH),
    Spec(C_ISO, _iso, 9, not_after="-/.", trigger=T_DIGITS),
    Spec(
        C_NUMERIC_RANGE,
        _numeric_range,
        9,
        re.compile(_PRE, _FLAGS),
        _keep("pre"),
        prefix_required=True,
        not_after="/.",
        trigger=T_DIGITS,
    ),
    Spec(C_NUMERIC, _numeric, 8, not_after="/.", trigger=T_DIGITS),
    Spec(C_DATE_DMY, _date, 8, P_DATE_DMY, _keep("wd", "the"), trigger=T_DIGITS),
    Spec(C_DATE_MDY, _date, 8, P_WD, _keep("wd"), trigger=T_MONTH),
    Spec(
        C_MONTH_RANGE,
        _month_range,
        7,
        re.compile(_PRE, _FLAGS),
        _keep("pre"),
        prefix_required=True,
        trigger=T_MONTH,
    ),
    Spec(
        C_YEAR_RANGE,
        _year_range,
        7,
        re.compile(_PRE, _FLAGS),
        _keep("pre"),
        not_after="-/.",
        trigger=T_DIGITS,
    ),
    Spec(C_MONTH_YEAR, _month_year, 6, P_MOD, _keep("mod"), trigger=T_MONTH),
    Spec(C_RELATIVE, _relative, 6, P_RELATIVE, _keep("mod"), trigger=T_RELATIVE, lower=True),
    Spec(C_AGO, _ago, 6, P_AGO, _keep("n"), prefix_required=True, trigger=T_AGO, lower=True),
    Spec(
        C_BEFORE,
        _before,
        6,
        P_BEFORE,
        _keep("det"),
        prefix_required=True,
        trigger=T_BEFORE,
        lower=True,
    ),
    Spec(C_VAGUE, _vague, 5, trigger=T_VAGUE, lower=True),
    Spec(C_DEICTIC, _deictic, 5, trigger=T_DEICTIC, lower=True),
    Spec(
        C_WEEKEND,
        _weekend,
        4,
        P_WEEKEND,
        _keep("det"),
        prefix_required=True,
        trigger=T_WEEKEND,
        lower=True,
    ),
    Spec(C_WEEKDAY, _weekday, 4, P_WEEKDAY, _keep("mod")),
    Spec(
        C_MONTH_CTX, _month_ctx, 3, P_MONTH_CTX, _keep("part", "ctx", "mod"), prefix_required=True
    ),
    Spec(
        C_YEAR,
        _year_ctx,
        3,
        P_YEAR_CTX,
        _keep_year_ctx,
        # a bare year is a year too ("sales for 2025"): counts ("2000 people") are kept
        # out by the core's lookahead, amounts by `not_after`
        not_after="/.,$#£€",
        trigger=T_DIGITS,
    ),
    Spec(
        C_QUARTER,
        _period,
        7,
        P_PERIOD,
        _keep("det", "adj"),
        trigger=T_WORDS,
        words=("first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th"),
        lower=True,
    ),
    Spec(
        C_HALF,
        _period,
        7,
        P_PERIOD,
        _keep("det", "adj"),
        trigger=T_WORDS,
        words=("first", "second", "last"),
        lower=True,
    ),
    Spec(C_QN, _qn, 7, trigger=T_QN),
    Spec(
        C_QREF,
        _qref,
        5,
        P_QREF,
        _keep("det", "adj"),
        prefix_required=True,
        trigger=T_WORDS,
        words=("quarter", "period"),
        lower=True,
    ),
    Spec(C_YEAR_AGO, _year_ago, 4, trigger=T_YEAR_AGO, lower=True),
    Spec(
        C_SPELLED_YEAR,
        _spelled_year,
        6,
        P_THE_YEAR,
        _keep("det"),
        trigger=T_WORDS,
        words=("nineteen", "eighteen", "two thousand"),
        lower=True,
    ),
    Spec(
        C_YEAR_WORD,
        _year_word,
        6,
        P_THE,
        _keep("det"),
        trigger=T_WORDS,
        words=(
            "year",
            "end",
            "earlier",
            "later",
            "full",
            "current",
            "latest",
            "entire",
            "whole",
            "fiscal",
        ),
        lower=True,
    ),
    Spec(
        C_DECADE_WORD,
        _decade_word,
        6,
        P_THE,
        _keep("det"),
        trigger=T_WORDS,
        words=("eighties", "nineties", "seventies", "sixties"),
        lower=True,
    ),
    Spec(
        C_PRESENT,
        _present,
        3,
        P_PRESENT,
        _keep(),
        trigger=T_WORDS,
        words=("now", "currently"),
        lower=True,
    ),
    Spec(
        C_SEASON,
        _season,
        6,
        P_SEASON,
        _keep("det", "mod"),
        trigger=T_WORDS,
        words=("spring", "summer", "autumn", "fall", "winter"),
        lower=True,
    ),
    Spec(C_DECADE, _decade, 6, P_DECADE, _keep("det", "mod"), not_after="$", trigger=T_DIGITS),
    Spec(C_DECADE, _decade, 6, P_DECADE, _keep("det", "mod"), trigger=T_APOSTROPHE_DECADE),
    Spec(C_CLOCK, _clock, 6, not_after=":.", trigger=T_DIGITS),
    Spec(C_CLOCK, _clock, 6, trigger=T_WORDS, words=("noon", "midnight"), lower=True),
    Spec(C_PART_DAY, _clock, 5, trigger=T_WORDS, words=("mid", "late", "early"), lower=True),
)


def body_start(text: str) -> int:
    """Offset where prose begins: after a leading front-matter block, if any.

    Front matter is metadata ("date: 2024-06-14"), already read by the corpus
    loader; tagging it would add a spurious event to every dated article. The
    corpus's own parser decides, so the two can never disagree on where it ends.
    """
    return parse_front_matter(text)[1]


def _match_spec(spec: Spec, text: str, m: re.Match[str], floor: int) -> tuple[int, Groups] | None:
    """Apply the word-boundary check and the backwards prefix to one core match."""
    start = m.start()
    if start > 0:
        before = text[start - 1]
        if before.isalnum() or before == "_" or before in spec.not_after:
            return None
    groups = Groups(m.groupdict())
    if spec.prefix is None:
        return start, groups
    pm = spec.prefix.search(text, max(floor, start - _PREFIX_WINDOW), start)
    if pm is None or pm.start() == start:
        return None if spec.prefix_required else (start, groups)
    span_start = start
    for name, value in pm.groupdict().items():
        if value is None:
            continue
        groups[name] = value
        if spec.keep(name, value):
            span_start = min(span_start, pm.start(name))
    return span_start, groups


def _core_matches(
    spec: Spec, text: str, lower: str, pos: int, cache: dict[Any, Any]
) -> Iterator[re.Match[str]]:
    """Core matches, tried only where the spec's cheap trigger fires (positions cached)."""
    if spec.trigger is None:
        yield from spec.core.finditer(text, pos)
        return
    if spec.words:
        by_word = _word_starts(spec.trigger, lower, pos, cache)
        starts = [start for word in spec.words for start in by_word.get(word, ())]
    else:
        starts = cache.get(spec.trigger)  # type: ignore[assignment]
        if starts is None:
            haystack = lower if spec.lower else text
            starts = [t.start() for t in spec.trigger.finditer(haystack, pos)]
            cache[spec.trigger] = starts
    match = spec.core.match
    for start in starts:
        m = match(text, start)
        if m is not None:
            yield m


def _word_starts(
    trigger: re.Pattern[str], lower: str, pos: int, cache: dict[Any, Any]
) -> dict[str, list[int]]:
    """Where each of `TRIGGER_WORDS` starts a word, found once for every rule.

    `str.find` per word: a regular expression alternating forty words scans the
    text at about a tenth of the speed.
    """
    key = (trigger, "words")
    found: dict[str, list[int]] | None = cache.get(key)
    if found is None:
        found = cache[key] = {}
        for word in TRIGGER_WORDS:
            at = lower.find(word, pos)
            while at != -1:
                if at == 0 or not lower[at - 1].isalnum():
                    found.setdefault(word, []).append(at)
                at = lower.find(word, at + 1)
    return found


def _ascii_lower(text: str) -> str:
    """Lowercased copy with the same offsets (str.lower can change lengths, e.g. "İ")."""
    lower = text.lower()
    return lower if len(lower) == len(text) else text.translate(_ASCII_LOWER)


def _candidates(text: str) -> Iterator[tuple[int, int, int, RawExpr]]:
    pos = body_start(text)
    lower = _ascii_lower(text)
    cache: dict[re.Pattern[str], list[int]] = {}
    for spec in SPECS:
        for m in _core_matches(spec, text, lower, pos, cache):
            found = _match_spec(spec, text, m, pos)
            if found is None:
                continue
            start, groups = found
            if spec.core is C_WEEKDAY and not _weekday_context_ok(text, start, groups):
                continue
            raw = spec.build(groups)
            if raw is not None:
                yield start, m.end(), spec.priority, raw


def _weekday_context_ok(text: str, start: int, groups: Groups) -> bool:
    """Reject names ("Good Friday", "Bloody Sunday") and recurring ones ("every Monday")."""
    if groups.get("mod"):
        return True
    before = text[max(0, start - 40) : start]
    if _RECURRING_BEFORE.search(before):
        return False
    word = _CAPITALISED_WORD_BEFORE.search(before)
    if word and word.group(1).lower().rstrip(".,") not in _NAME_OK_BEFORE:
        # Capitalised word right before a weekday: part of a name unless it ends a sentence.
        return word.group(1).endswith((".", ",", ":", ";"))
    return True


def _select(cands: list[tuple[int, int, int, RawExpr]]) -> list[tuple[int, int, RawExpr]]:
    """Keep the longest (then most specific) candidates that do not overlap."""
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping
    chosen: list[tuple[int, int, RawExpr]] = []
    for start, end, _prio, raw in cands:
        i = bisect.bisect_left(taken, (start, end))
        if i > 0 and taken[i - 1][1] > start:
            continue
        if i < len(taken) and taken[i][0] < end:
            continue
        taken.insert(i, (start, end))
        chosen.append((start, end, raw))
    chosen.sort(key=lambda c: c[0])
    return chosen


_SENTENCE_EDGE = re.compile(r"[.!?\n]")


def _clause_before(text: str, start: int, limit: int = 120) -> str:
    """The text of the same sentence before `start` (at most `limit` characters)."""
    window = text[max(0, start - limit) : start]
    edges = list(_SENTENCE_EDGE.finditer(window))
    return window[edges[-1].end() :] if edges else window


def _cues(text: str, start: int, end: int) -> dict[str, bool]:
    """Tense cues from the surrounding clause, used to resolve ambiguous directions."""
    before = _clause_before(text, start)
    after = text[end : end + 60]
    after = after[: m.start()] if (m := _SENTENCE_EDGE.search(after)) else after
    future = bool(_FUTURE_CUE.search(before))
    past = not future and bool(_PAST_WORD.search(before[-60:]))
    return {"future_cue": future, "past_cue": past}


def extract_raw(text: str) -> list[RawExpr]:
    """Tag every time expression in `text`, unresolved and JSON-safe.

    Each dict has "start", "end" (offsets into `text`), "text", "kind" and the
    kind's fields; "open" marks "since X"; "future_cue"/"past_cue" record the
    clause's tense for later resolution.
    """
    if not text:
        return []
    out: list[RawExpr] = []
    for start, end, raw in _select(list(_candidates(text))):
        if raw["kind"] != "range":
            since = _SINCE_BEFORE.search(text, max(0, start - 12), start)
            if since:
                start = since.start()
            if since or text[start:end].lower().startswith("since"):
                raw["open"] = True
        raw.update(_cues(text, start, end))
        out.append({"start": start, "end": end, "text": text[start:end], **raw})
    return _quarter_context(out)


QUARTER_REACH = 2000
"""How far (characters) after a named quarter "a year earlier" still means that quarter."""


def _quarter_context(out: list[RawExpr]) -> list[RawExpr]:
    """Quarters named without their number ("the quarter", "the year-ago quarter") take
    the last one the article named; in an article about a quarter, "a year earlier"
    and "year-ago" mean that quarter a year before (TimeML's reading of earnings news).
    Text only: the calendar comes later, in `index.timeline.build`."""
    last_n: int | None = None
    last_end = -QUARTER_REACH
    kept: list[RawExpr] = []
    for r in out:
        if r["kind"] == "period" and r["unit"] == "quarter":
            if r.get("n") is not None:
                last_n, last_end = r["n"], r["end"]
            elif last_n is not None and r.get("rel") not in ("latest", "this"):
                r["ctx_n"] = last_n
            if r.pop("needs_quarter", False) and (
                last_n is None or r["start"] - last_end >= QUARTER_REACH
            ):
                if r["text"].lower() in ("year-ago", "year-earlier"):
                    # about the year, not a quarter ("year-earlier sales")
                    r = {**r, "kind": "relative", "unit": "year", "offset": -1}
                else:
                    continue
        elif (
            last_n is not None
            and r["start"] - last_end < QUARTER_REACH
            and r["kind"] == "relative"
            and r.get("unit") == "year"
            and r.get("offset") == -1
            and r["text"].lower() in {"a year earlier", "a year ago", "the year before"}
        ):
            r = {k: v for k, v in r.items() if k != "reference"}
            r = {
                **r,
                "kind": "period",
                "unit": "quarter",
                "n": None,
                "ctx_n": last_n,
                "year": None,
                "shift": -1,
                "rel": None,
            }
        kept.append(r)
    return kept
