"""The explorer's screen: header, search pane, reader, timeline, footer.

Layout (breakpoint classes set by Textual from the screen width):
- `-wide` (>= 120 columns): search pane on the left, reader or timeline on the right.
- `-narrow`: one pane at a time, switched with 1/2/3, Tab/Shift+Tab or the header tabs.

The screen is layout and navigation: every call to the engine goes through the session
(tui.app.session), whose messages (tui.app.messages) come back here to be shown; stale
search results are dropped by comparing their query with the query box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList
from textual.worker import Worker

from index.errors import SummitError
from index.models import EventSource, Passage, SearchResult
from tui.app import dialogs
from tui.app.commands import bindings_for
from tui.app.history import QueryHistory
from tui.app.messages import (
    ArticleLoaded,
    DateChanged,
    EngineOpened,
    EngineSearchable,
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
from tui.app.programs import run_editor, run_pager
from tui.app.screens.source_picker import SourcePicker, distinct_sources
from tui.app.session import Session, error_text
from tui.app.widgets.app_header import AppHeader
from tui.app.widgets.pane_tabs import PANE_NAMES, PaneTab, PaneTabs
from tui.app.widgets.query_input import QueryInput
from tui.app.widgets.reader import MarkRequested, Reader
from tui.app.widgets.results_list import ResultsList
from tui.app.widgets.search_pane import SearchPane
from tui.app.widgets.timeline_list import TimelineList
from tui.app.widgets.timeline_pane import TimelinePane
from tui.config import Config
from tui.serve.policy import SessionPolicy
from tui.textsafe import clean

Pane = Literal["search", "reader", "timeline"]
WIDE_COLUMNS = 120


@dataclass(frozen=True, slots=True)
class Location:
    """Where the user was, for `back`."""

    pane: str
    article_id: str | None = None
    paragraph: int | None = None


TIMELINE_DELAY = 1.0
"""Seconds after the index opens before the timeline loads (unless it is on screen)."""


class MainScreen(Screen[None]):
    """The explorer. Its state lives here in reactives: pane, query, article_id."""

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

    def __init__(
        self,
        session: Session,
        *,
        history: QueryHistory,
        policy: SessionPolicy,
        config: Config,
        corpus_name: str,
    ) -> None:
        super().__init__()
        self.session = session
        self.history = history
        self.policy = policy
        self.config = config
        self.corpus_name = corpus_name
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
        self.marks: set[tuple[str, int | None]] = set()
        """(article id, paragraph index) of the marked passages; the results list and
        the reader share this set."""
        self._marked_view = False
        self._search_before_marks: SearchResult | None = None

    # -- composition -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(self.corpus_name)
        with Horizontal(id="workspace"):
            yield SearchPane(self.history, id="search")
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
        self.session.bind(self)
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
        self.call_after_refresh(self.session.open)

    def on_unmount(self) -> None:
        self.session.stop()

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Where the session's workers end, in success or failure: one place."""
        message = self.session.outcome(event.worker, event.state)
        if message is not None:
            self.post_message(message)

    @on(Notice)
    def _notice(self, message: Notice) -> None:
        self.notify(message.text, title=message.title, severity=message.severity,
                    timeout=message.timeout, markup=False)

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
        if self.session.searchable and not self._timeline_requested:
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

    async def action_help(self) -> None:
        await self.run_action("app.help")

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

    # -- the engine's state -----------------------------------------------------------------

    @on(OpenProgress)
    def _open_progress(self, message: OpenProgress) -> None:
        self.header.set_progress(message.done, message.total, message.message)

    @on(EngineSearchable)
    def _engine_searchable(self) -> None:
        self.session.became_searchable()
        self._run_pending_query()

    def _run_pending_query(self) -> None:
        pending, self._pending_query = self._pending_query, None
        if pending is not None and pending.query == self.search_pane.query_text:
            self.session.search(pending.query, as_you_type=pending.as_you_type,
                                submitted=pending.submitted)

    @on(EngineOpened)
    def _engine_opened(self, message: EngineOpened) -> None:
        searched_before = self.session.searchable
        self.session.record_open(message)
        if message.error is not None:
            if self.session.state == "ready":  # the index as it was left stays searchable
                self.header.set_counts(None, None)
                self.notify(message.error, title="Cannot update the index", severity="error",
                            timeout=10, markup=False)
            else:
                self._open_failed(message.error)
            return
        summaries = message.summaries
        self.header.set_counts(
            len(summaries) if summaries else None,
            sum(s.paragraphs for s in summaries) if summaries else None,
        )
        report = message.report
        for warning in (report.warnings if report else [])[:3]:
            self.notify(clean(warning, single_line=True), title="Index", severity="warning",
                        timeout=8, markup=False)
        self._run_pending_query()
        self.session.follow_folder()
        last = self._last_request
        updated = report is not None and (report.touched > 0 or report.rebuilt)
        if searched_before and updated and last and last.query == self.search_pane.query_text:
            # the results on screen came from the index before this update
            self.session.search(last.query, as_you_type=last.as_you_type, submitted=False)
        if self.pane == "timeline":
            self._load_timeline_once()
        else:
            # a moment later: loading the timeline competes for the interpreter with
            # the first search, and the first results matter more
            self.set_timer(TIMELINE_DELAY, self._load_timeline_once)

    @on(FolderChanged)
    def _folder_changed(self, message: FolderChanged) -> None:
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
        self.post_message(EngineOpened(report, None, message.summaries))
        if self._timeline_requested:  # shown before: show it as the folder is now
            self.load_timeline()

    def _open_failed(self, error: str) -> None:
        """One state, said the same way by the header and the search pane, with F5."""
        self._open_error = error
        self.header.set_failed()
        self._show_open_failure()

    def _show_open_failure(self) -> None:
        self.search_pane.set_status(
            f"Cannot open the index: {self._open_error} · F5: try again", classes="-error"
        )

    def action_retry_open(self) -> None:
        if self.session.state != "failed":
            self.notify("The index is not in trouble: nothing to retry", timeout=3)
            return
        self.header.show_loading("opening the index…")
        self.search_pane.set_status("The index is opening; results will follow…")
        self.session.open()

    # -- search --------------------------------------------------------------------------

    @on(SearchPane.QueryRequested)
    def _query_requested(self, event: SearchPane.QueryRequested) -> None:
        self._last_request = event
        if not self.session.searchable:
            self._pending_query = event
            if self.session.state == "failed":
                self._show_open_failure()
            else:
                self.search_pane.set_status("The index is opening; results will follow…")
            return
        self.session.search(event.query, as_you_type=event.as_you_type,
                            submitted=event.submitted)

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
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
        if timeline.query_filter and self.session.searchable:
            self.load_timeline()

    @on(Reader.SimilarRequested)
    def _similar(self, event: Reader.SimilarRequested) -> None:
        self.session.similar(event.article_id, event.paragraph)

    @on(SimilarDone)
    def _similar_done(self, message: SimilarDone) -> None:
        self._last_result = message.result
        pane = self.search_pane
        pane.results.show_result(message.result)
        pane.set_status(pane.describe(message.result).append("  (similar passages)"))
        self.action_show_pane("search")
        pane.focus_results()

    def action_query_history(self) -> None:
        def chosen(query: str | None) -> None:
            if query:
                box = self.search_pane.query_input
                box.value = query
                box.cursor_position = len(query)
                box.focus()

        queries = (self.history.matching(self.search_pane.query_text)
                   or self.history.matching(""))
        dialogs.pick_query(self.app, queries, chosen)

    # -- articles ------------------------------------------------------------------------

    def open_passage(self, passage: Passage) -> None:
        self._push_location()
        self.history.add(self.search_pane.query_text)
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

    @on(ResultsList.PassageChosen)
    def _passage_chosen(self, message: ResultsList.PassageChosen) -> None:
        self.open_passage(message.passage)

    def open_article(self, article_id: str, *, paragraph: int | None = None) -> None:
        self._push_location()
        self.load_article(article_id, paragraph=paragraph)
        self.action_show_pane("reader")

    def load_article(
        self,
        article_id: str,
        *,
        paragraph: int | None = None,
        passage: Passage | None = None,
        focus: tuple[int, int] | None = None,
    ) -> None:
        self.session.article(article_id, self._last_result, paragraph=paragraph,
                             passage=passage, focus=focus)

    @on(ArticleLoaded)
    async def _article_loaded(self, message: ArticleLoaded) -> None:
        if message.document is None:
            self.notify(message.error or "cannot open the article", title="Reader",
                        severity="error", timeout=6, markup=False)
            return
        self.article_id = message.document.article.id
        await self.reader.show_document(message.document)
        self._date_the_reader()

    @on(ReaderDated)
    def _reader_dated(self, message: ReaderDated) -> None:
        self.reader.show_dates(message.article_id, message.anchor, message.times)

    def _date_the_reader(self) -> None:
        """The reader shows an article without its dates: fetch them if they are known,
        else make sure the timeline that works them out is on its way."""
        doc = self.reader.document
        if doc is None or doc.dated:
            return
        if self.session.engine.dates_known:
            self.session.reader_dates(doc.article.id)
        else:
            self._load_timeline_once()

    @on(Reader.StepArticle)
    def _step_article(self, event: Reader.StepArticle) -> None:
        ids = [s.id for s in self.session.summaries]
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
        if self.policy.allows("run_external"):  # else the gate already said why
            run_pager(self.app, self.config.pager, event.article, event.paragraph)

    @on(Reader.EditorRequested)
    def _editor(self, event: Reader.EditorRequested) -> None:
        if self.policy.allows("run_external"):  # else the gate already said why
            run_editor(self.app, self.config.editor, self.session.engine.articles_dir,
                       event.article, event.paragraph)

    def action_set_date(self) -> None:
        """The reader's `D`: the date the user knows, kept by the engine (`summit date`)."""
        article_id = self.article_id
        if article_id is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        doc = self.reader.document
        anchor = doc.anchor if doc is not None else None
        current = anchor.date.isoformat() if anchor and anchor.date else ""
        dialogs.ask_date(self.app, current,
                         lambda day: self.session.set_date(article_id, day))

    @on(DateChanged)
    def _date_changed(self, message: DateChanged) -> None:
        self.notify(message.said, timeout=3, markup=False)
        if self.article_id == message.article_id:
            self.load_article(message.article_id, paragraph=self.reader.current_paragraph)
        if self._timeline_requested:
            self.load_timeline()

    # -- timeline ------------------------------------------------------------------------

    def load_timeline(self) -> None:
        pane = self.timeline_pane
        self.session.timeline(pane.article_filter,
                              pane.query_text if pane.query_filter else None)

    @on(TimelineLoaded)
    def _timeline_loaded(self, message: TimelineLoaded) -> None:
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
            self.session.summaries = message.summaries
        pane.show_events(message.events)
        if message.anchors:
            self.search_pane.results.redate(message.anchors)
        self._date_the_reader()

    @on(TimelinePane.FiltersChanged)
    def _filters_changed(self) -> None:
        if self.session.searchable:
            self.load_timeline()

    @on(Reader.TimelineRequested)
    def _article_timeline(self, event: Reader.TimelineRequested) -> None:
        self._push_location()
        self.timeline_pane.filter_article(event.article_id)
        self.action_show_pane("timeline")

    @on(TimelineList.EntryChosen)
    def _entry_chosen(self, message: TimelineList.EntryChosen) -> None:
        if len(distinct_sources(message.event)) > 1:
            self.session.sources(message.event)  # each source's own sentence, to pick from
            return
        self.open_source(message.source)

    def open_source(self, source: EventSource | None) -> None:
        if source is None:
            return
        self._push_location()
        self.load_article(source.article_id, focus=(source.start, source.end))
        self.action_show_pane("reader")

    @on(SourcesLoaded)
    def _sources_loaded(self, message: SourcesLoaded) -> None:
        title = f"Reported by {len(message.choices)} sources: which one to open?"
        self.app.push_screen(SourcePicker(title, message.choices), self.open_source)

    # -- marks ---------------------------------------------------------------------------

    def _load_marks(self) -> None:
        self.marks.clear()
        self.marks.update(m.key for m in self.session.engine.user_data.marks())
        self.search_pane.results.marks = self.marks
        self.reader.marks = self.marks

    @on(MarkRequested)
    def _toggle_mark(self, event: MarkRequested) -> None:
        try:
            marked = self.session.engine.user_data.toggle_mark(event.article_id,
                                                               event.paragraph)
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
        if not self.session.searchable:
            self.notify("The index is still opening", severity="warning", timeout=3)
            return
        self.session.marked()

    @on(MarkedLoaded)
    def _marked_loaded(self, message: MarkedLoaded) -> None:
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

    # -- saved searches ------------------------------------------------------------------

    def action_save_search(self) -> None:
        query = self.search_pane.query_text.strip()
        if not query:
            self.notify("Type a query first, then save it", severity="warning", timeout=3)
            return

        def save(name: str) -> None:
            try:
                entry = self.session.engine.user_data.save_search(name, query)
            except SummitError as exc:
                self.notify(error_text(exc), title="Saved searches", severity="error",
                            timeout=5, markup=False)
                return
            self.notify(f"Saved as {entry.name!r}: {entry.query}", title="Saved searches",
                        timeout=3, markup=False)

        dialogs.ask_search_name(self.app, query, save)

    def action_saved_searches(self) -> None:
        saved = self.session.engine.user_data.saved_searches()
        if not saved:
            self.notify("No saved searches yet (Ctrl+S saves the current query)", timeout=4)
            return
        entries = [(f"{s.name} — {s.query}", s.query) for s in reversed(saved)]
        dialogs.pick_saved_search(self.app, entries, self.run_query)

    def run_query(self, query: str | None) -> None:
        """Put `query` in the box and search it, as if typed and submitted."""
        if not query:
            return
        box = self.search_pane.query_input
        box.value = query
        box.cursor_position = len(query)
        self.action_focus_query()
        self.history.add(query)

    # -- export --------------------------------------------------------------------------

    def action_export(self) -> None:
        if not self.policy.allows("write_file"):  # the gate already said why
            return
        if self.pane == "timeline":
            pane = self.timeline_pane
            article_id, text = pane.article_filter, pane.query_text if pane.query_filter else None
            dialogs.ask_export_target(
                self.app, "the timeline", timeline=True,
                write=lambda target, fmt: self.session.export_timeline(target, fmt,
                                                                       article_id, text),
            )
            return
        if self._marked_view:
            what, heading = "the marked passages", "Marked passages"
        elif self.search_pane.results.result is not None:
            what, heading = "the results", None
        else:
            self.notify("Nothing to export yet: search first (or M for the marked passages)",
                        severity="warning", timeout=4)
            return
        dialogs.ask_export_target(
            self.app, what, timeline=False,
            write=lambda target, fmt: self.session.export_results(
                target, fmt, self._last_result, heading),
        )
