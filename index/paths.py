"""Where an index lives by default (no whoosh here: imported before the app's first frame)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from platformdirs import user_cache_dir

APP_NAME = "summit-explorer"


def default_index_dir(articles_dir: Path) -> Path:
    """One index per corpus folder, in the user cache dir, named after the folder."""
    digest = hashlib.sha256(str(articles_dir.resolve()).encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", articles_dir.name)[:40] or "articles"
    return Path(user_cache_dir(APP_NAME)) / "indexes" / f"{slug}-{digest}"
