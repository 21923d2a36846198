"""Searching the passages of one collection in PostgreSQL (the PassageSearch seam).

The query language, its repairs and the fallbacks are the project's (index.search);
here a query's tree (index.backend.postgres.query) becomes SQL over the passages'
tsvectors: one GIN lookup to match, ts_rank weighted by each word's idf to rank (title
words lift a passage, weight A; body words score it, weight D), highlights worked out in
Python by the shared helpers, exactly as the whoosh backend shows them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh.analysis import STOP_WORDS

from index.backend.postgres.documents import lexeme
from index.backend.postgres.query import (
    Leaf,
    Node,
    Not,
    has_negation,
    parse,
    positive_leaves,
    stems_of,
)
from index.backend.whoosh.analyzers import keyword_analyzer, stemming_analyzer
from index.models import DateAnchor, Passage, SearchResult
from index.search.highlight import make_snippet, match_spans, phrase_spans
from index.search.planner import allowed_articles, within_budget
from index.search.querylang import (
    PreparedQuery,
    is_empty,
    prefix_last_word,
    prepare_query,
    well_formed,
)
from index.search.spelling import same_word
from index.store.manifest import ManifestRecord
from index.text.variants import VariantTable
from index.text.words import fold

if TYPE_CHECKING:
    import psycopg

AnchorsProvider = Callable[[], Mapping[str, DateAnchor]]

PREFIX_EXPANSION_LIMIT = 64
FUZZY_MAX_EDITS = 2
FUZZY_EXPANSION_LIMIT = 32
TITLE_WEIGHT = 0.6
"""A title word's weight against a body word's 1.0 (whoosh: title boost 2 x lift 0.3)."""
ADJACENCY_BOOST = 1.5
AS_YOU_TYPE_CANDIDATES = 1_500
"""While typing, at most this many matching passages are ranked (the best of them
shown, the total an estimate); Enter ranks every match."""
SOURCE_LEADS = 3
DUPLICATE_SLACK = 10
STATEMENT_TIMEOUT_MS = 20_000
_NOTHING = "'\u2400'"  # a lexeme no text has: "matches nothing", honestly
_CACHE_SIZE = 256


@dataclass(slots=True)
class _Plan:
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


class PgSearcher:
    """Searches one state of a collection (the engine makes a new one per generation)."""

    def __init__(
        self,
        conn: psycopg.Connection,
        collection: int,
        records: Mapping[str, ManifestRecord],
        variant_groups: list[frozenset[str]],
    ) -> None:
        self._conn = conn
        self._collection = collection
        self._records = records
        self.variants = VariantTable(variant_groups)
        self._prefix_cache: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
        self._df_cache: dict[str, int] = {}

    def close(self) -> None:
        """(The connection belongs to the store.)"""

    # -- vocabulary ----------------------------------------------------------------------

    def _rows(self, statement: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(statement, parameters).fetchall()

    @cached_property
    def _vocabulary(self) -> dict[str, int]:
        """Every corpus word (folded) with its article count: read once per generation,
        the first time a spelling correction or a fuzzy term asks."""
        rows = self._rows(
            "SELECT word, df FROM summit_vocabulary WHERE collection = %s", (self._collection,)
        )
        return {word: df for word, df in rows}

    @cached_property
    def _correctable(self) -> list[str]:
        return [
            word
            for word in self._vocabulary
            if len(word) >= 3 and not any(ch.isdigit() for ch in word) and word not in STOP_WORDS
        ]

    @cached_property
    def _proper_words(self) -> frozenset[str]:
        rows = self._rows(
            "SELECT name_pairs, proper_nouns FROM summit_articles WHERE collection = %s",
            (self._collection,),
        )
        from index.store.sidecar import ArticleExtras

        words: set[str] = set()
        for pairs, nouns in rows:
            words.update(fold(name) for _, name in ArticleExtras.decode_pairs(pairs))
            words.update(fold(name) for name in ArticleExtras.decode_proper_nouns(nouns))
        return frozenset(words)

    def _stem_frequencies(self, stems: set[str]) -> dict[str, int]:
        """Articles holding each stem (the most any of its words is in)."""
        missing = [s for s in stems if s not in self._df_cache]
        if missing:
            rows = self._rows(
                "SELECT stem, max(df) FROM summit_vocabulary WHERE collection = %s "
                "AND stem = ANY(%s) GROUP BY stem",
                (self._collection, missing),
            )
            found = dict(rows)
            for item in missing:
                self._df_cache[item] = int(found.get(item, 0))
        return {s: self._df_cache[s] for s in stems}

    def _idf(self, stems: list[str]) -> float:
        """BM25's idf of the commonest of `stems` (a leaf of several words or forms)."""
        total = max(1, len(self._records))
        frequencies = self._stem_frequencies(set(stems))
        df = max(frequencies.values(), default=0)
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

    def _prefix_words(self, folded: str) -> list[tuple[int, str]]:
        cached = self._prefix_cache.get(folded)
        if cached is not None:
            self._prefix_cache.move_to_end(folded)
            return cached
        pattern = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._rows(
            "SELECT df, word FROM summit_vocabulary WHERE collection = %s AND word LIKE %s "
            "ORDER BY df DESC, word DESC LIMIT %s",
            (self._collection, pattern, PREFIX_EXPANSION_LIMIT),
        )
        kept = [(int(df), word) for df, word in rows]
        self._prefix_cache[folded] = kept
        if len(self._prefix_cache) > _CACHE_SIZE:
            self._prefix_cache.popitem(last=False)
        return kept

    def _in_index(self, word: str) -> bool:
        stems = stems_of(word)
        if not stems:
            return True  # a stop word is never a typo
        return all(self._stem_frequencies(set(stems)).values())

    def correction(self, word: str) -> str | None:
        """The corpus word nearest to `word` (fewest edits, then most frequent)."""
        folded = fold(word)
        max_edits = 1 if len(folded) <= 5 else FUZZY_MAX_EDITS
        candidates = process.extract(
            folded,
            self._correctable,
            scorer=Levenshtein.distance,
            score_cutoff=max_edits,
            limit=20,
        )
        if not candidates:
            return None
        frequency = self._vocabulary.get
        best = min(candidates, key=lambda c: (c[1], -(frequency(c[0]) or 0), c[0]))
        return str(best[0])

    # -- planning ------------------------------------------------------------------------

    def _plan(self, text: str, *, as_you_type: bool) -> _Plan:
        prepared = prepare_query(text)
        query_text = prefix_last_word(prepared.text) if as_you_type else prepared.text
        plan = _Plan(prepared, parse(query_text), notes=list(prepared.notes))
        for leaf in positive_leaves(plan.tree):
            if leaf.field == "source":
                continue
            forms = self._leaf_query(leaf, "", plan, as_you_type, record=True)
            if forms is None:
                continue
            query, stems = forms
            plan.leaf_queries.append((query, stems))
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

    def _forms(self, word_stem: str, plan: _Plan, record: bool) -> list[str]:
        """A stem and the stems of its name variants."""
        others = self.variants.variants_of(word_stem)
        if not others:
            return [word_stem]
        if record:
            plan.variants[word_stem] = tuple(sorted(others))
        return sorted({word_stem, *(s for o in others for s in stems_of(o))})

    def _leaf_query(
        self, leaf: Leaf, weight: str, plan: _Plan, as_you_type: bool, *, record: bool
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
        self, text: str, label: str, plan: _Plan, as_you_type: bool, record: bool
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
        self, leaf: Leaf, suffix: str, plan: _Plan, record: bool
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
        self, node: Node, plan: _Plan, as_you_type: bool, params: list[Any]
    ) -> str | None:
        """SQL for `node`: a subtree without source: becomes one tsquery over tsv."""
        if not _has_source(node):
            query = self._tsquery(node, plan, as_you_type)
            if query is None:
                return None
            params.append(query)
            return "p.tsv @@ %s::tsquery"
        if isinstance(node, Leaf):
            words = [t.text for t in keyword_analyzer()(node.text)]
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

    def _tsquery(self, node: Node, plan: _Plan, as_you_type: bool) -> str | None:
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

    # -- searching -----------------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 20,
        *,
        group_by_article: bool = False,
        as_you_type: bool = False,
        anchors: AnchorsProvider | None = None,
        shown_anchors: AnchorsProvider | None = None,
    ) -> SearchResult:
        text = well_formed(text)
        shown = shown_anchors or anchors
        plan = self._plan(text, as_you_type=as_you_type)
        if is_empty(plan.prepared):
            return SearchResult(
                text, "", 0, False, (), tuple(plan.notes), error=plan.prepared.error
            )
        allowed = allowed_articles(plan.prepared, anchors, self._records)
        notes = list(plan.notes)
        if allowed is not None and not allowed:
            notes.append("no article matches that date or place")
            return SearchResult(
                text, plan.prepared.text, 0, False, (), tuple(notes), error=plan.prepared.error
            )
        result = self._run(plan, limit, allowed, group_by_article, shown, as_you_type)
        suggestion, corrected, searched = None, False, plan.prepared.text
        if not as_you_type:
            fixed, automatic = self._corrected_query(plan.prepared)
            if fixed is not None:
                suggestion = fixed
                if result[1] == 0 and automatic:
                    retry = self._plan(fixed, as_you_type=False)
                    retry_result = self._run(retry, limit, allowed, group_by_article, shown, False)
                    if retry_result[1] > 0:
                        notes.append(
                            f'no results for "{plan.prepared.text}"; searched "{fixed}" instead'
                        )
                        notes.extend(n for n in retry.notes if n not in notes)
                        plan, result, corrected, searched = retry, retry_result, True, fixed
                    else:
                        notes.append(f"did you mean: {fixed}?")
                else:
                    notes.append(f"did you mean: {fixed}?")
        hits, total, exact = result
        return SearchResult(
            query=text,
            searched=searched,
            total=total,
            total_is_estimate=not exact,
            hits=tuple(hits),
            notes=tuple(notes),
            suggestion=suggestion,
            corrected=corrected,
            variants=tuple(plan.variants.items()),
            error=plan.prepared.error,
        )

    def _corrected_query(self, prepared: PreparedQuery) -> tuple[str | None, bool]:
        text, changed, automatic = prepared.text, False, True
        for word in prepared.plain_words:
            if self._in_index(word):
                continue
            fix = self.correction(word)
            if fix and fix != fold(word):
                text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", fix, text, count=1)
                changed = True
                automatic = automatic and same_word(word, fix, self._proper_words.__contains__)
        return (text, automatic) if changed else (None, False)

    def _run(
        self,
        plan: _Plan,
        limit: int,
        allowed: set[str] | None,
        group_by_article: bool,
        anchors: AnchorsProvider | None,
        as_you_type: bool,
    ) -> tuple[list[Passage], int, bool]:
        params: list[Any] = [self._collection]
        where = ["p.collection = %s"]
        body = " | ".join(plan.body_queries)
        if plan.tree is not None and not _has_source(plan.tree):
            # one tsquery, one index probe: the query, and a word of it in the passage
            query = self._tsquery(plan.tree, plan, as_you_type)
            if query is None:
                return [], 0, True
            where.append("p.tsv @@ %s::tsquery")
            params.append(f"{query} & ({body})" if body else query)
        else:
            if plan.tree is not None:
                condition = self._condition(plan.tree, plan, as_you_type, params)
                if condition is None:
                    return [], 0, True
                where.append(f"({condition})")
            if body:
                where.append("p.tsv @@ %s::tsquery")
                params.append(body)
        if allowed is not None:
            where.append("p.article_id = ANY(%s)")
            params.append(sorted(allowed))
        score, score_params = self._score(plan)
        fetch = max(1, limit) * (4 if group_by_article else 1) + DUPLICATE_SLACK
        condition = " AND ".join(where)
        # (the total comes with the page: the matches are read once)
        columns = f"article_id, paragraph, start_char, end_char, body, {score} AS score"
        if as_you_type:
            source = (
                f"(SELECT * FROM summit_passages p WHERE {condition} "
                f"LIMIT {AS_YOU_TYPE_CANDIDATES}) p"
            )
        else:
            source = f"summit_passages p WHERE {condition}"
        sql = (
            f"SELECT {columns}, count(*) OVER () FROM {source} "
            f"ORDER BY score DESC, article_id, paragraph LIMIT {fetch}"
        )
        known = anchors() if anchors else {}
        with self._conn.transaction():
            self._conn.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            found = self._rows(sql, (*score_params, *params))
            total = int(found[0][-1]) if found else 0
            exact = not as_you_type or total < AS_YOU_TYPE_CANDIDATES
            rows = [row[:-1] for row in found]
            leads = self._leads(plan, limit, rows, allowed, as_you_type)
        hits: list[Passage] = []
        seen: set[str] = set()
        for article_id, paragraph, start, end, body, value in rows:
            if len(hits) >= limit:
                break
            if group_by_article:
                if article_id in seen:
                    continue
                seen.add(article_id)
            hits.append(self._passage(article_id, paragraph, start, end, body, value, plan, known))
        for article_id, paragraph, start, end, body in leads:
            if len(hits) >= limit or any(h.article_id == article_id for h in hits):
                continue
            hits.append(self._passage(article_id, paragraph, start, end, body, 0.0, plan, known))
            total += 1
        hits = [_ranked(hit, rank) for rank, hit in enumerate(hits, 1)]
        if group_by_article and len(hits) < limit:
            total = len({hit.article_id for hit in hits})
        return hits, total, exact

    def _score(self, plan: _Plan) -> tuple[str, list[Any]]:
        """idf-weighted ts_rank of each positive leaf (BM25's idf, ts_rank's length
        normalisation), plus a lift where bare words stand together."""
        weights = f"'{{1.0, 0, 0, {TITLE_WEIGHT}}}'"
        terms, params = [], []
        for query, stems in plan.leaf_queries:
            terms.append(f"%s * ts_rank({weights}, p.tsv, %s::tsquery, 1)")
            params.extend([self._idf(stems) if stems else 1.0, query])
        if plan.adjacency:
            terms.append(f"%s * ts_rank({weights}, p.tsv, %s::tsquery, 1)")
            params.extend([ADJACENCY_BOOST, plan.adjacency])
        return (" + ".join(terms) or "0"), params

    def _leads(
        self,
        plan: _Plan,
        limit: int,
        rows: list[tuple[Any, ...]],
        allowed: set[str] | None,
        as_you_type: bool,
    ) -> list[tuple[Any, ...]]:
        """Lead passages of articles found by their title alone (when the page has room),
        and, on Enter, of up to SOURCE_LEADS articles from a source a plain query names."""
        represented = sorted({row[0] for row in rows})
        found: list[tuple[Any, ...]] = []
        columns = "article_id, paragraph, start_char, end_char, body"
        restriction = "" if allowed is None else " AND p.article_id = ANY(%(allowed)s)"
        values: dict[str, Any] = {
            "collection": self._collection,
            "represented": represented,
            "allowed": sorted(allowed or ()),
        }
        if not as_you_type and (source := _source_query(plan.prepared)):
            values["source"] = source
            found.extend(
                self._conn.execute(
                    f"SELECT {columns} FROM summit_passages p WHERE p.collection = %(collection)s"
                    " AND p.paragraph = 0 AND p.source_tsv @@ %(source)s::tsquery"
                    f" AND NOT p.article_id = ANY(%(represented)s){restriction}"
                    f" ORDER BY p.article_id LIMIT {SOURCE_LEADS}",
                    values,
                ).fetchall()
            )
        room = limit - len(rows)
        if room > 0 and plan.body_queries and plan.tree and not has_negation(plan.tree):
            title = self._tsquery(plan.tree, plan, as_you_type)
            if title and not _has_source(plan.tree):
                values["title"] = title
                found.extend(
                    self._conn.execute(
                        f"SELECT {columns} FROM summit_passages p "
                        "WHERE p.collection = %(collection)s AND p.paragraph = 0"
                        " AND p.tsv @@ %(title)s::tsquery"
                        f" AND NOT p.article_id = ANY(%(represented)s){restriction}"
                        f" ORDER BY ts_rank(p.tsv, %(title)s::tsquery) DESC, p.article_id"
                        f" LIMIT {room}",
                        values,
                    ).fetchall()
                )
        return found

    def _passage(
        self,
        article_id: str,
        paragraph: int,
        start: int,
        end: int,
        body: str,
        score: float,
        plan: _Plan,
        anchors: Mapping[str, DateAnchor],
    ) -> Passage:
        spans = match_spans(body, frozenset(plan.highlight_stems))
        if plan.highlight_phrases:
            spans = sorted(
                set(spans).union(phrase_spans(body, plan.highlight_phrases)),
                key=lambda span: span.start,
            )
        snippet, snippet_spans = make_snippet(body, spans)
        record = self._records.get(article_id)
        anchor = anchors.get(article_id)
        date = anchor.date if anchor else (record.parsed_date if record else None)
        return Passage(
            article_id=article_id,
            file=record.file if record else "",
            title=record.title if record else "",
            paragraph=int(paragraph),
            start=int(start),
            end=int(end),
            text=body,
            score=float(score or 0.0),
            rank=0,
            snippet=snippet,
            highlights=snippet_spans,
            text_highlights=tuple(spans),
            matched_terms=tuple(dict.fromkeys(body[s.start : s.end] for s in spans)),
            place=record.place if record else None,
            date=date,
            source=record.source if record else None,
        )

    # -- more like this ------------------------------------------------------------------

    def similar(
        self,
        article_id: str,
        paragraph: int | None,
        limit: int,
        anchors: AnchorsProvider | None = None,
    ) -> SearchResult:
        """Passages of other articles sharing this passage's (or article's) key terms:
        its words weighted by frequency here and rarity in the collection."""
        label = f"{article_id}" + (f" ¶{paragraph}" if paragraph is not None else "")
        rows = self._rows(
            "SELECT body FROM summit_passages WHERE collection = %s AND article_id = %s"
            " AND (%s::integer IS NULL OR paragraph = %s)",
            (self._collection, article_id, paragraph, paragraph),
        )
        if not rows:
            message = f"no passage {label}"
            return SearchResult(f"like:{label}", "", 0, False, (), (message,), error=message)
        counts: Counter[str] = Counter()
        for (body,) in rows:
            counts.update(token.text for token in stemming_analyzer()(body))
        candidates = [t for t in counts if len(t) > 2 and not t.isdigit()]
        frequencies = self._stem_frequencies(set(candidates))
        total = max(1, len(self._records))
        weight = {
            t: counts[t] * math.log(1 + total / (1 + frequencies.get(t, 0))) for t in candidates
        }
        key_terms = sorted(candidates, key=lambda t: (-weight[t], t))[:12]
        if not key_terms:
            return SearchResult(f"like:{label}", "", 0, False, (), ("nothing to compare",))
        query = " | ".join(f"{lexeme(t)}:D" for t in key_terms)
        found = self._rows(
            "SELECT article_id, paragraph, start_char, end_char, body,"
            " ts_rank(p.tsv, %s::tsquery, 1) AS score FROM summit_passages p"
            " WHERE p.collection = %s AND p.article_id <> %s AND p.tsv @@ %s::tsquery"
            " ORDER BY score DESC, article_id, paragraph LIMIT %s",
            (query, self._collection, article_id, query, limit),
        )
        plan = _Plan(prepare_query(""), None, highlight_stems=set(key_terms))
        known = anchors() if anchors else {}
        hits = [
            _ranked(self._passage(aid, number, start, end, body, score, plan, known), rank)
            for rank, (aid, number, start, end, body, score) in enumerate(found, 1)
        ]
        return SearchResult(
            query=f"like:{label}",
            searched=" ".join(key_terms),
            total=len(hits),
            total_is_estimate=False,
            hits=tuple(hits),
            notes=(f"key terms: {', '.join(key_terms)}",),
        )


def _ranked(passage: Passage, rank: int) -> Passage:
    from dataclasses import replace

    return replace(passage, rank=rank)


def _has_source(node: Node) -> bool:
    if isinstance(node, Leaf):
        return node.field == "source"
    if isinstance(node, Not):
        return _has_source(node.child)
    return any(_has_source(child) for child in node.children)


def _source_query(prepared: PreparedQuery) -> str | None:
    """Every word of a plain query over the source names (None for any other query)."""
    words = prepared.plain_words
    if not words or len(words) != len(prepared.text.split()):
        return None
    terms = [t.text for w in words for t in keyword_analyzer()(w)]
    return " & ".join(lexeme(t) for t in terms) if terms else None
