"""Typo repair, whatever holds the index: the nearest corpus word to an unknown one, and
when that correction is clearly the same word, so that it may be searched without asking.

A correction is searched automatically only when every corrected word passes
`same_word`; otherwise the result says "did you mean" and the user accepts it with one key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.models import Passage, SearchResult
from index.search.querylang import PreparedQuery
from index.text.variants import consonant_skeleton
from index.text.words import fold

MAX_EDITS = 2
"""A correction is at most this many edits away (one for a word of five letters or less)."""
AUTO_CORRECT_SIMILARITY = 0.75
"""A correction is searched without asking only this similar to the typed word (1 - edits
/ the longer length): one slip in a five-letter word, two in an eight-letter one."""
AUTO_CORRECT_MIN_LENGTH = 4
SHORT_WORD = 5
"""A word shorter than this is too easily another word one letter away ("Iran"/"Iraq",
"Kano"/"Kane"): only a missing letter is repaired in it ("jont" -> "joint")."""


CANDIDATES = 20
"""The nearest words compared by frequency."""


class WordsByLength:
    """A vocabulary grouped by word length, each group in the vocabulary's order: a word
    more than k letters longer or shorter is more than k edits away, so a correction
    compares only the groups within MAX_EDITS of the typed length (a third of the words:
    while typing, a correction is looked for at keystrokes that find nothing)."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self._groups: dict[int, tuple[list[str], list[int]]] = {}
        for position, word in enumerate(vocabulary):
            words, positions = self._groups.setdefault(len(word), ([], []))
            words.append(word)
            positions.append(position)

    def nearest(self, folded: str, max_edits: int, limit: int) -> list[tuple[str, int]]:
        """(word, edits) of the `limit` nearest words, fewest edits first, ties in the
        vocabulary's order: what rapidfuzz's extract gives over the whole vocabulary."""
        found: list[tuple[int, int, str]] = []
        for length in range(len(folded) - max_edits, len(folded) + max_edits + 1):
            words, positions = self._groups.get(length, ((), ()))
            found.extend(
                (int(edits), positions[index], choice)
                for choice, edits, index in process.extract(
                    folded, words, scorer=Levenshtein.distance, score_cutoff=max_edits,
                    limit=limit,
                )
            )  # fmt: skip
        return [(choice, edits) for edits, _, choice in sorted(found)[:limit]]


def nearest_word(
    word: str, vocabulary: Sequence[str] | WordsByLength, frequency: Callable[[str], int]
) -> str | None:
    """The corpus word nearest to `word` (fewest edits, then most frequent)."""
    folded = fold(word)
    max_edits = 1 if len(folded) <= 5 else MAX_EDITS
    if isinstance(vocabulary, WordsByLength):
        candidates = vocabulary.nearest(folded, max_edits, CANDIDATES)
    else:
        candidates = [
            (choice, int(edits))
            for choice, edits, _ in process.extract(
                folded, vocabulary, scorer=Levenshtein.distance, score_cutoff=max_edits,
                limit=CANDIDATES,
            )
        ]  # fmt: skip
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (c[1], -frequency(c[0]), c[0]))
    return str(best[0])


def corrected_query(
    prepared: PreparedQuery,
    in_index: Callable[[str], bool],
    correction: Callable[[str], str | None],
    is_proper: Callable[[str], bool],
) -> tuple[str | None, bool]:
    """(the query with its unknown words corrected, or None; whether every correction
    is clearly the same word, so that it may be searched without asking)."""
    text = prepared.text
    changed = False
    automatic = True
    for word in prepared.plain_words:
        if in_index(word):
            continue
        fix = correction(word)
        if fix and fix != fold(word):
            text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", fix, text, count=1)
            changed = True
            automatic = automatic and same_word(word, fix, is_proper)
    return (text, automatic) if changed else (None, False)


def same_word(typed: str, fix: str, is_proper: Callable[[str], bool]) -> bool:
    """Whether `fix` (a folded corpus word) is clearly `typed` mistyped, not another word:

    - at least AUTO_CORRECT_MIN_LENGTH letters, the same first letter ("Kremlin" is
      not "remain");
    - similar enough (AUTO_CORRECT_SIMILARITY: "Nigeria" is not "niger");
    - not a longer or shorter form of it ("Malik"/"Mali"), unless the difference is a
      doubled last letter ("Fidell"/"Fidel");
    - it sounds alike (`consonant_skeleton`: "Wagner" is not "Warner");
    - a capitalised word stays a name: its correction must be a word the corpus writes
      as a name (`is_proper`)."""
    folded = fold(typed)
    if len(folded) < AUTO_CORRECT_MIN_LENGTH or folded[0] != fix[:1]:
        return False
    edits = Levenshtein.distance(folded, fix)
    if 1 - edits / max(len(folded), len(fix)) < AUTO_CORRECT_SIMILARITY:
        return False
    if len(folded) < SHORT_WORD and (edits > 1 or len(fix) != len(folded) + 1):
        return False
    shorter, longer = sorted((folded, fix), key=len)
    if longer.startswith(shorter) and set(longer[len(shorter) :]) != {shorter[-1]}:
        return False
    if not sounds_alike(folded, fix):
        return False
    return not typed[:1].isupper() or is_proper(fix)


def sounds_alike(a: str, b: str) -> bool:
    """The same skeleton, or one consonant apart in a long one ("Schwartzkopf")."""
    first, second = consonant_skeleton(a), consonant_skeleton(b)
    if first == second:
        return True
    return min(len(first), len(second)) >= 6 and Levenshtein.distance(first, second) <= 1


Ranked = tuple[list[Passage], int, bool]
"""(hits, total, exact?): what a backend's ranking step returns."""
PlanT = TypeVar("PlanT", bound="HasPrepared")


class HasPrepared(Protocol):
    @property
    def prepared(self) -> PreparedQuery: ...

    @property
    def notes(self) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class Corrected(Generic[PlanT]):
    """What a search answers after the spelling step: the plan and ranking it shows."""

    plan: PlanT
    ranked: Ranked
    suggestion: str | None
    corrected: bool
    searched: str


def as_typed(plan: PlanT, ranked: Ranked) -> Corrected[PlanT]:
    """The spelling step not taken (as you type: no correction before Enter)."""
    return Corrected(plan, ranked, None, False, plan.prepared.text)


def search_result(
    query: str,
    step: Corrected[PlanT],
    notes: Sequence[str],
    variants: tuple[tuple[str, tuple[str, ...]], ...],
) -> SearchResult:
    """The answer both backends give once ranked and (maybe) corrected."""
    hits, total, exact = step.ranked
    return SearchResult(
        query=query,
        searched=step.searched,
        total=total,
        total_is_estimate=not exact,
        hits=tuple(hits),
        notes=tuple(notes),
        suggestion=step.suggestion,
        corrected=step.corrected,
        variants=variants,
        error=step.plan.prepared.error,
    )


def with_correction(
    plan: PlanT,
    ranked: Ranked,
    notes: list[str],
    fix: tuple[str | None, bool],
    rerun: Callable[[str], tuple[PlanT, Ranked]],
) -> Corrected[PlanT]:
    """The spelling step both backends take after ranking the query as typed: a query
    that found nothing and whose correction is clearly the same word is searched
    corrected (said in `notes`); otherwise the correction is only suggested.
    `fix` is corrected_query()'s answer; `rerun(text)` plans and ranks `text`."""
    fixed, automatic = fix
    searched = plan.prepared.text
    if fixed is None:
        return Corrected(plan, ranked, None, False, searched)
    if ranked[1] == 0 and automatic:
        retry, retry_ranked = rerun(fixed)
        if retry_ranked[1] > 0:
            notes.append(f'no results for "{searched}"; searched "{fixed}" instead')
            notes.extend(n for n in retry.notes if n not in notes)
            return Corrected(retry, retry_ranked, fixed, True, fixed)
    notes.append(f"did you mean: {fixed}?")
    return Corrected(plan, ranked, fixed, False, searched)
