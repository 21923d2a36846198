"""The tagger's rules as one table: each a core pattern, its builder, a priority, an
optional backwards prefix and which prefix words belong inside the span."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.text.temporal_dates import (
    ago,
    before,
    date,
    deictic,
    iso,
    month_ctx,
    month_range,
    month_rel_year,
    month_year,
    numeric,
    numeric_range,
    range_days,
    relative,
    vague,
    weekday,
    weekend,
    year_ctx,
    year_range,
)
from index.text.temporal_periods import (
    clock,
    decade,
    decade_word,
    period,
    present,
    qn,
    qref,
    season,
    spelled_year,
    year_ago,
    year_word,
)
from index.text.temporal_record import Groups, Meaning
from index.text.temporal_rules import (
    C_AGO,
    C_BEFORE,
    C_CLOCK,
    C_DATE_DMY,
    C_DATE_MDY,
    C_DECADE,
    C_DECADE_WORD,
    C_DEICTIC,
    C_HALF,
    C_ISO,
    C_MONTH_CTX,
    C_MONTH_RANGE,
    C_MONTH_REL_YEAR,
    C_MONTH_YEAR,
    C_NUMERIC,
    C_NUMERIC_RANGE,
    C_PART_DAY,
    C_PRESENT,
    C_QN,
    C_QREF,
    C_QUARTER,
    C_RANGE_DM,
    C_RANGE_MD,
    C_RELATIVE,
    C_SEASON,
    C_SPELLED_YEAR,
    C_VAGUE,
    C_WEEKDAY,
    C_WEEKEND,
    C_YEAR,
    C_YEAR_AGO,
    C_YEAR_RANGE,
    C_YEAR_WORD,
    FLAGS,
    P_AGO,
    P_BEFORE,
    P_DATE_DMY,
    P_DECADE,
    P_MOD,
    P_MONTH_CTX,
    P_PERIOD,
    P_PRESENT,
    P_QREF,
    P_RELATIVE,
    P_SEASON,
    P_THE,
    P_THE_YEAR,
    P_WD,
    P_WEEKDAY,
    P_WEEKEND,
    P_YEAR_CTX,
    PART_MOD,
    PRE,
    SEASONS,
    SPAN_KEEP_CTX,
    T_AGO,
    T_APOSTROPHE_DECADE,
    T_BEFORE,
    T_DEICTIC,
    T_DIGITS,
    T_MONTH,
    T_QN,
    T_RELATIVE,
    T_VAGUE,
    T_WEEKEND,
    T_WORDS,
    T_YEAR_AGO,
)

Builder = Callable[[Groups], "Meaning | None"]
Keep = Callable[[str, str], bool]
"""Whether a prefix group (name, value) belongs inside the expression's span."""


def keep(*names: str) -> Keep:
    return lambda name, _value: name in names


def keep_year_ctx(name: str, value: str) -> bool:
    if name == "mod":
        return True
    ctx = value.lower()
    return ctx.rstrip("-") in SPAN_KEEP_CTX or ctx in PART_MOD or ctx in SEASONS


KEEP_NONE: Keep = keep()


@dataclass(frozen=True, slots=True)
class Spec:
    """One tagging rule: core regex, optional backwards prefix, and how to build its meaning."""

    core: re.Pattern[str]
    build: Builder
    priority: int
    """Breaks ties between equally long candidates: the more specific rule wins."""
    prefix: re.Pattern[str] | None = None
    keep: Keep = KEEP_NONE
    prefix_required: bool = False
    not_after: str = ""
    """Characters that may not directly precede the core (besides letters and digits)."""
    trigger: re.Pattern[str] | None = None
    """Cheap regex for the positions where the core can start; None scans with the core."""
    lower: bool = False
    """Run the trigger on an ASCII-lowercased copy (same offsets) of the text."""
    words: tuple[str, ...] = ()
    """With `T_WORDS`: only the positions where one of these words starts."""


SPECS: tuple[Spec, ...] = (
    Spec(C_RANGE_DM, range_days, 9, re.compile(PRE, FLAGS), keep("pre"), trigger=T_DIGITS),
    Spec(C_RANGE_MD, range_days, 9, re.compile(PRE, FLAGS), keep("pre"), trigger=T_MONTH),
    Spec(C_ISO, iso, 9, not_after="-/.", trigger=T_DIGITS),
    Spec(
        C_NUMERIC_RANGE,
        numeric_range,
        9,
        re.compile(PRE, FLAGS),
        keep("pre"),
        prefix_required=True,
        not_after="/.",
        trigger=T_DIGITS,
    ),
    Spec(C_NUMERIC, numeric, 8, not_after="/.", trigger=T_DIGITS),
    Spec(C_DATE_DMY, date, 8, P_DATE_DMY, keep("wd", "the"), trigger=T_DIGITS),
    Spec(C_DATE_MDY, date, 8, P_WD, keep("wd"), trigger=T_MONTH),
    Spec(
        C_MONTH_RANGE,
        month_range,
        7,
        re.compile(PRE, FLAGS),
        keep("pre"),
        prefix_required=True,
        trigger=T_MONTH,
    ),
    Spec(
        C_YEAR_RANGE,
        year_range,
        7,
        re.compile(PRE, FLAGS),
        keep("pre"),
        not_after="-/.",
        trigger=T_DIGITS,
    ),
    Spec(C_MONTH_YEAR, month_year, 6, P_MOD, keep("mod"), trigger=T_MONTH),
    Spec(C_MONTH_REL_YEAR, month_rel_year, 6, P_MOD, keep("mod"), trigger=T_MONTH),
    Spec(C_RELATIVE, relative, 6, P_RELATIVE, keep("mod"), trigger=T_RELATIVE, lower=True),
    Spec(C_AGO, ago, 6, P_AGO, keep("n"), prefix_required=True, trigger=T_AGO, lower=True),
    Spec(
        C_BEFORE,
        before,
        6,
        P_BEFORE,
        keep("det"),
        prefix_required=True,
        trigger=T_BEFORE,
        lower=True,
    ),
    Spec(C_VAGUE, vague, 5, trigger=T_VAGUE, lower=True),
    Spec(C_DEICTIC, deictic, 5, trigger=T_DEICTIC, lower=True),
    Spec(
        C_WEEKEND,
        weekend,
        4,
        P_WEEKEND,
        keep("det"),
        prefix_required=True,
        trigger=T_WEEKEND,
        lower=True,
    ),
    Spec(C_WEEKDAY, weekday, 4, P_WEEKDAY, keep("mod")),
    Spec(C_MONTH_CTX, month_ctx, 3, P_MONTH_CTX, keep("part", "ctx", "mod"), prefix_required=True),
    Spec(
        C_YEAR,
        year_ctx,
        3,
        P_YEAR_CTX,
        keep_year_ctx,
        # a bare year is a year too ("sales for 2025"): counts ("2000 people") are kept
        # out by the core's lookahead, amounts by `not_after`
        not_after="/.,$#£€",
        trigger=T_DIGITS,
    ),
    Spec(
        C_QUARTER,
        period,
        7,
        P_PERIOD,
        keep("det", "adj"),
        trigger=T_WORDS,
        words=("first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th"),
        lower=True,
    ),
    Spec(
        C_HALF,
        period,
        7,
        P_PERIOD,
        keep("det", "adj"),
        trigger=T_WORDS,
        words=("first", "second", "last"),
        lower=True,
    ),
    Spec(C_QN, qn, 7, trigger=T_QN),
    Spec(
        C_QREF,
        qref,
        5,
        P_QREF,
        keep("det", "adj"),
        prefix_required=True,
        trigger=T_WORDS,
        words=("quarter", "period"),
        lower=True,
    ),
    Spec(C_YEAR_AGO, year_ago, 4, trigger=T_YEAR_AGO, lower=True),
    Spec(
        C_SPELLED_YEAR,
        spelled_year,
        6,
        P_THE_YEAR,
        keep("det"),
        trigger=T_WORDS,
        words=("nineteen", "eighteen", "two thousand"),
        lower=True,
    ),
    Spec(
        C_YEAR_WORD,
        year_word,
        6,
        P_THE,
        keep("det"),
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
        decade_word,
        6,
        P_THE,
        keep("det"),
        trigger=T_WORDS,
        words=("eighties", "nineties", "seventies", "sixties"),
        lower=True,
    ),
    Spec(
        C_PRESENT,
        present,
        3,
        P_PRESENT,
        keep(),
        trigger=T_WORDS,
        words=("now", "currently"),
        lower=True,
    ),
    Spec(
        C_SEASON,
        season,
        6,
        P_SEASON,
        keep("det", "mod"),
        trigger=T_WORDS,
        words=("spring", "summer", "autumn", "fall", "winter"),
        lower=True,
    ),
    Spec(C_DECADE, decade, 6, P_DECADE, keep("det", "mod"), not_after="$", trigger=T_DIGITS),
    Spec(C_DECADE, decade, 6, P_DECADE, keep("det", "mod"), trigger=T_APOSTROPHE_DECADE),
    Spec(C_CLOCK, clock, 6, not_after=":.", trigger=T_DIGITS),
    Spec(C_CLOCK, clock, 6, trigger=T_WORDS, words=("noon", "midnight"), lower=True),
    Spec(C_PART_DAY, clock, 5, trigger=T_WORDS, words=("mid", "late", "early"), lower=True),
)
