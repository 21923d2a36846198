"""Any string typed into the search box or given to `summit search` is answered,
quickly, without an exception: property-based over thousands of random queries."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.engine import Engine
from tests.hostile import write_hostile_corpus, write_news_corpus

pytestmark = pytest.mark.timeout(120)

PER_QUERY_SECONDS = 2.0
SETTINGS = settings(
    max_examples=1500,
    deadline=None,  # the bound is asserted per query below, with a clearer message
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # no .hypothesis folder written into the repository
    derandomize=True,  # the same queries on every run: a failure reproduces
)

# Pieces of the query language, so random strings hit the parser's corners often.
SYNTAX = [
    *('"', "(", ")", "[", "]", "{", "}", "*", "~", "~9", "^", ":", "-", "+", "\\", "/"),
    *("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", " to ", "title:", "source:", "file:"),
    *("place:", "date:", "date:[", "date:2024", "date:2024-13", "date:[2024-01-01 to"),
    *("body:", "kind:", "article_id:", "nosuch:", "council", "harbour", "counci", "harbr"),
    *("\x00", "\x1b[2J", "\u202e", "ß", "İ", "ﬁ", "記事", "🦦", "*:*", "'"),
]
FRAGMENTS = st.sampled_from(SYNTAX) | st.text(min_size=1, max_size=12)
QUERIES = (
    st.lists(FRAGMENTS, max_size=12).map(" ".join)
    | st.lists(FRAGMENTS, max_size=12).map("".join)
    | st.text(max_size=80)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    base = tmp_path_factory.mktemp("queries")
    folder = base / "articles"
    write_news_corpus(folder, count=60)
    write_hostile_corpus(folder / "hostile", big_bytes=21 * 2**20)
    built = Engine(folder, base / "index")
    built.open()
    return built


def _timed_search(engine: Engine, query: str, **options: bool) -> None:
    started = time.perf_counter()
    result = engine.search(query, 10, **options)
    elapsed = time.perf_counter() - started
    assert elapsed < PER_QUERY_SECONDS, f"{query!r} took {elapsed:.2f}s"
    assert result.total >= len(result.hits)
    for hit in result.hits:
        for span in hit.highlights:
            assert 0 <= span.start <= span.end <= len(hit.snippet)


@SETTINGS
@given(query=QUERIES)
def test_search_never_raises(engine: Engine, query: str) -> None:
    _timed_search(engine, query)


@settings(SETTINGS, max_examples=800)
@given(query=QUERIES)
def test_as_you_type_never_raises(engine: Engine, query: str) -> None:
    # every prefix, as keystrokes arrive
    for end in sorted({len(query) * i // 4 for i in range(1, 5)}):
        _timed_search(engine, query[:end], as_you_type=True)


@settings(SETTINGS, max_examples=150)
@given(query=QUERIES)
def test_grouped_search_never_raises(engine: Engine, query: str) -> None:
    _timed_search(engine, query, group_by_article=True)


@pytest.mark.parametrize(
    "query",
    [
        "x" * 1_000_000,
        "council " * 50_000,
        '"' * 10_000,
        "(" * 10_000 + "council",
        "council~" * 5_000,
        "*" * 5_000,
        "*a*b*c*d*e*f*g",
        "c* " * 2_000,
        "date:[" + "2024-01-01 to " * 1_000,
        "title:" * 5_000 + "council",
        "NOT " * 5_000 + "council",
        " OR ".join(["council"] * 3_000),
        "\x1b]52;c;" + "A" * 100_000 + "\x07",
    ],
    ids=lambda q: repr(q[:20]),
)
def test_huge_and_pathological_queries(engine: Engine, query: str) -> None:
    _timed_search(engine, query)
    _timed_search(engine, query, as_you_type=True)


def test_engine_still_answers_after_the_barrage(engine: Engine, tmp_path: Path) -> None:
    assert engine.search("council", 5).hits
