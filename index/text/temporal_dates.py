"""Builders for dates, ranges, months, years, weekdays and relative expressions:
a rule's match -> an unresolved expression (or None to reject the match)."""

from __future__ import annotations

import calendar
import re

from index.text.temporal_record import (
    Date,
    DateOrder,
    DayPoint,
    DayRange,
    Direction,
    Groups,
    Meaning,
    Month,
    MonthPoint,
    MonthRange,
    Relative,
    Vague,
    Weekday,
    Year,
    YearRange,
)
from index.text.temporal_rules import (
    MONTHS,
    NUMBER_WORDS,
    PART_MOD,
    TENS,
    UNITS,
    UNITS_WORDS,
    WEEKDAYS,
)


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


def norm_mod(mod: str | None) -> str | None:
    return mod.lower().rstrip("-") if mod else None


def two_digit_year(first: int, token: str) -> int:
    """Expand "21" in "2019–21" to 2021 using the century of the first year."""
    return int(token) if len(token) == 4 else first - first % 100 + int(token)


# --- candidate builders: regex match -> its meaning (or None to reject) ---------


def range_days(m: Groups) -> Meaning | None:
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
    return DayRange(DayPoint(None, m1, d1), DayPoint(year, m2, d2))


def date(m: Groups) -> Meaning | None:
    month, day = month_number(m.group("m")), day_number(m.group("d"))
    year = int(m.group("y")) if m.group("y") else None
    if not valid_day(year, month, day):
        return None
    weekday = WEEKDAYS[m.group("wd").lower()] if m.group("wd") else None
    return Date(day, month, year, weekday)


def iso(m: Groups) -> Meaning | None:
    year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not (1 <= month <= 12 and valid_day(year, month, day)):
        return None
    return Date(day, month, year, None)


def numeric(m: Groups) -> Meaning | None:
    """12/23/2025 is month-first, 23/12/2025 day-first; 03/04/2025 stays ambiguous.

    The ambiguous reading is settled at resolution time from the article's own
    style (see `index.timeline.resolve`), so both readings are kept here.
    """
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    mdy = 1 <= a <= 12 and valid_day(year, a, b)
    dmy = 1 <= b <= 12 and valid_day(year, b, a)
    if not (mdy or dmy):
        return None
    if m.group("sep") == "." and dmy:
        mdy = False  # dotted numeric dates are day-first by convention
    order: DateOrder = "ambiguous" if (mdy and dmy and a != b) else ("mdy" if mdy else "dmy")
    month, day = (a, b) if order != "dmy" else (b, a)
    return Date(day, month, year, None, order)


def numeric_pair(a: int, b: int, year: int) -> tuple[bool, bool]:
    """Whether a/b/year reads as month-first and as day-first."""
    return (1 <= a <= 12 and valid_day(year, a, b)), (1 <= b <= 12 and valid_day(year, b, a))


def numeric_range(m: Groups) -> Meaning | None:
    """Both ends of "from 12/01/2024 to 01/31/2025" share one order: either end decides."""
    conj = m.group("conj").lower()
    if (conj == "and") != (m.group("pre").lower() == "between"):
        return None
    ends = [(int(m.group(f"a{i}")), int(m.group(f"b{i}")), int(m.group(f"y{i}"))) for i in (1, 2)]
    readings = [numeric_pair(*e) for e in ends]
    mdy = all(r[0] for r in readings)
    dmy = all(r[1] for r in readings) and (m.group("sep") == "." or not mdy)
    if not (mdy or dmy):
        return None
    points = []
    for a, b, y in ends:
        month, day = (a, b) if mdy else (b, a)
        points.append((y, month, day))
    if points[0] >= points[1]:
        return None
    return DayRange(DayPoint(*points[0]), DayPoint(*points[1]))


def month_range(m: Groups) -> Meaning | None:
    m1, m2 = month_number(m.group("m1")), month_number(m.group("m2"))
    year = int(m.group("y")) if m.group("y") else None
    y1 = int(m.group("y1")) if m.group("y1") else None
    if y1 is None and m1 >= m2 and year is not None:
        y1 = year - 1
    return MonthRange(MonthPoint(y1, m1), MonthPoint(year, m2))


def spelled_year_number(m: Groups) -> int | None:
    """The year of a `SPELLED_YEAR` match ("nineteen ninety-four": 1994); None when it was
    not one, or for "nineteen ten", which reads as a count as often as a year."""
    if m.group("k"):
        return 2000
    if not m.group("c") or m.group("teen"):
        return None
    century = 1900 if m.group("c").lower() == "nineteen" else 1800
    return century + TENS[m.group("tens").lower()] + UNITS_WORDS.get(m.group("unit").lower(), 0)


def written_year(m: Groups) -> int | None:
    """The year a match names in digits ("1994") or in words, if any."""
    return int(m.group("y")) if m.group("y") else spelled_year_number(m)


def month_year(m: Groups) -> Meaning | None:
    year = written_year(m)
    if year is None:
        return None
    return Month(month_number(m.group("m")), year, norm_mod(m.group("mod")))


def month_rel_year(m: Groups) -> Meaning | None:
    """ "June last year": that month of the year before the article's (resolved later)."""
    shift = {"last": -1, "this": 0, "next": 1}[m.group("rel").lower()]
    return Month(month_number(m.group("m")), None, norm_mod(m.group("mod")), year_shift=shift)


def month_ctx(m: Groups) -> Meaning | None:
    direction = _MONTH_DIRECTIONS.get((m.group("ctx") or "").lower())
    mod = norm_mod(m.group("mod")) or PART_MOD.get((m.group("part") or "").lower())
    return Month(month_number(m.group("m")), None, mod, direction=direction)


_MONTH_DIRECTIONS: dict[str, Direction] = {"last": "past", "next": "future", "this": "this"}


def year_range(m: Groups) -> Meaning | None:
    conj = (m.group("conj") or "").lower()
    pre = (m.group("pre") or "").lower()
    if conj == "and" and pre != "between":
        return None
    y1 = int(m.group("y1"))
    y2 = two_digit_year(y1, m.group("y2"))
    if not y1 < y2 <= y1 + 100:
        return None
    return YearRange(y1, y2)


def year_ctx(m: Groups) -> Meaning | None:
    if not 1900 <= int(m.group("y")) <= 2039:
        return None
    ctx = m.group("ctx").lower()
    mod = (
        norm_mod(m.group("mod"))
        or PART_MOD.get(ctx)
        or (ctx.rstrip("-") if ctx in {"early", "late", "mid", "mid-"} else None)
    )
    return Year(int(m.group("y")), mod)


def weekday(m: Groups) -> Meaning | None:
    mod = (m.group("mod") or "").lower() or None
    return Weekday(
        WEEKDAYS[m.group("wd").lower()],
        _WEEKDAY_DIRECTIONS.get(mod or ""),
        (m.group("part") or "").lower() or None,
        mod if mod in {"early", "late"} else None,
    )


_WEEKDAY_DIRECTIONS: dict[str, Direction] = {
    "last": "past",
    "this past": "past",
    "the previous": "past",
    "next": "future",
    "this coming": "future",
    "the following": "future",
    "this": "this",
}


def deictic(m: Groups) -> Meaning | None:
    word = m.group("w").lower()
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
    return Relative("day", offset)


def relative(m: Groups) -> Meaning | None:
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
    from_event = rel in ("the following", "the previous", "that")
    mod = (m.group("mod") or "").lower() or None
    mod = {
        "earlier": "early",
        "later": "late",
        "the end of": "late",
        "the start of": "early",
        "the beginning of": "early",
    }.get(mod or "", mod)
    return Relative(unit, offset, mod, from_event)


def before(m: Groups) -> Meaning | None:
    direction = m.group("dir").lower()
    det = m.group("det").lower()
    n = int(det) if det.isdigit() else NUMBER_WORDS.get(det, 1)
    offset = -n if direction in {"before", "earlier"} else n
    # "two days later" follows an event; "a year earlier" in news is mostly a year
    # before the article ("profit rose from a year earlier")
    return Relative(m.group("unit").lower(), offset, from_event=offset > 0)


def weekend(m: Groups) -> Meaning | None:
    return Relative("weekend", 0)


def ago(m: Groups) -> Meaning | None:
    token = m.group("n").lower()
    n = int(token) if token.isdigit() else NUMBER_WORDS[token]
    return Relative(m.group("unit").lower(), -n)


def vague(m: Groups) -> Meaning | None:
    if m.group("adv"):
        return Vague("past" if m.group("adv").lower() != "nowadays" else "present", None)
    if m.group("recent"):
        return Vague("past", UNITS[m.group("unit1").lower()])
    if m.group("near"):
        return Vague("future", None)
    ahead = m.group("dir").lower().startswith(("coming", "next"))
    return Vague("future" if ahead else "past", UNITS[m.group("unit2").lower()])
