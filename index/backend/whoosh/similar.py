"""More like this: passages of other articles that share the key terms of a passage or
of a whole article (whoosh's key terms of its passages)."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq
from whoosh.searching import Searcher

from index.backend.whoosh.schema import PASSAGE
from index.models import Passage, SearchResult
from index.search.results import Fields, Marks

KEY_TERMS = 12

MakePassage = Callable[[Fields, float, int, Marks], Passage]


def similar(
    searcher: Searcher, article_id: str, paragraph: int | None, limit: int, make: MakePassage
) -> SearchResult:
    """Passages of other articles that share the key terms of this passage or article."""
    # An article's key terms are those of its passages together (the same text as
    # its whole-article document, which then need not index a body of its own).
    conditions = [wq.Term("article_id", article_id), wq.Term("kind", PASSAGE)]
    if paragraph is not None:
        conditions.append(wq.NumericRange("paragraph", paragraph, paragraph))
    docnums = list(searcher.docs_for_query(wq.And(conditions)))
    label = f"{article_id}" + (f" ¶{paragraph}" if paragraph is not None else "")
    if not docnums:
        return SearchResult(
            f"like:{label}", "", 0, False, (), (f"no passage {label}",), error=f"no passage {label}"
        )
    key_terms = [
        term
        for term, _ in searcher.key_terms(docnums, "body", numterms=20)
        if len(term) > 2 and not term.isdigit()
    ][:KEY_TERMS]
    if not key_terms:
        return SearchResult(f"like:{label}", "", 0, False, (), ("nothing to compare",))
    query = wq.Or([wq.Term("body", t) for t in key_terms])
    restriction = wq.And([wq.Term("kind", PASSAGE), wq.Not(wq.Term("article_id", article_id))])
    found = searcher.search(query, limit=limit, filter=restriction)
    marks = Marks(frozenset(key_terms))
    hits = [make(hit.fields(), hit.score, rank, marks) for rank, hit in enumerate(found, 1)]
    return SearchResult(
        query=f"like:{label}",
        searched=" ".join(key_terms),
        total=len(hits),
        total_is_estimate=False,
        hits=tuple(hits),
        notes=(f"key terms: {', '.join(key_terms)}",),
    )
