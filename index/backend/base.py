"""The backend seam: what the engine asks of whatever holds the passages.

`Engine` (index/engine.py) talks to one `PassageIndex`; the app, the CLI and
`summit serve` talk only to the engine, so none of them knows which backend answers.
Two implement it: `index.backend.whoosh` (an embedded index per articles folder, the
default) and `index.backend.postgres` (a shared database, `--database URL`).

Everything backend-neutral stays outside: the query language and its repairs
(index/search/querylang.py), the fallbacks when a query finds nothing
(index/search/fallback.py), highlighting, fold, stemmer and name variants
(index/text/), and the timeline, built from `articles_for_timeline()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from index.models import Article, DateAnchor, SearchResult, UpdateReport
from index.store.manifest import ManifestRecord
from index.text.temporal_record import RawExpr

ProgressCallback = Callable[[int, int, str], None]
"""progress(done, total, message): called from the thread doing the work."""

AnchorsProvider = Callable[[], dict[str, DateAnchor]]
"""Every article's date by id, asked for only when a search needs dates."""


class PassageSearch(Protocol):
    """Ranked passages from one state of the index (a snapshot: a sync that lands
    meanwhile is seen by the next `PassageIndex.searcher()`)."""

    def search(
        self,
        text: str,
        limit: int = 20,
        *,
        group_by_article: bool = False,
        as_you_type: bool = False,
        anchors: AnchorsProvider | None = None,
        shown_anchors: AnchorsProvider | None = None,
        collection_of: Callable[[str], str] | None = None,
    ) -> SearchResult:
        """`collection_of` names the collection (folder label) of a file, for the
        `collection:` filter."""
        ...

    def similar(
        self,
        article_id: str,
        paragraph: int | None,
        limit: int,
        anchors: AnchorsProvider | None = None,
    ) -> SearchResult: ...

    def close(self) -> None: ...


class PassageIndex(Protocol):
    """One corpus as a backend holds it: kept in step with its articles, searched."""

    @property
    def index_dir(self) -> Path:
        """Where this backend keeps files of its own (caches beside the index)."""
        ...

    @property
    def is_open(self) -> bool: ...

    @property
    def version(self) -> str:
        """Changes whenever the indexed articles change: caches are keyed on it."""
        ...

    @property
    def warnings(self) -> list[str]:
        """Files skipped or decoded with a fallback during the last sync."""
        ...

    def open_existing(self) -> bool:
        """Open the index as it was left, without reading the articles (fast)."""
        ...

    def sync(
        self,
        progress: ProgressCallback | None = None,
        *,
        rebuild: bool = False,
        verify: bool = False,
        cancel: threading.Event | None = None,
    ) -> UpdateReport:
        """Bring the index in line with the articles (only what changed), in a way
        that leaves the previous state searchable until the new one is complete."""
        ...

    def check(self) -> list[str]:
        """What is wrong with the index (nothing written): [] when whole."""
        ...

    def close(self) -> None: ...

    def manifest_records(self) -> list[ManifestRecord]: ...

    def record(self, article_id: str) -> ManifestRecord:
        """The record of exactly this id (ArticleNotFound otherwise)."""
        ...

    def resolve_id(self, article_id: str) -> str:
        """Exact id, else file name, else a unique id prefix."""
        ...

    def article(self, article_id: str) -> Article:
        """The article as it reads now, under the id the index gave it."""
        ...

    def searcher(self) -> PassageSearch: ...

    def raw_expressions(self, article_id: str) -> list[RawExpr]:
        """The article's time expressions as extracted at indexing time."""
        ...

    def articles_for_timeline(self) -> Iterator[Article]:
        """Every article, one at a time (not held: the timeline is cached instead)."""
        ...
