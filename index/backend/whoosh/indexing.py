"""Turning article files into whoosh documents, on both cores.

Analysis and posting sorting in whoosh are pure Python (about 20 ms per article), so
one writer process caps a build at one core. For large updates each worker process
parses its share of the files and writes a whole whoosh segment of its own; the parent
keeps the index's write lock, deletes superseded documents, and commits one table of
contents that adds the workers' segments (what whoosh's own MpWriter does with
`multisegment=True`, minus its forked sub-writers that outlived a killed parent).

Workers are spawned, not forked: a forked child would share the parent's lock files
(flock belongs to the open file) and keep the index locked after a SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import math
import os
import queue
import re
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from whoosh.writing import PostingPool

from index.backend.whoosh.schema import ARTICLE, PASSAGE
from index.cancel import Cancel
from index.corpus.articles import (
    SkippedFile,
    parse_file,
    printable_name,
    proper_noun_counts,
    relative_name,
)
from index.errors import IndexCancelled
from index.models import Article
from index.store.manifest import ManifestRecord
from index.store.processes import exit_with_parent, process_pool, spawning
from index.store.sidecar import ArticleExtras
from index.text.words import folded_words

PARALLEL_THRESHOLD = 200
"""Below this many files, spawning workers costs more than it saves."""
MIN_CHUNK = 100
CHUNKS_PER_WORKER = 2
"""A few chunks per worker, so one slow chunk does not leave the other core idle at the
end; each chunk becomes one segment, so not many more."""
WORKER_LIMIT_MB = 48
"""whoosh's in-memory posting pool per worker before it spills sorted runs to disk."""
PART_TEMP_PREFIX = "part-"
RESULT_GRACE_SECONDS = 10.0
RUN_BLOCK = 8192
"""Postings per marshalled block in a spilled run."""
_BLOCK_HEADER = struct.Struct("<I")
_NAME_PAIR = re.compile(r"\b([A-Z][\w'’]*|al|el|ad|ag)[-\s]([A-Z][\w'’]+)")


@dataclass(frozen=True, slots=True)
class IndexJob:
    """One file to (re-)index, with the id the parent chose for it."""

    path: str
    folder: str
    article_id: str
    old_hash: str | None = None
    """The hash of the indexed version: a file that was only touched is not re-indexed."""


@dataclass(slots=True)
class ParsedFile:
    file: str
    """The path relative to the articles folder (also when the file was skipped)."""
    record: ManifestRecord | None
    raw_expressions: str
    """JSON, as stored: a string is a tenth of the memory of the parsed lists, and the
    parent holds them for a whole build."""
    warning: str | None
    unchanged: bool = False
    words: str = ""
    """The article's distinct vocabulary words (folded), space-separated."""
    proper_nouns: str = "{}"
    name_pairs: str = ""
    """Its proper nouns and name pairs, as stored (see index.store.sidecar.ArticleExtras)."""


def parse_for_index(job: IndexJob) -> tuple[ParsedFile, Article | None]:
    """Parse one file and extract what the index stores for it; the article comes back
    only when its documents must be (re-)written."""
    from index.text.temporal import extract_raw

    path, folder = Path(job.path), Path(job.folder)
    file = relative_name(path, folder)
    name = printable_name(file)
    try:
        stat = path.stat()
        article = parse_file(path, folder)
        unchanged = article.content_hash == job.old_hash
        raw_expressions = "[]" if unchanged else encode_expressions(extract_raw(article.text))
    except SkippedFile as exc:
        return ParsedFile(file, None, "[]", f"skipped {name}: {exc}"), None
    except OSError as exc:  # vanished or changed between listing and reading
        return ParsedFile(file, None, "[]", f"skipped {name}: {exc.strerror or exc}"), None
    except Exception as exc:
        # A parser bug on one strange file (deeply nested HTML, odd dates) must not
        # stop the whole corpus from being indexed: skip the file and say why.
        reason = f"could not be parsed ({type(exc).__name__})"
        return ParsedFile(file, None, "[]", f"skipped {name}: {reason}"), None
    article = replace(article, id=job.article_id)
    record = ManifestRecord(
        id=article.id,
        file=article.file,
        hash=article.content_hash,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        title=article.title,
        title_derived=article.title_derived,
        place=article.place,
        place_source=article.place_source,
        date=article.date.isoformat() if article.date else None,
        source=article.source,
        paragraphs=len(article.paragraphs),
        warnings=list(article.warnings),
    )
    if unchanged:
        return ParsedFile(file, record, raw_expressions, None, unchanged=True), None
    parsed = ParsedFile(
        file,
        record,
        raw_expressions,
        None,
        words=" ".join(vocabulary_words(article)),
        proper_nouns=json.dumps(proper_noun_counts(article.text), ensure_ascii=False),
        name_pairs=ArticleExtras.encode_pairs(sorted_name_pairs(article.text)),
    )
    return parsed, article


def vocabulary_words(article: Article) -> list[str]:
    """Distinct real words of the title and story, folded as the index folds them."""
    return folded_words(" ".join([article.title, *(p.text for p in article.paragraphs)]))


def encode_expressions(raw: list[Any]) -> str:
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


def sorted_name_pairs(text: str) -> list[tuple[str, str]]:
    return sorted(set(_NAME_PAIR.findall(text)))


def article_documents(article: Article) -> Iterator[dict[str, Any]]:
    """The whoosh documents for one article: one per paragraph, one for the whole."""
    source_words = f"{article.source or ''} {article.file}"
    common = {
        "article_id": article.id,
        "file": article.file,
        "title": article.title,
        "source": source_words,
        "source_label": article.source_label,
        "place": article.place or "",
    }
    yield {
        **common,
        "kind": ARTICLE,
        "paragraph": -1,
        "start": 0,
        "end": len(article.text),
        # No body: passages are what is searched, and `similar` reads an article's key
        # terms from its passages. The vocabulary is in the sidecar (index.store.sidecar).
    }
    for paragraph in article.paragraphs:
        yield {
            **common,
            "kind": PASSAGE,
            "paragraph": paragraph.index,
            "start": paragraph.start,
            "end": paragraph.end,
            "body": paragraph.text,
        }


def add_article(writer: Any, article: Article) -> None:
    for document in article_documents(article):
        writer.add_document(**document)


def commit_with_segments(writer: Any, segments: Sequence[Any]) -> None:
    """Commit `writer` (its deletions, merges and own documents) plus finished segments
    written by workers, in one new table of contents (whoosh's MpWriter commit path)."""
    if not segments:
        writer.commit()
        return
    final = writer._merge_segments(None, None, None)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc([*final, *segments])
    writer._finish()


def remove_stale_parts(whoosh_dir: Path) -> None:
    """Scratch folders of workers killed mid-build (call only while holding the lock)."""
    for stale in whoosh_dir.glob(f"{PART_TEMP_PREFIX}*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)


def worker_count(jobs: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if jobs < PARALLEL_THRESHOLD or (cpus or 1) < 2:
        return 0
    return min(4, cpus or 1)


def chunked(jobs: Sequence[IndexJob], workers: int) -> list[list[IndexJob]]:
    size = max(MIN_CHUNK, math.ceil(len(jobs) / (workers * CHUNKS_PER_WORKER)))
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


class BlockPostingPool(PostingPool):
    """whoosh's posting pool, spilling sorted runs in marshalled blocks.

    whoosh pickles each posting on its own when a run spills to disk and unpickles it
    at the merge: a third of a worker's time at 2,500 articles a segment. A block of
    postings in one marshal call costs a fraction of that; the order is unchanged.
    """

    def _write_run(self, f: Any, items: Any) -> None:
        block: list[Any] = []
        for item in items:
            block.append(item)
            if len(block) == RUN_BLOCK:
                self._write_block(f, block)
                block = []
        if block:
            self._write_block(f, block)
        f.close()

    @staticmethod
    def _write_block(f: Any, block: list[Any]) -> None:
        data = marshal.dumps(block)
        f.write(_BLOCK_HEADER.pack(len(data)))
        f.write(data)

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while header := f.read(_BLOCK_HEADER.size):
                (size,) = _BLOCK_HEADER.unpack(header)
                yield from marshal.loads(f.read(size))
        finally:
            f.close()
            self._remove_run(path)


def use_block_pool(writer: Any, limit_mb: int) -> None:
    """Give a fresh whoosh SegmentWriter the faster pool (before anything is added)."""
    writer.pool = BlockPostingPool(writer._tempstorage, writer.newsegment, limitmb=limit_mb)


# -- in the worker processes ----------------------------------------------------------

_results: Any = None
_stop: Any = None


def _worker_init(results: Any, stop: Any, parent_pid: int) -> None:
    """Remember where to report, and exit once the parent is gone instead of writing
    on for a build nobody will commit."""
    global _results, _stop
    _results, _stop = results, stop
    exit_with_parent(parent_pid)


def index_chunk(whoosh_dir: str, jobs: list[IndexJob], limit_mb: int) -> Any:
    """Parse and index `jobs` into a new segment (runs in a worker); each file's
    ParsedFile goes to the parent as soon as it is done. Returns the segment, or None
    when nothing needed writing or the build was stopped."""
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    ix = whoosh_index.open_dir(whoosh_dir)
    # The parent holds the index's write lock; a private scratch folder, because
    # whoosh's default one is shared by every writer of the index and removed by each.
    scratch = tempfile.mkdtemp(prefix=PART_TEMP_PREFIX, suffix=".tmp", dir=whoosh_dir)
    writer = SegmentWriter(ix, _lk=False)
    writer._tempstorage = FileStorage(scratch).create()
    use_block_pool(writer, limit_mb)
    try:
        for job in jobs:
            if _stop.is_set():
                writer._close_segment()
                return None
            parsed, article = parse_for_index(job)
            if article is not None:
                add_article(writer, article)
            _results.put(parsed)
        if not writer._added:
            writer._close_segment()
            return None
        return writer._finalize_segment()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# -- in the parent --------------------------------------------------------------------


class ParallelIndexer:
    """Runs `index_chunk` over the jobs in spawned workers; iterate it for the
    ParsedFiles as they arrive, then read `segments` (in job order)."""

    def __init__(
        self,
        whoosh_dir: Path,
        jobs: Sequence[IndexJob],
        workers: int,
        cancel: Cancel | None = None,
    ) -> None:
        self.whoosh_dir = whoosh_dir
        self.cancel = cancel if cancel is not None else threading.Event()
        """Set by the owner to abandon the build: the workers stop at their next file."""
        self.chunks = chunked(jobs, workers)
        self.total = len(jobs)
        self.workers = min(workers, len(self.chunks))
        self.segments: list[Any] = []

    def __iter__(self) -> Iterator[ParsedFile]:
        with spawning() as context:
            results, stop = context.Queue(), context.Event()
            pool = process_pool(context, self.workers, _worker_init, (results, stop, os.getpid()))
        try:
            with spawning():  # the workers start as work is submitted
                futures = [
                    pool.submit(index_chunk, str(self.whoosh_dir), chunk, WORKER_LIMIT_MB)
                    for chunk in self.chunks
                ]
            for _ in range(self.total):
                yield self._next_result(results, futures, self.cancel)
            self.segments = [s for s in (f.result() for f in futures) if s is not None]
        finally:
            stop.set()  # a cancelled or failed update: workers drop what they wrote
            pool.shutdown(wait=True, cancel_futures=True)
            with contextlib.suppress(Exception):
                results.close()

    @staticmethod
    def _next_result(
        results: Any, futures: list[Future[Any]], cancel: Cancel
    ) -> ParsedFile:
        quiet_since: float | None = None
        while True:
            if cancel.is_set():
                # quitting mid-build must not wait for the workers' whole chunks
                raise IndexCancelled("the index update was stopped; the previous one is kept")
            try:
                item: ParsedFile = results.get(timeout=0.2)
                return item
            except queue.Empty:
                pass
            for future in futures:
                if future.done() and (error := future.exception()) is not None:
                    raise error
            if not all(f.done() for f in futures):
                continue
            # every worker returned: what they put is at most in flight
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > RESULT_GRACE_SECONDS:
                raise RuntimeError("index workers finished without reporting every file")
