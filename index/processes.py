"""Running engine work in spawned processes, tied to the process that asked for it.

Spawned, not forked: a fork would inherit the parent's threads' locks and open files.
A spawned child re-imports the parent's main module, so programs that use the engine
guard their entry point with `if __name__ == "__main__":` (README, "The index").
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import Any

POLL_SECONDS = 0.1


def exit_with_parent(parent_pid: int) -> None:
    """In a child: exit as soon as the parent is gone (killed, crashed) instead of
    working on for a result nobody will read."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_spawned(
    target: Callable[..., None], args: tuple[Any, ...], stop: threading.Event
) -> int | None:
    """Run `target(*args)` in a spawned process and wait for it; its exit code, or None
    when `stop` was set first (the child is then terminated). The caller's thread only
    waits, so it holds no lock an interpreter shutdown would wait for."""
    context = multiprocessing.get_context("spawn")
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
