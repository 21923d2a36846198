"""The one id rule: an article's id is its path relative to the articles folder
without the suffix (`world/dakar-floods.md` -> `world/dakar-floods`), or, when that id
is already taken (`a.txt` next to `a.md`), its whole path.

Every id is derived here: the index when it meets a new file, and loading a folder
without an index. An id, once given, stays with its file (the index keeps it), so
reading an article again never derives it afresh.
"""

from __future__ import annotations

from pathlib import PurePosixPath


def article_id_for(file: str) -> str:
    """The id a file gets when no other file holds it: the path without its suffix."""
    return str(PurePosixPath(file).with_suffix(""))


def new_article_id(file: str, taken: set[str]) -> str:
    """The id of a new file among the ids `taken` (which it then joins)."""
    article_id = article_id_for(file)
    if article_id in taken:
        article_id = file
    taken.add(article_id)
    return article_id
