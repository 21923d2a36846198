"""What the index keeps per article beside whoosh, in one SQLite file.

- Each article's raw time expressions. Only the timeline and the reader need them,
  never a search, so opening the index must not read them: as one JSON file they took
  0.3 s (1.4 s cold) to load at 10,000 articles and ~100 MB as objects. Here a row is
  read on demand and an update touches only the rows of changed files.
- Each article's proper nouns (to infer a missing place) and name pairs (to find
  spelling variants of names): two thirds of the manifest's JSON when they were in it.
- The corpus vocabulary: every real (folded, unstemmed) word with the number of
  articles it is in, for spelling corrections, prefix expansion and name variants.
  As a whoosh field it cost a third of all postings, about half of the build time;
  here it is a table of counts kept in step with each article's word list.
- The name variant groups worked out from all name pairs, stored when the pairs change,
  so opening the index reads a few hundred groups instead of recomputing them.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from index.text.temporal_json import decode_expressions
from index.text.temporal_record import RawExpr
from index.text.words import fold

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS expressions (id TEXT PRIMARY KEY, raw TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS article_words (id TEXT PRIMARY KEY, words TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS article_names"
    " (id TEXT PRIMARY KEY, proper_nouns TEXT NOT NULL, name_pairs TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vocabulary (word TEXT PRIMARY KEY, articles INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS derived (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
VARIANT_GROUPS = "variant_groups"
"""The `derived` row holding the name variant groups, as a JSON list of lists."""


@dataclass(slots=True)
class ArticleExtras:
    """One article's rows, as stored: expressions as JSON, distinct words
    space-separated, proper nouns as JSON {name: count}, name pairs as "word<TAB>name"
    lines (plain text: every open reads all of them, and JSON took 0.13 s at 10k)."""

    expressions: str
    words: str
    proper_nouns: str = "{}"
    name_pairs: str = ""

    @staticmethod
    def encode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
        return "\n".join(f"{word}\t{name}" for word, name in pairs)

    @staticmethod
    def decode_pairs(text: str) -> list[tuple[str, str]]:
        return [
            (word, name)
            for line in text.splitlines()
            for word, _, name in [line.partition("\t")]
            if word and name
        ]

    @staticmethod
    def decode_proper_nouns(text: str) -> dict[str, int]:
        with contextlib.suppress(ValueError):
            value = json.loads(text)
            if isinstance(value, dict):
                return value
        return {}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The corpus's words, sorted, with how many articles each is in."""

    words: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, counts: dict[str, int]) -> Vocabulary:
        return cls(sorted(counts), counts)

    def frequency(self, word: str) -> int:
        return self.counts.get(word, 0)

    def with_prefix(self, prefix: str) -> list[str]:
        low = bisect.bisect_left(self.words, prefix)
        high = bisect.bisect_left(self.words, prefix + PREFIX_END, lo=low)
        return self.words[low:high]


PREFIX_END = "\U0010ffff"
"""Sorts after every word that starts with a prefix (in Python and, as UTF-8, in SQLite)."""


class LazyVocabulary:
    """The vocabulary as a search needs it: the most frequent words with a prefix come
    straight from SQLite's index (so no keystroke waits for 40,000 words to load); the
    whole word list is read the first time a spelling correction asks for it."""

    def __init__(self, sidecar: SidecarStore) -> None:
        self._sidecar = sidecar
        self._whole: Vocabulary | None = None

    @property
    def whole(self) -> Vocabulary:
        if self._whole is None:
            self._whole = self._sidecar.vocabulary()
        return self._whole

    @cached_property
    def proper_words(self) -> frozenset[str]:
        """Folded words the corpus writes as names: capitalised after another capitalised
        word or a particle, or among an article's most repeated capitalised words. Read
        the first time a correction of a capitalised word asks."""
        return self._sidecar.proper_words()

    def most_frequent_with_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        """(article count, word) of the `limit` most frequent words starting with
        `prefix`, most frequent first (ties: the word sorting last first)."""
        if self._whole is not None:
            whole = self._whole
            words = ((whole.frequency(w), w) for w in whole.with_prefix(prefix))
            return heapq.nlargest(limit, words)
        return self._sidecar.most_frequent_with_prefix(prefix, limit)


class SidecarStore:
    """article id -> expressions and words, plus the vocabulary they add up to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            # one connection for the store's life, used from the app's worker threads
            # one call at a time (the lock), hence check_same_thread=False
            connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            for statement in _SCHEMA:
                connection.execute(statement)
            self._connection = connection
        return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def count(self) -> int | None:
        """How many articles it holds; None when the file is damaged, not ours, or its
        two per-article tables disagree."""
        try:
            with self._lock:
                connection = self._connect()
                counts = {
                    connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for table in ("expressions", "article_words", "article_names")
                }
        except sqlite3.Error:
            self.close()
            return None
        return int(counts.pop()) if len(counts) == 1 else None

    def expressions(self, article_id: str) -> list[RawExpr] | None:
        """The article's expressions; None when missing or unreadable (the caller
        extracts them again from the article). One of a kind this version does not
        know is left out (`index.text.temporal_json`)."""
        try:
            with self._lock:
                row = (
                    self._connect()
                    .execute("SELECT raw FROM expressions WHERE id = ?", (article_id,))
                    .fetchone()
                )
        except sqlite3.Error:
            return None
        return decode_expressions(row[0]) if row else None

    def proper_nouns(self, article_id: str) -> dict[str, int]:
        rows = self._rows("SELECT proper_nouns FROM article_names WHERE id = ?", (article_id,))
        return ArticleExtras.decode_proper_nouns(rows[0]) if rows else {}

    def name_pairs(self) -> list[tuple[str, str]]:
        """Every article's (preceding word, capitalised word) pairs, one list."""
        rows = self._rows("SELECT name_pairs FROM article_names", ())
        return ArticleExtras.decode_pairs("\n".join(rows))

    def proper_words(self) -> frozenset[str]:
        words = {fold(name) for _, name in self.name_pairs()}
        for text in self._rows("SELECT proper_nouns FROM article_names", ()):
            words.update(fold(name) for name in ArticleExtras.decode_proper_nouns(text))
        return frozenset(words)

    def _rows(self, statement: str, parameters: tuple[str, ...]) -> list[str]:
        try:
            with self._lock:
                rows = self._connect().execute(statement, parameters).fetchall()
        except sqlite3.Error:
            return []
        return [text for (text,) in rows if isinstance(text, str)]

    def vocabulary(self) -> Vocabulary:
        try:
            with self._lock:
                rows = self._connect().execute(
                    "SELECT word, articles FROM vocabulary WHERE articles > 0"
                )
                return Vocabulary.of(dict(rows.fetchall()))
        except sqlite3.Error:
            return Vocabulary()

    def most_frequent_with_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        try:
            with self._lock:
                rows = (
                    self._connect()
                    .execute(
                        "SELECT articles, word FROM vocabulary"
                        " WHERE word >= ? AND word < ? AND articles > 0"
                        " ORDER BY articles DESC, word DESC LIMIT ?",
                        (prefix, prefix + PREFIX_END, limit),
                    )
                    .fetchall()
                )
        except sqlite3.Error:
            return []
        return [(int(count), str(word)) for count, word in rows]

    def variant_groups(self) -> list[frozenset[str]] | None:
        """The stored name variant groups; None when missing or unreadable."""
        rows = self._rows("SELECT value FROM derived WHERE key = ?", (VARIANT_GROUPS,))
        try:
            value = json.loads(rows[0]) if rows else None
        except ValueError:
            return None
        if not isinstance(value, list) or not all(
            isinstance(group, list) and all(isinstance(word, str) for word in group)
            for group in value
        ):
            return None
        return [frozenset(group) for group in value]

    def save_variant_groups(self, groups: Iterable[frozenset[str]]) -> None:
        value = json.dumps([sorted(group) for group in groups], ensure_ascii=False)
        with self._lock:
            connection = self._connect()
            with connection:
                connection.execute(
                    "INSERT OR REPLACE INTO derived VALUES (?, ?)", (VARIANT_GROUPS, value)
                )

    def update(self, changed: Mapping[str, ArticleExtras], removed: Iterable[str]) -> None:
        """Replace the rows of `changed`, delete those of `removed`, and move the
        vocabulary's counts by the difference, in one transaction.

        sqlite3.Error on a full disk; the manifest, written after, is the index's
        commit point."""
        gone = list(dict.fromkeys([*removed, *changed]))
        with self._lock:
            connection = self._connect()
            with connection:
                delta: Counter[str] = Counter()
                for key in gone:
                    row = connection.execute(
                        "SELECT words FROM article_words WHERE id = ?", (key,)
                    ).fetchone()
                    if row:
                        delta.subtract(row[0].split())
                for extras in changed.values():
                    delta.update(extras.words.split())
                connection.executemany("DELETE FROM expressions WHERE id = ?", [(k,) for k in gone])
                for table in ("article_words", "article_names"):
                    connection.executemany(
                        f"DELETE FROM {table} WHERE id = ?", [(k,) for k in gone]
                    )
                connection.executemany(
                    "INSERT INTO expressions VALUES (?, ?)",
                    [(k, e.expressions) for k, e in changed.items()],
                )
                connection.executemany(
                    "INSERT INTO article_words VALUES (?, ?)",
                    [(k, e.words) for k, e in changed.items()],
                )
                connection.executemany(
                    "INSERT INTO article_names VALUES (?, ?, ?)",
                    [(k, e.proper_nouns, e.name_pairs) for k, e in changed.items()],
                )
                connection.executemany(
                    "INSERT INTO vocabulary VALUES (?, ?) ON CONFLICT(word) "
                    "DO UPDATE SET articles = articles + excluded.articles",
                    [(word, count) for word, count in delta.items() if count],
                )
                connection.execute("DELETE FROM vocabulary WHERE articles <= 0")

    def delete_file(self) -> None:
        self.close()
        for suffix in ("", "-journal", "-wal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()
