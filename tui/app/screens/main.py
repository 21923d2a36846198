"""The explorer's screen: header, search pane, reader, timeline, footer.

Layout (breakpoint classes set by Textual from the screen width):
- `-wide` (>= 120 columns): search pane on the left, reader or timeline on the right.
- `-narrow`: one pane at a time, switched with 1/2/3, Tab/Shift+Tab or the header tabs.

All engine calls run in thread workers; each posts a result message back (stale
search results are dropped by comparing their query with the query box).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList
from textual.worker import get_current_worker

from index.engine import ArticleSummary
from index.errors import SummitError
from index.models import (
    Article,
    DateAnchor,
    EventSource,
    Paragraph,
    Passage,
    SearchResult,
    TimeExpression,
    TimelineEvent,
    UpdateReport,
)
from tui.app.commands import bindings_for
from tui.app.external import (
    editor_argv,
    editor_command,
    file_line,
    pager_argv,
    pager_command,
    text_line,
)
from tui.app.screens.source_picker import (
    SourceChoice,
    SourcePicker,
    distinct_sources,
    source_choices,
)
from tui.app.widgets.app_header import AppHeader
from tui.app.widgets.pane_tabs import PANE_NAMES, PaneTab, PaneTabs
from tui.app.widgets.query_input import QueryInput
from tui.app.widgets.reader import MarkRequested, Reader, ReaderDocument, query_matches
from tui.app.widgets.search_pane import SearchPane
from tui.app.widgets.timeline_pane import TimelinePane
from tui.shapes import no_articles_message
from tui.textsafe import clean

if TYPE_CHECKING:
    from tui.app.app import SummitApp

Pane = Literal["search", "reader", "timeline"]
WIDE_COLUMNS = 120


@dataclass(frozen=True, slots=True)
class Location:
    """Where the user was, for `back`."""

    pane: str
    article_id: str | None = None
    paragraph: int | None = None


def error_text(exc: BaseException) -> str:
    """A one-line message for the user (engine errors are written for that)."""
    if isinstance(exc, SummitError):
        return clean(str(exc), single_line=True)
    if isinstance(exc, ImportError):
        return "not available yet in this build"
    return clean(f"{type(exc).__name__}: {exc}", single_line=True)


def _rank_of(passage: Passage | None, result: SearchResult | None) -> tuple[int, int] | None:
    """(1-based rank, number of hits) of `passage` in `result`, for the reader's header."""
    if passage is None or result is None:
        return None
    for rank, hit in enumerate(result.hits, 1):
        if (hit.article_id, hit.paragraph) == (passage.article_id, passage.paragraph):
            return rank, len(result.hits)
    return None


TIMELINE_DELAY = 1.0
"""Seconds after the index opens before the timeline loads (unless it is on screen)."""


class MainScreen(Screen[None]):
    """The explorer. App state lives here in reactives: pane, query, article_id."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]  # noqa: RUF012
    BINDINGS = bindings_for("screen")

    pane: reactive[str] = reactive("search")
    """The pane with focus (narrow: the only one shown)."""
    right_pane: reactive[str] = reactive("reader")
    """Wide layout: which of reader/timeline shares the screen with the search pane."""
    search_query: reactive[str] = reactive("")
    """The query whose results are shown."""
    article_id: reactive[str | None] = reactive(None)
    """The article in the reader."""

    # -- messages posted by workers -------------------------------------------------------

    class OpenProgress(Message):
        def __init__(self, done: int, total: int, message: str) -> None:
            super().__init__()
            self.done, self.total, self.message = done, total, message

    class EngineSearchable(Message):
        """The index as it was left is open: searches run while open() updates it."""

    @dataclass
    class FolderChanged(Message):
        """The watched folder changed and the index has been brought up to date."""

        report: UpdateReport
        summaries: list[ArticleSummary]

    class EngineOpened(Message):
        """open() finished: the index is up to date (or could not be opened)."""

        def __init__(
            self,
            report: UpdateReport | None,
            error: str | None,
            summaries: list[ArticleSummary] | None = None,
        ) -> None:
            super().__init__()
            self.report, self.error = report, error
            self.summaries = summaries or []

    class SearchDone(Message):
        def __init__(
            self, query: str, result: SearchResult | None, error: str | None, submitted: bool
        ) -> None:
            super().__init__()
            self.query, self.result, self.error, self.submitted = query, result, error, submitted

    class ArticleLoaded(Message):
        def __init__(self, document: ReaderDocument | None, error: str | None) -> None:
            super().__init__()
            self.document, self.error = document, error

    class TimelineLoaded(Message):
        def __init__(
            self,
            events: tuple[TimelineEvent, ...] | None,
            error: str | None,
            summaries: list[ArticleSummary] | None = None,
            anchors: dict[str, DateAnchor] | None = None,
        ) -> None:
            super().__init__()
            self.events, self.error, self.summaries = events, error, summaries
            self.anchors = anchors

    class ReaderDated(Message):
        def __init__(
            self, article_id: str, anchor: DateAnchor | None, times: tuple[TimeExpression, ...]
        ) -> None:
            super().__init__()
            self.article_id, self.anchor, self.times = article_id, anchor, times

    class SourcesLoaded(Message):
        def __init__(self, event: TimelineEvent, choices: list[SourceChoice]) -> None:
            super().__init__()
            self.event, self.choices = event, choices

    class SimilarDone(Message):
        def __init__(self, result: SearchResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self._trail: list[Location] = []
        self._pending_query: SearchPane.QueryRequested | None = None
        self._last_request: SearchPane.QueryRequested | None = None
        self._last_result: SearchResult | None = None
        self._timeline_error_shown = False
        self._timeline_requested = False
        self._query_had_focus = False
        self._early_keys: list[events.Key] | None = []
        """Keys typed before the query box was mounted (None once it is)."""
        self._open_error = ""
        self._watch_stop: threading.Event | None = None
        """Set to stop following the folder (on unmount)."""
        self.marks: set[tuple[str, int | None]] = set()
        """(article id, paragraph index) of the marked passages; the results list and
        the reader share this set."""
        self._marked_view = False
        self._search_before_marks: SearchResult | None = None

    @property
    def summit(self) -> SummitApp:
        return self.app  # type: ignore[return-value]

    # -- composition -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(self.summit.corpus_name)
        with Horizontal(id="workspace"):
            yield SearchPane(self.summit.history, id="search")
            yield Reader(id="reader")
            yield TimelinePane(id="timeline")
        yield Footer()

    @property
    def search_pane(self) -> SearchPane:
        return self.query_one(SearchPane)

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def timeline_pane(self) -> TimelinePane:
        return self.query_one(TimelinePane)

    @property
    def header(self) -> AppHeader:
        return self.query_one(AppHeader)

    @property
    def is_wide(self) -> bool:
        return self.has_class("-wide")

    def on_mount(self) -> None:
        self._apply_layout()
        query_input = self.search_pane.query_input
        query_input.focus()
        early_keys, self._early_keys = self._early_keys or [], None
        for key in early_keys:
            query_input.take_early_key(key)
        self.header.show_loading("opening the index…")
        self._load_marks()
        # after the first frame: opening holds the GIL for a while (JSON, whoosh) and
        # the user should see the UI at once
        self.call_after_refresh(self.open_engine)

    # -- layout -------------------------------------------------------------------------------

    def _apply_layout(self) -> None:
        for name in PANE_NAMES:
            self.set_class(self.pane == name, f"-pane-{name}")
        self.set_class(self.right_pane == "timeline", "-right-timeline")
        visible = {self.pane} if not self.is_wide else {"search", self.right_pane}
        self.header.query_one(PaneTabs).set_state(self.pane, visible)

    def watch_pane(self, pane: str) -> None:
        if pane in ("reader", "timeline"):
            self.right_pane = pane
        if pane == "timeline":
            self._load_timeline_once()
        self._apply_layout()

    def _load_timeline_once(self) -> None:
        """The first load of the timeline, whichever comes first: the pane is shown, or
        TIMELINE_DELAY passed after the index opened. Later loads follow the filters."""
        if self.summit.engine_ready and not self._timeline_requested:
            self._timeline_requested = True
            self.load_timeline()

    def watch_right_pane(self) -> None:
        self._apply_layout()

    def on_resize(self) -> None:
        # breakpoint classes are updated by Textual; refresh what depends on them
        self.call_after_refresh(self._apply_layout)

    def _pane_focus_target(self, pane: str) -> Widget:
        if pane == "search":
            results = self.search_pane.results
            return results if results.option_count else self.search_pane.query_input
        if pane == "reader":
            return self.reader
        return self.timeline_pane.timeline_list

    def action_show_pane(self, pane: str) -> None:
        if pane not in PANE_NAMES:
            return
        self.pane = pane
        self._apply_layout()
        self.call_after_refresh(self._pane_focus_target(pane).focus)

    def action_cycle_pane(self, delta: int) -> None:
        index = PANE_NAMES.index(self.pane) if self.pane in PANE_NAMES else 0
        self.action_show_pane(PANE_NAMES[(index + delta) % len(PANE_NAMES)])

    def action_focus_query(self) -> None:
        self.pane = "search"
        self._apply_layout()
        self.call_after_refresh(self.search_pane.query_input.focus)

    def take_early_key(self, event: events.Key) -> bool:
        """A key that arrived while nothing had focus yet: typed before the first frame
        (`ssh -t host summit`, then typing at once), it was meant for the query box.
        Kept until the box exists; True if taken."""
        if self._query_had_focus or not QueryInput.takes_early_key(event):
            return False
        if self._early_keys is None:
            return self.search_pane.query_input.take_early_key(event)
        self._early_keys.append(event)
        return True

    def on_descendant_focus(self, event: object) -> None:
        self.refresh_bindings()
        focused = self.focused
        if focused is None:
            return
        if focused is self.search_pane.query_input:
            self._query_had_focus = True
        for name, container in (
            ("search", self.search_pane),
            ("reader", self.reader),
            ("timeline", self.timeline_pane),
        ):
            if focused is container or container in focused.ancestors:
                if self.pane != name:
                    self.pane = name
                break

    # Printable keys are text in the query box: hide (and disable) their screen bindings there.
    _TYPING_ACTIONS = frozenset({"focus_query", "show_pane", "help", "quit", "show_marked",
                                 "export"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self._TYPING_ACTIONS and isinstance(self.focused, Input))

    def action_help(self) -> None:
        self.summit.action_help()

    def action_quit(self) -> None:
        self.app.exit(0)

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    @on(PaneTab.Clicked)
    def _tab_clicked(self, event: PaneTab.Clicked) -> None:
        self.action_show_pane(event.pane)

    # -- back -----------------------------------------------------------------------------------

    def _here(self) -> Location:
        return Location(self.pane, self.article_id, self.reader.current_paragraph)

    def _push_location(self) -> None:
        here = self._here()
        if not self._trail or self._trail[-1] != here:
            self._trail.append(here)
        del self._trail[:-50]

    def action_back(self) -> None:
        if self._marked_view and self.pane == "search":
            self.leave_marked_view()
            return
        if not self._trail:
            if self.pane != "search":
                self.action_show_pane("search")
            else:
                self.app.bell()
            return
        location = self._trail.pop()
        if location.pane == "reader" and location.article_id and (
            location.article_id != self.article_id
            or location.paragraph != self.reader.current_paragraph
        ):
            self.load_article(location.article_id, paragraph=location.paragraph)
        self.action_show_pane(location.pane)

    # -- engine: open -----------------------------------------------------------------------

    def open_engine(self) -> None:
        """Open (or build) the index in a daemon thread, not a Textual worker: quitting
        in the middle of a first build must not wait for it (the interpreter joins
        worker threads at exit). The index on disk stays the previous one until a
        build commits, so stopping it half-way loses nothing."""
        threading.Thread(target=self._open_engine, name="summit-open", daemon=True).start()

    def _open_engine(self) -> None:
        engine = self.summit.engine

        def progress(done: int, total: int, message: str) -> None:
            self.post_message(self.OpenProgress(done, total, message))

        try:
            if engine.open_existing():
                self.post_message(self.EngineSearchable())
        except Exception:
            pass  # open() below meets the same problem and reports it
        try:
            report = engine.open(progress)
            if not engine.article_count():
                raise SummitError(no_articles_message(engine.articles_dir))
        except Exception as exc:  # engine errors become a notification, never a crash
            self.post_message(self.EngineOpened(None, error_text(exc)))
            return
        try:
            # the dates the timeline infers arrive with it (load_timeline refreshes them)
            summaries = engine.articles(wait_for_dates=False)
        except Exception:
            summaries = []
        self.post_message(self.EngineOpened(report, None, summaries))

    def on_main_screen_open_progress(self, message: OpenProgress) -> None:
        self.header.set_progress(message.done, message.total, message.message)

    def on_main_screen_engine_searchable(self) -> None:
        self.summit.engine_ready = True
        self._run_pending_query()

    def _run_pending_query(self) -> None:
        pending, self._pending_query = self._pending_query, None
        if pending is not None and pending.query == self.search_pane.query_text:
            self.run_search(pending.query, pending.as_you_type, pending.submitted)

    def on_main_screen_engine_opened(self, message: EngineOpened) -> None:
        if message.error is not None:
            if self.summit.engine_ready:  # the index as it was left stays searchable
                self.summit.engine_state = "ready"
                self.header.set_counts(None, None)
                self.notify(message.error, title="Cannot update the index", severity="error",
                            timeout=10, markup=False)
            else:
                self._open_failed(message.error)
            return
        summaries = self.summit.article_summaries = message.summaries
        searched_before = self.summit.engine_ready
        self.summit.engine_ready = True
        self.summit.engine_state = "ready"
        self.header.set_counts(
            len(summaries) if summaries else None,
            sum(s.paragraphs for s in summaries) if summaries else None,
        )
        report = message.report
        for warning in (report.warnings if report else [])[:3]:
            self.notify(clean(warning, single_line=True), title="Index", severity="warning",
                        timeout=8, markup=False)
        self._run_pending_query()
        self._follow_folder()
        last = self._last_request
        updated = report is not None and (report.touched > 0 or report.rebuilt)
        if searched_before and updated and last and last.query == self.search_pane.query_text:
            # the results on screen came from the index before this update
            self.run_search(last.query, last.as_you_type, submitted=False)
        if self.pane == "timeline":
            self._load_timeline_once()
        else:
            # a moment later: loading the timeline competes for the interpreter with
            # the first search, and the first results matter more
            self.set_timer(TIMELINE_DELAY, self._load_timeline_once)

    # -- engine: follow the folder ------------------------------------------------------------

    def _follow_folder(self) -> None:
        """Once the index is open: watch the folder, and bring the index up to date after
        each burst of changes, with a quiet notice and the query on screen run again."""
        if self._watch_stop is not None:
            return
        self._watch_stop = threading.Event()
        threading.Thread(target=self._watch_folder, name="summit-watch", daemon=True).start()

    def _watch_folder(self) -> None:
        from index.watch import watch_folder

        engine, stop = self.summit.engine, self._watch_stop
        assert stop is not None
        try:
            for _changed in watch_folder(engine.articles_dir, stop):
                try:
                    report = engine.open()
                    summaries = engine.articles(wait_for_dates=False)
                except Exception as exc:  # engine errors become a notification
                    self.post_message(self.EngineOpened(None, error_text(exc)))
                    continue
                if report.touched or report.rebuilt:
                    self.post_message(self.FolderChanged(report, summaries))
        except Exception:
            return  # a folder that cannot be watched: the index stays as it is

    def on_main_screen_folder_changed(self, message: FolderChanged) -> None:
        report = message.report
        parts = [
            f"{count} {what}"
            for count, what in (
                (report.added, "added"),
                (report.changed, "changed"),
                (report.removed, "removed"),
            )
            if count
        ]
        self.notify(
            f"Articles {', '.join(parts) or 'updated'}: the index follows the folder",
            timeout=4,
            markup=False,
        )
        self.post_message(self.EngineOpened(report, None, message.summaries))
        if self._timeline_requested:  # shown before: show it as the folder is now
            self.load_timeline()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    def _open_failed(self, error: str) -> None:
        """One state, said the same way by the header and the search pane, with F5."""
        self.summit.engine_state = "failed"
        self._open_error = error
        self.header.set_failed()
        self._show_open_failure()

    def _show_open_failure(self) -> None:
        self.search_pane.set_status(
            f"Cannot open the index: {self._open_error} · F5: try again", classes="-error"
        )

    def action_retry_open(self) -> None:
        if self.summit.engine_state != "failed":
            self.notify("The index is not in trouble: nothing to retry", timeout=3)
            return
        self.summit.engine_state = "opening"
        self.header.show_loading("opening the index…")
        self.search_pane.set_status("The index is opening; results will follow…")
        self.open_engine()

    # -- engine: search ---------------------------------------------------------------------

    @on(SearchPane.QueryRequested)
    def _query_requested(self, event: SearchPane.QueryRequested) -> None:
        self._last_request = event
        if not self.summit.engine_ready:
            self._pending_query = event
            if self.summit.engine_state == "failed":
                self._show_open_failure()
            else:
                self.search_pane.set_status("The index is opening; results will follow…")
            return
        self.run_search(event.query, event.as_you_type, event.submitted)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, as_you_type: bool, submitted: bool) -> None:
        worker = get_current_worker()
        try:
            result = self.summit.engine.search(query, limit=30, as_you_type=as_you_type)
        except Exception as exc:
            if not worker.is_cancelled:
                self.post_message(self.SearchDone(query, None, error_text(exc), submitted))
            return
        if not worker.is_cancelled:
            self.post_message(self.SearchDone(query, result, None, submitted))

    def on_main_screen_search_done(self, message: SearchDone) -> None:
        if message.query != self.search_pane.query_text:
            return  # stale: the user typed on
        if message.result is None:
            self.search_pane.set_status(f"Search failed: {message.error}", classes="-error")
            self.notify(message.error or "search failed", title="Search", severity="error",
                        timeout=6, markup=False)
            return
        result = message.result
        self._marked_view, self._search_before_marks = False, None  # a new search leaves it
        self._last_result = result
        self.search_query = message.query
        self.search_pane.show_result(result)
        if result.error and message.submitted:
            self.notify(clean(result.error, single_line=True), title="Query",
                        severity="warning", timeout=6, markup=False)

    def watch_search_query(self, query: str) -> None:
        timeline = self.timeline_pane
        timeline.query_text = query
        if timeline.query_filter and self.summit.engine_ready:
            self.load_timeline()

    # -- engine: articles -------------------------------------------------------------------

    def open_passage(self, passage: Passage) -> None:
        self._push_location()
        self.summit.history.add(self.search_pane.query_text)
        self.load_article(passage.article_id, paragraph=passage.paragraph, passage=passage)
        self.action_show_pane("reader")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Wide layout: the reader previews the highlighted result (no focus change)."""
        results = self.search_pane.results
        if event.option_list is not results or not self.is_wide or self.right_pane != "reader":
            return
        passage = results.current_passage
        if passage is not None and self.focused is results:
            self.load_article(passage.article_id, paragraph=passage.paragraph, passage=passage)

    def on_results_list_passage_chosen(self, message: object) -> None:
        passage: Passage = message.passage  # type: ignore[attr-defined]
        self.open_passage(passage)

    def open_article(self, article_id: str, *, paragraph: int | None = None) -> None:
        self._push_location()
        self.load_article(article_id, paragraph=paragraph)
        self.action_show_pane("reader")

    @work(thread=True, exclusive=True, group="article")
    def load_article(
        self,
        article_id: str,
        *,
        paragraph: int | None = None,
        passage: Passage | None = None,
        focus: tuple[int, int] | None = None,
    ) -> None:
        engine = self.summit.engine
        try:
            article = engine.get_article(article_id)
        except Exception as exc:
            self.post_message(self.ArticleLoaded(None, error_text(exc)))
            return
        # never wait for the timeline here (minutes for a large corpus): without the
        # dates the article shows at once, and they follow when the timeline is built
        dated = engine.dates_known
        anchor, times = self._dates_of(article.id) if dated else (None, ())
        result = self._last_result
        hits: list[Passage] = list(result.hits) if result else []
        terms: list[str] = []
        for hit in hits:
            if hit.article_id == article.id:
                terms.extend(hit.matched_terms)
        if passage is not None:
            hits.append(passage)
            terms.extend(passage.matched_terms)
        matches = query_matches(article, hits, terms) if (result or passage) else ()
        if focus is not None and focus not in matches:
            matches = tuple(sorted({*matches, focus}))
        document = ReaderDocument(
            article=article,
            anchor=anchor,
            times=times,
            matches=matches,
            paragraph=paragraph,
            focus=focus,
            query=result.query if result else "",
            dated=dated,
            result_position=_rank_of(passage, result),
        )
        self.post_message(self.ArticleLoaded(document, None))

    def _dates_of(self, article_id: str) -> tuple[DateAnchor | None, tuple[TimeExpression, ...]]:
        engine = self.summit.engine
        try:
            return engine.anchors().get(article_id), tuple(engine.time_expressions(article_id))
        except Exception:
            return None, ()  # the reader works without dates

    @work(thread=True, exclusive=True, group="reader-dates")
    def load_reader_dates(self, article_id: str) -> None:
        self.post_message(self.ReaderDated(article_id, *self._dates_of(article_id)))

    def on_main_screen_reader_dated(self, message: ReaderDated) -> None:
        self.reader.show_dates(message.article_id, message.anchor, message.times)

    def _date_the_reader(self) -> None:
        """The reader shows an article without its dates: fetch them if they are known,
        else make sure the timeline that works them out is on its way."""
        doc = self.reader.document
        if doc is None or doc.dated:
            return
        if self.summit.engine.dates_known:
            self.load_reader_dates(doc.article.id)
        else:
            self._load_timeline_once()

    async def on_main_screen_article_loaded(self, message: ArticleLoaded) -> None:
        if message.document is None:
            self.notify(message.error or "cannot open the article", title="Reader",
                        severity="error", timeout=6, markup=False)
            return
        self.article_id = message.document.article.id
        await self.reader.show_document(message.document)
        self._date_the_reader()

    @on(Reader.StepArticle)
    def _step_article(self, event: Reader.StepArticle) -> None:
        ids = [s.id for s in self.summit.article_summaries]
        if not ids:
            self.notify("The article list is not available yet", severity="warning", timeout=3)
            return
        index = ids.index(self.article_id) if self.article_id in ids else -1
        new = index + event.delta
        if not 0 <= new < len(ids):
            self.notify("No more articles that way", timeout=2)
            return
        self.load_article(ids[new])

    @on(Reader.PagerRequested)
    def _pager(self, event: Reader.PagerRequested) -> None:
        self.open_in_pager(event.article, event.paragraph)

    def open_in_pager(self, article: Article, paragraph: Paragraph | None = None) -> None:
        if not self.summit.policy.allows("run_external"):  # the gate already said why
            return
        command = pager_command(self.summit.config.pager, os.environ)
        if not command:
            self.notify("No pager: set $PAGER or install less", severity="warning",
                        timeout=5, markup=False)
            return
        # The article's text made inert, on stdin: no escape sequence reaches the terminal
        # (even with less -R) and no LESSOPEN preprocessor runs on the file.
        inert = clean(article.text).encode("utf-8", errors="replace")
        # stdin holds the text the offsets refer to (also for HTML): open at the passage
        line = text_line(article.text, paragraph.start) if paragraph is not None else 1
        try:
            with self.app.suspend():
                subprocess.run(pager_argv(command, line), input=inert, check=False)
        except SuspendNotSupported:
            self.notify("Cannot open a pager in this session (e.g. over SSH)",
                        severity="warning", timeout=5)
        except OSError as exc:
            self.notify(f"Pager failed: {exc}", severity="error", timeout=5, markup=False)

    @on(Reader.SimilarRequested)
    def _similar(self, event: Reader.SimilarRequested) -> None:
        self.run_similar(event.article_id, event.paragraph)

    @work(thread=True, exclusive=True, group="search")
    def run_similar(self, article_id: str, paragraph: int | None) -> None:
        try:
            result = self.summit.engine.similar(article_id, paragraph)
        except Exception as exc:
            self.post_message(self.SearchDone("", None, error_text(exc), True))
            return
        self.post_message(self.SimilarDone(result))

    def on_main_screen_similar_done(self, message: SimilarDone) -> None:
        self._last_result = message.result
        pane = self.search_pane
        pane.results.show_result(message.result)
        pane.set_status(pane.describe(message.result).append("  (similar passages)"))
        self.action_show_pane("search")
        pane.focus_results()

    # -- engine: timeline -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="timeline")
    def load_timeline(self) -> None:
        pane = self.timeline_pane
        text = pane.query_text if pane.query_filter else None
        try:
            timeline = self.summit.engine.timeline(article_id=pane.article_filter, text=text)
            summaries = self.summit.engine.articles()  # now with the inferred dates
            anchors = self.summit.engine.anchors()
        except Exception as exc:
            self.post_message(self.TimelineLoaded(None, error_text(exc)))
            return
        self.post_message(self.TimelineLoaded(tuple(timeline.events), None, summaries, anchors))

    def on_main_screen_timeline_loaded(self, message: TimelineLoaded) -> None:
        pane = self.timeline_pane
        if message.events is None:
            pane.show_error(message.error or "unknown error")
            doc = self.reader.document
            if doc is not None and not doc.dated:  # no dates will come: stop saying so
                self.reader.show_dates(doc.article.id, None, ())
            if not self._timeline_error_shown:
                self._timeline_error_shown = True
                self.notify(f"Timeline unavailable: {message.error}", severity="warning",
                            timeout=6, markup=False)
            return
        if message.summaries:
            self.summit.article_summaries = message.summaries
        pane.show_events(message.events)
        if message.anchors:
            self.search_pane.results.redate(message.anchors)
        self._date_the_reader()

    @on(TimelinePane.FiltersChanged)
    def _filters_changed(self) -> None:
        if self.summit.engine_ready:
            self.load_timeline()

    @on(Reader.TimelineRequested)
    def _article_timeline(self, event: Reader.TimelineRequested) -> None:
        self._push_location()
        self.timeline_pane.filter_article(event.article_id)
        self.action_show_pane("timeline")

    def on_timeline_list_entry_chosen(self, message: object) -> None:
        source: EventSource = message.source  # type: ignore[attr-defined]
        event: TimelineEvent = message.event  # type: ignore[attr-defined]
        if len(distinct_sources(event)) > 1:
            self.load_source_choices(event)  # each source's own sentence, to pick from
            return
        self.open_source(source)

    def open_source(self, source: EventSource | None) -> None:
        if source is None:
            return
        self._push_location()
        self.load_article(source.article_id, focus=(source.start, source.end))
        self.action_show_pane("reader")

    @work(thread=True, exclusive=True, group="sources")
    def load_source_choices(self, event: TimelineEvent) -> None:
        summaries = {s.id: s for s in self.summit.article_summaries}
        choices = source_choices(event, self.summit.engine.get_article, summaries)
        self.post_message(self.SourcesLoaded(event, choices))

    def on_main_screen_sources_loaded(self, message: SourcesLoaded) -> None:
        title = f"Reported by {len(message.choices)} sources: which one to open?"
        self.app.push_screen(SourcePicker(title, message.choices), self.open_source)

    # -- history picker -----------------------------------------------------------------------

    def action_query_history(self) -> None:
        from tui.app.screens.history_picker import HistoryPicker

        def chosen(query: str | None) -> None:
            if query:
                box = self.search_pane.query_input
                box.value = query
                box.cursor_position = len(query)
                box.focus()

        self.app.push_screen(
            HistoryPicker(self.summit.history.matching(self.search_pane.query_text)
                          or self.summit.history.matching("")),
            chosen,
        )

    # -- the editor -----------------------------------------------------------------------

    @on(Reader.EditorRequested)
    def _editor(self, event: Reader.EditorRequested) -> None:
        self.open_in_editor(event.article, event.paragraph)

    def open_in_editor(self, article: Article, paragraph: Paragraph | None) -> None:
        """The article's file in the user's editor, at the paragraph's line."""
        if not self.summit.policy.allows("run_external"):  # the gate already said why
            return
        path = self.summit.engine.articles_dir / article.file
        argv = editor_argv(editor_command(self.summit.config.editor, os.environ), path,
                           file_line(article, paragraph))
        try:
            with self.app.suspend():
                subprocess.run(argv, check=False)
        except SuspendNotSupported:
            self.notify("Cannot open an editor in this session (e.g. over SSH)",
                        severity="warning", timeout=5)
        except OSError as exc:
            self.notify(f"Editor failed ({argv[0]}): {exc.strerror or exc}", severity="error",
                        timeout=5, markup=False)

    # -- marks ----------------------------------------------------------------------------

    def _load_marks(self) -> None:
        self.marks.clear()
        self.marks.update(m.key for m in self.summit.engine.user_data.marks())
        self.search_pane.results.marks = self.marks
        self.reader.marks = self.marks

    @on(MarkRequested)
    def _toggle_mark(self, event: MarkRequested) -> None:
        try:
            marked = self.summit.engine.user_data.toggle_mark(event.article_id, event.paragraph)
        except SummitError as exc:
            self.notify(error_text(exc), title="Marks", severity="error", timeout=5,
                        markup=False)
            return
        key = (event.article_id, event.paragraph)
        if marked:
            self.marks.add(key)
        else:
            self.marks.discard(key)
        self.search_pane.results.refresh_marks()
        self.reader.refresh()
        what = f"¶{event.paragraph + 1}"
        self.notify(f"Marked {what}" if marked else f"Unmarked {what}", timeout=2)

    def action_show_marked(self) -> None:
        """The marked passages in the results list; again (or Backspace) goes back."""
        if self._marked_view:
            self.leave_marked_view()
            return
        if not self.summit.engine_ready:
            self.notify("The index is still opening", severity="warning", timeout=3)
            return
        self.load_marked()

    @work(thread=True, exclusive=True, group="search")
    def load_marked(self) -> None:
        try:
            passages = tuple(p for _, p in self.summit.engine.marked_passages())
        except Exception as exc:
            self.post_message(self.SearchDone("", None, error_text(exc), True))
            return
        self.post_message(self.MarkedLoaded(passages))

    class MarkedLoaded(Message):
        def __init__(self, passages: tuple[Passage, ...]) -> None:
            super().__init__()
            self.passages = passages

    def on_main_screen_marked_loaded(self, message: MarkedLoaded) -> None:
        if not self._marked_view:
            self._search_before_marks = self._last_result
        self._marked_view = True
        count = len(message.passages)
        result = SearchResult("", "", count, False, message.passages)
        self._last_result = result
        pane = self.search_pane
        pane.results.show_result(result)
        noun = "passage" if count == 1 else "passages"
        pane.set_status(f"Marked passages: {count} {noun} · M or Backspace: back to the search")
        self.action_show_pane("search")
        pane.focus_results()

    def leave_marked_view(self) -> None:
        self._marked_view = False
        previous, self._search_before_marks = self._search_before_marks, None
        self._last_result = previous
        pane = self.search_pane
        if previous is None:
            pane.results.clear_results()
            pane.set_status("")
        else:
            pane.show_result(previous)
        if not pane.results.option_count:
            pane.query_input.focus()

    # -- saved searches --------------------------------------------------------------------

    def action_set_date(self) -> None:
        """The reader's `D`: the date the user knows, kept by the engine (`summit date`)."""
        from tui.app.screens.prompt import PromptScreen

        article_id = self.article_id
        if article_id is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        doc = self.reader.document
        anchor = doc.anchor if doc is not None else None
        current = anchor.date.isoformat() if anchor and anchor.date else ""

        def answered(answer: str | None) -> None:
            if answer is None:
                return
            if answer.lower() == "clear":
                self._set_date(article_id, None)
                return
            try:
                day = dt.date.fromisoformat(answer)
            except ValueError:
                self.notify(f"Not a date: {answer!r} (use YYYY-MM-DD, or 'clear')",
                            severity="warning", timeout=4, markup=False)
                return
            self._set_date(article_id, day)

        self.app.push_screen(
            PromptScreen("The date of this article:", value=current,
                         hint="YYYY-MM-DD, or 'clear' to let the articles decide"),
            answered,
        )

    @work(thread=True, exclusive=True, group="set-date")
    def _set_date(self, article_id: str, day: dt.date | None) -> None:
        engine = self.summit.engine
        try:
            engine.set_user_date(article_id, day)
            engine.anchors()  # worked out again, with the user's date first
        except SummitError as exc:
            self.app.call_from_thread(self.notify, error_text(exc), severity="error",
                                      timeout=5, markup=False)
            return
        said = f"Date set by you: {day:%-d %B %Y}" if day else "Your date is forgotten"
        self.app.call_from_thread(self._date_changed, article_id, said)

    def _date_changed(self, article_id: str, said: str) -> None:
        self.notify(said, timeout=3, markup=False)
        if self.article_id == article_id:
            self.load_article(article_id, paragraph=self.reader.current_paragraph)
        if self._timeline_requested:
            self.load_timeline()

    def action_save_search(self) -> None:
        from tui.app.screens.prompt import PromptScreen

        query = self.search_pane.query_text.strip()
        if not query:
            self.notify("Type a query first, then save it", severity="warning", timeout=3)
            return

        def named(name: str | None) -> None:
            if not name:
                return
            try:
                entry = self.summit.engine.user_data.save_search(name, query)
            except SummitError as exc:
                self.notify(error_text(exc), title="Saved searches", severity="error",
                            timeout=5, markup=False)
                return
            self.notify(f"Saved as {entry.name!r}: {entry.query}", title="Saved searches",
                        timeout=3, markup=False)

        self.app.push_screen(
            PromptScreen(f"Save the search {query!r} as:", hint="a name"), named
        )

    def action_saved_searches(self) -> None:
        from tui.app.screens.history_picker import Picker

        saved = self.summit.engine.user_data.saved_searches()
        if not saved:
            self.notify("No saved searches yet (Ctrl+S saves the current query)", timeout=4)
            return
        entries = [(f"{s.name} — {s.query}", s.query) for s in reversed(saved)]
        self.app.push_screen(Picker("Saved searches (newest first)", entries),
                             self.run_query)

    def run_query(self, query: str | None) -> None:
        """Put `query` in the box and search it, as if typed and submitted."""
        if not query:
            return
        box = self.search_pane.query_input
        box.value = query
        box.cursor_position = len(query)
        self.action_focus_query()
        self.summit.history.add(query)

    # -- export ------------------------------------------------------------------------------

    def action_export(self) -> None:
        from tui.app.screens.prompt import PromptScreen

        if not self.summit.policy.allows("write_file"):  # the gate already said why
            return
        if self.pane == "timeline":
            what, formats = "the timeline", ".md, .csv, .jsonl or .json (TimelineJS)"
        elif self._marked_view:
            what, formats = "the marked passages", ".md, .csv or .jsonl"
        elif self.search_pane.results.result is not None:
            what, formats = "the results", ".md, .csv or .jsonl"
        else:
            self.notify("Nothing to export yet: search first (or M for the marked passages)",
                        severity="warning", timeout=4)
            return
        timeline = self.pane == "timeline"

        def named(answer: str | None) -> None:
            if not answer:
                return
            target = Path(answer).expanduser()
            fmt = export_format(target, timeline=timeline)
            if fmt is None:
                self.notify(f"Say the format with the file's suffix: {formats}",
                            severity="warning", timeout=5, markup=False)
                return
            if target.exists():
                def confirmed(reply: str | None) -> None:
                    if reply and reply.strip().lower() in ("y", "yes"):
                        self.write_export(target, fmt, timeline)

                self.app.push_screen(
                    PromptScreen(f"{target} exists. Overwrite it? (y/N)"), confirmed
                )
                return
            self.write_export(target, fmt, timeline)

        hint = f"{formats} · relative to {os.getcwd()}"
        self.app.push_screen(PromptScreen(f"Export {what} to the file:", hint=hint), named)

    @work(thread=True, exclusive=True, group="export")
    def write_export(self, target: Path, fmt: str, timeline: bool) -> None:
        from tui.export import export_search, export_timeline

        try:
            if timeline:
                pane, engine = self.timeline_pane, self.summit.engine
                text_filter = pane.query_text if pane.query_filter else None
                events = engine.timeline(article_id=pane.article_filter, text=text_filter)
                summaries = {s.id: s for s in engine.articles()}
                text, count = export_timeline(events, fmt, summaries), len(events.events)
            else:
                result = self._last_result
                if result is None:
                    raise SummitError("nothing to export")
                heading = "Marked passages" if self._marked_view else None
                text, count = export_search(result, fmt, heading=heading), len(result.hits)
            target.write_text(text, encoding="utf-8")
        except (OSError, SummitError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.app.call_from_thread(
                self.notify, f"Cannot export to {target}: {reason}", title="Export",
                severity="error", timeout=6, markup=False,
            )
            return
        self.app.call_from_thread(
            self.notify, f"Wrote {count} entries to {target}", title="Export", timeout=4,
            markup=False,
        )


def export_format(target: Path, *, timeline: bool) -> str | None:
    """The export format a file name asks for (.json means TimelineJS, for the timeline)."""
    suffix = target.suffix.lower().lstrip(".")
    if suffix in ("md", "csv", "jsonl"):
        return suffix
    if suffix == "json" and timeline:
        return "timelinejs"
    return None
