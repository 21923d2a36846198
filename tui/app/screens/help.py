"""The help screen: every binding (from tui.app.commands) and the query syntax."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.commands import COMMANDS, SCOPE_TITLES, Command, offered

QUERY_SYNTAX: tuple[tuple[str, str], ...] = (
    ("joint battalion", "passages with both words (ranked; stems and spelling variants count)"),
    ("\"joint battalion\"", "the exact phrase"),
    ("summit OR meeting", "either word"),
    ("summit NOT ecowas", "leave out passages with the word"),
    ("battal*", "words starting with battal"),
    ("title:… source:… place:…", "only in that field (file: is the file name)"),
    ("collection:…", "only that folder, when several are searched together"),
    ("date:2025-12  date:[2025-12-01 to 2025-12-31]", "articles of that day, month or range"),
    ("(a OR b) c", "group with parentheses"),
    ("typos", "a misspelt query is corrected and the status line says so"),
)

EXTRA_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Everywhere (also in the query box)", "Ctrl+P",
     "Command palette: every action, articles by title"),
    ("Results list", "Down, Up, PgDn, PgUp", "Move (j/k too)"),
    ("Reader", "Down, Up, PgDn, PgUp, Space", "Scroll"),
    ("Everywhere", "Mouse", "Click tabs, results and entries; wheel scrolls"),
)


def help_table(commands: Iterable[Command] = COMMANDS) -> Group:
    """The commands (those the session offers) by scope, then the query syntax (plain Text only)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for command in commands:
        title = SCOPE_TITLES[command.scope]
        sections.setdefault(title, []).append(
            (command.keys_display, command.help or command.description)
        )
    for title, key, what in EXTRA_KEYS:
        sections.setdefault(title, []).append((key, what))
    sections["Query syntax"] = list(QUERY_SYNTAX)
    parts: list[Text | Table] = []
    for title, rows in sections.items():
        parts.append(Text(title, style="bold underline"))
        table = Table.grid(padding=(0, 2))
        table.add_column("key", style="bold", max_width=24)
        table.add_column("what", ratio=1)
        for key, what in rows:
            table.add_row(Text(key), Text(what))
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="summit.help-close"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Text("Summit Explorer — keys and query syntax", style="bold"),
                         id="help-title")
            with VerticalScroll(id="help-body"):
                policy = getattr(self.app, "policy", None)
                config = getattr(self.app, "config", None)
                keymap = config.keymap if config is not None else None
                shown = offered(policy, keymap) if policy is not None else COMMANDS
                yield Static(help_table(shown), id="help-table")
            yield Static(Text("Esc, q, ? or F1: close · Up/Down/PgUp/PgDn: scroll"),
                         id="help-footer")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
