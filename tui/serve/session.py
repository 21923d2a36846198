"""One SSH session channel: a pty request, then the explorer on its own pty until it
exits (idle time, back-pressure both ways, a clean end on every path)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Protocol

import asyncssh

from tui.serve.environment import clamp_size, explorer_environment
from tui.serve.ptysession import INPUT_HIGH_WATER, PtyProcess
from tui.serve.state import ServerState

HANGUP_GRACE = 2.0
"""Seconds between SIGHUP and SIGKILL when a session's process must end."""

OUTPUT_HIGH_WATER = 256 * 1024
"""Bytes queued for a client above which we stop reading its explorer's output."""


TERMINAL_RESET = (
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l"  # mouse reporting off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?25h"  # show the cursor
    b"\x1b[0m"  # plain attributes
    b"\r\n"
)
"""What a terminal needs after a full-screen program died without restoring it."""


class Login(Protocol):
    """What a session needs of its connection (tui.serve.connection)."""

    peer: str
    user: str | None
    state_dir: Path | None

    def refused(self, what: str, **details: object) -> bool: ...

    def session_closed(self) -> None: ...


class ExplorerSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: a pty request, then the explorer until it exits."""

    def __init__(self, state: ServerState, connection: Login) -> None:
        self._state = state
        self._connection = connection
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term: str | None = None
        self._size = (80, 24, 0, 0)
        self._command: str | None = None
        self._process: PtyProcess | None = None
        self._closed = False
        self._end_message: str | None = None
        self._started = time.monotonic()
        self._last_input = time.monotonic()
        self._idle_timer: asyncio.TimerHandle | None = None

    # -- requests before the session starts ----------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan
        chan.set_write_buffer_limits(high=OUTPUT_HIGH_WATER)

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: object) -> bool:
        self._term = term_type
        if term_size[0] and term_size[1]:
            self._size = (*clamp_size(term_size[0], term_size[1]), 0, 0)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to answer with a clear message instead of a bare failure.
        self._command = command
        self._connection.refused("exec", command=command)
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return self._connection.refused("subsystem", subsystem=subsystem)

    def session_started(self) -> None:
        refusal = self._refusal()
        if refusal is not None:
            self._refuse(refusal)
            return
        try:
            self._start_explorer()
        except Exception as exc:  # whatever failed, the slot is freed and the client told
            self._state.release(self)
            self._state.log.event("spawn-failed", peer=self._connection.peer, error=exc)
            self._refuse("summit: could not start the explorer; see the server log")

    def _refusal(self) -> str | None:
        if self._command is not None:
            return ("summit serve only shows the explorer; it runs no commands "
                    "(connect without one: ssh -p PORT host)")
        if self._term is None:
            return "summit serve needs a terminal: use ssh -t"
        if not self._state.admit(self):
            return (f"summit: the server is busy ({self._state.options.max_sessions} "
                    "sessions); try again shortly")
        return None

    def _refuse(self, message: str) -> None:
        self._state.log.event("session-refused", peer=self._connection.peer,
                              user=self._connection.user, why=message)
        self._write(message.encode() + b"\r\n")
        self._exit(1)

    def _start_explorer(self) -> None:
        assert self._chan is not None and self._term is not None
        assert self._connection.state_dir is not None, "a session needs an accepted key"
        width, height, _xpix, _ypix = self._size
        policy = self._state.policy_for(self._connection.state_dir)
        env, ignored = explorer_environment(self._term, dict(self._chan.get_environment()),
                                            policy)
        self._process = PtyProcess(
            self._state.command, env=env, columns=width, rows=height,
            on_output=self._on_output, on_exit=self._on_exit, cwd=str(policy.state_dir),
            memory_limit=self._state.options.session_memory_mb * 1024 * 1024,
        )
        self._state.log.event("session-start", peer=self._connection.peer,
                              user=self._connection.user, pid=self._process.pid,
                              term=self._term, size=f"{width}x{height}",
                              sessions=len(self._state.sessions),
                              ignored_env=",".join(ignored) or None)
        self._arm_idle_timer()

    # -- while it runs --------------------------------------------------------------

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._last_input = time.monotonic()
        if self._process is None:
            return
        self._process.write(data)
        if self._process.input_backlog > INPUT_HIGH_WATER and self._chan is not None:
            self._chan.pause_reading()
            self._state.spawn(self._resume_input_when_drained())

    async def _resume_input_when_drained(self) -> None:
        while (self._process is not None and self._process.running
               and self._process.input_backlog > INPUT_HIGH_WATER // 4):
            await asyncio.sleep(0.05)
        if self._chan is not None and not self._closed:
            self._chan.resume_reading()

    def terminal_size_changed(self, width: int, height: int,
                              pixwidth: int, pixheight: int) -> None:
        width, height = clamp_size(width, height)
        self._size = (width, height, 0, 0)
        if self._process is not None:
            self._process.resize(width, height)

    def eof_received(self) -> bool:
        # Like sshd with a pty: keep the session; the explorer quits on its own keys.
        return True

    def break_received(self, msec: int) -> bool:
        return False

    def pause_writing(self) -> None:
        if self._process is not None:
            self._process.pause_output()

    def resume_writing(self) -> None:
        if self._process is not None:
            self._process.resume_output()

    def _on_output(self, data: bytes) -> None:
        self._write(data)

    # -- idle timeout -----------------------------------------------------------------

    def _arm_idle_timer(self, delay: float | None = None) -> None:
        timeout = self._state.options.idle_timeout
        if timeout <= 0:
            return
        loop = asyncio.get_running_loop()
        self._idle_timer = loop.call_later(timeout if delay is None else delay,
                                           self._check_idle)

    def _check_idle(self) -> None:
        self._idle_timer = None
        timeout = self._state.options.idle_timeout
        idle = time.monotonic() - self._last_input
        if idle < timeout:
            self._arm_idle_timer(timeout - idle)
            return
        minutes = timeout / 60
        span = f"{minutes:g} minutes" if timeout >= 60 else f"{timeout:g} seconds"
        self._state.log.event("idle-timeout", peer=self._connection.peer, pid=self._pid())
        self.end(f"summit: session closed after {span} without input")

    # -- the end ----------------------------------------------------------------------

    def end(self, message: str | None = None) -> None:
        """End the explorer (SIGHUP, then SIGKILL); `message` is shown once it is gone."""
        self._end_message = message
        if self._process is not None and self._process.running:
            self._state.spawn(self._terminate())
        elif not self._closed:
            self._finish_channel(0)

    async def _terminate(self) -> None:
        if self._process is not None:
            await self._process.terminate(HANGUP_GRACE)

    def _on_exit(self) -> None:
        assert self._process is not None
        code = self._process.returncode or 0
        self._state.release(self)
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._state.log.event("session-end", peer=self._connection.peer,
                              user=self._connection.user, pid=self._process.pid,
                              status=code, duration=time.monotonic() - self._started)
        if code != 0 or self._end_message:
            self._write(TERMINAL_RESET)
        if self._end_message:
            self._write(self._end_message.encode() + b"\r\n")
        self._finish_channel(128 - code if code < 0 else code)

    def _finish_channel(self, status: int) -> None:
        self._exit(min(status, 255))

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._connection.session_closed()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._process is None:
            self._state.release(self)  # admitted but never started: the slot is free again
        elif self._process.running:
            self._state.log.event("hangup", peer=self._connection.peer, pid=self._process.pid)
            self._state.spawn(self._terminate())

    def _pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _write(self, data: bytes) -> None:
        if self._chan is not None and not self._closed:
            with contextlib.suppress(OSError, asyncssh.Error, BrokenPipeError):
                self._chan.write(data)

    def _exit(self, status: int) -> None:
        if self._chan is not None and not self._closed:
            with contextlib.suppress(OSError, asyncssh.Error):
                self._chan.exit(status)

    async def wait_ended(self) -> None:
        if self._process is not None:
            await self._process.wait()
