"""Snapshots of the main screens at 80x24 and 120x40 (fixed today, tmp index, engine open)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app_fixtures import main_screen, make_app, settle, type_query, wait_ready

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]

Journey = Callable[[Pilot[Any]], Awaitable[None]]


async def _empty(pilot: Pilot[Any]) -> None:
    await wait_ready(pilot)


async def _results(pilot: Pilot[Any]) -> None:
    await wait_ready(pilot)
    await type_query(pilot, "joint battalion")
    await pilot.press("enter")
    await settle(pilot)


async def _reader(pilot: Pilot[Any]) -> None:
    await _results(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


async def _timeline(pilot: Pilot[Any]) -> None:
    await wait_ready(pilot)
    main_screen(pilot).action_show_pane("timeline")
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await wait_ready(pilot)
    await pilot.press("f1")
    await settle(pilot)


async def _finish(pilot: Pilot[Any]) -> None:
    # no cursor blink / hover state in the picture
    for widget in pilot.app.query("Input"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await settle(pilot)


JOURNEYS: dict[str, Journey] = {
    "empty": _empty,
    "results": _results,
    "reader": _reader,
    "timeline": _timeline,
    "help": _help,
}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", list(JOURNEYS))
def test_screen(snap_compare: Any, tmp_path: Path, name: str, size: tuple[int, int]) -> None:
    app = make_app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await JOURNEYS[name](pilot)
        await _finish(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
