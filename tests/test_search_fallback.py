"""The readings a query gets when, as typed, it finds nothing (index/search/fallback.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.engine import Engine
from index.search.fallback import ANY_WORDS_HINT, ANY_WORDS_NOTE, any_words_query
from tests.test_cli import run


@pytest.fixture(scope="module")
def cli_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-index")


SENTENCE = "who said the alliance put an end to occupation forces"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a b c", "a OR b OR c"),
        ("one", None),
        ('"a b" c', None),
        ("a -b", None),
        ("title:a b", None),
        ("a OR b", None),
        ("a b*", None),
    ],
)
def test_any_words_query_only_for_bare_words(query: str, expected: str | None) -> None:
    assert any_words_query(query) == expected


def test_an_unfinished_last_word_on_enter_searches_the_prefix(bundled_engine: Engine) -> None:
    typed = bundled_engine.search("joint batt", as_you_type=True)
    entered = bundled_engine.search("joint batt")
    assert entered.total == typed.total > 0
    assert [h.article_id for h in entered.hits] == [h.article_id for h in typed.hits]
    assert not entered.corrected and entered.query == "joint batt"
    assert entered.mode == "all"


def test_a_misspelt_word_is_corrected_while_typing(bundled_engine: Engine) -> None:
    result = bundled_engine.search("batallion", as_you_type=True)
    assert result.corrected and result.suggestion == "battalion"
    assert result.hits and result.query == "batallion"
    said = [note for note in result.notes if "battalion" in note]
    assert len(said) == 1, result.notes  # said once


def test_finished_words_are_corrected_and_the_last_kept_as_a_prefix(
    bundled_engine: Engine,
) -> None:
    result = bundled_engine.search("jont batt")
    assert result.hits and result.corrected
    assert "joint" in result.searched and "batt" in result.searched


def test_a_sentence_falls_back_to_any_words_with_a_note(bundled_engine: Engine) -> None:
    result = bundled_engine.search(SENTENCE)
    assert result.mode == "any" and result.notes[0] == ANY_WORDS_NOTE
    assert result.query == SENTENCE
    top = result.hits[0]
    assert "put an end to all occupation forces" in top.snippet


def test_while_typing_a_sentence_a_note_says_what_enter_will_do(bundled_engine: Engine) -> None:
    result = bundled_engine.search(SENTENCE, as_you_type=True)
    assert result.mode == "all" and not result.hits
    assert ANY_WORDS_HINT in result.notes


def test_all_words_answer_when_they_can(bundled_engine: Engine) -> None:
    result = bundled_engine.search("joint battalion")
    assert result.mode == "all" and ANY_WORDS_NOTE not in result.notes


def test_nothing_found_in_any_reading_says_so(bundled_engine: Engine) -> None:
    result = bundled_engine.search("zzxqv wwqxz")
    assert result.total == 0 and not result.hits and result.mode == "all"


def test_cli_says_which_mode_answered(cli_index_dir: Path) -> None:
    plain = run("search", SENTENCE, index_dir=cli_index_dir)
    assert plain.returncode == 0
    assert f"note: {ANY_WORDS_NOTE}" in plain.stdout
    data = json.loads(run("search", SENTENCE, "--json", index_dir=cli_index_dir).stdout)
    assert data["mode"] == "any" and data["hits"]
    data = json.loads(run("search", "joint battalion", "--json", index_dir=cli_index_dir).stdout)
    assert data["mode"] == "all"


def test_cli_counts_one_passage_in_the_singular(cli_index_dir: Path) -> None:
    data = json.loads(run("search", "personnel", "--json", index_dir=cli_index_dir).stdout)
    assert data["total"] == 1
    assert "1 passage matches;" in run("search", "personnel", index_dir=cli_index_dir).stdout
    grouped = run("search", "personnel", "--group-by", "article", index_dir=cli_index_dir)
    assert "1 article matches;" in grouped.stdout
