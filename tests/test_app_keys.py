"""The keyboard model a newcomer meets first: focus never lands on an empty list, `q`
goes back one level (quits only from the top), pastes and early keys reach the query box."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from tests.app_fixtures import main_screen, make_app, settle, type_query, wait_ready
from tui.app.widgets.reader import Reader
from tui.app.widgets.results_list import ResultsList
from tui.app.widgets.timeline_list import TimelineList


async def test_enter_and_escape_in_an_empty_box_keep_focus_so_q_is_text(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        for key in ("enter", "escape", "down"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.focused, Input), f"{key} moved focus to an empty list"
        await pilot.press(*"qatar")
        await settle(pilot)
        assert app.is_running, "a typed word quit the app"
        assert screen.search_pane.query_text == "qatar"


async def test_results_that_become_empty_give_focus_back_to_the_box(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        results = screen.search_pane.results
        await type_query(pilot, "battalion")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ResultsList)
        empty = app.engine.search("zzzzqqqq")
        assert not empty.hits
        screen.search_pane.show_result(empty)
        await settle(pilot)
        assert isinstance(app.focused, Input)
        results.focus()  # e.g. a click or a command: an empty list does not keep it
        await settle(pilot)
        assert isinstance(app.focused, Input)


async def test_enter_before_the_results_arrive_moves_to_them_when_they_do(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        box = screen.search_pane.query_input
        box.value = "battalion"
        await pilot.press("enter")  # before the debounced search has run
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.search_pane.results.hits
        assert isinstance(app.focused, ResultsList)


async def test_q_goes_back_one_level_and_quits_only_from_the_top(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        await type_query(pilot, "battalion")
        await pilot.press("enter", "enter")  # results, then the reader
        await settle(pilot)
        assert screen.pane == "reader" and isinstance(app.focused, Reader)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and screen.pane == "search"
        assert isinstance(app.focused, ResultsList)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.focused, TimelineList)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and screen.pane == "search"
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running


async def test_a_multi_line_paste_keeps_every_line(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        box = main_screen(pilot).search_pane.query_input
        box.post_message(events.Paste("joint\n  military\r\nbattalion\n"))
        await settle(pilot)
        assert box.value == "joint military battalion"


async def test_keys_taken_before_the_box_had_focus_are_typed_into_it(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        screen = main_screen(pilot)
        box = screen.search_pane.query_input
        # what SummitApp.on_event does with a key read while nothing has focus yet
        screen._query_had_focus = False
        for key, char in (("b", "b"), ("a", "a"), ("backspace", None), ("q", "q")):
            assert screen.take_early_key(events.Key(key, char))
        assert not screen.take_early_key(events.Key("escape", None))
        assert box.value == "bq" and app.is_running


async def test_paging_a_list_with_no_room_on_screen_is_a_no_op(tmp_path: Path) -> None:
    """PageUp/PageDown reaching the results while another pane has the room: OptionList
    had laid out no lines and raised KeyError (seen over SSH, every key in every pane)."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "battalion")
        results = main_screen(pilot).query_one(ResultsList)
        assert results.hits
        results.display = False
        await pilot.pause()
        assert not results.scrollable_content_region
        results.clear_options()  # new results arrive while it has no room
        results.add_options(["a", "b"])
        results.highlighted = 1
        results.action_page_up()
        results.action_page_down()
        results.display = True
        await pilot.pause()
        results.action_page_up()
        assert results.highlighted == 0
