"""Every query of the evaluation file finds its must-passages (top 10), and the ones
marked 'first' rank first. The figures themselves are printed by bench/search_eval.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.backend.whoosh.fastpath import switch as fastpath
from index.engine import Engine
from index.evaluation import (
    as_graded,
    evaluate,
    evaluate_graded,
    graded_summary,
    load_graded,
    load_queries,
    summary,
)
from tests.conftest import TODAY
from tests.test_search_ranking import ABSENT_NAMES

QUERIES = load_queries(Path(__file__).parent / "eval" / "search_queries.json")


@pytest.fixture(scope="module")
def engines(bundled_engine: Engine, fixture_engine: Engine) -> dict[str, Engine]:
    return {"bundled": bundled_engine, "fixtures": fixture_engine}


def test_the_evaluation_has_at_least_30_queries_over_both_corpora() -> None:
    assert len(QUERIES) >= 30
    assert {q["corpus"] for q in QUERIES} == {"bundled", "fixtures"}


@pytest.mark.parametrize("item", QUERIES, ids=[q["query"] for q in QUERIES])
def test_must_passages_come_back(engines: dict[str, Engine], item: dict) -> None:
    (outcome,) = evaluate([item], engines)
    assert not outcome.missing(10), f"missing {outcome.missing(10)}; ranked {outcome.ranked}"
    if outcome.first is not None:
        assert outcome.ranked[0] == outcome.first, f"ranked {outcome.ranked}"


def test_overall_quality_does_not_regress(engines: dict[str, Engine]) -> None:
    figures = summary(evaluate(QUERIES, engines))
    assert figures["recall@10"] == 1.0
    assert figures["recall@5"] >= 0.9 and figures["mrr"] >= 0.9, figures


def test_at_most_one_in_twenty_top_passages_lacks_every_query_word(
    engines: dict[str, Engine],
) -> None:
    figures = graded_summary(as_graded(evaluate(QUERIES, engines), engines))
    assert figures["no_term_share"] <= 0.05, figures


# -- the graded set over the TimeBank articles (read from ../shared, never copied) -------

TIMEBANK = Path(__file__).resolve().parent.parent.parent / "shared" / "timebank" / "articles"
GRADED_CORPUS, GRADED = load_graded(Path(__file__).parent / "eval" / "timebank_queries.json")
FLOORS = {"ndcg@10": 0.80, "p@10": 0.95, "recall@10": 0.75}
"""Measured figures (bench/search_eval.py), rounded down: ranking changes may not lower them."""


@pytest.fixture(scope="module")
def timebank_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    if not TIMEBANK.is_dir():
        pytest.skip(f"no {TIMEBANK}")
    engine = Engine(TIMEBANK, tmp_path_factory.mktemp("timebank-index"), today=TODAY)
    engine.open()
    return engine


def test_the_graded_set_has_60_queries_of_every_kind_with_judged_passages() -> None:
    assert len(GRADED) >= 60
    kinds = {q["kind"] for q in GRADED}
    assert {"name", "name+topic", "phrase", "question", "misspelling", "number", "date"} <= kinds
    for item in GRADED:
        assert any(grade > 0 for _, _, grade in item["judged"]), item["query"]
        assert all(grade in (0, 1, 2) for _, _, grade in item["judged"])


def test_graded_judgments_name_passages_that_exist(timebank_engine: Engine) -> None:
    paragraphs = {s.file: s.paragraphs for s in timebank_engine.articles()}
    for item in GRADED:
        for file, paragraph, _ in item["judged"]:
            assert 0 <= paragraph < paragraphs[file], (item["query"], file, paragraph)


def test_graded_figures_do_not_fall(timebank_engine: Engine) -> None:
    figures = graded_summary(evaluate_graded(GRADED_CORPUS, GRADED, timebank_engine))
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, (name, figures)


def test_absent_names_are_not_replaced_in_the_timebank_articles(timebank_engine: Engine) -> None:
    """A larger vocabulary offers more near words ("Wagner" / "Warner", "Chadian" /
    "Canadian"): still none is searched instead of a name the articles never write."""
    replaced = {}
    for name in ABSENT_NAMES:
        result = timebank_engine.search(name)
        if result.corrected:
            replaced[name] = result.searched
    assert replaced == {}


def test_the_whole_graded_set_ranks_the_same_without_the_fast_path(
    timebank_engine: Engine,
) -> None:
    """The fast path (index/backend/whoosh/fastpath/) is a speed-up only: with it off,
    whoosh answers every query of the evaluation with the same passages in the same
    order, hence the same figures."""
    fast = evaluate_graded(GRADED_CORPUS, GRADED, timebank_engine)
    fastpath.set_enabled(False)
    try:
        slow = evaluate_graded(GRADED_CORPUS, GRADED, timebank_engine)
    finally:
        fastpath.set_enabled(None)
    assert fastpath.enabled() and fastpath.failure() is None  # (the self-check passed)
    differing = {
        f.query: (f.ranked, s.ranked)
        for f, s in zip(fast, slow, strict=True)
        if f.ranked != s.ranked
    }
    assert differing == {}
    assert graded_summary(fast) == graded_summary(slow)
