"""Ranked passages in PostgreSQL: the candidate SQL (one GIN probe, capped while
typing), ts_rank weighted by each word's idf (title words lift a passage, weight A; body
words score it, weight D), and the lead passages of articles found by title or source."""

from __future__ import annotations

from typing import Any

from index.backend.postgres.hits import make_passage, ranked
from index.backend.postgres.query import has_negation
from index.backend.postgres.shortlist import Shortlist
from index.backend.postgres.toplists import RANK_WEIGHTS
from index.backend.postgres.tsquery import PgPlan, QueryPlanner, has_source, source_query
from index.models import Passage
from index.search.results import AnchorsProvider

ADJACENCY_BOOST = 1.5
AS_YOU_TYPE_CANDIDATES = 1_500
"""While typing, at most this many matching passages are ranked (the best of them
shown, the total an estimate); Enter ranks every match."""
SOURCE_LEADS = 3
DUPLICATE_SLACK = 10
STATEMENT_TIMEOUT_MS = 20_000


def page_sql(score: str, condition: str, fetch: int, as_you_type: bool) -> str:
    """The page of ranked passages with the number of matches (the last column).

    The matches are read once and ranked as narrow rows (key and score): a passage's
    text is read only for the page. (Carrying every match's text through the count and
    the sort cost 5-6 times the ranking itself on a common word: the rows spilled to disk.)
    While typing, at most AS_YOU_TYPE_CANDIDATES matches are ranked."""
    # (LIMIT, or OFFSET 0, keeps the score computed below the count: else the planner
    # carries each match's tsvector into the window's store and scores it above)
    cap = f" LIMIT {AS_YOU_TYPE_CANDIDATES}" if as_you_type else " OFFSET 0"
    matches = (
        f"SELECT p.article_id, p.paragraph, {score} AS score "
        f"FROM summit_passages p WHERE {condition}{cap}"
    )
    top = (
        f"SELECT m.*, count(*) OVER () AS total FROM ({matches}) m "
        f"ORDER BY m.score DESC, m.article_id, m.paragraph LIMIT {fetch}"
    )
    return (
        "SELECT t.article_id, t.paragraph, p.start_char, p.end_char, p.body, t.score, t.total "
        f"FROM ({top}) t JOIN summit_passages p ON p.collection = %s "
        "AND p.article_id = t.article_id AND p.paragraph = t.paragraph "
        "ORDER BY t.score DESC, t.article_id, t.paragraph"
    )


class Ranker(Shortlist, QueryPlanner):
    """Runs a plan: the page of ranked passages, its total, and whether it is exact."""

    def _run(
        self,
        plan: PgPlan,
        limit: int,
        allowed: set[str] | None,
        group_by_article: bool,
        anchors: AnchorsProvider | None,
        as_you_type: bool,
    ) -> tuple[list[Passage], int, bool]:
        params: list[Any] = [self._collection]
        where = ["p.collection = %s"]
        body = " | ".join(plan.body_queries)
        simple = plan.tree is not None and not has_source(plan.tree)
        if plan.tree is not None and simple:
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
        sql = page_sql(score, condition, fetch, as_you_type)
        known = anchors() if anchors else {}
        with self._transaction_lock, self._conn.transaction():
            self._conn.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            listed = None
            if simple and not as_you_type:
                listed = self._from_lists(plan, condition, params, fetch)
            if listed is not None:
                rows, total = listed
                exact = False
            else:
                found = self._rows(sql, (*score_params, *params, self._collection))
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
            hits.append(
                make_passage(
                    self._records, article_id, paragraph, start, end, body, value, plan, known
                )
            )
        for article_id, paragraph, start, end, body in leads:
            if len(hits) >= limit or any(h.article_id == article_id for h in hits):
                continue
            hits.append(
                make_passage(
                    self._records, article_id, paragraph, start, end, body, 0.0, plan, known
                )
            )
            total += 1
        hits = [ranked(hit, rank) for rank, hit in enumerate(hits, 1)]
        if group_by_article and len(hits) < limit:
            total = len({hit.article_id for hit in hits})
        return hits, total, exact

    def _score(self, plan: PgPlan, *, adjacency: bool = True) -> tuple[str, list[Any]]:
        """idf-weighted ts_rank of each positive leaf (BM25's idf, ts_rank's length
        normalisation), plus (`adjacency`) a lift where bare words stand together."""
        weights = RANK_WEIGHTS
        terms, params = [], []
        for query, stems in plan.leaf_queries:
            terms.append(f"%s * ts_rank({weights}, p.tsv, %s::tsquery, 1)")
            params.extend([self._idf(stems) if stems else 1.0, query])
        if plan.adjacency and adjacency:
            terms.append(f"%s * ts_rank({weights}, p.tsv, %s::tsquery, 1)")
            params.extend([ADJACENCY_BOOST, plan.adjacency])
        return (" + ".join(terms) or "0"), params

    def _leads(
        self,
        plan: PgPlan,
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
        if not as_you_type and (source := source_query(plan.prepared)):
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
            if title and not has_source(plan.tree):
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
