"""The whoosh index folder's files: a whole index opened as it was left, a new empty
one, and the checksums a manifest vouches for.

    index_dir/
      manifest.json     the records and checksums (index.store.manifest), the commit point
      articles.sqlite   the sidecar (index.store.sidecar)
      whoosh/           the whoosh index
      sync.lock         one updater at a time (index.store.locking)
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from index.backend.whoosh.schema import SCHEMA_VERSION, build_schema
from index.corpus.folders import Folders
from index.store.integrity import checksums, file_checksum, size_mismatches, whoosh_files
from index.store.manifest import (
    MANIFEST,
    ManifestFile,
    ManifestRecord,
    read_manifest,
    write_manifest,
)
from index.store.sidecar import SidecarStore

SIDECAR = "articles.sqlite"
WHOOSH_DIR = "whoosh"


@dataclass(slots=True)
class WholeIndex:
    ix: Index
    manifest: ManifestFile
    sidecar: SidecarStore


def open_whole(index_dir: Path) -> WholeIndex | None:
    """The index as it is, if it is whole; None when it must be rebuilt: a manifest that
    is damaged, of another schema or generation, or whose checksums, sidecar rows or
    document count do not match what is on disk."""
    try:
        manifest = read_manifest(index_dir / MANIFEST, SCHEMA_VERSION)
        if manifest is None:
            return None
        ix = whoosh_index.open_dir(str(index_dir / WHOOSH_DIR))
        if ix.latest_generation() != manifest.generation:
            return None
        if size_mismatches(index_dir, manifest.checksums):
            return None
        sidecar = SidecarStore(index_dir / SIDECAR)
        if sidecar.count() != len(manifest.records):
            sidecar.close()
            return None
        expected_docs = sum(r.paragraphs + 1 for r in manifest.records)
        if ix.doc_count() != expected_docs:
            return None
    except Exception:
        return None
    return WholeIndex(ix, manifest, sidecar)


def has_index_files(index_dir: Path) -> bool:
    """Whether anything of an index is here (damaged, or of another version)."""
    return (index_dir / MANIFEST).exists() or (index_dir / WHOOSH_DIR).exists()


def create_empty(index_dir: Path) -> Index:
    """A new empty whoosh index, replacing the old one and its manifest (the sidecar is
    the caller's: see index.store.extras)."""
    whoosh_dir = index_dir / WHOOSH_DIR
    if whoosh_dir.is_dir() and not whoosh_dir.is_symlink():
        shutil.rmtree(whoosh_dir)
    elif whoosh_dir.exists() or whoosh_dir.is_symlink():
        whoosh_dir.unlink()  # a stray file (or link) where the index folder belongs
    with contextlib.suppress(FileNotFoundError):
        (index_dir / MANIFEST).unlink()
    whoosh_dir.mkdir(parents=True)
    return whoosh_index.create_in(str(whoosh_dir), build_schema())


def reopen(index_dir: Path) -> Index:
    return whoosh_index.open_dir(str(index_dir / WHOOSH_DIR))


def save_manifest(
    index_dir: Path,
    ix: Index,
    build_id: str,
    folders: Folders,
    records: list[ManifestRecord],
    checksums: dict[str, str],
) -> None:
    """The manifest of the index as committed: the commit point of an update."""
    manifest = ManifestFile(
        schema=SCHEMA_VERSION,
        build=build_id,
        articles_dir=str(folders),
        generation=ix.latest_generation(),
        records=records,
        checksums=checksums,
    )
    write_manifest(index_dir / MANIFEST, manifest)


def current_checksums(index_dir: Path, ix: Index, known: dict[str, str]) -> dict[str, str]:
    """Checksums of the files the manifest about to be written vouches for: the whoosh
    segments (new ones only: segments never change, `known` has the others) and the
    sidecar."""
    whoosh = index_dir / WHOOSH_DIR
    known_here = {k.removeprefix(f"{WHOOSH_DIR}/"): v for k, v in known.items()}
    found = checksums(whoosh, whoosh_files(ix), known_here)
    result = {f"{WHOOSH_DIR}/{name}": checksum for name, checksum in found.items()}
    sidecar = index_dir / SIDECAR
    if sidecar.exists():
        result[SIDECAR] = file_checksum(sidecar)
    return result
