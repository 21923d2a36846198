"""What all connections of one server share: options, keys, the log, the live sessions."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import asyncssh

from tui.serve.eventlog import EventLog
from tui.serve.policy import SessionPolicy
from tui.serve.settings import ServeOptions
from tui.serve.sshkeys import (
    AuthorizedKeys,
)


class LiveSession(Protocol):
    """A running session, as the server counts and stops it."""

    def end(self, message: str | None = None) -> None: ...

    async def wait_ended(self) -> None: ...


@dataclass
class ServerState:
    """What all connections share: options, keys, the log and the live sessions."""

    options: ServeOptions
    keys: AuthorizedKeys
    log: EventLog
    command: list[str]
    state_root: Path = field(default_factory=lambda: Path("."))
    index_dir: Path | None = None
    sessions: set[LiveSession] = field(default_factory=set)
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)
    unauthenticated: dict[asyncssh.SSHServerConnection, str] = field(default_factory=dict)
    """Connections not logged in yet, oldest first (insertion order), with their peer."""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    stopping: bool = False

    def admit(self, session: LiveSession) -> bool:
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

    def release(self, session: LiveSession) -> None:
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
