"""Loading one folder into its collection: only what changed (size and mtime, then
content hash), all in ONE transaction.

Until the commit, every reader (other `summit` processes included) sees the previous
state whole; a crash, a cancel or a lost connection rolls the load back, so the
collection stays as it was, searchable. An article's rows (its record, passages and
vocabulary counts) change only together, at the commit: no reader sees half of one.

This module is the transaction and the collection's row; changes.py works out what the
load changes (jobs, parsing, the account of each file), writes.py writes and deletes the
rows, derived.py works places and name variants out again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from index.backend.postgres import changes, derived, toplists, writes
from index.backend.postgres.documents import ArticleRows
from index.corpus.folders import Folders
from index.errors import CorpusError, IndexBusyError, IndexCancelled
from index.models import UpdateReport

if TYPE_CHECKING:
    import psycopg

ProgressCallback = Callable[[int, int, str], None]
LOCK_WAIT_SECONDS = 30.0
BATCH = 500
"""Parsed articles written per COPY (memory stays bounded whatever the folder's size)."""


def collection_lock_key(name: str) -> int:
    digest = hashlib.sha256(f"summit:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def load_folder(
    conn: psycopg.Connection,
    name: str,
    folders: Folders,
    *,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    warnings: list[str],
) -> UpdateReport:
    """Bring collection `name` in line with its folder(s) in one transaction (see module)."""
    report = UpdateReport()
    with conn.transaction():
        _lock(conn, name)
        collection, created = _collection(conn, name, str(folders), rebuild)
        report.rebuilt = created or rebuild
        if created or rebuild:
            report.reason = f"new collection {name}" if created else "rebuild requested"
        known = changes.known_files(conn, collection)
        load = changes.Load()
        jobs, removed = changes.plan(folders, known, report, warnings)
        load.gone.extend(removed)
        by_file = {k.file: k for k in known.values()}
        fresh: list[ArticleRows] = []
        held: list[ArticleRows] = []
        """New versions of changed files: written once their old rows are deleted."""
        for done, rows in enumerate(changes.parsed(jobs, cancel), 1):
            if changes.take(rows, by_file, load, report, warnings):
                (held if rows.parsed.file in by_file else fresh).append(rows)
            if len(fresh) >= BATCH:
                writes.write(conn, collection, fresh)
                fresh = []
            if progress and (done % 50 == 0 or done == len(jobs)):
                progress(done, len(jobs), f"loading {done}/{len(jobs)}")
        writes.write(conn, collection, fresh)
        writes.delete(conn, collection, load)
        writes.write(conn, collection, held)
        if load.touched:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE summit_articles SET size = %s, mtime_ns = %s "
                    "WHERE collection = %s AND id = %s",
                    [(size, mtime, collection, aid) for size, mtime, aid in load.touched],
                )
        writes.update_vocabulary(conn, collection, load.words)
        if report.touched or created or rebuild:
            toplists.update(conn, collection, list(load.names), rebuilt=created or rebuild)
        if report.touched or created or rebuild:
            derived.infer_places(conn, collection)
            if load.names_changed or created or rebuild or _no_proper_words(conn, collection):
                # (reads every article's names: O(collection), so only when they changed)
                groups, proper = derived.name_variants(conn, collection)
                conn.execute(
                    "UPDATE summit_collections SET variant_groups = %s, proper_words = %s "
                    "WHERE id = %s",
                    (
                        json.dumps([sorted(g) for g in groups]),
                        json.dumps(sorted(proper)),
                        collection,
                    ),
                )
            conn.execute(
                "UPDATE summit_collections SET generation = generation + 1, folder = %s,"
                " updated = now() WHERE id = %s",
                (str(folders), collection),
            )
        if cancel is not None and cancel.is_set():
            raise IndexCancelled("the load was stopped; the collection is as it was")
    return report


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
    conn: psycopg.Connection, name: str, folder: str, rebuild: bool
) -> tuple[int, bool]:
    """The collection's id and whether it is new; `folder` names the folder(s) it is
    loaded from (two folders of the same name must not take turns replacing it)."""
    row = conn.execute(
        "INSERT INTO summit_collections (name, folder, build) VALUES (%s, %s, %s) "
        "ON CONFLICT (name) DO NOTHING RETURNING id",
        (name, folder, secrets.token_hex(6)),
    ).fetchone()
    if row:
        return int(row[0]), True
    found = conn.execute(
        "SELECT id, folder FROM summit_collections WHERE name = %s", (name,)
    ).fetchone()
    assert found is not None
    collection, loaded_from = int(found[0]), str(found[1])
    if loaded_from != folder and not rebuild and _has_articles(conn, collection):
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


def _no_proper_words(conn: psycopg.Connection, collection: int) -> bool:
    """Whether the collection was loaded before its proper words were stored."""
    row = conn.execute(
        "SELECT proper_words IS NULL FROM summit_collections WHERE id = %s", (collection,)
    ).fetchone()
    return bool(row and row[0])


def _has_articles(conn: psycopg.Connection, collection: int) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM summit_articles WHERE collection = %s)", (collection,)
    ).fetchone()
    return bool(row and row[0])


class CollectionClash(CorpusError):
    """Another folder of the same name is loaded as this collection."""
