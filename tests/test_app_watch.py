"""The explorer follows the folder: a file added, changed or removed while it is open is
found (or gone) without a restart, with a quiet notice. Real files, real watcher."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from index.corpus.watch import is_article_path
from tests.app_fixtures import fixture_corpus, make_app, screen_text, type_query, wait_ready


async def _until(
    pilot: Pilot[object], condition: Callable[[], bool], timeout: float = 20.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the folder change did not reach the screen in time")
        await pilot.pause(0.1)


async def test_articles_added_and_removed_while_open_are_followed(tmp_path: Path) -> None:
    folder = fixture_corpus(tmp_path)
    app = make_app(tmp_path, folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "otters")
        assert "No matches" in screen_text(app)
        await asyncio.sleep(0.5)  # the watcher is running once the index is open
        (folder / "otters.txt").write_text(
            "Otters return to the river\nThe otters came back to the river on Tuesday.\n"
        )
        await _until(pilot, lambda: "Otters return to the river" in screen_text(app))
        assert any("1 added" in n.message for n in app._notifications)
        assert len(app.article_summaries) == 4

        (folder / "otters.txt").unlink()
        await _until(pilot, lambda: "Otters return to the river" not in screen_text(app))
        assert any("1 removed" in n.message for n in app._notifications)


def test_only_article_files_wake_the_index(tmp_path: Path) -> None:
    assert is_article_path(tmp_path / "a" / "story.md", tmp_path)
    assert is_article_path(tmp_path / "STORY.HTML", tmp_path)
    assert not is_article_path(tmp_path / "notes.docx", tmp_path)
    assert not is_article_path(tmp_path / ".git" / "x.txt", tmp_path)
    assert not is_article_path(tmp_path / ".story.txt.swp", tmp_path)
    assert not is_article_path(Path("/elsewhere/story.txt"), tmp_path)
