"""The reader: one article, wrapped to the pane, with matches and time expressions marked."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from index.models import Article, DateAnchor, Paragraph, Passage, TimeExpression
from tui.commands import bindings_for
from tui.textsafe import clean, safe_text
from tui.widgets.paragraph import ParagraphView


@dataclass(frozen=True, slots=True)
class ReaderDocument:
    """Everything the reader shows, fetched from the engine off the UI thread."""

    article: Article
    anchor: DateAnchor | None = None
    times: tuple[TimeExpression, ...] = ()
    matches: tuple[tuple[int, int], ...] = ()
    """Absolute (start, end) offsets into article.text of query matches, sorted."""
    paragraph: int | None = None
    """Paragraph.index to open at (the passage), if any."""
    focus: tuple[int, int] | None = None
    """An absolute span to make the current match (a timeline expression, a hit)."""
    query: str = ""
    notes: tuple[str, ...] = field(default=())
    dated: bool = True
    """False while the corpus's dates are being worked out (the timeline): the anchor
    and time expressions follow with show_dates()."""


def query_matches(
    article: Article, hits: Iterable[Passage], terms: Iterable[str]
) -> tuple[tuple[int, int], ...]:
    """Absolute spans to highlight: the engine's exact spans, plus other occurrences of terms."""
    spans: set[tuple[int, int]] = set()
    by_index = {p.index: p for p in article.paragraphs}
    for hit in hits:
        if hit.article_id != article.id or hit.paragraph not in by_index:
            continue
        base = by_index[hit.paragraph].start
        spans.update((base + s.start, base + s.end) for s in hit.text_highlights)
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if words:
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE
        )
        for paragraph in article.paragraphs:
            for m in pattern.finditer(article.text, paragraph.start, paragraph.end):
                spans.add((m.start(), m.end()))
    # drop spans contained in another
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    result: list[tuple[int, int]] = []
    for start, end in ordered:
        if result and start < result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
            continue
        result.append((start, end))
    return tuple(result)


def format_date(day: dt.date | None) -> str:
    return day.strftime("%A %-d %B %Y") if day else "undated"


class Reader(VerticalScroll, can_focus=True):
    """Shows a `ReaderDocument`. n/N walk the matches, [ ] step articles, t/y/o/s act on it."""

    BINDINGS = bindings_for("reader")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--title",
        "reader--meta",
        "reader--evidence",
        "reader--match",
        "reader--current-match",
        "reader--time",
    }

    class StepArticle(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class TimelineRequested(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class PagerRequested(Message):
        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    class SimilarRequested(Message):
        def __init__(self, article_id: str, paragraph: int | None) -> None:
            super().__init__()
            self.article_id = article_id
            self.paragraph = paragraph

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.document: ReaderDocument | None = None
        self.current_paragraph: int | None = None
        self.match_index: int | None = None
        self._paragraph_starts: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(self._empty_text(), id="reader-heading")

    @staticmethod
    def _empty_text() -> Text:
        return Text(
            "No article open.\n\nSearch (1 or /), pick a result and press Enter; "
            "or open an article by title with Ctrl+P.",
            end="",
        )

    # -- rendering ---------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        return self.document.article if self.document else None

    def _heading(self, doc: ReaderDocument) -> Text:
        article = doc.article
        title = safe_text(article.title, self.get_component_rich_style("reader--title"))
        meta_style = self.get_component_rich_style("reader--meta", partial=True)
        evidence_style = self.get_component_rich_style("reader--evidence", partial=True)
        where = (article.dateline or "").strip(" \t—–-,:;") or article.place
        anchor = doc.anchor
        day = anchor.date if anchor and anchor.date else article.date
        lines = Text(end="")
        lines.append_text(title)
        meta = []
        if where:
            meta.append(where)
        meta.append(format_date(day))
        meta.append(article.source_label)
        lines.append("\n")
        lines.append(clean(" · ".join(meta), single_line=True), meta_style)
        if anchor is not None:
            how = {
                "front_matter": "date given by the file",
                "inferred": "date inferred",
                "user": "date set by you",
            }.get(
                anchor.date_source, "date unknown"
            )
            evidence = f"{how}: {anchor.evidence}" if anchor.evidence else how
            if anchor.borrowed_from:
                evidence += f" (borrowed from {anchor.borrowed_from})"
            if anchor.date_source == "inferred" and anchor.confidence < 1:
                evidence += f" · confidence {anchor.confidence:.0%}"
            lines.append("\n")
            lines.append(clean(evidence, single_line=True), evidence_style)
        elif not doc.dated:
            lines.append("\n")
            lines.append("working out the date (building the timeline)…", evidence_style)
        lines.append("\n")
        lines.append(clean(article.file, single_line=True), meta_style)
        return lines

    def _paragraph_text(self, doc: ReaderDocument, paragraph: Paragraph) -> Text:
        spans: list[tuple[int, int, object]] = []
        base = paragraph.start
        time_style = self.get_component_rich_style("reader--time", partial=True)
        match_style = self.get_component_rich_style("reader--match", partial=True)
        current_style = self.get_component_rich_style("reader--current-match", partial=True)
        for expr in doc.times:
            if paragraph.start <= expr.start < paragraph.end:
                spans.append((expr.start - base, expr.end - base, time_style))
        current = (
            doc.matches[self.match_index] if self.match_index is not None and doc.matches else None
        )
        for start, end in doc.matches:
            if paragraph.start <= start < paragraph.end:
                style = current_style if (start, end) == current else match_style
                spans.append((start - base, end - base, style))
        return safe_text(paragraph.text, spans=spans)  # type: ignore[arg-type]

    async def show_document(self, doc: ReaderDocument) -> None:
        """Show `doc`, scrolled to its paragraph (marked current) or to the top."""
        previous = self.document
        self.document = doc
        self._paragraph_starts = [p.start for p in doc.article.paragraphs]
        self.match_index = None
        target = doc.paragraph
        if doc.focus is not None:
            target = self._paragraph_of(doc.focus[0])
            if doc.focus in doc.matches:
                self.match_index = doc.matches.index(doc.focus)
        elif target is not None:
            for i, (start, _end) in enumerate(doc.matches):
                if self._paragraph_of(start) == target:
                    self.match_index = i
                    break
        self.current_paragraph = target
        same_layout = (
            previous is not None
            and previous.article.id == doc.article.id
            and [p.index for p in previous.article.paragraphs]
            == [p.index for p in doc.article.paragraphs]
        )
        with self.app.batch_update():
            self.query_one("#reader-heading", Static).update(self._heading(doc))
            if same_layout:
                self._rerender(p.index for p in doc.article.paragraphs)
            else:
                await self.query(ParagraphView).remove()
                await self.mount_all(
                    ParagraphView(p.index, self._paragraph_text(doc, p))
                    for p in doc.article.paragraphs
                )
            self._mark_current()
        self.call_after_refresh(self._scroll_to_current, False)

    def show_dates(
        self, article_id: str, anchor: DateAnchor | None, times: tuple[TimeExpression, ...]
    ) -> None:
        """The article's date and time expressions, once worked out; the view stays put."""
        doc = self.document
        if doc is None or doc.article.id != article_id:
            return
        self.document = replace(doc, anchor=anchor, times=times, dated=True)
        with self.app.batch_update():
            self.query_one("#reader-heading", Static).update(self._heading(self.document))
            self._rerender(p.index for p in doc.article.paragraphs)

    def _paragraph_of(self, offset: int) -> int | None:
        if not self.document or not self.document.article.paragraphs:
            return None
        i = bisect.bisect_right(self._paragraph_starts, offset) - 1
        paragraphs = self.document.article.paragraphs
        return paragraphs[max(i, 0)].index

    def _view(self, index: int | None) -> ParagraphView | None:
        if index is None:
            return None
        found = self.query(f"#para-{index}")
        return found.first(ParagraphView) if found else None

    def _mark_current(self) -> None:
        for view in self.query(ParagraphView):
            view.set_class(view.index == self.current_paragraph, "-current")

    def _scroll_to_current(self, animate: bool = True) -> None:
        view = self._view(self.current_paragraph)
        first = self.document.article.paragraphs[0].index if self.document else None
        if view is None or (self.current_paragraph == first and self.match_index in (None, 0)):
            self.scroll_home(animate=False)
        else:
            self.scroll_to_widget(view, animate=animate, top=True)

    def _rerender(self, indexes: Iterable[int | None]) -> None:
        if not self.document:
            return
        by_index = {p.index: p for p in self.document.article.paragraphs}
        for index in set(indexes):
            view = self._view(index)
            if view is not None and index is not None:
                view.update(self._paragraph_text(self.document, by_index[index]))

    @property
    def current_passage(self) -> Paragraph | None:
        if not self.document or not self.document.article.paragraphs:
            return None
        paragraphs = self.document.article.paragraphs
        for paragraph in paragraphs:
            if paragraph.index == self.current_paragraph:
                return paragraph
        return paragraphs[0]

    # -- actions -------------------------------------------------------------------------

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
        old_paragraph = self._paragraph_of(doc.matches[old][0]) if old is not None else None
        self.current_paragraph = self._paragraph_of(doc.matches[self.match_index][0])
        self._rerender([old_paragraph, self.current_paragraph])
        self._mark_current()
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
        self.post_message(self.PagerRequested(self.article))

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
        article = doc.article
        day = doc.anchor.date if doc.anchor and doc.anchor.date else article.date
        parts = [article.title, article.source_label]
        if day:
            parts.append(day.strftime("%-d %B %Y"))
        source = ", ".join(parts)
        where = f"{article.file}, paragraph {paragraph.index + 1}"
        return clean(f"“{paragraph.text.strip()}”\n— {source} ({where})")

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
