"""Query history: kept across runs in the user data dir, deduplicated and capped."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

HISTORY_FILE = "query-history.json"
DEFAULT_CAP = 200


class QueryHistory:
    """Most recent last. `previous()`/`next()` walk it like a shell's Up/Down."""

    def __init__(
        self, path: Path | None, cap: int = DEFAULT_CAP, *, legacy: Path | None = None
    ) -> None:
        self.path = path
        self.legacy = legacy
        """Where an older version kept the history: read once when `path` has none yet."""
        self.cap = cap
        self._entries: list[str] = []
        self._cursor: int | None = None
        self.load()

    @property
    def entries(self) -> list[str]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def load(self) -> None:
        if self.path is None:
            return
        source = self.path
        if self.legacy is not None and not self.path.exists():
            source = self.legacy  # saved to `path` from the next query on
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, list):
            entries = [e.strip() for e in data if isinstance(e, str) and e.strip()]
            self._entries = self._dedupe(entries)[-self.cap :]

    @staticmethod
    def _dedupe(entries: list[str]) -> list[str]:
        seen: set[str] = set()
        result: list[str] = []
        for entry in reversed(entries):
            if entry not in seen:
                seen.add(entry)
                result.append(entry)
        return result[::-1]

    def add(self, query: str) -> None:
        """Remember `query` as the most recent entry (moving it if already known) and save."""
        query = " ".join(query.split())
        self.reset()
        if not query:
            return
        if self._entries and self._entries[-1] == query:
            return
        self._entries = [e for e in self._entries if e != query]
        self._entries.append(query)
        del self._entries[: -self.cap]
        self.save()

    def save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".history-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle, ensure_ascii=False, indent=0)
            os.replace(tmp, self.path)
        except OSError:
            pass  # history is a convenience: never fail the app over it

    def reset(self) -> None:
        self._cursor = None

    @property
    def browsing(self) -> bool:
        return self._cursor is not None

    def previous(self) -> str | None:
        """One step back (older); None when there is nothing older."""
        if not self._entries:
            return None
        if self._cursor is None:
            self._cursor = len(self._entries) - 1
        elif self._cursor > 0:
            self._cursor -= 1
        else:
            return None
        return self._entries[self._cursor]

    def next(self) -> str | None:
        """One step forward (newer); "" past the newest entry (back to an empty box)."""
        if self._cursor is None:
            return None
        if self._cursor < len(self._entries) - 1:
            self._cursor += 1
            return self._entries[self._cursor]
        self._cursor = None
        return ""

    def matching(self, text: str) -> list[str]:
        """Entries containing `text` (case-insensitive), most recent first."""
        needle = text.casefold().strip()
        return [e for e in reversed(self._entries) if needle in e.casefold()]
