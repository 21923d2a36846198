"""An article's own date evidence: its clues (weekdays, day-months, years), a date in
its file name or dateline, and the one year a weekday + day-month allows."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE

from index.models import Article, DateAnchor
from index.text.temporal_record import (
    Date,
    Expression,
    Meaning,
    Month,
    Period,
    RawExpr,
    Season,
    Weekday,
    Year,
    of_kind,
)

YEARS_BACK = 80
"""How far before `today` the weekday/day-month search looks for a year."""

RD_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
"""dateutil weekday objects indexed like `date.weekday()`."""


@dataclass(frozen=True, slots=True)
class Clues:
    """The date evidence one article carries, read from its unresolved expressions."""

    weekdays: tuple[Expression[Weekday], ...]
    day_months: tuple[Expression[Date], ...]
    """Day-month without a year (and without a weekday of its own)."""
    paired: tuple[Expression[Date], ...]
    """Day-month written with its weekday ("Tuesday, 23 December")."""
    full_dates: tuple[Expression[Date], ...]
    past_year: int | None
    """Latest year the article treats as past ("since 2012", "formed in 2023")."""
    years: frozenset[int] = frozenset()
    """Every year written in the text: among the years whose calendar fits a weekday
    and day-month (one in every 5-11), the one the article names is its year."""


def clues_of(raw: Sequence[RawExpr]) -> Clues:
    """Sort an article's expressions into the kinds of date evidence they give.

    A weekday or day-month in a clause about the future ("the vote will be held on
    Sunday, 9 November") names a coming event, not the day of writing: left out.
    """
    weekdays: list[Expression[Weekday]] = []
    day_months: list[Expression[Date]] = []
    paired: list[Expression[Date]] = []
    full: list[Expression[Date]] = []
    past: list[int] = []
    years: set[int] = set()
    for r in raw:
        year = _written_year(r.meaning)
        if year is not None:
            years.add(year)
        future = r.future_cue
        if (wd := of_kind(r, Weekday)) is not None:
            if wd.meaning.direction in (None, "this") and not future:
                weekdays.append(wd)
        elif (d := of_kind(r, Date)) is not None and d.meaning.order != "ambiguous":
            if d.meaning.year is not None:
                full.append(d)
            elif future:
                continue
            elif d.meaning.weekday is not None:
                paired.append(d)
            else:
                day_months.append(d)
        elif isinstance(r.meaning, Year) and (r.open or r.past_cue):
            past.append(r.meaning.year)
    return Clues(
        tuple(weekdays),
        tuple(day_months),
        tuple(paired),
        tuple(full),
        max(past) if past else None,
        frozenset(years),
    )


def _written_year(meaning: Meaning) -> int | None:
    """The year an expression writes out, if its kind has one."""
    match meaning:
        case Date(year=year) | Month(year=year) | Period(year=year) | Season(year=year):
            return year
        case Year(year=year):
            return year
        case _:
            return None


def year_candidates(weekday: int, month: int, day: int, today: dt.date) -> list[dt.date]:
    """Every date not after `today` (latest first, `YEARS_BACK` years) on which the
    day-month falls on `weekday`."""
    out = []
    for year in range(today.year, today.year - YEARS_BACK, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= today and d.weekday() == weekday:
            out.append(d)
    return out


def pin_year(
    weekday: int,
    month: int,
    day: int,
    today: dt.date,
    not_before: int | None,
    written: frozenset[int] = frozenset(),
) -> tuple[dt.date | None, str]:
    """The one year in which day-month falls on `weekday`, when the article decides it.

    Decided when exactly one fitting year lies between the latest year the article
    treats as past (`not_before`) and today, or else when exactly one fitting year is
    written in the article.  Otherwise None: "the latest such year" is a guess that
    was wrong on every older article measured (TimeBank, 1989-1998).  The string
    says what decided it.
    """
    candidates = year_candidates(weekday, month, day, today)
    if not_before is not None:
        bounded = [d for d in candidates if d.year >= not_before]
        if len(bounded) == 1:
            return bounded[0], f"the only such year from {not_before} (treated as past) to today"
        if bounded:
            candidates = bounded
    named = [d for d in candidates if d.year in written]
    if len(named) == 1:
        return named[0], f"the only such year written in the article ({named[0].year})"
    return None, ""


_FILE_ISO = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_FILE_YYMMDD = re.compile(r"^[A-Za-z]{2,5}(\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[-_.])")


def date_from_file(file: str, today: dt.date) -> tuple[dt.date, str] | None:
    """A publication date written in the file name: `2024-03-05-...`, `...20240305...`,
    or a wire id `AP900815-0044` (letters, then year-month-day in six digits)."""
    name = file.rsplit("/", 1)[-1]
    for pattern, how in ((_FILE_ISO, "date"), (_FILE_YYMMDD, "wire-id date")):
        m = pattern.search(name)
        if m is None:
            continue
        year = int(m.group(1))
        if len(m.group(1)) == 2:
            year += 1900 if year >= 50 else 2000
        try:
            d = dt.date(year, int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if d <= today + dt.timedelta(days=1):
            return d, f'file name "{name}" carries the {how} {d.isoformat()}'
    return None


_DATELINE_BEFORE = re.compile(r"(?:^|\n)[^\S\n]*[A-Z][A-Z .,'’()-]{1,40},[^\S\n]*\Z")
_DATELINE_AFTER = re.compile(r"[^\S\n]*(?:\([A-Za-z ]+\)[^\S\n]*)?(?:—|–|-|_)")


def _dateline_date(text: str, clues: Clues) -> tuple[dt.date, RawExpr] | None:
    """A full date in a dateline: "HALVERSTON, June 10, 2025 — ..."."""
    for e in clues.full_dates:
        before = text[max(0, e.start - 60) : e.start]
        d = e.meaning
        if d.year is None:  # never: a full date has its year
            continue
        if _DATELINE_BEFORE.search(before) and _DATELINE_AFTER.match(text, e.end):
            try:
                return dt.date(d.year, d.month, d.day), e
            except ValueError:
                continue
    return None


def _q(expr: RawExpr) -> str:
    return f'"{expr.text}"'


def pin_evidence(
    wd: Expression[Weekday],
    dm: RawExpr,
    result: dt.date,
    how: str,
    wd_from: str | None = None,
    dm_from: str | None = None,
) -> str:
    """One sentence saying how a weekday and a day-month fixed the date."""
    wd_part = f'weekday "{calendar.day_name[wd.meaning.weekday]}"' + (
        f" (from {wd_from})" if wd_from else ""
    )
    dm_part = _q(dm) + (f" (from {dm_from})" if dm_from else "")
    return f"{wd_part} with {dm_part} pins {result.isoformat()}: {how}"


def own_anchor(article: Article, clues: Clues, today: dt.date) -> DateAnchor | None:
    """An anchor from the article's file name or own text, or None when they do not
    decide it (never a guess: an undated article shows "date unknown")."""
    from_file = date_from_file(article.file, today)
    if from_file is not None:
        d, evidence = from_file
        return DateAnchor(article.id, article.file, d, "inferred", evidence, 0.95)
    dateline = _dateline_date(article.text, clues)
    if dateline is not None:
        d, expr = dateline
        evidence = f"the dateline gives {_q(expr)}"
        return DateAnchor(article.id, article.file, d, "inferred", evidence, 0.95)
    for expr in clues.paired:
        paired = expr.meaning
        if paired.weekday is None:  # never: a paired day-month has its weekday
            continue
        pinned, how = pin_year(
            paired.weekday, paired.month, paired.day, today, clues.past_year, clues.years
        )
        if pinned is not None:
            evidence = f"{_q(expr)} names weekday and day-month: pins {pinned.isoformat()}: {how}"
            return DateAnchor(article.id, article.file, pinned, "inferred", evidence, 0.8)
    if clues.weekdays and clues.day_months:
        wd, dm = _best_pair(clues.weekdays, clues.day_months)
        pinned, how = pin_year(
            wd.meaning.weekday,
            dm.meaning.month,
            dm.meaning.day,
            today,
            clues.past_year,
            clues.years,
        )
        if pinned is not None:
            evidence = pin_evidence(wd, dm, pinned, how)
            return DateAnchor(article.id, article.file, pinned, "inferred", evidence, 0.7)
    return None


def _best_pair(
    weekdays: Sequence[Expression[Weekday]], day_months: Sequence[Expression[Date]]
) -> tuple[Expression[Weekday], Expression[Date]]:
    """The weekday and day-month written closest together: most likely the same day."""
    return min(
        ((w, d) for w in weekdays for d in day_months),
        key=lambda p: abs(p[0].start - p[1].start),
    )
