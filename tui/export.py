"""Export: search results and the timeline as Markdown with citations, CSV, JSON Lines,
and (for the timeline) TimelineJS JSON. Pure functions from records to text: the CLI
writes them to stdout, the app to a file the user names.

JSON Lines records are exactly the `--json` records (`output.hit_json`,
`timeline.event_to_json`), one per line, so a script reads the same fields either way.
Article text is made inert (`textsafe.clean`) in Markdown and CSV, which people open in
a terminal or a spreadsheet; CSV cells that a spreadsheet would run as a formula are
quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from index.models import ArticleSummary, Passage, SearchResult, Timeline, TimelineEvent
from index.timeline.output import event_to_json
from tui.shapes import FolderOf, event_dates, hit_json, json_text
from tui.textsafe import clean

SEARCH_FORMATS = ("md", "csv", "jsonl")
TIMELINE_FORMATS = ("md", "csv", "jsonl", "timelinejs")

Summaries = Mapping[str, ArticleSummary]


def export_search(
    result: SearchResult,
    fmt: str,
    *,
    heading: str | None = None,
    folder_of: FolderOf | None = None,
) -> str:
    """`heading` titles a Markdown export (default: "Search: QUERY"); `folder_of` names
    each hit's folder in JSON Lines (as `--json` does)."""
    exporters: dict[str, Callable[[], str]] = {
        "md": lambda: _search_markdown(result, heading),
        "csv": lambda: _search_csv(result.hits),
        "jsonl": lambda: _jsonl(
            hit_json(hit, folder_of) if folder_of else hit_json(hit) for hit in result.hits
        ),
    }
    return exporters[fmt]()


def export_timeline(timeline: Timeline, fmt: str, summaries: Summaries) -> str:
    exporters: dict[str, Callable[[], str]] = {
        "md": lambda: _timeline_markdown(timeline.events, summaries),
        "csv": lambda: _timeline_csv(timeline.events, summaries),
        "jsonl": lambda: _jsonl(event_to_json(event) for event in timeline.events),
        "timelinejs": lambda: _timelinejs(timeline.events, summaries),
    }
    return exporters[fmt]()


def passage_citation(hit: Passage) -> str:
    """Title, source, date and paragraph, as a reader would cite the passage."""
    parts = [f"“{_inline(hit.title)}”"]
    if hit.source:
        parts.append(_inline(hit.source))
    parts.append(hit.date.isoformat() if hit.date else "date unknown")
    parts.append(f"¶{hit.paragraph + 1}")
    return ", ".join(parts) + f" ({_inline(hit.file)})"


def _search_markdown(result: SearchResult, heading: str | None) -> str:
    lines = [f"# {_inline(heading or 'Search: ' + result.query)}", ""]
    if result.searched != result.query:
        lines += [f"Searched as: {_inline(result.searched)}", ""]
    for hit in result.hits:
        lines.append(f"## {hit.rank}. {_inline(hit.title)}")
        lines.append("")
        lines += [f"> {line}" if line else ">" for line in clean(hit.text).splitlines()]
        lines.append("")
        lines.append(f"— {passage_citation(hit)}")
        lines.append("")
    return "\n".join(lines)


def _search_csv(hits: Iterable[Passage]) -> str:
    header = ["rank", "article", "file", "title", "source", "date", "place", "paragraph", "text"]
    rows = (
        [
            hit.rank,
            hit.article_id,
            hit.file,
            hit.title,
            hit.source or "",
            hit.date.isoformat() if hit.date else "",
            hit.place or "",
            hit.paragraph + 1,
            hit.text,
        ]
        for hit in hits
    )
    return _csv(header, rows)


def _event_citation(event: TimelineEvent, summaries: Summaries) -> list[str]:
    cited = []
    for source in event.sources:
        summary = summaries.get(source.article_id)
        title = summary.title if summary else source.article_id
        where = [f"“{_inline(title)}”"]
        if summary and summary.source and summary.source != summary.file:
            where.append(_inline(summary.source))
        if summary and summary.date:
            where.append(summary.date.isoformat())
        where.append(f"“{_inline(source.expression)}”")
        cited.append(", ".join(where) + f" ({_inline(source.file)})")
    return cited


def _timeline_markdown(events: Iterable[TimelineEvent], summaries: Summaries) -> str:
    lines = ["# Timeline", ""]
    heading = None
    for event in events:
        when = event_dates(event)
        if when != heading:
            if heading is not None:
                lines.append("")
            lines += [f"## {when}", ""]
            heading = when
        lines.append(f"- {_inline(' '.join(event.text.split()))}")
        lines += [f"  — {citation}" for citation in _event_citation(event, summaries)]
    lines.append("")
    return "\n".join(lines)


def _timeline_csv(events: Iterable[TimelineEvent], summaries: Summaries) -> str:
    header = ["start", "end", "granularity", "text", "articles", "files", "expressions"]
    rows = (
        [
            event.first_day.isoformat() if event.first_day else "",
            event.last_day.isoformat() if event.last_day else "",
            event.granularity,
            " ".join(event.text.split()),
            "; ".join(s.article_id for s in event.sources),
            "; ".join(s.file for s in event.sources),
            "; ".join(s.expression for s in event.sources),
        ]
        for event in events
    )
    return _csv(header, rows)


def _timelinejs(events: Iterable[TimelineEvent], summaries: Summaries) -> str:
    """TimelineJS 3's JSON: dated events only (an undated one has no place on its axis)."""
    slides: list[dict[str, Any]] = []
    for event in events:
        if event.first_day is None or event.granularity == "vague":
            continue
        slide: dict[str, Any] = {
            "start_date": _timelinejs_date(event.first_day, event.granularity),
            "text": {
                "headline": " ".join(event.text.split())[:120],
                "text": "<br>".join(_html_escape(c) for c in _event_citation(event, summaries)),
            },
            "group": event.granularity,
        }
        if event.last_day is not None and event.last_day != event.first_day:
            slide["end_date"] = _timelinejs_date(event.last_day, event.granularity)
        slides.append(slide)
    return json.dumps({"events": slides}, ensure_ascii=False, indent=2) + "\n"


def _timelinejs_date(day: Any, granularity: str) -> dict[str, str]:
    date = {"year": str(day.year)}
    if granularity == "open" and (day.month, day.day) == (1, 1):
        return date  # "since 2012": the year, not 1 January
    if granularity not in ("year", "decade", "century"):
        date["month"] = str(day.month)
        if granularity not in ("month", "quarter", "half", "season"):
            date["day"] = str(day.day)
    return date


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(text: str) -> str:
    return clean(text, single_line=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    if isinstance(value, str):
        value = clean(value, single_line=True)
        if value.startswith(_FORMULA_START):
            return "'" + value  # a spreadsheet shows it; it does not run it
    return value


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return out.getvalue()


def _jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json_text(record) + "\n" for record in records)
