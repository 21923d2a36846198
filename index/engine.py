"""The engine's one public entry point: `Engine` ties corpus, index, search and timeline.

Callers (CLI, TUI, benchmarks) construct an `Engine` cheaply, call `open()` (slow:
builds or updates the index; run it in a worker), then query it. Nothing here
imports Textual.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from index.cancel import Cancel
from index.corpus.files import bundled_articles_dir, resolve_articles_dir
from index.corpus.folders import Folders
from index.errors import SummitError
from index.models import (
    Article,
    ArticleSummary,
    DateAnchor,
    DateSource,
    Passage,
    SearchResult,
    TimeExpression,
    Timeline,
    UpdateReport,
)
from index.search.facets import FACET_HITS, Counted, Facets, count_facets, passages_of
from index.search.querylang import well_formed
from index.store.paths import corpus_data_dir, default_index_dir
from index.timeline.service import TimelineService
from index.user.data import Mark, UserData

if TYPE_CHECKING:
    from index.backend.base import PassageIndex, ProgressCallback

Folder = Path | str
"""An articles folder as callers give it."""

DATABASE_ENV = "SUMMIT_DATABASE_URL"
"""The environment variable naming the database, as --database does."""


class Engine:
    """One corpus folder and its index."""

    def __init__(
        self,
        articles_dir: Folder | Sequence[Folder] | None = None,
        index_dir: Path | str | None = None,
        *,
        today: dt.date | None = None,
        database: str | None = None,
    ) -> None:
        self.database = database or os.environ.get(DATABASE_ENV) or None
        """A PostgreSQL URL: the collection named after the articles folder(s) is searched
        there (index.backend.postgres) instead of a whoosh index of the folder(s)."""
        self.folders = _folders(articles_dir, database=bool(self.database))
        """The articles folder, or the folders searched together (index.corpus.folders)."""
        self.articles_dir: Path = self.folders.first
        """The articles folder (the first of several)."""
        requested = (
            Path(index_dir).expanduser().resolve()
            if index_dir is not None
            else default_index_dir(self.folders)
        )
        self.today = today
        self.is_bundled = self.folders.paths == (bundled_articles_dir(),)
        self._requested_index_dir = requested
        self._index_dir_given = index_dir is not None
        self._store_instance: PassageIndex | None = None
        self._lock = threading.RLock()
        # one search at a time: a whoosh searcher and its caches are not made for
        # concurrent use, and the app's search workers can overlap (a cancelled thread
        # worker runs to its end)
        self._search_lock = threading.RLock()
        self._closing = threading.Event()
        """Set by close(): a timeline child still building is stopped."""

    @property
    def _store(self) -> PassageIndex:
        """Created on first use: the whoosh backend imports whoosh (~50–70 ms), which the app
        must not pay before its first frame (it opens the engine in a worker)."""
        if self._store_instance is None and self.database:
            from index.backend.postgres.store import PgIndex

            cache = self._requested_index_dir if self._index_dir_given else None
            self._store_instance = PgIndex(self.database, self.folders, cache, self._closing)
        if self._store_instance is None:
            from index.backend.whoosh.store import IndexStore

            self._store_instance = IndexStore(
                self.folders, self._requested_index_dir, self._search_lock, self._closing
            )
        return self._store_instance

    @property
    def user_data(self) -> UserData:
        """Saved searches and marks of this corpus (kept apart from the index)."""
        return UserData(corpus_data_dir(self.folders))

    @property
    def index_dir(self) -> Path:
        """Where the index is: the requested folder, or the fallback one when that could
        neither be written nor searched as it is (open() says so in its warnings)."""
        return self._store.index_dir

    # -- lifecycle -----------------------------------------------------------------

    def open_existing(self) -> bool:
        """Open the index as it was left, without looking at the articles: fast, so the
        app can search while open() brings it up to date. False when there is none
        (or it is damaged, or from another version): then only open() opens it."""
        with self._lock:
            if not self._store.open_existing():
                return False
            self._follow_index_version()
            return True

    def open(
        self,
        progress: ProgressCallback | None = None,
        *,
        rebuild: bool = False,
        verify: bool = False,
        cancel: threading.Event | None = None,
    ) -> UpdateReport:
        """Create, repair or incrementally update the index; slow, run it off the UI
        thread. Searches may run meanwhile when open_existing() succeeded. With
        `verify`, every index file is checked first (index.store.integrity) and a damaged
        index is rebuilt. Setting `cancel` (a worker's cancelled event) stops a build in
        progress with IndexCancelled, the previous index kept."""
        with self._lock:
            report = self._store.sync(
                progress=progress, rebuild=rebuild, verify=verify, cancel=cancel
            )
            self._follow_index_version()
            return report

    def check_index(self) -> list[str]:
        """What is wrong with the index on disk (nothing is written): [] when whole."""
        with self._lock:
            return self._store.check()

    def _follow_index_version(self) -> None:
        """Drop the dates and timeline worked out for another state of the index."""
        self._timelines.follow(self._store.version)

    @property
    def is_open(self) -> bool:
        return self._store.is_open

    def close(self) -> None:
        """Release the index; a timeline being built in a child process is stopped."""
        self._closing.set()
        self._store.close()

    @property
    def warnings(self) -> list[str]:
        """Files skipped or decoded with a fallback during the last open()."""
        return list(self._store.warnings)

    # -- articles ------------------------------------------------------------------

    def article_count(self) -> int:
        """How many articles are indexed (cheap: no timeline; for `summit index`)."""
        return len(self._store.manifest_records())

    def articles(self, *, wait_for_dates: bool = True) -> list[ArticleSummary]:
        """Every article. Inferred dates need the timeline; with `wait_for_dates=False`
        the summaries carry the dates known so far (front matter until it is built)."""
        anchors = self.anchors() if wait_for_dates else self._anchors_so_far()
        summaries = []
        for record in self._store.manifest_records():
            anchor = anchors.get(record.id)
            summaries.append(
                ArticleSummary(
                    id=record.id,
                    file=record.file,
                    title=record.title,
                    title_derived=record.title_derived,
                    place=record.place,
                    date=anchor.date if anchor else record.parsed_date,
                    date_source=anchor.date_source
                    if anchor
                    else cast(DateSource, record.date_source),
                    source=record.source,
                    paragraphs=record.paragraphs,
                )
            )
        return summaries

    def folder_of(self, file: str) -> str | None:
        """Which folder a file (as results name it) is in, by its label; None when the
        corpus is one folder."""
        return self.folders.label_of(file)

    def path_of(self, file: str) -> Path:
        """The path of a file as results name it (for an editor or a pager)."""
        return self.folders.full(file)

    def resolve_id(self, article_id: str) -> str:
        """Exact id, else file name, else a unique id prefix (so `000` finds `000_…`)."""
        return self._store.resolve_id(article_id)

    def get_article(self, article_id: str) -> Article:
        """The article as it reads now (re-read, so text and offsets are current), under
        the id the index gave it."""
        return self._store.article(self.resolve_id(article_id))

    def marked_passages(self) -> list[tuple[Mark, Passage]]:
        """Each mark with its passage as the article reads now (oldest mark first).

        A whole-article mark comes with its first paragraph; a mark whose article or
        paragraph is gone is left out here (and kept, in case the file comes back)."""
        anchors = self.anchors()
        found: list[tuple[Mark, Passage]] = []
        for mark in self.user_data.marks():
            try:
                article = self.get_article(mark.article)
            except SummitError:
                continue
            index = mark.paragraph if mark.paragraph is not None else 0
            if index >= len(article.paragraphs):
                continue
            paragraph = article.paragraphs[index]
            anchor = anchors.get(article.id)
            passage = Passage(
                article_id=article.id,
                file=article.file,
                title=article.title,
                paragraph=paragraph.index,
                start=paragraph.start,
                end=paragraph.end,
                text=paragraph.text,
                score=0.0,
                rank=len(found) + 1,
                snippet=paragraph.text,
                highlights=(),
                place=article.place,
                date=anchor.date if anchor else article.date,
                source=article.source,
            )
            found.append((mark, passage))
        return found

    # -- search --------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        group_by_article: bool = False,
        as_you_type: bool = False,
    ) -> SearchResult:
        """Ranked passages for `query` (see README for the query language).

        `as_you_type` treats the last word as a prefix and skips slow extras.
        `group_by_article` keeps the best passage per article.
        """
        from index.search import fallback  # (imports whoosh: not before the first frame)

        # the one public entry: lone surrogates never reach a result a UI prints
        query = well_formed(query)
        with self._search_lock:
            searcher = self._store.searcher()

            def run(text: str, prefix_last: bool) -> SearchResult:
                return searcher.search(
                    text,
                    limit,
                    group_by_article=group_by_article,
                    as_you_type=prefix_last,
                    anchors=self.anchors,
                    shown_anchors=self._anchors_so_far,
                    collection_of=self.folders.collection_of,
                )

            # when the query as typed finds nothing: an unfinished last word, a
            # misspelling, or a sentence no passage holds whole (index/search/fallback.py)
            return fallback.answer(run, query, as_you_type=as_you_type)

    def facets(self, query: str) -> Facets:
        """How the query's best hits (up to FACET_HITS) spread over collections (when
        several folders are searched together), sources, places and months; each value
        carries the clause that filters on it."""
        result = self.search(query, FACET_HITS)
        summaries = {s.id: s for s in self.articles(wait_for_dates=False)}

        def copy(article_id: str) -> Counted | None:
            found = summaries.get(article_id)
            if found is None:
                return None
            return Counted(found.source, found.place, found.date, self.folder_of(found.file))

        passages = passages_of(result.hits, copy, self.folder_of)
        return count_facets(passages, complete=len(result.hits) < FACET_HITS)

    def similar(
        self, article_id: str, paragraph: int | None = None, limit: int = 10
    ) -> SearchResult:
        """Passages from other articles that share this passage's (or article's) key terms."""
        article_id = self.resolve_id(article_id)
        with self._search_lock:
            result = self._store.searcher().similar(
                article_id, paragraph, limit, anchors=self.anchors
            )
        if not result.searched:
            return result
        # the key terms are index forms ("declar", "defenc"): say them as the text does
        from index.search.highlight import words_as_written  # (imports whoosh)

        article = self.get_article(article_id)
        source = next((p.text for p in article.paragraphs if p.index == paragraph), article.text)
        words = words_as_written(source, result.searched.split())
        notes = tuple(
            f"key terms: {', '.join(words)}" if note.startswith("key terms: ") else note
            for note in result.notes
        )
        return replace(result, searched=" ".join(words), notes=notes)

    # -- timeline ------------------------------------------------------------------

    @functools.cached_property
    def _timelines(self) -> TimelineService:
        """The timeline and dates of this index (index.timeline.service)."""
        return TimelineService(
            lambda: self._store,
            self.folders,
            corpus_data_dir(self.folders),
            self.today,
            self._lock,
            self._closing,
            # the child opens the same backend: the database too, when there is one
            functools.partial(_build_timeline_cache, database=self.database),
        )

    def anchors(self, cancel: Cancel | None = None) -> dict[str, DateAnchor]:
        """Every article's date by id. From the anchors cache when it is current, so a
        search never waits for the timeline's events; else built with the timeline
        (setting `cancel` stops that build with TimelineCancelled)."""
        return self._timelines.anchors(cancel)

    @property
    def dates_known(self) -> bool:
        """Whether every article's date is worked out (anchors() then never waits)."""
        return self._timelines.dates_known

    def timeline(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        article_id: str | None = None,
        text: str | None = None,
        cancel: Cancel | None = None,
    ) -> Timeline:
        """The timeline (built on first use: slow, run it off the UI thread; setting
        `cancel` stops the build with TimelineCancelled), filtered as asked."""
        from index.timeline.output import filter_timeline

        timeline = self._timelines.timeline(cancel)
        if article_id is not None:
            article_id = self.resolve_id(article_id)
        if start is None and end is None and article_id is None and not text:
            return timeline
        return filter_timeline(timeline, start=start, end=end, article_id=article_id, text=text)

    def time_expressions(self, article_id: str) -> list[TimeExpression]:
        """The article's time expressions resolved against its date (for the reader)."""
        return self._timelines.time_expressions(self.get_article(article_id))

    def set_user_date(self, article_id: str, date: dt.date | None) -> Article:
        """Set (None: clear) an article's date as the user's, kept with the corpus's user
        data (never in the article, nor in the index: it survives the index's deletion)."""
        article = self.get_article(article_id)
        self._timelines.set_user_date(article.file, date)
        return article

    def _anchors_so_far(self) -> dict[str, DateAnchor]:
        """The dates worked out so far, never waiting: until something asks for them
        (`anchors()` or the timeline: the app in a worker, the CLI before searching),
        hits carry the dates given in front matter only."""
        return self._timelines.anchors_so_far()


def _build_timeline_cache(
    articles: tuple[str, ...],
    index_dir: str,
    today: dt.date | None,
    key: str,
    database: str | None = None,
) -> None:
    """In a child process: build the timeline of the index as it is and cache it. Exits
    with 3 when the index is no longer the one the parent asked about."""
    engine = Engine(articles, index_dir, today=today, database=database)
    if not engine.open_existing():
        raise SystemExit(3)
    engine._timelines.build_for_child(key)


def _folders(given: Folder | Sequence[Folder] | None, *, database: bool) -> Folders:
    """The corpus's folders, checked: the bundled articles when none is given."""
    items = [given] if isinstance(given, str | Path) else list(given or ())
    if not items:
        return Folders.of([bundled_articles_dir()])
    check = _collection_folder if database else resolve_articles_dir
    return Folders.of(check(item) for item in items)


def _collection_folder(articles_dir: Path | str) -> Path:
    """With a database, --articles names a folder to load, or (on a machine without it)
    just the collection loaded from a folder of that name."""
    path = Path(articles_dir).expanduser()
    return path.resolve() if path.is_dir() else path
