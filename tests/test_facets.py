"""Facets (issue 20): counts of a query's hits by source, place and month, each value a
filter that, applied, finds exactly the hits it counted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.engine import Engine
from index.models import Passage, SearchResult
from index.search.facets import count_facets, passages_of
from tests.conftest import TODAY

SUMMIT = shutil.which("summit", path=str(Path(sys.executable).parent)) or "summit"
_SOURCES = ("Harbour Gazette", "Inland Courier", "Valley Post")
_PLACES = ("ODESSA, Texas", "PORTO, Portugal", "GDANSK, Poland")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("facets") / "articles"
    root.mkdir()
    for number in range(24):
        day = dt.date(2022, 1 + number % 5, 3 + number % 20)
        source = _SOURCES[number % 3]
        place = _PLACES[(number // 3) % 3]
        story = "ferry strike" if number % 4 else "grain harvest"
        (root / f"story_{number:02d}.md").write_text(
            f"---\ntitle: Report {number} on the {story}\ndate: {day.isoformat()}\n"
            f"source: {source}\n---\n\n{place} — Workers spoke about the {story} again "
            f"on day {number}.\n\nA second paragraph on the {story}, costing {number} million.\n",
            encoding="utf-8",
        )
    return root


@pytest.fixture(scope="module")
def engine(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    opened = Engine(folder, tmp_path_factory.mktemp("facets-ix"), today=TODAY)
    opened.open()
    return opened


def _passages(result: SearchResult) -> int:
    shown = {(hit.article_id, hit.paragraph) for hit in result.hits}
    grouped = {(c.article_id, c.paragraph) for hit in result.hits for c in hit.also_in}
    return len(shown | grouped)


def test_each_facet_value_filters_to_exactly_its_count(engine: Engine) -> None:
    facets = engine.facets("ferry strike")
    assert facets.complete and facets.counted == _passages(engine.search("ferry strike", 1000))
    assert {v.value for v in facets.source} == set(_SOURCES)
    assert len(facets.place) == 3 and len(facets.month) == 5
    for kind in ("source", "place", "month"):
        values = facets.of(kind)
        assert sum(v.count for v in values) == facets.counted
        assert [v.count for v in values] == sorted((v.count for v in values), reverse=True)
        for value in values:
            narrowed = engine.search(f"ferry strike {value.clause}", 1000)
            assert narrowed.error is None, value.clause
            assert _passages(narrowed) == value.count, value.clause


def test_values_without_a_named_source_place_or_date_are_not_offered() -> None:
    hit = Passage(
        article_id="a",
        file="a.txt",
        title="t",
        paragraph=0,
        start=0,
        end=1,
        text="x",
        score=1.0,
        rank=1,
        snippet="x",
        highlights=(),
    )
    again = dataclasses.replace(hit, paragraph=1)
    facets = count_facets(passages_of([hit, again, hit], lambda _: None), complete=True)
    assert facets.counted == 2  # each passage once
    assert facets.source == () and facets.place == () and facets.month == ()
    named = dataclasses.replace(hit, source="Valley Post")
    facets = count_facets(passages_of([named, again], lambda _: None), complete=True)
    assert [(v.value, v.count) for v in facets.source] == [("Valley Post", 1)]


def test_cli_prints_facets_and_their_filters(folder: Path, tmp_path: Path) -> None:
    common = ["--articles", str(folder), "--index-dir", str(tmp_path / "ix")]
    done = subprocess.run(
        [SUMMIT, "search", "grain harvest", "--facets", "--json", *common],
        capture_output=True,
        text=True,
        check=True,
    )
    facets = json.loads(done.stdout)["facets"]
    assert facets["complete"] and facets["counted"] > 0
    months = {item["value"]: item for item in facets["month"]}
    assert all(item["filter"] == f"date:{month}" for month, item in months.items())
    plain = subprocess.run(
        [SUMMIT, "search", "grain harvest", "--facets", *common],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "source: " in plain.stdout and "month: " in plain.stdout
    wrong = subprocess.run(
        [SUMMIT, "search", "grain", "--facets", "--jsonl", *common],
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1


async def test_app_ctrl_f_counts_and_one_key_narrows_the_search(
    folder: Path, tmp_path: Path
) -> None:
    """In the explorer: Ctrl+F shows the counts; a value's key puts its filter in the
    query and the results are only that value's."""
    from tests.app_fixtures import (
        main_screen,
        make_app,
        screen_text,
        settle,
        type_query,
        wait_ready,
    )
    from tui.app.screens.facet_picker import FacetPicker

    app = make_app(tmp_path, folder)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "ferry strike")
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, FacetPicker)
        shown = screen_text(app)
        assert "source: " in shown and "month: 2022-" in shown
        key, value = app.screen.rows[0]
        assert value.kind == "source"
        await pilot.press(key)
        await pilot.pause(0.3)
        await settle(pilot)
        pane = main_screen(pilot).search_pane
        assert pane.query_text == f"ferry strike {value.clause}"
        result = pane.last_result
        assert result is not None and result.hits
        assert {hit.source for hit in result.hits} == {value.value}
        assert _passages(result) == value.count


async def test_the_picker_counts_one_passage_in_the_singular(tmp_path: Path) -> None:
    from index.search.facets import Facets
    from tests.app_fixtures import make_app, screen_text, wait_ready
    from tui.app.screens.facet_picker import FacetPicker

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.push_screen(FacetPicker("ferry", Facets(counted=1, complete=True)))
        await pilot.pause()
        assert "(1 passage)" in screen_text(app)
