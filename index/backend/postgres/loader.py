"""Loading one folder into its collection: only what changed (size and mtime, then
content hash), all in ONE transaction.

Until the commit, every reader (other `summit` processes included) sees the previous
state whole; a crash, a cancel or a lost connection rolls the load back, so the
collection stays as it was, searchable. An article's rows (its record, passages and
vocabulary counts) change only together, at the commit: no reader sees half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.backend.postgres.documents import (
    ARTICLE_COLUMNS,
    PASSAGE_COLUMNS,
    ArticleRows,
    job_for,
    rows_for,
    rows_for_chunk,
)
from index.corpus.files import discover_names, printable_name
from index.corpus.ids import new_article_id
from index.corpus.places import infer_place, place_key
from index.errors import CorpusError, IndexBusyError, IndexCancelled
from index.models import UpdateReport
from index.store.processes import exit_with_parent, process_pool, spawning
from index.store.sidecar import ArticleExtras
from index.text.variants import variant_groups
from index.text.words import fold, stem

if TYPE_CHECKING:
    import psycopg

    from index.store.parsing import IndexJob

ProgressCallback = Callable[[int, int, str], None]
PARALLEL_FROM = 64
"""From this many files to parse, worker processes parse them (below, starting them
costs more than they save)."""
CHUNK = 32
LOCK_WAIT_SECONDS = 30.0
BATCH = 500
"""Parsed articles written per COPY (memory stays bounded whatever the folder's size)."""


@dataclass(slots=True)
class _Known:
    id: str
    file: str
    hash: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class _Load:
    """What one load changes, applied at its end."""

    gone: list[str] = field(default_factory=list)
    """Ids whose rows are deleted (removed, unreadable or changed files)."""
    touched: list[tuple[int, int, str]] = field(default_factory=list)
    """(size, mtime_ns, id) of files touched but identical."""
    words: Counter[str] = field(default_factory=Counter)
    """Vocabulary delta: article counts added (and, for gone articles, taken away)."""
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    """(name pairs, proper nouns) of the articles written, by id."""
    names_changed: bool = False
    """Whether the collection's names changed (its name variants must be worked out again)."""


def collection_lock_key(name: str) -> int:
    digest = hashlib.sha256(f"summit:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def load_folder(
    conn: psycopg.Connection,
    name: str,
    folder: Path,
    *,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    warnings: list[str],
) -> UpdateReport:
    """Bring collection `name` in line with `folder` in one transaction (see module)."""
    report = UpdateReport()
    with conn.transaction():
        _lock(conn, name)
        collection, created = _collection(conn, name, folder, rebuild)
        report.rebuilt = created or rebuild
        if created or rebuild:
            report.reason = f"new collection {name}" if created else "rebuild requested"
        known = _known(conn, collection)
        load = _Load()
        jobs, removed = _plan(folder, known, report, warnings)
        load.gone.extend(removed)
        by_file = {k.file: k for k in known.values()}
        fresh: list[ArticleRows] = []
        held: list[ArticleRows] = []
        """New versions of changed files: written once their old rows are deleted."""
        for done, rows in enumerate(_parsed(jobs, cancel), 1):
            if _take(rows, by_file, load, report, warnings):
                (held if rows.parsed.file in by_file else fresh).append(rows)
            if len(fresh) >= BATCH:
                _write(conn, collection, fresh)
                fresh = []
            if progress and (done % 50 == 0 or done == len(jobs)):
                progress(done, len(jobs), f"loading {done}/{len(jobs)}")
        _write(conn, collection, fresh)
        _delete(conn, collection, load)
        _write(conn, collection, held)
        if load.touched:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE summit_articles SET size = %s, mtime_ns = %s "
                    "WHERE collection = %s AND id = %s",
                    [(size, mtime, collection, aid) for size, mtime, aid in load.touched],
                )
        _update_vocabulary(conn, collection, load.words)
        if report.touched or created or rebuild:
            _infer_places(conn, collection)
            if load.names_changed or created or rebuild:
                # (reads every article's names: O(collection), so only when they changed)
                groups = _variant_groups(conn, collection)
                conn.execute(
                    "UPDATE summit_collections SET variant_groups = %s WHERE id = %s",
                    (json.dumps([sorted(g) for g in groups]), collection),
                )
            conn.execute(
                "UPDATE summit_collections SET generation = generation + 1, folder = %s,"
                " updated = now() WHERE id = %s",
                (str(folder), collection),
            )
        if cancel is not None and cancel.is_set():
            raise IndexCancelled("the load was stopped; the collection is as it was")
    return report


def _write(conn: psycopg.Connection, collection: int, batch: list[ArticleRows]) -> None:
    if not batch:
        return
    with conn.cursor() as cursor:
        statement = f"COPY summit_articles (collection, {ARTICLE_COLUMNS}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for rows in batch:
                assert rows.article is not None
                copy.write_row((collection, *rows.article))
        statement = f"COPY summit_passages (collection, {PASSAGE_COLUMNS}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for rows in batch:
                for passage in rows.passages:
                    copy.write_row((collection, *passage))


def _delete(conn: psycopg.Connection, collection: int, load: _Load) -> None:
    """The rows of removed, unreadable and changed files (passages go with them), their
    words taken off the vocabulary counts."""
    if not load.gone:
        return
    rows = conn.execute(
        "DELETE FROM summit_articles WHERE collection = %s AND id = ANY(%s) "
        "RETURNING id, words, name_pairs, proper_nouns",
        (collection, load.gone),
    ).fetchall()
    for article_id, words, pairs, nouns in rows:
        load.words.subtract(words.split())
        if load.names.get(article_id) != (pairs, nouns):  # removed, or its names changed
            load.names_changed = True


def _lock(conn: psycopg.Connection, name: str) -> None:
    """One load per collection at a time (readers never wait: they read the last commit)."""
    key = collection_lock_key(name)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        row = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,)).fetchone()
        if row and row[0]:
            return
        if time.monotonic() > deadline:
            raise IndexBusyError(f"collection {name} is being loaded by another summit index")
        time.sleep(0.2)


def _collection(
    conn: psycopg.Connection, name: str, folder: Path, rebuild: bool
) -> tuple[int, bool]:
    row = conn.execute(
        "INSERT INTO summit_collections (name, folder, build) VALUES (%s, %s, %s) "
        "ON CONFLICT (name) DO NOTHING RETURNING id",
        (name, str(folder), secrets.token_hex(6)),
    ).fetchone()
    if row:
        return int(row[0]), True
    found = conn.execute(
        "SELECT id, folder FROM summit_collections WHERE name = %s", (name,)
    ).fetchone()
    assert found is not None
    collection, loaded_from = int(found[0]), str(found[1])
    if loaded_from != str(folder) and not rebuild and _has_articles(conn, collection):
        # two folders of the same name would replace each other's articles at every load
        raise CollectionClash(
            f"collection {name!r} holds the articles of {loaded_from}; {folder} has the same "
            "name: rename this folder, or load it with --rebuild to replace the collection"
        )
    if rebuild:
        conn.execute("DELETE FROM summit_articles WHERE collection = %s", (collection,))
        conn.execute("DELETE FROM summit_vocabulary WHERE collection = %s", (collection,))
        conn.execute(
            "UPDATE summit_collections SET build = %s, generation = 0 WHERE id = %s",
            (secrets.token_hex(6), collection),
        )
    return collection, False


def _has_articles(conn: psycopg.Connection, collection: int) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM summit_articles WHERE collection = %s)", (collection,)
    ).fetchone()
    return bool(row and row[0])


class CollectionClash(CorpusError):
    """Another folder of the same name is loaded as this collection."""


def _known(conn: psycopg.Connection, collection: int) -> dict[str, _Known]:
    rows = conn.execute(
        "SELECT id, file, hash, size, mtime_ns FROM summit_articles WHERE collection = %s",
        (collection,),
    ).fetchall()
    return {row[0]: _Known(*row) for row in rows}


def _plan(
    folder: Path, known: dict[str, _Known], report: UpdateReport, warnings: list[str]
) -> tuple[list[IndexJob], list[str]]:
    """(jobs, ids of files gone): one job per new or changed file, its id chosen here as
    the whoosh backend does (a file keeps its id; a new one gets its path without
    suffix, or its whole path when that id is taken)."""
    by_file = {k.file: k for k in known.values()}
    present: set[str] = set()
    to_parse: list[tuple[Path, str]] = []
    for full, file in discover_names(folder, warnings):
        present.add(file)
        old = by_file.get(file)
        try:
            stat = os.stat(full)
        except OSError as exc:
            warnings.append(f"skipped {printable_name(file)}: {exc.strerror or exc}")
            continue
        if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
            report.unchanged += 1
        else:
            to_parse.append((Path(full), file))
    removed = [k for k in known.values() if k.file not in present]
    taken = {k.id for k in known.values()} - {k.id for k in removed}
    jobs = []
    for path, file in to_parse:
        old = by_file.get(file)
        if old is not None:
            jobs.append(job_for(path, folder, old.id, old.hash))
            continue
        jobs.append(job_for(path, folder, new_article_id(file, taken), None))
    report.removed = len(removed)
    return jobs, [k.id for k in removed]


def _parsed(jobs: list[IndexJob], cancel: threading.Event | None) -> Iterator[ArticleRows]:
    """Rows of each job, parsed by worker processes when there are many."""
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        for job in jobs:
            if cancel is not None and cancel.is_set():
                raise IndexCancelled("the load was stopped; the collection is as it was")
            yield rows_for(job)
        return
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    with spawning() as context:
        # started through index.store.processes (stderr care), and ending with this
        # process: a killed `summit index` leaves no workers behind
        pool = process_pool(context, workers, exit_with_parent, (os.getpid(),))
    with pool:
        pending: set[Future[list[ArticleRows]]] = set()
        queue = iter(chunks)

        def submit(chunk: list[IndexJob]) -> None:
            with spawning():  # the workers start as work is submitted
                pending.add(pool.submit(rows_for_chunk, chunk))

        try:
            for chunk in queue:
                submit(chunk)
                if len(pending) >= workers * 2:
                    break
            while pending:
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                if cancel is not None and cancel.is_set():
                    raise IndexCancelled("the load was stopped; the collection is as it was")
                for future in done:
                    pending.discard(future)
                    yield from future.result()
                    following = next(queue, None)
                    if following is not None:
                        submit(following)
        finally:
            for future in pending:
                future.cancel()


def _take(
    rows: ArticleRows,
    by_file: dict[str, _Known],
    load: _Load,
    report: UpdateReport,
    warnings: list[str],
) -> bool:
    """Account for one parsed file; True when its new rows are to be written."""
    parsed = rows.parsed
    old = by_file.get(parsed.file)
    if parsed.warning:
        warnings.append(parsed.warning)
        if old is not None:  # could no longer be read: dropped like a deleted file
            load.gone.append(old.id)
            report.removed += 1
        return False
    record = parsed.record
    assert record is not None
    if old is not None and parsed.unchanged:
        load.touched.append((record.size, record.mtime_ns, old.id))
        report.unchanged += 1
        return False
    if old is not None:
        load.gone.append(old.id)
        report.changed += 1
    else:
        report.added += 1
    load.words.update(parsed.words.split())
    load.names[record.id] = (parsed.name_pairs, parsed.proper_nouns)
    if old is None and (parsed.name_pairs or parsed.proper_nouns not in ("{}", "")):
        load.names_changed = True
    return True


def _update_vocabulary(conn: psycopg.Connection, collection: int, delta: Counter[str]) -> None:
    changes = {word: count for word, count in delta.items() if count}
    if not changes:
        return
    conn.execute(
        "CREATE TEMP TABLE summit_vocabulary_delta (word text, stem text, df integer) "
        "ON COMMIT DROP"
    )
    with (
        conn.cursor() as cursor,
        cursor.copy("COPY summit_vocabulary_delta (word, stem, df) FROM STDIN") as copy,
    ):
        for word, count in changes.items():
            copy.write_row((word, stem(word), count))
    conn.execute(
        "INSERT INTO summit_vocabulary (collection, word, stem, df) "
        "SELECT %s, word, stem, df FROM summit_vocabulary_delta "
        "ON CONFLICT (collection, word) DO UPDATE SET df = summit_vocabulary.df + excluded.df",
        (collection,),
    )
    conn.execute("DELETE FROM summit_vocabulary WHERE collection = %s AND df <= 0", (collection,))
    conn.execute("DROP TABLE summit_vocabulary_delta")


def _infer_places(conn: psycopg.Connection, collection: int) -> None:
    """Articles without a dateline take the collection's dateline city they name most
    (index.corpus.places.infer_place, as in the whoosh backend)."""
    rows = conn.execute(
        "SELECT place FROM summit_articles WHERE collection = %s AND place IS NOT NULL "
        "AND place_source IN ('dateline', 'front_matter')",
        (collection,),
    ).fetchall()
    known = {place_key(place): place for (place,) in rows}
    open_rows = conn.execute(
        "SELECT id, place, proper_nouns FROM summit_articles WHERE collection = %s "
        "AND (place IS NULL OR place_source = 'inferred')",
        (collection,),
    ).fetchall()
    changes = []
    for article_id, place, nouns in open_rows:
        inferred = infer_place(ArticleExtras.decode_proper_nouns(nouns), known)
        if inferred != place or place is None:
            source = "inferred" if inferred else "unknown"
            changes.append((inferred, source, collection, article_id))
    if changes:
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE summit_articles SET place = %s, place_source = %s "
                "WHERE collection = %s AND id = %s",
                changes,
            )


def _variant_groups(conn: psycopg.Connection, collection: int) -> list[frozenset[str]]:
    """Name variants of the whole collection (index.text.variants), stored with it."""
    pairs: list[tuple[str, str]] = []
    proper: set[str] = set()
    with conn.cursor(name="summit_names") as cursor:
        cursor.execute(
            "SELECT name_pairs, proper_nouns FROM summit_articles WHERE collection = %s",
            (collection,),
        )
        for text, nouns in cursor:
            found = ArticleExtras.decode_pairs(text)
            pairs.extend(found)
            proper.update(fold(name) for _, name in found)
            proper.update(fold(name) for name in ArticleExtras.decode_proper_nouns(nouns))
    return variant_groups(pairs, proper)
