"""The explorer's panes: layout and navigation (tui.app.screens.main adds what the
session reports and the commands that ask it for work).

Layout (breakpoint classes set by Textual from the screen width):
- `-wide` (>= 120 columns): search pane on the left, reader or timeline on the right.
- `-narrow`: one pane at a time, switched with 1/2/3, Tab/Shift+Tab or the header tabs.
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
from textual.widgets import Footer, Input

from index.models import Passage
from tui.app.commands import bindings_for
from tui.app.history import QueryHistory
from tui.app.session import Session
from tui.app.widgets.app_header import AppHeader
from tui.app.widgets.pane_tabs import PANE_NAMES, PaneTab, PaneTabs
from tui.app.widgets.query_input import QueryInput
from tui.app.widgets.reader import Reader
from tui.app.widgets.search_pane import SearchPane
from tui.app.widgets.timeline_pane import TimelinePane
from tui.config import Config
from tui.serve.policy import SessionPolicy

Pane = Literal["search", "reader", "timeline"]
WIDE_COLUMNS = 120


@dataclass(frozen=True, slots=True)
class Location:
    """Where the user was, for `back`."""

    pane: str
    article_id: str | None = None
    paragraph: int | None = None


class PaneLayout(Screen[None]):
    """Header, search pane, reader, timeline and footer; which pane shows and has focus,
    and the way back. Its state lives here in reactives: pane, query, article_id."""


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
        self._timeline_requested = False
        self._query_had_focus = False
        self._early_keys: list[events.Key] | None = []
        """Keys typed before the query box was mounted (None once it is)."""

    # -- composition ---------------------------------------------------------------------

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
        self._share_marks()
        # with several folders searched together, each hit says which one it is from
        self.search_pane.results.folder_of = self.session.engine.folder_of
        # after the first frame: opening holds the GIL for a while (JSON, whoosh) and
        # the user should see the UI at once
        self.call_after_refresh(self.session.open)


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
        if self.search_pane.marked_view and self.pane == "search":
            self.search_pane.leave_marked_view()
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

    def _share_marks(self) -> None:
        """The session's marks, shown by the results list and the reader."""
        self.session.load_marks()
        self.search_pane.results.marks = self.session.marks
        self.reader.marks = self.session.marks

    # -- loading what a pane shows -------------------------------------------------------

    def load_article(
        self,
        article_id: str,
        *,
        paragraph: int | None = None,
        passage: Passage | None = None,
        focus: tuple[int, int] | None = None,
    ) -> None:
        self.session.article(article_id, self.search_pane.last_result, paragraph=paragraph,
                             passage=passage, focus=focus)

    def load_timeline(self) -> None:
        pane = self.timeline_pane
        self.session.timeline(pane.article_filter,
                              pane.query_text if pane.query_filter else None)

