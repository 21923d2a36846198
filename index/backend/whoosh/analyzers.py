"""The whoosh analyzers: index/text/words.py's tokens, fold and stemmer as whoosh
filter chains, so that what is indexed is exactly what `words.stem` and
`words.folded_words` compute for a query, a highlight or the vocabulary.

`stemming_analyzer` (accent- and case-folded, English-stemmed) is what ranking uses;
`folding_analyzer` (folded, not stemmed) keeps real words for the spelling and
name-variant vocabularies; `keyword_analyzer` the words of `source:` and `place:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
    Tokenizer,
)

from index.text.words import ACCENTS, STOP_WORDS, TOKEN, joined_at_end


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
        joined = None if mode == "query" or "-" not in value else joined_at_end(value)
        if not (chars or keeporiginal or joined):  # the common case, kept tight: it runs
            for pos, match in enumerate(TOKEN.finditer(value), start_pos):  # per token
                token.text = match.group(0)
                if positions:
                    token.pos = pos
                yield token
            return
        pending = iter(joined.items() if joined else ())
        end, (text, start) = next(pending, (-1, ("", 0)))
        for pos, match in enumerate(TOKEN.finditer(value), start_pos):
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


@lru_cache(maxsize=1)
def stemming_analyzer() -> Analyzer:
    return (
        WordTokenizer()
        | LowercaseFilter()
        | CharsetFilter(ACCENTS)
        | StopJoinedFilter(STOP_WORDS)
        | StemFilter(cachesize=50000)  # whoosh's Porter stemmer, as words.stem uses
    )


@lru_cache(maxsize=1)
def folding_analyzer() -> Analyzer:
    return WordTokenizer() | LowercaseFilter() | CharsetFilter(ACCENTS)


@lru_cache(maxsize=1)
def keyword_analyzer() -> Analyzer:
    """Filters (`source:`, `place:`): every word of the value, folded, not stemmed."""
    return RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(ACCENTS)
