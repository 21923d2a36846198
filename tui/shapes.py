"""What both faces (the CLI and the explorer's export) write about the engine's records:
every JSON shape (`--json`, `--jsonl`, exports), JSON text safe to print, the dates of a
timeline entry in words, and the sentence for a folder without articles."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from index.models import Article, ArticleSummary, DateAnchor, Passage, SearchResult
from index.search.facets import FACET_KINDS, Facets
from index.text.temporal import span_label


def no_articles_message(folder: object) -> str:
    """What the CLI and the explorer say about a folder without articles."""
    from index.corpus.files import ARTICLE_SUFFIXES

    kinds = ", ".join(f"*{suffix}" for suffix in ARTICLE_SUFFIXES)
    return f"no articles ({kinds}) found in {folder}"


# json.dumps escapes C0 controls itself but, with ensure_ascii=False, passes DEL, C1
# controls (U+009B is an 8-bit CSI to some terminals) and bidi overrides through raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any, *, indent: int | None = None) -> str:
    """`data` as JSON text that is safe to print: non-ASCII kept readable, but the
    characters a terminal could act on escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    # These characters can only occur inside JSON strings, where \uXXXX is equivalent.
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


SCHEMA = 2
"""The version of every JSON shape below, printed as `schema` at the top of each
document. 2: one `article` key for an article's id everywhere (was `id` in list/show),
`source` is the source the article names or null everywhere (hits gave the file name),
list is an object, and the documents carry `schema`. Raised whenever a field changes."""


def document(**parts: Any) -> dict[str, Any]:
    """A top-level JSON document: `schema` first, then `parts`."""
    return {"schema": SCHEMA, **parts}


FolderOf = Callable[[str], str | None]
"""The label of the folder holding a file (`Engine.folder_of`): results say which folder
they come from when several are searched together; null for one folder."""


def _one_folder(_file: str) -> None:
    return None


def article_json(
    article: Article, anchor: DateAnchor | None, folder_of: FolderOf = _one_folder
) -> dict[str, Any]:
    return {
        "article": article.id,
        "file": article.file,
        "folder": folder_of(article.file),
        "title": article.title,
        "title_derived": article.title_derived,
        "place": article.place,
        "dateline": article.dateline,
        "date": anchor.date.isoformat() if anchor and anchor.date else None,
        "date_source": anchor.date_source if anchor else article.date_source,
        "source": article.source,
        "url": article.url,
        "paragraphs": [
            {"index": p.index, "start": p.start, "end": p.end, "text": p.text}
            for p in article.paragraphs
        ],
    }


def search_json(
    result: SearchResult, facets: Facets | None = None, folder_of: FolderOf = _one_folder
) -> dict[str, Any]:
    extra = {"facets": facets_json(facets)} if facets is not None else {}
    return document(
        query=result.query,
        searched=result.searched,
        total=result.total,
        total_is_estimate=result.total_is_estimate,
        corrected=result.corrected,
        suggestion=result.suggestion,
        mode=result.mode,
        notes=list(result.notes),
        error=result.error,
        variants={term: list(spellings) for term, spellings in result.variants},
        hits=[hit_json(hit, folder_of) for hit in result.hits],
        **extra,
    )


def facets_json(facets: Facets) -> dict[str, Any]:
    """Counts by source, place and month, each value with the clause that filters on it."""
    return {
        "counted": facets.counted,
        "complete": facets.complete,
        **{
            kind: [
                {"value": v.value, "count": v.count, "filter": v.clause} for v in facets.of(kind)
            ]
            for kind in FACET_KINDS
        },
    }


def hit_json(hit: Passage, folder_of: FolderOf = _one_folder) -> dict[str, Any]:
    """One hit as `--json` and `--format jsonl` print it."""
    return {
        "rank": hit.rank,
        "article": hit.article_id,
        "file": hit.file,
        "folder": folder_of(hit.file),
        "title": hit.title,
        "paragraph": hit.paragraph,
        "start": hit.start,
        "end": hit.end,
        "score": round(hit.score, 4),
        "snippet": hit.snippet,
        "highlights": [[s.start, s.end] for s in hit.highlights],
        "matched": list(hit.matched_terms),
        "place": hit.place,
        "date": hit.date.isoformat() if hit.date else None,
        "source": hit.source,
        "also_in": [
            {
                "article": c.article_id,
                "file": c.file,
                "folder": folder_of(c.file),
                "paragraph": c.paragraph,
                "source": c.source,
            }
            for c in hit.also_in
        ],
    }


def summary_json(summary: ArticleSummary, folder_of: FolderOf = _one_folder) -> dict[str, Any]:
    return {
        "article": summary.id,
        "file": summary.file,
        "folder": folder_of(summary.file),
        "title": summary.title,
        "title_derived": summary.title_derived,
        "place": summary.place,
        "date": summary.date.isoformat() if summary.date else None,
        "date_source": summary.date_source,
        "source": summary.source,
        "paragraphs": summary.paragraphs,
    }


def event_dates(event: Any) -> str:
    first, last = event.first_day, event.last_day
    if event.granularity == "vague":
        return "(undated)"
    if first is None:
        return "?"
    if last is None:  # an open span: "since 2012" reads as the year, not 2012-01-01
        start = str(first.year) if (first.month, first.day) == (1, 1) else first.isoformat()
        return f"{start} onwards"
    if (label := span_label(event.granularity, first, last)) is not None:
        return label
    if event.granularity == "year" and first.year == last.year:
        return str(first.year)
    if event.granularity == "year":
        return f"{first.year} to {last.year}"
    if event.granularity == "month":
        return first.strftime("%Y-%m")
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()} to {last.isoformat()}"
