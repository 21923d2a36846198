"""Text analysis shared by indexing, querying and highlighting.

Two analyzers: `stemmed` (accent- and case-folded, English-stemmed) is what
ranking uses, so "eloise" finds "Éloïse" and "operation" finds "operations";
`folded` (folded but not stemmed) keeps real words for the spelling and
name-variant vocabularies.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.support.charset import accent_map

# Apostrophes and hyphens split words ("Chad’s" -> "chad"; "al-Shabaab" -> "al", "shabaab")
# so either half can be searched; one-letter leftovers ("s") are dropped as stop words. A
# decimal number is one token ("2.3", so that "25.14" never matches "14.25").
TOKEN_PATTERN = r"\d+(?:\.\d+)+|\w+"
_STOP_WORDS = frozenset(STOP_WORDS) | frozenset(string.ascii_lowercase)
"""whoosh's stop words and single letters ("s" of "Chad’s"), but not single digits: "Dec.
7" must find the 7th."""
_TOKEN = re.compile(TOKEN_PATTERN)
_HYPHENATED = re.compile(r"\w+(?:[-\u2010\u2011]\w+)+")
_HYPHENS = re.compile(r"[-\u2010\u2011]")


class WordTokenizer(Tokenizer):
    """TOKEN_PATTERN's tokens; when indexing, a hyphenated word also gives its joined
    form at the position of its last part ("neo-colonialism" -> neo, colonialism,
    neocolonialism), so the word written solid finds it, and a phrase through it too."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        joined = {} if mode == "query" else _joined_at_end(value)
        for pos, match in enumerate(_TOKEN.finditer(value)):
            parts: tuple[tuple[str, int, bool], ...] = ((match.group(0), match.start(), False),)
            parts += tuple((text, start, True) for text, start in joined.get(match.end(), ()))
            for text, start, is_joined in parts:
                token.text = text
                token.joined = is_joined
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + match.end()
                yield token


class JoinedPositionFilter(Filter):
    """Puts a joined form at the position of the word before it (after StopFilter has
    numbered every token in turn), so it takes no position of its own and a phrase over
    the parts still finds them side by side."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        last: int | None = None
        for token in tokens:
            if token.positions:
                if getattr(token, "joined", False) and last is not None:
                    shift += 1
                    token.pos = last
                else:
                    token.pos -= shift
                    last = token.pos
            yield token


def _joined_at_end(text: str) -> dict[int, tuple[tuple[str, int], ...]]:
    """End offset of each hyphenated word -> (its joined form, its start)."""
    return {
        m.end(): ((_HYPHENS.sub("", m.group(0)), m.start()),) for m in _HYPHENATED.finditer(text)
    }


def hyphenated_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, joined form) of every hyphenated word in `text`."""
    return [(m.start(), m.end(), _HYPHENS.sub("", m.group(0))) for m in _HYPHENATED.finditer(text)]


@lru_cache(maxsize=1)
def stemming_analyzer() -> Analyzer:
    return (
        WordTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=_STOP_WORDS, minsize=1)
        | JoinedPositionFilter()
        | StemFilter(cachesize=50000)
    )


@lru_cache(maxsize=1)
def folding_analyzer() -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


@lru_cache(maxsize=1)
def keyword_analyzer() -> Analyzer:
    """Filters (`source:`, `place:`): every word of the value, folded, not stemmed."""
    return RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)


_ACCENTS = dict(accent_map)


def folded_words(text: str) -> list[str]:
    """The distinct tokens `folding_analyzer` makes of `text`, sorted: the same regex,
    lowercase, accent map, applied to each distinct word once instead of to every token
    through whoosh's filter chain (three times faster, for every article indexed)."""
    distinct = {word.lower() for word in _TOKEN.findall(text)}
    distinct.update(joined.lower() for _, _, joined in hyphenated_with_offsets(text))
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
