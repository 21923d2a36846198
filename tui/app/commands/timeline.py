"""Commands of the timeline: its list (`timeline`) and its filters (`timeline-pane`)."""

from __future__ import annotations

from tui.app.commands.base import Action, Command


class TimelineDown(Command):
    """Next entry"""

    id = "timeline-down"
    key = "j,down"
    description = "Down"
    action = Action("cursor_down")
    scope = "timeline"
    palette = False


class TimelineUp(Command):
    """Previous entry"""

    id = "timeline-up"
    key = "k,up"
    description = "Up"
    action = Action("cursor_up")
    scope = "timeline"
    palette = False


class TimelinePageDown(Command):
    """A screenful further"""

    id = "timeline-page-down"
    key = "pagedown"
    description = "Page down"
    action = Action("page_down")
    scope = "timeline"
    palette = False


class TimelinePageUp(Command):
    """A screenful back"""

    id = "timeline-page-up"
    key = "pageup"
    description = "Page up"
    action = Action("page_up")
    scope = "timeline"
    palette = False


class TimelineFirst(Command):
    """First entry (the earliest)"""

    id = "timeline-first"
    key = "home"
    description = "First"
    action = Action("first")
    scope = "timeline"
    palette = False


class TimelineLast(Command):
    """Last entry (the undated ones come last)"""

    id = "timeline-last"
    key = "end"
    description = "Last"
    action = Action("last")
    scope = "timeline"
    palette = False


class TimelineOpen(Command):
    """Open the entry's sentence in the reader"""

    id = "timeline-open"
    key = "enter"
    description = "Open"
    action = Action("select")
    scope = "timeline"
    show = True
    palette = False


class TimelineNextDay(Command):
    """Jump to the next dated heading"""

    id = "timeline-next-day"
    key = "right_curly_bracket"
    description = "Next day"
    action = Action("next_day")
    scope = "timeline"
    key_display = "}"


class TimelinePrevDay(Command):
    """Jump to the previous dated heading"""

    id = "timeline-prev-day"
    key = "left_curly_bracket"
    description = "Previous day"
    action = Action("previous_day")
    scope = "timeline"
    key_display = "{"


class TimelineBusiest(Command):
    """Jump to the day reported by the most sources"""

    id = "timeline-busiest"
    key = "b"
    description = "Busiest day"
    action = Action("busiest_day")
    scope = "timeline"
    show = True


class TimelineFilter(Command):
    """Only entries matching the current query (toggle)"""

    id = "timeline-filter"
    key = "f"
    description = "Filter"
    action = Action("toggle_query_filter")
    scope = "timeline-pane"
    show = True


class TimelineAll(Command):
    """Drop the article filter set by t"""

    id = "timeline-all"
    key = "a"
    description = "All articles"
    action = Action("all_articles")
    scope = "timeline-pane"


class TimelineBack(Command):
    """Back one level, to where you came from (q never quits here)"""

    id = "timeline-back"
    key = "escape,q"
    description = "Back"
    action = Action("back", "screen")
    scope = "timeline-pane"
    show = True
    key_display = "q/esc"
    palette = False


COMMANDS: tuple[Command, ...] = (
    TimelineDown(),
    TimelineUp(),
    TimelinePageDown(),
    TimelinePageUp(),
    TimelineFirst(),
    TimelineLast(),
    TimelineOpen(),
    TimelineNextDay(),
    TimelinePrevDay(),
    TimelineBusiest(),
    TimelineFilter(),
    TimelineAll(),
    TimelineBack(),
)
