"""The article view under the reader: a Line API scroll view of one `ReaderDocument`.

An article can have tens of thousands of paragraphs (a log file): it is laid out once
per width (line breaks only, no styling: reader_layout) and only the lines on screen
are styled and rendered, so opening an article and every key after cost in proportion
to the screen, not the article. Three header rows stay put above the text: title, where
and when, and where the reader is (match 2/5, result 3/30, paragraph). The keys are the
reader's (tui.app.widgets.reader).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import replace

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from index.models import Article, DateAnchor, Paragraph, TimeExpression
from tui.app.widgets.reader_document import ReaderDocument, date_evidence, meta_line
from tui.app.widgets.reader_layout import (
    ReaderLayout,
    display_text,
    layout_paragraphs,
    spans_within,
    wrap_starts,
)
from tui.textsafe import clean, safe_text

HEADER_ROWS = 3
"""Title; where, when and the source; match, result and paragraph position."""

GUTTER = "▌ "
"""Left of the current passage's lines (two cells; other lines get two spaces)."""
MARK = "★"
"""Shown before a marked passage (results list and reader gutter)."""

RIGHT_MARGIN = 1


class ArticleView(ScrollView):
    """Draws the reader's document; the reader adds the keys and messages."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.document: ReaderDocument | None = None
        self.current_paragraph: int | None = None
        """Paragraph.index of the current passage."""
        self.match_index: int | None = None
        self._paragraph_starts: list[int] = []
        self._positions: dict[int, int] = {}
        """Paragraph.index → position in article.paragraphs."""
        self._match_starts: list[int] = []
        self._times: list[tuple[int, int]] = []
        self._time_starts: list[int] = []
        self._layout: ReaderLayout | None = None
        self._texts: LRUCache[int, Text] = LRUCache(256)
        """Styled paragraph texts by position; only paragraphs on screen are built."""
        self._pending_scroll = False
        """The current passage must be scrolled to once the reader has a width."""
        self._base_style = Style()
        self.marks: set[tuple[str, int | None]] = set()
        """(article id, paragraph index) of the marked passages (the screen keeps it)."""

    # -- document ------------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        return self.document.article if self.document else None

    async def show_document(self, doc: ReaderDocument) -> None:
        """Show `doc`, scrolled to its paragraph (marked current) or to the top."""
        previous = self.document
        self.document = doc
        article = doc.article
        self._paragraph_starts = [p.start for p in article.paragraphs]
        self._positions = {p.index: i for i, p in enumerate(article.paragraphs)}
        self._match_starts = [start for start, _end in doc.matches]
        self._set_times(doc.times)
        self.match_index = None
        target = doc.paragraph
        if doc.focus is not None:
            target = self._paragraph_of(doc.focus[0])
            i = bisect.bisect_left(doc.matches, doc.focus)
            if i < len(doc.matches) and doc.matches[i] == doc.focus:
                self.match_index = i
        elif target is not None and target in self._positions:
            paragraph = article.paragraphs[self._positions[target]]
            found = spans_within(doc.matches, self._match_starts, paragraph.start, paragraph.end)
            self.match_index = found.start if found else None
        self.current_paragraph = target
        same_text = (
            previous is not None
            and previous.article.id == article.id
            and previous.article.content_hash == article.content_hash
        )
        if not (same_text and self._layout is not None):
            self._layout = None
            self._relayout()
        self._texts.clear()
        self.refresh()
        self.call_after_refresh(self._scroll_to_current)

    def show_dates(
        self, article_id: str, anchor: DateAnchor | None, times: tuple[TimeExpression, ...]
    ) -> None:
        """The article's date and time expressions, once worked out; the view stays put."""
        doc = self.document
        if doc is None or doc.article.id != article_id:
            return
        self.document = replace(doc, anchor=anchor, times=times, dated=True)
        self._set_times(times)
        self._texts.clear()
        self.refresh()

    def _set_times(self, times: Iterable[TimeExpression]) -> None:
        self._times = sorted((t.start, t.end) for t in times)
        self._time_starts = [start for start, _end in self._times]

    def _paragraph_of(self, offset: int) -> int | None:
        if not self.document or not self.document.article.paragraphs:
            return None
        i = bisect.bisect_right(self._paragraph_starts, offset) - 1
        return self.document.article.paragraphs[max(i, 0)].index

    @property
    def current_passage(self) -> Paragraph | None:
        if not self.document or not self.document.article.paragraphs:
            return None
        paragraphs = self.document.article.paragraphs
        position = self._positions.get(self.current_paragraph)  # type: ignore[arg-type]
        return paragraphs[position if position is not None else 0]

    # -- layout and scrolling --------------------------------------------------------------

    def _text_width(self) -> int:
        return self.scrollable_content_region.width - cell_len(GUTTER) - RIGHT_MARGIN

    def _relayout(self) -> None:
        """Line breaks for the current width (kept when the width is unchanged); the
        paragraph at the top stays at the top."""
        doc = self.document
        width = self._text_width()
        if doc is None or width <= 0:
            self.virtual_size = Size(0, 0)
            return
        old = self._layout
        if old is not None and old.width == width:
            return
        top = old.locate(round(self.scroll_y)) if old is not None else None
        self._layout = layout_paragraphs([p.text for p in doc.article.paragraphs], width)
        self.virtual_size = Size(0, self._layout.height + HEADER_ROWS)
        if top is not None:
            self.scroll_to(y=self._layout.first_lines[top[0]], animate=False, force=True)

    def on_resize(self) -> None:
        self._relayout()
        self.refresh()
        if self._pending_scroll:
            self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self, animate: bool = False) -> None:
        """The current match's (else passage's) paragraph at the top of the text, or,
        when the match is further down a long paragraph, the match's line."""
        doc, layout = self.document, self._layout
        if doc is None:
            return
        if layout is None or self.scrollable_content_region.height <= HEADER_ROWS:
            self._pending_scroll = True
            return
        self._pending_scroll = False
        position = self._positions.get(self.current_paragraph)  # type: ignore[arg-type]
        if position is None or (position == 0 and self.match_index in (None, 0)):
            self.scroll_to(y=0, animate=False, force=True)
            return
        target = layout.first_lines[position]
        if self.match_index is not None:
            paragraph = doc.article.paragraphs[position]
            start = doc.matches[self.match_index][0] - paragraph.start
            line = layout.line_of(position, start)
            body = self.scrollable_content_region.height - HEADER_ROWS
            if line - target >= body:
                target = line - body // 3
        self.scroll_to(y=target, animate=animate, force=True)

    # -- rendering -----------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _paragraph_text(self, position: int) -> Text:
        """Paragraph `position` made inert, its matches and time expressions styled."""
        cached = self._texts.get(position)
        if cached is not None:
            return cached
        assert self.document is not None
        doc = self.document
        paragraph = doc.article.paragraphs[position]
        base = paragraph.start
        spans: list[tuple[int, int, Style]] = []
        time_style = self._style("reader--time")
        for i in spans_within(self._times, self._time_starts, paragraph.start, paragraph.end):
            start, end = self._times[i]
            spans.append((start - base, end - base, time_style))
        match_style = self._style("reader--match")
        current_style = self._style("reader--current-match")
        for i in spans_within(doc.matches, self._match_starts, paragraph.start, paragraph.end):
            start, end = doc.matches[i]
            style = current_style if i == self.match_index else match_style
            spans.append((start - base, end - base, style))
        text = Text(display_text(paragraph.text), end="")
        for start, end, style in spans:
            start, end = max(0, start), min(len(text), end)
            if start < end:
                text.stylize(style, start, end)
        self._texts[position] = text
        return text

    def _header_line(self, row: int, doc: ReaderDocument) -> Text:
        article = doc.article
        if row == 0:
            return safe_text(article.title, self._style("reader--title"), single_line=True)
        if row == 1:
            return safe_text(meta_line(doc), self._style("reader--meta"), single_line=True)
        return self._position_line(doc)

    def _position_line(self, doc: ReaderDocument) -> Text:
        """`match 2/5 · result 3/30 · ¶ 4/12 · date inferred: …`."""
        text = Text(end="")
        position_style = self._style("reader--position")
        parts: list[str] = []
        if doc.matches:
            current = "–" if self.match_index is None else str(self.match_index + 1)
            parts.append(f"match {current}/{len(doc.matches)}")
        elif doc.query:
            parts.append("no matches here")
        if doc.result_position is not None:
            rank, count = doc.result_position
            parts.append(f"result {rank}/{count}")
        paragraphs = doc.article.paragraphs
        position = self._positions.get(self.current_paragraph)  # type: ignore[arg-type]
        if paragraphs:
            parts.append(f"¶ {(position or 0) + 1}/{len(paragraphs)}")
        text.append(" · ".join(parts), position_style)
        evidence = date_evidence(doc)
        if evidence:
            text.append(" · " if parts else "")
            text.append(clean(evidence, single_line=True), self._style("reader--evidence"))
        return text

    @staticmethod
    def _empty_text() -> Text:
        return Text(
            "No article open. Search (1 or /), pick a result and press Enter; "
            "or open an article by title with Ctrl+P.",
            end="",
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base_style = self.rich_style  # once per refresh, not per line
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        self._texts.clear()
        self.refresh()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base_style
        if width <= 0:
            return Strip.blank(0, base)
        doc, layout = self.document, self._layout
        if doc is None or layout is None:
            return self._empty_line(y, width, base)
        if y < HEADER_ROWS:
            header = Text(" ", end="") + self._header_line(y, doc)
            return self._strip(header, width, base + self._style("reader--header"))
        located = layout.locate(round(self.scroll_y) + y - HEADER_ROWS)
        if located is None:
            return Strip.blank(width, base)
        position, within = located
        starts = layout.starts[position]
        text = self._paragraph_text(position)
        end = starts[within + 1] if within + 1 < len(starts) else len(text)
        line = text[starts[within] : end]
        line.rstrip()  # the space (or newline) the line broke at
        index = doc.article.paragraphs[position].index
        current = index == self.current_paragraph
        # a mark is a character on the paragraph's first line, not a colour only
        marked = within == 0 and (doc.article.id, index) in self.marks
        if current:
            gutter = GUTTER[0] + MARK if marked else GUTTER
            line = Text(gutter, self._style("reader--gutter"), end="") + line
            line.stylize_before(self._style("reader--current"))
            line.truncate(width, overflow="crop", pad=True)
            return self._strip(line, width, base + self._style("reader--current"))
        gutter = (MARK + " " if marked else "").ljust(cell_len(GUTTER))
        return self._strip(Text(gutter, end="") + line, width, base)

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        message = self._empty_text()
        starts = wrap_starts(message.plain, max(width - 2, 1))
        if y >= len(starts):
            return Strip.blank(width, base)
        end = starts[y + 1] if y + 1 < len(starts) else len(message)
        return self._strip(Text(" ", end="") + message[starts[y] : end], width, base)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        # as a span: Rich renders a Text without spans with no style at all (not even
        # its own), and Textual's filters (NO_COLOR) need one on every segment
        text.stylize_before(style)
        return Strip(text.render(self.app.console), width)

    # Scrolling is instant, as in less: an animation redraws the screen a dozen times
    # per key (costly over SSH) and a key would not be answered until it ends.

    def _scroll_to_line(self, y: float) -> None:
        self.scroll_to(y=max(0.0, min(y, self.max_scroll_y)), animate=False, force=True)

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_ROWS)
