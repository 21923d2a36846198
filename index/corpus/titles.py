"""Titles: the headline an article opens with (front matter's `title`, a Markdown
heading, or a short first line that is not a sentence, a dateline or the first line of
a hard-wrapped paragraph), else one derived from the first sentence."""

from __future__ import annotations

import re

from index.corpus.lines import Line
from index.corpus.places import INLINE_DATELINE, PLACE_LINE

HARD_WRAP_WIDTH = 120
"""Lines no longer than this, several in a row, are a hard-wrapped paragraph."""

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 30
_DERIVED_TITLE_CHARS = 90
_SENTENCE_END = re.compile(r"[.!?][\"”’]?(?=\s|$)")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "mt",
        "jr",
        "sr",
        "no",
        "gen",
        "col",
        "sgt",
        "capt",
        "lt",
        "maj",
        "cpl",
        "adm",
        "gov",
        "sen",
        "rep",
        "pres",
        "prof",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "e.g",
        "i.e",
        "vs",
        "etc",
    ]
)
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def find_headline(
    lines: list[Line], meta: dict[str, str], kind: str
) -> tuple[str | None, Line | None, bool]:
    first = next((line for line in lines if line.stripped), None)
    if meta.get("title"):
        is_heading = first is not None and MARKDOWN_HEADING.match(first.stripped) is not None
        return meta["title"], first if is_heading else None, False
    if first is None:
        return None, None, True
    candidate = MARKDOWN_HEADING.sub("", first.stripped)
    if kind == "md" and MARKDOWN_HEADING.match(first.stripped):
        return candidate, first, False
    if (
        looks_like_headline(candidate)
        and len([line for line in lines if line.stripped]) > 1
        and not _continues_on_next_line(lines, first)
    ):
        return candidate, first, False
    return None, None, True


def _continues_on_next_line(lines: list[Line], first: Line) -> bool:
    """True when `first` is the opening line of a hard-wrapped paragraph, not a headline:
    the next line follows without a blank line and is short or starts in lower case."""
    position = lines.index(first)
    if position + 1 >= len(lines) or not lines[position + 1].stripped:
        return False
    following = lines[position + 1].stripped
    if following[0].islower():
        return True
    if INLINE_DATELINE.match(following) or PLACE_LINE.match(following):
        return False
    block = []
    for line in lines[position:]:
        if not line.stripped:
            break
        block.append(len(line.text))
    # hard wrapping leaves three or more lines of nearly the same width
    widest = max(block)
    return len(block) >= 3 and widest <= HARD_WRAP_WIDTH and min(block[:-1]) >= 0.7 * widest


def looks_like_headline(line: str) -> bool:
    """Short, not a sentence ending in a full stop, not a dateline."""
    if not line or len(line) > _HEADLINE_MAX_CHARS or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if line.endswith((".", ",", ";", ":")) or PLACE_LINE.match(line):
        return False
    return not INLINE_DATELINE.match(line)


def first_sentence(text: str) -> str:
    """Up to the first full stop that is not an abbreviation or an initial."""
    for match in _SENTENCE_END.finditer(text):
        words = text[: match.start()].split()
        last_word = words[-1].lower() if words else ""
        if last_word in _ABBREVIATIONS or len(last_word) == 1:
            continue
        return text[: match.end()]
    return text


def derive_title(text: str) -> str:
    """A title from the first sentence, shortened at a word boundary."""
    sentence = " ".join(first_sentence(text).split()).rstrip(".")
    if len(sentence) <= _DERIVED_TITLE_CHARS:
        return sentence
    cut = sentence[:_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
