"""A whoosh query as a tree of fast-path nodes (fastpath/nodes.py): terms, Or, And (with
Not), AndMaybe, AndNot, phrases and RequireAny. Anything else raises `Unsupported`, and
the caller searches with whoosh."""

from __future__ import annotations

from collections.abc import Sequence

from whoosh import query as wq

from index.backend.whoosh.fastpath.nodes import (
    AndMaybeNode,
    AndNode,
    AndNotNode,
    EmptyNode,
    Node,
    OrNode,
    PhraseNode,
    RequireAnyNode,
    TermNode,
)
from index.backend.whoosh.fastpath.postings import PostingsReader, TermPostings, Unsupported


class RequireAny(wq.And):
    """`main` where at least one of `leaves` matches too: an And of the two (whoosh
    scores it so, adding the matching leaves), which topk works out from the leaves'
    lists that `main` has read already instead of building their union again."""

    def __init__(self, main: wq.Query, leaves: Sequence[wq.Query]) -> None:
        super().__init__([main, leaves[0] if len(leaves) == 1 else wq.Or(list(leaves))])
        self.required = main
        self.any_of = list(leaves)


# -- building the tree ----------------------------------------------------------------


def compile_query(
    query: wq.Query, reader: PostingsReader, memo: dict[tuple[int, float], Node] | None = None
) -> Node:
    """The node tree for a whoosh query; Unsupported for anything it cannot score
    exactly as whoosh does. (`memo`: one node per term list and boost, so a term that
    occurs twice in a query is worked out once.)"""
    memo = {} if memo is None else memo
    if query is wq.NullQuery:
        return EmptyNode()
    if type(query) is wq.Term:
        return _term_node(reader.term(query.fieldname, _text(query.text)), query.boost, memo)
    if type(query) is RequireAny:
        leaves = [compile_query(q, reader, memo) for q in query.any_of]
        if all(leaf.exact for leaf in leaves):
            return RequireAnyNode(compile_query(query.required, reader, memo), leaves)
        return _and(query, reader, memo)
    if type(query) is wq.Phrase:
        return _phrase(query, reader, memo)
    if type(query) is wq.AndMaybe and query.boost == 1.0:
        return AndMaybeNode(
            compile_query(query.a, reader, memo), compile_query(query.b, reader, memo)
        )
    if type(query) is wq.AndNot and query.boost == 1.0:
        return AndNotNode(
            compile_query(query.a, reader, memo), compile_query(query.b, reader, memo)
        )
    if type(query) is wq.And:
        return _and(query, reader, memo)
    if _is_plain_or(query):
        children = [compile_query(q, reader, memo) for q in query.subqueries]
        return OrNode(children, query.boost) if children else EmptyNode()
    raise Unsupported(type(query).__name__)


def _is_plain_or(query: wq.Query) -> bool:
    return (
        isinstance(query, wq.Or)
        and not isinstance(query, wq.DisjunctionMax)
        and not query.scale
        and not query.minmatch
    )


def _and(query: wq.And, reader: PostingsReader, memo: dict[tuple[int, float], Node]) -> Node:
    positive = [q for q in query.subqueries if not isinstance(q, wq.Not)]
    negated = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
    if not positive:
        raise Unsupported("an And of only Nots")
    children = [compile_query(q, reader, memo) for q in positive]
    if len(children) == 1 and not negated:
        return children[0] if query.boost == 1.0 else OrNode(children, query.boost)
    return AndNode(children, [compile_query(q, reader, memo) for q in negated], query.boost)


def _phrase(query: wq.Phrase, reader: PostingsReader, memo: dict[tuple[int, float], Node]) -> Node:
    if not reader.has_positions(query.fieldname):
        raise Unsupported("a phrase in a field without positions")
    if not query.words:
        return EmptyNode()
    words = [_text(w) for w in query.words]
    # the rarest word first: the others are only needed where it occurs
    rarest = min(words, key=lambda w: reader.frequency(query.fieldname, w))
    terms = {rarest: reader.term(query.fieldname, rarest)}
    for word in words:
        if word not in terms:
            terms[word] = reader.term(query.fieldname, word, within=terms[rarest].ids)
    if any(not t.ids for t in terms.values()):
        return EmptyNode()  # whoosh's phrase matches nothing when a word is missing
    lists = [terms[w] for w in words]
    return PhraseNode(
        lists,
        int(query.slop),
        query.boost,
        reader.positions_decoder(query.fieldname),
        counted=reader.counts_positions(query.fieldname),
        terms=[_term_node(postings, 1.0, memo) for postings in lists],
    )


def _term_node(postings: TermPostings, boost: float, memo: dict[tuple[int, float], Node]) -> Node:
    """One node per list and boost in a query (its scores gathered once)."""
    key = (id(postings), float(boost))
    node = memo.get(key)
    if node is None:
        node = memo[key] = TermNode(postings, boost)
    return node


def _text(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text
