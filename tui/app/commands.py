"""The one list of commands: it drives key bindings, the footer, the help screen and the palette.

Each command has a stable `id` (also the `Binding.id`, so a keymap can rebind it,
e.g. `app.set_keymap({"summit.next-match": "ctrl+n"})`), its default key(s), a
description, the action it runs, the scope that owns the binding and whether the
footer shows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.markup import escape

from tui.serve.policy import Capability, SessionPolicy
from tui.textsafe import clean

if TYPE_CHECKING:
    from tui.app.app import SummitApp

Scope = Literal["app", "screen", "query", "results", "reader", "timeline", "timeline-pane"]

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Everywhere (also in the query box)",
    "screen": "Anywhere but the query box",
    "query": "Query box",
    "results": "Results list",
    "reader": "Reader",
    "timeline": "Timeline",
    "timeline-pane": "Timeline",
}

PANES = Binding.Group("Panes", compact=True)
MOVE = Binding.Group("Move", compact=True)
ARTICLE = Binding.Group("Article", compact=True)
MATCH = Binding.Group("Match", compact=True)


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    key: str
    """Textual key name(s), comma separated."""
    description: str
    action: str
    scope: Scope
    show: bool = False
    """Shown in the footer."""
    key_display: str | None = None
    priority: bool = False
    palette: bool = True
    """Offered in the command palette."""
    help: str = ""
    """Longer text for the help screen (defaults to the description)."""
    group: Binding.Group | None = None
    needs: frozenset[Capability] = frozenset()
    """What the session policy must allow (tui.serve.policy); such a command's key goes
    through the app's gate, and the help, palette and footer offer it only if allowed."""

    @property
    def binding_id(self) -> str:
        return f"summit.{self.id}"

    @property
    def keys_display(self) -> str:
        return self.key_display or ", ".join(_pretty_key(k) for k in self.key.split(","))

    def binding(self) -> Binding:
        return Binding(
            self.key,
            f"app.gated('{self.id}')" if self.needs else self.action,
            self.description,
            show=self.show and not self.needs,  # the footer cannot ask the policy
            key_display=self.key_display,
            priority=self.priority,
            id=self.binding_id,
            group=self.group,
        )


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "enter": "Enter",
    "escape": "Esc",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "up": "Up",
    "down": "Down",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


def _pretty_key(key: str) -> str:
    key = key.strip()
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return key


COMMANDS: tuple[Command, ...] = (
    # -- everywhere, even in the query box ------------------------------------------
    Command("help", "f1", "Help", "app.help", "app", priority=True, show=False,
            help="Show this help screen (works in the query box too)"),
    Command("quit-anywhere", "ctrl+q", "Quit", "app.quit", "app", priority=True,
            help="Quit (works in the query box too)"),
    Command("retry-open", "f5", "Retry", "screen.retry_open", "app", priority=True,
            help="Open the index again after it could not be opened"),
    # -- screen: everywhere except while typing in the query box ---------------------
    Command("focus-query", "slash", "Search", "screen.focus_query", "screen", show=True,
            help="Go to the query box"),
    Command("pane-search", "1", "Search", "screen.show_pane('search')", "screen",
            group=PANES, help="Show the search pane"),
    Command("pane-reader", "2", "Reader", "screen.show_pane('reader')", "screen",
            group=PANES, help="Show the reader pane"),
    Command("pane-timeline", "3", "Timeline", "screen.show_pane('timeline')", "screen",
            group=PANES, help="Show the timeline pane"),
    Command("next-pane", "tab", "Next pane", "screen.cycle_pane(1)", "screen",
            help="Next pane (search → reader → timeline)"),
    Command("prev-pane", "shift+tab", "Previous pane", "screen.cycle_pane(-1)", "screen",
            help="Previous pane"),
    Command("save-search", "ctrl+s", "Save search", "screen.save_search", "screen",
            help="Save the current query under a name"),
    Command("saved-searches", "ctrl+g", "Saved searches", "screen.saved_searches", "screen",
            help="Pick a saved search and run it"),
    Command("marked", "M", "Marked passages", "screen.show_marked", "screen",
            help="Show the marked passages in the results list (again: back to the search)"),
    Command("export", "x", "Export", "screen.export", "screen",
            help="Write the results, the marked passages or (in the Timeline) the timeline "
                 "to a file: .md, .csv, .jsonl (.json: TimelineJS)",
            needs=frozenset({"write_file"})),
    Command("back", "backspace", "Back", "screen.back", "screen",
            help="Back to where you were before the last jump (Esc too, in reader/timeline)"),
    Command("help-key", "question_mark", "Help", "screen.help", "screen", show=True,
            palette=False, help="Show this help screen"),
    Command("quit", "q", "Quit", "screen.quit", "screen", show=True, palette=False,
            help="Quit (from the search pane; in the reader or timeline q goes back)"),
    # -- query box ---------------------------------------------------------------------
    Command("query-submit", "enter", "Results", "submit", "query", palette=False,
            help="Search now, remember the query and go to the results (once there are some)"),
    Command("query-leave", "escape", "Results", "leave", "query", show=True, palette=False,
            help="Leave the query box for the results (an empty list never takes focus)"),
    Command("history-prev", "up", "Older query", "history_previous", "query", palette=False,
            help="In an empty box (or while recalling): older query from history"),
    Command("history-next", "down", "Newer query", "history_next", "query", palette=False,
            help="While recalling: newer query; otherwise go to the results"),
    Command("history-search", "ctrl+r", "History", "screen.query_history", "query",
            show=True, help="Pick a query from the history"),
    Command("query-help", "f1", "Help", "app.help", "query", show=True, palette=False,
            key_display="F1",
            priority=True, help="Help (F1 works everywhere)"),
    Command("query-quit", "ctrl+q", "Quit", "app.quit", "query", show=True, palette=False,
            priority=True, help="Quit (Ctrl+Q works everywhere)"),
    # -- results list ------------------------------------------------------------------
    Command("results-down", "j", "Down", "cursor_down", "results", palette=False,
            help="Next result (Down too)"),
    Command("results-up", "k", "Up", "cursor_up", "results", palette=False,
            help="Previous result (Up too)"),
    Command("results-open", "enter", "Open", "select", "results", show=True, palette=False,
            help="Open the highlighted passage in the reader"),
    Command("results-mark", "m", "Mark", "toggle_mark", "results", palette=False,
            help="Mark or unmark the highlighted passage (marked ones show ★)"),
    # -- reader ------------------------------------------------------------------------
    Command("reader-down", "j", "Scroll down", "scroll_down", "reader", palette=False,
            help="Scroll down (Down, PgDn, Space too)"),
    Command("reader-up", "k", "Scroll up", "scroll_up", "reader", palette=False,
            help="Scroll up (Up, PgUp too)"),
    Command("next-match", "n", "Next match", "next_match", "reader", show=True, group=MATCH,
            help="Next query match in the article"),
    Command("prev-match", "N", "Previous match", "previous_match", "reader", show=True,
            group=MATCH, help="Previous query match"),
    Command("prev-article", "left_square_bracket", "Previous article", "previous_article",
            "reader", group=ARTICLE, help="Previous article"),
    Command("next-article", "right_square_bracket", "Next article", "next_article",
            "reader", group=ARTICLE, help="Next article"),
    Command("top", "g", "Top", "scroll_home", "reader", help="Top of the article"),
    Command("bottom", "G", "Bottom", "scroll_end", "reader", help="Bottom of the article"),
    Command("article-timeline", "t", "Timeline", "article_timeline", "reader", show=True,
            help="Show this article's entries on the timeline"),
    Command("copy-passage", "y", "Copy", "copy_passage", "reader", show=True,
            help="Copy the current passage with its citation (OSC 52: works over SSH)"),
    Command("open-pager", "o", "Pager", "open_pager", "reader",
            help="Open the article in the pager (config, $PAGER, less: at the passage)",
            needs=frozenset({"run_external", "suspend_terminal"})),
    Command("open-editor", "e", "Editor", "open_editor", "reader",
            help="Open the article file in your editor at the current paragraph's line",
            needs=frozenset({"run_external", "suspend_terminal"})),
    Command("reader-mark", "m", "Mark", "toggle_mark", "reader",
            help="Mark or unmark the current paragraph (marked ones show ★)"),
    Command("set-date", "D", "Set date", "screen.set_date", "reader",
            help="Set this article's date yourself (YYYY-MM-DD; 'clear' forgets it)",
            needs=frozenset({"write_file"})),
    Command("similar", "s", "Similar", "similar", "reader",
            help="Passages in other articles similar to the current one"),
    Command("reader-back", "escape,q", "Back", "screen.back", "reader", palette=False, show=True,
            key_display="q/esc",
            help="Back one level, to where you came from (q never quits here)"),
    # -- timeline ----------------------------------------------------------------------
    Command("timeline-down", "j,down", "Down", "cursor_down", "timeline", palette=False,
            help="Next entry"),
    Command("timeline-up", "k,up", "Up", "cursor_up", "timeline", palette=False,
            help="Previous entry"),
    Command("timeline-page-down", "pagedown", "Page down", "page_down", "timeline",
            palette=False, help="A screenful further"),
    Command("timeline-page-up", "pageup", "Page up", "page_up", "timeline", palette=False,
            help="A screenful back"),
    Command("timeline-first", "home", "First", "first", "timeline", palette=False,
            help="First entry (the earliest)"),
    Command("timeline-last", "end", "Last", "last", "timeline", palette=False,
            help="Last entry (the undated ones come last)"),
    Command("timeline-open", "enter", "Open", "select", "timeline", show=True, palette=False,
            help="Open the entry's sentence in the reader"),
    Command("timeline-next-day", "right_curly_bracket", "Next day", "next_day", "timeline",
            key_display="}", help="Jump to the next dated heading"),
    Command("timeline-prev-day", "left_curly_bracket", "Previous day", "previous_day",
            "timeline", key_display="{", help="Jump to the previous dated heading"),
    Command("timeline-busiest", "b", "Busiest day", "busiest_day", "timeline", show=True,
            help="Jump to the day reported by the most sources"),
    Command("timeline-filter", "f", "Filter", "toggle_query_filter", "timeline-pane",
            show=True, help="Only entries matching the current query (toggle)"),
    Command("timeline-all", "a", "All articles", "all_articles", "timeline-pane",
            help="Drop the article filter set by t"),
    Command("timeline-back", "escape,q", "Back", "screen.back", "timeline-pane",
            palette=False, show=True, key_display="q/esc",
            help="Back one level, to where you came from (q never quits here)"),
)


def offered(policy: SessionPolicy, keymap: Mapping[str, str] | None = None) -> list[Command]:
    """The commands this session may run, in list order (help and palette show these),
    with the keys the config's keymap gave them (App.set_keymap rebinds the keys)."""
    keymap = keymap or {}
    return [
        replace(c, key=keymap[c.id], key_display=None) if c.id in keymap else c
        for c in COMMANDS
        if policy.offers(c.needs)
    ]


def commands_for(scope: Scope) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def bindings_for(scope: Scope) -> list[BindingType]:
    return [c.binding() for c in commands_for(scope)]


def command_by_id(command_id: str) -> Command:
    for command in COMMANDS:
        if command.id == command_id:
            return command
    raise KeyError(command_id)


# -- command palette ---------------------------------------------------------------------
#
# Textual parses str prompts and help texts as markup, and Matcher.highlight() does too;
# titles and file names come from article files, so prompts here are rich Text objects
# (never parsed) and help texts are escaped.


def highlight(matcher: Matcher, label: str) -> Text:
    """`label` as plain Text with the fuzzy-matched characters styled."""
    text = Text(label)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, label)
    for offset in offsets:
        if not label[offset].isspace():
            text.stylize(matcher.match_style.rich_style, offset, offset + 1)
    return text


class SummitCommands(Provider):
    """Every action of the explorer, by description."""

    @property
    def _app(self) -> SummitApp:
        return self.app  # type: ignore[return-value]

    def _entries(self) -> Iterator[tuple[str, Command]]:
        for command in offered(self._app.policy, self._app.config.keymap):
            if command.palette:
                yield f"{command.description} ({command.keys_display})", command

    async def discover(self) -> Hits:
        for label, command in self._entries():
            yield DiscoveryHit(
                Text(label),
                partial(self._app.run_command, command.id),
                help=escape(command.help) or None,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, command in self._entries():
            score = max(matcher.match(label), matcher.match(command.help))
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._app.run_command, command.id),
                    help=escape(command.help) or None,
                )


class ArticleCommands(Provider):
    """Open an article by (part of) its title, file name or source."""

    @property
    def _app(self) -> SummitApp:
        return self.app  # type: ignore[return-value]

    def _entries(self) -> Iterator[tuple[str, str, str]]:
        for summary in self._app.article_summaries:
            title = clean(summary.title, single_line=True)
            date = summary.date.isoformat() if summary.date else "undated"
            # without a `source:` the label is the file name: say it once
            named = [summary.source] if summary.source else []
            detail = clean(" · ".join([*named, date, summary.file]), single_line=True)
            yield summary.id, title, detail

    async def discover(self) -> Hits:
        for article_id, title, detail in self._entries():
            yield DiscoveryHit(
                Text(f"Open: {title}"),
                partial(self._app.open_article, article_id),
                help=escape(detail),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for article_id, title, detail in self._entries():
            label = f"Open: {title}"
            score = max(matcher.match(label), matcher.match(detail) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._app.open_article, article_id),
                    help=escape(detail),
                )
