"""Small things a newcomer trips over: stems shown as words, accented datelines, the
file name said once, --similar's ¶ out of range, matches visible without colour."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus.parsing import parse_article
from index.engine import Engine
from index.search.highlight import words_as_written
from tests.app_fixtures import main_screen, make_app, screen_text, settle, type_query, wait_ready
from tests.test_cli import run


def test_words_as_written_gives_each_stem_its_spelling_in_the_text() -> None:
    text = "He declared it deadly. Deadly attacks, they declared, and Defence said so."
    assert words_as_written(text, ["declar", "deadli", "defenc", "absent"]) == [
        "declared",
        "deadly",
        "Defence",
        "absent",
    ]


def test_similar_names_its_key_terms_as_the_article_writes_them(bundled_engine: Engine) -> None:
    article = bundled_engine.get_article("000")
    result = bundled_engine.similar(article.id, 0)
    note = next(n for n in result.notes if n.startswith("key terms: "))
    terms = note.removeprefix("key terms: ").split(", ")
    assert terms and result.searched.split() == terms
    paragraph = article.paragraphs[0].text
    assert all(term in paragraph for term in terms), terms


@pytest.mark.parametrize(
    ("line", "place"),
    [
        ("LOMÉ, Togo — The talks began.", "Lomé, Togo"),
        ("ZÜRICH, Switzerland — The talks began.", "Zürich, Switzerland"),
        ("BOGOTÁ — The talks began.", "Bogotá"),
        ("ÉVORA (Reuters) - The talks began.", "Évora"),
    ],
)
def test_datelines_with_accented_capitals_give_a_place(line: str, place: str) -> None:
    article = parse_article(f"A headline for the talks\n{line}\n", "a.txt")
    assert article.place == place and article.place_source == "dateline"


def test_a_place_line_with_accents(tmp_path: Path) -> None:
    article = parse_article("A headline for the talks\nLomé, Togo\n\nThe talks began.\n", "a.txt")
    assert article.place == "Lomé, Togo"


def test_similar_with_a_paragraph_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = run("search", "--similar", "003:99", index_dir=tmp_path / "index")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "¶99" in result.stderr
    assert "Traceback" not in result.stderr


async def test_the_palette_names_a_file_without_source_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot)
        summaries = [s for s in app.article_summaries if not s.source]
        assert summaries, "the bundled articles have no source: field"
        await pilot.press("ctrl+p")
        await pilot.press(*"Open")
        await pilot.pause(0.5)
        await settle(pilot)
        shown = screen_text(app)
        assert any(s.file in shown for s in summaries)
        for line in shown.splitlines():
            for summary in summaries:
                assert line.count(summary.file) <= 1, line


async def test_matched_words_stand_out_without_colour(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "battalion")
        results = main_screen(pilot).search_pane.results
        style = results.get_component_rich_style("results--highlight", partial=True)
        # NO_COLOR drops colours: what is left must still mark the word (the cursor row
        # is bold all over, so bold alone would not)
        assert style.underline or style.reverse
