"""Retrieval quality: recall@k and mean reciprocal rank over a file of must-find queries.

Shared by the test suite (which asserts every query) and bench/search_eval.py
(which prints the figures), so both measure the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from index.engine import Engine

PassageKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class QueryOutcome:
    corpus: str
    query: str
    must: tuple[PassageKey, ...]
    ranked: tuple[PassageKey, ...]
    first: PassageKey | None

    def recall_at(self, k: int) -> float:
        top = set(self.ranked[:k])
        return sum(1 for key in self.must if key in top) / len(self.must)

    @property
    def reciprocal_rank(self) -> float:
        for position, key in enumerate(self.ranked, 1):
            if key in self.must:
                return 1.0 / position
        return 0.0

    def missing(self, k: int) -> list[PassageKey]:
        top = set(self.ranked[:k])
        return [key for key in self.must if key not in top]


def load_queries(path: Path) -> list[dict]:
    return list(json.loads(path.read_text(encoding="utf-8"))["queries"])


def evaluate(
    queries: list[dict], engines: Mapping[str, Engine] | Callable[[str], Engine], depth: int = 10
) -> list[QueryOutcome]:
    outcomes = []
    for item in queries:
        engine = engines(item["corpus"]) if callable(engines) else engines[item["corpus"]]
        result = engine.search(item["query"], limit=depth)
        outcomes.append(
            QueryOutcome(
                corpus=item["corpus"],
                query=item["query"],
                must=tuple((a, int(p)) for a, p in item["must"]),
                ranked=tuple((hit.article_id, hit.paragraph) for hit in result.hits),
                first=(item["first"][0], int(item["first"][1])) if item.get("first") else None,
            )
        )
    return outcomes


def summary(outcomes: list[QueryOutcome], k: int = 5) -> dict[str, float]:
    count = len(outcomes) or 1
    return {
        "queries": float(len(outcomes)),
        f"recall@{k}": sum(o.recall_at(k) for o in outcomes) / count,
        "recall@10": sum(o.recall_at(10) for o in outcomes) / count,
        "mrr": sum(o.reciprocal_rank for o in outcomes) / count,
    }
