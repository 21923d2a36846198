"""What a query asks for, decided once for every backend: which words rank, which only
exclude, which stand together, how far a word being typed expands.

The rules (a backend builds its own query tree from them):
- an excluded word (`-word`, `NOT word`) takes passages out and does nothing else: it is
  applied as a set of passages removed before ranking, never as a part of the ranked
  query, so that whoosh and the fast path rank the rest alike ("summit -Tuesday" ranks as
  "summit" does, less the passages that say Tuesday), it is no part of the adjacency
  phrase, of a source name or of a title match;
- several bare words rank higher where they stand together (ADJACENCY_BOOST), unless all
  are very common (ADJACENCY_MAX_PASSAGES);
- a word being typed expands to its most frequent completions while their article counts
  fit PREFIX_POSTINGS_BUDGET, the likelier completion weighing more;
- a name (a query word written capitalised, that the passages found write capitalised)
  is matched as a whole word, not by its stem, when the stem also stands for other words:
  "France" finds "France" and "France's", not "francs" (`NameRule`); its name variants
  count as the name. Only on Enter: while typing, the last word is a prefix anyway;
- a word found only in the article's title lifts a passage (TITLE_LIFT) but never stands
  in for a match in the passage itself; a plain query naming a source brings up to
  SOURCE_LEADS of its articles to the top.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from index.models import DateAnchor
from index.search.querylang import PreparedQuery
from index.store.manifest import ManifestRecord
from index.text.words import fold, stem, tokens_with_offsets

Q = TypeVar("Q")

MINUS = r"(?<![\w\-])-(?=\w)"
"""A minus that excludes the word after it ("-Tuesday", not "al-Shabaab" or "1-0")."""
_EXCLUDED = re.compile(rf"(?:{MINUS}|\bNOT\s+)\(?([^\W_][\w'’\-]*)")
ADJACENCY_BOOST = 1.5
ADJACENCY_MAX_PASSAGES = 5_000
PREFIX_EXPANSION_LIMIT = 64
"""As-you-type expands the last word to at most this many index terms (the most
frequent), so a one-letter prefix never turns into a query over the whole lexicon."""
PREFIX_POSTINGS_BUDGET = 1_000
"""As-you-type keeps the most frequent expansions only while their article counts add up
to this (at least one word): each keystroke then reads a bounded share of the index,
whatever its size. Enter runs the query without this bound."""
TITLE_LIFT = 0.3
"""A word found in the passage's article title (every passage indexes it) weighs this
share of its usual score: enough to lift, among passages that match, those of an article
about the query, too little to stand in for a match in the passage itself."""
SOURCE_LEADS = 3
"""A plain query naming a source (publication, or file name) brings at most this many of
its articles (their lead passages) to the top, so the name finds them without flooding."""


@dataclass(frozen=True, slots=True)
class Plan(Generic[Q]):
    """A query as a backend will run it (`Q`: the backend's query tree)."""

    prepared: PreparedQuery
    query: Q
    """What ranks: the query without its exclusions."""
    highlight_stems: frozenset[str]
    highlight_folded: frozenset[str]
    notes: tuple[str, ...]
    variants: tuple[tuple[str, tuple[str, ...]], ...]
    highlight_phrases: tuple[tuple[str, ...], ...] = ()
    """Words marked only where they stand in this order (quoted phrases)."""
    title_only: Q | None = None
    """The query over titles alone: articles it finds whose passages do not contain the
    query may add their lead passage after every passage that does."""
    source_only: Q | None = None
    """The query's words over source names (a plain query only): the lead passages of up
    to SOURCE_LEADS articles from a source it names come first."""
    excluded: Q | None = None
    """What takes passages out (the query's -words and NOTs), applied before ranking."""
    names: tuple[NameRule, ...] = ()
    """Names matched as whole words, checked on the ranked passages."""


def excluded_words(text: str) -> set[str]:
    """The words a query excludes ("summit -Tuesday" -> {"Tuesday"})."""
    outside = "".join(part for n, part in enumerate(text.split('"')) if n % 2 == 0)
    return {m.group(1) for m in _EXCLUDED.finditer(outside)}


def adjacent_stems(prepared: PreparedQuery, frequency: Callable[[str], int]) -> list[str]:
    """The stems of a query's bare words to prefer side by side ([] when not: fewer than
    two, a stop word, other query syntax or an exclusion among them, or every word in
    more than ADJACENCY_MAX_PASSAGES passages, where checking positions costs seconds)."""
    if excluded_words(prepared.text):
        return []
    stems = [s for s in (stem(w) for w in prepared.plain_words) if s]
    if len(stems) < 2 or len(stems) != len(prepared.text.split()):
        return []
    if min(frequency(s) for s in stems) > ADJACENCY_MAX_PASSAGES:
        return []
    return stems


def source_words(prepared: PreparedQuery) -> list[str]:
    """The words to look up among source names: those of a query of bare words only
    ([] for any other query, and for one that excludes words)."""
    if excluded_words(prepared.text):
        return []
    words = prepared.plain_words
    return words if words and len(words) == len(prepared.text.split()) else []


def completion_weight(frequency: int, most: int) -> float:
    """Half the weight for the rarest completion of a prefix, all of it for the commonest."""
    return 0.5 + 0.5 * frequency / most


def within_budget(words: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The leading (most frequent) words whose frequencies fit PREFIX_POSTINGS_BUDGET."""
    kept: list[tuple[int, str]] = []
    total = 0
    for frequency, word in words:
        if kept and total + frequency > PREFIX_POSTINGS_BUDGET:
            break
        kept.append((frequency, word))
        total += frequency
    return kept


NAME_LOWERCASE_SHARE = 0.1
"""A capitalised query word is a name when the passages write it lowercase at most this
share of the time."""
NAME_SIBLINGS = 200
"""How many corpus words sharing a name's stem prefix are looked at for other words with
its stem (the most frequent first)."""


@dataclass(frozen=True, slots=True)
class NameRule:
    """A name of the query whose stem also stands for other words: a passage matches it
    only through one of `forms` (folded whole words: the name and its variants)."""

    stem: str
    forms: frozenset[str]

    def found_in(self, text: str) -> bool:
        return any(fold(word) in self.forms for _, _, word in tokens_with_offsets(text))

    def written_as_name(self, texts: Iterable[str]) -> bool:
        """Whether the passages write the word as a name: capitalised nearly always
        (NAME_LOWERCASE_SHARE), or nowhere at all. "Operations" typed capitalised is
        no name: the articles write "operations"."""
        upper = lower = 0
        for text in texts:
            for _, _, word in tokens_with_offsets(text):
                if fold(word) in self.forms:
                    if word[:1].isupper():
                        upper += 1
                    else:
                        lower += 1
        return lower <= NAME_LOWERCASE_SHARE * (upper + lower)


def name_rules(
    prepared: PreparedQuery,
    variants_of: Callable[[str], Collection[str]],
    words_with_prefix: Callable[[str, int], list[tuple[int, str]]],
) -> tuple[NameRule, ...]:
    """The rules for the names of a query of bare words (see the module's rules)."""
    if not prepared.plain_words or len(prepared.plain_words) != len(prepared.text.split()):
        return ()
    excluded = excluded_words(prepared.text)
    rules = []
    for word in prepared.plain_words:
        folded = fold(word)
        word_stem = stem(word)
        if word in excluded or not word[:1].isupper() or not word_stem:
            continue
        forms = frozenset({folded, *variants_of(folded)})
        prefix = _common_prefix(word_stem, folded)
        if len(prefix) < 3:
            continue  # (too short to look up; such a stem is hardly shared by a name)
        siblings = words_with_prefix(prefix, NAME_SIBLINGS)
        if any(w not in forms and stem(w) == word_stem for _, w in siblings):
            rules.append(NameRule(word_stem, forms))
    return tuple(rules)


def names_found(text: str, rules: Collection[NameRule]) -> bool:
    """Whether `text` matches every name rule by a whole word."""
    return all(rule.found_in(text) for rule in rules)


def names_of(rules: Iterable[NameRule], texts: list[str]) -> tuple[NameRule, ...]:
    """The rules whose word the ranked passages (`texts`) write as a name."""
    return tuple(rule for rule in rules if rule.written_as_name(texts))


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


NONE_ALLOWED = "no article matches that date, place or collection"
"""The note of a search whose filters leave no article."""


def none_allowed(
    prepared: PreparedQuery,
    records: Mapping[str, ManifestRecord],
    collection_of: Callable[[str], str] | None,
) -> str:
    """Why the filters leave no article: a `collection:` naming none of the corpus's
    collections says which there are; anything else, NONE_ALLOWED."""
    if prepared.collections and collection_of is not None:
        known = sorted({collection_of(record.file) for record in records.values()})
        unknown = [c for c in prepared.collections if fold(c) not in {fold(k) for k in known}]
        if unknown:
            return f"no collection {unknown[0]!r} here (collections: {', '.join(known)})"
    return NONE_ALLOWED


def articles_by_place(records: Mapping[str, ManifestRecord]) -> dict[str, list[str]]:
    """Article ids by their place, folded: what `place:` compares, worked out once per
    index instead of folding every article's place on every search."""
    grouped: dict[str, list[str]] = {}
    for aid, record in records.items():
        if record.place:
            grouped.setdefault(fold(record.place), []).append(aid)
    return grouped


def allowed_articles(
    prepared: PreparedQuery,
    anchors: Callable[[], Mapping[str, DateAnchor]] | None,
    records: Mapping[str, ManifestRecord],
    collection_of: Callable[[str], str] | None = None,
    by_place: Mapping[str, list[str]] | None = None,
) -> set[str] | None:
    """Articles allowed by `date:`, `place:` and `collection:` (None: every article).
    Dates and places use the given or inferred values (known only once the corpus is
    read as a whole), not indexed fields, so every backend filters the same way; a
    file's collection is what `collection_of` says (its folder's label). (`by_place`:
    the records' `articles_by_place`, when the caller keeps it.)"""
    allowed: set[str] | None = None
    if prepared.collections:
        wanted_collections = {fold(name) for name in prepared.collections}
        allowed = {
            aid
            for aid, record in records.items()
            if collection_of is not None and fold(collection_of(record.file)) in wanted_collections
        }
    if prepared.date_range is not None:
        known = anchors() if anchors else {}
        dated = {aid for aid, anchor in known.items() if prepared.date_range.contains(anchor.date)}
        allowed = dated if allowed is None else allowed & dated
    if prepared.places:
        wanted = [fold(word) for place in prepared.places for word in place.split()]
        places = articles_by_place(records) if by_place is None else by_place
        placed = {
            aid for place, aids in places.items() if all(w in place for w in wanted) for aid in aids
        }
        allowed = placed if allowed is None else allowed & placed
    return allowed
