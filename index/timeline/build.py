"""Resolve time expressions against article anchors and build the event timeline.

Pipeline: `index.text.temporal.extract_raw` (cached, date-free) -> `index.timeline.anchors`
(each article's date) -> `resolve_expressions` (calendar dates with a
granularity) -> one candidate event per expression, carrying the sentence or
clause it belongs to -> merge candidates from different articles that state
the same thing on the same dates -> order.

Merging is generic: two candidates merge when they come from different
articles, cover the same dates with the same granularity, and either the
articles report the same story (for a single day) or their clauses share
salient terms.  "This week" stays a week: folding it into a day of that week
dated it more precisely than the article did.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from dateutil.relativedelta import relativedelta

from index.models import (
    Article,
    DateAnchor,
    EventSource,
    Granularity,
    TimeExpression,
    Timeline,
    TimelineEvent,
)
from index.text.temporal import RawExpr
from index.timeline.anchors import (
    FUZZY_ALLOWANCE,
    LARGE_CORPUS,
    RD_WEEKDAYS,
    AnchorFinder,
    Profiles,
    capitalised_names,
    content_terms,
    fold,
    forget_words,
    same_story,
)

Resolved = tuple[Granularity, dt.date | None, dt.date | None]
VAGUE: Resolved = ("vague", None, None)

# --- sentences and clauses -----------------------------------------------------

_ABBREVIATION_TEXT = """
    mr mrs ms dr prof capt gen col lt sgt maj cpl adm cmdr brig gov sen rep pres st jr sr
    rev hon mt ft no nos vs etc inc ltd co corp dept univ est approx fig jan feb mar apr jun
    jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m al
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_BOUNDARY = re.compile(r"\n+|[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_SEPARATORS: tuple[re.Pattern[str], ...] = (
    re.compile(r";\s*"),
    re.compile(r"\s+[—–]\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+(?:and|but|while|whereas)\s+"),
)
_LEADING_JUNK = re.compile(r"(?:[,;:—–\s]+|(?:and|but|while|whereas)\s+)+", re.IGNORECASE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets; abbreviations ("Capt.", "Dec.") and initials don't split.

    Line breaks always end a sentence: titles, datelines and paragraphs are
    separate lines in the corpus.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group()[0] != "\n":
            word = _WORD_BEFORE.search(text, max(0, m.start() - 20), m.start())
            token = word.group(1).lower() if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
            if "." in token and len(token) <= 5 and token.replace(".", "").isalpha():
                continue  # "U.S." style acronyms and "J.R." initials
        end = m.end() if m.group()[0] != "\n" else m.start()
        _push(text, start, end, spans)
        start = m.end()
    _push(text, start, len(text), spans)
    return spans


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _split_point(text: str, a: int, b: int) -> int | None:
    """Where to cut between two expressions: the strongest separator in text[a:b]."""
    for pattern in _SEPARATORS:
        m = pattern.search(text, a, b)
        if m:
            return m.start()
    return None


def context_spans(text: str, exprs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each expression, its sentence, or its clause when the sentence holds several.

    Clauses are cut at the strongest separator (";", dash, comma, conjunction)
    between neighbouring expressions, so each event shows what its own date
    refers to ("formed the AES in 2023" / "withdrew ... last year").
    """
    sentences = sentence_spans(text)
    starts = [s for s, _ in sentences]
    out: list[tuple[int, int]] = []
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for i, (s, _e) in enumerate(exprs):
        k = max(0, _bisect_right(starts, s) - 1)
        by_sentence[k].append(i)
    result: dict[int, tuple[int, int]] = {}
    for k, members in by_sentence.items():
        sent_start, sent_end = sentences[k] if sentences else (0, len(text))
        members.sort(key=lambda i: exprs[i][0])
        cuts = [
            _split_point(text, exprs[members[j]][1], exprs[members[j + 1]][0])
            for j in range(len(members) - 1)
        ]
        for j, i in enumerate(members):
            left = next((c for c in reversed(cuts[:j]) if c is not None), sent_start)
            right = next((c for c in cuts[j:] if c is not None), sent_end)
            result[i] = _tidy(text, left, right)
    for i in range(len(exprs)):
        out.append(result[i])
    return out


def _bisect_right(values: Sequence[int], x: int) -> int:
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < values[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim separators and leading conjunctions so the clause reads on its own."""
    junk = _LEADING_JUNK.match(text, start, end)
    if junk:
        start = junk.end()
    while end > start and text[end - 1] in " ,;:—–\n\t":
        end -= 1
    return start, end


# --- resolution -----------------------------------------------------------------


def _month_last(d: dt.date) -> dt.date:
    return d + relativedelta(day=31)


def _year_span(year: int) -> Resolved:
    return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month_span(year: int, month: int) -> Resolved:
    first = dt.date(year, month, 1)
    return "month", first, _month_last(first)


def nearest_year(month: int, day: int, anchor: dt.date, future: bool = False) -> dt.date | None:
    """The day-month in the year that puts it nearest the anchor, leaning to the past.

    News mostly reports what happened, so a future date counts double its
    distance: "5 January" in a 23 December article is next month, but "20 June"
    is the June just gone rather than the one six months ahead.  With a future
    cue ("will meet on 5 January") the first occurrence on or after the anchor
    is taken instead.
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
    return min(
        options, key=lambda d: (abs((d - anchor).days) * (2 if d > anchor else 1), d > anchor)
    )


def _nearest_month(month: int, anchor: dt.date, raw: RawExpr) -> int:
    """Year for a bare month: "last June" / "next June" / nearest to the anchor."""
    direction = raw.get("direction")
    if direction == "past":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "future" or (raw.get("future_cue") and direction is None):
        return anchor.year if month > anchor.month else anchor.year + 1
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


def _date_order(article_raw: Sequence[RawExpr]) -> str:
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
    found = nearest_year(month, day, anchor, bool(raw.get("future_cue")))
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
    order = _date_order(raw)
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


# --- events ------------------------------------------------------------------------

_EXPLICIT_KINDS = frozenset({"date", "range", "year", "month"})
_DIRECTION_ORDER = {"past": 0, "present": 1, "this": 1, None: 1, "future": 2}
_UNIT_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, "decade": 4, None: 5}


class _Candidates:
    """Every candidate event (one per expression) by column, in corpus order.

    An object per candidate (its expression, article, raw dict and set of terms)
    cost about 2 kB each, 80,000 of them at 10k articles; here a candidate is a
    few machine integers and references to shared objects.  Candidate `i` is the
    i-th entry of every column.
    """

    def __init__(self) -> None:
        self.article = array("i")
        """The article's position in the corpus."""
        self.start = array("i")
        self.end = array("i")
        self.sentence_start = array("i")
        self.sentence_end = array("i")
        self.expression: list[str] = []
        self.context: list[str] = []
        """The expression's sentence or clause: the event's text when it states it."""
        self.terms: list[tuple[str, ...]] = []
        """Salient terms of the clause, without the expression itself (sets only while
        their same-dated group is merged: a set takes four times the tuple)."""
        self.granularity: list[Granularity] = []
        self.first_day: list[dt.date | None] = []
        self.last_day: list[dt.date | None] = []
        self.explicit = bytearray()
        self.direction = bytearray()
        """`_DIRECTION_ORDER` of the expression's direction (how a vague event sorts)."""
        self.unit = bytearray()
        """`_UNIT_ORDER` of its unit."""
        self._shared: dict[object, Any] = {}

    def __len__(self) -> int:
        return len(self.article)

    def _share(self, value: Any) -> Any:
        """One object for equal expression texts and dates (thousands say "last year")."""
        return self._shared.setdefault(value, value)

    def add(
        self, n: int, article: Article, raw: Sequence[RawExpr], anchor: DateAnchor | None
    ) -> str:
        """The n-th article's candidates, resolved when its anchor is known (else vague
        until `resolve`); returns the article's date order (`_date_order`)."""
        order = _date_order(raw)
        text = article.text
        date = anchor.date if anchor is not None else None
        contexts = context_spans(text, [(r["start"], r["end"]) for r in raw])
        texts: dict[tuple[int, int], str] = {}
        resolved = resolve_all(raw, date, order) if anchor is not None else [VAGUE] * len(raw)
        for r, span, (granularity, first, last) in zip(raw, contexts, resolved, strict=True):
            start, end = r["start"], r["end"]
            c_start, c_end = span
            self.article.append(n)
            self.start.append(start)
            self.end.append(end)
            self.sentence_start.append(c_start)
            self.sentence_end.append(c_end)
            self.expression.append(self._share(r["text"]))
            context = texts.get(span)
            if context is None:
                context = texts[span] = text[c_start:c_end]
            self.context.append(context)
            clause = text[c_start:start] + " " + text[end:c_end]
            self.terms.append(tuple({*content_terms(clause), *capitalised_names(clause)}))
            self.explicit.append(r.get("kind") in _EXPLICIT_KINDS)
            self.direction.append(_DIRECTION_ORDER.get(r.get("direction"), 1))
            self.unit.append(_UNIT_ORDER.get(r.get("unit"), 5))
            self.granularity.append(granularity)
            self.first_day.append(self._share(first))
            self.last_day.append(self._share(last))
        return order

    def resolve(self, first: int, raw: Sequence[RawExpr], date: dt.date | None, order: str) -> None:
        """Resolve an article's candidates (from the `first`) now that its date is known."""
        resolved = resolve_all(raw, date, order)
        for i, (granularity, first_day, last_day) in enumerate(resolved, first):
            self.granularity[i] = granularity
            self.first_day[i] = self._share(first_day)
            self.last_day[i] = self._share(last_day)


class _Similarity:
    """Whether two articles (by position) report the same story, asked only by pairs
    that could merge.

    Pairs are always compared in corpus order (earlier article first), so the
    answer does not depend on which candidate asked first.  The answers are kept
    until `SIMILARITY_KEPT` of them are: the same pair is asked again soon or not
    at all (at 10k articles, 1.5 million questions about 450,000 pairs; keeping
    every answer took 35 MB, keeping 64k asks only 2% more of `same_story`).
    """

    def __init__(self, profiles: Profiles) -> None:
        self._n = len(profiles)
        self._profile = profiles.at
        self._allowance = FUZZY_ALLOWANCE if self._n > LARGE_CORPUS else None
        self._cache: dict[int, bool] = {}

    def __call__(self, i: int, j: int) -> bool:
        if i > j:
            i, j = j, i
        key = i * self._n + j
        got = self._cache.get(key)
        if got is None:
            if len(self._cache) >= SIMILARITY_KEPT:
                self._cache.clear()
            got = self._cache[key] = same_story(self._profile(i), self._profile(j), self._allowance)
        return got


SIMILARITY_KEPT = 1 << 16

Terms = Mapping[int, frozenset[str]]
"""The salient terms of a same-dated group's candidates, as sets."""


def _same_statement(i: int, j: int, c: _Candidates, terms: Terms, sim: _Similarity) -> bool:
    """Whether two same-dated candidates from different articles state the same thing.

    Same story (for a single day) or shared salient terms; the clause terms are
    compared first as they often settle it without the article similarity.
    """
    a, b = c.article[i], c.article[j]
    if a == b:
        return False
    x, y = terms[i], terms[j]
    shared = len(x & y)
    overlap = shared / (min(len(x), len(y)) or 1)
    if shared >= 3 and overlap >= 0.5:
        return True
    if c.granularity[i] != "day" and not (shared >= 2 or (shared >= 1 and overlap >= 0.5)):
        return False
    return sim(a, b)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


SMALL_GROUP = 64
"""Same-dated groups up to this size compare every pair; larger ones go through a term index."""
MAX_POSTING = 50


def _candidate_pairs(members: Sequence[int], c: _Candidates) -> Iterator[tuple[int, int]]:
    """Pairs worth comparing in one same-dated group.

    On a 10,000-article corpus thousands of clauses say "last year"; comparing
    them all is quadratic, so large groups only pair clauses sharing a term
    that is not itself common within the group.
    """
    if len(members) <= SMALL_GROUP:
        for pos, i in enumerate(members):
            for j in members[pos + 1 :]:
                yield i, j
        return
    postings: dict[str, list[int]] = defaultdict(list)
    for i in members:
        for term in c.terms[i]:
            postings[term].append(i)
    for posting in postings.values():
        if len(posting) > MAX_POSTING:
            continue
        for pos, i in enumerate(posting):
            for j in posting[pos + 1 :]:
                yield i, j  # a pair sharing two rare terms comes twice: harmless, and no set


def _merge_day(
    members: Sequence[int], c: _Candidates, terms: Terms, sim: _Similarity, uf: _UnionFind
) -> None:
    """`_same_statement` over every pair of a small single-day group, article by article.

    For a single day the same story settles it, so each pair of articles is
    asked once; only pairs of different stories compare their clauses.
    """
    by_article: dict[int, list[int]] = defaultdict(list)
    for i in members:
        by_article[c.article[i]].append(i)
    groups = list(by_article.items())
    for pos, (a, mine) in enumerate(groups):
        for b, theirs in groups[pos + 1 :]:
            if sim(a, b):
                for j in theirs:
                    uf.union(j, mine[0])
                for i in mine[1:]:
                    uf.union(i, mine[0])
                continue
            for i in mine:
                x = terms[i]
                if len(x) < 3:
                    continue
                for j in theirs:
                    if _shares_terms(x, terms[j]) and uf.find(i) != uf.find(j):
                        uf.union(i, j)


def _shares_terms(x: frozenset[str], y: frozenset[str]) -> bool:
    """Clauses sharing at least three salient terms, half of the shorter one's."""
    shared = len(x & y)
    return shared >= 3 and shared / (min(len(x), len(y)) or 1) >= 0.5


def _cluster(c: _Candidates, sim: _Similarity) -> list[list[int]]:
    """Group candidates into events: same dates and same statement, transitively."""
    by_dates: dict[tuple[str, dt.date | None, dt.date | None], list[int]] = defaultdict(list)
    for i, (granularity, first, last) in enumerate(
        zip(c.granularity, c.first_day, c.last_day, strict=True)
    ):
        if granularity != "vague":
            # a time of day ("Tuesday morning") is its day: it merges with that day's event
            by_dates["day" if granularity == "time" else granularity, first, last].append(i)
    uf = _UnionFind(len(c))
    for (kind, _first, _last), members in by_dates.items():
        terms = {i: frozenset(c.terms[i]) for i in members}
        if kind == "day" and len(members) <= SMALL_GROUP:
            _merge_day(members, c, terms, sim, uf)
            continue
        for i, j in _candidate_pairs(members, c):
            if uf.find(i) != uf.find(j) and _same_statement(i, j, c, terms, sim):
                uf.union(i, j)
    del by_dates
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(c)):
        groups[uf.find(i)].append(i)
    return list(groups.values())


def _events(
    c: _Candidates, clusters: list[list[int]], anchors: Sequence[DateAnchor]
) -> tuple[TimelineEvent, ...]:
    """Each cluster as one event, stated by its representative (the source whose
    sentence best states it: explicit dates, surest anchor), in `_Order`.

    `clusters` is emptied as the events are made (each list is let go once its event
    holds its sources)."""
    ids = [a.article_id for a in anchors]
    files = [a.file for a in anchors]
    confidence = [a.confidence for a in anchors]
    offsets: dict[int, int] = {}  # one object per offset value, as the cache loads them
    article, start, granularity = c.article, c.start, c.granularity
    order = _Order(ids, max(start, default=0))

    def representative(i: int) -> tuple[object, ...]:
        return (
            not c.explicit[i],
            granularity[i] == "week",
            -confidence[article[i]],
            ids[article[i]],
            start[i],
        )

    def source(i: int) -> EventSource:
        a = article[i]
        return EventSource(
            ids[a],
            files[a],
            offsets.setdefault(start[i], start[i]),
            offsets.setdefault(c.end[i], c.end[i]),
            c.expression[i],
            offsets.setdefault(c.sentence_start[i], c.sentence_start[i]),
            offsets.setdefault(c.sentence_end[i], c.sentence_end[i]),
        )

    events: list[TimelineEvent] = []
    keys: list[int] = []
    clusters.reverse()
    while clusters:
        cluster = clusters.pop()
        rep = min(cluster, key=representative)
        dated = next((i for i in cluster if granularity[i] != "week"), cluster[0])
        members = sorted(cluster, key=lambda i: (ids[article[i]], start[i]))
        first, last = c.first_day[dated], c.last_day[dated]
        events.append(
            TimelineEvent(
                first, last, granularity[dated], c.context[rep], tuple(source(i) for i in members)
            )
        )
        keys.append(order.key(first, last, c, rep))
    ranks = sorted(range(len(events)), key=keys.__getitem__)
    return tuple(events[r] for r in ranks)


class _Order:
    """The timeline's order as one integer per event (a tuple of seven took 20 MB at 10k).

    Dated events by start, coarser first, open spans by their start; vague ones last,
    past before future, by unit; then explicit before relative, then by article and
    offset.  That is the tuple (0, first_day, 0, -span, relative, article id, start)
    for a dated event and (1, date.max, direction, unit, relative, article id, start)
    for a vague one, written as digits of one number, each in a radix above its largest
    value, so that numbers compare as the tuples do.
    """

    _MAX_DAY = dt.date.max.toordinal()
    _DAYS = _MAX_DAY + 1
    _FOURTH = _MAX_DAY + len(_UNIT_ORDER)
    """Radix of the fourth digit: a unit, or the span below the longest possible."""

    def __init__(self, ids: Sequence[str], last_offset: int) -> None:
        rank_of = {article_id: n for n, article_id in enumerate(sorted(set(ids)))}
        self._rank = [rank_of[article_id] for article_id in ids]
        self._articles = len(rank_of) or 1
        self._offsets = last_offset + 1

    def key(self, first: dt.date | None, last: dt.date | None, c: _Candidates, rep: int) -> int:
        """The number for the event dated `first`-`last` and stated by candidate `rep`."""
        if first is None:
            flag, day, direction, fourth = 1, self._MAX_DAY, c.direction[rep], c.unit[rep]
        else:
            span = ((last or dt.date.max) - first).days
            flag, day, direction, fourth = 0, first.toordinal(), 0, self._MAX_DAY - span
        n = (flag * self._DAYS + day) * 3 + direction
        n = n * self._FOURTH + fourth
        n = n * 2 + (not c.explicit[rep])
        n = n * self._articles + self._rank[c.article[rep]]
        return n * self._offsets + c.start[rep]


def build_timeline(
    articles: Sequence[Article], raw: Mapping[str, list[RawExpr]], today: dt.date | None = None
) -> Timeline:
    """Anchors for every article and the merged, ordered events they mention."""
    return build_timeline_from(((a, raw.get(a.id, [])) for a in articles), today)


def build_timeline_from(
    articles: Iterable[tuple[Article, Sequence[RawExpr]]],
    today: dt.date | None = None,
    user_dates: Mapping[str, dt.date] | None = None,
) -> Timeline:
    """`build_timeline` over (article, its expressions) pairs taken one at a time.

    Nothing of an article is kept but its profile (tuples of words), its candidate
    events by column and, only when it does not date itself, its text and clues
    until it has borrowed a date.  Holding every article, its expressions and an
    object per candidate made the build peak at 630 MB at 10k articles.
    """
    anchors, candidates, similarity = _read(articles, today or dt.date.today(), user_dates)
    clusters = _cluster(candidates, similarity)
    del similarity  # the article profiles
    candidates.terms = []
    return Timeline(anchors, _events(candidates, clusters, anchors))


def _read(
    articles: Iterable[tuple[Article, Sequence[RawExpr]]],
    today: dt.date,
    user_dates: Mapping[str, dt.date] | None = None,
) -> tuple[tuple[DateAnchor, ...], _Candidates, _Similarity]:
    """Every article's anchor, the candidates resolved against them, and the articles'
    similarity (their profiles), reading each article once."""
    finder = AnchorFinder(today, user_dates)
    profiles = Profiles()
    candidates = _Candidates()
    undated: list[tuple[int, int, Sequence[RawExpr], str]] = []
    for n, (article, raw) in enumerate(articles):
        profiles.add(article)
        anchor = finder.add(article, raw)
        first = len(candidates)
        order = candidates.add(n, article, raw, anchor)
        if anchor is None and raw:
            undated.append((n, first, raw, order))
    by_id = finder.finish(lambda: profiles)
    forget_words()  # every word has been read
    anchors = tuple(by_id[article_id] for article_id in finder.ids)
    for n, first, raw, order in undated:
        candidates.resolve(first, raw, anchors[n].date, order)
    return anchors, candidates, _Similarity(profiles)


# --- filtering and JSON ------------------------------------------------------------


def filter_timeline(
    timeline: Timeline,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    article_id: str | None = None,
    text: str | None = None,
) -> Timeline:
    """Events overlapping [start, end], citing `article_id`, whose text contains `text`.

    Open spans reach to the end of time; vague events have no dates and so drop
    out as soon as a date bound is given.  Text matching ignores case and accents.
    """
    needle = fold(text) if text else None
    kept = []
    for event in timeline.events:
        if (start or end) and event.first_day is None:
            continue
        last = event.last_day or dt.date.max
        if end is not None and event.first_day is not None and event.first_day > end:
            continue
        if start is not None and last < start:
            continue
        if article_id is not None and all(s.article_id != article_id for s in event.sources):
            continue
        if needle is not None and needle not in fold(event.text):
            continue
        kept.append(event)
    anchors = timeline.anchors
    if article_id is not None:
        anchors = tuple(a for a in anchors if a.article_id == article_id)
    return Timeline(anchors, tuple(kept))


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def anchor_to_json(anchor: DateAnchor) -> dict[str, Any]:
    return {
        "article": anchor.article_id,
        "file": anchor.file,
        "date": _iso(anchor.date),
        "date_source": anchor.date_source,
        "evidence": anchor.evidence,
        "confidence": anchor.confidence,
        "borrowed_from": anchor.borrowed_from,
    }


def event_to_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "start": _iso(event.first_day),
        "end": _iso(event.last_day),
        "granularity": event.granularity,
        "text": event.text,
        "sources": [
            {
                "article": s.article_id,
                "file": s.file,
                "start": s.start,
                "end": s.end,
                "expression": s.expression,
            }
            for s in event.sources
        ],
    }


def timeline_to_json(timeline: Timeline) -> dict[str, list[dict[str, Any]]]:
    """{"anchors": [...], "events": [...]} with ISO dates; safe for json.dumps."""
    return {
        "anchors": [anchor_to_json(a) for a in timeline.anchors],
        "events": [event_to_json(e) for e in timeline.events],
    }
