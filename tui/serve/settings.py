"""Everything `summit serve` was told, with defaults resolved (`ServeOptions`)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from tui.serve.options import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_LOGIN_GRACE,
    DEFAULT_MAX_STARTUPS,
    DEFAULT_PORT,
    DEFAULT_SESSION_MEMORY_MB,
    default_max_sessions,
)
from tui.serve.sshkeys import (
    default_authorized_keys_path,
)


@dataclass(frozen=True)
class ServeOptions:
    """Everything `summit serve` was told, with defaults resolved."""

    host: str
    port: int
    authorized_keys: Path
    host_key: Path | None
    max_sessions: int
    idle_timeout: float
    articles: tuple[str, ...]
    """The articles folders the sessions explore (none: the bundled articles)."""
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
            articles=tuple(
                _absolute(folder) or folder for folder in getattr(args, "articles", None) or ()
            ),
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
