"""One client connection: public-key authentication only, sessions only; every other
request (forwarding, exec, subsystems) is refused and logged."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncssh

from tui.serve.environment import key_state_dir
from tui.serve.session import ExplorerSession
from tui.serve.state import ServerState


def _peer(conn: asyncssh.SSHServerConnection) -> str:
    peer = conn.get_extra_info("peername") or ("?", 0)
    return f"{peer[0]}:{peer[1]}"


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
