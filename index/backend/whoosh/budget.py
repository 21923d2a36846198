"""A cost limit on queries, so one query cannot burn a core for seconds.

A bare `*`, `**` or `?*` used to expand to every term of the index (tens of
thousands of posting lists opened and scored: 7 to 17 s on 1,000 articles, longer
on more). Here wildcard and match-everything terms are expanded against the sorted
lexicon with a cap on the terms they may turn into, under a time budget for the
expansion itself, and the expanded query as a whole may hold only so many terms.
Past any limit the query is answered "too expensive" (QueryTooExpensive, a one-line
message) instead of being run. The same limits apply locally and over SSH: they keep
the UI responsive too.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Callable

from whoosh import query as wq

from index.errors import SummitError

WILDCARD_TERM_LIMIT = 256
"""A wildcard (`ab*c`, `x?z`) may stand for at most this many index terms."""
QUERY_TERM_LIMIT = 2_000
"""The whole expanded query may hold at most this many terms (prefixes expand to at
most 64 each, fuzzy terms to 32, so this allows about 30 of them)."""
EXPANSION_SECONDS = 0.5
"""Time allowed for scanning the lexicon for one wildcard."""

Lexicon = Callable[[str], list[str]]
"""fieldname -> every term of that field, sorted."""


class QueryTooExpensive(SummitError):
    """The query would cost too much to run; the message says what to change."""


def bounded_wildcard(node: wq.Wildcard | wq.Every, lexicon: Lexicon) -> wq.Query:
    """`node` as an Or of at most WILDCARD_TERM_LIMIT real terms, or QueryTooExpensive.

    (An Every over one field expands to each of its terms; a field-less Every, the
    query of a filter alone, reads no postings and is not for here.)"""
    if isinstance(node, wq.Every):
        raise QueryTooExpensive(
            "query too expensive: a lone * matches every word; put letters before it (e.g. battal*)"
        )
    pattern = node.text if isinstance(node.text, str) else node.text.decode("utf-8")
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    regex = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z",
        re.DOTALL,
    )
    terms = lexicon(node.fieldname)
    start = bisect.bisect_left(terms, literal)
    deadline = time.monotonic() + EXPANSION_SECONDS
    found: list[str] = []
    for seen, term in enumerate(terms[start:] if literal else terms):
        if literal and not term.startswith(literal):
            break
        if regex.match(term):
            found.append(term)
            if len(found) > WILDCARD_TERM_LIMIT:
                raise _too_many(pattern)
        if not seen % 4096 and time.monotonic() > deadline:
            raise _too_many(pattern)
    if not found:
        return wq.Term(node.fieldname, literal or pattern)  # matches nothing, honestly
    return wq.Or([wq.Term(node.fieldname, term) for term in found], boost=node.boost)


def check_size(query: wq.Query) -> wq.Query:
    """`query` unchanged if its expanded terms fit QUERY_TERM_LIMIT; else QueryTooExpensive."""
    count = sum(1 for leaf in query.leaves() if isinstance(leaf, wq.Term))
    if count > QUERY_TERM_LIMIT:
        raise QueryTooExpensive(
            f"query too expensive: it expands to {count} words (at most {QUERY_TERM_LIMIT}); "
            "use fewer wildcards or longer prefixes"
        )
    return query


def _too_many(pattern: str) -> QueryTooExpensive:
    return QueryTooExpensive(
        f"query too expensive: {pattern} matches more than {WILDCARD_TERM_LIMIT} words; "
        "put more letters before the wildcard"
    )
