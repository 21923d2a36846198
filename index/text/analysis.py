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
        token.boost = 1.0
        token.joined = False
        token.stopped = False
        if not tokenize:  # whoosh asks for the whole text as one token (wildcards: `transhu?ance`)
            token.text = value
            if keeporiginal:
                token.original = value
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        joined = None if mode == "query" or "-" not in value else _joined_at_end(value)
        if not (chars or keeporiginal or joined):  # the common case, kept tight: it runs
            for pos, match in enumerate(_TOKEN.finditer(value), start_pos):  # per token
                token.text = match.group(0)
                if positions:
                    token.pos = pos
                yield token
            return
        pending = iter(joined.items() if joined else ())
        end, (text, start) = next(pending, (-1, ("", 0)))
        for pos, match in enumerate(_TOKEN.finditer(value), start_pos):
            token.text = match.group(0)
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
            while 0 <= end < match.end():  # (ends inside a token: "1.5-2.3")
                end, (text, start) = next(pending, (-1, ("", 0)))
            if match.end() == end:  # the last part of a hyphenated word: its joined form
                token.text = text
                token.joined = True
                if keeporiginal:
                    token.original = text
                if chars:
                    token.startchar = start_char + start
                yield token
                token.joined = False
                end, (text, start) = next(pending, (-1, ("", 0)))


class StopJoinedFilter(Filter):
    """whoosh's StopFilter (stop words out, positions renumbered in turn), except that a
    joined form takes the position of the word before it, not one of its own: a phrase
    over the parts still finds them side by side. (One filter, not two: each stage of
    the chain costs a Python generator step per token of every article.)"""

    def __init__(self, stoplist: frozenset[str]) -> None:
        self.stops = stoplist

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = self.stops
        pos: int | None = None
        for token in tokens:
            if token.text in stops:
                if token.removestops:
                    continue
                token.stopped = True
                yield token
                continue
            if token.positions:
                if pos is None:
                    pos = token.pos
                elif not token.joined:
                    pos += 1
                token.pos = pos
            yield token


def _joined_at_end(text: str) -> dict[int, tuple[str, int]]:
    """End offset of each hyphenated word -> (its joined form, its start)."""
    return {m.end(): (_HYPHENS.sub("", m.group(0)), m.start()) for m in _HYPHENATED.finditer(text)}


def hyphenated_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, joined form) of every hyphenated word in `text`."""
    return [(m.start(), m.end(), _HYPHENS.sub("", m.group(0))) for m in _HYPHENATED.finditer(text)]


@lru_cache(maxsize=1)
def stemming_analyzer() -> Analyzer:
    return (
        WordTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopJoinedFilter(_STOP_WORDS)
        | StemFilter(cachesize=50000)
    )


@lru_cache(maxsize=1)
def folding_analyzer() -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


@lru_cache(maxsize=1)
def keyword_analyzer() -> Analyzer:
    """Filters (`source:`, `place:`): every word of the value, folded, not stemmed."""
    return RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)


ACCENTS = dict(accent_map)
_ACCENTS = ACCENTS


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
