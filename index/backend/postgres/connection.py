"""Connecting to the database, and saying so without ever printing a password."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from index.errors import SummitError

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT_SECONDS = 10
APPLICATION_NAME = "summit"
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


class DatabaseError(SummitError):
    """The database could not be reached or used: one line, no credentials."""


def redact(url: str) -> str:
    """The URL without its password (user@host kept: it says which account is used)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unreadable database URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}" if user else host
    query = _PASSWORD_PARAM.sub(r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def password_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    found = _PASSWORD_PARAM.search(parts.query)
    secret = parts.password or (found.group(0).split("=", 1)[1] if found else None)
    return secret or None


def scrub(message: str, url: str) -> str:
    """`message` on one line, with the URL's password (if it appears) masked."""
    line = " ".join(str(message).split())
    secret = password_of(url)
    if secret:
        line = line.replace(secret, "***")
    return line


def check_url(url: str) -> None:
    if not url.startswith(("postgresql://", "postgres://")):
        raise DatabaseError(
            f"not a PostgreSQL URL: {redact(url)!r} (write postgresql://user@host/dbname)"
        )


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """A connection (credentials from the URL, PGPASSFILE or the PG* environment, TLS
    settings such as sslmode passed through as libpq reads them)."""
    check_url(url)
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            "the PostgreSQL backend needs psycopg: pip install 'summit-explorer[postgres]'"
        ) from None
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name=APPLICATION_NAME,
        )
    except psycopg.Error as exc:
        reason = scrub(str(exc) or type(exc).__name__, url)
        raise DatabaseError(f"cannot connect to {redact(url)}: {reason}") from None
