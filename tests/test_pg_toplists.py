"""The ranking lists of common words (index/backend/postgres/toplists.py, shortlist.py)
on a real throwaway server: a page ranked from the lists is the full ranking's page, and
the lists' rule (a passage left out scores at most its word's floor) holds through
incremental loads, changed and deleted files included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.generate import generate
from index.backend.postgres import shortlist, toplists
from index.engine import Engine
from tests.conftest import TODAY

pytestmark = pytest.mark.xdist_group("postgres")


@pytest.fixture
def small_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists from a few dozen passages (the real thresholds need thousands)."""
    monkeypatch.setattr(toplists, "LIST_FROM", 60)
    monkeypatch.setattr(toplists, "LIST_SIZE", 40)
    monkeypatch.setattr(toplists, "SAMPLE_PASSAGES", 100_000)  # the whole collection


@pytest.fixture
def loaded(pg_url: str, tmp_path: Path, small_lists: None) -> Iterator[tuple[Engine, Path]]:
    folder = generate(120, tmp_path / "corpus")
    engine = Engine(folder, tmp_path / "cache", today=TODAY, database=pg_url)
    engine.open()
    yield engine, folder
    engine.close()


def _listed_words(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT lexeme FROM summit_top_terms ORDER BY matches DESC").fetchall()
    return [row[0] for row in rows]


def _rule_breaches(url: str) -> int:
    """Passages holding a listed word, scoring above its floor, yet not in its list."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM summit_passages p JOIN summit_top_terms t "
            "ON t.collection = p.collection AND p.tsv @@ t.query "
            f"WHERE {toplists.word_score('p.tsv', 't.query')} > t.floor AND NOT EXISTS ("
            " SELECT 1 FROM summit_top_passages l WHERE l.collection = p.collection"
            " AND l.lexeme = t.lexeme AND l.article_id = p.article_id"
            " AND l.paragraph = p.paragraph)"
        ).fetchone()
    assert row is not None
    return int(row[0])


def _pages(
    engine: Engine, query: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], list[Any], bool]:
    """(the page from the lists, the full ranking's page, whether the lists answered)."""
    used: list[bool] = []
    original = shortlist.Shortlist._from_lists

    def spy(self: shortlist.Shortlist, *args: Any) -> Any:
        found = original(self, *args)
        used.append(found is not None)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(shortlist.Shortlist, "_from_lists", spy)
        listed = engine.search(query, 10)
        patch.setattr(shortlist.Shortlist, "_from_lists", lambda self, *args: None)
        full = engine.search(query, 10)
    key = [(h.article_id, h.paragraph, round(h.score, 6)) for h in listed.hits]
    whole = [(h.article_id, h.paragraph, round(h.score, 6)) for h in full.hits]
    return key, whole, any(used)


def test_a_common_words_page_from_the_lists_is_the_full_rankings(
    loaded: tuple[Engine, Path], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, _ = loaded
    words = _listed_words(pg_url)
    assert len(words) >= 5
    answered = 0
    extra = [f"{words[0]}~", f"{words[1]} OR {words[2]}", f"{words[0]} -{words[3]}"]
    for word in [*words[:8], *extra]:
        listed, full, used = _pages(engine, word, monkeypatch)
        assert listed == full, word
        answered += used
    assert answered >= 5  # the lists did answer (else this compared the full ranking twice)
    assert engine.search(words[0], 10).total_is_estimate


def test_the_lists_rule_holds_through_changed_added_and_deleted_files(
    loaded: tuple[Engine, Path], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, folder = loaded
    assert _rule_breaches(pg_url) == 0
    word = _listed_words(pg_url)[0]
    files = sorted(folder.glob("*.txt"))
    # a short paragraph saying the word three times outranks every listed passage
    files[3].write_text(files[3].read_text(encoding="utf-8") + f"\n\n{word} {word} {word}.\n")
    (folder / "extra.txt").write_text(f"Extra\n\n{word} again and {word}.\n", encoding="utf-8")
    files[5].unlink()
    report = engine.open()
    assert (report.changed, report.added, report.removed) == (1, 1, 1)
    assert _rule_breaches(pg_url) == 0
    listed, full, used = _pages(engine, word, monkeypatch)
    assert used and listed == full
    found = {hit.article_id for hit in engine.search(word, 10).hits[:5]}
    assert {files[3].stem, "extra"} <= found  # short passages full of the word come first
    with psycopg.connect(pg_url) as conn:
        gone = conn.execute(
            "SELECT count(*) FROM summit_top_passages WHERE article_id = %s",
            (files[5].stem,),
        ).fetchone()
    assert gone == (0,)
