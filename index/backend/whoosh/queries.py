"""Rewriting whoosh query trees by index/search/planner.py's rules: exclusions taken out
of the ranked query, title matches as a lift, the title-only and source-only queries, the
adjacency preference, and the terms a page highlights."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.reading import IndexReader

from index.backend.whoosh.analyzers import keyword_analyzer
from index.backend.whoosh.fastpath.compiler import RequireAny
from index.search import planner
from index.search.querylang import PreparedQuery

TEXT_FIELDS = ("title", "body")


class ExpandedFuzzy(wq.Or):
    """The capped expansion of a fuzzy term (kept apart from name-variant widening)."""


def split_exclusions(query: wq.Query) -> tuple[wq.Query, wq.Query | None]:
    """(what ranks, what excludes) of a query whose top is `a ANDNOT b` or an And with
    NOTs (planner: an exclusion is a set of passages removed, never part of the ranking).
    Exclusions nested deeper (`a OR (b -c)`) stay where they are."""
    if type(query) is wq.AndNot and query.boost == 1.0:
        positive, deeper = split_exclusions(query.a)
        return positive, query.b if deeper is None else wq.Or([deeper, query.b])
    if type(query) is wq.And and query.boost == 1.0:
        negated = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
        positive_parts = [q for q in query.subqueries if not isinstance(q, wq.Not)]
        if negated and positive_parts:
            positive = positive_parts[0] if len(positive_parts) == 1 else wq.And(positive_parts)
            return positive, one_or_or(negated)
    return query, None


def title_lifts_body(query: wq.Query) -> wq.Query:
    """Title matches become a lift: their weight drops to TITLE_LIFT and the passage
    must contain at least one of the query's positive words (or their variants, fuzzy or
    prefix expansions) itself. Without this a passage matched only through its title,
    and about 30 % of a page could contain no query word at all."""
    body = positive_body_leaves(query)
    if not body:
        return query  # nothing the passage itself could contain (a field-only query)

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, (wq.Term, wq.Phrase)) and node.fieldname == "title":
            lifted = node.copy()
            lifted.boost = node.boost * planner.TITLE_LIFT
            return lifted
        return node.apply(visit) if not node.is_leaf() else node

    if isinstance(query, wq.Or) and type(query) is wq.Or:
        # one word over both fields (the commonest query, and every keystroke of one):
        # the body part required, the title part a lift, without a second Or of the body
        parts = {
            name: [q for q in query.subqueries if fields_of(q) == {name}] for name in TEXT_FIELDS
        }
        if parts["body"] and len(parts["body"]) + len(parts["title"]) == len(query.subqueries):
            required = one_or_or(parts["body"])
            if not parts["title"]:
                return required
            return wq.AndMaybe(required, visit(one_or_or(parts["title"])))
    return RequireAny(visit(query), body)


def one_or_or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def fields_of(query: wq.Query) -> set[str]:
    """The fields of a query's leaves."""
    if query.is_leaf():
        return {query.fieldname} if getattr(query, "fieldname", None) else {""}
    return {name for child in query.children() for name in fields_of(child)}


def source_part(prepared: PreparedQuery) -> wq.Query | None:
    """Every word of a plain query over the source field (None for any other query)."""
    terms = [t.text for w in planner.source_words(prepared) for t in keyword_analyzer()(w)]
    if not terms:
        return None
    return wq.And([wq.Term("source", term) for term in terms])


def title_part(query: wq.Query) -> wq.Query | None:
    """The query with its body terms removed (None when it excludes words: a lead passage
    could contain what is excluded)."""
    has_not = False

    def visit(node: wq.Query) -> wq.Query:
        nonlocal has_not
        if isinstance(node, (wq.Not, wq.AndNot)):
            has_not = True
            return node
        if isinstance(node, (wq.Term, wq.Phrase)) and node.fieldname == "body":
            return wq.NullQuery
        return node.apply(visit) if not node.is_leaf() else node

    title = visit(query).normalize()
    return None if has_not or title is wq.NullQuery else title


def positive_body_leaves(query: wq.Query) -> list[wq.Query]:
    """The body terms and phrases a matching passage may contain (not under NOT)."""
    found: dict[tuple[str, str], wq.Query] = {}

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        if isinstance(node, wq.AndMaybe):
            visit(node.a)  # the optional part (adjacency) is already in the required one
            return
        if isinstance(node, wq.Term) and node.fieldname == "body":
            found.setdefault(("t", text_of(node.text)), wq.Term("body", node.text))
            return
        if isinstance(node, wq.Phrase) and node.fieldname == "body":
            key = ("p", " ".join(text_of(w) for w in node.words))
            found.setdefault(key, wq.Phrase("body", node.words, slop=node.slop))
            return
        if not node.is_leaf():
            for child in node.children():
                visit(child)

    visit(query)
    return list(found.values())


def text_of(text: str | bytes) -> str:
    return text if isinstance(text, str) else text.decode("utf-8")


def prefer_adjacent(parsed: wq.Query, stems: list[str]) -> wq.Query:
    """Several bare words rank higher where they stand together ("joint battalion"),
    without requiring it: AndMaybe adds the phrase's score only where it matches
    (planner.adjacent_stems decides when)."""
    if not stems:
        return parsed
    phrase = wq.Phrase("body", stems, slop=1, boost=planner.ADJACENCY_BOOST)
    return wq.AndMaybe(parsed, phrase)


def highlight_terms(
    query: wq.Query, reader: IndexReader
) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """Stems of the query's positive terms (not under NOT), expanded for fuzzy terms,
    and its phrases (marked only where they occur; the adjacency preference of bare
    words is no phrase the user wrote: its words are terms anyway)."""
    stems: set[str] = set()
    phrases: dict[tuple[str, ...], None] = {}

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, (wq.AndNot, wq.AndMaybe)):
            visit(node.a)
            return
        if isinstance(node, wq.MultiTerm):
            for _, text in node.expanded_terms(reader):
                stems.add(text_of(text))
            return
        if isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
            stems.add(text_of(node.text))
            return
        if isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
            phrases[tuple(text_of(w) for w in node.words)] = None
            return
        for child in node.children():
            visit(child)

    visit(query)
    return frozenset(stems), tuple(phrases)
