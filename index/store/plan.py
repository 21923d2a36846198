"""What a sync must do: which files are added, changed, removed or unchanged.

Decided from the manifest's records and a listing of the folder, in two steps: a file
whose size and mtime match its record is unchanged without being read; every other
file is parsed, and one whose content hash still matches was only touched (the parse
says so: `ParsedFile.unchanged`). Backend-neutral: the listing is the only I/O.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.corpus.files import printable_name
from index.corpus.folders import Folders
from index.corpus.ids import new_article_id
from index.store.manifest import ManifestRecord
from index.store.parsing import IndexJob


@dataclass(frozen=True, slots=True)
class ListedFile:
    full: str
    file: str
    """Its name in the corpus (index.corpus.folders)."""
    size: int | None
    mtime_ns: int | None
    """None when the file could not be looked at (it is present, but skipped)."""


def list_articles(folders: Folders, warnings: list[str]) -> Iterator[ListedFile]:
    """Every article file with its size and mtime; what cannot be listed or looked at
    is a warning appended to `warnings`."""
    for full, file in folders.names(warnings):
        try:
            stat = os.stat(full)
        except OSError as exc:
            warnings.append(f"skipped {printable_name(file)}: {exc.strerror or exc}")
            yield ListedFile(full, file, None, None)
            continue
        yield ListedFile(full, file, stat.st_size, stat.st_mtime_ns)


@dataclass(slots=True)
class SyncPlan:
    jobs: list[IndexJob] = field(default_factory=list)
    """Files to parse: new, or with another size or mtime than their record."""
    removed: list[ManifestRecord] = field(default_factory=list)
    """Records whose file is gone."""
    unchanged: int = 0
    """Files whose size and mtime match their record."""
    by_file: dict[str, ManifestRecord] = field(default_factory=dict)
    """The records by file, as they were when planned."""


def plan_sync(records: Mapping[str, ManifestRecord], listed: Iterable[ListedFile]) -> SyncPlan:
    """The plan for bringing `records` (by id) in line with the `listed` files."""
    plan = SyncPlan(by_file={r.file: r for r in records.values()})
    present: set[str] = set()
    to_parse: list[ListedFile] = []
    for item in listed:
        present.add(item.file)
        if item.size is None:
            continue
        record = plan.by_file.get(item.file)
        if record and record.size == item.size and record.mtime_ns == item.mtime_ns:
            plan.unchanged += 1
        else:
            to_parse.append(item)
    plan.removed = [r for r in records.values() if r.file not in present]
    plan.jobs = _jobs(to_parse, records, plan.by_file, plan.removed)
    return plan


def _jobs(
    to_parse: list[ListedFile],
    records: Mapping[str, ManifestRecord],
    by_file: dict[str, ManifestRecord],
    removed: list[ManifestRecord],
) -> list[IndexJob]:
    """One job per file, with its id chosen here (workers parse in parallel, so ids
    cannot be settled as files arrive): a file keeps the id it had; a new one gets one
    by the corpus's id rule, among the ids still taken."""
    gone = {r.id for r in removed}
    taken = {r.id for r in records.values() if r.id not in gone}
    jobs = []
    for item in to_parse:
        old = by_file.get(item.file)
        if old is not None:
            jobs.append(IndexJob(str(Path(item.full)), item.file, old.id, old.hash))
            continue
        article_id = new_article_id(item.file, taken)
        jobs.append(IndexJob(str(Path(item.full)), item.file, article_id))
    return jobs
