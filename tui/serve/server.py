"""`summit serve`: the explorer as its own SSH server, reached with `ssh -p 2222 host`.

Every authenticated SSH session gets a fresh explorer process on a pty of its
own (see `tui.serve.ptysession`); this module is the SSH side: who may log in (public
keys from an authorized_keys file, nothing else), what a session may do (a
terminal running the explorer, and nothing else: no shell, no commands, no
forwarding, no SFTP), the limits (sessions, idle time, output buffering, connections
still logging in, login grace, window sizes, memory) and a clean stop on Ctrl+C or
SIGTERM that ends every session.

What runs inside a session is confined by a served `SessionPolicy` (tui.serve.policy): the
server hands it over in the session's environment, with the key's own state folder as
HOME; what the client sends as environment is validated data, never configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import signal
import socket
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import asyncssh
import platformdirs

from tui.serve.options import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_LOGIN_GRACE,
    DEFAULT_MAX_STARTUPS,
    DEFAULT_PORT,
    DEFAULT_SESSION_MEMORY_MB,
    default_max_sessions,
)
from tui.serve.policy import SessionPolicy
from tui.serve.ptysession import INPUT_HIGH_WATER, PtyProcess
from tui.serve.sshkeys import (
    APP_NAME,
    AuthorizedKeys,
    KeyFileError,
    default_authorized_keys_path,
    load_or_create_host_key,
)

HANGUP_GRACE = 2.0
"""Seconds between SIGHUP and SIGKILL when a session's process must end."""

OUTPUT_HIGH_WATER = 256 * 1024
"""Bytes queued for a client above which we stop reading its explorer's output."""

KEEPALIVE_INTERVAL = 30
KEEPALIVE_COUNT_MAX = 3

MAX_COLUMNS = 1000
MAX_ROWS = 1000
"""Window sizes a client may ask for are clamped to this: a pty holds 16-bit sizes (a
larger one used to fail the session's start and leak its slot) and the explorer's
screen buffers grow with the area (65535x65535 grew a session by ~35 MB/s)."""

TERMINAL_RESET = (
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l"  # mouse reporting off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?25h"  # show the cursor
    b"\x1b[0m"  # plain attributes
    b"\r\n"
)
"""What a terminal needs after a full-screen program died without restoring it."""

FALLBACK_TERM = "xterm-256color"
SAFE_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\Z")
"""A terminal type is a short name: no escapes, no path separators (terminfo lookups)."""
SAFE_LOCALE = re.compile(
    r"(C|[A-Za-z]{2,3}(_[A-Za-z]{2})?)\.(UTF-8|utf-8|UTF8|utf8)(@[a-z]{1,16})?\Z"
)
"""Only UTF-8 locales: the explorer draws with box characters."""
SAFE_COLORTERM = re.compile(r"[A-Za-z0-9-]{1,24}\Z")
LOCALE_NAMES = frozenset({
    "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_MONETARY",
    "LC_NUMERIC", "LC_TIME", "LC_ADDRESS", "LC_IDENTIFICATION", "LC_MEASUREMENT", "LC_NAME",
    "LC_PAPER", "LC_TELEPHONE",
})
CLIENT_ENV = frozenset({"COLORTERM", "NO_COLOR"}) | LOCALE_NAMES
"""Variables a client may set (ssh SendEnv/SetEnv), each validated: they only choose
colours and language. Everything else a client sends (LD_PRELOAD, PYTHON*, PATH,
HOME, PAGER, TERM as a variable, …) is ignored and logged: it is data, not
configuration."""

PASSED_SERVER_ENV = ("PATH", "USER", "LOGNAME", "TMPDIR", "PYTHONPATH")
"""Variables of the server's own environment the explorer needs; HOME and the XDG
folders are the session's own state folder instead (never the operator's)."""


@dataclass(frozen=True)
class ServeOptions:
    """Everything `summit serve` was told, with defaults resolved."""

    host: str
    port: int
    authorized_keys: Path
    host_key: Path | None
    max_sessions: int
    idle_timeout: float
    articles: str | None
    index_dir: str | None
    debug: bool = False
    state_dir: Path | None = None
    """Per-key state (history) goes under here; default: serve/ in the user data dir."""
    login_grace: float = DEFAULT_LOGIN_GRACE
    max_startups: int = DEFAULT_MAX_STARTUPS
    session_memory_mb: int = DEFAULT_SESSION_MEMORY_MB

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ServeOptions:
        authorized = getattr(args, "authorized_keys", None)
        host_key = getattr(args, "host_key", None)
        return cls(
            host=getattr(args, "host", "127.0.0.1"),
            port=getattr(args, "port", DEFAULT_PORT),
            authorized_keys=(Path(authorized).expanduser() if authorized
                             else default_authorized_keys_path()),
            host_key=Path(host_key).expanduser() if host_key else None,
            max_sessions=getattr(args, "max_sessions", default_max_sessions()),
            idle_timeout=getattr(args, "idle_timeout", DEFAULT_IDLE_TIMEOUT),
            articles=_absolute(getattr(args, "articles", None)),
            index_dir=_absolute(getattr(args, "index_dir", None)),
            debug=bool(getattr(args, "debug", False)),
            state_dir=(Path(state_dir).expanduser().resolve()
                       if (state_dir := getattr(args, "state_dir", None)) else None),
            login_grace=float(getattr(args, "login_grace_time", DEFAULT_LOGIN_GRACE)),
            max_startups=getattr(args, "max_startups", DEFAULT_MAX_STARTUPS),
            session_memory_mb=getattr(args, "session_memory", DEFAULT_SESSION_MEMORY_MB),
        )


def _absolute(path: str | None) -> str | None:
    """Sessions may start elsewhere: hand them absolute paths."""
    return str(Path(path).expanduser().resolve()) if path else None


def explorer_command(options: ServeOptions) -> list[str]:
    """How one session starts the explorer: the installed `summit`, else this interpreter."""
    summit = shutil.which("summit", path=str(Path(sys.executable).parent))
    command = (
        [summit] if summit
        else [sys.executable, "-c", "import sys; from tui.cli.main import main; sys.exit(main())"]
    )
    if options.articles:
        command += ["--articles", options.articles]
    if options.index_dir:
        command += ["--index-dir", options.index_dir]
    return command


def safe_term(term: str | None) -> str:
    """The client's terminal type if it is a plain name, else FALLBACK_TERM."""
    return term if term and SAFE_TERM.match(term) else FALLBACK_TERM


def client_variable_ok(name: str, value: str) -> bool:
    if name in LOCALE_NAMES:
        return bool(SAFE_LOCALE.match(value))
    if name == "COLORTERM":
        return bool(SAFE_COLORTERM.match(value))
    if name == "NO_COLOR":
        return len(value) <= 16 and value.isprintable()
    return False


def explorer_environment(
    term: str | None, client_env: dict[str, str], policy: SessionPolicy
) -> tuple[dict[str, str], list[str]]:
    """A clean environment for one session, and the client variables it ignored.

    The server's paths; the session's own state folder as HOME and XDG folders; the
    policy; the client's terminal type and validated colour/language variables."""
    env = {name: os.environ[name] for name in PASSED_SERVER_ENV if name in os.environ}
    env.update({name: value for name, value in os.environ.items()
                if name.startswith(("SUMMIT_", "TEXTUAL_"))})
    home = policy.state_dir
    env.update({
        "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "TERM": safe_term(term), "LANG": "C.UTF-8",
    })
    env.update(policy.environment())
    ignored = []
    for name, value in sorted(client_env.items()):
        if name in CLIENT_ENV and client_variable_ok(name, value):
            env[name] = value
        else:
            ignored.append(name)
    return env, ignored


def key_state_dir(root: Path, key: asyncssh.SSHKey) -> Path:
    """One folder per authorized key: its history is never another user's."""
    return root / "keys" / hashlib.sha256(key.public_data).hexdigest()[:32]


def clamp_size(width: int, height: int) -> tuple[int, int]:
    return max(1, min(width, MAX_COLUMNS)), max(1, min(height, MAX_ROWS))


# -- event log --------------------------------------------------------------------


class EventLog:
    """One line per event on stderr: what an operator greps when something went wrong."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def event(self, name: str, **fields: object) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        details = " ".join(f"{key}={_field(value)}" for key, value in fields.items()
                           if value is not None)
        with contextlib.suppress(OSError, ValueError):
            self._stream.write(f"{stamp} summit-serve {name} {details}".rstrip() + "\n")
            self._stream.flush()


def _field(value: object) -> str:
    """A log value; client strings (user names, TERM, commands) may hold anything, so
    whatever is not plain printable ASCII is escaped and quoted, never written raw."""
    if isinstance(value, float):
        return f"{value:.1f}s"
    text = str(value)
    plain = text and all(33 <= ord(c) <= 126 and c not in "\"'\\" for c in text)
    return text if plain else ascii(text)


# -- shared server state ----------------------------------------------------------


@dataclass
class ServerState:
    """What all connections share: options, keys, the log and the live sessions."""

    options: ServeOptions
    keys: AuthorizedKeys
    log: EventLog
    command: list[str]
    state_root: Path = field(default_factory=lambda: Path("."))
    index_dir: Path | None = None
    sessions: set[ExplorerSession] = field(default_factory=set)
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)
    unauthenticated: dict[asyncssh.SSHServerConnection, str] = field(default_factory=dict)
    """Connections not logged in yet, oldest first (insertion order), with their peer."""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    stopping: bool = False

    def admit(self, session: ExplorerSession) -> bool:
        """Count a starting session, unless the server is full or stopping."""
        if self.stopping or len(self.sessions) >= self.options.max_sessions:
            return False
        self.sessions.add(session)
        return True

    def policy_for(self, state_dir: Path) -> SessionPolicy:
        """A served session's policy: it writes only to its own state and the index."""
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        writable = [self.index_dir] if self.index_dir is not None else []
        return SessionPolicy.for_served(state_dir, *writable)

    def release(self, session: ExplorerSession) -> None:
        """Free a session's slot; called on every way a session ends (idempotent)."""
        self.sessions.discard(session)

    def arriving(self, conn: asyncssh.SSHServerConnection, peer: str) -> None:
        """Count a connection that has not logged in; past max_startups the oldest such
        connection is dropped, so idle connections cannot keep a key holder out."""
        self.unauthenticated[conn] = peer
        while len(self.unauthenticated) > self.options.max_startups:
            oldest, oldest_peer = next(iter(self.unauthenticated.items()))
            del self.unauthenticated[oldest]
            self.log.event("preauth-dropped", peer=oldest_peer,
                           why=f"more than {self.options.max_startups} connections logging in")
            asyncio.get_running_loop().call_soon(oldest.abort)

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a background task and keep a reference until it ends."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def _peer(conn: asyncssh.SSHServerConnection) -> str:
    peer = conn.get_extra_info("peername") or ("?", 0)
    return f"{peer[0]}:{peer[1]}"


# -- one connection ---------------------------------------------------------------


class SummitSSHServer(asyncssh.SSHServer):
    """One client connection: public-key auth only, sessions only, no forwarding."""

    def __init__(self, state: ServerState) -> None:
        self._state = state
        self._conn: asyncssh.SSHServerConnection | None = None
        self._started = time.monotonic()
        self.peer = "?"
        self.user: str | None = None
        self.fingerprint: str | None = None
        self.state_dir: Path | None = None
        """This key's own state folder (set when its key is accepted)."""
        self._authenticated = False
        self._open_sessions = 0
        self._lost = False
        self._grace_timer: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self.peer = _peer(conn)
        self._state.connections.add(conn)
        self._state.log.event("connect", peer=self.peer)
        self._state.arriving(conn, self.peer)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        if self._conn is not None:
            self._state.connections.discard(self._conn)
            self._state.unauthenticated.pop(self._conn, None)
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        duration = time.monotonic() - self._started
        if self._authenticated:
            self._state.log.event("disconnect", peer=self.peer, user=self.user,
                                  key=self.fingerprint, duration=duration,
                                  reason=_reason(exc))
        else:
            self._state.log.event("auth-failed", peer=self.peer, user=self.user,
                                  duration=duration, reason=_reason(exc))

    def begin_auth(self, username: str) -> bool:
        self.user = username
        problem = self._state.keys.refresh()
        if problem is not None:
            self._state.log.event("keys-revoked", why=problem)
        return True

    def auth_completed(self) -> None:
        self._authenticated = True
        if self._conn is not None:
            self._state.unauthenticated.pop(self._conn, None)
        self._state.log.event("login", peer=self.peer, user=self.user, key=self.fingerprint)
        self._arm_grace_timer()

    def _arm_grace_timer(self) -> None:
        """A logged-in connection without a session (before its first, or after its last
        one ended) is closed after the login grace time: it holds resources for nothing."""
        if self._grace_timer is not None:
            self._grace_timer.cancel()
        self._grace_timer = asyncio.get_running_loop().call_later(
            self._state.options.login_grace, self._check_session_open)

    def _check_session_open(self) -> None:
        self._grace_timer = None
        if self._open_sessions == 0 and self._conn is not None:
            self._state.log.event("no-session", peer=self.peer, user=self.user,
                                  why=f"no session within {self._state.options.login_grace:g}s")
            self._conn.close()

    def session_closed(self) -> None:
        self._open_sessions -= 1
        if self._open_sessions == 0 and self._authenticated and not self._lost:
            self._arm_grace_timer()

    def public_key_auth_supported(self) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint("sha256")
        address = self.peer.rsplit(":", 1)[0]
        decision = self._state.keys.decide(key, address)
        if decision.allowed:
            self.fingerprint = fingerprint
            self.state_dir = key_state_dir(self._state.state_root, key)
            return True
        self._state.log.event("key-refused", peer=self.peer, user=username, key=fingerprint,
                              why=decision.reason)
        return False

    def session_requested(self) -> ExplorerSession:
        self._open_sessions += 1
        return ExplorerSession(self._state, self)

    # Everything below is refused (and logged): this server shows the explorer only.

    def refused(self, what: str, **details: object) -> bool:
        self._state.log.event("request-refused", peer=self.peer, user=self.user,
                              what=what, **details)
        return False

    def connection_requested(self, dest_host: str, dest_port: int,
                             orig_host: str, orig_port: int) -> bool:
        return self.refused("direct-tcpip", to=f"{dest_host}:{dest_port}")

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return self.refused("tcpip-forward", listen=f"{listen_host}:{listen_port}")

    def unix_connection_requested(self, dest_path: str) -> bool:
        return self.refused("direct-streamlocal", to=dest_path)

    def unix_server_requested(self, listen_path: str) -> bool:
        return self.refused("streamlocal-forward", listen=listen_path)


def _reason(exc: BaseException | None) -> str:
    return "closed" if exc is None else (str(exc).splitlines() or ["error"])[0]


# -- one session ------------------------------------------------------------------


class ExplorerSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: a pty request, then the explorer until it exits."""

    def __init__(self, state: ServerState, connection: SummitSSHServer) -> None:
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


# -- the server -------------------------------------------------------------------


async def serve(options: ServeOptions, *, out: TextIO, err: TextIO,
                ready: Callable[[int], None] | None = None) -> int:
    """Listen until SIGINT/SIGTERM/SIGHUP, then end every session and return."""
    log = EventLog(err)
    keys = AuthorizedKeys(options.authorized_keys)
    try:
        keys.load()
        host_key, host_key_path = load_or_create_host_key(options.host_key)
    except KeyFileError as exc:
        print(f"summit serve: {exc}", file=err, flush=True)
        return 2
    index_dir = prepare_index(options, err)
    if index_dir is False:
        return 2
    if isinstance(index_dir, Path) and options.index_dir is None:
        # sessions get their own HOME and XDG folders: tell them where the index is
        options = dataclasses.replace(options, index_dir=str(index_dir))
    state_root = options.state_dir or default_state_root()
    try:
        state_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        print(f"summit serve: cannot use state dir {state_root}: {exc.strerror}", file=err,
              flush=True)
        return 2
    state = ServerState(options=options, keys=keys, log=log,
                        command=explorer_command(options), state_root=state_root,
                        index_dir=Path(options.index_dir) if options.index_dir else None)
    try:
        server = await _listen(state, host_key)
    except OSError as exc:
        print(f"summit serve: cannot listen on {options.host}:{options.port}: "
              f"{exc.strerror or exc}", file=err, flush=True)
        return 2
    port = server.sockets[0].getsockname()[1]
    _announce(out, options.host, port, host_key, host_key_path)
    if ready is not None:
        ready(port)
    await _wait_for_stop_signal()
    await _shutdown(state, server)
    print("summit serve: stopped", file=out, flush=True)
    return 0


async def _listen(state: ServerState, host_key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    return await asyncssh.create_server(
        lambda: SummitSSHServer(state),
        state.options.host, state.options.port,
        server_host_keys=[host_key],
        encoding=None,
        line_editor=False,
        allow_pty=True,
        x11_forwarding=False,
        agent_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        keepalive_interval=KEEPALIVE_INTERVAL,
        keepalive_count_max=KEEPALIVE_COUNT_MAX,
        login_timeout=state.options.login_grace,
        gss_host=None,
        reuse_address=True,
    )


def _announce(out: TextIO, host: str, port: int, key: asyncssh.SSHKey, path: Path) -> None:
    target = "localhost" if host in {"127.0.0.1", "::1", "localhost"} else host
    if host in {"", "0.0.0.0", "::"}:
        target = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    print(f"summit serve: listening on {shown}:{port}", file=out)
    print(f"  host key  {key.get_fingerprint('sha256')}  ({path})", file=out)
    print(f"  connect   ssh -p {port} {target}", file=out, flush=True)


async def _wait_for_stop_signal() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)


async def _shutdown(state: ServerState, server: asyncssh.SSHAcceptor) -> None:
    """Stop accepting, end every explorer (with a message), then drop the connections."""
    state.stopping = True
    server.close()
    sessions = list(state.sessions)
    for session in sessions:
        session.end("summit: the server is shutting down")
    if sessions:
        await asyncio.wait([asyncio.ensure_future(s.wait_ended()) for s in sessions],
                           timeout=HANGUP_GRACE + 5)
    await asyncio.sleep(0.1)  # let the goodbye messages reach the clients
    for conn in list(state.connections):
        conn.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(server.wait_closed(), 5)
    if state.tasks:
        await asyncio.wait(list(state.tasks), timeout=HANGUP_GRACE + 5)


def prepare_index(options: ServeOptions, err: TextIO) -> Path | bool:
    """Build or update the index once, so sessions starting together never race to.
    Returns where it is (False: unusable, True: not known)."""
    try:
        from index.engine import Engine
        from index.errors import SummitError
    except ImportError:
        return True
    try:
        engine = Engine(options.articles, options.index_dir)
        engine.open()
        where = engine.index_dir
        engine.close()
        return where
    except SummitError as exc:
        print(f"summit serve: {exc}", file=err, flush=True)
        return False
    except Exception as exc:  # each session will report it in its own terminal
        print(f"summit serve: warning: could not prepare the index ({exc})", file=err, flush=True)
    return True


def default_state_root() -> Path:
    """Per-key state of served sessions: apart from the operator's own history."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "serve"


def _configure_library_logging(debug: bool) -> None:
    """asyncssh logs every packet at debug level: keep it quiet unless asked."""
    logger = logging.getLogger("asyncssh")
    if debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s asyncssh %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    else:
        logger.setLevel(logging.ERROR)


def run(args: argparse.Namespace) -> int:
    """Entry point of `summit serve`; returns the process exit status."""
    options = ServeOptions.from_args(args)
    _configure_library_logging(options.debug)
    return asyncio.run(serve(options, out=sys.stdout, err=sys.stderr))
