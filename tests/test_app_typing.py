"""Search as you type helps before Enter: corrections, unfinished words, sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from index.search.fallback import ANY_WORDS_NOTE
from tests.app_fixtures import main_screen, make_app, screen_text, settle, type_query, wait_ready


def _status(pilot: Pilot[Any]) -> str:
    return str(main_screen(pilot).search_pane.query_one("#search-status").render())


async def test_a_misspelt_word_shows_its_correction_before_enter(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "batallion")  # no Enter
        results = main_screen(pilot).search_pane.results
        assert results.hits, "the corrected query's results show while typing"
        status = _status(pilot)
        assert status.count("battalion") == 1, status  # said once
        await pilot.press("enter")
        await settle(pilot)
        status = _status(pilot)
        assert status.count("battalion") == 1, status  # and once after Enter
        assert "battalion" in screen_text(app)


async def test_a_sentence_falls_back_to_any_words_with_a_note(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "who said the alliance put an end to occupation forces")
        await pilot.press("enter")
        await settle(pilot)
        results = main_screen(pilot).search_pane.results
        assert results.hits and results.result is not None
        assert results.result.mode == "any"
        assert ANY_WORDS_NOTE in _status(pilot)
        assert "occupation forces" in screen_text(app)
