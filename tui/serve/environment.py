"""What one served session runs, and with what: the explorer's command, a clean
environment (the client's variables validated, never configuration), its own state
folder per key, and window sizes clamped."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

import asyncssh

from tui.serve.policy import SessionPolicy
from tui.serve.settings import ServeOptions

MAX_COLUMNS = 1000
MAX_ROWS = 1000
"""Window sizes a client may ask for are clamped to this: a pty holds 16-bit sizes (a
larger one used to fail the session's start and leak its slot) and the explorer's
screen buffers grow with the area (65535x65535 grew a session by ~35 MB/s)."""


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


def explorer_command(options: ServeOptions) -> list[str]:
    """How one session starts the explorer: the installed `summit`, else this interpreter."""
    summit = shutil.which("summit", path=str(Path(sys.executable).parent))
    command = (
        [summit] if summit
        else [sys.executable, "-c", "import sys; from tui.cli.main import main; sys.exit(main())"]
    )
    for folder in options.articles:
        command += ["--articles", folder]
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
