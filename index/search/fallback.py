"""What to answer when a query, read as typed, finds nothing.

`answer()` tries the other readings a user would expect, in order, and keeps the first
that finds something:

1. as typed (while typing, the last word is a prefix: "joint batt" → "joint batt*");
2. the last word as a prefix, after Enter too (an unfinished word is not a typo), with
   the finished words' spelling corrected;
3. while typing: the last word as a whole word, corrected ("batallion" → "battalion"),
   so the "did you mean" and its results show before Enter;
4. after Enter, a query of plain words that no passage holds all of ("who said the
   alliance put an end to …") → ranked passages holding any of them, with a note saying
   so (while typing, a note says Enter will do this).

The searcher itself does the ranking and the spelling corrections; this module only
chooses which query text to give it, so it stays independent of how ranking works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from index.models import SearchResult
from index.search.querylang import plain_words, prefix_last_word

Run = Callable[[str, bool], SearchResult]
"""run(query text, as_you_type) → the searcher's result."""

ANY_WORDS_NOTE = "no passage has all the words; showing passages with any of them"
ANY_WORDS_HINT = "no passage has all the words; Enter shows passages with any of them"


def any_words_query(query: str) -> str | None:
    """'a b c' → 'a OR b OR c' for a query of two or more bare words (no quotes,
    fields, operators or wildcards: those say what the user wants exactly)."""
    words = plain_words(query)
    if len(words) < 2 or words != query.split():
        return None
    return " OR ".join(words)


def answer(run: Run, query: str, *, as_you_type: bool) -> SearchResult:
    """The result for `query`: as typed when that finds anything uncorrected, else the
    first other reading (see the module docstring) that finds something."""
    first = run(query, as_you_type)
    if first.total and not first.corrected:
        return first
    readings = [first]
    if not as_you_type and prefix_last_word(query) != query:
        # read exactly as while typing, so Enter ranks what the user already saw
        readings.append(run(query, True))
    if as_you_type:
        readings.append(run(query, False))
    for wanted in (lambda r: not r.corrected, lambda r: True):
        for reading in readings:
            if reading.total and wanted(reading):
                return replace(reading, query=query)
    either = any_words_query(query)
    # nothing found: say what the readings suggest ("did you mean"), once
    suggested = replace(next((r for r in readings if r.suggestion), first), query=query)
    if either is None:
        return suggested
    if as_you_type:
        # an Or of every word (common ones too) costs several all-words searches: worth
        # it for Enter, not for each keystroke, which says what Enter will do instead
        return replace(suggested, notes=(*suggested.notes, ANY_WORDS_HINT))
    fallback = run(either, False)
    if not fallback.total:
        return suggested
    return replace(fallback, query=query, mode="any", notes=(ANY_WORDS_NOTE, *fallback.notes))
