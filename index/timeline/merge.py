"""Merge candidate events from different articles that state the same thing on the
same dates: same story (for a single day) or shared salient terms, transitively."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from index.timeline.events import Candidates
from index.timeline.stories import FUZZY_ALLOWANCE, LARGE_CORPUS, Profiles, same_story


class Similarity:
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


def _same_statement(i: int, j: int, c: Candidates, terms: Terms, sim: Similarity) -> bool:
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


def _candidate_pairs(members: Sequence[int], c: Candidates) -> Iterator[tuple[int, int]]:
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
    members: Sequence[int], c: Candidates, terms: Terms, sim: Similarity, uf: _UnionFind
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


def cluster(c: Candidates, sim: Similarity) -> list[list[int]]:
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
