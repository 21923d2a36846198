"""What the user keeps about a corpus: saved searches and marks.

Kept in the user *data* dir, one folder per corpus folder, never in the index (a cache
that `summit index --rebuild` or a cleaner may delete) and never in the articles.
Marks name an article id and a paragraph number, which survive re-indexing. Each file
is JSON, replaced atomically, so a crash mid-write keeps the previous state; a damaged
file is read as empty rather than stopping the tool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.errors import SummitError

SAVED_FILE = "saved-searches.json"
MARKS_FILE = "marks.json"
MAX_NAME = 80


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    query: str
    saved: str
    """When, as an ISO timestamp (for listing newest first)."""


@dataclass(frozen=True, slots=True)
class Mark:
    article: str
    paragraph: int | None
    """0-based paragraph index, as in --json; None marks the whole article."""
    marked: str

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.article, self.paragraph)


class UserData:
    """Saved searches and marks of one corpus."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    # -- saved searches -------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        rows = self._read(SAVED_FILE)
        return [
            SavedSearch(str(r["name"]), str(r["query"]), str(r.get("saved", "")))
            for r in rows
            if isinstance(r, dict) and isinstance(r.get("name"), str) and r.get("query")
        ]

    def save_search(self, name: str, query: str) -> SavedSearch:
        name, query = " ".join(name.split()), " ".join(query.split())
        if not name or len(name) > MAX_NAME:
            raise SummitError(f"a saved search needs a name of 1 to {MAX_NAME} characters")
        if not query:
            raise SummitError("there is no query to save")
        entry = SavedSearch(name, query, _now())
        kept = [s for s in self.saved_searches() if s.name != name]
        self._write(SAVED_FILE, [asdict(s) for s in [*kept, entry]])
        return entry

    def saved_search(self, name: str) -> SavedSearch:
        for entry in self.saved_searches():
            if entry.name == name:
                return entry
        raise SummitError(f"no saved search named {name!r} (see `summit saved`)")

    def delete_search(self, name: str) -> None:
        entries = self.saved_searches()
        kept = [s for s in entries if s.name != name]
        if len(kept) == len(entries):
            raise SummitError(f"no saved search named {name!r} (see `summit saved`)")
        self._write(SAVED_FILE, [asdict(s) for s in kept])

    # -- marks ------------------------------------------------------------------------

    def marks(self) -> list[Mark]:
        marks = []
        for row in self._read(MARKS_FILE):
            if not isinstance(row, dict) or not isinstance(row.get("article"), str):
                continue
            paragraph = row.get("paragraph")
            if paragraph is not None and not (isinstance(paragraph, int) and paragraph >= 0):
                continue
            marks.append(Mark(row["article"], paragraph, str(row.get("marked", ""))))
        return marks

    def is_marked(self, article: str, paragraph: int | None) -> bool:
        return any(m.key == (article, paragraph) for m in self.marks())

    def toggle_mark(self, article: str, paragraph: int | None) -> bool:
        """Mark or unmark; True when it is now marked."""
        marks = self.marks()
        kept = [m for m in marks if m.key != (article, paragraph)]
        now_marked = len(kept) == len(marks)
        if now_marked:
            kept.append(Mark(article, paragraph, _now()))
        self._write(MARKS_FILE, [asdict(m) for m in kept])
        return now_marked

    def set_mark(self, article: str, paragraph: int | None, marked: bool) -> None:
        if self.is_marked(article, paragraph) != marked:
            self.toggle_mark(article, paragraph)

    # -- files --------------------------------------------------------------------------

    def _read(self, name: str) -> list[Any]:
        try:
            data = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return data if isinstance(data, list) else []

    def _write(self, name: str, rows: list[dict[str, Any]]) -> None:
        try:
            write_json_atomically(self.folder / name, rows)
        except OSError as exc:
            raise SummitError(f"cannot save to {self.folder}: {exc.strerror or exc}") from exc


def write_json_atomically(path: Path, data: Any) -> None:
    """Write `data` as JSON to `path` through a temporary file and a rename, so a crash
    mid-write leaves the previous file whole (the user's own data must never be lost)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")
