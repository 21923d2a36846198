"""Sentences and clauses: the text an event shows for the expression that dates it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

_ABBREVIATION_TEXT = """
    mr mrs ms dr prof capt gen col lt sgt maj cpl adm cmdr brig gov sen rep pres st jr sr
    rev hon mt ft no nos vs etc inc ltd co corp dept univ est approx fig jan feb mar apr jun
    jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m al
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_BOUNDARY = re.compile(r"\n+|[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_SEPARATORS: tuple[re.Pattern[str], ...] = (
    re.compile(r";\s*"),
    re.compile(r"\s+[—–]\s+"),
    re.compile(r",\s+"),
    re.compile(r"\s+(?:and|but|while|whereas)\s+"),
)
_LEADING_JUNK = re.compile(r"(?:[,;:—–\s]+|(?:and|but|while|whereas)\s+)+", re.IGNORECASE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets; abbreviations ("Capt.", "Dec.") and initials don't split.

    Line breaks always end a sentence: titles, datelines and paragraphs are
    separate lines in the corpus.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group()[0] != "\n":
            word = _WORD_BEFORE.search(text, max(0, m.start() - 20), m.start())
            token = word.group(1).lower() if word else ""
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
            if "." in token and len(token) <= 5 and token.replace(".", "").isalpha():
                continue  # "U.S." style acronyms and "J.R." initials
        end = m.end() if m.group()[0] != "\n" else m.start()
        _push(text, start, end, spans)
        start = m.end()
    _push(text, start, len(text), spans)
    return spans


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _split_point(text: str, a: int, b: int) -> int | None:
    """Where to cut between two expressions: the strongest separator in text[a:b]."""
    for pattern in _SEPARATORS:
        m = pattern.search(text, a, b)
        if m:
            return m.start()
    return None


def context_spans(text: str, exprs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each expression, its sentence, or its clause when the sentence holds several.

    Clauses are cut at the strongest separator (";", dash, comma, conjunction)
    between neighbouring expressions, so each event shows what its own date
    refers to ("formed the AES in 2023" / "withdrew ... last year").
    """
    sentences = sentence_spans(text)
    starts = [s for s, _ in sentences]
    out: list[tuple[int, int]] = []
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for i, (s, _e) in enumerate(exprs):
        k = max(0, _bisect_right(starts, s) - 1)
        by_sentence[k].append(i)
    result: dict[int, tuple[int, int]] = {}
    for k, members in by_sentence.items():
        sent_start, sent_end = sentences[k] if sentences else (0, len(text))
        members.sort(key=lambda i: exprs[i][0])
        cuts = [
            _split_point(text, exprs[members[j]][1], exprs[members[j + 1]][0])
            for j in range(len(members) - 1)
        ]
        for j, i in enumerate(members):
            left = next((c for c in reversed(cuts[:j]) if c is not None), sent_start)
            right = next((c for c in cuts[j:] if c is not None), sent_end)
            result[i] = _tidy(text, left, right)
    for i in range(len(exprs)):
        out.append(result[i])
    return out


def _bisect_right(values: Sequence[int], x: int) -> int:
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < values[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim separators and leading conjunctions so the clause reads on its own."""
    junk = _LEADING_JUNK.match(text, start, end)
    if junk:
        start = junk.end()
    while end > start and text[end - 1] in " ,;:—–\n\t":
        end -= 1
    return start, end
