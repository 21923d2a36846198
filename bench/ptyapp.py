"""App start, measured as a user sees it: the real `summit` in a pseudo-terminal.

The method: fork the command on a pty of 120x40 (TERM=xterm-256color), read what it
writes, and note the time from just before the fork until

- first frame: the output contains the header's "Summit Explorer" (Textual writes a
  frame's text in contiguous runs, so a plain word in one style is found as is);
- first results: as soon as the first frame is seen the query and Enter are typed
  (as a user would); results are shown when the status line's "(top N)" appears
  (the query is a common word, so there are more hits than shown).

The same method on a bare Textual app (one Static) gives the floor for comparison.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Sequence

FRAME_MARK = b"Summit Explorer"
RESULTS_MARK = b"(top "
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('bare-app-ready')\n"
    "Bare().run()\n"
)


def _spawn(argv: Sequence[str], env: dict[str, str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], list(argv), env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    return pid, fd


def _read_until(fd: int, marks: list[bytes], deadline: float, seen: bytearray) -> bool:
    while time.monotonic() < deadline:
        if all(mark in seen for mark in marks):
            return True
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            seen.extend(chunk)
    return all(mark in seen for mark in marks)


def _stop(pid: int, fd: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            os.read(fd, 65536)  # keep draining so the child is never blocked writing
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)


def _env(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", XDG_DATA_HOME=data_dir)
    env.pop("TEXTUAL", None)
    return env


def time_app_start(
    summit: str, articles: str, index: str, query: str, data_dir: str, timeout: float = 900
) -> dict[str, float | str]:
    """Seconds to the first frame and to the first results of `query`."""
    argv = [summit, "--articles", articles, "--index-dir", index]
    started = time.monotonic()
    pid, fd = _spawn(argv, _env(data_dir))
    seen = bytearray()
    try:
        if not _read_until(fd, [FRAME_MARK], started + timeout, seen):
            return {"error": "no first frame", "output_tail": seen[-300:].decode(errors="replace")}
        first_frame = time.monotonic() - started
        os.write(fd, query.encode() + b"\r")
        if not _read_until(fd, [RESULTS_MARK], started + timeout, bytearray()):
            return {"first_frame_s": round(first_frame, 3), "error": "no results shown"}
        return {
            "first_frame_s": round(first_frame, 3),
            "first_results_s": round(time.monotonic() - started, 3),
        }
    finally:
        _stop(pid, fd)


def time_bare_app(data_dir: str, timeout: float = 30) -> float | None:
    """Seconds until a bare Textual app (one Static) has drawn its first frame."""
    started = time.monotonic()
    pid, fd = _spawn([sys.executable, "-c", BARE_APP], _env(data_dir))
    try:
        if _read_until(fd, [b"bare-app-ready"], started + timeout, bytearray()):
            return round(time.monotonic() - started, 3)
        return None
    finally:
        _stop(pid, fd)
