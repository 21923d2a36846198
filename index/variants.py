"""Spelling variants of names, discovered in the corpus itself.

Sources spell transliterated names differently. Two capitalised words are taken
as variants of one name when the corpus writes them after the same word (a
shared first name, or a particle such as "al-") and they are a small edit
apart: "<First> X" and "<First> Y" with X≈Y. Nothing is listed by hand, so the
same rule works on any corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.analysis import fold, stem

MAX_EDITS = 2
MIN_LENGTH = 4
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "but",
        "if",
        "this",
        "that",
        "these",
        "those",
        "its",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "he",
        "she",
        "it",
        "they",
        "we",
        "mr",
        "mrs",
        "ms",
    ]
)


def similar_spellings(a: str, b: str) -> bool:
    """Folded names within a small edit distance, relative to their length."""
    if a == b or min(len(a), len(b)) < MIN_LENGTH:
        return False
    edits = Levenshtein.distance(a, b, score_cutoff=MAX_EDITS)
    if a[0] != b[0]:  # transliterations differ at the start too (G/Q), but only by one letter
        return edits == 1 and min(len(a), len(b)) >= 6
    return edits <= MAX_EDITS and edits <= max(len(a), len(b)) // 3


def variant_groups(name_pairs: Iterable[tuple[str, str]]) -> list[frozenset[str]]:
    """Groups of folded spellings. `name_pairs` are (preceding word, capitalised word)."""
    followers: dict[str, set[str]] = defaultdict(set)
    for before, name in name_pairs:
        key = fold(before)
        if key in _FUNCTION_WORDS:
            continue
        followers[key].add(fold(name))
    parent: dict[str, str] = {}

    def find(word: str) -> str:
        while parent.setdefault(word, word) != word:
            parent[word] = parent[parent[word]]
            word = parent[word]
        return word

    for names in followers.values():
        ordered = sorted(names)
        for index, first in enumerate(ordered[:-1]):
            # rapidfuzz scans the rest in C and keeps only the near ones: a common first
            # word ("President") can be followed by hundreds of names
            near = process.extract(
                first,
                ordered[index + 1 :],
                scorer=Levenshtein.distance,
                score_cutoff=MAX_EDITS,
                limit=None,
            )
            for second, _, _ in near:
                if similar_spellings(first, second) and stem(first) != stem(second):
                    parent[find(first)] = find(second)
    groups: dict[str, set[str]] = defaultdict(set)
    for word in parent:
        groups[find(word)].add(word)
    return [frozenset(group) for group in groups.values() if len(group) > 1]


class VariantTable:
    """Lookup from any spelling (folded, or its stem) to all spellings of that name."""

    def __init__(self, groups: Iterable[frozenset[str]]) -> None:
        self._by_form: dict[str, frozenset[str]] = {}
        for group in groups:
            for word in group:
                self._by_form[word] = group
                self._by_form.setdefault(stem(word), group)

    def variants_of(self, word: str) -> frozenset[str]:
        """Other spellings of `word` (empty when it has none)."""
        folded = fold(word)
        group = self._by_form.get(folded) or self._by_form.get(stem(word))
        return group - {folded} if group else frozenset()

    def __len__(self) -> int:
        return len({id(g) for g in self._by_form.values()})
