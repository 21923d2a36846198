"""Article documents into whoosh segments, on both cores.

For large updates each worker process (see index.store.parallel) parses its share of
the files and writes a whole whoosh segment of its own; the parent keeps the index's
write lock, deletes superseded documents, and commits one table of contents that adds
the workers' segments (what whoosh's own MpWriter does with `multisegment=True`, minus
its forked sub-writers that outlived a killed parent).
"""

from __future__ import annotations

import marshal
import shutil
import struct
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh.writing import PostingPool

from index.backend.whoosh.schema import ARTICLE, PASSAGE
from index.models import Article
from index.store.parallel import report, stop_requested
from index.store.parsing import IndexJob, parse_for_index

WORKER_LIMIT_MB = 48
"""whoosh's in-memory posting pool per worker before it spills sorted runs to disk."""
PART_TEMP_PREFIX = "part-"
RUN_BLOCK = 8192
"""Postings per marshalled block in a spilled run."""
_BLOCK_HEADER = struct.Struct("<I")


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


def index_chunk(jobs: list[IndexJob], whoosh_dir: str, limit_mb: int) -> Any:
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
            if stop_requested():
                writer._close_segment()
                return None
            parsed, article = parse_for_index(job)
            if article is not None:
                add_article(writer, article)
            report(parsed)
        if not writer._added:
            writer._close_segment()
            return None
        return writer._finalize_segment()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
