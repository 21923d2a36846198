"""Facets: how a query's hits spread over collections (the folders searched together),
sources, places and months, each value a filter.

Counted over the best `FACET_HITS` hits of the query, each near-duplicate grouped
under a hit (`also_in`, a syndicated copy) counted as the passage it is, in its own
article: so facets cost one search with a larger limit on either backend, and a
filter finds as many passages as its value counted. Each
value carries the query clause that narrows the search to it (`source:"…"`,
`place:"…"`, `date:YYYY-MM`, `collection:"…"`), so applying a facet is just searching again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from index.models import Passage

FACET_HITS = 1000
"""How many of the best hits facets count (the rest are 'and more' in `Facets.counted`)."""
TOP_VALUES = 9
"""Values kept per facet: one key (1–9) each in the app."""

FacetKind = Literal["collection", "source", "place", "month"]
FACET_KINDS: tuple[FacetKind, ...] = ("collection", "source", "place", "month")


@dataclass(frozen=True, slots=True)
class FacetValue:
    kind: FacetKind
    value: str
    """As shown: a source, a place, or a month as YYYY-MM."""
    count: int
    """Hits (passages) among those counted."""

    @property
    def clause(self) -> str:
        """What to add to the query to keep only these hits."""
        if self.kind == "month":
            return f"date:{self.value}"
        return f'{self.kind}:"{self.value.replace(chr(34), "")}"'


@dataclass(frozen=True, slots=True)
class Counted:
    """What facets know of one passage."""

    source: str | None
    """The source the article names; None when it names none (its file is no source)."""
    place: str | None
    date: dt.date | None
    collection: str | None = None
    """The folder's label when several are searched together (else no facet)."""


@dataclass(frozen=True, slots=True)
class Facets:
    counted: int
    """How many passages the counts cover (the best FACET_HITS hits and their copies)."""
    complete: bool
    """Whether those are all the hits the search shows (else the best FACET_HITS)."""
    source: tuple[FacetValue, ...] = ()
    place: tuple[FacetValue, ...] = ()
    month: tuple[FacetValue, ...] = ()
    collection: tuple[FacetValue, ...] = ()

    def of(self, kind: FacetKind) -> tuple[FacetValue, ...]:
        values = {"source": self.source, "place": self.place, "month": self.month}
        return self.collection if kind == "collection" else values[kind]


def passages_of(
    hits: Iterable[Passage],
    copies: Callable[[str], Counted | None],
    collection_of: Callable[[str], str | None] = lambda _file: None,
) -> Iterator[Counted]:
    """Each passage once: the hits, and the copies grouped under them as their own
    article reads (`copies(article_id)`: None when that article is gone). A passage
    both shown and grouped under another hit is counted once. `collection_of` gives a
    file's folder label (None: one folder, no collection facet)."""
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        if (hit.article_id, hit.paragraph) not in seen:
            seen.add((hit.article_id, hit.paragraph))
            yield Counted(hit.source, hit.place, hit.date, collection_of(hit.file))
        for copy in hit.also_in:
            if (copy.article_id, copy.paragraph) in seen:
                continue
            seen.add((copy.article_id, copy.paragraph))
            found = copies(copy.article_id)
            if found is not None:
                yield found


def count_facets(passages: Iterable[Counted], complete: bool, top: int = TOP_VALUES) -> Facets:
    """The most common values of each facet, most passages first (ties by value, so
    the order is stable). Passages without a named source, a place or a date are left
    out of that facet: a file name is no source (one value per article), and an unknown
    is no value anybody can filter on."""
    counters: dict[FacetKind, Counter[str]] = {kind: Counter() for kind in FACET_KINDS}
    counted = 0
    for passage in passages:
        counted += 1
        if passage.source:
            counters["source"][passage.source] += 1
        if passage.place:
            counters["place"][passage.place] += 1
        if passage.date:
            counters["month"][f"{passage.date:%Y-%m}"] += 1
        if passage.collection:
            counters["collection"][passage.collection] += 1

    def values(kind: FacetKind) -> tuple[FacetValue, ...]:
        ranked = sorted(counters[kind].items(), key=lambda item: (-item[1], item[0]))
        return tuple(FacetValue(kind, value, count) for value, count in ranked[:top])

    return Facets(
        counted=counted,
        complete=complete,
        source=values("source"),
        place=values("place"),
        month=values("month"),
        collection=values("collection"),
    )
