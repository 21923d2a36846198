"""One article as rows of the database: parsed and analysed in worker processes.

The passages' tsvectors are written from the project's own analysis (the same folded,
stemmed tokens and positions the whoosh backend indexes), not PostgreSQL's parsers:
so a query matches exactly what it matches there, accents and hyphens included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.models import Article
from index.store.parsing import IndexJob, ParsedFile, parse_for_index
from index.text.words import index_terms, keyword_terms

MAX_POSITION = 16383
"""PostgreSQL keeps tsvector positions up to this (larger ones are clamped)."""
TITLE_OFFSET = 15000
"""A passage's title words go after its body words: a phrase never runs from one into
the other (a paragraph longer than this shares the last positions)."""


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """What the loader writes for one file (or why it was skipped)."""

    parsed: ParsedFile
    article: tuple[object, ...] | None = None
    """The summit_articles row (without the collection), None when unchanged."""
    passages: tuple[tuple[object, ...], ...] = ()
    """summit_passages rows (without the collection)."""


def lexeme(text: str) -> str:
    if "'" not in text and "\\" not in text:
        return f"'{text}'"
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str, *, weight: str = "", offset: int = 0) -> str:
    """`text` as tsvector input ('stem':1,4 …) with the index analyzer's terms and positions
    (words.index_terms: the same as the whoosh index's, without its analyzer chain)."""
    positions: dict[str, list[int]] = {}
    for term, at in index_terms(text):
        position = min(MAX_POSITION, at + 1 + offset)
        found = positions.get(term)
        if found is None:
            positions[term] = [position]
        elif found[-1] != position:  # (positions come in order; a joined form repeats one)
            found.append(position)
    suffix = f"{weight}," if weight else ","
    return " ".join(
        f"{lexeme(word)}:{suffix.join(map(str, found))}{weight}"
        for word, found in positions.items()
    )


def keywords_literal(text: str) -> str:
    """`source:` words (folded, not stemmed), as tsvector input."""
    words = set(keyword_terms(text))
    return " ".join(lexeme(word) for word in sorted(words))


def passage_rows(article: Article) -> tuple[tuple[object, ...], ...]:
    title = tsvector_literal(article.title, weight="A", offset=TITLE_OFFSET)
    source = keywords_literal(f"{article.source or ''} {article.file}")
    rows = []
    for paragraph in article.paragraphs:
        body = tsvector_literal(paragraph.text)
        tsv = f"{body} {title}".strip()
        rows.append(
            (
                article.id,
                paragraph.index,
                paragraph.start,
                paragraph.end,
                paragraph.text,
                tsv,
                source,
            )
        )
    return tuple(rows)


def article_row(article: Article, parsed: ParsedFile) -> tuple[object, ...]:
    record = parsed.record
    assert record is not None
    # a paragraph's text is its slice of the article, unless lines were joined
    spans = [
        [p.index, p.start, p.end] + ([] if article.text[p.start : p.end] == p.text else [p.text])
        for p in article.paragraphs
    ]
    return (
        record.id,
        record.file,
        record.hash,
        record.size,
        record.mtime_ns,
        record.title,
        record.title_derived,
        record.place,
        record.place_source,
        record.date,
        record.source,
        record.paragraphs,
        json.dumps(record.warnings),
        article.kind,
        article.dateline,
        article.url,
        article.text,
        json.dumps(spans),
        parsed.raw_expressions,
        parsed.words,
        parsed.proper_nouns,
        parsed.name_pairs,
    )


ARTICLE_COLUMNS = (
    "id, file, hash, size, mtime_ns, title, title_derived, place, place_source, date, "
    "source, paragraphs, warnings, kind, dateline, url, body, spans, expressions, words, "
    "proper_nouns, name_pairs"
)
PASSAGE_COLUMNS = "article_id, paragraph, start_char, end_char, body, tsv, source_tsv"


def rows_for(job: IndexJob) -> ArticleRows:
    """Parse one file (in a worker process) into the rows the loader writes."""
    parsed, article = parse_for_index(job)
    if article is None or parsed.record is None:
        return ArticleRows(parsed)
    return ArticleRows(parsed, article_row(article, parsed), passage_rows(article))


def rows_for_chunk(jobs: list[IndexJob]) -> list[ArticleRows]:
    return [rows_for(job) for job in jobs]


def job_for(path: Path, file: str, article_id: str, old_hash: str | None) -> IndexJob:
    return IndexJob(str(path), file, article_id, old_hash)
