"""The options of `summit serve` and their defaults, apart from the server itself, so
that building the command line never imports asyncssh (it would delay every
`summit` start by about 0.1 s)."""

from __future__ import annotations

import argparse
import os

DEFAULT_PORT = 2222
DEFAULT_IDLE_TIMEOUT = 30 * 60
DEFAULT_LOGIN_GRACE = 30
"""Seconds a connection has to log in, and then to open a session (sshd's LoginGraceTime)."""
DEFAULT_MAX_STARTUPS = 10
"""Connections not yet logged in at once; a newer one pushes out the oldest (MaxStartups)."""
DEFAULT_SESSION_MEMORY_MB = 4096
"""Address space of one session's explorer (RLIMIT_AS): index pages are mapped, so this
is well above what a session uses (about 70 MiB RSS on the bundled articles)."""


def default_max_sessions() -> int:
    """Two explorers per core: each is mostly idle, waiting for keys."""
    return max(1, 2 * (os.cpu_count() or 1))


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `summit serve` (the CLI adds the global ones)."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--authorized-keys",
        metavar="FILE",
        default=None,
        help="public keys allowed to log in (default: ~/.ssh/authorized_keys)",
    )
    parser.add_argument(
        "--host-key",
        metavar="FILE",
        default=None,
        help="the server's private host key (default: generated once into the user data dir)",
    )
    parser.add_argument(
        "--max-sessions",
        metavar="N",
        type=positive_int,
        default=default_max_sessions(),
        help="sessions at once; the next client is told to retry (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-timeout",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        help="end a session after this long without input; 0 never (default: %(default)s)",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        default=None,
        help="where each key's history is kept (default: serve/ in the user data dir)",
    )
    parser.add_argument(
        "--login-grace-time",
        metavar="SECONDS",
        type=positive_int,
        default=DEFAULT_LOGIN_GRACE,
        help="time to log in, and then to open a session (default: %(default)s)",
    )
    parser.add_argument(
        "--max-startups",
        metavar="N",
        type=positive_int,
        default=DEFAULT_MAX_STARTUPS,
        help="connections still logging in at once; beyond it the oldest is dropped "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--session-memory",
        metavar="MB",
        type=positive_int,
        default=DEFAULT_SESSION_MEMORY_MB,
        help="address-space ceiling of each session's process (default: %(default)s)",
    )
    # --articles, --index-dir and --debug are the CLI's global options: it adds
    # them to every subcommand, so they are accepted before or after `serve`.
