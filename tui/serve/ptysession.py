"""One child process on a pseudo-terminal of its own, driven from an asyncio loop.

`summit serve` runs one explorer per SSH session. The explorer must believe it
runs in a real terminal: it needs a pty that is its *controlling* terminal
(otherwise the kernel never sends it SIGWINCH when the window size changes, and
never sends SIGHUP when the connection drops), and it needs its bytes copied
untouched in both directions (it sets the terminal mode itself).

This module knows nothing about SSH: it spawns, copies bytes, resizes, and ends
the process with SIGHUP then SIGKILL, always reaping it so no zombie or orphan
is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import resource
import signal
import struct
import subprocess
import termios
from collections.abc import Callable, Mapping, Sequence

READ_CHUNK = 65536
"""Bytes read from the pty master per wake-up; big enough for a full redraw."""

INPUT_HIGH_WATER = 64 * 1024
"""Pending keyboard bytes above which the caller should stop reading its source."""

POLL_INTERVAL = 0.2
"""Seconds between exit checks when pidfd_open is unavailable (old kernels)."""

OutputCallback = Callable[[bytes], None]
EndCallback = Callable[[], None]


def _become_controlling_terminal() -> None:
    """Runs in the child between fork and exec: make stdin (the pty slave) its terminal.

    `start_new_session=True` already made the child a session leader without a
    terminal; TIOCSCTTY then attaches the slave, so window-size changes on the
    master reach it as SIGWINCH and a hang-up reaches it as SIGHUP.
    """
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _child_setup(memory_limit: int | None) -> Callable[[], None]:
    """What runs in the child before exec: its terminal, and its memory ceiling
    (RLIMIT_AS: an allocation past it fails in the child, never in the server)."""

    def setup() -> None:
        _become_controlling_terminal()
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core dumps of a session

    return setup


def set_window_size(fd: int, columns: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
    """TIOCSWINSZ on a pty; the kernel signals the foreground process group."""
    packed = struct.pack("HHHH", max(rows, 1), max(columns, 1), ypixels, xpixels)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, packed)


def get_window_size(fd: int) -> tuple[int, int]:
    """(columns, rows) of a pty, as the child sees them."""
    rows, columns, _x, _y = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return columns, rows


class PtyProcess:
    """A process whose stdin, stdout and stderr are the slave side of a fresh pty.

    Output is delivered to `on_output` as raw bytes; `on_exit` is called once,
    after the process has been reaped and every byte it wrote has been delivered.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        columns: int,
        rows: int,
        on_output: OutputCallback,
        on_exit: EndCallback,
        cwd: str | None = None,
        memory_limit: int | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._on_output = on_output
        self._on_exit = on_exit
        self._pending_input = bytearray()
        self._reading = False
        self._paused = False
        self._exited = asyncio.Event()
        self._pidfd: int | None = None
        self._poll_handle: asyncio.TimerHandle | None = None
        self.returncode: int | None = None

        master, slave = os.openpty()
        try:
            set_window_size(slave, columns, rows)
            self._proc = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_child_setup(memory_limit),
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master = master
        os.set_blocking(master, False)
        self._start_reading()
        self._watch_exit()

    # -- identity ------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self.returncode is None

    # -- terminal ------------------------------------------------------------------

    def resize(self, columns: int, rows: int, xpixels: int = 0, ypixels: int = 0) -> None:
        """Tell the child its window changed (it receives SIGWINCH from the kernel)."""
        if self.master >= 0:
            with contextlib.suppress(OSError):
                set_window_size(self.master, columns, rows, xpixels, ypixels)

    # -- input: caller -> child ----------------------------------------------------

    def write(self, data: bytes) -> None:
        """Queue keyboard bytes for the child; never blocks the event loop."""
        if self.master < 0 or not data:
            return
        was_empty = not self._pending_input
        self._pending_input += data
        if was_empty:
            self._flush_input()

    @property
    def input_backlog(self) -> int:
        """Bytes not yet accepted by the pty (the child is not reading its input)."""
        return len(self._pending_input)

    def _flush_input(self) -> None:
        try:
            while self._pending_input:
                written = os.write(self.master, self._pending_input)
                del self._pending_input[:written]
        except BlockingIOError:
            self._loop.add_writer(self.master, self._on_writable)
            return
        except OSError:
            self._pending_input.clear()
        self._loop.remove_writer(self.master)

    def _on_writable(self) -> None:
        self._flush_input()

    # -- output: child -> caller ---------------------------------------------------

    def pause_output(self) -> None:
        """Stop reading the master: the child blocks once the pty buffer is full.

        This is how a slow or frozen client pushes back on the child instead of
        making the server buffer its output without bound.
        """
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        if self.master >= 0:
            self._start_reading()

    def _start_reading(self) -> None:
        if not self._reading and not self._paused:
            self._loop.add_reader(self.master, self._on_readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading:
            self._loop.remove_reader(self.master)
            self._reading = False

    def _on_readable(self) -> None:
        try:
            data = os.read(self.master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            # EIO: every slave fd is closed (the child and its children are gone).
            data = b""
        if data:
            self._on_output(data)
        else:
            self._stop_reading()

    def _drain_output(self) -> None:
        """Deliver what the child wrote just before exiting, whatever the pause state."""
        if self.master < 0:
            return
        for _ in range(256):
            try:
                data = os.read(self.master, READ_CHUNK)
            except OSError:
                return
            if not data:
                return
            self._on_output(data)

    # -- lifetime ------------------------------------------------------------------

    def _watch_exit(self) -> None:
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            self._poll_handle = self._loop.call_later(POLL_INTERVAL, self._poll_exit)
            return
        self._loop.add_reader(self._pidfd, self._check_exit)

    def _poll_exit(self) -> None:
        self._poll_handle = None
        if not self._check_exit():
            self._poll_handle = self._loop.call_later(POLL_INTERVAL, self._poll_exit)

    def _check_exit(self) -> bool:
        if self.returncode is not None:
            return True
        code = self._proc.poll()
        if code is None:
            return False
        self.returncode = code
        self._finish()
        return True

    def _finish(self) -> None:
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self._drain_output()
        self._close_master()
        self._exited.set()
        self._on_exit()

    def _close_master(self) -> None:
        if self.master < 0:
            return
        self._stop_reading()
        self._loop.remove_writer(self.master)
        self._pending_input.clear()
        os.close(self.master)
        self.master = -1

    async def wait(self) -> int:
        """The exit status (negative: killed by that signal), once reaped."""
        await self._exited.wait()
        assert self.returncode is not None
        return self.returncode

    def signal(self, signum: int) -> None:
        """Signal the child's whole process group (it is the leader of its session)."""
        if self.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    async def terminate(self, grace: float = 2.0) -> int:
        """Hang up like a terminal that went away, then SIGKILL after `grace` seconds.

        SIGHUP is what the child would get from a real terminal closing; a child
        that ignores it or hangs is killed, and either way it is reaped here.
        """
        if self.returncode is None:
            self.signal(signal.SIGHUP)
            self.signal(signal.SIGCONT)
            try:
                await asyncio.wait_for(self._exited.wait(), grace)
            except TimeoutError:
                self.signal(signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError):
                    self._proc.kill()
                with contextlib.suppress(TimeoutError):  # stuck in the kernel: pidfd reaps later
                    await asyncio.wait_for(self._exited.wait(), grace + 5)
        return self.returncode if self.returncode is not None else -signal.SIGKILL

    def kill_now(self) -> None:
        """Last resort at interpreter exit: SIGKILL and reap synchronously."""
        if self.returncode is None:
            self.signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
        if self._poll_handle is not None:
            self._poll_handle.cancel()
        self._close_master()
