"""The server's log: one line per event on stderr, client strings escaped."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TextIO


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
