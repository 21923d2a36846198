"""Retrieval quality: recall@k and mean reciprocal rank over a file of must-find queries,
and nDCG@k, P@k and recall@k over graded passage judgments.

Shared by the test suite (which asserts every query) and bench/search_eval.py
(which prints the figures), so both measure the same thing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from index.engine import Engine
from index.text.words import fold, hyphenated_with_offsets, stem, tokens_with_offsets

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


# -- graded, passage-level evaluation ---------------------------------------------------
#
# Judgments grade passages 0/1/2 (unlisted = 0); nDCG@k uses gains 2^grade - 1. P@k is not
# judged: it is the share of the top k passages whose text contains a word of the query
# as searched (after any automatic correction), or one of the name variants it was widened
# to, by the index's own analysis. A passage that matched only through its article's title
# fails it.

GradedKey = tuple[str, int]
_QUERY_WORD = re.compile(r"(?<![\w-])-?[\w][\w.:'’*~\-]*")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


@dataclass(frozen=True, slots=True)
class GradedOutcome:
    corpus: str
    kind: str
    query: str
    grades: Mapping[GradedKey, int]
    ranked: tuple[GradedKey, ...]
    with_term: tuple[bool, ...]
    """For each ranked passage: does it contain a query word or a variant of one?"""
    searched: str = ""

    def dcg_at(self, keys: Sequence[GradedKey], k: int) -> float:
        return sum(
            (2 ** self.grades.get(key, 0) - 1) / math.log2(position + 1)
            for position, key in enumerate(keys[:k], 1)
        )

    def ndcg_at(self, k: int = 10) -> float:
        ideal = sorted(self.grades, key=lambda key: -self.grades[key])
        best = self.dcg_at(ideal, k)
        return self.dcg_at(self.ranked, k) / best if best else 0.0

    def recall_at(self, k: int = 10) -> float:
        relevant = [key for key, grade in self.grades.items() if grade > 0]
        top = set(self.ranked[:k])
        return sum(1 for key in relevant if key in top) / len(relevant) if relevant else 0.0


@dataclass(frozen=True, slots=True)
class QueryForms:
    """What a passage may contain to count as matching: stems of the searched words and
    of their variants, prefixes (`word*`) and fuzzy words (`word~N`)."""

    stems: frozenset[str]
    prefixes: frozenset[str] = frozenset()
    fuzzy: frozenset[tuple[str, int]] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.stems or self.prefixes or self.fuzzy)

    def matches(self, word: str) -> bool:
        folded = fold(word)
        if stem(word) in self.stems or any(folded.startswith(p) for p in self.prefixes):
            return True
        return any(Levenshtein.distance(folded, f, score_cutoff=n) <= n for f, n in self.fuzzy)


def query_forms(searched: str, variants: Sequence[tuple[str, Sequence[str]]]) -> QueryForms:
    """The searched query's positive words outside field restrictions, and variants."""
    stems: set[str] = set()
    prefixes: set[str] = set()
    fuzzy: set[tuple[str, int]] = set()
    negate_next = False
    for token in _QUERY_WORD.findall(searched.replace('"', " ")):
        if token in _OPERATORS:
            negate_next = token == "NOT"
            continue
        if token.startswith("-") or negate_next or ":" in token:
            negate_next = False
            continue  # excluded, or restricted to a field other than the passage text
        if token.endswith("*"):
            prefixes.add(fold(token.rstrip("*")))
        elif "~" in token:
            word, _, edits = token.partition("~")
            fuzzy.add((fold(word), int(edits) if edits.isdigit() else 1))
        else:
            stems.update(_stems_of(token))
    for _, spellings in variants:
        for spelling in spellings:
            stems.update(_stems_of(spelling))
    return QueryForms(frozenset(stems), frozenset(prefixes), frozenset(fuzzy))


def _stems_of(text: str) -> set[str]:
    return {s for _, _, word in tokens_with_offsets(text) if (s := stem(word))}


def contains_any(text: str, forms: QueryForms) -> bool:
    """Whether `text` contains a form of the query (always, for a field-only query)."""
    if forms.empty:
        return True
    words = [word for _, _, word in tokens_with_offsets(text)]
    words += [joined for _, _, joined in hyphenated_with_offsets(text)]
    return any(forms.matches(word) for word in words)


def load_graded(path: Path) -> tuple[str, list[dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return str(data["corpus"]), list(data["queries"])


def evaluate_graded(
    corpus: str, queries: list[dict], engine: Engine, depth: int = 10
) -> list[GradedOutcome]:
    """Judged by file name and paragraph (`judged`: [file, paragraph, grade])."""
    outcomes = []
    for item in queries:
        result = engine.search(item["query"], limit=depth)
        forms = query_forms(result.searched, result.variants)
        outcomes.append(
            GradedOutcome(
                corpus=corpus,
                kind=item.get("kind", ""),
                query=item["query"],
                grades={(f, int(p)): int(g) for f, p, g in item["judged"]},
                ranked=tuple((hit.file, hit.paragraph) for hit in result.hits),
                with_term=tuple(contains_any(hit.text, forms) for hit in result.hits),
                searched=result.searched,
            )
        )
    return outcomes


def as_graded(outcomes: list[QueryOutcome], engines: Mapping[str, Engine]) -> list[GradedOutcome]:
    """The must-find set as binary judgments (grade 1), for the same figures."""
    graded = []
    for outcome in outcomes:
        result = engines[outcome.corpus].search(outcome.query, limit=10)
        forms = query_forms(result.searched, result.variants)
        graded.append(
            GradedOutcome(
                corpus=outcome.corpus,
                kind="must",
                query=outcome.query,
                grades={key: 1 for key in outcome.must},
                ranked=tuple((hit.article_id, hit.paragraph) for hit in result.hits),
                with_term=tuple(contains_any(hit.text, forms) for hit in result.hits),
                searched=result.searched,
            )
        )
    return graded


def graded_summary(outcomes: list[GradedOutcome], k: int = 10) -> dict[str, float]:
    """Mean nDCG@k and recall@k over queries; P@k over all top-k passages shown."""
    count = len(outcomes) or 1
    shown = [flag for o in outcomes for flag in o.with_term[:k]]
    return {
        "queries": float(len(outcomes)),
        f"ndcg@{k}": sum(o.ndcg_at(k) for o in outcomes) / count,
        f"p@{k}": sum(shown) / len(shown) if shown else 0.0,
        f"recall@{k}": sum(o.recall_at(k) for o in outcomes) / count,
        "no_term_share": 1 - sum(shown) / len(shown) if shown else 0.0,
    }
