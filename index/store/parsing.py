"""One article file as an index keeps it: its manifest record and its sidecar rows.

Backend-neutral: both backends parse files the same way (in worker processes for a
large update, see index.store.parallel) and differ only in where the documents go.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from index.corpus.articles import parse_file
from index.corpus.files import SkippedFile, printable_name
from index.corpus.folders import Folders
from index.corpus.places import proper_noun_counts
from index.models import Article
from index.store.manifest import ManifestRecord
from index.store.sidecar import ArticleExtras
from index.text.temporal_json import encode_expressions
from index.text.words import folded_words

_NAME_PAIR = re.compile(r"\b([A-Z][\w'’]*|al|el|ad|ag)[-\s]([A-Z][\w'’]+)")


@dataclass(frozen=True, slots=True)
class IndexJob:
    """One file to (re-)index, with the id the parent chose for it."""

    path: str
    file: str
    """Its name in the corpus (index.corpus.folders)."""
    article_id: str
    old_hash: str | None = None
    """The hash of the indexed version: a file that was only touched is not re-indexed."""


@dataclass(slots=True)
class ParsedFile:
    file: str
    """The path relative to the articles folder (also when the file was skipped)."""
    record: ManifestRecord | None
    raw_expressions: str
    """JSON, as stored: a string is a tenth of the memory of the parsed lists, and the
    parent holds them for a whole build."""
    warning: str | None
    unchanged: bool = False
    words: str = ""
    """The article's distinct vocabulary words (folded), space-separated."""
    proper_nouns: str = "{}"
    name_pairs: str = ""
    """Its proper nouns and name pairs, as stored (see index.store.sidecar.ArticleExtras)."""

    @property
    def extras(self) -> ArticleExtras:
        """The article's sidecar rows."""
        return ArticleExtras(self.raw_expressions, self.words, self.proper_nouns, self.name_pairs)


def parse_for_index(job: IndexJob) -> tuple[ParsedFile, Article | None]:
    """Parse one file and extract what the index stores for it; the article comes back
    only when its documents must be (re-)written."""
    from index.text.temporal import extract_raw

    path, file = Path(job.path), job.file
    name = printable_name(file)
    try:
        stat = path.stat()
        article = parse_file(path, file)
        unchanged = article.content_hash == job.old_hash
        raw_expressions = "[]" if unchanged else encode_expressions(extract_raw(article.text))
    except SkippedFile as exc:
        return ParsedFile(file, None, "[]", f"skipped {name}: {exc}"), None
    except OSError as exc:  # vanished or changed between listing and reading
        return ParsedFile(file, None, "[]", f"skipped {name}: {exc.strerror or exc}"), None
    except Exception as exc:
        # A parser bug on one strange file (deeply nested HTML, odd dates) must not
        # stop the whole corpus from being indexed: skip the file and say why.
        reason = f"could not be parsed ({type(exc).__name__})"
        return ParsedFile(file, None, "[]", f"skipped {name}: {reason}"), None
    article = replace(article, id=job.article_id)
    record = ManifestRecord(
        id=article.id,
        file=article.file,
        hash=article.content_hash,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        title=article.title,
        title_derived=article.title_derived,
        place=article.place,
        place_source=article.place_source,
        date=article.date.isoformat() if article.date else None,
        source=article.source,
        paragraphs=len(article.paragraphs),
        warnings=list(article.warnings),
    )
    if unchanged:
        return ParsedFile(file, record, raw_expressions, None, unchanged=True), None
    parsed = ParsedFile(
        file,
        record,
        raw_expressions,
        None,
        words=" ".join(vocabulary_words(article)),
        proper_nouns=json.dumps(proper_noun_counts(article.text), ensure_ascii=False),
        name_pairs=ArticleExtras.encode_pairs(sorted_name_pairs(article.text)),
    )
    return parsed, article


def extras_from_articles(
    folders: Folders, records: Iterable[ManifestRecord]
) -> Iterator[tuple[str, ArticleExtras]]:
    """Each record's sidecar rows parsed again from its file (a damaged sidecar is
    rebuilt this way: parsed, not indexed, a fraction of a rebuild). A file that is gone
    or unreadable now gets empty rows until the update that follows drops it."""
    for record in records:
        job = IndexJob(str(folders.full(record.file)), record.file, record.id)
        parsed, _ = parse_for_index(job)
        yield record.id, parsed.extras


def vocabulary_words(article: Article) -> list[str]:
    """Distinct real words of the title and story, folded as the index folds them."""
    return folded_words(" ".join([article.title, *(p.text for p in article.paragraphs)]))


def sorted_name_pairs(text: str) -> list[tuple[str, str]]:
    return sorted(set(_NAME_PAIR.findall(text)))
