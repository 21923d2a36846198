"""The time-expression records and the match groups they are built from.

An expression is its place in the text (`Expression`) around its unresolved meaning:
one small frozen record per kind (`Meaning`), so that a reader dispatches on the
record's type and every field it reads exists and has its type. Stored as JSON
(`index.text.temporal_json`); resolved against a date in `index.timeline.resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Generic, Literal, TypeVar

Direction = Literal["past", "present", "this", "future"]
"""Which way from the article's date: "last June" past, "next Friday" future."""
DateOrder = Literal["mdy", "dmy", "ambiguous"]
"""How a numeric date was read: "03/04/2025" is ambiguous until the article decides."""
PeriodUnit = Literal["quarter", "half"]
PeriodRel = Literal["prev", "following", "latest", "this"]


class Groups(dict[str, "str | None"]):
    """Named groups of a core match merged with its prefix's."""

    def group(self, name: str) -> str:
        """The group's text, "" when it did not take part (so truth tests read naturally)."""
        return self.get(name) or ""


@dataclass(frozen=True, slots=True)
class Date:
    """ "14 March", "Friday, 14 March 2031", "2031-03-14", "3/14/2031"."""

    kind: ClassVar[str] = "date"
    day: int
    month: int
    year: int | None
    weekday: int | None
    order: DateOrder | None = None
    """Only for numeric dates."""
    ended: bool = False
    """The day a period ended ("the year ended Jan. 31"): taken on or before the anchor."""


@dataclass(frozen=True, slots=True)
class DayPoint:
    year: int | None
    month: int
    day: int


@dataclass(frozen=True, slots=True)
class DayRange:
    """ "5 to 9 May", "from 12/01/2024 to 01/31/2025"."""

    kind: ClassVar[str] = "range"
    first: DayPoint
    last: DayPoint


@dataclass(frozen=True, slots=True)
class MonthPoint:
    year: int | None
    month: int


@dataclass(frozen=True, slots=True)
class MonthRange:
    """ "from March to June 2024"."""

    kind: ClassVar[str] = "range"
    first: MonthPoint
    last: MonthPoint


@dataclass(frozen=True, slots=True)
class YearRange:
    """ "2019–21", "between 1990 and 1995"."""

    kind: ClassVar[str] = "range"
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Month:
    """ "June 2024", "June last year", "last June", "in June"."""

    kind: ClassVar[str] = "month"
    month: int
    year: int | None
    mod: str | None
    year_shift: int | None = None
    """ "June last year": the article's year shifted by this."""
    direction: Direction | None = None


@dataclass(frozen=True, slots=True)
class Year:
    """ "in 2023", "early 1990", "nineteen ninety-four"."""

    kind: ClassVar[str] = "year"
    year: int
    mod: str | None


@dataclass(frozen=True, slots=True)
class Weekday:
    """ "Tuesday", "next Friday", "Monday evening"."""

    kind: ClassVar[str] = "weekday"
    weekday: int
    direction: Direction | None
    part: str | None
    """A time of day ("evening"): the expression sorts within its day."""
    mod: str | None


@dataclass(frozen=True, slots=True)
class Relative:
    """ "yesterday", "last week", "two days later", "a year ago", "the weekend"."""

    kind: ClassVar[str] = "relative"
    unit: str
    """day, week, weekend, month or year."""
    offset: int
    mod: str | None = None
    from_event: bool = False
    """Counted from the event the sentence follows, not from the article's date."""


@dataclass(frozen=True, slots=True)
class Vague:
    """ "recently", "in recent years", "in the coming months"."""

    kind: ClassVar[str] = "vague"
    direction: Direction
    unit: str | None


@dataclass(frozen=True, slots=True)
class Period:
    """A quarter or a half: "the third quarter of 1989", "the year-ago quarter"."""

    kind: ClassVar[str] = "period"
    unit: PeriodUnit
    n: int | None
    year: int | None
    shift: int
    rel: PeriodRel | None
    ctx_n: int | None = None
    """The number of the quarter last named, for one named without its own."""
    needs_quarter: bool = False
    """While tagging only: a reading that holds only near a named quarter."""


@dataclass(frozen=True, slots=True)
class Present:
    """ "now", "today"."""

    kind: ClassVar[str] = "present"


@dataclass(frozen=True, slots=True)
class ClockTime:
    """ "at 3 p.m.": the article's day, sorted as a time."""

    kind: ClassVar[str] = "time"


@dataclass(frozen=True, slots=True)
class Season:
    """ "summer 1989", "last winter"."""

    kind: ClassVar[str] = "season"
    season: str
    """SP, SU, FA or WI."""
    year: int | None
    direction: Direction | None


@dataclass(frozen=True, slots=True)
class Decade:
    kind: ClassVar[str] = "decade"
    first: int


@dataclass(frozen=True, slots=True)
class Century:
    kind: ClassVar[str] = "century"
    first: int


@dataclass(frozen=True, slots=True)
class YearEnd:
    """ "the year end": 31 December of the article's year."""

    kind: ClassVar[str] = "year_end"
    offset: int


Meaning = (
    Date
    | DayRange
    | MonthRange
    | YearRange
    | Month
    | Year
    | Weekday
    | Relative
    | Vague
    | Period
    | Present
    | ClockTime
    | Season
    | Decade
    | Century
    | YearEnd
)
"""An expression's unresolved meaning: what a rule's builder returns."""

M = TypeVar("M", bound=Meaning, covariant=True)
K = TypeVar("K", bound=Meaning)


@dataclass(frozen=True, slots=True)
class Expression(Generic[M]):
    """One tagged expression: where it is, its meaning, and the clause's cues."""

    start: int
    end: int
    text: str
    meaning: M
    open: bool = False
    """ "since X": X's first day onward."""
    future_cue: bool = False
    past_cue: bool = False
    """The clause's tense, for the expressions whose direction it decides."""

    @property
    def kind(self) -> str:
        """The stored kind's name ("date", "range", ...)."""
        return self.meaning.kind


RawExpr = Expression[Meaning]
"""Any expression, as `extract_raw` returns and the index stores them."""


def of_kind(expr: RawExpr, kind: type[K]) -> Expression[K] | None:
    """The expression as one of that kind, or None: narrows the meaning's type."""
    return expr if isinstance(expr.meaning, kind) else None  # type: ignore[return-value]
