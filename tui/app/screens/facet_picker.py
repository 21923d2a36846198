"""Ctrl+F: how the query's hits spread over sources, places and months, each value a
one-key filter (its key narrows the search to it at once; Enter takes the highlighted)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from index.search.facets import FACET_KINDS, Facets, FacetValue
from tui.textsafe import clean

VALUE_KEYS = "123456789abcdefghilmnoprstuvwxyz"
"""One key per value, in order shown; j, k and q are left to moving and cancelling."""


def facet_rows(facets: Facets) -> list[tuple[str, FacetValue]]:
    """(key, value) for every value shown, facet by facet."""
    values = [value for kind in FACET_KINDS for value in facets.of(kind)]
    return list(zip(VALUE_KEYS, values, strict=False))


class FacetPicker(ModalScreen[str | None]):
    """Dismisses with the chosen value's query clause, or None."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q", "cancel", "Cancel", id="summit.facets-cancel"),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, query: str, facets: Facets) -> None:
        super().__init__()
        self.query_text = query
        self.facets = facets
        self.rows = facet_rows(facets)

    def compose(self) -> ComposeResult:
        scope = "" if self.facets.complete else f", the best {self.facets.counted}"
        query = clean(self.query_text, single_line=True)
        noun = "passage" if self.facets.counted == 1 else "passages"
        title = f"Narrow “{query}” ({self.facets.counted} {noun}{scope})"
        with Vertical(id="facet-dialog"):
            yield Static(Text(title, style="bold"))
            options: list[Option | None] = []
            kind = None
            for index, (key, value) in enumerate(self.rows):
                if value.kind != kind:
                    if kind is not None:
                        options.append(None)
                    kind = value.kind
                label = Text(f"{key}  ", style="bold")
                label.append(f"{value.kind}: ", style="dim")
                label.append(clean(value.value, single_line=True))
                label.append(f"  {value.count}", style="bold")
                options.append(Option(label, id=str(index)))
            yield OptionList(*options, id="facet-list")
            yield Static(Text("its key or Enter: narrow the search · Esc: cancel"),
                         id="facet-footer")

    def on_mount(self) -> None:
        options = self.query_one("#facet-list", OptionList)
        if self.rows:
            options.highlighted = 0
        options.focus()

    def on_key(self, event: events.Key) -> None:
        for key, value in self.rows:
            if event.character == key:
                event.stop()
                self.dismiss(value.clause)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.rows[int(event.option.id)][1].clause)

    def action_move(self, delta: int) -> None:
        options = self.query_one("#facet-list", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
