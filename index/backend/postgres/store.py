"""One collection of a PostgreSQL database, as the engine's PassageIndex.

The collection is named after its articles folder ("articles" for …/articles); several
folders searched together are one collection named after their labels ("desk+wire"),
their files named as index.corpus.folders names them, as in the whoosh backend.
`sync()` loads the folder (index.backend.postgres.loader); everything else reads the
database, so a collection loaded on one machine is searched, read and put on a timeline
from any other, without the folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from platformdirs import user_cache_dir

from index.backend.postgres.connection import DatabaseError, connect, redact, scrub
from index.backend.postgres.schema import ensure_schema
from index.corpus.folders import Folders
from index.errors import ArticleNotFound, CorpusError, SummitError
from index.models import Article, Paragraph, SearchResult, UpdateReport
from index.store.manifest import ManifestRecord
from index.store.paths import APP_NAME
from index.store.records import resolve_id
from index.text.temporal_json import decode_expressions
from index.text.temporal_record import RawExpr

if TYPE_CHECKING:
    import psycopg

    from index.backend.base import ProgressCallback
    from index.backend.postgres.searcher import PgSearcher

RECHECK_SECONDS = 1.0
"""How often a searcher asks whether another process loaded the collection meanwhile."""
_RECORD_COLUMNS = (
    "id, file, hash, size, mtime_ns, title, title_derived, place, place_source, date, "
    "source, paragraphs, warnings"
)


def collection_name(folders: Folders) -> str:
    if folders.several:
        return "+".join(folders.labels)
    return folders.first.name or "articles"


def database_cache_dir(url: str, collection: str) -> Path:
    """Caches of one collection (timeline, user dates), per database: keyed by the URL
    without its password, so changing a password keeps them."""
    digest = hashlib.sha256(redact(url).encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", collection)[:40] or "articles"
    return Path(user_cache_dir(APP_NAME)) / "databases" / digest / slug


class PgIndex:
    """A collection in a PostgreSQL database (see module docstring)."""

    def __init__(
        self,
        url: str,
        folders: Folders,
        cache_dir: Path | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.url = url
        self.folders = folders
        self.name = collection_name(folders)
        self._cache_dir = cache_dir or database_cache_dir(url, self.name)
        self.stop = stop or threading.Event()
        self.warnings: list[str] = []
        self._conn: psycopg.Connection | None = None
        self._collection: int | None = None
        self._version = ""
        self._variant_groups: list[frozenset[str]] = []
        self._records: dict[str, ManifestRecord] = {}
        self._searcher: PgSearcher | None = None
        self._checked = 0.0
        self._expressions: dict[str, list[RawExpr]] = {}
        self._lock = threading.RLock()

    # -- the seam's properties -----------------------------------------------------------

    @property
    def index_dir(self) -> Path:
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        return self._cache_dir

    @property
    def is_open(self) -> bool:
        return self._collection is not None

    @property
    def version(self) -> str:
        return self._version

    # -- connecting ----------------------------------------------------------------------

    @property
    def conn(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            conn = connect(self.url)
            try:
                ensure_schema(conn)
            except Exception:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _guarded(self, work: Any) -> Any:
        """Run `work()`; a database failure becomes one line without credentials."""
        import psycopg

        try:
            return work()
        except psycopg.Error as exc:
            if self._conn is not None and self._conn.closed:
                self._conn = None
            reason = scrub(str(exc) or type(exc).__name__, self.url)
            raise DatabaseError(f"database {redact(self.url)}: {reason}") from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._searcher = None

    # -- opening and loading -------------------------------------------------------------

    def open_existing(self) -> bool:
        opened = bool(self._guarded(self._load_state))
        if opened:
            # the searcher's modules (rapidfuzz among them: about 0.3 s) load with the
            # collection, not at the first keystroke
            import index.backend.postgres.searcher  # noqa: F401
        return opened

    def _load_state(self) -> bool:
        """Read the collection's records and variants; False when it is not loaded yet."""
        with self._lock:
            conn = self.conn
            with conn.transaction():
                row = conn.execute(
                    "SELECT id, build, generation, variant_groups FROM summit_collections "
                    "WHERE name = %s",
                    (self.name,),
                ).fetchone()
                if row is None:
                    return False
                collection, build, generation, groups = row
                records = conn.execute(
                    f"SELECT {_RECORD_COLUMNS} FROM summit_articles WHERE collection = %s "
                    "ORDER BY file",
                    (collection,),
                ).fetchall()
            self._records = {r[0]: _record(r) for r in records}
            self._variant_groups = [frozenset(g) for g in groups]
            self._collection = int(collection)
            self._version = f"{build}:{generation}"
            self._searcher = None
            self._checked = time.monotonic()
            return True

    def sync(
        self,
        progress: ProgressCallback | None = None,
        *,
        rebuild: bool = False,
        verify: bool = False,
        cancel: threading.Event | None = None,
    ) -> UpdateReport:
        """Load the folder into the collection (only what changed, in one transaction);
        without the folder here, the collection is opened as it is in the database."""
        from index.backend.postgres.loader import load_folder
        from index.cancel import either

        started = time.perf_counter()
        self.warnings = []
        missing = [path for path in self.folders.paths if not path.is_dir()]
        if missing:
            if not self.open_existing():
                raise CorpusError(
                    f"no folder {missing[0]} here and no collection {self.name!r} in "
                    f"{redact(self.url)} (load it with summit index --articles FOLDER)"
                )
            # said by `summit index` (verify), not before every search of a collection
            # loaded on another machine
            why = f"no folder {missing[0]} here: collection {self.name!r} searched as it is"
            return UpdateReport(
                reason="collection only",
                seconds=time.perf_counter() - started,
                not_updated=None,
                warnings=[why] if verify else [],
            )
        stop = cast(threading.Event, either(self.stop, cancel))

        def load() -> UpdateReport:
            with self._lock:
                # its own connection: the load's transaction is not this store's reads'
                conn = connect(self.url, autocommit=True)
                try:
                    ensure_schema(conn)
                    return load_folder(
                        conn,
                        self.name,
                        self.folders,
                        rebuild=rebuild,
                        progress=progress,
                        cancel=stop,
                        warnings=self.warnings,
                    )
                finally:
                    conn.close()

        report = cast(UpdateReport, self._guarded(load))
        self._guarded(self._load_state)
        report.warnings = [*self.warnings, *report.warnings]
        for record in self._records.values():
            report.warnings.extend(w for w in record.warnings if w not in report.warnings)
        report.seconds = time.perf_counter() - started
        return report

    def check(self) -> list[str]:
        def work() -> list[str]:
            if not self._load_state():
                return [f"no collection {self.name!r} in {redact(self.url)}"]
            row = self.conn.execute(
                "SELECT count(*) FROM summit_articles a WHERE a.collection = %s AND "
                "a.paragraphs <> (SELECT count(*) FROM summit_passages p "
                "WHERE p.collection = a.collection AND p.article_id = a.id)",
                (self._collection,),
            ).fetchone()
            broken = int(row[0]) if row else 0
            return [f"{broken} articles without all their passages"] if broken else []

        return cast(list[str], self._guarded(work))

    # -- reading -------------------------------------------------------------------------

    def _require_open(self) -> None:
        if self._collection is None:
            raise SummitError("the index is not open yet")

    def manifest_records(self) -> list[ManifestRecord]:
        self._require_open()
        return list(self._records.values())

    def record(self, article_id: str) -> ManifestRecord:
        self._require_open()
        try:
            return self._records[article_id]
        except KeyError:
            raise ArticleNotFound(f"no article with id {article_id!r}") from None

    def resolve_id(self, article_id: str) -> str:
        """Exact id, else file name, else a unique prefix of an id (the one rule)."""
        self._require_open()
        return resolve_id(self._records, article_id)

    def article(self, article_id: str) -> Article:
        record = self.record(article_id)

        def work() -> Article:
            with self._lock:
                row = self.conn.execute(
                    "SELECT kind, dateline, url, body, spans, hash FROM summit_articles "
                    "WHERE collection = %s AND id = %s",
                    (self._collection, article_id),
                ).fetchone()
            if row is None:
                raise ArticleNotFound(f"article {article_id!r} is no longer in the collection")
            return _article(record, row)

        return cast(Article, self._guarded(work))

    def raw_expressions(self, article_id: str) -> list[RawExpr]:
        cached = self._expressions.pop(article_id, None)
        if cached is not None:
            return cached

        def work() -> list[RawExpr]:
            with self._lock:
                row = self.conn.execute(
                    "SELECT expressions FROM summit_articles WHERE collection = %s AND id = %s",
                    (self._collection, article_id),
                ).fetchone()
            return (decode_expressions(row[0]) or []) if row else []

        return cast(list[RawExpr], self._guarded(work))

    def articles_for_timeline(self) -> Iterator[Article]:
        """Every article from the database, one at a time, read through a cursor; its
        time expressions are kept until `raw_expressions` asks for them (just after)."""
        self._require_open()
        conn = connect(self.url)
        try:
            with conn.transaction(), conn.cursor(name="summit_timeline") as cursor:
                cursor.itersize = 200
                cursor.execute(
                    "SELECT id, kind, dateline, url, body, spans, hash, expressions "
                    "FROM summit_articles WHERE collection = %s ORDER BY file",
                    (self._collection,),
                )
                for article_id, *row, expressions in cursor:
                    record = self._records.get(article_id)
                    if record is None:
                        continue  # loaded after this state was read: the next build has it
                    self._expressions = {article_id: decode_expressions(expressions) or []}
                    yield _article(record, tuple(row))
        finally:
            conn.close()

    def searcher(self) -> _GuardedSearch:
        from index.backend.postgres.searcher import PgSearcher

        self._require_open()
        if time.monotonic() - self._checked > RECHECK_SECONDS:
            self._follow_loads()
        if self._searcher is None:
            assert self._collection is not None
            self._searcher = PgSearcher(
                self._guarded(lambda: self.conn),
                self._collection,
                self._records,
                self._variant_groups,
                self._lock,
            )
        return _GuardedSearch(self._searcher, self._guarded)

    def _follow_loads(self) -> None:
        """Another process loaded the collection: read its new state."""
        self._checked = time.monotonic()
        row = self._guarded(
            lambda: self.conn.execute(
                "SELECT build || ':' || generation FROM summit_collections WHERE id = %s",
                (self._collection,),
            ).fetchone()
        )
        if row is not None and row[0] != self._version:
            self._guarded(self._load_state)


class _GuardedSearch:
    """The searcher, its database failures said in one line without credentials."""

    def __init__(self, searcher: PgSearcher, guarded: Callable[[Any], Any]) -> None:
        self._searcher, self._guarded = searcher, guarded

    def search(self, text: str, limit: int = 20, **options: Any) -> SearchResult:
        return cast(
            SearchResult, self._guarded(lambda: self._searcher.search(text, limit, **options))
        )

    def similar(
        self, article_id: str, paragraph: int | None, limit: int, anchors: Any = None
    ) -> SearchResult:
        return cast(
            SearchResult,
            self._guarded(lambda: self._searcher.similar(article_id, paragraph, limit, anchors)),
        )

    def close(self) -> None:
        self._searcher.close()


def _record(row: tuple[Any, ...]) -> ManifestRecord:
    record = ManifestRecord(*row[:-1])
    record.warnings = list(row[-1] or [])
    return record


def _article(record: ManifestRecord, row: tuple[Any, ...]) -> Article:
    kind, dateline, url, body, spans, content_hash = row
    paragraphs = tuple(
        Paragraph(i, s, e, text[0] if text else body[s:e]) for i, s, e, *text in spans
    )
    date = dt.date.fromisoformat(record.date) if record.date else None
    return Article(
        id=record.id,
        file=record.file,
        title=record.title,
        title_derived=record.title_derived,
        place=record.place,
        place_source=cast(Any, record.place_source),
        dateline=dateline,
        date=date,
        source=record.source,
        url=url,
        text=body,
        paragraphs=paragraphs,
        content_hash=content_hash,
        kind=kind,
        warnings=tuple(record.warnings),
    )
