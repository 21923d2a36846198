"""Search results: one option per passage (title, source · date · place, snippet with hits)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.models import DateAnchor, Passage, SearchResult
from tui.app.commands import bindings_for
from tui.app.widgets.article_view import MARK
from tui.app.widgets.reader import MarkRequested
from tui.textsafe import clean, safe_text


class ResultsList(OptionList):
    """The ranked passages of the last search. Enter (or click) opens one."""

    BINDINGS = bindings_for("results")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results--title",
        "results--meta",
        "results--highlight",
        "results--snippet",
    }

    class PassageChosen(Message):
        def __init__(self, passage: Passage) -> None:
            super().__init__()
            self.passage = passage

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hits: tuple[Passage, ...] = ()
        self.result: SearchResult | None = None
        self.marks: set[tuple[str, int | None]] = set()
        self.folder_of: Callable[[str], str | None] = _one_folder
        """The label of a hit's folder, shown first when several are searched together."""
        """(article id, paragraph index) of the marked passages (the screen keeps it)."""

    def is_marked(self, passage: Passage) -> bool:
        return (passage.article_id, passage.paragraph) in self.marks

    def refresh_marks(self) -> None:
        """Redraw the rows after a mark changed, keeping the cursor."""
        cursor = self.highlighted
        self._fill(self.hits)
        self.highlighted = cursor

    def action_toggle_mark(self) -> None:
        passage = self.current_passage
        if passage is None:
            self.notify("No result to mark", severity="warning", timeout=3)
            return
        self.post_message(MarkRequested(passage.article_id, passage.paragraph))

    def _row(self, passage: Passage) -> Text:
        title_style = self.get_component_rich_style("results--title", partial=True)
        meta_style = self.get_component_rich_style("results--meta", partial=True)
        snippet_style = self.get_component_rich_style("results--snippet", partial=True)
        mark = self.get_component_rich_style("results--highlight", partial=True)
        row = safe_text(passage.title, title_style, single_line=True)
        if self.is_marked(passage):  # a character, not a colour only
            title, row = row, row.blank_copy(MARK + " ")
            row.stylize(title_style)
            row.append_text(title)
        meta = [passage.source_label]
        if passage.source and (folder := self.folder_of(passage.file)):
            meta.insert(0, folder)  # (without a source, the file name shown starts with it)
        meta.append(passage.date.strftime("%-d %b %Y") if passage.date else "undated")
        if passage.place:
            meta.append(passage.place)
        meta.append(f"¶{passage.paragraph + 1}")
        if passage.also_in_note:
            meta.append(passage.also_in_note)
        row.append("\n")
        row.append(clean(" · ".join(meta), single_line=True), meta_style)
        row.append("\n")
        row.append_text(
            safe_text(
                passage.snippet,
                snippet_style,
                single_line=True,
                spans=[(span.start, span.end, mark) for span in passage.highlights],
            )
        )
        return row

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()

    def action_page_up(self) -> None:
        # A list with no room on screen (another pane shown, a tiny window) has laid out
        # no lines, and OptionList's paging then looks one up and raises KeyError.
        if self.scrollable_content_region:
            super().action_page_up()

    def show_result(self, result: SearchResult) -> None:
        """Replace the list with `result`'s hits (keeps the cursor at the top)."""
        self.result = result
        self.hits = result.hits
        self._fill(result.hits)
        if self.hits:
            self.highlighted = 0

    def redate(self, anchors: Mapping[str, DateAnchor]) -> None:
        """Give undated hits the dates inferred since they were found, keeping the cursor
        where it is (results can arrive before the timeline has dated the articles)."""
        dated = tuple(
            replace(hit, date=anchors[hit.article_id].date)
            if hit.date is None and hit.article_id in anchors
            else hit
            for hit in self.hits
        )
        if dated == self.hits or self.result is None:
            return
        cursor = self.highlighted
        self.hits = dated
        self.result = replace(self.result, hits=dated)
        self._fill(dated)
        self.highlighted = cursor

    def _fill(self, hits: tuple[Passage, ...]) -> None:
        options: list[Option | None] = []
        for index, passage in enumerate(hits):
            if index:
                options.append(None)
            options.append(Option(self._row(passage), id=str(index)))
        self.clear_options()
        self.add_options(options)

    def clear_results(self) -> None:
        self.result = None
        self.hits = ()
        self.clear_options()

    @property
    def current_passage(self) -> Passage | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self.hits[int(option.id)] if option.id is not None else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.PassageChosen(self.hits[int(event.option.id)]))


def _one_folder(_file: str) -> None:
    return None
