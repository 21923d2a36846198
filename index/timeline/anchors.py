"""Words as the timeline compares them: folded, stemmed content terms and names.

Articles are compared by these (`index.timeline.stories`), and so are the clauses of
events (`index.timeline.merge`); how an article's date is found is
`index.timeline.finder`.
"""

from __future__ import annotations

import functools
import re

from index.text.words import fold, stem

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[—–:]\s+)$")
_STOPWORD_TEXT = """
    a about above after again against all also although among an and any are as at be
    because been before being between both but by can could did do does during each either
    even ever few for from further had has have having he her here hers him his how however
    i if in into is it its itself just last least less many may me might more most much must
    my near neither next no nor not now of off on once one only or other our out over own
    per same she should since so some such than that the their them then there these they
    this those though three through to too two under until up upon us very was we were what
    when where whether which while who whom whose why will with within without would yet you
    your said says say told according also new including despite amid across towards toward
    year years month months week weeks day days today yesterday tomorrow weekend morning
    afternoon evening night monday tuesday wednesday thursday friday saturday sunday january
    february march april june july august september october november december recent
    recently coming ago earlier later first second
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def content_terms(text: str) -> list[str]:
    """Folded, stemmed content words of `text` (stopwords and short words dropped).

    The text is folded once, not word by word: this runs over every article.
    """
    out: list[str] = []
    for word in _WORD.findall(fold(text)):
        out.extend(_word_terms(word))
    return out


@functools.lru_cache(maxsize=1 << 17)
def _word_terms(word: str) -> tuple[str, ...]:
    """The stemmed content parts of one folded word ("cross-border" -> cross, border)."""
    return tuple(stem(part) for part in word.split("-") if len(part) >= 3 and part not in STOPWORDS)


def capitalised_names(text: str) -> list[str]:
    """Folded capitalised words that are not sentence-initial function words."""
    out = []
    for word in _WORD.findall(text):
        if word[0].isupper() and (name := _name_of(word)) is not None:
            out.append(name)
    return out


@functools.lru_cache(maxsize=1 << 17)
def _name_of(word: str) -> str | None:
    folded = fold(word).removesuffix("'s")
    return None if folded in STOPWORDS or len(folded) < 3 else folded


def forget_words() -> None:
    """Empty the caches of words seen: they spare stemming and folding a word again
    while a corpus is read, and then only hold memory (10 MB at 10k articles)."""
    _word_terms.cache_clear()
    _name_of.cache_clear()
