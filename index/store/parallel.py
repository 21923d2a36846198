"""A large update on both cores: files parsed in spawned worker processes.

Parsing and analysis are pure Python (about 20 ms per article), so one process caps a
build at one core. The jobs are cut into chunks; a worker runs the backend's chunk
function on each (the whoosh one writes a whole segment of its own), reporting every
file's ParsedFile as soon as it is done, and returns what the parent needs at the
commit. The parent keeps the write lock and commits once.

Workers are spawned, not forked: a forked child would share the parent's lock files
(flock belongs to the open file) and keep the index locked after a SIGKILL.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

from index.cancel import Cancel
from index.errors import IndexCancelled
from index.store.parsing import IndexJob, ParsedFile
from index.store.processes import exit_with_parent, process_pool, spawning

PARALLEL_THRESHOLD = 200
"""Below this many files, spawning workers costs more than it saves."""
MIN_CHUNK = 100
CHUNKS_PER_WORKER = 2
"""A few chunks per worker, so one slow chunk does not leave the other core idle at the
end; each chunk becomes one segment, so not many more."""
RESULT_GRACE_SECONDS = 10.0

ChunkWorker = Callable[..., Any]
"""chunk_worker(jobs, *args): runs in a worker, calls `report()` once per job, and
returns what the parent commits (None for nothing); checks `stop_requested()`."""


def worker_count(jobs: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if jobs < PARALLEL_THRESHOLD or (cpus or 1) < 2:
        return 0
    return min(4, cpus or 1)


def chunked(jobs: Sequence[IndexJob], workers: int) -> list[list[IndexJob]]:
    size = max(MIN_CHUNK, math.ceil(len(jobs) / (workers * CHUNKS_PER_WORKER)))
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


# -- in the worker processes ----------------------------------------------------------

_results: Any = None
_stop: Any = None


def _worker_init(results: Any, stop: Any, parent_pid: int) -> None:
    """Remember where to report, and exit once the parent is gone instead of writing
    on for a build nobody will commit."""
    global _results, _stop
    _results, _stop = results, stop
    exit_with_parent(parent_pid)


def report(parsed: ParsedFile) -> None:
    """Hand one file's result to the parent (in a worker)."""
    _results.put(parsed)


def stop_requested() -> bool:
    """Whether the parent abandoned the build (in a worker)."""
    return bool(_stop.is_set())


def _run_chunk(chunk_worker: ChunkWorker, jobs: list[IndexJob], args: tuple[Any, ...]) -> Any:
    return chunk_worker(jobs, *args)


# -- in the parent --------------------------------------------------------------------


class ParallelIndexer:
    """Runs `chunk_worker` over the jobs in spawned workers; iterate it for the
    ParsedFiles as they arrive, then read `results` (the chunks' non-None returns, in
    job order)."""

    def __init__(
        self,
        chunk_worker: ChunkWorker,
        worker_args: tuple[Any, ...],
        jobs: Sequence[IndexJob],
        workers: int,
        cancel: Cancel | None = None,
    ) -> None:
        self.chunk_worker = chunk_worker
        self.worker_args = worker_args
        self.cancel = cancel if cancel is not None else threading.Event()
        """Set by the owner to abandon the build: the workers stop at their next file."""
        self.chunks = chunked(jobs, workers)
        self.total = len(jobs)
        self.workers = min(workers, len(self.chunks))
        self.results: list[Any] = []

    def __iter__(self) -> Iterator[ParsedFile]:
        with spawning() as context:
            results, stop = context.Queue(), context.Event()
            pool = process_pool(context, self.workers, _worker_init, (results, stop, os.getpid()))
        try:
            with spawning():  # the workers start as work is submitted
                futures = [
                    pool.submit(_run_chunk, self.chunk_worker, chunk, self.worker_args)
                    for chunk in self.chunks
                ]
            for _ in range(self.total):
                yield self._next_result(results, futures, self.cancel)
            self.results = [s for s in (f.result() for f in futures) if s is not None]
        finally:
            stop.set()  # a cancelled or failed update: workers drop what they wrote
            pool.shutdown(wait=True, cancel_futures=True)
            with contextlib.suppress(Exception):
                results.close()

    @staticmethod
    def _next_result(results: Any, futures: list[Future[Any]], cancel: Cancel) -> ParsedFile:
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
