"""Which pager or editor to start, and where in the file: pure functions, no Textual.

Editors open at a line as docfd and notmuch do (`$EDITOR +LINE FILE`: vi, vim, nvim,
nano, emacs, micro, kakoune and helix all read it); the config file's choice comes
before the environment's.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from index.models import Article, Paragraph

Which = Callable[[str], str | None]


def editor_command(configured: str | None, environ: Mapping[str, str]) -> list[str]:
    """The config's editor, else $VISUAL, else $EDITOR, else vi (as split by a shell)."""
    for candidate in (configured, environ.get("VISUAL"), environ.get("EDITOR")):
        words = _split(candidate)
        if words:
            return words
    return ["vi"]


def pager_command(
    configured: str | None, environ: Mapping[str, str], which: Which = shutil.which
) -> list[str]:
    """The config's pager, else $PAGER, else less; [] when none of them is installed."""
    for candidate in (configured, environ.get("PAGER")):
        words = _split(candidate)
        if words and which(words[0]) is not None:
            return words
    less = which("less")
    return [less] if less else []


def _split(command: str | None) -> list[str]:
    if not command or not command.strip():
        return []
    try:
        return shlex.split(command)
    except ValueError:  # an unbalanced quote: take it as one program name
        return [command.strip()]


def text_line(text: str, offset: int) -> int:
    """The 1-based line of `text` that character `offset` is on."""
    return text.count("\n", 0, max(0, offset)) + 1


def file_line(article: Article, paragraph: Paragraph | None) -> int:
    """The line of the article's *file* where `paragraph` starts. Offsets of .txt and .md
    articles are offsets into the file's text (front matter included); those of HTML
    refer to the extracted story, which has no line in the file: line 1 then."""
    if paragraph is None or article.kind == "html":
        return 1
    return text_line(article.text, paragraph.start)


def editor_argv(command: list[str], path: Path, line: int) -> list[str]:
    return [*command, f"+{line}", str(path)]


def pager_argv(command: list[str], line: int) -> list[str]:
    """`command` told to start at `line` of its input, when it is less (others do not
    share a way to say it, so they start at the top)."""
    if line > 1 and os.path.basename(command[0]) == "less":
        return [*command, f"+{line}g"]
    return command
