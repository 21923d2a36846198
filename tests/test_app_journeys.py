"""Pilot journeys through the explorer on the real engine (bundled articles, tmp index)."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Input

from tests.app_fixtures import (
    EVIL_MARKUP,
    fixture_corpus,
    main_screen,
    make_app,
    make_engine,
    open_first_result,
    screen_segments_text,
    screen_text,
    settle,
    type_query,
    wait_ready,
)
from tui.app.commands import COMMANDS
from tui.app.messages import SearchDone
from tui.app.screens import main as main_module
from tui.app.screens.help import HelpScreen, help_table
from tui.app.screens.source_picker import SourcePicker
from tui.app.widgets.reader import Reader
from tui.app.widgets.results_list import ResultsList
from tui.app.widgets.timeline_list import TimelineList

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
async def test_search_read_timeline_and_back(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        assert isinstance(app.focused, Input), "the query box has focus at start"

        await type_query(pilot, "joint battalion")
        results = screen.search_pane.results
        assert results.hits, "results appear while typing"
        first = results.hits[0]
        assert first.article_id.startswith("000_")
        assert "call for joint" in screen_text(app)
        assert "passages in" in screen_text(app)

        await pilot.press("enter")  # submit: to the results
        await settle(pilot)
        assert isinstance(app.focused, ResultsList)
        await pilot.press("enter")  # open the highlighted passage
        await settle(pilot)
        reader = screen.reader
        assert screen.pane == "reader" and isinstance(app.focused, Reader)
        assert screen.article_id == first.article_id
        assert reader.current_paragraph == first.paragraph
        assert reader.document is not None and reader.document.matches
        assert "joint battalion" in screen_text(app)

        before = reader.match_index
        await pilot.press("n")
        await settle(pilot)
        assert reader.match_index == (before or 0) + 1

        await pilot.press("3")
        await settle(pilot)
        assert screen.pane == "timeline"
        timeline = screen.timeline_pane.timeline_list
        assert isinstance(app.focused, TimelineList)
        assert timeline.rows
        assert "December 2025" in screen_text(app)

        await pilot.press("b")  # the busiest day
        await settle(pilot)
        row = timeline.row_at(timeline.highlighted)
        assert row is not None and row.kind == "day" and row.dense
        assert row.day is not None and (row.day.month, row.day.day) == (12, 23)
        # the list crops entries to a line; the detail below shows the day's first in full
        assert "Abdourahamane" in screen_text(app)

        await pilot.press("enter")  # several sources reported it: pick one
        await settle(pilot)
        assert isinstance(app.screen, SourcePicker)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pane == "reader"
        doc = reader.document
        assert doc is not None and doc.focus is not None
        assert reader.match_index is not None
        assert doc.matches[reader.match_index] == doc.focus
        expression = doc.article.text[doc.focus[0] : doc.focus[1]]
        assert "23 December" in expression or "Tuesday" in expression

        await pilot.press("escape")  # back to the timeline
        await settle(pilot)
        assert screen.pane == "timeline" and isinstance(app.focused, TimelineList)


async def test_reader_t_shows_article_on_timeline(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        await open_first_result(pilot, "joint battalion")
        article_id = screen.article_id
        assert article_id
        await pilot.press("t")
        await settle(pilot)
        pane = screen.timeline_pane
        assert screen.pane == "timeline" and pane.article_filter == article_id
        events = [r.event for r in pane.timeline_list.rows if r.event]
        assert events and all(any(s.article_id == article_id for s in e.sources) for e in events)
        await pilot.press("a")
        await settle(pilot)
        assert pane.article_filter is None
        assert len([r for r in pane.timeline_list.rows if r.event]) > len(events)
        await pilot.press("backspace")  # back to the reader
        await settle(pilot)
        assert screen.pane == "reader"


async def test_history_persists_across_runs(tmp_path: Path) -> None:
    first = make_app(tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "joint battalion")
        await pilot.press("enter")
        await settle(pilot)
        await type_query(pilot, "summit")
        await pilot.press("enter")
        await settle(pilot)
    second = make_app(tmp_path)
    async with second.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        box = main_screen(pilot).search_pane.query_input
        assert box.has_focus and box.value == ""
        await pilot.press("up")
        assert box.value == "summit"
        await pilot.press("up")
        assert box.value == "joint battalion"
        await pilot.press("down")
        assert box.value == "summit"
        await pilot.press("down")
        assert box.value == ""
    stored = (tmp_path / "data" / "query-history.json").read_text(encoding="utf-8")
    assert "joint battalion" in stored


async def test_ctrl_r_picks_from_history(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.history.add("joint battalion")
    app.history.add("ferry")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryPicker"
        await pilot.press(*"joint")
        await pilot.press("enter")
        await settle(pilot)
        box = main_screen(pilot).search_pane.query_input
        assert box.value == "joint battalion" and box.has_focus


async def test_help_lists_every_binding(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_ready(pilot)
        await pilot.press("?")  # in the query box `?` is text
        assert main_screen(pilot).search_pane.query_text == "?"
        await pilot.press("backspace", "tab")  # out of the query box (to the reader)
        await settle(pilot)
        assert isinstance(app.focused, Reader)
        await pilot.press("?")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "keys and query syntax" in shown and "Quit" in shown
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(help_table())
        table_text = console.export_text()
        for command in COMMANDS:
            assert command.keys_display in table_text, command.id
            assert (command.help or command.description)[:30] in table_text, command.id
        assert "Query syntax" in table_text
        await pilot.press("end")
        await settle(pilot)
        assert "Query syntax" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        # F1 works from inside the query box
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_palette_opens_article_by_title(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"large-scale operations")
        await pilot.pause(0.5)
        await settle(pilot)
        assert "Open: Mali, Burkina Faso and Niger call" in screen_text(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.pane == "reader"
        assert screen.article_id is not None and screen.article_id.startswith("000_")


async def test_palette_runs_actions(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Show the timeline pane")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert main_screen(pilot).pane == "timeline"


async def test_escape_leaves_query_box_and_q_is_text_there(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "q1")
        screen = main_screen(pilot)
        assert screen.search_pane.query_text == "q1" and app.is_running
        assert screen.pane == "search"
        screen.search_pane.query_input.value = ""
        await type_query(pilot, "battalion")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, ResultsList)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("tab")  # Tab leaves the query box too
        await settle(pilot)
        assert screen.pane == "reader"
        await pilot.press("q")  # back one level
        await settle(pilot)
        assert app.is_running and screen.pane == "search"
        await pilot.press("q")  # the top level: quit
        await settle(pilot)
        assert not app.is_running


@pytest.mark.parametrize("where", [Input, Reader], ids=["query box", "reader"])
async def test_ctrl_q_quits_from_query_box(tmp_path: Path, where: type) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        if where is Reader:  # where q goes back, Ctrl+Q still quits
            await pilot.press("tab")
            await settle(pilot)
        assert isinstance(app.focused, where)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


def _visible(app_screen: object, widget_id: str) -> bool:
    widget = app_screen.query_one(widget_id)  # type: ignore[attr-defined]
    return bool(widget.display) and widget.region.width > 10 and widget.region.height > 5


async def test_resize_reflows(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        await open_first_result(pilot, "joint battalion")
        assert screen.has_class("-narrow")
        assert _visible(screen, "#reader") and not _visible(screen, "#search")

        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert screen.has_class("-wide")
        assert _visible(screen, "#search") and _visible(screen, "#reader")
        assert not _visible(screen, "#timeline")
        assert "call for joint" in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        assert _visible(screen, "#search") and _visible(screen, "#timeline")
        assert not _visible(screen, "#reader")

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.has_class("-narrow")
        assert _visible(screen, "#timeline") and not _visible(screen, "#search")
        assert app.focused is not None and app.focused.region.width > 0
        await pilot.press("1")
        await settle(pilot)
        assert _visible(screen, "#search") and screen.search_pane.results.hits


@pytest.mark.parametrize("query", ['"joint battalion', "x:y joint", "joint AND", "(((("])
async def test_bad_query_notifies_without_crash(tmp_path: Path, query: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, query)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        status = str(main_screen(pilot).search_pane.query_one("#search-status").render())
        notified = [n.message for n in app._notifications]
        assert notified or "ignored" in status, (status, notified)


async def test_typo_is_corrected_and_said(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "jont batalion")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "searched" in text and "joint battalion" in text
        assert main_screen(pilot).search_pane.results.hits


async def test_stale_results_are_discarded(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        result = app.engine.search("ferry")
        screen.search_pane.query_input.value = "joint battalion"
        screen.post_message(SearchDone("ferry", result, None, False))
        await settle(pilot)
        assert screen.search_pane.results.result is not result


async def test_markup_and_escapes_render_inertly(tmp_path: Path) -> None:
    app = make_app(tmp_path, fixture_corpus(tmp_path, evil=True))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_ready(pilot)
        assert app.engine_state == "ready"
        screen = main_screen(pilot)
        await type_query(pilot, "zebrafish")
        assert screen.search_pane.results.hits
        text = screen_text(app)
        for piece in EVIL_MARKUP.split(" "):  # markup in titles/snippets shows literally
            assert piece in text, piece
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert screen.article_id == "evil"
        text = screen_text(app)
        assert "[bold red]x[/]" in text and "[@click=app.quit]c[/]" in text
        assert "␛[2J" in text and "␛]52;c;aGk=␇" in text
        raw = screen_segments_text(app)
        assert "\x1b" not in raw and "\x07" not in raw and "\x9b" not in raw
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard and "\x1b" not in app.clipboard and "\x07" not in app.clipboard
        assert "Evil headline" in app.clipboard
        # the palette shows the evil title literally too
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Evil headline")
        await pilot.pause(0.5)
        await settle(pilot)
        assert "[bold red]x[/]" in screen_text(app)
        assert app.is_running


async def test_copy_passage_with_citation(tmp_path: Path) -> None:
    app = make_app(tmp_path, fixture_corpus(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await open_first_result(pilot, "forty vessels")
        await pilot.press("y")
        await settle(pilot)
        assert "forty vessels" in app.clipboard
        assert "Dock workers walk out over pay at the northern harbour" in app.clipboard
        assert "harbour_strike.txt" in app.clipboard
        assert any("Copied" in n.message for n in app._notifications)
        # the file is named once (an article without `source:` has no source to give),
        # and an inferred date says so
        citation = app.clipboard.split("\n— ", 1)[1]
        assert citation.count("harbour_strike") == 1, citation
        # nothing in the text pins this article's date: the citation says so
        assert app.engine.anchors()["harbour_strike"].date_source == "unknown"
        assert citation.startswith(
            "Dock workers walk out over pay at the northern harbour, "
            "date unknown (harbour_strike.txt, paragraph"
        )


async def test_article_stepping_and_top_bottom(tmp_path: Path) -> None:
    app = make_app(tmp_path, fixture_corpus(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        ids = [s.id for s in app.article_summaries]
        assert len(ids) == 3
        app.open_article(ids[0])
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.article_id == ids[1]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.article_id == ids[0]
        await pilot.press("G")
        await settle(pilot)
        assert screen.reader.scroll_y == screen.reader.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert screen.reader.scroll_y == 0


async def test_typing_before_the_index_is_open(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        # no wait: type straight away, the search runs once the engine is open
        await pilot.press(*"joint battalion")
        await wait_ready(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert main_screen(pilot).search_pane.results.hits


async def test_results_follow_an_update_that_ends_after_the_first_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app searches the index as the last run left it while open() looks for changes;
    when the update lands, the query on screen is searched again."""
    corpus = fixture_corpus(tmp_path)
    make_engine(tmp_path, corpus).open()
    (corpus / "ferry.txt").write_text(
        "Zebroid ferry\n\nThe zebroid ferry resumed its crossings.\n", encoding="utf-8"
    )
    app = make_app(tmp_path, corpus)
    engine, searched = app.engine, threading.Event()
    search, update = engine.search, engine.open

    def search_then_say(query: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return search(query, *args, **kwargs)
        finally:
            if query == "zebroid":
                searched.set()

    def update_after_a_search(*args: Any, **kwargs: Any) -> Any:
        assert searched.wait(20), "the whole query never searched the index as left"
        return update(*args, **kwargs)

    monkeypatch.setattr(engine, "search", search_then_say)
    monkeypatch.setattr(engine, "open", update_after_a_search)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"zebroid")
        await wait_ready(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        hits = main_screen(pilot).search_pane.results.hits
        assert [hit.article_id for hit in hits] == ["ferry"]


async def test_the_reader_shows_an_article_while_the_dates_are_worked_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dates come from the timeline, which takes minutes on a large corpus: the reader
    shows the article at once, says the date is coming, and fills it in later."""
    monkeypatch.setattr(main_module, "TIMELINE_DELAY", 600)  # only the reader asks for it
    app = make_app(tmp_path, fixture_corpus(tmp_path))
    engine, release = app.engine, threading.Event()
    build = engine._timelines.build

    def slow_build(stop: Any) -> Any:
        assert release.wait(30), "the test never let the timeline finish"
        return build(stop)

    monkeypatch.setattr(engine._timelines, "build", slow_build)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "forty vessels")
        await pilot.press("enter", "enter")
        reader = main_screen(pilot).reader
        for _ in range(200):
            if reader.document is not None:
                break
            await pilot.pause(0.05)
        assert reader.document is not None and not reader.document.dated
        assert "working out the date" in screen_text(app)
        release.set()
        await settle(pilot)
        assert reader.document.dated and reader.document.anchor is not None
        assert reader.document.times, "the time expressions are marked once dated"
        assert "working out the date" not in screen_text(app)


async def test_unusable_corpus_is_a_notification(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.bin").write_bytes(b"\x00\x01")
    app = make_app(tmp_path, empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "anything")
        await pilot.press("3")
        await settle(pilot)
        assert app.is_running


async def test_timeline_errors_are_shown_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path, fixture_corpus(tmp_path))

    def broken(**_kwargs: object) -> object:
        raise ImportError("No module named 'index.timeline.build'")

    monkeypatch.setattr(app.engine, "timeline", broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await pilot.press("tab", "tab")  # out of the query box, to the timeline
        await settle(pilot)
        assert "Timeline unavailable" in screen_text(app)
        assert any("Timeline unavailable" in n.message for n in app._notifications)
        assert app.is_running
