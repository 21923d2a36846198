"""The reader on long articles: the cost of opening and of each key follows the screen,
not the article (it used to grow with the square of the paragraph count)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tests.app_fixtures import main_screen, make_app, screen_text, settle, wait_ready
from tui.app.widgets.reader_layout import ReaderLayout, layout_paragraphs, wrap_starts

PARAGRAPHS = 5_000
KEY_BOUND = 0.2
"""Seconds of CPU a key may cost in the reader, at most (measured: about 0.06 s, most
of it Textual's own; the old reader took minutes to open 5,000 paragraphs)."""
WALL_BOUND = 0.5
"""Median seconds from a key to the next idle frame, pilot overhead included (measured:
about 0.12 s for 30 paragraphs and for 5,000); generous for a busy shared machine."""


def long_article(folder: Path, paragraphs: int = PARAGRAPHS) -> Path:
    folder.mkdir()
    lines = ["A very long log of numbered observations", ""]
    for i in range(paragraphs):
        marker = " The zebrafish returned." if i % 500 == 7 else ""
        lines.append(f"Observation {i} of the season, written down plainly.{marker}")
        lines.append("")
    (folder / "log.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


async def test_a_5000_paragraph_article_opens_and_scrolls_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path, long_article(tmp_path / "corpus"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, timeout=180)
        screen = main_screen(pilot)
        await pilot.press(*"zebrafish")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        started = time.perf_counter()
        await pilot.press("enter")  # open the first result in the reader
        await settle(pilot)
        opened = time.perf_counter() - started
        reader = screen.reader
        doc = reader.document
        assert doc is not None and len(doc.article.paragraphs) == PARAGRAPHS
        assert "zebrafish" in screen_text(app)
        assert f"/{len(doc.article.paragraphs)}" in screen_text(app)  # ¶ n/5000
        walls: list[float] = []
        cpus: list[float] = []
        keys = ["pagedown"] * 10 + ["down"] * 10 + ["n"] * 10 + ["N"] * 3 + ["G", "up", "g"]
        for key in keys:
            started, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await pilot.pause()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        assert reader.scroll_y == 0  # g: back at the top
        assert reader.match_index is not None
        print(f"open {opened:.3f} s; per key: wall median {statistics.median(walls):.3f} s,"
              f" CPU median {statistics.median(cpus):.3f} s, worst {max(cpus):.3f} s")
        assert opened < 3.0
        assert statistics.median(walls) < WALL_BOUND
        assert statistics.median(cpus) < KEY_BOUND / 2
        # the process's CPU includes other threads (the timeline, a collection): generous
        assert max(cpus) < KEY_BOUND * 2.5


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
