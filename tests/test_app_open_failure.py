"""When the index cannot be opened, the header and the search pane say the same thing,
and F5 tries again; a folder without articles says so, with the suffixes that count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.engine import Engine
from index.errors import SummitError
from tests.app_fixtures import make_app, screen_text, settle, type_query, wait_ready


async def test_open_failure_is_one_message_and_f5_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Engine.open
    calls: list[int] = []

    def failing_once(self: Engine, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise SummitError("the disk said no")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "open", failing_once)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        assert app.engine_state == "failed"
        await type_query(pilot, "summit")
        text = screen_text(app)
        assert "no index · F5: retry" in text
        assert "Cannot open the index: the disk said no · F5: try again" in text
        assert "results will follow" not in text, "no promise that cannot be kept"
        await pilot.press("f5")  # from the query box, where typing keys are text
        await wait_ready(pilot)
        await settle(pilot)
        assert app.engine_state == "ready" and len(calls) == 2
        text = screen_text(app)
        assert "no index" not in text and "Cannot open" not in text
        assert "passages in" in text, "the query typed meanwhile is searched"


async def test_a_folder_without_articles_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.csv").write_text("not an article\n", encoding="utf-8")
    app = make_app(tmp_path, empty)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        assert app.engine_state == "failed"
        text = screen_text(app)
        assert "no articles (*.txt, *.md" in text and "*.html" in text
        assert str(empty) in text or "empty" in text
