"""An article from a file: read (index.corpus.files), decoded (decoding), parsed
(parsing), and a whole folder loaded without an index (ids by index.corpus.ids).

The user's files are only ever read: nothing here opens a file for writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from index.corpus.decoding import decode_text
from index.corpus.files import (
    SkippedFile,
    article_kind,
    content_hash,
    discover_files,
    printable_name,
    read_article_bytes,
    relative_name,
)
from index.corpus.ids import new_article_id
from index.corpus.parsing import parse_article
from index.models import Article


@dataclass(slots=True)
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_file(path: Path, file: str) -> Article:
    """Read and parse the file at `path`, named `file` in its corpus (its path relative
    to the articles folder: index.corpus.folders); raises SkippedFile when it cannot be
    used."""
    if printable_name(file) != file:
        # the name would be the article's id, stored in the index and JSON as UTF-8
        raise SkippedFile("the file name is not valid UTF-8; rename the file to index it")
    data = read_article_bytes(path)
    text, warning = decode_text(data)
    if not text.strip():
        raise SkippedFile("empty (no text)")
    kind = article_kind(path) or "txt"
    article = parse_article(text, file, kind, digest=content_hash(data))
    if warning:
        article = _with_warning(article, f"{file}: {warning}")
    return article


def _with_warning(article: Article, warning: str) -> Article:
    return replace(article, warnings=(*article.warnings, warning))


def load_folder(folder: Path) -> LoadResult:
    """Every article under `folder`; files that cannot be used become warnings."""
    result = LoadResult()
    seen_ids: set[str] = set()
    for path in discover_files(folder):
        file = relative_name(path, folder)
        try:
            article = parse_file(path, file)
        except SkippedFile as exc:
            result.warnings.append(f"skipped {printable_name(file)}: {exc}")
            continue
        article = unique_id(article, seen_ids)
        result.warnings.extend(article.warnings)
        result.articles.append(article)
    return result


def unique_id(article: Article, seen_ids: set[str]) -> Article:
    """The article under the id the id rule gives it among `seen_ids` (index.corpus.ids)."""
    article_id = new_article_id(article.file, seen_ids)
    return article if article_id == article.id else replace(article, id=article_id)
