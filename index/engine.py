"""The engine's one public entry point: `Engine` ties corpus, index, search and timeline.

Callers (CLI, TUI, benchmarks) construct an `Engine` cheaply, call `open()` (slow:
builds or updates the index; run it in a worker), then query it. Nothing here
imports Textual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import index.user.dates as user_dates
from index.cancel import Cancel, either
from index.corpus.articles import bundled_articles_dir, resolve_articles_dir
from index.errors import SummitError, TimelineCancelled
from index.models import (
    Article,
    DateAnchor,
    DateSource,
    Passage,
    SearchResult,
    TimeExpression,
    Timeline,
    UpdateReport,
)
from index.search.querylang import well_formed
from index.store.paths import corpus_data_dir, default_index_dir, fallback_index_dir
from index.store.processes import run_spawned
from index.timeline.cache import load_anchors, load_events, save_anchors, save_events
from index.user.data import Mark, UserData

if TYPE_CHECKING:
    from index.backend.base import PassageIndex, ProgressCallback

DATABASE_ENV = "SUMMIT_DATABASE_URL"
"""The environment variable naming the database, as --database does."""

TIMELINE_PROCESS_THRESHOLD = 500
"""From this many articles, the timeline is built in a child process (see
Engine._build_timeline_elsewhere); below, spawning one costs more than the build."""

_TIMELINE_MODULES = ("timeline/*.py", "text/*.py", "corpus/frontmatter.py", "models.py")
"""The code a cached timeline depends on (globs under index/): any change rebuilds it."""


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What lists show about an article, read from the index without opening its file."""

    id: str
    file: str
    title: str
    title_derived: bool
    place: str | None
    date: dt.date | None
    date_source: DateSource
    source: str | None
    paragraphs: int

    @property
    def source_label(self) -> str:
        return self.source or self.file


class Engine:
    """One corpus folder and its index."""

    def __init__(
        self,
        articles_dir: Path | str | None = None,
        index_dir: Path | str | None = None,
        *,
        today: dt.date | None = None,
        database: str | None = None,
    ) -> None:
        self.database = database or os.environ.get(DATABASE_ENV) or None
        """A PostgreSQL URL: the collection named after the articles folder is searched
        there (index.backend.postgres) instead of a whoosh index of the folder."""
        self.articles_dir: Path = (
            _collection_folder(articles_dir)
            if self.database and articles_dir is not None
            else resolve_articles_dir(articles_dir)
        )
        requested = (
            Path(index_dir).expanduser().resolve()
            if index_dir is not None
            else default_index_dir(self.articles_dir)
        )
        self.today = today
        self.is_bundled = self.articles_dir == bundled_articles_dir()
        self._requested_index_dir = requested
        self._index_dir_given = index_dir is not None
        self._store_instance: PassageIndex | None = None
        self._lock = threading.RLock()
        # one search at a time: a whoosh searcher and its caches are not made for
        # concurrent use, and the app's search workers can overlap (a cancelled thread
        # worker runs to its end)
        self._search_lock = threading.RLock()
        self._timeline: Timeline | None = None
        self._anchors: dict[str, DateAnchor] = {}
        self._anchors_known = False
        """Whether `_anchors` holds every article's date (else: none yet)."""
        self._loaded_version = ""
        """The index version the timeline and dates above belong to."""
        self._closing = threading.Event()
        """Set by close(): a timeline child still building is stopped."""

    @property
    def _store(self) -> PassageIndex:
        """Created on first use: the whoosh backend imports whoosh (~50–70 ms), which the app
        must not pay before its first frame (it opens the engine in a worker)."""
        if self._store_instance is None and self.database:
            from index.backend.postgres.store import PgIndex

            cache = self._requested_index_dir if self._index_dir_given else None
            self._store_instance = PgIndex(self.database, self.articles_dir, cache, self._closing)
        if self._store_instance is None:
            from index.backend.whoosh.store import IndexStore

            self._store_instance = IndexStore(
                self.articles_dir, self._requested_index_dir, self._search_lock, self._closing
            )
        return self._store_instance

    @property
    def user_data(self) -> UserData:
        """Saved searches and marks of this corpus (kept apart from the index)."""
        return UserData(corpus_data_dir(self.articles_dir))

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
        """Drop what was worked out for another state of the index. The cached dates
        are cheap to load (1 MB at 10k) and let the first hits carry inferred dates."""
        version = self._store.version
        if version == self._loaded_version:
            return
        self._loaded_version = version
        self._timeline = None
        cached = load_anchors(self._cache_dir, self._timeline_key())
        self._anchors, self._anchors_known = (cached, True) if cached else ({}, False)

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
                )

            # when the query as typed finds nothing: an unfinished last word, a
            # misspelling, or a sentence no passage holds whole (index/search/fallback.py)
            return fallback.answer(run, query, as_you_type=as_you_type)

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

    def anchors(self, cancel: Cancel | None = None) -> dict[str, DateAnchor]:
        """Every article's date by id. From the anchors cache when it is current, so a
        search never waits for the timeline's events; else built with the timeline."""
        with self._lock:
            if not self._anchors_known:
                cached = load_anchors(self._cache_dir, self._timeline_key())
                if cached is None:
                    self._ensure_timeline(cancel)
                else:
                    self._anchors, self._anchors_known = cached, True
            return self._anchors

    @property
    def dates_known(self) -> bool:
        """Whether every article's date is worked out (anchors() then never waits)."""
        return self._anchors_known

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
        from index.timeline.build import filter_timeline

        timeline = self._ensure_timeline(cancel)
        if article_id is not None:
            article_id = self.resolve_id(article_id)
        if start is None and end is None and article_id is None and not text:
            return timeline
        return filter_timeline(timeline, start=start, end=end, article_id=article_id, text=text)

    def time_expressions(self, article_id: str) -> list[TimeExpression]:
        """The article's time expressions resolved against its date (for the reader)."""
        from index.timeline.build import resolve_expressions

        article = self.get_article(article_id)
        anchor = self.anchors().get(article.id) or DateAnchor(
            article.id, article.file, None, "unknown", "no date found"
        )
        return resolve_expressions(article, self._store.raw_expressions(article.id), anchor)

    def set_user_date(self, article_id: str, date: dt.date | None) -> Article:
        """Set (None: clear) an article's date as the user's, kept with the index's user
        data (not in the article, and through `summit index --rebuild`)."""
        article = self.get_article(article_id)
        with self._lock:
            user_dates.set_user_date(self.index_dir, article.file, date)
            self._timeline = None
            cached = load_anchors(self.index_dir, self._timeline_key())
            self._anchors, self._anchors_known = (cached, True) if cached else ({}, False)
        return article

    def _anchors_so_far(self) -> dict[str, DateAnchor]:
        """The dates worked out so far, never waiting: until something asks for them
        (`anchors()` or the timeline: the app in a worker, the CLI before searching),
        hits carry the dates given in front matter only."""
        return self._anchors

    def _ensure_timeline(self, cancel: Cancel | None = None) -> Timeline:
        """The timeline: loaded from the cache (anchors and events, same key), else built
        and cached."""
        with self._lock:
            if self._timeline is None:
                key = self._timeline_key()
                cached = self._cached_timeline(key)
                stop = either(self._closing, cancel)
                if cached is None and self._build_timeline_elsewhere(key, stop):
                    cached = self._cached_timeline(key)
                if cached is None:
                    timeline, anchors = self._build_timeline(stop)
                    self._save_timeline(key, timeline)
                else:
                    timeline, anchors = cached
                self._timeline = timeline
                self._anchors, self._anchors_known = anchors, True
            return self._timeline

    def _cached_timeline(self, key: str) -> tuple[Timeline, dict[str, DateAnchor]] | None:
        folder = self._cache_dir
        anchors = self._anchors if self._anchors_known else load_anchors(folder, key)
        events = load_events(folder, key, anchors) if anchors is not None else None
        if anchors is None or events is None:
            return None
        return Timeline(tuple(anchors.values()), events), anchors

    def _save_timeline(self, key: str, timeline: Timeline) -> None:
        # anchors first: should the events fail to be written, searches still find
        # their dates cached
        folder = self._cache_dir
        with contextlib.suppress(OSError):  # a cache: never fatal
            folder.mkdir(parents=True, exist_ok=True)
        save_anchors(folder, key, timeline.anchors)
        save_events(folder, key, timeline)

    @property
    def _cache_dir(self) -> Path:
        """Where the timeline is cached: beside the index, or in this articles folder's
        fallback folder when the index folder is read-only (its index searched as it is),
        so the timeline is still built once, not on every run."""
        if os.access(self.index_dir, os.W_OK):
            return self.index_dir
        return fallback_index_dir(self.articles_dir, self.index_dir)

    def _build_timeline_elsewhere(self, key: str, stop: Cancel) -> bool:
        """Build and cache the timeline in a child process, for a corpus large enough to
        be worth it; True when the cache for `key` was written.

        In this process the build would hold the interpreter for as long as it takes
        (23 s at 10,000 articles: an app would answer keystrokes late and could not
        quit until it ended) and peak at several times the memory of the result,
        which is then read back from the cache."""
        if self.article_count() < TIMELINE_PROCESS_THRESHOLD:
            return False
        folders = (str(self.articles_dir), str(self.index_dir))
        arguments = (*folders, self.today, key, self.database)
        code = run_spawned(_build_timeline_cache, arguments, stop)
        if code is None:
            raise TimelineCancelled("the timeline was not built: it was stopped")
        return code == 0

    def _timeline_key(self) -> str:
        """Index version (build and generation) + today's date + the timeline code (its cache format
        included): a cached timeline is reused only when none of them changed."""
        today = self.today or dt.date.today()
        digest = hashlib.sha256(repr((self._store.version, today)).encode())
        digest.update(user_dates.fingerprint(self.index_dir))
        here = Path(__file__).resolve().parent
        for pattern in _TIMELINE_MODULES:
            for path in sorted(here.glob(pattern)):
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def _build_timeline(self, stop: Cancel) -> tuple[Timeline, dict[str, DateAnchor]]:
        from index.timeline.build import build_timeline_from

        if not self._store.is_open:
            raise SummitError("the index is not open yet")
        store = self._store
        # one article at a time, with its expressions: holding them all made the build
        # peak at 630 MB at 10k articles
        articles = (
            (a, store.raw_expressions(a.id)) for a in _until(stop, store.articles_for_timeline())
        )
        timeline = build_timeline_from(
            articles,
            today=self.today or dt.date.today(),
            user_dates=user_dates.load_user_dates(self.index_dir),
        )
        anchors: Sequence[DateAnchor] = timeline.anchors
        return timeline, {anchor.article_id: anchor for anchor in anchors}


def _build_timeline_cache(
    articles_dir: str, index_dir: str, today: dt.date | None, key: str, database: str | None
) -> None:
    """In a child process: build the timeline of the index as it is and cache it. Exits
    with 3 when the index is no longer the one the parent asked about."""
    engine = Engine(articles_dir, index_dir, today=today, database=database)
    if not engine.open_existing() or engine._timeline_key() != key:
        raise SystemExit(3)
    timeline, _ = engine._build_timeline(engine._closing)
    engine._save_timeline(key, timeline)


def _collection_folder(articles_dir: Path | str) -> Path:
    """With a database, --articles names a folder to load, or (on a machine without it)
    just the collection loaded from a folder of that name."""
    path = Path(articles_dir).expanduser()
    return path.resolve() if path.is_dir() else path


def _until(stop: Cancel, articles: Iterator[Article]) -> Iterator[Article]:
    """The articles, until `stop` is set: then TimelineCancelled (nothing is cached)."""
    for article in articles:
        if stop.is_set():
            raise TimelineCancelled("the timeline was not built: it was stopped")
        yield article
