"""The short conversations of the main screen: a name for a search, a date, a file to
export to (with the overwrite question), a query from the history or the saved searches.

Each asks with a modal screen and hands a checked answer to its callback; what the
answer does is the caller's (the main screen and tui.app.session).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual.app import App

from index.search.facets import Facets
from tui.app.screens.facet_picker import FacetPicker
from tui.app.screens.history_picker import HistoryPicker, Picker
from tui.app.screens.prompt import PromptScreen


def export_format(target: Path, *, timeline: bool) -> str | None:
    """The export format a file name asks for (.json means TimelineJS, for the timeline)."""
    suffix = target.suffix.lower().lstrip(".")
    if suffix in ("md", "csv", "jsonl"):
        return suffix
    if suffix == "json" and timeline:
        return "timelinejs"
    return None


def ask_export_target(
    app: App[Any], what: str, *, timeline: bool, write: Callable[[Path, str], None]
) -> None:
    """Ask where to export `what`; `write(target, format)` once the answer is usable."""
    formats = ".md, .csv, .jsonl or .json (TimelineJS)" if timeline else ".md, .csv or .jsonl"

    def named(answer: str | None) -> None:
        if not answer:
            return
        target = Path(answer).expanduser()
        fmt = export_format(target, timeline=timeline)
        if fmt is None:
            app.notify(f"Say the format with the file's suffix: {formats}",
                       severity="warning", timeout=5, markup=False)
            return
        if target.exists():
            def confirmed(reply: str | None) -> None:
                if reply and reply.strip().lower() in ("y", "yes"):
                    write(target, fmt)

            app.push_screen(PromptScreen(f"{target} exists. Overwrite it? (y/N)"), confirmed)
            return
        write(target, fmt)

    hint = f"{formats} · relative to {os.getcwd()}"
    app.push_screen(PromptScreen(f"Export {what} to the file:", hint=hint), named)


def ask_date(app: App[Any], current: str, answer: Callable[[dt.date | None], None]) -> None:
    """Ask for an article's date; `answer(None)` when the user says 'clear'."""

    def answered(text: str | None) -> None:
        if text is None:
            return
        if text.lower() == "clear":
            answer(None)
            return
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            app.notify(f"Not a date: {text!r} (use YYYY-MM-DD, or 'clear')",
                       severity="warning", timeout=4, markup=False)
            return
        answer(day)

    app.push_screen(
        PromptScreen("The date of this article:", value=current,
                     hint="YYYY-MM-DD, or 'clear' to let the articles decide"),
        answered,
    )


def ask_search_name(app: App[Any], query: str, save: Callable[[str], None]) -> None:
    def named(name: str | None) -> None:
        if name:
            save(name)

    app.push_screen(PromptScreen(f"Save the search {query!r} as:", hint="a name"), named)


def pick_query(app: App[Any], queries: list[str], chosen: Callable[[str | None], None]) -> None:
    """A query from the history (most recent first)."""
    app.push_screen(HistoryPicker(queries), chosen)


def pick_saved_search(
    app: App[Any], entries: Sequence[tuple[str, str]], chosen: Callable[[str | None], None]
) -> None:
    """A saved search, as (label, query) entries, newest first."""
    app.push_screen(Picker("Saved searches (newest first)", list(entries)), chosen)


def pick_facet(
    app: App[Any], query: str, facets: Facets, chosen: Callable[[str | None], None]
) -> None:
    """A facet value of the query's hits, as the clause that narrows the search to it."""
    if not facets.counted:
        app.notify("No hits to count", timeout=3)
        return
    app.push_screen(FacetPicker(query, facets), chosen)
