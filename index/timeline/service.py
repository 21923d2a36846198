"""The timeline and the articles' dates as the engine serves them.

Both are worked out from the whole index (slow: 23 s at 10,000 articles) and cached
beside it under one key (index version, today's date, the user's dates and the
timeline code), so a search never waits for them once they are known. A large corpus
builds them in a child process; a worker's cancel event (or the engine closing) stops
a build with TimelineCancelled, nothing cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import index.user.dates as user_dates
from index.cancel import Cancel, either
from index.corpus.folders import Folders
from index.errors import SummitError, TimelineCancelled
from index.models import Article, DateAnchor, TimeExpression, Timeline
from index.store.paths import fallback_index_dir
from index.store.processes import run_spawned
from index.timeline.cache import load_anchors, load_events, save_anchors, save_events

if TYPE_CHECKING:
    from index.backend.base import PassageIndex

TIMELINE_PROCESS_THRESHOLD = 500
"""From this many articles, the timeline is built in a child process (see
TimelineService.build_elsewhere); below, spawning one costs more than the build."""

_TIMELINE_MODULES = ("timeline/*.py", "text/*.py", "corpus/frontmatter.py", "models.py")
"""The code a cached timeline depends on (globs under index/): any change rebuilds it."""

ChildBuild = Callable[[str, str, "dt.date | None", str], None]
"""Builds and caches the timeline of (articles folders, index folder, today, key) in a
child process: the engine's, as only the engine knows how to open its index there."""


class TimelineService:
    """One index's timeline and dates: the cached ones, or built (and cached) on demand."""

    def __init__(
        self,
        store: Callable[[], PassageIndex],
        folders: Folders,
        data_dir: Path,
        today: dt.date | None,
        lock: threading.RLock,
        closing: threading.Event,
        child: ChildBuild,
    ) -> None:
        self._store = store
        """The index (made on first use by the engine: it imports its backend)."""
        self._folders = folders
        self._data_dir = data_dir
        """The corpus's user data folder: the dates the user set are kept there."""
        self._carried = False
        self._today = today
        self._lock = lock
        self._closing = closing
        self._child = child
        self._timeline: Timeline | None = None
        self._anchors: dict[str, DateAnchor] = {}
        self._anchors_known = False
        """Whether `_anchors` holds every article's date (else: none yet)."""
        self._loaded_version = ""
        """The index version the timeline and dates above belong to."""

    # -- what callers ask -------------------------------------------------------------

    def follow(self, version: str) -> None:
        """Drop what was worked out for another state of the index. The cached dates
        are cheap to load (1 MB at 10k) and let the first hits carry inferred dates."""
        if version == self._loaded_version:
            return
        self._loaded_version = version
        self._forget()

    def anchors(self, cancel: Cancel | None = None) -> dict[str, DateAnchor]:
        """Every article's date by id: from the anchors cache when it is current, so a
        search never waits for the timeline's events; else built with the timeline."""
        with self._lock:
            if not self._anchors_known:
                cached = load_anchors(self.cache_dir, self.key())
                if cached is None:
                    self.timeline(cancel)
                else:
                    self._anchors, self._anchors_known = cached, True
            return self._anchors

    @property
    def dates_known(self) -> bool:
        """Whether every article's date is worked out (anchors() then never waits)."""
        return self._anchors_known

    def anchors_so_far(self) -> dict[str, DateAnchor]:
        """The dates worked out so far, never waiting (front matter only until then)."""
        return self._anchors

    def timeline(self, cancel: Cancel | None = None) -> Timeline:
        """The timeline: loaded from the cache (anchors and events, same key), else built
        and cached."""
        with self._lock:
            if self._timeline is None:
                key = self.key()
                cached = self._cached(key)
                stop = either(self._closing, cancel)
                if cached is None and self.build_elsewhere(key, stop):
                    cached = self._cached(key)
                if cached is None:
                    timeline, anchors = self.build(stop)
                    self.save(key, timeline)
                else:
                    timeline, anchors = cached
                self._timeline = timeline
                self._anchors, self._anchors_known = anchors, True
            return self._timeline

    def time_expressions(self, article: Article) -> list[TimeExpression]:
        """The article's time expressions resolved against its date (for the reader)."""
        from index.timeline.resolve import resolve_expressions

        anchor = self.anchors().get(article.id) or DateAnchor(
            article.id, article.file, None, "unknown", "no date found"
        )
        return resolve_expressions(article, self._store().raw_expressions(article.id), anchor)

    def set_user_date(self, file: str, date: dt.date | None) -> None:
        """Set (None: clear) the user's date of the article in `file`; the dates are then
        worked out again (from the cache when one for the new dates exists)."""
        with self._lock:
            user_dates.set_user_date(self._dates_folder(), file, date)
            self._forget()

    def _dates_folder(self) -> Path:
        """Where the user's dates are kept; a file an earlier version left in the index
        folder is carried over first (once)."""
        if not self._carried:
            user_dates.carry_over(self._data_dir, self._store().index_dir)
            self._carried = True
        return self._data_dir

    # -- the cache ----------------------------------------------------------------------

    def _forget(self) -> None:
        self._timeline = None
        cached = load_anchors(self.cache_dir, self.key())
        self._anchors, self._anchors_known = (cached, True) if cached else ({}, False)

    @property
    def cache_dir(self) -> Path:
        """Where the timeline is cached: beside the index, or in this corpus's
        fallback folder when the index folder is read-only (its index searched as it is),
        so the timeline is still built once, not on every run."""
        index_dir = self._store().index_dir
        if os.access(index_dir, os.W_OK):
            return index_dir
        return fallback_index_dir(self._folders, index_dir)

    def key(self) -> str:
        """Index version (build and generation) + today's date + the user's dates + the
        timeline code (its cache format included): a cached timeline is reused only when
        none of them changed."""
        store = self._store()
        today = self._today or dt.date.today()
        digest = hashlib.sha256(repr((store.version, today)).encode())
        digest.update(user_dates.fingerprint(self._dates_folder()))
        here = Path(__file__).resolve().parent.parent
        for pattern in _TIMELINE_MODULES:
            for path in sorted(here.glob(pattern)):
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def _cached(self, key: str) -> tuple[Timeline, dict[str, DateAnchor]] | None:
        folder = self.cache_dir
        anchors = self._anchors if self._anchors_known else load_anchors(folder, key)
        events = load_events(folder, key, anchors) if anchors is not None else None
        if anchors is None or events is None:
            return None
        return Timeline(tuple(anchors.values()), events), anchors

    def save(self, key: str, timeline: Timeline) -> None:
        """Cache the timeline under `key`. Anchors first: should the events fail to be
        written, searches still find their dates cached."""
        folder = self.cache_dir
        with contextlib.suppress(OSError):  # a cache: never fatal
            folder.mkdir(parents=True, exist_ok=True)
        save_anchors(folder, key, timeline.anchors)
        save_events(folder, key, timeline)

    # -- building -------------------------------------------------------------------

    def build_elsewhere(self, key: str, stop: Cancel) -> bool:
        """Build and cache the timeline in a child process, for a corpus large enough to
        be worth it; True when the cache for `key` was written.

        In this process the build would hold the interpreter for as long as it takes
        (23 s at 10,000 articles: an app would answer keystrokes late and could not
        quit until it ended) and peak at several times the memory of the result,
        which is then read back from the cache."""
        store = self._store()
        if len(store.manifest_records()) < TIMELINE_PROCESS_THRESHOLD:
            return False
        articles = tuple(str(path) for path in self._folders.paths)
        code = run_spawned(self._child, (articles, str(store.index_dir), self._today, key), stop)
        if code is None:
            raise TimelineCancelled("the timeline was not built: it was stopped")
        return code == 0

    def build_for_child(self, key: str) -> None:
        """In a child process: build and cache the timeline of the index as it is. Exits
        with 3 when the index is no longer the one the parent asked about."""
        if self.key() != key:
            raise SystemExit(3)
        timeline, _ = self.build(self._closing)
        self.save(key, timeline)

    def build(self, stop: Cancel) -> tuple[Timeline, dict[str, DateAnchor]]:
        """The timeline and every article's date, built here (not cached)."""
        from index.timeline.build import build_timeline_from

        store = self._store()
        if not store.is_open:
            raise SummitError("the index is not open yet")
        # one article at a time, with its expressions: holding them all made the build
        # peak at 630 MB at 10k articles
        articles = (
            (a, store.raw_expressions(a.id)) for a in _until(stop, store.articles_for_timeline())
        )
        timeline = build_timeline_from(
            articles,
            today=self._today or dt.date.today(),
            user_dates=user_dates.load_user_dates(self._dates_folder()),
        )
        anchors: Sequence[DateAnchor] = timeline.anchors
        return timeline, {anchor.article_id: anchor for anchor in anchors}


def _until(stop: Cancel, articles: Iterator[Article]) -> Iterator[Article]:
    """The articles, until `stop` is set: then TimelineCancelled (nothing is cached)."""
    for article in articles:
        if stop.is_set():
            raise TimelineCancelled("the timeline was not built: it was stopped")
        yield article
