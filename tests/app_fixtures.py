"""Shared helpers for the app tests (pilot journeys, snapshots): real engine, tmp index."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from index.engine import Engine
from tui.app.app import SummitApp, build_app
from tui.app.screens.main import MainScreen

TODAY = dt.date(2026, 11, 23)
REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "app"

EVIL_MARKUP = "[bold red]x[/] [link=https://example.com]l[/link] [@click=app.quit]c[/]"
EVIL_ESCAPES = "\x1b[2J \x1b]52;c;aGk=\x07 \x9b31m"
EVIL_ARTICLE = (
    f"Evil headline {EVIL_MARKUP}\n"
    f"EVILTOWN — The zebrafish report says {EVIL_MARKUP} and {EVIL_ESCAPES} end.\n"
    "A second zebrafish paragraph with a bell \x07 and a carriage\rreturn.\n"
)


def make_engine(tmp_path: Path, articles: Path | None = None) -> Engine:
    return Engine(articles_dir=articles, index_dir=tmp_path / "index", today=TODAY)


def make_app(tmp_path: Path, articles: Path | None = None) -> SummitApp:
    """The app on the bundled articles (or `articles`), a tmp index and a tmp data dir."""
    return build_app(make_engine(tmp_path, articles), data_dir=tmp_path / "data")


def fixture_corpus(tmp_path: Path, *, evil: bool = False) -> Path:
    """A copy of tests/fixtures/app (plus, with `evil`, an article full of markup/escapes)."""
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES, folder)
    if evil:
        (folder / "evil.txt").write_text(EVIL_ARTICLE, encoding="utf-8")
    return folder


async def settle(pilot: Pilot[object]) -> None:
    """Let timers, workers and the messages they post run to completion (no blind sleeps)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_ready(pilot: Pilot[object], timeout: float = 60.0) -> None:
    """Wait until engine.open() finished in its worker (ready or failed), then settle."""
    app = pilot.app
    assert isinstance(app, SummitApp)
    deadline = time.monotonic() + timeout
    while app.engine_state == "opening":
        if time.monotonic() > deadline:
            raise AssertionError("the engine did not open in time")
        await pilot.pause(0.02)
    await settle(pilot)


async def type_query(pilot: Pilot[object], text: str) -> None:
    """Type into the query box (focusing it first) and wait for the debounced search."""
    screen = main_screen(pilot)
    if not isinstance(pilot.app.focused, Input):
        screen.action_focus_query()
        await pilot.pause()
    await pilot.press(*list(text))
    await pilot.pause(0.3)  # the debounce timer (150 ms) must fire before workers exist
    await settle(pilot)


async def open_first_result(pilot: Pilot[object], query: str) -> None:
    """Type `query`, go to the results and open the first one in the reader."""
    await type_query(pilot, query)
    await pilot.press("enter", "enter")
    await settle(pilot)


def main_screen(pilot: Pilot[object]) -> MainScreen:
    app = pilot.app
    assert isinstance(app, SummitApp)
    return app.main_screen


def screen_text(app: SummitApp) -> str:
    """What the terminal shows (top screen), as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def screen_segments_text(app: SummitApp) -> str:
    """Every character the screen would send (to check no raw escapes get through)."""
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for strip in strips for segment in strip)
