"""Text analysis shared by indexing, querying and highlighting.

Two analyzers: `stemmed` (accent- and case-folded, English-stemmed) is what
ranking uses, so "eloise" finds "Éloïse" and "operation" finds "operations";
`folded` (folded but not stemmed) keeps real words for the spelling and
name-variant vocabularies.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

# Apostrophes and hyphens split words ("Chad’s" -> "chad"; "al-Shabaab" -> "al", "shabaab")
# so either half can be searched; one-letter leftovers ("s") are dropped as stop words.
TOKEN_PATTERN = r"\w+"


@lru_cache(maxsize=1)
def stemming_analyzer() -> Analyzer:
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=2)
        | StemFilter(cachesize=50000)
    )


@lru_cache(maxsize=1)
def folding_analyzer() -> Analyzer:
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


@lru_cache(maxsize=1)
def keyword_analyzer() -> Analyzer:
    """Filters (`source:`, `place:`): every word of the value, folded, not stemmed."""
    return RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)


_TOKEN = re.compile(TOKEN_PATTERN)
_ACCENTS = dict(accent_map)


def folded_words(text: str) -> list[str]:
    """The distinct tokens `folding_analyzer` makes of `text`, sorted: the same regex,
    lowercase, accent map, applied to each distinct word once instead of to every token
    through whoosh's filter chain (three times faster, for every article indexed)."""
    distinct = {word.lower() for word in _TOKEN.findall(text)}
    return sorted({word.translate(_ACCENTS) for word in distinct})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Case- and accent-fold a word the way the index does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """The index form of one word (folded and stemmed); '' for a stop word."""
    tokens = [t.text for t in stemming_analyzer()(word)]
    return tokens[0] if tokens else ""


def tokens_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, surface) for every word in `text`, by the index's tokenizer."""
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
