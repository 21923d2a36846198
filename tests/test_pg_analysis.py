"""The PostgreSQL loader's analysis (index.text.words.index_terms, as tsvector text) is
the whoosh index's analyzer chain to the byte: the same terms at the same positions, so
a query matches exactly what it matches with the whoosh backend."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from index.backend.postgres.documents import MAX_POSITION, lexeme, tsvector_literal
from index.backend.postgres.query import stems_of
from index.backend.whoosh.analyzers import keyword_analyzer, stemming_analyzer
from index.text.words import index_terms, keyword_terms
from tests.conftest import BUNDLED, FIXTURE_CORPUS

TRICKY = [
    "The neo-colonialism of the-end",
    "a-b c-d-e of-the x-ray",
    "1.5-2.3 to-do 25.14",
    "the the pre-war pre\u2010war",
    "\u00c9LO\u00cfSE co-op Chad\u2019s s-s",
    "",
    "---",
    "A-1 the 7 Dec. 7",
    "Stra\u00dfe \u0130stanbul \ufb01nance na\u00efve caf\u00e9-bar",
    "it's 'quoted' back\\slash",
]


def _texts() -> list[str]:
    files = sorted(p for folder in (BUNDLED, FIXTURE_CORPUS) for p in Path(folder).rglob("*"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file()]
    return texts + TRICKY


def _analyzer_terms(text: str, mode: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in stemming_analyzer()(text, positions=True, mode=mode)]


def _analyzer_literal(text: str, weight: str = "", offset: int = 0) -> str:
    """The tsvector text as the loader wrote it with the whoosh analyzer chain."""
    positions: dict[str, list[int]] = {}
    for term, at in _analyzer_terms(text, "index"):
        positions.setdefault(term, []).append(min(MAX_POSITION, at + 1 + offset))
    return " ".join(
        f"{lexeme(word)}:{','.join(f'{p}{weight}' for p in sorted(set(found)))}"
        for word, found in positions.items()
    )


@pytest.mark.parametrize("mode", ["index", "query"])
def test_index_terms_are_the_analyzers(mode: str) -> None:
    texts = _texts()
    assert len(texts) > 10
    for text in texts:
        assert index_terms(text, joined=mode == "index") == _analyzer_terms(text, mode), text[:60]


def test_tsvector_text_is_the_analyzers() -> None:
    for text in _texts():
        assert tsvector_literal(text) == _analyzer_literal(text)
        assert tsvector_literal(text, weight="A", offset=15000) == _analyzer_literal(
            text, weight="A", offset=15000
        )


def test_query_stems_drop_stop_words_and_keep_hyphen_parts() -> None:
    assert stems_of("the neo-colonialism") == ["neo", "coloni"]
    assert stems_of("The") == []
    assert stems_of("Caf\u00e9s") == ["cafe"]


def test_keyword_terms_are_the_keyword_analyzers() -> None:
    for text in [*_texts(), "Reuters_wire/2024 caf\u00e9-Bar \u00c9dition_sp\u00e9ciale"]:
        assert keyword_terms(text) == [t.text for t in keyword_analyzer()(text)]


def test_the_postgres_backend_analyses_text_without_whoosh() -> None:
    """Its terms come from index.text.words alone (the whoosh backend is not imported)."""
    package = Path(__file__).parent.parent / "index" / "backend" / "postgres"
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert "whoosh" not in name, f"{source.name} imports {name}"
