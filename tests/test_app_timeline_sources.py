"""The timeline at 80x24: every source of a merged entry, the date clause in each row,
and `{`/`}` saying when there is no day further that way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app_fixtures import main_screen, make_app, screen_text, settle, wait_ready
from tui.app.screens.main import MainScreen
from tui.app.screens.source_picker import SourcePicker
from tui.app.widgets.timeline_rows import crop_window, distinct_sources


@pytest.mark.parametrize(
    ("length", "keep", "limit", "expected"),
    [
        (50, (40, 45), 60, (0, 50)),  # fits: all of it
        (100, (10, 20), 60, (0, 60)),  # the expression is near the start: from the start
        (100, None, 60, (0, 60)),
        (200, (150, 161), 60, (135, 193)),  # cropped so the expression shows
        (200, (190, 200), 60, (142, 200)),  # at the very end: the window ends there
    ],
)
def test_crop_window_keeps_the_expression(
    length: int, keep: tuple[int, int] | None, limit: int, expected: tuple[int, int]
) -> None:
    first, last = crop_window(length, keep, limit)
    assert (first, last) == expected
    if keep is not None:
        assert first <= keep[0] and keep[1] <= last
        assert last - first <= limit


async def _on_the_timeline(pilot: Pilot[Any]) -> MainScreen:
    await wait_ready(pilot)
    screen = main_screen(pilot)
    screen.action_show_pane("timeline")
    await settle(pilot)
    return screen


async def test_a_merged_entry_offers_each_source_and_opens_the_one_picked(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _on_the_timeline(pilot)
        timeline = screen.timeline_pane.timeline_list
        await pilot.press("b")  # the busiest day: reported by several articles
        await settle(pilot)
        entry = timeline.entry_at(timeline.highlighted)
        assert entry is not None
        sources = distinct_sources(entry)
        assert len({s.article_id for s in sources}) > 1
        # the row shows the date clause, cropped around it at 80 columns
        row = timeline.row_text(timeline.highlighted + 1, 78).plain
        primary_expression = next(s.expression for s in sources if s.expression in entry.text)
        assert primary_expression in row, row

        await pilot.press("enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, SourcePicker)
        assert len(picker.choices) == len(sources)
        shown = screen_text(app)
        for choice in picker.choices[:2]:  # (the list scrolls for the rest)
            assert choice.sentence.strip()[:30] in shown
        # each source's own sentence, not the entry's one sentence repeated
        assert len({c.sentence.strip() for c in picker.choices}) > 1
        pick = next(i for i, c in enumerate(picker.choices)
                    if c.source.article_id != picker.choices[0].source.article_id)
        for _ in range(pick):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        chosen = picker.choices[pick].source
        assert screen.pane == "reader" and screen.article_id == chosen.article_id
        doc = screen.reader.document
        assert doc is not None and doc.focus == (chosen.start, chosen.end)

        await pilot.press("q")  # back to the timeline
        await settle(pilot)
        assert screen.pane == "timeline"
        await pilot.press("enter", "escape")  # the picker: Esc cancels
        await settle(pilot)
        assert screen.pane == "timeline" and not isinstance(app.screen, SourcePicker)


async def test_day_jumps_say_when_there_is_no_day_further(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_the_timeline(pilot)
        await pilot.press("home", "left_curly_bracket")
        await settle(pilot)
        assert any("No earlier day" in n.message for n in app._notifications)
        await pilot.press("end", "right_curly_bracket")
        await settle(pilot)
        assert any("No later day" in n.message for n in app._notifications)
