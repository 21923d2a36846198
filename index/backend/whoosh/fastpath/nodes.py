"""The nodes a query becomes for the fast path's ranking (fastpath/topk.py).

Each node gives its candidate documents with an upper bound of their score (the score
itself where no word positions need checking) and, for one document, its exact score,
so that the top of the ranking checks word positions only for candidates that could
still make the page.

Scores are whoosh's: the same BM25F per term; Or and And add their parts' scores,
AndMaybe adds the optional part where it matches, a Not inside an And adds 1.0 (whoosh's
InverseMatcher scores 1.0), a boost multiplies; ties go to the lower document number.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Sequence

from index.backend.whoosh.fastpath.postings import TermPostings, occurring_at_least

NOT_SCORE = 1.0
"""What whoosh adds for each Not inside an And (its InverseMatcher's score)."""


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


class EmptyNode(Node):
    def _compute(self) -> dict[int, float]:
        return {}


class TermNode(Node):
    def __init__(self, postings: TermPostings, boost: float) -> None:
        super().__init__()
        self._postings = postings
        self._boost = boost

    def _compute(self) -> dict[int, float]:
        postings, boost = self._postings, self._boost
        if boost == 1.0:
            return dict(zip(postings.ids, postings.scores, strict=True))
        # a boosted term (the title's lift) in one pass, not a dict then a boosted copy
        return {d: s * boost for d, s in zip(postings.ids, postings.scores, strict=True)}


class OrNode(Node):
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


class AndNode(Node):
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


class AndMaybeNode(Node):
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


class AndNotNode(Node):
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


class PhraseNode(Node):
    """Words in order, at most `slop` positions apart (whoosh's SpanNear2, ordered,
    mindist 1); scored as the And of its words, times its boost."""

    def __init__(
        self,
        words: Sequence[TermPostings],
        slop: int,
        boost: float,
        decode: Callable[[bytes], list[int]],
        counted: bool,
        terms: Sequence[Node] = (),
    ) -> None:
        """`terms`: each word's TermNode (boost 1), when the query has them already, so
        that a list's scores are not gathered twice (the adjacency phrase of two words
        ranks with the words themselves)."""
        super().__init__()
        self._words = list(words)
        self._terms = list(terms) or [TermNode(w, 1.0) for w in words]
        self._slop = slop
        self._boost = boost
        self._decode = decode
        self._counted = counted
        self._checked: dict[int, bool] = {}
        self.exact = len(words) < 2
        self.may_reject = not self.exact

    def _compute(self) -> dict[int, float]:
        distinct = {id(w): w for w in self._words}  # a repeated word's list, once
        scores = {id(w): term.bounds() for w, term in zip(self._words, self._terms, strict=True)}
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


class RequireAnyNode(Node):
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
        if len(parts) == 2:  # (two words, the commonest: comprehensions over set operations)
            first, second = parts
            one, two = main.keys() & first.keys(), main.keys() & second.keys()
            sums = {d: main[d] + first[d] for d in one - two}
            sums.update({d: main[d] + second[d] for d in two - one})
            sums.update({d: main[d] + (first[d] + second[d]) for d in one & two})
            return sums
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


# -- small helpers --------------------------------------------------------------------


def _intersection(parts: Sequence[dict[int, float]]) -> set[int]:
    """The documents every part has. (`keys() & keys()` walks the smaller side only;
    a set's intersection_update with a dict's keys walks all of them: the larger list.)"""
    ordered = sorted(parts, key=len)
    common = set(ordered[0])
    for part in ordered[1:]:
        common = part.keys() & common
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
