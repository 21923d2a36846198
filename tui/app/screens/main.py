"""The explorer's screen: what the session reports, shown in the panes, and the commands
that ask it for work (the panes' layout and navigation: tui.app.screens.layout).

Every call to the engine goes through the session (tui.app.session), whose messages
(tui.app.messages) come back here; stale search results are dropped by comparing their
query with the query box.
"""

from __future__ import annotations

from textual import on
from textual.widgets import OptionList
from textual.worker import Worker

from index.errors import SummitError
from index.models import EventSource, Passage
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
from tui.app.programs import run_editor, run_pager
from tui.app.screens.dialog_actions import DialogActions
from tui.app.screens.source_picker import SourcePicker
from tui.app.session import error_text
from tui.app.widgets.reader import MarkRequested, Reader
from tui.app.widgets.results_list import ResultsList
from tui.app.widgets.search_pane import SearchPane
from tui.app.widgets.timeline_list import TimelineList
from tui.app.widgets.timeline_pane import TimelinePane
from tui.app.widgets.timeline_rows import distinct_sources
from tui.textsafe import clean

TIMELINE_DELAY = 1.0
"""Seconds after the index opens before the timeline loads (unless it is on screen)."""


class MainScreen(DialogActions):
    """The explorer: the panes, fed by the session."""

    # set as the session reports (class defaults: immutable values, set per screen)
    _pending_query: SearchPane.QueryRequested | None = None
    """A query asked for before the index could be searched: run when it can."""
    _last_request: SearchPane.QueryRequested | None = None
    _timeline_error_shown = False
    _open_error = ""

    def on_unmount(self) -> None:
        self.session.stop()

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Where the session's workers end, in success or failure: one place."""
        message = self.session.outcome(event.worker, event.state)
        if message is not None:
            self.post_message(message)

    @on(FacetsCounted)
    def _facets_counted(self, message: FacetsCounted) -> None:
        if message.query != self.search_pane.query_text.strip():
            return  # the query changed meanwhile: these counts are of another search
        self.pick_facet(message.query, message.facets)

    @on(Notice)
    def _notice(self, message: Notice) -> None:
        self.notify(message.text, title=message.title, severity=message.severity,
                    timeout=message.timeout, markup=False)

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
        if self.search_pane.show_search(message.query, message.result, message.error,
                                        message.submitted):
            self.search_query = message.query

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
        self.search_pane.show_similar(message.result)
        self.action_show_pane("search")
        self.search_pane.focus_results()

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
            path = self.session.engine.path_of(event.article.file)
            run_editor(self.app, self.config.editor, path, event.article, event.paragraph)

    @on(DateChanged)
    def _date_changed(self, message: DateChanged) -> None:
        self.notify(message.said, timeout=3, markup=False)
        if self.article_id == message.article_id:
            self.load_article(message.article_id, paragraph=self.reader.current_paragraph)
        if self._timeline_requested:
            self.load_timeline()

    # -- timeline ------------------------------------------------------------------------

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

    @on(MarkRequested)
    def _toggle_mark(self, event: MarkRequested) -> None:
        try:
            marked = self.session.toggle_mark(event.article_id, event.paragraph)
        except SummitError as exc:
            self.notify(error_text(exc), title="Marks", severity="error", timeout=5,
                        markup=False)
            return
        self.search_pane.results.refresh_marks()
        self.reader.refresh()
        what = f"¶{event.paragraph + 1}"
        self.notify(f"Marked {what}" if marked else f"Unmarked {what}", timeout=2)

    def action_show_marked(self) -> None:
        """The marked passages in the results list; again (or Backspace) goes back."""
        if self.search_pane.marked_view:
            self.search_pane.leave_marked_view()
            return
        if not self.session.searchable:
            self.notify("The index is still opening", severity="warning", timeout=3)
            return
        self.session.marked()

    @on(MarkedLoaded)
    def _marked_loaded(self, message: MarkedLoaded) -> None:
        self.search_pane.show_marked(message.passages)
        self.action_show_pane("search")
        self.search_pane.focus_results()
