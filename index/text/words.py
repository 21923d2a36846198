"""Words as the engine sees them, whatever holds the index: the one fold, the one
stemmer, tokens with their offsets, hyphenated words.

`fold` is how words are compared ("Éloïse" = "eloise"), by search, highlighting, name
variants and the timeline alike; `stem` is the index form of a word (folded, English
Porter stem), what ranking matches on, so "operation" finds "operations". A backend
analyses text into exactly these forms (index/backend/whoosh/analyzers.py builds its
analyzers from the pieces below).
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Iterator

# The index's bytes: the stemmer and character map its terms were made with. Only these
# two whoosh modules are imported here (pyproject.toml, import-linter ignore_imports):
# they are pure functions and tables, and a stem or fold that differed by one byte from
# the index's would silently miss words.
from whoosh.lang.porter import stem as _porter_stem
from whoosh.support.charset import accent_map

# Apostrophes and hyphens split words ("Chad’s" -> "chad"; "al-Shabaab" -> "al", "shabaab")
# so either half can be searched; one-letter leftovers ("s") are dropped as stop words. A
# decimal number is one token ("2.3", so that "25.14" never matches "14.25").
TOKEN_PATTERN = r"\d+(?:\.\d+)+|\w+"
ENGLISH_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if"}
    | {"in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to"}
    | {"us", "we", "when", "will", "with", "yet", "you", "your"}
)
"""The index's stop words (whoosh's STOP_WORDS, which tests/test_fold.py checks)."""
STOP_WORDS = ENGLISH_STOP_WORDS | frozenset(string.ascii_lowercase)
"""Stop words and single letters ("s" of "Chad’s"), but not single digits: "Dec. 7" must
find the 7th."""
_SPELT_OUT = {"þ": "th", "æ": "ae", "œ": "oe", "ß": "ss"}
"""Letters whoosh's map cuts to one (þ -> t, ß -> s) or keeps (æ, œ), written as their
languages transliterate them: "Þórsson" is "Thorsson" and "Straße" is "Strasse" in the
index, with no variant needed to join them."""
ACCENTS: dict[int, str] = {
    **dict(accent_map),
    **{ord(letter): spelt for letter, spelt in _SPELT_OUT.items()},
    **{ord(letter.upper()): spelt for letter, spelt in _SPELT_OUT.items() if letter != "ß"},
}
"""The character map the index folds its terms with (lowercase first): whoosh's accent
map, with the letters above spelt out."""

TOKEN = re.compile(TOKEN_PATTERN)
_HYPHENATED = re.compile(r"\w+(?:[-\u2010\u2011]\w+)+")
_HYPHENS = re.compile(r"[-\u2010\u2011]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form ("Éloïse" -> "eloise", "Łódź" -> "lodz",
    "Chad’s" -> "chad's"): the index's fold of a word, also for what NFKD decomposes.

    Only the non-ASCII runs are decomposed and stripped of their marks: most of a text
    is ASCII, and the timeline folds every article whole."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _NON_ASCII.sub(_fold_match, folded).replace("’", "'")


@functools.lru_cache(maxsize=16384)
def _fold_run(run: str) -> str:
    """A run of non-ASCII characters decomposed (NFKD), without its combining marks, and
    through the index's character map.

    The same as decomposing the whole text, for about a third less time: an ASCII
    character decomposes to itself and, having no combining class, bounds the
    reordering of the marks around it. Runs repeat (the accented letters of names),
    so most are found in the cache."""
    decomposed = unicodedata.normalize("NFKD", run)
    # then the index's map, for the letters NFKD keeps whole (ł, ø, đ, ħ…): one fold, so
    # that `place:lodz` finds Łódź and a name folds as the index folds it
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(ACCENTS)


def _fold_match(m: re.Match[str]) -> str:
    return _fold_run(m.group())


@functools.lru_cache(maxsize=50_000)
def porter(term: str) -> str:
    """The Porter stem of one index term (already lowercased and accent-mapped)."""
    return _porter_stem(term)


def index_words(text: str) -> Iterator[tuple[str, bool]]:
    """(token, joined?) in index order: TOKEN_PATTERN's tokens, and after the last part
    of a hyphenated word its joined form ("neo-colonialism" -> neo, colonialism,
    neocolonialism), so the word written solid finds it."""
    joined = joined_at_end(text) if "-" in text else {}
    for match in TOKEN.finditer(text):
        yield match.group(0), False
        end = match.end()
        if end in joined:
            yield joined[end][0], True


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The index form of one word (folded and stemmed); '' for a stop word."""
    if word.isascii() and word.isalnum():  # one token, nothing to map: the common case
        term = word.lower()
        return "" if term in STOP_WORDS else porter(term)
    for token, _ in index_words(word):
        term = token.lower().translate(ACCENTS)
        if term not in STOP_WORDS:
            return porter(term)
    return ""


def joined_at_end(text: str) -> dict[int, tuple[str, int]]:
    """End offset of each hyphenated word -> (its joined form, its start)."""
    return {m.end(): (_HYPHENS.sub("", m.group(0)), m.start()) for m in _HYPHENATED.finditer(text)}


def hyphenated_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, joined form) of every hyphenated word in `text`."""
    return [(m.start(), m.end(), _HYPHENS.sub("", m.group(0))) for m in _HYPHENATED.finditer(text)]


def folded_words(text: str) -> list[str]:
    """The distinct words of `text` as the index's unstemmed vocabulary holds them,
    sorted: the token regex, lowercase, the accent map, applied to each distinct word
    once instead of to every token through an analyzer chain (three times faster, for
    every article indexed)."""
    distinct = {word.lower() for word in TOKEN.findall(text)}
    distinct.update(joined.lower() for _, _, joined in hyphenated_with_offsets(text))
    return sorted({word.translate(ACCENTS) for word in distinct})


def tokens_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, surface) for every word in `text`, by the index's tokenizer."""
    return [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]


@functools.lru_cache(maxsize=100_000)
def _index_stem(token: str) -> str:
    """A token as the index's analyzer makes it: lowercase, the accent map, '' for a stop
    word, else its Porter stem (tokens repeat: most are found in the cache)."""
    term = token.lower().translate(ACCENTS)
    return "" if term in STOP_WORDS else porter(term)


def index_terms(text: str, *, joined: bool = True) -> list[tuple[str, int]]:
    """(stem, position) of every indexed word of `text`, in order: what the index's
    stemming analyzer makes of it (index/backend/whoosh/analyzers.py), as a plain function.

    Stop words are dropped and the positions after them close up, counting from the
    first kept word's place among all tokens; a hyphenated word's joined form (when
    `joined`, as when indexing) takes the position of the word before it, so a phrase
    over the parts still finds them side by side. (Several times faster than the
    analyzer chain, which steps a Python generator per filter and token.)"""
    hyphenated = joined_at_end(text) if joined and "-" in text else {}
    found: list[tuple[str, int]] = []
    position = -1
    for raw, match in enumerate(TOKEN.finditer(text)):
        term = _index_stem(match.group(0))
        if term:
            position = raw if position < 0 else position + 1
            found.append((term, position))
        if hyphenated and match.end() in hyphenated:
            whole = _index_stem(hyphenated[match.end()][0])
            if whole:
                position = raw if position < 0 else position
                found.append((whole, position))
    return found


_KEYWORD = re.compile(r"[^\W_]+")


def keyword_terms(text: str) -> list[str]:
    """The words of a filter value (`source:`, `place:`) as the index holds them: runs of
    letters and digits, lowercase, the accent map, not stemmed (the whoosh backend's
    keyword analyzer as a plain function)."""
    return [word.lower().translate(ACCENTS) for word in _KEYWORD.findall(text)]
