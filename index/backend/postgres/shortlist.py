"""Ranking a query of common words from the collection's ranking lists (toplists.py)
instead of scoring every match.

The candidates are the listed passages of every word of the query, and every passage
holding one of its words that has no list (few enough, or the lists are not used). Each
candidate is scored and filtered by the query exactly as the full ranking does. A
passage left out holds each listed word at most at its floor, so its score (the sum of
the words' idf-weighted scores, without the adjacency lift) is at most the sum of the
floors: when a page's worth of candidates scores above that, the page is the full
ranking's page. Otherwise (a rare combination of common words, a narrow date filter)
the query is ranked the full way. The total is then an estimate ("about N").

The lift for words near each other (ADJACENCY_BOOST, ts_rank's proximity over a query
of several plain words) is not bounded that way: it re-ranks the candidates only, so a
passage outside every list whose words stand close (in its article's title, say) can
miss a page the full ranking would give it. Single words, their name variants and fuzzy
words have no such lift: their pages are the full ranking's.
"""

from __future__ import annotations

from typing import Any

from index.backend.postgres.documents import lexeme
from index.backend.postgres.tsquery import PgPlan, QueryPlanner

UNLISTED_MAX = 3_000
"""At most this many passages holding the query's unlisted words join the candidates."""

Row = tuple[Any, ...]


class Shortlist(QueryPlanner):
    def _score(self, plan: PgPlan, *, adjacency: bool = True) -> tuple[str, list[Any]]:
        raise NotImplementedError  # (ranking.Ranker's)

    def _from_lists(
        self, plan: PgPlan, condition: str, params: list[Any], fetch: int
    ) -> tuple[list[Row], int] | None:
        """(the page's rows, estimated total), or None when the lists cannot answer."""
        leaves = plan.leaf_forms
        if not leaves or any(not forms for forms in leaves):
            return None
        words = sorted({form for forms in leaves for form in forms or ()})
        terms = {
            word: (float(floor), int(matches))
            for word, floor, matches in self._rows(
                "SELECT lexeme, floor, matches FROM summit_top_terms "
                "WHERE collection = %s AND lexeme = ANY(%s)",
                (self._collection, words),
            )
        }
        if any(not any(form in terms for form in forms or ()) for forms in leaves):
            return None  # a leaf of rare words: its few matches are ranked whole, fast
        unlisted = [word for word in words if word not in terms]
        extra: list[Row] = []
        if unlisted:
            extra = self._rows(
                "SELECT article_id, paragraph FROM summit_passages p WHERE p.collection = %s "
                f"AND p.tsv @@ %s::tsquery LIMIT {UNLISTED_MAX + 1}",
                (self._collection, " | ".join(lexeme(word) for word in unlisted)),
            )
            if len(extra) > UNLISTED_MAX:
                return None
        idfs = [self._idf(stems) if stems else 1.0 for _, stems in plan.leaf_queries]
        bound = sum(
            idf * sum(terms[form][0] for form in forms if form in terms) / len(forms)
            for idf, forms in zip(idfs, leaves, strict=True)
            if forms
        )
        score, score_params = self._score(plan)
        plain, plain_params = self._score(plan, adjacency=False)
        candidates = (
            "SELECT article_id, paragraph FROM summit_top_passages "
            "WHERE collection = %s AND lexeme = ANY(%s) "
            "UNION SELECT * FROM unnest(%s::text[], %s::integer[])"
        )
        candidate_params = [
            self._collection,
            [word for word in words if word in terms],
            [row[0] for row in extra],
            [row[1] for row in extra],
        ]
        found = self._rows(
            f"SELECT p.article_id, p.paragraph, {score} AS score, {plain} AS plain, "
            "c.candidates FROM ("
            f"SELECT c.*, count(*) OVER () AS candidates FROM ({candidates}) c) c "
            "JOIN summit_passages p ON p.collection = %s AND p.article_id = c.article_id "
            # (IS TRUE: the match is checked on the candidates, found by key; as a plain
            # condition the planner may read every match through the GIN index instead)
            f"AND p.paragraph = c.paragraph WHERE ({condition}) IS TRUE",
            (*score_params, *plain_params, *candidate_params, self._collection, *params),
        )
        if sum(1 for row in found if row[3] > bound) < fetch:
            return None
        found.sort(key=lambda row: (-row[2], row[0], row[1]))
        page = found[:fetch]
        bodies = {
            (row[0], row[1]): row[2:]
            for row in self._rows(
                "SELECT article_id, paragraph, start_char, end_char, body FROM summit_passages "
                "WHERE collection = %s AND (article_id, paragraph) IN "
                "(SELECT * FROM unnest(%s::text[], %s::integer[]))",
                (self._collection, [row[0] for row in page], [row[1] for row in page]),
            )
        }
        rows = [(aid, number, *bodies[(aid, number)], value) for aid, number, value, *_ in page]
        return rows, self._estimate(leaves, terms, len(extra), len(found), found)

    @staticmethod
    def _estimate(
        leaves: list[list[str] | None],
        terms: dict[str, tuple[float, int]],
        extra: int,
        matching: int,
        found: list[Row],
    ) -> int:
        """About how many passages match: the rarest leaf's passages (from the lists'
        counts), by the share of the candidates that matched."""
        candidates = int(found[0][-1]) if found else 0
        per_leaf = [
            sum(terms[form][1] for form in forms or () if form in terms)
            + (extra if any(form not in terms for form in forms or ()) else 0)
            for forms in leaves
        ]
        share = matching / max(1, candidates)
        return max(matching, round(min(per_leaf) * share))
