"""One updater at a time per index folder, across processes.

A sync takes an exclusive flock on `sync.lock` in the index folder, waiting a while for
another summit to finish; when the wait runs out the caller opens the index as it was
(or says the index is busy) instead of interleaving two updates.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from index.errors import IndexBusyError

SYNC_LOCK = "sync.lock"
LOCK_WAIT_SECONDS = 30.0
BUSY_WARNING = "index busy: another summit is updating it; showing the index as it was"


@contextlib.contextmanager
def sync_lock(
    index_dir: Path,
    progress: Callable[[int, int, str], None] | None = None,
    wait_seconds: float | None = None,
) -> Iterator[bool]:
    """Held for the block: True when this process has the lock, False when another
    held it for all of `wait_seconds` (LOCK_WAIT_SECONDS when not given, read at the
    call: a test shortens it), `progress` told once that it waits."""
    wait = LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    handle = open(index_dir / SYNC_LOCK, "a+")  # noqa: SIM115 - held for the block
    try:
        deadline = time.monotonic() + wait
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


def busy_error(index_dir: Path) -> IndexBusyError:
    """Another process holds the lock and there is no previous index to show."""
    return IndexBusyError(f"index busy: another process is building {index_dir}; try again")
