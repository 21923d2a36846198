"""Where an index lives by default (no whoosh here: imported before the app's first frame)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

from index.corpus.folders import Folders
from index.errors import CorpusError, IndexWriteError

APP_NAME = "summit-explorer"


def default_index_dir(folders: Folders) -> Path:
    """One index per corpus (its folder or folders), in the user cache dir, named after
    the folders."""
    return Path(user_cache_dir(APP_NAME)) / "indexes" / folders.key


def corpus_data_dir(folders: Folders) -> Path:
    """What the user keeps about a corpus (saved searches, marks): the user *data* dir,
    because the index is a cache that may be deleted."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "corpora" / folders.key


def fallback_index_dir(folders: Folders, index_dir: Path) -> Path:
    """Where the index of `folders` goes when `index_dir` cannot be written: its
    default place in the user cache, or when that is the place that failed, one folder
    per user and articles folder under the system's temporary folder. The same place
    every run, so a fallback index is updated, never built again."""
    default = default_index_dir(folders)
    if default.resolve() != index_dir.resolve():
        return default
    return Path(tempfile.gettempdir()) / f"summit-index-{os.getuid()}" / default.name


def writable_folder(folder: Path, must_write: tuple[str, ...] = ()) -> bool:
    """Whether an index can be written in `folder` (created when missing), including
    the files named in `must_write` that exist. Asked with access(2), not by writing a
    probe file: concurrent runs raced on a shared probe name, and access() also answers
    for a read-only mount."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return all(
        not (folder / name).exists() or os.access(folder / name, os.W_OK) for name in must_write
    )


def owned_by_user(folder: Path) -> bool:
    """Whether `folder` and its parent belong to this user: a fallback under the shared
    temporary folder may have been made by someone else first."""
    try:
        return all(path.stat().st_uid == os.getuid() for path in (folder, folder.parent))
    except OSError:
        return False


def check_not_inside(index_dir: Path, folders: Folders) -> None:
    """CorpusError when the index would be written into an articles folder."""
    index = index_dir.resolve()
    for articles in folders.paths:
        if index == articles or articles in index.parents:
            raise CorpusError(
                f"the index folder {index_dir} is inside the articles folder {articles}; "
                "choose another --index-dir (an articles folder is never written to)"
            )


def usable_fallback(
    folders: Folders, index_dir: Path, why: str, must_write: tuple[str, ...]
) -> Path:
    """The fallback folder for an index that cannot be written where it is (see
    fallback_index_dir), when this user can write it; IndexWriteError (saying `why`)
    otherwise."""
    fallback = fallback_index_dir(folders, index_dir)
    if not (writable_folder(fallback, must_write) and owned_by_user(fallback)):
        raise IndexWriteError(f"{why}, nor at {fallback}; choose another --index-dir")
    return fallback
