"""Commands everywhere: some even in the query box (scope `app`), the rest anywhere but
there (`screen`)."""

from __future__ import annotations

from tui.app.commands.base import PANES, Action, Command


class Help(Command):
    """Show this help screen (works in the query box too)"""

    id = "help"
    key = "f1"
    description = "Help"
    action = Action("help", "app")
    scope = "app"
    priority = True


class QuitAnywhere(Command):
    """Quit (works in the query box too)"""

    id = "quit-anywhere"
    key = "ctrl+q"
    description = "Quit"
    action = Action("quit", "app")
    scope = "app"
    priority = True


class RetryOpen(Command):
    """Open the index again after it could not be opened"""

    id = "retry-open"
    key = "f5"
    description = "Retry"
    action = Action("retry_open", "screen")
    scope = "app"
    priority = True


class FocusQuery(Command):
    """Go to the query box"""

    id = "focus-query"
    key = "slash"
    description = "Search"
    action = Action("focus_query", "screen")
    scope = "screen"
    show = True


class PaneSearch(Command):
    """Show the search pane"""

    id = "pane-search"
    key = "1"
    description = "Search"
    action = Action("show_pane", "screen", ("search",))
    scope = "screen"
    group = PANES


class PaneReader(Command):
    """Show the reader pane"""

    id = "pane-reader"
    key = "2"
    description = "Reader"
    action = Action("show_pane", "screen", ("reader",))
    scope = "screen"
    group = PANES


class PaneTimeline(Command):
    """Show the timeline pane"""

    id = "pane-timeline"
    key = "3"
    description = "Timeline"
    action = Action("show_pane", "screen", ("timeline",))
    scope = "screen"
    group = PANES


class NextPane(Command):
    """Next pane (search → reader → timeline)"""

    id = "next-pane"
    key = "tab"
    description = "Next pane"
    action = Action("cycle_pane", "screen", (1,))
    scope = "screen"


class PrevPane(Command):
    """Previous pane"""

    id = "prev-pane"
    key = "shift+tab"
    description = "Previous pane"
    action = Action("cycle_pane", "screen", (-1,))
    scope = "screen"


class SaveSearch(Command):
    """Save the current query under a name"""

    id = "save-search"
    key = "ctrl+s"
    description = "Save search"
    action = Action("save_search", "screen")
    scope = "screen"


class Facets(Command):
    """Count the hits by source, place and month; a value's key narrows the search to it"""

    id = "facets"
    key = "ctrl+f"
    description = "Facets"
    action = Action("facets", "screen")
    scope = "screen"


class SavedSearches(Command):
    """Pick a saved search and run it"""

    id = "saved-searches"
    key = "ctrl+g"
    description = "Saved searches"
    action = Action("saved_searches", "screen")
    scope = "screen"


class Marked(Command):
    """Show the marked passages in the results list (again: back to the search)"""

    id = "marked"
    key = "M"
    description = "Marked passages"
    action = Action("show_marked", "screen")
    scope = "screen"


class Export(Command):
    """Write the results, the marked passages or (in the Timeline) the timeline to a file: .md,
    .csv, .jsonl (.json: TimelineJS)
    """

    id = "export"
    key = "x"
    description = "Export"
    action = Action("export", "screen")
    scope = "screen"
    needs = frozenset({"write_file"})


class Back(Command):
    """Back to where you were before the last jump (Esc too, in reader/timeline)"""

    id = "back"
    key = "backspace"
    description = "Back"
    action = Action("back", "screen")
    scope = "screen"


class HelpKey(Command):
    """Show this help screen"""

    id = "help-key"
    key = "question_mark"
    description = "Help"
    action = Action("help", "screen")
    scope = "screen"
    show = True
    palette = False


class Quit(Command):
    """Quit (from the search pane; in the reader or timeline q goes back)"""

    id = "quit"
    key = "q"
    description = "Quit"
    action = Action("quit", "screen")
    scope = "screen"
    show = True
    palette = False


COMMANDS: tuple[Command, ...] = (
    Help(),
    QuitAnywhere(),
    RetryOpen(),
    FocusQuery(),
    PaneSearch(),
    PaneReader(),
    PaneTimeline(),
    NextPane(),
    PrevPane(),
    SaveSearch(),
    SavedSearches(),
    Facets(),
    Marked(),
    Export(),
    Back(),
    HelpKey(),
    Quit(),
)
