"""Every query of the evaluation file finds its must-passages (top 10), and the ones
marked 'first' rank first. The figures themselves are printed by bench/search_eval.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.engine import Engine
from index.evaluation import evaluate, load_queries, summary

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
