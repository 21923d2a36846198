"""The on-disk index: a whoosh index plus a manifest, kept in step with the articles.

The index is a cache. `IndexStore.sync()` brings it in line with the folder:
only added, changed or removed files are re-indexed (by size+mtime, then content
hash); a schema change, a missing or damaged index, or a manifest that does not
match the index's generation triggers a rebuild from the articles.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from whoosh import index as whoosh_index
from whoosh.index import Index, LockError
from whoosh.writing import IndexWriter

import index.backend.whoosh.fastpath.mapped_files as mapped_files
from index.backend.whoosh.indexing import (
    IndexJob,
    ParallelIndexer,
    ParsedFile,
    add_article,
    commit_with_segments,
    parse_for_index,
    remove_stale_parts,
    use_block_pool,
    worker_count,
)
from index.backend.whoosh.schema import SCHEMA_VERSION, build_schema
from index.cancel import Cancel, either
from index.corpus.articles import (
    article_id_for,
    discover_names,
    infer_place,
    parse_file,
    place_key,
    printable_name,
)
from index.errors import (
    ArticleNotFound,
    CorpusError,
    IndexBusyError,
    IndexWriteError,
    SummitError,
)
from index.models import Article, PlaceSource, UpdateReport
from index.store.integrity import (
    checksums,
    file_checksum,
    find_damage,
    has_valid_self_checksum,
    size_mismatches,
    whoosh_files,
    with_self_checksum,
)
from index.store.manifest import RECORD_FIELDS, ManifestRecord, as_row, records_from_rows
from index.store.paths import fallback_index_dir
from index.store.sidecar import ArticleExtras, LazyVocabulary, SidecarStore, Vocabulary
from index.text.variants import variant_groups

ProgressCallback = Callable[[int, int, str], None]

MANIFEST = "manifest.json"
SIDECAR = "articles.sqlite"
WHOOSH_DIR = "whoosh"
SYNC_LOCK = "sync.lock"
LOCK_WAIT_SECONDS = 30.0
WRITER_LIMIT_MB = 64
"""The in-memory posting pool of this process's writer before it spills to disk."""
STREAMED_ROWS = 500
"""A build writes sidecar rows in transactions of this many articles."""


@dataclass
class _PendingExtras:
    changed: dict[str, ArticleExtras] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def update(self, changed: dict[str, ArticleExtras], removed: list[str]) -> None:
        for key in removed:
            self.changed.pop(key, None)
        self.changed.update(changed)
        self.removed.extend(removed)


class _Batch:
    """One update's writes: documents go to the index at once, manifest changes wait
    for the commit (so a failed or cancelled update leaves the manifest as it was)."""

    def __init__(
        self, store: IndexStore, by_file: dict[str, ManifestRecord], removed: list[ManifestRecord]
    ) -> None:
        self.store = store
        self.by_file = by_file
        self.removed = list(removed)
        self.replaced: list[ManifestRecord] = []
        """Records of changed files, superseded by their new record on commit."""
        self.added: list[ManifestRecord] = []
        self.extras: dict[str, ArticleExtras] = {}
        """The added articles' sidecar rows not written yet."""
        self.stream_extras = not store._records
        """A new or rebuilt index: no manifest names the sidecar yet, so its rows go
        in as they come (a build held every article's rows in memory until the commit:
        455 MB at 50k articles). An update keeps them for after the commit."""
        self.segments: list[Any] = []
        """Finished segments written by worker processes, added by the commit."""
        self.committed = False
        self._writer: IndexWriter | None = None
        for record in removed:
            self.writer.delete_by_term("article_id", record.id)

    @property
    def writer(self) -> IndexWriter:
        if self._writer is None:
            self._writer = self.store._open_writer()
        return self._writer

    def take(self, item: ParsedFile, report: UpdateReport, article: Article | None = None) -> None:
        """Account for one parsed file; `article` is written here unless a worker
        already wrote it into its segment."""
        if item.warning:
            self.store.warnings.append(item.warning)
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
        extras = ArticleExtras(item.raw_expressions, item.words, item.proper_nouns, item.name_pairs)
        self.added.append(item.record)
        self.extras[item.record.id] = extras
        if self.stream_extras and len(self.extras) >= STREAMED_ROWS:
            self.store._sidecar.update(self.extras, ())
            self.extras = {}

    def commit(self) -> None:
        if self._writer is None:
            return
        if not (self.removed or self.added):
            self._writer.cancel()  # only touched files: keep the generation (and caches)
            return
        # whoosh cancels a commit that fails (disk full) itself; the caller's cancel()
        # covers everything before it, so a failed update never half-commits
        commit_with_segments(self._writer, self.segments)
        self.committed = True
        # a new dict, not changes to the old one: the app reads records (the reader,
        # id lookups) while an update runs in its worker
        records = dict(self.store._records)
        for record in [*self.removed, *self.replaced]:
            records.pop(record.id, None)
        for record in self.added:
            records[record.id] = record
        self.store._records = records
        self.store._variants_stale = True
        self.store._pending_extras.update(
            changed=self.extras,
            removed=[r.id for r in self.removed],
        )

    def cancel(self) -> None:
        if self._writer is not None and not self.committed:
            with contextlib.suppress(Exception):
                self._writer.cancel()


def _writable_folder(folder: Path) -> bool:
    """Whether an index can be written in `folder` (created when missing). Asked with
    access(2), not by writing a probe file: concurrent runs raced on a shared probe
    name, and access() also answers for a read-only mount."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    sidecar = folder / SIDECAR
    return os.access(folder, os.W_OK | os.X_OK) and (
        not sidecar.exists() or os.access(sidecar, os.W_OK)
    )


_REBUILT = "rebuilt"
"""The sidecar's checksum until the manifest that vouches for the rebuilt one is saved."""


def _ours(folder: Path) -> bool:
    """Whether `folder` and its parent belong to this user: a fallback under the shared
    temporary folder may have been made by someone else first."""
    try:
        return all(path.stat().st_uid == os.getuid() for path in (folder, folder.parent))
    except OSError:
        return False


def _is_checksum_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _atomic_write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            # dumps, not dump: json.dump streams through the pure-Python encoder (3.0 s
            # for the manifest and time expressions of 10k articles; dumps: 0.6 s)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            handle.write(with_self_checksum(text) if isinstance(data, dict) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()  # a half-written file must not fill the disk further
        raise


class IndexStore:
    """Owns the index directory for one corpus folder."""

    def __init__(
        self,
        articles_dir: Path,
        index_dir: Path,
        searcher_lock: threading.RLock | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        # whoosh's segment files read from their memory map, not copied into the heap:
        # installed here, when the backend is created, before it opens any index (the
        # one patch of whoosh the backend makes; fastpath/mapped_files.py)
        mapped_files.install()
        self.articles_dir = articles_dir
        self.index_dir = index_dir
        self.stop = stop if stop is not None else threading.Event()
        """Set when the owner closes: an update in progress is abandoned (IndexCancelled)."""
        self._cancel: Cancel = self.stop
        self.warnings: list[str] = []
        self._ix: Index | None = None
        self._records: dict[str, ManifestRecord] = {}
        self._sidecar = SidecarStore(index_dir / SIDECAR)
        self._pending_extras = _PendingExtras()
        """Committed to whoosh, not yet to the sidecar (written with the manifest)."""
        self._searcher: Any = None
        self._searcher_version = ""
        self._searcher_lock = searcher_lock or threading.RLock()
        """Held by whoever searches (the engine) and here while the searcher is replaced
        or closed, so an update never closes a searcher a search is using."""
        self._build_id = ""
        self._manifest_seen: tuple[int, int, int] | None = None
        """(inode, size, mtime) of the manifest the open index was loaded from."""
        self._variants_stale = False
        """Articles changed since the variant groups were stored."""
        self._checksums: dict[str, str] = {}
        """Each index file's checksum when written (see index.store.integrity), by its path
        relative to the index folder."""

    # -- opening ---------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._ix is not None

    @property
    def generation(self) -> int:
        """The whoosh generation of the open index (changes with every commit)."""
        self._require_open()
        assert self._ix is not None
        return int(self._ix.latest_generation())

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
            self._sidecar.close()
            self._ix = None

    def open_existing(self) -> bool:
        """Open the index as it was left, without looking at the articles, so searches
        can start while sync() brings it up to date. False when there is no whole,
        current index here (sync() then builds or repairs it)."""
        self._check_not_inside_articles()
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
        self._check_not_inside_articles()
        report = None
        if not _writable_folder(self.index_dir):
            report = self._as_it_is(rebuild=rebuild, verify=verify)
        if report is None:
            report = self._sync_writable(progress, rebuild=rebuild, verify=verify)
        report.warnings = [*self.warnings, *report.warnings]
        report.seconds = time.perf_counter() - started
        if self._searcher is None or self._searcher_version != self.version:
            self._refresh_searcher()
        return report

    def _as_it_is(self, *, rebuild: bool, verify: bool) -> UpdateReport | None:
        """The index of a folder we cannot write, opened as it is (a read-only copy,
        a shared mount); None when there is none to use: then the index moves to the
        one fallback folder of this articles folder, reused by every later run."""
        why = f"cannot write the index at {self.index_dir} (read-only)"
        usable = not rebuild and (self._loaded_is_current() or self._load_existing())
        if usable and not (verify and self.damage()):
            self.warnings.append(f"{why}: searching it as it is, without updating it")
            return UpdateReport(reason="index folder read-only", not_updated=why)
        fallback = fallback_index_dir(self.articles_dir, self.index_dir)
        if not (_writable_folder(fallback) and _ours(fallback)):
            raise IndexWriteError(f"{why}, nor at {fallback}; choose another --index-dir")
        self.warnings.append(f"{why}; using the index at {fallback}")
        self.index_dir = fallback
        return None

    def _sync_writable(
        self, progress: ProgressCallback | None, *, rebuild: bool, verify: bool
    ) -> UpdateReport:
        with self._sync_lock(progress) as exclusive:
            if exclusive:
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
            else:
                report = UpdateReport(reason="index busy: opened read-only")
                self.warnings.append(
                    "index busy: another summit is updating it; showing the index as it was"
                )
                if not self._load_existing():
                    raise IndexBusyError(
                        f"index busy: another process is building {self.index_dir}; try again"
                    )
                return report

    def _check_not_inside_articles(self) -> None:
        articles = self.articles_dir.resolve()
        index = self.index_dir.resolve()
        if index == articles or articles in index.parents:
            raise CorpusError(
                f"the index folder {self.index_dir} is inside the articles folder; "
                "choose another --index-dir (the articles folder is never written to)"
            )

    @contextlib.contextmanager
    def _sync_lock(self, progress: ProgressCallback | None) -> Iterator[bool]:
        """An exclusive lock across processes, so two updaters never interleave."""
        handle = open(self.index_dir / SYNC_LOCK, "a+")  # noqa: SIM115 - held for the block
        try:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            told = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    if not told and progress is not None:
                        progress(0, 0, "index busy: waiting for another summit to finish")
                    told = True
                    time.sleep(0.2)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def _manifest_stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.index_dir / MANIFEST)
        except OSError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _loaded_is_current(self) -> bool:
        """Whether the index open_existing() loaded is still the one on disk (the
        manifest is replaced, never rewritten in place, at every commit)."""
        return self._ix is not None and self._manifest_seen == self._manifest_stamp()

    def _load_existing(self) -> bool:
        """Open the index as it is, if it is whole; False when it must be rebuilt."""
        try:
            stamp = self._manifest_stamp()
            data = (self.index_dir / MANIFEST).read_bytes()
            if not has_valid_self_checksum(data):
                return False
            manifest = json.loads(data)
            if manifest.get("schema") != SCHEMA_VERSION:
                return False
            if not isinstance(manifest.get("build"), str):
                return False
            ix = whoosh_index.open_dir(str(self.index_dir / WHOOSH_DIR))
            if ix.latest_generation() != manifest.get("generation"):
                return False
            if manifest.get("fields") != list(RECORD_FIELDS):
                return False
            records = records_from_rows(manifest.get("records"))
            if records is None:
                return False
            stored = manifest.get("checksums")
            if not _is_checksum_map(stored) or size_mismatches(self.index_dir, stored):
                return False
            sidecar = SidecarStore(self.index_dir / SIDECAR)
            if sidecar.count() != len(records):
                sidecar.close()
                return False
            expected_docs = sum(r.paragraphs + 1 for r in records)
            if ix.doc_count() != expected_docs:
                return False
        except Exception:
            return False
        with self._searcher_lock:
            self._ix = ix
            self._records = {r.id: r for r in records}
            self._build_id = manifest["build"]
            self._sidecar.close()
            self._sidecar = sidecar
            self._pending_extras = _PendingExtras()
            self._manifest_seen = stamp
            self._checksums = dict(stored)
        return True

    def damage(self) -> list[str]:
        """What is wrong with the files of the index open here: each file read again
        and compared with its checksum, and SQLite's quick_check of the sidecar."""
        self._require_open()
        return find_damage(self.index_dir, self._checksums, self.index_dir / SIDECAR)

    def check(self) -> list[str]:
        """Check the index as it is on disk without writing to it: the problems found,
        none when it is whole (`summit index --check`)."""
        self._check_not_inside_articles()
        with contextlib.suppress(OSError):
            if not has_valid_self_checksum((self.index_dir / MANIFEST).read_bytes()):
                return [f"{MANIFEST} is damaged (checksum differs)"]
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
            exists = (self.index_dir / MANIFEST).exists() or (self.index_dir / WHOOSH_DIR).exists()
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
        whoosh_dir = self.index_dir / WHOOSH_DIR
        if whoosh_dir.is_dir() and not whoosh_dir.is_symlink():
            shutil.rmtree(whoosh_dir)
        elif whoosh_dir.exists() or whoosh_dir.is_symlink():
            whoosh_dir.unlink()  # a stray file (or link) where the index folder belongs
        with contextlib.suppress(FileNotFoundError):
            (self.index_dir / MANIFEST).unlink()
        self._sidecar.close()
        self._sidecar = SidecarStore(self.index_dir / SIDECAR)
        self._sidecar.delete_file()
        self._pending_extras = _PendingExtras()
        whoosh_dir.mkdir(parents=True)
        self._ix = whoosh_index.create_in(str(whoosh_dir), build_schema())
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
            self._sidecar.delete_file()
            self._sidecar = SidecarStore(self.index_dir / SIDECAR)
            self._searcher_version = ""  # its vocabulary was read from the old file
        folder, rows = str(self.articles_dir), {}
        for record in self._records.values():
            job = IndexJob(str(self.articles_dir / record.file), folder, record.id)
            parsed, _ = parse_for_index(job)
            # a file that is gone or unreadable now keeps an empty row until the update
            # that follows drops it
            rows[record.id] = ArticleExtras(
                parsed.raw_expressions, parsed.words, parsed.proper_nouns, parsed.name_pairs
            )
            if len(rows) >= STREAMED_ROWS:
                self._sidecar.update(rows, ())
                rows = {}
        self._sidecar.update(rows, ())
        self._variants_stale = True
        self._checksums[SIDECAR] = _REBUILT

    # -- updating --------------------------------------------------------------------

    def _update(self, progress: ProgressCallback | None) -> UpdateReport:
        """Re-index what changed. Many files are parsed and indexed by worker processes
        (see index.backend.whoosh.indexing); the manifest changes only once the whoosh commit
        succeeded."""
        assert self._ix is not None
        report = UpdateReport()
        by_file = {r.file: r for r in self._records.values()}
        present: set[str] = set()
        to_parse: list[tuple[Path, str]] = []
        for full, file in discover_names(self.articles_dir, self.warnings):
            present.add(file)
            record = by_file.get(file)
            try:
                stat = os.stat(full)
            except OSError as exc:
                self.warnings.append(f"skipped {printable_name(file)}: {exc.strerror or exc}")
                continue
            if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
                report.unchanged += 1
            else:
                to_parse.append((Path(full), file))
        removed = [r for r in self._records.values() if r.file not in present]
        jobs = self._jobs(to_parse, by_file, removed)
        batch = _Batch(self, by_file, removed)
        try:
            for done, (item, article) in enumerate(self._parsed(batch, jobs), 1):
                batch.take(item, report, article)
                if progress and (done % 50 == 0 or done == len(jobs)):
                    progress(done, len(jobs), f"indexing {done}/{len(jobs)}")
            batch.commit()
        except BaseException:
            batch.cancel()
            raise
        report.removed = len(batch.removed)
        # before the manifest is saved: a process that opens the index as it is (the
        # timeline's child) must see the same places as this one
        self._infer_places()
        if batch.committed:
            self._ix = whoosh_index.open_dir(str(self.index_dir / WHOOSH_DIR))
            self._save_manifest()
        elif to_parse:
            self._save_manifest()  # mtimes refreshed
        for record in self._records.values():
            self.warnings.extend(w for w in record.warnings if w not in self.warnings)
        return report

    def _jobs(
        self,
        to_parse: list[tuple[Path, str]],
        by_file: dict[str, ManifestRecord],
        removed: list[ManifestRecord],
    ) -> list[IndexJob]:
        """One job per file, with its id chosen here (workers index in parallel, so ids
        cannot be settled as files arrive): a file keeps the id it had; a new one gets
        its path without the suffix, or its whole path when that id is taken
        (a.txt next to a.md)."""
        gone = {r.id for r in removed}
        taken = {r.id for r in self._records.values() if r.id not in gone}
        jobs = []
        folder = str(self.articles_dir)
        for path, file in to_parse:
            old = by_file.get(file)
            if old is not None:
                jobs.append(IndexJob(str(path), folder, old.id, old.hash))
                continue
            article_id = article_id_for(file)
            if article_id in taken:
                article_id = file
            taken.add(article_id)
            jobs.append(IndexJob(str(path), folder, article_id))
        return jobs

    def _parsed(
        self, batch: _Batch, jobs: Sequence[IndexJob]
    ) -> Iterator[tuple[ParsedFile, Article | None]]:
        """Parsed files in order of arrival, with the article when the caller must
        write it (a worker process has written it already otherwise)."""
        workers = worker_count(len(jobs))
        if not workers:
            yield from map(parse_for_index, jobs)
            return
        batch.writer  # noqa: B018 - the write lock, before workers write segments
        remove_stale_parts(self.index_dir / WHOOSH_DIR)
        indexer = ParallelIndexer(self.index_dir / WHOOSH_DIR, jobs, workers, self._cancel)
        for item in indexer:
            yield item, None
        batch.segments = indexer.segments

    def _open_writer(self) -> IndexWriter:
        assert self._ix is not None
        try:
            # whoosh's own multi-process writer is not used: its forked sub-writers
            # outlive a SIGKILLed parent, holding the locks (see index.backend.whoosh.indexing).
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
        pending = self._pending_extras
        self._sidecar.update(pending.changed, pending.removed)
        self._pending_extras = _PendingExtras()
        if self._variants_stale:
            groups = variant_groups(self._sidecar.name_pairs(), self._sidecar.proper_words())
            self._sidecar.save_variant_groups(groups)
            self._variants_stale = False
        records = sorted(self._records.values(), key=lambda r: r.file)
        self._checksums = self._current_checksums()
        _atomic_write_json(
            self.index_dir / MANIFEST,
            {
                "schema": SCHEMA_VERSION,
                "build": self._build_id,
                "articles_dir": str(self.articles_dir),
                "generation": self._ix.latest_generation(),
                "fields": RECORD_FIELDS,
                "records": [as_row(r) for r in records],
                "checksums": self._checksums,
            },
        )
        self._manifest_seen = self._manifest_stamp()

    def _current_checksums(self) -> dict[str, str]:
        """Checksums of the files the manifest about to be written vouches for: the
        whoosh segments (new ones only: segments never change) and the sidecar."""
        assert self._ix is not None
        whoosh = self.index_dir / WHOOSH_DIR
        known = {k.removeprefix(f"{WHOOSH_DIR}/"): v for k, v in self._checksums.items()}
        found = checksums(whoosh, whoosh_files(self._ix), known)
        result = {f"{WHOOSH_DIR}/{name}": checksum for name, checksum in found.items()}
        sidecar = self.index_dir / SIDECAR
        if sidecar.exists():
            result[SIDECAR] = file_checksum(sidecar)
        return result

    def _infer_places(self) -> None:
        """Articles without a dateline take the corpus's dateline city they name most."""
        known = {
            place_key(r.place): r.place
            for r in self._records.values()
            if r.place and r.place_source in {"dateline", "front_matter"}
        }
        for record in self._records.values():
            if record.place is None or record.place_source == "inferred":
                inferred = infer_place(self._proper_nouns(record.id), known)
                record.place = inferred
                record.place_source = "inferred" if inferred else "unknown"

    # -- reading ---------------------------------------------------------------------

    def manifest_records(self) -> list[ManifestRecord]:
        self._require_open()
        return sorted(self._records.values(), key=lambda r: r.file)

    def record(self, article_id: str) -> ManifestRecord:
        self._require_open()
        try:
            return self._records[article_id]
        except KeyError:
            raise ArticleNotFound(f"no article with id {article_id!r}") from None

    def resolve_id(self, article_id: str) -> str:
        """Exact id, else file name, else a unique prefix of an id."""
        self._require_open()
        if article_id in self._records:
            return article_id
        for record in self._records.values():
            if record.file == article_id:
                return record.id
        matches = [key for key in self._records if key.startswith(article_id)] if article_id else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            shown = ", ".join(sorted(matches)[:5])
            raise ArticleNotFound(f"article id {article_id!r} is ambiguous: {shown}")
        raise ArticleNotFound(f"no article with id {article_id!r} (see `summit list`)")

    def _proper_nouns(self, article_id: str) -> dict[str, int]:
        pending = self._pending_extras.changed.get(article_id)
        if pending is None:
            return self._sidecar.proper_nouns(article_id)
        return ArticleExtras.decode_proper_nouns(pending.proper_nouns)

    def _name_pairs(self) -> list[tuple[str, str]]:
        pairs = self._sidecar.name_pairs()
        for extras in self._pending_extras.changed.values():  # a save that failed
            pairs.extend(ArticleExtras.decode_pairs(extras.name_pairs))
        return pairs

    def _variant_groups(self) -> list[frozenset[str]]:
        """The stored groups, unless articles changed since they were stored (a save
        that failed): then worked out again from the name pairs."""
        fresh = not (self._variants_stale or self._pending_extras.changed)
        stored = self._sidecar.variant_groups() if fresh else None
        if stored is not None:
            return stored
        return variant_groups(self._name_pairs(), self._sidecar.proper_words())

    def vocabulary(self) -> Vocabulary:
        """The corpus's real words and how many articles each is in."""
        self._require_open()
        return self._sidecar.vocabulary()

    def raw_expressions(self, article_id: str) -> list[dict[str, Any]]:
        """Read on demand. When the stored row is missing or unreadable (a manifest save
        that failed, a damaged file), they are extracted again from the article."""
        from index.text.temporal import extract_raw

        record = self.record(article_id)
        pending = self._pending_extras.changed.get(article_id)
        found = (
            json.loads(pending.expressions)
            if pending is not None
            else self._sidecar.expressions(article_id)
        )
        if found is not None:
            return found
        try:
            return cast(list[dict[str, Any]], extract_raw(self._parse(record).text))
        except Exception:
            return []

    def articles_for_timeline(self) -> Iterator[Article]:
        """Every article, parsed afresh, one at a time. Not kept: the engine caches the
        timeline built from them, and holding every article would cost hundreds of MB at
        10k (so would a list of them)."""
        self._require_open()
        for record in self.manifest_records():
            try:
                article = self._parse(record)
            except Exception:
                # changed since it was indexed into something unreadable or unparsable:
                # the timeline goes on without it, the next sync reports it
                continue
            yield article

    def article(self, article_id: str) -> Article:
        """The article as it is on disk now, under the id and place the index gave it
        (a folder with a.md and a.txt: each keeps its own id, never the other's)."""
        record = self.record(article_id)
        try:
            return self._parse(record)
        except OSError as exc:
            raise ArticleNotFound(f"cannot read {record.file}: {exc.strerror or exc}") from exc

    def _parse(self, record: ManifestRecord) -> Article:
        """The article as it is on disk now, with what the index settled (id, place)."""
        article = parse_file(self.articles_dir / record.file, self.articles_dir)
        place_source = cast(PlaceSource, record.place_source)
        return replace(article, id=record.id, place=record.place, place_source=place_source)

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
            self._variant_groups(),
            LazyVocabulary(self._sidecar),
        )
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._searcher_version = searcher, self.version

    def _require_open(self) -> None:
        if self._ix is None:
            raise SummitError("the index is not open yet")
