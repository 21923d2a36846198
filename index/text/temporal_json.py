"""Time expressions as the index stores them: a JSON list of flat objects.

The format is the one the index has always written ("start", "end", "text", "kind",
the kind's fields, "open", "future_cue", "past_cue"), so an existing index is read
as it is. Reading is tolerant: the index is a cache, so an expression of a kind or
shape this version does not know is left out, never an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, cast, get_args

from index.text.temporal_record import (
    Century,
    ClockTime,
    Date,
    DateOrder,
    DayPoint,
    DayRange,
    Decade,
    Direction,
    Expression,
    Meaning,
    Month,
    MonthPoint,
    MonthRange,
    Period,
    PeriodRel,
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

Fields = dict[str, Any]
"""One decoded JSON object: its values are whatever the stored text held."""


def encode_expressions(raw: Iterable[RawExpr]) -> str:
    """The expressions as stored: compact JSON, one object each."""
    return json.dumps([encode(r) for r in raw], ensure_ascii=False, separators=(",", ":"))


def encode(r: RawExpr) -> Fields:
    out: Fields = {"start": r.start, "end": r.end, "text": r.text, "kind": r.meaning.kind}
    out.update(_meaning_fields(r.meaning))
    if r.open:
        out["open"] = True
    out["future_cue"] = r.future_cue
    out["past_cue"] = r.past_cue
    return out


def _meaning_fields(m: Meaning) -> Fields:
    match m:
        case Date():
            out: Fields = {"day": m.day, "month": m.month, "year": m.year, "weekday": m.weekday}
            if m.order is not None:
                out["order"] = m.order
            if m.ended:
                out["ended"] = True
            return out
        case DayRange():
            return {"unit": "day", "from": _day_point(m.first), "to": _day_point(m.last)}
        case MonthRange():
            return {"unit": "month", "from": _month_point(m.first), "to": _month_point(m.last)}
        case YearRange():
            return {"unit": "year", "from": _year_point(m.first), "to": _year_point(m.last)}
        case Month():
            out = {"month": m.month, "year": m.year, "mod": m.mod}
            if m.year_shift is not None:
                out["year_shift"] = m.year_shift
            if m.direction is not None:
                out["direction"] = m.direction
            return out
        case Year():
            return {"year": m.year, "mod": m.mod}
        case Weekday():
            return {"weekday": m.weekday, "direction": m.direction, "part": m.part, "mod": m.mod}
        case Relative():
            out = {"unit": m.unit, "offset": m.offset}
            if m.mod is not None:
                out["mod"] = m.mod
            if m.from_event:
                out["reference"] = "event"
            return out
        case Vague():
            return {"direction": m.direction, "unit": m.unit}
        case Period():
            out = {"unit": m.unit, "n": m.n, "year": m.year, "shift": m.shift, "rel": m.rel}
            if m.ctx_n is not None:
                out["ctx_n"] = m.ctx_n
            return out
        case Season():
            return {"season": m.season, "year": m.year, "direction": m.direction}
        case Decade() | Century():
            return {"first": m.first}
        case YearEnd():
            return {"offset": m.offset}
        case Present() | ClockTime():
            return {}


def _day_point(p: DayPoint) -> Fields:
    return {"year": p.year, "month": p.month, "day": p.day}


def _month_point(p: MonthPoint) -> Fields:
    return {"year": p.year, "month": p.month, "day": None}


def _year_point(year: int) -> Fields:
    return {"year": year, "month": None, "day": None}


def decode_expressions(stored: str | bytes) -> list[RawExpr] | None:
    """The stored expressions; None when the text is not a JSON list at all (the caller
    tags the article again). An item this version cannot read is left out."""
    try:
        value = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    return [e for e in map(decode, value) if e is not None]


def decode(item: object) -> RawExpr | None:
    """One stored object as an expression, or None for an unknown kind or shape."""
    if not isinstance(item, dict):
        return None
    try:
        meaning = _READERS[item["kind"]](item)
        return Expression(
            _int(item["start"]),
            _int(item["end"]),
            _str(item["text"]),
            meaning,
            bool(item.get("open")),
            bool(item.get("future_cue")),
            bool(item.get("past_cue")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _int(value: object) -> int:
    if type(value) is not int:
        raise ValueError(f"not an integer: {value!r}")
    return value


def _opt_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _within(value: object, low: int, high: int) -> int:
    number = _int(value)
    if not low <= number <= high:
        raise ValueError(f"not within {low}-{high}: {number}")
    return number


_DIRECTIONS = frozenset(get_args(Direction))
_ORDERS = frozenset(get_args(DateOrder))
_PERIOD_UNITS = frozenset(get_args(PeriodUnit))
_PERIOD_RELS = frozenset(get_args(PeriodRel))


def _one_of(value: object, allowed: frozenset[str]) -> str | None:
    if value is not None and value not in allowed:
        raise ValueError(f"not one of {sorted(allowed)}: {value!r}")
    return cast(str | None, value)


def _direction(d: Fields) -> Direction | None:
    return cast(Direction | None, _one_of(d.get("direction"), _DIRECTIONS))


def _date(d: Fields) -> Date:
    weekday = d.get("weekday")
    return Date(
        _within(d["day"], 1, 31),
        _within(d["month"], 1, 12),
        _opt_int(d.get("year")),
        None if weekday is None else _within(weekday, 0, 6),
        cast(DateOrder | None, _one_of(d.get("order"), _ORDERS)),
        bool(d.get("ended")),
    )


def _range(d: Fields) -> DayRange | MonthRange | YearRange:
    a, b, unit = d["from"], d["to"], d["unit"]
    if unit == "year":
        return YearRange(_int(a["year"]), _int(b["year"]))
    first = MonthPoint(_opt_int(a.get("year")), _within(a["month"], 1, 12))
    last = MonthPoint(_opt_int(b.get("year")), _within(b["month"], 1, 12))
    if unit == "month":
        return MonthRange(first, last)
    if unit != "day":
        raise ValueError(f"unknown range unit {unit!r}")
    return DayRange(
        DayPoint(first.year, first.month, _within(a["day"], 1, 31)),
        DayPoint(last.year, last.month, _within(b["day"], 1, 31)),
    )


def _month(d: Fields) -> Month:
    return Month(
        _within(d["month"], 1, 12),
        _opt_int(d.get("year")),
        _opt_str(d.get("mod")),
        _opt_int(d.get("year_shift")),
        _direction(d),
    )


def _weekday(d: Fields) -> Weekday:
    return Weekday(
        _within(d["weekday"], 0, 6),
        _direction(d),
        _opt_str(d.get("part")),
        _opt_str(d.get("mod")),
    )


def _relative(d: Fields) -> Relative:
    return Relative(
        _str(d["unit"]),
        _int(d["offset"]),
        _opt_str(d.get("mod")),
        d.get("reference") == "event",
    )


def _vague(d: Fields) -> Vague:
    direction = _direction(d)
    if direction is None:
        raise ValueError("a vague expression without its direction")
    return Vague(direction, _opt_str(d.get("unit")))


def _period(d: Fields) -> Period:
    return Period(
        cast(PeriodUnit, _one_of(_str(d["unit"]), _PERIOD_UNITS)),
        _opt_int(d.get("n")),
        _opt_int(d.get("year")),
        _int(d.get("shift") or 0),
        cast(PeriodRel | None, _one_of(d.get("rel"), _PERIOD_RELS)),
        _opt_int(d.get("ctx_n")),
    )


def _season(d: Fields) -> Season:
    code = _one_of(_str(d["season"]), _SEASONS)
    return Season(cast(str, code), _opt_int(d.get("year")), _direction(d))


_SEASONS = frozenset({"SP", "SU", "FA", "WI"})

_READERS: dict[str, Callable[[Fields], Meaning]] = {
    "date": _date,
    "range": _range,
    "month": _month,
    "year": lambda d: Year(_int(d["year"]), _opt_str(d.get("mod"))),
    "weekday": _weekday,
    "relative": _relative,
    "vague": _vague,
    "period": _period,
    "present": lambda d: Present(),
    "time": lambda d: ClockTime(),
    "season": _season,
    "decade": lambda d: Decade(_int(d["first"])),
    "century": lambda d: Century(_int(d["first"])),
    "year_end": lambda d: YearEnd(_int(d.get("offset") or 0)),
}
"""Each stored kind's reader: its fields checked and typed (KeyError, ValueError else)."""
