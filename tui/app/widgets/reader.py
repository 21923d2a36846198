"""The reader: one article, wrapped to the pane, with matches and time expressions marked
(drawn by tui.app.widgets.article_view); its keys walk the matches, step through the
articles and act on the current passage (copy, mark, similar, pager, editor, timeline).
"""

from __future__ import annotations

from typing import ClassVar

from textual.message import Message

from index.models import Article, Paragraph
from tui.app.commands import bindings_for
from tui.app.widgets.article_view import ArticleView
from tui.app.widgets.reader_document import citation


class MarkRequested(Message):
    """Mark or unmark a passage (`m` in the results list and in the reader)."""

    def __init__(self, article_id: str, paragraph: int) -> None:
        super().__init__()
        self.article_id = article_id
        self.paragraph = paragraph


class Reader(ArticleView, can_focus=True):
    """Shows a `ReaderDocument`. n/N walk the matches, [ ] step articles, t/y/o/s act on it."""

    BINDINGS = bindings_for("reader")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--header",
        "reader--title",
        "reader--meta",
        "reader--position",
        "reader--evidence",
        "reader--match",
        "reader--current-match",
        "reader--time",
        "reader--current",
        "reader--gutter",
    }

    DEFAULT_CSS = """
    Reader {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    class StepArticle(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class TimelineRequested(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class PagerRequested(Message):
        def __init__(self, article: Article, paragraph: Paragraph | None = None) -> None:
            super().__init__()
            self.article = article
            self.paragraph = paragraph

    class EditorRequested(Message):
        def __init__(self, article: Article, paragraph: Paragraph | None) -> None:
            super().__init__()
            self.article = article
            self.paragraph = paragraph

    class SimilarRequested(Message):
        def __init__(self, article_id: str, paragraph: int | None) -> None:
            super().__init__()
            self.article_id = article_id
            self.paragraph = paragraph

    # -- actions -------------------------------------------------------------------------

    def action_scroll_down(self) -> None:
        self._scroll_to_line(self.scroll_y + 1)

    def action_scroll_up(self) -> None:
        self._scroll_to_line(self.scroll_y - 1)

    def action_page_down(self) -> None:
        self._scroll_to_line(self.scroll_y + self._body_height())

    def action_page_up(self) -> None:
        self._scroll_to_line(self.scroll_y - self._body_height())

    def action_scroll_home(self) -> None:
        self._scroll_to_line(0)

    def action_scroll_end(self) -> None:
        self._scroll_to_line(self.max_scroll_y)

    def _step_match(self, delta: int) -> None:
        doc = self.document
        if doc is None:
            self.app.bell()
            return
        if not doc.matches:
            self.notify("No query matches in this article", severity="warning", timeout=3)
            return
        old = self.match_index
        if old is None:
            self.match_index = 0 if delta > 0 else len(doc.matches) - 1
        else:
            self.match_index = (old + delta) % len(doc.matches)
            if (delta > 0 and self.match_index < old) or (delta < 0 and self.match_index > old):
                self.notify("Search wrapped", timeout=2)
        before = self.current_paragraph
        self.current_paragraph = self._paragraph_of(doc.matches[self.match_index][0])
        old_match = self._paragraph_of(doc.matches[old][0]) if old is not None else None
        for paragraph in (before, old_match, self.current_paragraph):
            if paragraph is not None and paragraph in self._positions:
                self._texts.discard(self._positions[paragraph])
        self.refresh()
        self._scroll_to_current()

    def action_next_match(self) -> None:
        self._step_match(1)

    def action_previous_match(self) -> None:
        self._step_match(-1)

    def action_previous_article(self) -> None:
        self.post_message(self.StepArticle(-1))

    def action_next_article(self) -> None:
        self.post_message(self.StepArticle(1))

    def action_article_timeline(self) -> None:
        if self.article is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        self.post_message(self.TimelineRequested(self.article.id))

    def action_open_pager(self) -> None:
        if self.article is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        self.post_message(self.PagerRequested(self.article, self.current_passage))

    def action_open_editor(self) -> None:
        if self.article is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        self.post_message(self.EditorRequested(self.article, self.current_passage))

    def action_toggle_mark(self) -> None:
        paragraph = self.current_passage
        if self.article is None or paragraph is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        self.post_message(MarkRequested(self.article.id, paragraph.index))

    def action_similar(self) -> None:
        if self.article is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        self.post_message(self.SimilarRequested(self.article.id, self.current_paragraph))

    def citation(self) -> str | None:
        """The current passage and where it comes from, for the clipboard."""
        doc, paragraph = self.document, self.current_passage
        if doc is None or paragraph is None:
            return None
        return citation(doc, paragraph)

    def action_copy_passage(self) -> None:
        text = self.citation()
        if text is None:
            self.notify("Open an article first", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied the passage and its citation ({len(text)} characters)",
            title="Copied",
            timeout=3,
            markup=False,
        )
