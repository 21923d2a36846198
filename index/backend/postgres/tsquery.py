"""A query's tree (index.backend.postgres.query) as tsquery text and SQL conditions:
each leaf with its stems, name variants, prefix and fuzzy expansions, and the plan that
records what to highlight and how to rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.backend.postgres.documents import lexeme
from index.backend.postgres.expansion import (
    FUZZY_EXPANSION_LIMIT,
    FUZZY_MAX_EDITS,
    Vocabulary,
)
from index.backend.postgres.query import Leaf, Node, Not, parse, positive_leaves, stems_of
from index.search.planner import within_budget
from index.search.querylang import PreparedQuery, prefix_last_word, prepare_query
from index.text.words import fold, keyword_terms

_NOTHING = "'\u2400'"  # a lexeme no text has: "matches nothing", honestly


@dataclass(slots=True)
class PgPlan:
    prepared: PreparedQuery
    tree: Node | None
    highlight_stems: set[str] = field(default_factory=set)
    highlight_phrases: list[tuple[str, ...]] = field(default_factory=list)
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    leaf_queries: list[tuple[str, list[str]]] = field(default_factory=list)
    """(tsquery, its stems) of each positive leaf: ranked one by one, by idf."""
    body_queries: list[str] = field(default_factory=list)
    """The positive leaves restricted to the body: a passage must contain one itself."""
    adjacency: str | None = None
    leaf_forms: list[list[str] | None] = field(default_factory=list)
    """Per leaf_queries entry: the lexemes whose plain OR its tsquery is (then its
    ts_rank is the sum of theirs over their number: see toplists.py), else None."""


class QueryPlanner(Vocabulary):
    """Turns query text into a PgPlan and its tsquery / SQL conditions."""

    def _plan(self, text: str, *, as_you_type: bool) -> PgPlan:
        prepared = prepare_query(text)
        query_text = prefix_last_word(prepared.text) if as_you_type else prepared.text
        plan = PgPlan(prepared, parse(query_text), notes=list(prepared.notes))
        for leaf in positive_leaves(plan.tree):
            if leaf.field == "source":
                continue
            forms = self._leaf_query(leaf, "", plan, as_you_type, record=True)
            if forms is None:
                continue
            query, stems = forms
            plan.leaf_queries.append((query, stems))
            plan.leaf_forms.append(self._plain_forms(leaf, stems, plan, as_you_type))
            if leaf.field != "title":
                body = self._leaf_query(leaf, "D", plan, as_you_type, record=False)
                if body is not None:
                    plan.body_queries.append(body[0])
        for term, spellings in plan.variants.items():
            plan.notes.append(f"{term}: also searched {', '.join(spellings)}")
        words = [s for w in prepared.plain_words for s in stems_of(w)]
        if len(words) >= 2 and len(prepared.plain_words) == len(prepared.text.split()):
            plan.adjacency = " <-> ".join(lexeme(w) for w in words)
        return plan

    def _plain_forms(
        self, leaf: Leaf, stems: list[str], plan: PgPlan, as_you_type: bool
    ) -> list[str] | None:
        """The lexemes of a leaf written as their plain OR (no field, no phrase of several
        words, no open prefix), else None."""
        if leaf.field or as_you_type:
            return None
        if leaf.kind == "fuzzy":
            return sorted(set(stems)) or None
        if leaf.kind in ("term", "phrase") and len(stems) == 1:
            return sorted(set(self._forms(stems[0], plan, record=False)))
        return None

    def _forms(self, word_stem: str, plan: PgPlan, record: bool) -> list[str]:
        """A stem and the stems of its name variants."""
        others = self.variants.variants_of(word_stem)
        if not others:
            return [word_stem]
        if record:
            plan.variants[word_stem] = tuple(sorted(others))
        return sorted({word_stem, *(s for o in others for s in stems_of(o))})

    def _leaf_query(
        self, leaf: Leaf, weight: str, plan: PgPlan, as_you_type: bool, *, record: bool
    ) -> tuple[str, list[str]] | None:
        """(tsquery text, stems) of one leaf; None for a leaf of stop words only."""
        label = {"title": "A", "body": "D"}.get(leaf.field, weight)
        suffix = f":{label}" if label else ""
        if leaf.kind == "prefix":
            return self._prefix_query(leaf.text, label, plan, as_you_type, record)
        if leaf.kind == "fuzzy":
            return self._fuzzy_query(leaf, suffix, plan, record)
        stems = stems_of(leaf.text)
        if not stems:
            return None
        parts = []
        for word_stem in stems:
            forms = self._forms(word_stem, plan, record)
            if record:
                plan.highlight_stems.update(forms)
            alternatives = " | ".join(f"{lexeme(f)}{suffix}" for f in forms)
            parts.append(f"({alternatives})" if len(forms) > 1 else alternatives)
        if leaf.kind == "phrase" and len(stems) > 1:
            if record:
                plan.highlight_phrases.append(tuple(stems))
            return "(" + " <-> ".join(parts) + ")", stems
        return "(" + " & ".join(parts) + ")", stems

    def _prefix_query(
        self, text: str, label: str, plan: PgPlan, as_you_type: bool, record: bool
    ) -> tuple[str, list[str]] | None:
        folded = fold(text)
        words = self._prefix_words(folded)
        if as_you_type:
            words = within_budget(words)
        stems = sorted({s for _, word in words for s in stems_of(word)})
        if record:
            plan.highlight_stems.update(stems)
        parts = [f"{lexeme(s)}:{label}" if label else lexeme(s) for s in stems]
        if not as_you_type and folded:
            parts.append(f"{lexeme(folded)}:*{label}")  # every word it begins, beyond the top
        if not parts:
            return _NOTHING, []
        return "(" + " | ".join(parts) + ")", stems or [folded]

    def _fuzzy_query(
        self, leaf: Leaf, suffix: str, plan: PgPlan, record: bool
    ) -> tuple[str, list[str]] | None:
        folded = fold(leaf.text)
        maxdist = min(leaf.maxdist, FUZZY_MAX_EDITS)
        candidates = process.extract(
            folded,
            list(self._vocabulary),
            scorer=Levenshtein.distance,
            score_cutoff=maxdist,
            limit=None,
        )
        frequency = self._vocabulary.get
        ranked = sorted(candidates, key=lambda c: (c[1], -(frequency(c[0]) or 0), c[0]))
        stems = sorted({s for word, _, _ in ranked[:FUZZY_EXPANSION_LIMIT] for s in stems_of(word)})
        if record:
            plan.highlight_stems.update(stems)
        if not stems:
            return _NOTHING, []
        return "(" + " | ".join(f"{lexeme(s)}{suffix}" for s in stems) + ")", stems

    def _condition(
        self, node: Node, plan: PgPlan, as_you_type: bool, params: list[Any]
    ) -> str | None:
        """SQL for `node`: a subtree without source: becomes one tsquery over tsv."""
        if not has_source(node):
            query = self._tsquery(node, plan, as_you_type)
            if query is None:
                return None
            params.append(query)
            return "p.tsv @@ %s::tsquery"
        if isinstance(node, Leaf):
            words = keyword_terms(node.text)
            if not words:
                return None
            params.append(" & ".join(lexeme(w) for w in words))
            return "p.source_tsv @@ %s::tsquery"
        if isinstance(node, Not):
            inner = self._condition(node.child, plan, as_you_type, params)
            return f"NOT ({inner})" if inner else None
        parts = [self._condition(child, plan, as_you_type, params) for child in node.children]
        kept = [f"({p})" for p in parts if p]
        if not kept:
            return None
        return (" AND " if node.op == "and" else " OR ").join(kept)

    def _tsquery(self, node: Node, plan: PgPlan, as_you_type: bool) -> str | None:
        if isinstance(node, Leaf):
            found = self._leaf_query(node, "", plan, as_you_type, record=False)
            return found[0] if found else None
        if isinstance(node, Not):
            inner = self._tsquery(node.child, plan, as_you_type)
            return f"!({inner})" if inner else None
        parts = [self._tsquery(child, plan, as_you_type) for child in node.children]
        kept = [p for p in parts if p]
        if not kept:
            return None
        return "(" + (" & " if node.op == "and" else " | ").join(kept) + ")"


def has_source(node: Node) -> bool:
    if isinstance(node, Leaf):
        return node.field == "source"
    if isinstance(node, Not):
        return has_source(node.child)
    return any(has_source(child) for child in node.children)


def source_query(prepared: PreparedQuery) -> str | None:
    """Every word of a plain query over the source names (None for any other query)."""
    words = prepared.plain_words
    if not words or len(words) != len(prepared.text.split()):
        return None
    terms = [t for w in words for t in keyword_terms(w)]
    return " & ".join(lexeme(t) for t in terms) if terms else None
