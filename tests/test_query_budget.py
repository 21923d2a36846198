"""The query cost limit (index/backend/whoosh/budget.py): wildcards that would expand to most of the
lexicon are answered "too expensive" at once, locally as over SSH."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import index.backend.whoosh.budget as budget
from index.engine import Engine
from tests.app_fixtures import make_app, screen_text, type_query, wait_ready


@pytest.mark.parametrize("query", ["*", "**", "?*", "a* * ?*", "*a*"])
def test_pathological_queries_answer_too_expensive_at_once(
    fixture_engine: Engine, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "WILDCARD_TERM_LIMIT", 20)  # the fixture lexicon is small
    started = time.monotonic()
    result = fixture_engine.search(query, limit=10)
    assert time.monotonic() - started < 2
    assert result.hits == ()
    assert result.error is not None and result.error.startswith("query too expensive")


def test_a_narrow_wildcard_still_searches(fixture_engine: Engine) -> None:
    result = fixture_engine.search("transhu?ance", limit=10)
    assert result.error is None
    assert {hit.article_id for hit in result.hits} == {"nested/deep/drought-briefing"}


def test_too_many_expanded_terms_is_refused(
    fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "QUERY_TERM_LIMIT", 10)
    result = fixture_engine.search("s* t* m* p*", limit=10)
    assert result.error is not None and "expands to" in result.error
    assert fixture_engine.search("strike", limit=10).hits  # a plain word is unaffected


def test_filters_alone_are_not_expensive(fixture_engine: Engine) -> None:
    result = fixture_engine.search("place:morocco", limit=10)
    assert result.error is None and result.hits


async def test_the_app_says_too_expensive_and_stays_responsive(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        started = time.monotonic()
        await type_query(pilot, "**")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert time.monotonic() - started < 5
        assert "query too expensive" in screen_text(app)
