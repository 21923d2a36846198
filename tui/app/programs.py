"""Handing the terminal to the user's pager or editor (tui.app.external chooses which),
and what the explorer says when that is not possible."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported

from index.models import Article, Paragraph
from tui.app.external import (
    editor_argv,
    editor_command,
    file_line,
    pager_argv,
    pager_command,
    text_line,
)
from tui.textsafe import clean


def run_pager(
    app: App[Any], configured: str | None, article: Article, paragraph: Paragraph | None
) -> None:
    """The article's text in the pager, at the paragraph."""
    command = pager_command(configured, os.environ)
    if not command:
        app.notify("No pager: set $PAGER or install less", severity="warning",
                   timeout=5, markup=False)
        return
    # The article's text made inert, on stdin: no escape sequence reaches the terminal
    # (even with less -R) and no LESSOPEN preprocessor runs on the file.
    inert = clean(article.text).encode("utf-8", errors="replace")
    # stdin holds the text the offsets refer to (also for HTML): open at the passage
    line = text_line(article.text, paragraph.start) if paragraph is not None else 1
    try:
        with app.suspend():
            subprocess.run(pager_argv(command, line), input=inert, check=False)
    except SuspendNotSupported:
        app.notify("Cannot open a pager in this session (e.g. over SSH)",
                   severity="warning", timeout=5)
    except OSError as exc:
        app.notify(f"Pager failed: {exc}", severity="error", timeout=5, markup=False)


def run_editor(
    app: App[Any],
    configured: str | None,
    path: Path,
    article: Article,
    paragraph: Paragraph | None,
) -> None:
    """The article's file (at `path`) in the user's editor, at the paragraph's line."""
    argv = editor_argv(editor_command(configured, os.environ), path,
                       file_line(article, paragraph))
    try:
        with app.suspend():
            subprocess.run(argv, check=False)
    except SuspendNotSupported:
        app.notify("Cannot open an editor in this session (e.g. over SSH)",
                   severity="warning", timeout=5)
    except OSError as exc:
        app.notify(f"Editor failed ({argv[0]}): {exc.strerror or exc}", severity="error",
                   timeout=5, markup=False)
