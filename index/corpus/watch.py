"""Following the articles folders while the explorer is open (watchfiles: inotify on
Linux, FSEvents on macOS, polling elsewhere).

`watch_folders` yields once per burst of changes to article files (a copy of 200 files is
one burst, thanks to the debounce); the caller then runs the ordinary incremental sync,
which decides what really changed by size, time and content hash.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from index.corpus.files import ARTICLE_SUFFIXES

DEBOUNCE_MS = 600
"""Changes closer together than this are one burst: one sync, not one per file."""


def is_article_path(path: str | Path, folder: Path) -> bool:
    """An article file by its suffix, not hidden, not under a hidden folder (as the
    corpus reads them)."""
    candidate = Path(path)
    try:
        parts = candidate.relative_to(folder).parts
    except ValueError:
        return False
    if any(part.startswith(".") for part in parts):
        return False
    return candidate.suffix.lower() in ARTICLE_SUFFIXES


def watch_folders(folders: Sequence[Path], stop: threading.Event) -> Iterator[set[Path]]:
    """The article files changed in each burst (in any of `folders`), until `stop` is set."""
    from watchfiles import watch  # (a compiled extension: imported only when watching)

    for changes in watch(
        *folders,
        watch_filter=lambda _change, path: any(is_article_path(path, f) for f in folders),
        stop_event=stop,
        debounce=DEBOUNCE_MS,
        recursive=True,
        raise_interrupt=False,
    ):
        yield {Path(path) for _change, path in changes}
