"""More like this in PostgreSQL: passages of other articles sharing the key terms of a
passage or of a whole article."""

from __future__ import annotations

import math
from collections import Counter

from index.backend.postgres.documents import lexeme
from index.backend.postgres.expansion import Vocabulary
from index.backend.postgres.hits import make_passage, ranked
from index.backend.postgres.tsquery import PgPlan
from index.models import SearchResult
from index.search.querylang import prepare_query
from index.search.results import AnchorsProvider
from index.text.words import index_terms


class SimilarPassages(Vocabulary):
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
            counts.update(term for term, _ in index_terms(body))
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
        plan = PgPlan(prepare_query(""), None, highlight_stems=set(key_terms))
        known = anchors() if anchors else {}
        hits = [
            ranked(
                make_passage(self._records, aid, number, start, end, body, score, plan, known), rank
            )
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
