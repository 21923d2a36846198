"""Reading through the records an index keeps: finding one by id, file name or prefix,
the article as it reads now under the id and place the index settled, and its time
expressions. `RecordReader` is that half of a PassageIndex for a backend that holds
its records in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import cast

from index.corpus.articles import parse_file
from index.corpus.folders import Folders
from index.errors import ArticleNotFound
from index.models import Article, PlaceSource
from index.store.extras import ExtrasStore
from index.store.manifest import ManifestRecord
from index.store.sidecar import Vocabulary
from index.text.temporal_record import RawExpr


def find_record(records: Mapping[str, ManifestRecord], article_id: str) -> ManifestRecord:
    """The record of exactly this id (ArticleNotFound otherwise)."""
    try:
        return records[article_id]
    except KeyError:
        raise ArticleNotFound(f"no article with id {article_id!r}") from None


def resolve_id(records: Mapping[str, ManifestRecord], article_id: str) -> str:
    """Exact id, else file name, else a unique prefix of an id."""
    if article_id in records:
        return article_id
    for record in records.values():
        if record.file == article_id:
            return record.id
    matches = [key for key in records if key.startswith(article_id)] if article_id else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        shown = ", ".join(sorted(matches)[:5])
        raise ArticleNotFound(f"article id {article_id!r} is ambiguous: {shown}")
    raise ArticleNotFound(f"no article with id {article_id!r} (see `summit list`)")


def read_article(folders: Folders, record: ManifestRecord) -> Article:
    """The article as it is on disk now, with what the index settled (id, place): a
    folder with a.md and a.txt, each keeps its own id, never the other's."""
    article = parse_file(folders.full(record.file), record.file)
    place_source = cast(PlaceSource, record.place_source)
    return replace(article, id=record.id, place=record.place, place_source=place_source)


def readable_articles(folders: Folders, records: Iterable[ManifestRecord]) -> Iterator[Article]:
    """Each record's article, parsed afresh, one at a time; one that changed since it
    was indexed into something unreadable or unparsable is left out (the next sync
    reports it)."""
    for record in records:
        try:
            article = read_article(folders, record)
        except Exception:
            continue
        yield article


class RecordReader:
    """The reading half of a PassageIndex, over `_records` (by id) and `_extras`; the
    subclass opens them and says when they are not (`_require_open`)."""

    folders: Folders
    _records: dict[str, ManifestRecord]
    _extras: ExtrasStore

    def _require_open(self) -> None:
        raise NotImplementedError

    def manifest_records(self) -> list[ManifestRecord]:
        self._require_open()
        return sorted(self._records.values(), key=lambda r: r.file)

    def record(self, article_id: str) -> ManifestRecord:
        self._require_open()
        return find_record(self._records, article_id)

    def resolve_id(self, article_id: str) -> str:
        """Exact id, else file name, else a unique prefix of an id."""
        self._require_open()
        return resolve_id(self._records, article_id)

    def vocabulary(self) -> Vocabulary:
        """The corpus's real words and how many articles each is in."""
        self._require_open()
        return self._extras.sidecar.vocabulary()

    def raw_expressions(self, article_id: str) -> list[RawExpr]:
        """Read on demand. When the stored row is missing or unreadable (a manifest save
        that failed, a damaged file), they are extracted again from the article."""
        from index.text.temporal import extract_raw

        record = self.record(article_id)
        found = self._extras.expressions(article_id)
        if found is not None:
            return found
        try:
            article = read_article(self.folders, record)
            return extract_raw(article.text)
        except Exception:
            return []

    def articles_for_timeline(self) -> Iterator[Article]:
        """Every article, parsed afresh, one at a time. Not kept: the engine caches the
        timeline built from them, and holding every article would cost hundreds of MB at
        10k (so would a list of them)."""
        self._require_open()
        return readable_articles(self.folders, self.manifest_records())

    def article(self, article_id: str) -> Article:
        """The article as it is on disk now, under the id and place the index gave it."""
        record = self.record(article_id)
        try:
            return read_article(self.folders, record)
        except OSError as exc:
            raise ArticleNotFound(f"cannot read {record.file}: {exc.strerror or exc}") from exc
