"""Commands of the query box and the results list."""

from __future__ import annotations

from tui.app.commands.base import Action, Command


class QuerySubmit(Command):
    """Search now, remember the query and go to the results (once there are some)"""

    id = "query-submit"
    key = "enter"
    description = "Results"
    action = Action("submit")
    scope = "query"
    palette = False


class QueryLeave(Command):
    """Leave the query box for the results (an empty list never takes focus)"""

    id = "query-leave"
    key = "escape"
    description = "Results"
    action = Action("leave")
    scope = "query"
    show = True
    palette = False


class HistoryPrev(Command):
    """In an empty box (or while recalling): older query from history"""

    id = "history-prev"
    key = "up"
    description = "Older query"
    action = Action("history_previous")
    scope = "query"
    palette = False


class HistoryNext(Command):
    """While recalling: newer query; otherwise go to the results"""

    id = "history-next"
    key = "down"
    description = "Newer query"
    action = Action("history_next")
    scope = "query"
    palette = False


class HistorySearch(Command):
    """Pick a query from the history"""

    id = "history-search"
    key = "ctrl+r"
    description = "History"
    action = Action("query_history", "screen")
    scope = "query"
    show = True


class QueryHelp(Command):
    """Help (F1 works everywhere)"""

    id = "query-help"
    key = "f1"
    description = "Help"
    action = Action("help", "app")
    scope = "query"
    show = True
    key_display = "F1"
    priority = True
    palette = False


class QueryQuit(Command):
    """Quit (Ctrl+Q works everywhere)"""

    id = "query-quit"
    key = "ctrl+q"
    description = "Quit"
    action = Action("quit", "app")
    scope = "query"
    show = True
    priority = True
    palette = False


class ResultsDown(Command):
    """Next result (Down too)"""

    id = "results-down"
    key = "j"
    description = "Down"
    action = Action("cursor_down")
    scope = "results"
    palette = False


class ResultsUp(Command):
    """Previous result (Up too)"""

    id = "results-up"
    key = "k"
    description = "Up"
    action = Action("cursor_up")
    scope = "results"
    palette = False


class ResultsOpen(Command):
    """Open the highlighted passage in the reader"""

    id = "results-open"
    key = "enter"
    description = "Open"
    action = Action("select")
    scope = "results"
    show = True
    palette = False


class ResultsMark(Command):
    """Mark or unmark the highlighted passage (marked ones show ★)"""

    id = "results-mark"
    key = "m"
    description = "Mark"
    action = Action("toggle_mark")
    scope = "results"
    palette = False


COMMANDS: tuple[Command, ...] = (
    QuerySubmit(),
    QueryLeave(),
    HistoryPrev(),
    HistoryNext(),
    HistorySearch(),
    QueryHelp(),
    QueryQuit(),
    ResultsDown(),
    ResultsUp(),
    ResultsOpen(),
    ResultsMark(),
)
