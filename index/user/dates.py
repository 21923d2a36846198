"""Publication dates the user set (`summit date ID YYYY-MM-DD`, the reader's D key).

They live in `user_dates.json` in the corpus's user *data* folder (`index.user.data`,
beside saved searches and marks), keyed by the article's file path: never in the
article itself, and never in the index, which is a cache that `summit index --rebuild`,
a cleaner or the user may delete. A date set here wins over front matter and inference,
and shows as "set by you".

Earlier versions kept the file in the index folder; `carry_over` moves it to the data
folder once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

from index.user.data import write_json_atomically

USER_DATES = "user_dates.json"
"""The file's name, in the data folder now as in the index folder before."""


def load_user_dates(folder: Path) -> dict[str, dt.date]:
    """Every date the user set, by article file; {} when none (or the file is unreadable:
    a damaged file must not stop the index from opening)."""
    try:
        data = json.loads((folder / USER_DATES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, dt.date] = {}
    if isinstance(data, dict):
        for file, value in data.items():
            try:
                out[str(file)] = dt.date.fromisoformat(str(value))
            except ValueError:
                continue
    return out


def fingerprint(folder: Path) -> bytes:
    """The stored dates as bytes, for cache keys: a change rebuilds the timeline."""
    try:
        return (folder / USER_DATES).read_bytes()
    except OSError:
        return b""


def set_user_date(folder: Path, file: str, date: dt.date | None) -> None:
    """Set (or, with None, clear) the date of the article in `file`, atomically."""
    dates = load_user_dates(folder)
    if date is None:
        dates.pop(file, None)
    else:
        dates[file] = date
    write_json_atomically(folder / USER_DATES, {f: d.isoformat() for f, d in sorted(dates.items())})


def carry_over(folder: Path, index_dir: Path) -> None:
    """Move the dates an earlier version kept in the index folder to the data folder.

    Only while the data folder has no dates file of its own, so it happens once: a date
    cleared since is never brought back by an old file that could not be removed (a
    read-only index folder). Nothing is lost when either folder cannot be written: the
    old file stays, and is carried over by the next run that can."""
    legacy, mine = index_dir / USER_DATES, folder / USER_DATES
    if mine.exists() or not legacy.is_file() or legacy.resolve() == mine.resolve():
        return
    try:
        written = legacy.read_bytes().strip()
    except OSError:
        return
    dates = load_user_dates(index_dir)
    if not dates and written not in (b"", b"{}"):
        return  # unreadable: left where it is rather than replaced by nothing
    try:
        write_json_atomically(mine, {f: d.isoformat() for f, d in sorted(dates.items())})
    except OSError:
        return
    with contextlib.suppress(OSError):
        legacy.unlink()
