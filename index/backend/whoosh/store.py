"""The whoosh backend's PassageIndex: a whoosh index plus a manifest, kept in step
with the articles.

The index is a cache. `IndexStore.sync()` brings it in line with the folder:
only added, changed or removed files are re-indexed (the plan: index.store.plan);
a schema change, a missing or damaged index, or a manifest that does not match the
index's generation triggers a rebuild from the articles. The backend-neutral pieces
(plan, lock, parallel parse, manifest, sidecar, places) are in index.store; here is
what is whoosh's: the index's lifecycle, its writer and segments.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh.index import Index, LockError
from whoosh.writing import IndexWriter

import index.backend.whoosh.fastpath.mapped_files as mapped_files
import index.backend.whoosh.indexing as indexing
from index.backend.base import ProgressCallback
from index.backend.whoosh.batch import WriteBatch
from index.backend.whoosh.folder import (
    SIDECAR,
    WHOOSH_DIR,
    create_empty,
    current_checksums,
    has_index_files,
    open_whole,
    reopen,
    save_manifest,
)
from index.backend.whoosh.indexing import index_chunk, remove_stale_parts, use_block_pool
from index.cancel import Cancel, either
from index.corpus.folders import Folders
from index.errors import IndexBusyError, IndexWriteError, SummitError
from index.models import Article, UpdateReport
from index.store.extras import ExtrasStore
from index.store.integrity import find_damage, has_valid_self_checksum
from index.store.locking import BUSY_WARNING, LOCK_WAIT_SECONDS, busy_error, sync_lock
from index.store.manifest import MANIFEST, ManifestRecord, file_stamp
from index.store.parallel import ParallelIndexer, worker_count
from index.store.parsing import IndexJob, ParsedFile, extras_from_articles, parse_for_index
from index.store.paths import check_not_inside, usable_fallback, writable_folder
from index.store.places import infer_places
from index.store.plan import list_articles, plan_sync
from index.store.records import RecordReader
from index.store.sidecar import LazyVocabulary

__all__ = ["MANIFEST", "SIDECAR", "WHOOSH_DIR", "IndexStore"]

WRITER_LIMIT_MB = 64
"""The in-memory posting pool of this process's writer before it spills to disk."""
_REBUILT = "rebuilt"
"""The sidecar's checksum until the manifest that vouches for the rebuilt one is saved."""


class IndexStore(RecordReader):
    """Owns the index directory of one corpus (its folder or folders)."""

    def __init__(
        self,
        folders: Folders,
        index_dir: Path,
        searcher_lock: threading.RLock | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        # whoosh's segment files read from their memory map, not copied into the heap:
        # installed here, when the backend is created, before it opens any index (the
        # one patch of whoosh the backend makes; fastpath/mapped_files.py)
        mapped_files.install()
        self.folders = folders
        self.index_dir = index_dir
        self.stop = stop if stop is not None else threading.Event()
        """Set when the owner closes: an update in progress is abandoned (IndexCancelled)."""
        self._cancel: Cancel = self.stop
        self.warnings: list[str] = []
        self._ix: Index | None = None
        self._generation = 0
        self._records: dict[str, ManifestRecord] = {}
        self._extras = ExtrasStore(index_dir / SIDECAR)
        self._searcher: Any = None
        self._searcher_version = ""
        self._searcher_lock = searcher_lock or threading.RLock()
        """Held by whoever searches (the engine) and here while the searcher is replaced
        or closed, so an update never closes a searcher a search is using."""
        self._build_id = ""
        self._manifest_seen: tuple[int, int, int] | None = None
        """(inode, size, mtime) of the manifest the open index was loaded from."""
        self._checksums: dict[str, str] = {}
        """Each index file's checksum when written (see index.store.integrity), by its path
        relative to the index folder."""

    # -- opening ---------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._ix is not None

    @property
    def generation(self) -> int:
        """The whoosh generation of the index as this store opened or committed it
        (changes with every commit). Kept, not read from disk again: once the sync lock
        is released another process may be rebuilding the folder, and asking whoosh
        then raised EmptyIndexError (two `summit index --rebuild` at once)."""
        self._require_open()
        return self._generation

    @property
    def version(self) -> str:
        """Names this state of the index for caches kept beside it: the generation alone
        is not enough, since a rebuilt index starts counting again."""
        return f"{self._build_id}:{self.generation}"

    def close(self) -> None:
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._extras.close()
            self._ix = None

    def open_existing(self) -> bool:
        """Open the index as it was left, without looking at the articles, so searches
        can start while sync() brings it up to date. False when there is no whole,
        current index here (sync() then builds or repairs it)."""
        check_not_inside(self.index_dir, self.folders)
        if not self._load_existing():  # a read-only folder's index is searched as it is
            return False
        self._refresh_searcher()
        return True

    def sync(
        self,
        progress: ProgressCallback | None = None,
        *,
        rebuild: bool = False,
        verify: bool = False,
        cancel: threading.Event | None = None,
    ) -> UpdateReport:
        """Bring the index in line with the folder (see module docstring); with
        `verify`, every index file is read and checked first, and a damaged index is
        rebuilt. Setting `cancel` (the caller's worker was cancelled) or closing the
        store stops a build in progress with IndexCancelled; the previous index stays."""
        started = time.perf_counter()
        self._cancel = either(self.stop, cancel)
        self.warnings = []
        check_not_inside(self.index_dir, self.folders)
        report = None
        if not writable_folder(self.index_dir, (SIDECAR,)):
            report = self._as_it_is(rebuild=rebuild, verify=verify)
            if report is not None:
                self._refresh_if_stale()
        if report is None:
            report = self._sync_writable(progress, rebuild=rebuild, verify=verify)
        report.warnings = [*self.warnings, *report.warnings]
        report.seconds = time.perf_counter() - started
        return report

    def _refresh_if_stale(self) -> None:
        if self._searcher is None or self._searcher_version != self.version:
            self._refresh_searcher()

    def _as_it_is(self, *, rebuild: bool, verify: bool) -> UpdateReport | None:
        """The index of a folder we cannot write, opened as it is (a read-only copy,
        a shared mount); None when there is none to use: then the index moves to the
        one fallback folder of this articles folder, reused by every later run."""
        why = f"cannot write the index at {self.index_dir} (read-only)"
        usable = not rebuild and (self._loaded_is_current() or self._load_existing())
        if usable and not (verify and self.damage()):
            self.warnings.append(f"{why}: searching it as it is, without updating it")
            return UpdateReport(reason="index folder read-only", not_updated=why)
        fallback = usable_fallback(self.folders, self.index_dir, why, (SIDECAR,))
        self.warnings.append(f"{why}; using the index at {fallback}")
        self.index_dir = fallback
        return None

    def _sync_writable(
        self, progress: ProgressCallback | None, *, rebuild: bool, verify: bool
    ) -> UpdateReport:
        with sync_lock(self.index_dir, progress) as exclusive:
            report = self._sync_under_lock(progress, exclusive, rebuild=rebuild, verify=verify)
            # still under the lock: once it is released another process may be
            # rebuilding the folder, and a searcher opened then finds no index
            self._refresh_if_stale()
            return report

    def _sync_under_lock(
        self,
        progress: ProgressCallback | None,
        exclusive: bool,
        *,
        rebuild: bool,
        verify: bool,
    ) -> UpdateReport:
        if not exclusive:
            self.warnings.append(BUSY_WARNING)
            if not self._load_existing():
                raise busy_error(self.index_dir)
            return UpdateReport(reason="index busy: opened read-only")
        try:
            return self._sync_locked(progress, rebuild=rebuild, verify=verify)
        except (OSError, sqlite3.Error) as exc:
            # Disk full, I/O error, the index folder removed under us: whoosh has
            # cancelled its write, so the index on disk is the previous one.
            reason = getattr(exc, "strerror", None) or exc
            why = f"cannot write the index at {self.index_dir}: {reason}"
            if not self._load_existing():
                raise IndexWriteError(why) from exc
            self.warnings.append(f"{why}; searching the previous index as it was")
            return UpdateReport(reason="index not updated", not_updated=why)

    def _loaded_is_current(self) -> bool:
        """Whether the index open_existing() loaded is still the one on disk (the
        manifest is replaced, never rewritten in place, at every commit)."""
        return self._ix is not None and self._manifest_seen == file_stamp(self.index_dir / MANIFEST)

    def _load_existing(self) -> bool:
        """Open the index as it is, if it is whole; False when it must be rebuilt."""
        stamp = file_stamp(self.index_dir / MANIFEST)
        whole = open_whole(self.index_dir)
        if whole is None:
            return False
        with self._searcher_lock:
            self._ix = whole.ix
            self._generation = int(whole.manifest.generation)
            self._records = {r.id: r for r in whole.manifest.records}
            self._build_id = whole.manifest.build
            self._extras.use(whole.sidecar)
            self._manifest_seen = stamp
            self._checksums = dict(whole.manifest.checksums)
        return True

    def damage(self) -> list[str]:
        """What is wrong with the files of the index open here: each file read again
        and compared with its checksum, and SQLite's quick_check of the sidecar."""
        self._require_open()
        return find_damage(self.index_dir, self._checksums, self.index_dir / SIDECAR)

    def check(self) -> list[str]:
        """Check the index as it is on disk without writing to it: the problems found,
        none when it is whole (`summit index --check`)."""
        check_not_inside(self.index_dir, self.folders)
        try:
            if not has_valid_self_checksum((self.index_dir / MANIFEST).read_bytes()):
                return [f"{MANIFEST} is damaged (checksum differs)"]
        except OSError:
            pass
        if not self._load_existing():
            return [f"no whole, current index at {self.index_dir} (`summit index` builds it)"]
        return self.damage()

    def _sync_locked(
        self, progress: ProgressCallback | None, *, rebuild: bool, verify: bool
    ) -> UpdateReport:
        reason = None
        if rebuild:
            reason = "rebuild requested"
        elif not (self._loaded_is_current() or self._load_existing()):
            exists = has_index_files(self.index_dir)
            reason = "index damaged or from another version" if exists else "new index"
        elif verify and (damage := self.damage()):
            if all(problem.startswith(f"{SIDECAR} ") for problem in damage):
                self._rebuild_sidecar()
            else:
                reason = "index damaged: " + "; ".join(damage[:3])
        if reason is not None:
            self._create_empty()
        report = self._update(progress)
        if self._checksums.get(SIDECAR) == _REBUILT:
            self._save_manifest()  # the rebuilt sidecar's checksum, and the variant groups
        report.rebuilt = reason is not None
        report.reason = reason
        return report

    def _create_empty(self) -> None:
        self.close()
        self._extras.start_empty(self.index_dir / SIDECAR)
        self._ix = create_empty(self.index_dir)
        self._generation = int(self._ix.latest_generation())
        self._build_id = secrets.token_hex(8)
        self._records = {}
        self._checksums = {}

    def _rebuild_sidecar(self) -> None:
        """Only the sidecar is damaged: its rows come again from the articles (they are
        parsed, not indexed: a fraction of a rebuild), the whoosh index is kept."""
        self.warnings.append(
            f"{SIDECAR} was damaged: its rows are rebuilt from the articles; "
            "the search index was whole and is kept"
        )
        with self._searcher_lock:
            self._extras.start_over(self.index_dir / SIDECAR)
            self._searcher_version = ""  # its vocabulary was read from the old file
        self._extras.refill(extras_from_articles(self.folders, self._records.values()))
        self._checksums[SIDECAR] = _REBUILT

    # -- updating --------------------------------------------------------------------

    def _update(self, progress: ProgressCallback | None) -> UpdateReport:
        """Re-index what changed. Many files are parsed and indexed by worker processes
        (see index.store.parallel); the manifest changes only once the whoosh commit
        succeeded."""
        assert self._ix is not None
        listed = list_articles(self.folders, self.warnings)
        plan = plan_sync(self._records, listed)
        report = UpdateReport(unchanged=plan.unchanged)
        jobs = plan.jobs
        batch = WriteBatch(
            self._open_writer,
            plan.by_file,
            plan.removed,
            sidecar=self._extras.sidecar,
            stream_extras=not self._records,
            warnings=self.warnings,
        )
        try:
            for done, (item, article) in enumerate(self._parsed(batch, jobs), 1):
                batch.take(item, report, article)
                if progress and (done % 50 == 0 or done == len(jobs)):
                    progress(done, len(jobs), f"indexing {done}/{len(jobs)}")
            if batch.commit():
                self._records = batch.records_after(self._records)
                self._extras.stage(batch.extras, [r.id for r in batch.removed])
        except BaseException:
            batch.cancel()
            raise
        report.removed = len(batch.removed)
        # before the manifest is saved: a process that opens the index as it is (the
        # timeline's child) must see the same places as this one
        infer_places(self._records.values(), self._extras.proper_nouns)
        if batch.committed:
            self._ix = reopen(self.index_dir)
            self._generation = int(self._ix.latest_generation())
            self._save_manifest()
        elif jobs:
            self._save_manifest()  # mtimes refreshed
        for record in self._records.values():
            self.warnings.extend(w for w in record.warnings if w not in self.warnings)
        return report

    def _parsed(
        self, batch: WriteBatch, jobs: Sequence[IndexJob]
    ) -> Iterator[tuple[ParsedFile, Article | None]]:
        """Parsed files in order of arrival, with the article when the caller must
        write it (a worker process has written it already otherwise)."""
        workers = worker_count(len(jobs))
        if not workers:
            yield from map(parse_for_index, jobs)
            return
        batch.writer  # noqa: B018 - the write lock, before workers write segments
        whoosh_dir = self.index_dir / WHOOSH_DIR
        remove_stale_parts(whoosh_dir)
        # read here, not imported by name: a test makes every posting spill
        worker_args = (str(whoosh_dir), indexing.WORKER_LIMIT_MB)
        parallel = ParallelIndexer(index_chunk, worker_args, jobs, workers, self._cancel)
        for item in parallel:
            yield item, None
        batch.segments = parallel.results

    def _open_writer(self) -> IndexWriter:
        assert self._ix is not None
        try:
            # whoosh's own multi-process writer is not used: its forked sub-writers
            # outlive a SIGKILLed parent, holding the locks (see index.store.parallel).
            writer = self._ix.writer(timeout=LOCK_WAIT_SECONDS, delay=0.25, limitmb=WRITER_LIMIT_MB)
        except LockError as exc:
            raise IndexBusyError(
                f"index busy: {self.index_dir} is locked by another writer"
            ) from exc
        # the workers' faster posting pool here too: a single large file (or any update
        # below the parallel threshold) is indexed by this writer alone
        use_block_pool(writer, WRITER_LIMIT_MB)
        return writer

    def _save_manifest(self) -> None:
        """Write the manifest; on failure (disk full) keep this session usable.

        The in-memory records match the committed whoosh index, so searching goes on;
        the manifest on disk is left as it was, its generation no longer matches, and
        the next run rebuilds instead of trusting it.
        """
        try:
            self._write_manifest_files()
        except (OSError, sqlite3.Error) as exc:
            self.warnings.append(
                f"could not save the index manifest in {self.index_dir} "
                f"({getattr(exc, 'strerror', None) or exc}); the index will be rebuilt next time"
            )

    def _write_manifest_files(self) -> None:
        assert self._ix is not None
        # The time expressions go first: the manifest (with the index generation) is the
        # commit point, so a crash before it makes the next run rebuild.
        self._extras.flush()
        self._checksums = current_checksums(self.index_dir, self._ix, self._checksums)
        save_manifest(
            self.index_dir,
            self._ix,
            self._build_id,
            self.folders,
            list(self._records.values()),
            self._checksums,
        )
        self._manifest_seen = file_stamp(self.index_dir / MANIFEST)

    # -- searching (reading records: index.store.records.RecordReader) ----------------

    def searcher(self) -> Any:
        self._require_open()
        if self._searcher is None:
            self._refresh_searcher()
        return self._searcher

    def _refresh_searcher(self) -> None:
        from index.backend.whoosh.searcher import PassageSearcher

        if self._ix is None:
            return
        searcher = PassageSearcher(
            self._ix,
            list(self._records.values()),
            self._extras.variant_groups(),
            LazyVocabulary(self._extras.sidecar),
        )
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._searcher_version = searcher, self.version

    def _require_open(self) -> None:
        if self._ix is None:
            raise SummitError("the index is not open yet")
