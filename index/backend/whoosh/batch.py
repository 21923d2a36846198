"""One update's writes to the whoosh index.

Documents go to the index writer at once; the manifest's records and the sidecar's
rows wait for the commit, so a failed or cancelled update leaves both as they were.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from whoosh.writing import IndexWriter

import index.store.extras as extras_store
from index.backend.whoosh.indexing import add_article, commit_with_segments
from index.models import Article, UpdateReport
from index.store.manifest import ManifestRecord
from index.store.parsing import ParsedFile
from index.store.sidecar import ArticleExtras, SidecarStore


class WriteBatch:
    """Accounts for each parsed file of one update and commits them together.

    Its collaborators are explicit: `open_writer` (called once, on first need: the
    index's write lock), `sidecar` (written to only when `stream_extras`) and `warnings`
    (the store's list, appended to for files that could not be read).
    """

    def __init__(
        self,
        open_writer: Callable[[], IndexWriter],
        by_file: dict[str, ManifestRecord],
        removed: list[ManifestRecord],
        *,
        sidecar: SidecarStore,
        stream_extras: bool,
        warnings: list[str],
    ) -> None:
        self._open_writer = open_writer
        self.by_file = by_file
        self.removed = list(removed)
        self.replaced: list[ManifestRecord] = []
        """Records of changed files, superseded by their new record on commit."""
        self.added: list[ManifestRecord] = []
        self.extras: dict[str, ArticleExtras] = {}
        """The added articles' sidecar rows not written yet."""
        self.sidecar = sidecar
        self.stream_extras = stream_extras
        """A new or rebuilt index: no manifest names the sidecar yet, so its rows go
        in as they come (a build held every article's rows in memory until the commit:
        455 MB at 50k articles). An update keeps them for after the commit."""
        self.warnings = warnings
        self.segments: list[Any] = []
        """Finished segments written by worker processes, added by the commit."""
        self.committed = False
        self._writer: IndexWriter | None = None
        for record in removed:
            self.writer.delete_by_term("article_id", record.id)

    @property
    def writer(self) -> IndexWriter:
        if self._writer is None:
            self._writer = self._open_writer()
        return self._writer

    def take(self, item: ParsedFile, report: UpdateReport, article: Article | None = None) -> None:
        """Account for one parsed file; `article` is written here unless a worker
        already wrote it into its segment."""
        if item.warning:
            self.warnings.append(item.warning)
            old = self.by_file.get(item.file)
            if old is not None:  # could no longer be read: drop it like a deleted file
                self.writer.delete_by_term("article_id", old.id)
                self.removed.append(old)
            return
        assert item.record is not None
        old = self.by_file.get(item.record.file)
        if old is not None and item.unchanged:
            # touched but identical: remember the new mtime, skip re-indexing
            old.mtime_ns, old.size = item.record.mtime_ns, item.record.size
            report.unchanged += 1
            return
        if old is not None:
            self.writer.delete_by_term("article_id", old.id)
            self.replaced.append(old)
            report.changed += 1
        else:
            report.added += 1
        if article is not None:
            add_article(self.writer, article)
        self.added.append(item.record)
        self.extras[item.record.id] = item.extras
        if self.stream_extras and len(self.extras) >= extras_store.STREAMED_ROWS:
            self.sidecar.update(self.extras, ())
            self.extras = {}

    def commit(self) -> bool:
        """Commit to whoosh; True when something was committed (a new generation)."""
        if self._writer is None:
            return False
        if not (self.removed or self.added):
            self._writer.cancel()  # only touched files: keep the generation (and caches)
            return False
        # whoosh cancels a commit that fails (disk full) itself; the caller's cancel()
        # covers everything before it, so a failed update never half-commits
        commit_with_segments(self._writer, self.segments)
        self.committed = True
        return True

    def records_after(self, records: Mapping[str, ManifestRecord]) -> dict[str, ManifestRecord]:
        """The records (by id) once this batch is committed: a new dict, not changes to
        the old one, since the app reads records (the reader, id lookups) while an
        update runs in its worker."""
        result = dict(records)
        for record in [*self.removed, *self.replaced]:
            result.pop(record.id, None)
        for record in self.added:
            result[record.id] = record
        return result

    def cancel(self) -> None:
        if self._writer is not None and not self.committed:
            with contextlib.suppress(Exception):
                self._writer.cancel()
