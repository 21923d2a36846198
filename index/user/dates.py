"""Publication dates the user set (`summit date ID YYYY-MM-DD`), kept with the index.

They live in `user_dates.json` in the index folder, keyed by the article's file path:
never in the article itself, and not among the files a rebuild deletes (whoosh's
folder, the manifest, the sidecar), so `summit index --rebuild` keeps them.  A date
set here wins over front matter and inference, and shows as "set by you".
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from index.user.data import write_json_atomically

USER_DATES = "user_dates.json"


def load_user_dates(index_dir: Path) -> dict[str, dt.date]:
    """Every date the user set, by article file; {} when none (or the file is unreadable:
    a damaged file must not stop the index from opening)."""
    try:
        data = json.loads((index_dir / USER_DATES).read_text(encoding="utf-8"))
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


def fingerprint(index_dir: Path) -> bytes:
    """The stored dates as bytes, for cache keys: a change rebuilds the timeline."""
    try:
        return (index_dir / USER_DATES).read_bytes()
    except OSError:
        return b""


def set_user_date(index_dir: Path, file: str, date: dt.date | None) -> None:
    """Set (or, with None, clear) the date of the article in `file`, atomically."""
    dates = load_user_dates(index_dir)
    if date is None:
        dates.pop(file, None)
    else:
        dates[file] = date
    write_json_atomically(
        index_dir / USER_DATES, {f: d.isoformat() for f, d in sorted(dates.items())}
    )
