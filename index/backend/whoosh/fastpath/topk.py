"""The best passages for a query, from whole posting lists (fastpath/postings.py).

A query of terms, Or, And (with Not), AndMaybe, AndNot and phrases becomes a tree of
nodes. Each node gives its candidate documents with an upper bound of their score (the
score itself where no word positions need checking) and, for one document, its exact
score. The top of the ranking then checks word positions only for candidates that could
still make the page, best bound first: a phrase of two common words checks a few hundred
documents, not the tens of thousands that contain both words.

Scores are whoosh's: the same BM25F per term; Or and And add their parts' scores,
AndMaybe adds the optional part where it matches, a Not inside an And adds 1.0 (whoosh's
InverseMatcher scores 1.0), a boost multiplies; ties go to the lower document number.
Anything else raises `Unsupported`, and the caller searches with whoosh.
"""

from __future__ import annotations

import heapq
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from whoosh import query as wq

from index.backend.whoosh.fastpath.postings import (
    PostingsReader,
    TermPostings,
    Unsupported,
    occurring_at_least,
)

NOT_SCORE = 1.0
"""What whoosh adds for each Not inside an And (its InverseMatcher's score)."""
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


class Node(ABC):
    """Part of a query: candidates with score bounds, and exact scores on demand."""

    exact = True
    """The bounds are the scores: nothing to check."""
    may_reject = False
    """Checking positions may drop a candidate, so counting needs checks too."""

    def __init__(self) -> None:
        self._bounds: dict[int, float] | None = None

    def bounds(self) -> dict[int, float]:
        """Candidate document → upper bound of its score (computed once)."""
        if self._bounds is None:
            self._bounds = self._compute()
        return self._bounds

    def score(self, docnum: int) -> float | None:
        """The exact score of a document, None if it does not match."""
        return self.bounds().get(docnum)

    @abstractmethod
    def _compute(self) -> dict[int, float]: ...


class _Empty(Node):
    def _compute(self) -> dict[int, float]:
        return {}


class _Term(Node):
    def __init__(self, postings: TermPostings, boost: float) -> None:
        super().__init__()
        self._postings = postings
        self._boost = boost

    def _compute(self) -> dict[int, float]:
        scores = dict(zip(self._postings.ids, self._postings.scores, strict=True))
        return _boosted(scores, self._boost)


class _Or(Node):
    def __init__(self, children: Sequence[Node], boost: float) -> None:
        super().__init__()
        self._children = list(children)
        self._boost = boost
        self.exact = all(c.exact for c in children)
        self.may_reject = any(c.may_reject for c in children)

    def _compute(self) -> dict[int, float]:
        # the largest part first: copying a dict is C, adding to it is Python
        self._children.sort(key=lambda c: -len(c.bounds()))
        return _boosted(_sum_union([c.bounds() for c in self._children]), self._boost)

    def score(self, docnum: int) -> float | None:
        if self.exact:
            return super().score(docnum)
        if docnum not in self.bounds():
            return None
        parts = [s for c in self._children if (s := c.score(docnum)) is not None]
        return _boost_one(_add(parts), self._boost) if parts else None


class _And(Node):
    def __init__(self, children: Sequence[Node], negated: Sequence[Node], boost: float) -> None:
        super().__init__()
        self._children = list(children)
        self._negated = list(negated)
        self._boost = boost
        self.exact = all(c.exact for c in [*children, *negated])
        self.may_reject = any(c.may_reject for c in children) or not all(n.exact for n in negated)

    def _compute(self) -> dict[int, float]:
        parts = [c.bounds() for c in self._children]
        common = _intersection(parts)
        for negated in self._negated:
            if negated.exact:
                common.difference_update(negated.bounds().keys())
        bonus = NOT_SCORE * len(self._negated)
        if len(parts) == 2:
            first, second = parts
            sums = {d: first[d] + second[d] for d in common}
        else:
            sums = {d: _add([p[d] for p in parts]) for d in common}
        if bonus:
            sums = {d: s + bonus for d, s in sums.items()}
        return _boosted(sums, self._boost)

    def score(self, docnum: int) -> float | None:
        if self.exact:
            return super().score(docnum)
        if docnum not in self.bounds():
            return None
        scores = [c.score(docnum) for c in self._children]
        if any(s is None for s in scores) or any(
            n.score(docnum) is not None for n in self._negated
        ):
            return None
        total = _add([s for s in scores if s is not None]) + NOT_SCORE * len(self._negated)
        return _boost_one(total, self._boost)


class _AndMaybe(Node):
    def __init__(self, required: Node, optional: Node) -> None:
        super().__init__()
        self._required = required
        self._optional = optional
        self.exact = required.exact and optional.exact
        self.may_reject = required.may_reject

    def _compute(self) -> dict[int, float]:
        required, optional = self._required.bounds(), self._optional.bounds()
        sums = dict(required)
        sums.update({d: required[d] + optional[d] for d in required.keys() & optional.keys()})
        return sums

    def score(self, docnum: int) -> float | None:
        if self.exact:
            return super().score(docnum)
        required = self._required.score(docnum)
        if required is None:
            return None
        optional = self._optional.score(docnum)
        return required if optional is None else required + optional


class _AndNot(Node):
    def __init__(self, positive: Node, negative: Node) -> None:
        super().__init__()
        self._positive = positive
        self._negative = negative
        self.exact = positive.exact and negative.exact
        self.may_reject = positive.may_reject or not negative.exact

    def _compute(self) -> dict[int, float]:
        kept = self._positive.bounds()
        if not self._negative.exact:
            return kept
        excluded = self._negative.bounds()
        return {d: s for d, s in kept.items() if d not in excluded}

    def score(self, docnum: int) -> float | None:
        if self.exact:
            return super().score(docnum)
        if docnum not in self.bounds() or self._negative.score(docnum) is not None:
            return None
        return self._positive.score(docnum)


class _Phrase(Node):
    """Words in order, at most `slop` positions apart (whoosh's SpanNear2, ordered,
    mindist 1); scored as the And of its words, times its boost."""

    def __init__(
        self,
        words: Sequence[TermPostings],
        slop: int,
        boost: float,
        decode: Callable[[bytes], list[int]],
        counted: bool,
    ) -> None:
        super().__init__()
        self._words = list(words)
        self._slop = slop
        self._boost = boost
        self._decode = decode
        self._counted = counted
        self._checked: dict[int, bool] = {}
        self.exact = len(words) < 2
        self.may_reject = not self.exact

    def _compute(self) -> dict[int, float]:
        distinct = {id(w): w for w in self._words}  # a repeated word's list, once
        scores = {key: _Term(w, 1.0).bounds() for key, w in distinct.items()}
        common = _intersection(list(scores.values()))
        if self._counted:  # a repeated word ("had had") must occur as often: cheap to see
            for key, times in Counter(map(id, self._words)).items():
                if times > 1:
                    common &= occurring_at_least(distinct[key], times)
        parts = [scores[id(w)] for w in self._words]
        if len(parts) == 2:
            first, second = parts
            sums = {d: first[d] + second[d] for d in common}
        else:  # whoosh adds the words' scores as a balanced tree of intersections
            sums = {d: _tree_sum([p[d] for p in parts]) for d in common}
        return _boosted(sums, self._boost)

    def score(self, docnum: int) -> float | None:
        bound = self.bounds().get(docnum)
        if bound is None or self.exact:
            return bound
        found = self._checked.get(docnum)
        if found is None:
            found = self._in_order(docnum)
            self._checked[docnum] = found
        return bound if found else None

    def _in_order(self, docnum: int) -> bool:
        decoded: dict[int, list[int]] = {}  # a repeated word is decoded once
        lists = []
        for word in self._words:
            positions = decoded.get(id(word))
            if positions is None:
                value = word.value_of(docnum)
                if value is None:
                    return False
                positions = decoded[id(word)] = self._decode(value)
            lists.append(positions)
        return in_sequence(lists, self._slop)


def in_sequence(position_lists: Sequence[Sequence[int]], slop: int = 1) -> bool:
    """Whether the words occur in order, each 1..slop positions after the word before
    it (whoosh's SpanNear2 with ordered=True, mindist=1: only where a partial match
    ends matters for the next word)."""
    ends = set(position_lists[0])
    for positions in position_lists[1:]:
        if slop == 1:
            ends = {q for q in positions if q - 1 in ends}
        else:
            ends = {q for q in positions if any(1 <= q - end <= slop for end in ends)}
        if not ends:
            return False
    return bool(ends)


class RequireAny(wq.And):
    """`main` where at least one of `leaves` matches too: an And of the two (whoosh
    scores it so, adding the matching leaves), which topk works out from the leaves'
    lists that `main` has read already instead of building their union again."""

    def __init__(self, main: wq.Query, leaves: Sequence[wq.Query]) -> None:
        super().__init__([main, leaves[0] if len(leaves) == 1 else wq.Or(list(leaves))])
        self.required = main
        self.any_of = list(leaves)


class _RequireAny(Node):
    def __init__(self, main: Node, leaves: Sequence[Node]) -> None:
        super().__init__()
        self._main = main
        self._leaves = list(leaves)
        self.exact = main.exact
        self.may_reject = True

    def _compute(self) -> dict[int, float]:
        # main + (the leaves found, added in leaf order): the same sums as one pass over
        # main's documents, but each leaf visits only the documents it shares with main
        # (a set intersection in C), not every candidate of main in Python
        main = self._main.bounds()
        parts = [leaf.bounds() for leaf in self._leaves]
        if len(parts) == 1:
            (part,) = parts
            return {d: main[d] + part[d] for d in main.keys() & part.keys()}
        found: dict[int, float] = {}
        for part in parts:
            for docnum in main.keys() & part.keys():
                previous = found.get(docnum)
                found[docnum] = part[docnum] if previous is None else previous + part[docnum]
        return {docnum: main[docnum] + leaves for docnum, leaves in found.items()}

    def score(self, docnum: int) -> float | None:
        if self.exact:
            return super().score(docnum)
        if docnum not in self.bounds():
            return None
        main = self._main.score(docnum)
        if main is None:
            return None
        return main + (self.bounds()[docnum] - self._main.bounds()[docnum])  # + the leaves


# -- building the tree ----------------------------------------------------------------


def compile_query(
    query: wq.Query, reader: PostingsReader, memo: dict[tuple[int, float], Node] | None = None
) -> Node:
    """The node tree for a whoosh query; Unsupported for anything it cannot score
    exactly as whoosh does. (`memo`: one node per term list and boost, so a term that
    occurs twice in a query is worked out once.)"""
    memo = {} if memo is None else memo
    if query is wq.NullQuery:
        return _Empty()
    if type(query) is wq.Term:
        postings = reader.term(query.fieldname, _text(query.text))
        key = (id(postings), float(query.boost))
        node = memo.get(key)
        if node is None:
            node = memo[key] = _Term(postings, query.boost)
        return node
    if type(query) is RequireAny:
        leaves = [compile_query(q, reader, memo) for q in query.any_of]
        if all(leaf.exact for leaf in leaves):
            return _RequireAny(compile_query(query.required, reader, memo), leaves)
        return _and(query, reader, memo)
    if type(query) is wq.Phrase:
        return _phrase(query, reader)
    if type(query) is wq.AndMaybe and query.boost == 1.0:
        return _AndMaybe(compile_query(query.a, reader, memo), compile_query(query.b, reader, memo))
    if type(query) is wq.AndNot and query.boost == 1.0:
        return _AndNot(compile_query(query.a, reader, memo), compile_query(query.b, reader, memo))
    if type(query) is wq.And:
        return _and(query, reader, memo)
    if _is_plain_or(query):
        children = [compile_query(q, reader, memo) for q in query.subqueries]
        return _Or(children, query.boost) if children else _Empty()
    raise Unsupported(type(query).__name__)


def _is_plain_or(query: wq.Query) -> bool:
    return (
        isinstance(query, wq.Or)
        and not isinstance(query, wq.DisjunctionMax)
        and not query.scale
        and not query.minmatch
    )


def _and(query: wq.And, reader: PostingsReader, memo: dict[tuple[int, float], Node]) -> Node:
    positive = [q for q in query.subqueries if not isinstance(q, wq.Not)]
    negated = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
    if not positive:
        raise Unsupported("an And of only Nots")
    children = [compile_query(q, reader, memo) for q in positive]
    if len(children) == 1 and not negated:
        return children[0] if query.boost == 1.0 else _Or(children, query.boost)
    return _And(children, [compile_query(q, reader, memo) for q in negated], query.boost)


def _phrase(query: wq.Phrase, reader: PostingsReader) -> Node:
    if not reader.has_positions(query.fieldname):
        raise Unsupported("a phrase in a field without positions")
    if not query.words:
        return _Empty()
    words = [_text(w) for w in query.words]
    # the rarest word first: the others are only needed where it occurs
    rarest = min(words, key=lambda w: reader.frequency(query.fieldname, w))
    terms = {rarest: reader.term(query.fieldname, rarest)}
    for word in words:
        if word not in terms:
            terms[word] = reader.term(query.fieldname, word, within=terms[rarest].ids)
    if any(not t.ids for t in terms.values()):
        return _Empty()  # whoosh's phrase matches nothing when a word is missing
    return _Phrase(
        [terms[w] for w in words],
        int(query.slop),
        query.boost,
        reader.positions_decoder(query.fieldname),
        counted=reader.counts_positions(query.fieldname),
    )


def _text(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


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


# -- small helpers --------------------------------------------------------------------


def _intersection(parts: Sequence[dict[int, float]]) -> set[int]:
    ordered = sorted(parts, key=len)
    common = set(ordered[0])
    for part in ordered[1:]:
        common.intersection_update(part.keys())
    return common


def _sum_union(parts: Sequence[dict[int, float]]) -> dict[int, float]:
    """Each document's scores added up, in the order of `parts` (largest first: copying
    the first is C, adding each of the others' documents is Python)."""
    if not parts:
        return {}
    total = dict(parts[0])
    for part in parts[1:]:
        for docnum, score in part.items():
            previous = total.get(docnum)
            total[docnum] = score if previous is None else previous + score
    return total


def _add(values: Sequence[float]) -> float:
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


def _tree_sum(values: Sequence[float]) -> float:
    """a + (b + c): the order whoosh's make_binary_tree adds a phrase's words in."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


def _boost_one(score: float, boost: float) -> float:
    return score if boost == 1.0 else score * boost
