"""The best passages for a query, from whole posting lists (fastpath/postings.py).

A query becomes a tree of nodes (fastpath/compiler.py, fastpath/nodes.py), each giving
its candidate documents with an upper bound of their score and, for one document, its
exact score. The top of the ranking (here) then checks word positions only for
candidates that could still make the page, best bound first: a phrase of two common
words checks a few hundred documents, not the tens of thousands that contain both words.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from index.backend.whoosh.fastpath.nodes import Node

COUNT_RUNS, COUNT_RUN = 40, 5
"""After the top is settled, the total counts the remaining candidates when no more
than COUNT_RUNS * COUNT_RUN are left; else it is estimated from COUNT_RUNS runs of
COUNT_RUN neighbouring candidates (by document number), evenly spread. Checking a
candidate reads a block of each word's positions (~0.15 ms for a common word's), and
neighbours share their blocks: 200 candidates for the price of ~80 blocks, and on the
benchmark's phrases an estimate typically within a fifth. (Whoosh's own estimate for
a phrase was the number of passages with both words, often twenty times too many.)"""


@dataclass(frozen=True, slots=True)
class TopDocs:
    hits: list[tuple[float, int]]
    """(score, document number), best first."""
    total: int
    exact_total: bool


# -- the top of the ranking -----------------------------------------------------------


def top_docs(
    node: Node, limit: int, *, allow: set[int] | None = None, exclude: set[int] | None = None
) -> TopDocs:
    """The `limit` best documents (of those in `allow`, if given, and not in `exclude`)
    with the number of matches: exact, unless positions would have to be checked in
    thousands of documents; then it is estimated from a sample."""
    bounds = node.bounds()
    if allow is not None:
        bounds = {d: bounds[d] for d in bounds.keys() & allow}
    if exclude:
        bounds = {d: bounds[d] for d in bounds.keys() - exclude}
    if node.exact:
        return TopDocs(_best(bounds, limit), len(bounds), True)
    queue = [(-bound, d) for d, bound in bounds.items()]
    heapq.heapify(queue)
    best, matched = _checked_best(node, queue, limit)
    if not node.may_reject:
        return TopDocs(best, len(bounds), True)
    total, exact = _count_rest(node, [d for _, d in queue], matched)
    return TopDocs(best, total, exact)


def _best(scores: dict[int, float], limit: int) -> list[tuple[float, int]]:
    """The `limit` highest (score, docnum), ties to the lower document number. (The
    limit-th score first, from the bare floats: tuples for every match cost more.)"""
    items: Iterable[tuple[int, float]] = scores.items()
    if len(scores) > limit:
        floor = heapq.nlargest(limit, scores.values())[-1]
        items = [(d, s) for d, s in items if s >= floor]
    return sorted(((s, d) for d, s in items), key=lambda hit: (-hit[0], hit[1]))[:limit]


def _checked_best(
    node: Node, queue: list[tuple[float, int]], limit: int
) -> tuple[list[tuple[float, int]], int]:
    """Pops candidates best bound first, checking each, until none left can beat the
    page's last hit (a bound never exceeds the score). Returns the hits, best first,
    and how many candidates matched."""
    top: list[tuple[float, int]] = []  # a min-heap of (score, -docnum)
    matched = 0
    while queue:
        negative_bound, docnum = queue[0]
        if len(top) >= limit and (-negative_bound, -docnum) <= top[0]:
            break
        heapq.heappop(queue)
        score = node.score(docnum)
        if score is None:
            continue
        matched += 1
        if len(top) < limit:
            heapq.heappush(top, (score, -docnum))
        elif (score, -docnum) > top[0]:
            heapq.heapreplace(top, (score, -docnum))
    return [(s, -d) for s, d in sorted(top, reverse=True)], matched


def _count_rest(node: Node, rest: list[int], matched: int) -> tuple[int, bool]:
    """(total matches, exact?) given `matched` so far and the unchecked `rest`."""
    if len(rest) <= COUNT_RUNS * COUNT_RUN:
        return matched + _matching(node, rest), True
    rest.sort()
    starts = (run * len(rest) // COUNT_RUNS for run in range(COUNT_RUNS))
    sample = [d for start in starts for d in rest[start : start + COUNT_RUN]]
    share = _matching(node, sample) / len(sample)
    return matched + round(share * len(rest)), False


def _matching(node: Node, docnums: Iterable[int]) -> int:
    return sum(1 for d in docnums if node.score(d) is not None)
