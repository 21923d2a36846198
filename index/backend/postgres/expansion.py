"""The collection's vocabulary for the PostgreSQL searcher: word and stem frequencies
(idf), prefix expansion, and the spelling corrections and fuzzy terms drawn from it."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.backend.postgres.query import stems_of
from index.store.manifest import ManifestRecord
from index.text.variants import VariantTable
from index.text.words import ENGLISH_STOP_WORDS, fold

if TYPE_CHECKING:
    import psycopg

PREFIX_EXPANSION_LIMIT = 64
FUZZY_MAX_EDITS = 2
FUZZY_EXPANSION_LIMIT = 32
_CACHE_SIZE = 256


class Vocabulary:
    """The searcher's state (set by PgSearcher.__init__) and what it reads of the
    vocabulary tables, cached per generation."""

    _conn: psycopg.Connection
    _transaction_lock: threading.RLock
    _collection: int
    _records: Mapping[str, ManifestRecord]
    variants: VariantTable
    _prefix_cache: OrderedDict[str, list[tuple[int, str]]]
    _df_cache: dict[str, int]

    def _rows(self, statement: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(statement, parameters).fetchall()

    @cached_property
    def _vocabulary(self) -> dict[str, int]:
        """Every corpus word (folded) with its article count: read once per generation,
        the first time a spelling correction or a fuzzy term asks."""
        rows = self._rows(
            "SELECT word, df FROM summit_vocabulary WHERE collection = %s", (self._collection,)
        )
        return {word: df for word, df in rows}

    @cached_property
    def _correctable(self) -> list[str]:
        return [
            word
            for word in self._vocabulary
            if len(word) >= 3
            and not any(ch.isdigit() for ch in word)
            and word not in ENGLISH_STOP_WORDS
        ]

    @cached_property
    def _proper_words(self) -> frozenset[str]:
        """The collection's folded names: as the last load stored them, else (a
        collection loaded before they were stored) read from every article."""
        stored = self._rows(
            "SELECT proper_words FROM summit_collections WHERE id = %s", (self._collection,)
        )
        if stored and stored[0][0] is not None:
            return frozenset(stored[0][0])
        rows = self._rows(
            "SELECT name_pairs, proper_nouns FROM summit_articles WHERE collection = %s",
            (self._collection,),
        )
        from index.store.sidecar import ArticleExtras

        words: set[str] = set()
        for pairs, nouns in rows:
            words.update(fold(name) for _, name in ArticleExtras.decode_pairs(pairs))
            words.update(fold(name) for name in ArticleExtras.decode_proper_nouns(nouns))
        return frozenset(words)

    def _stem_frequencies(self, stems: set[str]) -> dict[str, int]:
        """Articles holding each stem (the most any of its words is in)."""
        missing = [s for s in stems if s not in self._df_cache]
        if missing:
            rows = self._rows(
                "SELECT stem, max(df) FROM summit_vocabulary WHERE collection = %s "
                "AND stem = ANY(%s) GROUP BY stem",
                (self._collection, missing),
            )
            found = dict(rows)
            for item in missing:
                self._df_cache[item] = int(found.get(item, 0))
        return {s: self._df_cache[s] for s in stems}

    def _idf(self, stems: list[str]) -> float:
        """BM25's idf of the commonest of `stems` (a leaf of several words or forms)."""
        total = max(1, len(self._records))
        frequencies = self._stem_frequencies(set(stems))
        df = max(frequencies.values(), default=0)
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    def _prefix_words(self, folded: str) -> list[tuple[int, str]]:
        cached = self._prefix_cache.get(folded)
        if cached is not None:
            self._prefix_cache.move_to_end(folded)
            return cached
        pattern = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._rows(
            "SELECT df, word FROM summit_vocabulary WHERE collection = %s AND word LIKE %s "
            "ORDER BY df DESC, word DESC LIMIT %s",
            (self._collection, pattern, PREFIX_EXPANSION_LIMIT),
        )
        kept = [(int(df), word) for df, word in rows]
        self._prefix_cache[folded] = kept
        if len(self._prefix_cache) > _CACHE_SIZE:
            self._prefix_cache.popitem(last=False)
        return kept

    def _in_index(self, word: str) -> bool:
        stems = stems_of(word)
        if not stems:
            return True  # a stop word is never a typo
        return all(self._stem_frequencies(set(stems)).values())

    def correction(self, word: str) -> str | None:
        """The corpus word nearest to `word` (fewest edits, then most frequent)."""
        folded = fold(word)
        max_edits = 1 if len(folded) <= 5 else FUZZY_MAX_EDITS
        candidates = process.extract(
            folded,
            self._correctable,
            scorer=Levenshtein.distance,
            score_cutoff=max_edits,
            limit=20,
        )
        if not candidates:
            return None
        frequency = self._vocabulary.get
        best = min(candidates, key=lambda c: (c[1], -(frequency(c[0]) or 0), c[0]))
        return str(best[0])
