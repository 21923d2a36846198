"""What one load changes: the files to parse (new, or changed by size or mtime), the
ids they get, their parsing (by worker processes when there are many), and the account
of each parsed file in a Load, applied at the end of the load's transaction."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.backend.postgres.documents import ArticleRows, job_for, rows_for, rows_for_chunk
from index.corpus.files import printable_name
from index.corpus.folders import Folders
from index.corpus.ids import new_article_id
from index.errors import IndexCancelled
from index.models import UpdateReport
from index.store.processes import exit_with_parent, process_pool, spawning

if TYPE_CHECKING:
    import psycopg

    from index.store.parsing import IndexJob

PARALLEL_FROM = 64
"""From this many files to parse, worker processes parse them (below, starting them
costs more than they save)."""
CHUNK = 32


@dataclass(slots=True)
class Known:
    id: str
    file: str
    hash: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Load:
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


def known_files(conn: psycopg.Connection, collection: int) -> dict[str, Known]:
    rows = conn.execute(
        "SELECT id, file, hash, size, mtime_ns FROM summit_articles WHERE collection = %s",
        (collection,),
    ).fetchall()
    return {row[0]: Known(*row) for row in rows}


def plan(
    folders: Folders, known: dict[str, Known], report: UpdateReport, warnings: list[str]
) -> tuple[list[IndexJob], list[str]]:
    """(jobs, ids of files gone): one job per new or changed file, its id chosen here as
    the whoosh backend does (a file keeps its id; a new one gets its path without
    suffix, or its whole path when that id is taken)."""
    by_file = {k.file: k for k in known.values()}
    present: set[str] = set()
    to_parse: list[tuple[Path, str]] = []
    for full, file in folders.names(warnings):
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
            jobs.append(job_for(path, file, old.id, old.hash))
            continue
        jobs.append(job_for(path, file, new_article_id(file, taken), None))
    report.removed = len(removed)
    return jobs, [k.id for k in removed]


def parsed(jobs: list[IndexJob], cancel: threading.Event | None) -> Iterator[ArticleRows]:
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


def take(
    rows: ArticleRows,
    by_file: dict[str, Known],
    load: Load,
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
