"""The explorer's session: the engine, the work done with it off the UI thread, and the
engine's state ("opening", then "ready" or "failed").

The UI thread never calls the engine for anything slow. Opening the index and following
the folder run in daemon threads (quitting in the middle of a first build must not wait
for them: the interpreter joins worker threads at exit); every other call runs in a
Textual thread worker started here, one exclusive group per kind of work, so a newer
request cancels the older one. Each piece of work returns the message that reports it
(tui.app.messages) and `outcome()` is the one place where a worker's end becomes that
message: its result, or, when the work raised, the message saying what failed.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from index.engine import Engine
from index.errors import SummitError
from index.models import (
    ArticleSummary,
    DateAnchor,
    Passage,
    SearchResult,
    TimeExpression,
    TimelineEvent,
)
from tui.app.messages import (
    ArticleLoaded,
    DateChanged,
    EngineOpened,
    EngineSearchable,
    FacetsCounted,
    FolderChanged,
    MarkedLoaded,
    Notice,
    OpenProgress,
    ReaderDated,
    SearchDone,
    SimilarDone,
    SourcesLoaded,
    TimelineLoaded,
)
from tui.app.widgets.reader_document import make_document
from tui.app.widgets.timeline_rows import source_choices
from tui.shapes import no_articles_message
from tui.textsafe import clean

EngineState = Literal["opening", "ready", "failed"]
Failure = Callable[[BaseException], Message]
"""What a piece of work reports when it raises: the message, from the exception."""


def error_text(exc: BaseException) -> str:
    """A one-line message for the user (engine errors are written for that)."""
    if isinstance(exc, SummitError):
        return clean(str(exc), single_line=True)
    if isinstance(exc, ImportError):
        return "not available yet in this build"
    return clean(f"{type(exc).__name__}: {exc}", single_line=True)


def _export_failed(target: Path) -> Failure:
    def failed(exc: BaseException) -> Message:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Notice(f"Cannot export to {target}: {reason}", title="Export",
                      severity="error", timeout=6)

    return failed


class Session:
    """The engine of one explorer and everything that runs against it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.state: EngineState = "opening"
        """"opening", then "ready" or "failed" (tests wait on it)."""
        self.searchable = False
        """The index can be searched (it may still be updating)."""
        self.summaries: list[ArticleSummary] = []
        """The articles, in the engine's order (palette, [ and ] in the reader)."""
        self._node: DOMNode | None = None
        self._failures: dict[Worker[Any], Failure] = {}
        """The running workers started here, with what each reports if it fails."""
        self._watch_stop: threading.Event | None = None
        self.marks: set[tuple[str, int | None]] = set()
        """(article id, paragraph index) of the marked passages; the results list and
        the reader share this set."""

    # -- where messages go ---------------------------------------------------------------

    def bind(self, node: DOMNode) -> None:
        """Run the workers on `node` (the main screen) and post the messages to it."""
        self._node = node

    def _post(self, message: Message) -> None:
        if self._node is not None:
            self._node.post_message(message)  # thread-safe

    def _run(self, group: str, work: Callable[[], Message], failed: Failure) -> None:
        assert self._node is not None, "bind() the session first"
        worker = self._node.run_worker(
            work, name=group, group=group, exclusive=True, thread=True, exit_on_error=False
        )
        self._failures[worker] = failed

    def outcome(self, worker: Worker[Any], state: WorkerState) -> Message | None:
        """The one place a worker's end is handled (the screen's Worker.StateChanged):
        its message, or what it reports on failure. None while it runs, when it was
        cancelled (a newer request of its group replaced it) or if it is not ours."""
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return None
        failed = self._failures.pop(worker, None)
        if failed is None or state is WorkerState.CANCELLED or worker.is_cancelled:
            return None  # (a cancelled worker may end in an error: the stop it was asked for)
        if state is WorkerState.ERROR:
            return failed(worker.error or RuntimeError("the work failed"))
        result = worker.result
        return result if isinstance(result, Message) else None

    def stop(self) -> None:
        """Stop following the folder and cancel the work still running."""
        if self._watch_stop is not None:
            self._watch_stop.set()
        for worker in list(self._failures):
            worker.cancel()

    # -- the engine's state ----------------------------------------------------------------

    def open(self) -> None:
        """Open (or build) the index in a daemon thread: the index on disk stays the
        previous one until a build commits, so stopping it half-way loses nothing."""
        self.state = "opening"
        threading.Thread(target=self._open, name="summit-open", daemon=True).start()

    def _open(self) -> None:
        engine = self.engine
        try:
            if engine.open_existing():
                self._post(EngineSearchable())
        except Exception:
            pass  # open() below meets the same problem and reports it
        try:
            report = engine.open(lambda done, total, what: self._post(
                OpenProgress(done, total, what)))
            if not engine.article_count():
                raise SummitError(no_articles_message(engine.folders))
        except Exception as exc:  # engine errors become a notification, never a crash
            self._post(EngineOpened(None, error_text(exc)))
            return
        # the dates the timeline infers arrive with it (the timeline refreshes them)
        self._post(EngineOpened(report, None, self._summaries()))

    def _summaries(self) -> list[ArticleSummary]:
        try:
            return self.engine.articles(wait_for_dates=False)
        except Exception:
            return []  # the palette and [ ] wait for the next update

    def became_searchable(self) -> None:
        self.searchable = True

    def record_open(self, message: EngineOpened) -> None:
        """The state after open(): an index that opened as it was left but could not be
        updated stays ready."""
        if message.error is None:
            self.summaries = message.summaries
            self.searchable = True
            self.state = "ready"
        else:
            self.state = "ready" if self.searchable else "failed"

    def follow_folder(self) -> None:
        """Once the index is open: watch the folder, and bring the index up to date after
        each burst of changes (FolderChanged)."""
        if self._watch_stop is not None:
            return
        self._watch_stop = threading.Event()
        threading.Thread(target=self._watch_folder, args=(self._watch_stop,),
                         name="summit-watch", daemon=True).start()

    def _watch_folder(self, stop: threading.Event) -> None:
        from index.corpus.watch import watch_folders

        engine = self.engine
        try:
            for _changed in watch_folders(engine.folders.paths, stop):
                try:
                    report = engine.open()
                    summaries = engine.articles(wait_for_dates=False)
                except Exception as exc:  # engine errors become a notification
                    self._post(EngineOpened(None, error_text(exc)))
                    continue
                if report.touched or report.rebuilt:
                    self._post(FolderChanged(report, summaries))
        except Exception:
            return  # a folder that cannot be watched: the index stays as it is

    # -- marks ----------------------------------------------------------------------------

    def load_marks(self) -> None:
        self.marks.clear()
        self.marks.update(m.key for m in self.engine.user_data.marks())

    def toggle_mark(self, article_id: str, paragraph: int) -> bool:
        """Mark or unmark a passage (kept in the user data at once); True if now marked."""
        marked = self.engine.user_data.toggle_mark(article_id, paragraph)
        if marked:
            self.marks.add((article_id, paragraph))
        else:
            self.marks.discard((article_id, paragraph))
        return marked

    # -- searches ---------------------------------------------------------------------------

    def search(self, query: str, *, as_you_type: bool, submitted: bool) -> None:
        def work() -> Message:
            result = self.engine.search(query, limit=30, as_you_type=as_you_type)
            return SearchDone(query, result, None, submitted)

        self._run("search", work,
                  lambda exc: SearchDone(query, None, error_text(exc), submitted))

    def _results_failed(self, exc: BaseException) -> Message:
        # said like a failed search (of the empty query: dropped if the user typed one)
        return SearchDone("", None, error_text(exc), True)

    def marked(self) -> None:
        def work() -> Message:
            return MarkedLoaded(tuple(p for _, p in self.engine.marked_passages()))

        self._run("search", work, self._results_failed)

    def similar(self, article_id: str, paragraph: int | None) -> None:
        self._run("search", lambda: SimilarDone(self.engine.similar(article_id, paragraph)),
                  self._results_failed)

    # -- the reader -------------------------------------------------------------------------

    def dates_of(self, article_id: str) -> tuple[DateAnchor | None, tuple[TimeExpression, ...]]:
        try:
            return self.engine.anchors().get(article_id), tuple(
                self.engine.time_expressions(article_id))
        except Exception:
            return None, ()  # the reader works without dates

    def article(
        self,
        article_id: str,
        result: SearchResult | None,
        *,
        paragraph: int | None = None,
        passage: Passage | None = None,
        focus: tuple[int, int] | None = None,
    ) -> None:
        """The article as the reader shows it after `result` (the results on screen)."""

        def work() -> Message:
            article = self.engine.get_article(article_id)
            # never wait for the timeline here (minutes for a large corpus): without the
            # dates the article shows at once, and they follow when the timeline is built
            dates = self.dates_of(article.id) if self.engine.dates_known else None
            document = make_document(article, dates, result, paragraph=paragraph,
                                      passage=passage, focus=focus)
            return ArticleLoaded(document, None)

        self._run("article", work, lambda exc: ArticleLoaded(None, error_text(exc)))

    def reader_dates(self, article_id: str) -> None:
        self._run("reader-dates", lambda: ReaderDated(article_id, *self.dates_of(article_id)),
                  lambda exc: ReaderDated(article_id, None, ()))

    def set_date(self, article_id: str, day: dt.date | None) -> None:
        """The date the user knows for an article, kept by the engine (`summit date`)."""

        def work() -> Message:
            self.engine.set_user_date(article_id, day)
            self.engine.anchors()  # worked out again, with the user's date first
            said = f"Date set by you: {day:%-d %B %Y}" if day else "Your date is forgotten"
            return DateChanged(article_id, day, said)

        self._run("set-date", work,
                  lambda exc: Notice(error_text(exc), severity="error", timeout=5))

    # -- the timeline -----------------------------------------------------------------------

    def timeline(self, article_id: str | None, text: str | None) -> None:
        def work() -> Message:
            # a newer request cancels this worker: its event stops the build (toolong's way)
            cancel = get_current_worker().cancelled_event
            timeline = self.engine.timeline(article_id=article_id, text=text, cancel=cancel)
            summaries = self.engine.articles()  # now with the inferred dates
            anchors = self.engine.anchors()
            return TimelineLoaded(tuple(timeline.events), None, summaries, anchors)

        self._run("timeline", work, lambda exc: TimelineLoaded(None, error_text(exc)))

    def sources(self, event: TimelineEvent) -> None:
        """Each source of `event` with its own sentence, to pick from."""

        def work() -> Message:
            summaries = {s.id: s for s in self.summaries}
            return SourcesLoaded(event, source_choices(event, self.engine.get_article,
                                                       summaries))

        self._run("sources", work, lambda exc: Notice(error_text(exc), title="Timeline",
                                                      severity="error", timeout=6))

    # -- export -----------------------------------------------------------------------------

    def facets(self, query: str) -> None:
        """Count the hits of `query` by source, place and month (one larger search)."""

        def work() -> Message:
            return FacetsCounted(query, self.engine.facets(query))

        self._run("facets", work,
                  lambda exc: Notice(error_text(exc), title="Facets", severity="error", timeout=5))

    def export_results(
        self, target: Path, fmt: str, result: SearchResult | None, heading: str | None
    ) -> None:
        def work() -> Message:
            from tui.export import export_search  # CSV, JSON: only when exporting

            if result is None:
                raise SummitError("nothing to export")
            target.write_text(export_search(result, fmt, heading=heading), encoding="utf-8")
            return self._exported(len(result.hits), target)

        self._run("export", work, _export_failed(target))

    def export_timeline(
        self, target: Path, fmt: str, article_id: str | None, text: str | None
    ) -> None:
        def work() -> Message:
            from tui.export import export_timeline

            events = self.engine.timeline(article_id=article_id, text=text)
            summaries = {s.id: s for s in self.engine.articles()}
            target.write_text(export_timeline(events, fmt, summaries), encoding="utf-8")
            return self._exported(len(events.events), target)

        self._run("export", work, _export_failed(target))

    @staticmethod
    def _exported(count: int, target: Path) -> Message:
        return Notice(f"Wrote {count} entries to {target}", title="Export", timeout=4)
