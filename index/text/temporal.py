"""Find time expressions in article text and parse them into an unresolved form.

`extract_raw` runs once per article at index time and its output is cached as
JSON (`index.text.temporal_json`), so it must not depend on the article's date: every
expression is parsed into a record of its kind (`index.text.temporal_record`: day,
month, year, weekday, relative unit/offset, range ends, qualifiers) and resolution
against a date happens later, in `index.timeline.resolve`.

The tagger is a handful of precompiled regular expressions whose candidate
matches are reconciled longest-first.  Matching is deliberately conservative:
month names must be capitalised and, when they stand alone, need a context word
("in June", "since May") so the modal "may" or the verb "March" are never dates;
years need a context word ("in 2023", "since 2012") so counts like "2000 people"
are not years; weekdays preceded by a capitalised word ("Good Friday") are names.

The rules are tables: patterns and vocabulary in `temporal_rules`, the builders that
turn a match into an expression in `temporal_dates` and `temporal_periods`, the rule
list in `temporal_specs`; this module runs them over a text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from index.corpus.frontmatter import parse_front_matter
from index.text.temporal_record import (
    Date,
    DayRange,
    Expression,
    Groups,
    Meaning,
    MonthRange,
    Period,
    RawExpr,
    Relative,
    Year,
    YearRange,
)
from index.text.temporal_rules import (
    ASCII_LOWER,
    C_WEEKDAY,
    CAPITALISED_WORD_BEFORE,
    ENDED_BEFORE,
    FUTURE_CUE,
    LONGER_PERIOD,
    NAME_OK_BEFORE,
    PAST_WORD,
    PREFIX_WINDOW,
    RECURRING_BEFORE,
    SINCE_BEFORE,
    TRIGGER_WORDS,
)
from index.text.temporal_specs import SPECS, Spec

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
    pm = spec.prefix.search(text, max(floor, start - PREFIX_WINDOW), start)
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
    return lower if len(lower) == len(text) else text.translate(ASCII_LOWER)


def _candidates(text: str) -> Iterator[tuple[int, int, int, Meaning]]:
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
    if RECURRING_BEFORE.search(before):
        return False
    word = CAPITALISED_WORD_BEFORE.search(before)
    if word and word.group(1).lower().rstrip(".,") not in NAME_OK_BEFORE:
        # Capitalised word right before a weekday: part of a name unless it ends a sentence.
        return word.group(1).endswith((".", ",", ":", ";"))
    return True


def _select(cands: list[tuple[int, int, int, Meaning]]) -> list[tuple[int, int, Meaning]]:
    """Keep the longest (then most specific) candidates that do not overlap."""
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping
    chosen: list[tuple[int, int, Meaning]] = []
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


def _cues(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Tense cues (future, past) from the surrounding clause, for ambiguous directions."""
    before = _clause_before(text, start)
    after = text[end : end + 60]
    after = after[: m.start()] if (m := _SENTENCE_EDGE.search(after)) else after
    future = bool(FUTURE_CUE.search(before))
    past = not future and bool(PAST_WORD.search(before[-60:]))
    return future, past


def extract_raw(text: str) -> list[RawExpr]:
    """Tag every time expression in `text`, unresolved (no date needed).

    Each has its offsets into `text`, its text and its meaning (one record per kind,
    `index.text.temporal_record`); `open` marks "since X"; `future_cue`/`past_cue`
    record the clause's tense for later resolution.
    """
    if not text:
        return []
    out: list[RawExpr] = []
    for start, end, meaning in _select(list(_candidates(text))):
        since_x = False
        if not isinstance(meaning, _RANGES):
            since = SINCE_BEFORE.search(text, max(0, start - 12), start)
            if since:
                start = since.start()
            since_x = bool(since) or text[start:end].lower().startswith("since")
        future, past = _cues(text, start, end)
        if isinstance(meaning, Date) and ENDED_BEFORE.search(text, max(0, start - 8), start):
            meaning = replace(meaning, ended=True)  # a period gone ("the year ended Jan. 31")
        out.append(Expression(start, end, text[start:end], meaning, since_x, future, past))
    return _quarter_context(out, text)


_RANGES = (DayRange, MonthRange, YearRange)

QUARTER_REACH = 2000
"""How far (characters) after a named quarter "a year earlier" still means that quarter."""


def _quarter_context(out: list[RawExpr], text: str) -> list[RawExpr]:
    """Quarters named without their number ("the quarter", "the year-ago quarter") take
    the last one the article named; in an article about a quarter, "a year earlier"
    and "year-ago" mean that quarter a year before (TimeML's reading of earnings news).
    Once a longer period is named after the quarter ("for the nine months"), they
    compare that period instead: then they are the year before.
    Text only: the calendar comes later, in `index.timeline.resolve`."""
    last_n: int | None = None
    last_end = -QUARTER_REACH
    quarter_end = 0  # where the last quarter, numbered or not, was named
    kept: list[RawExpr] = []
    for r in out:

        def longer(start: int = r.start, since: int = quarter_end) -> bool:  # when asked
            return LONGER_PERIOD.search(text, since, start) is not None

        p = r.meaning
        if isinstance(p, Period) and p.unit == "quarter":
            if p.n is not None:
                last_n, last_end = p.n, r.end
            elif last_n is not None and p.rel not in ("latest", "this"):
                r = replace(r, meaning=(p := replace(p, ctx_n=last_n)))
            if p.needs_quarter and (
                last_n is None or r.start - last_end >= QUARTER_REACH or longer()
            ):
                if p.year is not None and longer():
                    r = replace(r, meaning=Year(p.year, None))
                elif r.text.lower() in ("year-ago", "year-earlier") or longer():
                    # about the year, not a quarter ("year-earlier sales")
                    r = replace(r, meaning=Relative("year", p.shift))
                else:
                    continue
            else:
                if p.needs_quarter:
                    r = replace(r, meaning=replace(p, needs_quarter=False))
                quarter_end = r.end
        elif (
            last_n is not None
            and r.start - last_end < QUARTER_REACH
            and isinstance(p, Relative)
            and p.unit == "year"
            and p.offset == -1
            and r.text.lower() in {"a year earlier", "a year ago", "the year before"}
            and not longer()
        ):
            r = replace(r, meaning=Period("quarter", None, None, -1, None, ctx_n=last_n))
        kept.append(r)
    return kept
