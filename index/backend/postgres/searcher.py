"""Searching the passages of one collection in PostgreSQL (the PassageSearch seam).

The query language, its repairs and the fallbacks are the project's (index.search);
here a query's tree (index.backend.postgres.query) becomes SQL over the passages'
tsvectors: one GIN lookup to match, ts_rank weighted by each word's idf to rank (title
words lift a passage, weight A; body words score it, weight D), highlights worked out in
Python by the shared helpers, exactly as the whoosh backend shows them.

PgSearcher is the seam's class; its parts are mixins and helpers, one concern a module:
expansion.py (the vocabulary: idf, prefixes, spelling), tsquery.py (a query's tree as
tsquery text and SQL conditions), ranking.py (the candidate SQL and its scores), hits.py
(a row as a hit with snippet and highlights) and similar.py (more like this).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from index.backend.postgres.ranking import Ranker
from index.backend.postgres.similar import SimilarPassages
from index.backend.postgres.tsquery import PgPlan
from index.models import SearchResult
from index.search.planner import allowed_articles, none_allowed
from index.search.querylang import is_empty, well_formed
from index.search.results import AnchorsProvider
from index.search.spelling import (
    Ranked,
    as_typed,
    corrected_query,
    search_result,
    with_correction,
)
from index.store.manifest import ManifestRecord
from index.text.variants import VariantTable

if TYPE_CHECKING:
    import psycopg


class PgSearcher(Ranker, SimilarPassages):
    """Searches one state of a collection (the engine makes a new one per generation)."""

    def __init__(
        self,
        conn: psycopg.Connection,
        collection: int,
        records: Mapping[str, ManifestRecord],
        variant_groups: list[frozenset[str]],
        lock: threading.RLock | None = None,
    ) -> None:
        self._conn = conn
        self._transaction_lock = lock or threading.RLock()
        """Held around a search's transaction: the store's other threads (a search while
        typing, reading a new state) use the same connection, and two transaction blocks
        interleaved on one connection fail ("commit at the wrong nesting level")."""
        self._collection = collection
        self._records = records
        self.variants = VariantTable(variant_groups)
        self._prefix_cache: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
        self._df_cache: dict[str, int] = {}

    def close(self) -> None:
        """(The connection belongs to the store.)"""

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
        collection_of: Callable[[str], str] | None = None,
    ) -> SearchResult:
        text = well_formed(text)
        shown = shown_anchors or anchors
        plan = self._plan(text, as_you_type=as_you_type)
        if is_empty(plan.prepared):
            return SearchResult(
                text, "", 0, False, (), tuple(plan.notes), error=plan.prepared.error
            )
        allowed = allowed_articles(plan.prepared, anchors, self._records, collection_of)
        notes = list(plan.notes)
        if allowed is not None and not allowed:
            notes.append(none_allowed(plan.prepared, self._records, collection_of))
            return SearchResult(
                text, plan.prepared.text, 0, False, (), tuple(notes), error=plan.prepared.error
            )
        result = self._run(plan, limit, allowed, group_by_article, shown, as_you_type)
        step = as_typed(plan, result)
        if not as_you_type:

            def rerun(fixed: str) -> tuple[PgPlan, Ranked]:
                retry = self._plan(fixed, as_you_type=False)
                return retry, self._run(retry, limit, allowed, group_by_article, shown, False)

            fix = corrected_query(
                plan.prepared, self._in_index, self.correction, self._proper_words.__contains__
            )
            step = with_correction(plan, result, notes, fix, rerun)
        return search_result(text, step, notes, tuple(step.plan.variants.items()))
