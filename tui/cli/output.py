"""How the CLI prints: Rich text on a terminal, plain text in a pipe, JSON on request.

Everything that comes from an article goes through `textsafe.clean` and into a
`rich.text.Text`, so markup or escape sequences inside articles stay inert.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.text import Text

from index.engine import Engine
from index.models import (
    Article,
    ArticleSummary,
    DateAnchor,
    SearchResult,
    Span,
    Timeline,
    UpdateReport,
)
from index.search.facets import FACET_KINDS, Facets
from tui import shapes
from tui.textsafe import clean

MATCH_STYLE = "bold reverse"
DIM = "dim"


class _PipeConsole(Console):
    """A console whose closed pipe (`summit … | head -1`) ends the command quietly with
    status 0, as ripgrep does: Rich's default exits with status 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def silence_stdout() -> None:
    """After a closed pipe: stdout goes to /dev/null, so flushing it at exit neither
    fails nor prints an "Exception ignored" message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _stdout() -> Console:
    # In a pipe, lines are not re-wrapped: a script gets one line per record.
    return _PipeConsole(highlight=False, soft_wrap=not sys.stdout.isatty())


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    _stderr().print(Text(f"summit: error: {clean(message, single_line=True)}"))


def warn(message: str) -> None:
    _stderr().print(Text(f"summit: warning: {clean(message, single_line=True)}"))


def print_jsonl(records: Iterable[dict[str, Any]]) -> None:
    """One record a line, each written as soon as it is made (a script can stream a
    large timeline or list, and stop reading early)."""
    for record in records:
        sys.stdout.write(shapes.json_text(record) + "\n")
        sys.stdout.flush()


def print_json(data: Any) -> None:
    sys.stdout.write(shapes.json_text(data, indent=2) + "\n")


def highlighted(text: str, spans: Iterable[Span]) -> Text:
    result = Text(clean(text))
    for span in spans:
        result.stylize(MATCH_STYLE, span.start, span.end)
    return result


def _line(*parts: str | None) -> str:
    return " · ".join(clean(p, single_line=True) for p in parts if p)


def print_search(result: SearchResult, *, group_by_article: bool = False) -> None:
    console = _stdout()
    for note in result.notes:
        console.print(Text(f"note: {clean(note, single_line=True)}", style="yellow"))
    if not result.hits:
        console.print(Text(f'no results for "{clean(result.query, single_line=True)}"'))
        return
    about = "about " if result.total_is_estimate else ""
    unit = "article" if group_by_article else "passage"
    plural = "" if result.total == 1 else "s"
    verb = "matches" if result.total == 1 else "match"
    console.print(
        Text(f"{about}{result.total} {unit}{plural} {verb}; showing {len(result.hits)}", style=DIM)
    )
    for hit in result.hits:
        console.print()
        console.print(Text(f"{hit.rank}. {clean(hit.title, single_line=True)}", style="bold"))
        meta = _line(
            f"{hit.article_id} ¶{hit.paragraph + 1}",
            hit.place,
            hit.date.isoformat() if hit.date else None,
            f"score {hit.score:.2f}",
            hit.also_in_note,
        )
        console.print(Text("   " + meta, style=DIM))
        snippet = Text("   ")
        snippet.append_text(highlighted(hit.snippet.replace("\n", " "), hit.highlights))
        console.print(snippet)


def print_facets(facets: Facets) -> None:
    """A heading, then one line per facet: `source: Harbour Gazette 12 · Valley Post 3`."""
    console = _stdout()
    scope = "" if facets.complete else f" (of the best {facets.counted} hits)"
    console.print(Text(f"facets{scope}:", style="bold"))
    for kind in FACET_KINDS:
        values = facets.of(kind)
        if values:
            line = Text(f"  {kind}: ")
            line.append(" · ".join(f"{clean(v.value)} {v.count}" for v in values))
            console.print(line)


def anchor_line(anchor: DateAnchor | None) -> str:
    if anchor is None or anchor.date is None:
        return "date unknown"
    if anchor.date_source == "user":
        return f"{anchor.date.isoformat()} (set by you)"
    how = {"front_matter": "given", "inferred": "inferred"}.get(anchor.date_source, "unknown")
    return f"{anchor.date.isoformat()} ({how}: {anchor.evidence})"


def print_article(article: Article, anchor: DateAnchor | None) -> None:
    console = _stdout()
    title = clean(article.title, single_line=True)
    console.print(
        Text(
            title + (" (title derived from the first sentence)" if article.title_derived else ""),
            style="bold",
        )
    )
    console.print(Text(_line(article.id, article.place, article.source), style=DIM))
    console.print(Text(anchor_line(anchor), style=DIM))
    for paragraph in article.paragraphs:
        console.print()
        console.print(Text(f"¶{paragraph.index + 1} ", style=DIM) + Text(clean(paragraph.text)))


def print_list(summaries: list[ArticleSummary]) -> None:
    console = _stdout()
    for summary in summaries:
        date = summary.date.isoformat() if summary.date else "date unknown"
        line = Text(f"{date:<12}  ")
        line.append(clean(summary.id, single_line=True), style="bold")
        line.append("  " + clean(summary.title, single_line=True))
        line.append(
            "  " + (clean(summary.place, single_line=True) if summary.place else "(no place)"),
            style=DIM,
        )
        if summary.date_source == "user":
            line.append("  (date set by you)", style=DIM)
        console.print(line)


def print_timeline(timeline: Timeline) -> None:
    console = _stdout()
    if not timeline.events:
        console.print(Text("no dated events"))
        return
    for event in timeline.events:
        head = Text(f"{shapes.event_dates(event)}", style="bold")
        head.append(f"  [{event.granularity}]", style=DIM)
        console.print(head)
        console.print(Text("   " + clean(" ".join(event.text.split()))))
        sources = ", ".join(
            f"{clean(s.article_id, single_line=True)} “{clean(s.expression, single_line=True)}”"
            for s in event.sources
        )
        console.print(Text("   — " + sources, style=DIM))


def update_summary(engine: Engine, report: UpdateReport) -> str:
    articles = engine.article_count()
    if report.rebuilt:
        what = f"built ({report.reason})"
    elif report.touched:
        what = f"updated: {report.added} added, {report.changed} changed, {report.removed} removed"
    else:
        what = "up to date"
    return f"index {what}: {articles} articles in {report.seconds:.2f}s at {engine.index_dir}"


class Progress:
    """A progress bar on stderr for long index builds; silent when not a terminal."""

    def __init__(self, *, enabled: bool) -> None:
        self._enabled = enabled
        self._progress: RichProgress | None = None
        self._task: Any = None
        self._told_busy = False

    def __enter__(self) -> Progress:
        if self._enabled:
            self._progress = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=_stderr(),
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, done: int, total: int, message: str) -> None:
        if message.startswith("index busy") and not self._told_busy:
            # said once even without a progress bar (in a pipe), so a wait is never silent
            self._told_busy = True
            console = self._progress.console if self._progress is not None else _stderr()
            console.print(Text(f"summit: {clean(message, single_line=True)}"))
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task(message, total=total or None)
        self._progress.update(self._task, completed=done, total=total or None, description=message)
