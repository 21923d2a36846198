"""Running engine work in spawned processes, tied to the process that asked for it.

Every child process the engine starts is started here, inside `spawning()`.

Spawned, not forked: a fork would inherit the parent's threads' locks and open files.
A spawned child re-imports the parent's main module, so programs that use the engine
guard their entry point with `if __name__ == "__main__":` (README, "The index").
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import SpawnContext
from typing import Any

from index.cancel import Cancel

POLL_SECONDS = 0.1
_SPAWN_LOCK = threading.Lock()
"""`spawning()` may swap sys.stderr: one thread at a time."""


def _has_real_fd(stream: Any) -> bool:
    try:
        return bool(stream.fileno() >= 0)
    except (AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def spawning() -> Iterator[SpawnContext]:
    """The spawn context, for starting child processes and their queues and events.

    multiprocessing hands `sys.stderr.fileno()` to the resource tracker process it
    starts with the first queue, event or child. An app can replace sys.stderr by an
    object without a descriptor (Textual's print capture answers -1), and the start
    then fails with "bad value(s) in fds_to_keep". While a child starts, such a
    stderr is swapped for /dev/null: the tracker then has nowhere to print, which is
    what the app wants (its screen is on the real terminal). A usable stderr is kept.
    """
    with _SPAWN_LOCK:
        if _has_real_fd(sys.stderr):
            yield multiprocessing.get_context("spawn")
            return
        replaced = sys.stderr
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            sys.stderr = devnull
            try:
                yield multiprocessing.get_context("spawn")
            finally:
                if sys.stderr is devnull:  # unless the app set its own meanwhile (quitting)
                    sys.stderr = replaced


def process_pool(
    context: SpawnContext,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> ProcessPoolExecutor:
    """A pool of spawned workers; submit to it inside `spawning()` (a spawn-context pool
    starts its workers as work is submitted)."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs
    )


def exit_with_parent(parent_pid: int) -> None:
    """In a child: exit as soon as the parent is gone (killed, crashed) instead of
    working on for a result nobody will read."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_spawned(target: Callable[..., None], args: tuple[Any, ...], stop: Cancel) -> int | None:
    """Run `target(*args)` in a spawned process and wait for it; its exit code, or None
    when `stop` was set first (the child is then terminated). The caller's thread only
    waits, so it holds no lock an interpreter shutdown would wait for."""
    with spawning() as context:
        child = context.Process(
            target=_child_main, args=(os.getpid(), target, args), name="summit-child", daemon=True
        )
        child.start()
    try:
        while child.exitcode is None:
            if stop.is_set():
                return None
            child.join(POLL_SECONDS)
        return child.exitcode
    finally:
        if child.exitcode is None:
            child.terminate()
            child.join(5)
            if child.exitcode is None:
                child.kill()
                child.join()
        child.close()


def _child_main(parent_pid: int, target: Callable[..., None], args: tuple[Any, ...]) -> None:
    exit_with_parent(parent_pid)
    try:
        target(*args)
    except Exception:
        # no traceback: the child shares the terminal the app draws on; the caller
        # sees the exit code, does the work itself and reports what fails there
        os._exit(1)
