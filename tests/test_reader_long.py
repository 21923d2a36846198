"""The reader on long articles: the work of opening follows the article once and the work
of each key follows the screen, not the article (it used to grow with the square of the
paragraph count). Counted here; timed by bench/ptyapp.py and the tmux journey."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.strip import Strip

from tests.app_fixtures import main_screen, make_app, screen_text, settle, wait_ready
from tui.app.widgets import article_view
from tui.app.widgets.article_view import ArticleView
from tui.app.widgets.reader_layout import ReaderLayout, layout_paragraphs, wrap_starts

PARAGRAPHS = 5_000
LINES_PER_KEY = 3
"""Screens of lines a key may draw (the line API draws what is visible, and Textual may
draw it twice): the old reader rendered the whole article on every key."""
TEXTS_PER_KEY = 3
"""Screens of paragraphs a key may style afresh (each visible once, then cached)."""

def long_article(folder: Path, paragraphs: int = PARAGRAPHS) -> Path:
    folder.mkdir()
    lines = ["A very long log of numbered observations", ""]
    for i in range(paragraphs):
        marker = " The zebrafish returned." if i % 500 == 7 else ""
        lines.append(f"Observation {i} of the season, written down plainly.{marker}")
        lines.append("")
    (folder / "log.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


async def test_a_5000_paragraph_article_opens_and_scrolls_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed (speed is bench/'s to measure): opening lays each paragraph out
    once, and each key draws and styles about a screen, whatever the article's length."""
    drawn: list[int] = []
    styled: list[int] = []
    laid_out: list[int] = []
    real_draw, real_style = ArticleView.render_line, ArticleView._paragraph_text
    real_layout = article_view.layout_paragraphs

    def draw(view: ArticleView, y: int) -> Strip:
        drawn.append(y)
        return real_draw(view, y)

    def style(view: ArticleView, position: int) -> Text:
        if view._texts.get(position) is None:
            styled.append(position)
        return real_style(view, position)

    def layout(texts: list[str], width: int) -> ReaderLayout:
        laid_out.append(len(texts))
        return real_layout(texts, width)

    monkeypatch.setattr(ArticleView, "render_line", draw)
    monkeypatch.setattr(ArticleView, "_paragraph_text", style)
    monkeypatch.setattr(article_view, "layout_paragraphs", layout)
    app = make_app(tmp_path, long_article(tmp_path / "corpus"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, timeout=180)
        screen = main_screen(pilot)
        await pilot.press(*"zebrafish")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        laid_out.clear()
        await pilot.press("enter")  # open the first result in the reader
        await settle(pilot)
        reader = screen.reader
        doc = reader.document
        assert doc is not None and len(doc.article.paragraphs) == PARAGRAPHS
        assert "zebrafish" in screen_text(app)
        assert f"/{len(doc.article.paragraphs)}" in screen_text(app)  # ¶ n/5000
        # the article laid out once (twice should the width settle), never per paragraph
        assert laid_out and len(laid_out) <= 2 and set(laid_out) == {PARAGRAPHS}, laid_out
        height = reader.size.height
        keys = ["pagedown"] * 10 + ["down"] * 10 + ["n"] * 10 + ["N"] * 3 + ["G", "up", "g"]
        per_key: list[tuple[str, int, int]] = []
        for key in keys:
            drawn.clear()
            styled.clear()
            await pilot.press(key)
            await pilot.pause()
            per_key.append((key, len(drawn), len(styled)))
        assert reader.scroll_y == 0  # g: back at the top
        assert reader.match_index is not None
        assert any(lines for _, lines, _ in per_key)  # the counting saw the drawing
        worst_lines = max(per_key, key=lambda item: item[1])
        worst_texts = max(per_key, key=lambda item: item[2])
        assert worst_lines[1] <= LINES_PER_KEY * height, worst_lines
        assert worst_texts[2] <= TEXTS_PER_KEY * height, worst_texts


async def test_n_walks_matches_far_down_and_says_where_it_is(tmp_path: Path) -> None:
    app = make_app(tmp_path, long_article(tmp_path / "corpus", paragraphs=2_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, timeout=180)
        screen = main_screen(pilot)
        app.open_article(app.article_summaries[0].id)
        await settle(pilot)
        reader = screen.reader
        assert reader.document is not None and not reader.document.matches
        assert "Observation 0 " in screen_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert "Observation 1999 " in screen_text(app)
        assert reader.scroll_y == reader.max_scroll_y


def test_wrap_starts_breaks_long_lines_only() -> None:
    assert wrap_starts("short", 10) == (0,)
    assert wrap_starts("one two three", 7) == (0, 8)
    assert wrap_starts("one two three", 5) == (0, 4, 8)
    assert wrap_starts("a\nb", 10) == (0, 2)
    assert wrap_starts("x" * 25, 10) == (0, 10, 20)  # a long word is folded
    wide = "漢字" * 5  # two cells each
    assert wrap_starts(wide, 10) == (0, 5)


def test_layout_locates_every_line() -> None:
    layout: ReaderLayout = layout_paragraphs(["one two three", "four", "five six"], 7)
    # one two / three / (blank) / four / (blank) / five / six
    assert layout.height == 7
    assert [layout.locate(i) for i in range(7)] == [
        (0, 0), (0, 1), None, (1, 0), None, (2, 0), (2, 1),
    ]
    assert layout.line_of(2, 5) == 6


async def test_every_reader_line_has_a_style_for_no_color(tmp_path: Path) -> None:
    """NO_COLOR's monochrome filter needs a style on every segment (it crashed on the
    reader's empty message over SSH)."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        reader = main_screen(pilot).reader
        for y in range(reader.size.height):
            for segment in reader.render_line(y):
                assert segment.style is not None, (y, segment)
        app.open_article(app.article_summaries[0].id)
        await settle(pilot)
        for y in range(reader.size.height):
            for segment in reader.render_line(y):
                assert segment.style is not None, (y, segment)
