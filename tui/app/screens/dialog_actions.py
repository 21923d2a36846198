"""The explorer's commands that ask the user something first (tui.app.dialogs): a query
from the history, a name to save the search under, a saved search to run, the date of
an article, a file to export to. What the answers start runs in the session."""

from __future__ import annotations

from index.errors import SummitError
from index.search.facets import Facets
from tui.app import dialogs
from tui.app.screens.layout import PaneLayout
from tui.app.session import error_text


class DialogActions(PaneLayout):
    """The panes, with the commands that open a dialog."""

    # -- the query -----------------------------------------------------------------------

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

    # -- the reader's article -----------------------------------------------------------

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

    def action_facets(self) -> None:
        """Ctrl+F: count the hits of the query on screen (the picker opens when counted)."""
        query = self.search_pane.query_text.strip()
        if not query:
            self.notify("Type a query first: facets count its hits", severity="warning",
                        timeout=3)
            return
        self.session.facets(query)

    def pick_facet(self, query: str, facets: Facets) -> None:
        """The counts are in: pick a value, and the search is narrowed to it."""

        def narrow(clause: str | None) -> None:
            if clause:
                self.run_query(query if clause in query else f"{query} {clause}")

        dialogs.pick_facet(self.app, query, facets, narrow)

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
        if self.search_pane.marked_view:
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
                target, fmt, self.search_pane.last_result, heading),
        )
