"""From ranked passages to the page the user sees, whatever ranked them: near-duplicate
copies grouped into one hit ("also in N other sources"), one hit per article when asked,
and each hit's snippet, highlights, date and source.

Two passages of different articles are one hit when their folded words are the same up
to small edits (a syndicated copy): the better-ranked one is shown, the others listed
under it as `also_in`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Protocol

from rapidfuzz import fuzz

from index.models import AlsoIn, DateAnchor, Passage
from index.search.highlight import make_snippet, match_spans, phrase_spans
from index.text.words import ACCENTS

Fields = Mapping[str, Any]
"""A passage as the index stores it: article_id, file, title, paragraph, start, end, body."""
AnchorsProvider = Callable[[], Mapping[str, DateAnchor]]

DUPLICATE_SLACK = 10
"""Candidates fetched beyond a page, so that hits folded into another as its copies
leave the page still full (and the page's hits collect copies ranked just after it)."""
DUPLICATE_SIMILARITY = 90.0
"""Two passages of different articles with this rapidfuzz ratio (of 100) on their folded
text are one passage (a syndicated copy, up to small edits)."""
DUPLICATE_SHARED_WORDS = 0.7
"""Copies share at least this share of their distinct words (checked before the ratio)."""
DUPLICATE_MIN_CHARS = 40
"""Shorter passages ("Share this", a one-line quote) repeat without being copies."""
_WORDS = re.compile(r"\w+")


class Record(Protocol):
    """What a hit shows of its article's manifest record."""

    @property
    def place(self) -> str | None: ...

    @property
    def source(self) -> str | None: ...

    @property
    def parsed_date(self) -> dt.date | None: ...


@dataclass(frozen=True, slots=True)
class Marks:
    """What a page's hits highlight: words by stem or folded form, and phrases (marked
    only where their words stand in this order)."""

    stems: frozenset[str]
    folded: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()


@dataclass
class Page:
    """One hit of the page being built, with the copies folded into it."""

    score: float
    fields: Fields
    key: str
    copies: list[Fields] = field(default_factory=list)

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(self.key.split())


def page_of(
    ranked: Iterable[tuple[float, Fields]], limit: int, *, group_by_article: bool
) -> tuple[list[Page], set[str]]:
    """The first `limit` hits of `ranked` (best first) with their copies, and the
    articles seen: a near-copy of a hit joins it, and with `group_by_article` only the
    best passage of each article is kept."""
    pages: list[Page] = []
    seen: set[str] = set()
    for score, fields in ranked:
        key = duplicate_key(fields.get("body", ""))
        copy_of = duplicate_of(pages, fields, key)
        if copy_of is not None:
            copy_of.copies.append(fields)
            continue
        if len(pages) >= limit:
            continue  # (only copies of the page's hits are still wanted)
        if group_by_article:
            if fields["article_id"] in seen:
                continue
            seen.add(fields["article_id"])
        pages.append(Page(score, fields, key))
    return pages, seen


def shown_articles(hits: Iterable[Passage]) -> set[str]:
    """The articles a page shows already, as hits or as a hit's copies: a lead passage
    (an article found by its title or source alone) is added only for another article,
    so a copy listed under a hit never comes back as a hit of its own."""
    return {a for hit in hits for a in (hit.article_id, *(c.article_id for c in hit.also_in))}


@lru_cache(maxsize=4096)
def duplicate_key(text: str) -> str:
    """Folded words only: copies differ in spacing, quotes and accents. (Cached: the
    same passages come back keystroke after keystroke; and the accent table, a Python
    lookup per character, is skipped for ASCII text, which it leaves as it is once
    lowercased.)"""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = lowered.translate(ACCENTS)
    return " ".join(_WORDS.findall(lowered))


def duplicate_of(pages: list[Page], fields: Fields, key: str) -> Page | None:
    """The hit this passage (its `duplicate_key`) is a near-copy of (another article's,
    same text up to small edits), if any."""
    if len(key) < DUPLICATE_MIN_CHARS:
        return None
    words: frozenset[str] | None = None
    size, share, article_id = len(key), DUPLICATE_SIMILARITY / 100, fields["article_id"]
    for page in pages:
        page_size = len(page.key)
        if page_size < size * share or size < page_size * share:
            continue  # the shorter cannot reach the ratio: not worth comparing
        if page.fields["article_id"] == article_id:
            continue
        words = words if words is not None else frozenset(key.split())
        shared = len(words & page.words)  # (the union's size follows: one set operation)
        if shared < DUPLICATE_SHARED_WORDS * (len(words) + len(page.words) - shared):
            continue  # different words: no copy (a set check, far cheaper than the ratio)
        if fuzz.ratio(page.key, key, score_cutoff=DUPLICATE_SIMILARITY):
            return page
    return None


def passage(
    fields: Fields,
    score: float,
    rank: int,
    marks: Marks,
    record: Record | None,
    anchor: DateAnchor | None,
) -> Passage:
    """One hit: the stored passage with its snippet, highlights, date and source."""
    body = fields.get("body", "")
    spans = match_spans(body, marks.stems, marks.folded)
    if marks.phrases:
        marked = set(spans)
        spans = sorted(marked.union(phrase_spans(body, marks.phrases)), key=lambda s: s.start)
    snippet, snippet_spans = make_snippet(body, spans)
    matched = tuple(dict.fromkeys(body[s.start : s.end] for s in spans))
    date = anchor.date if anchor else (record.parsed_date if record else None)
    return Passage(
        article_id=fields["article_id"],
        file=fields.get("file", ""),
        title=fields.get("title", ""),
        paragraph=int(fields.get("paragraph", 0)),
        start=int(fields.get("start", 0)),
        end=int(fields.get("end", 0)),
        text=body,
        score=float(score or 0.0),
        rank=rank,
        snippet=snippet,
        highlights=snippet_spans,
        text_highlights=tuple(spans),
        matched_terms=matched,
        place=record.place if record else (fields.get("place") or None),
        date=date if isinstance(date, dt.date) else None,
        source=record.source if record else None,
    )


def also_in(fields: Fields, record: Record | None) -> AlsoIn:
    """A copy of a hit, as listed under it."""
    return AlsoIn(
        article_id=fields["article_id"],
        file=fields.get("file", ""),
        paragraph=int(fields.get("paragraph", 0)),
        source=record.source if record else None,
    )
