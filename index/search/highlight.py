"""Where a passage matched, and the snippet to show for it.

Highlights are spans into plain text, never markup: whatever the article
contains is shown as text by the caller.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from functools import lru_cache

from index.models import Span
from index.text.words import fold, hyphenated_with_offsets, stem, tokens_with_offsets

SNIPPET_CHARS = 240


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, str]:
    return stem(word), fold(word)


@lru_cache(maxsize=512)
def _word_forms(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, stem, folded form) of every word of a passage. Cached (a few MB):
    the same passages are shown again keystroke after keystroke, and tokenizing one is
    most of what marking it costs."""
    return tuple((start, end, *_forms(word)) for start, end, word in tokens_with_offsets(text))


def match_spans(text: str, stems: Collection[str], folded: Collection[str] = ()) -> list[Span]:
    """Spans of the words of `text` whose stem is in `stems` (or folded form in `folded`)."""
    spans = []
    for start, end, word_stem, word_folded in _word_forms(text):
        if (word_stem and word_stem in stems) or word_folded in folded:
            spans.append(Span(start, end))
    if "-" in text or "\u2010" in text or "\u2011" in text:
        # "neocolonialism" marks the whole of "neo-colonialism"
        for start, end, joined in hyphenated_with_offsets(text):
            joined_stem, joined_folded = _forms(joined)
            if (joined_stem and joined_stem in stems) or joined_folded in folded:
                spans = [s for s in spans if not start <= s.start < end]
                spans.append(Span(start, end))
        spans.sort(key=lambda span: span.start)
    return spans


def phrase_spans(text: str, phrases: Collection[tuple[str, ...]]) -> list[Span]:
    """Spans of each phrase's words where they stand in sequence (stop words skipped, as
    the index skips them); a phrase's word standing alone is not marked."""
    if not phrases:
        return []
    words = [(start, end, word_stem) for start, end, word_stem, _ in _word_forms(text) if word_stem]
    found: set[Span] = set()
    for phrase in phrases:
        size = len(phrase)
        for index in range(len(words) - size + 1):
            if all(words[index + offset][2] == phrase[offset] for offset in range(size)):
                found.update(Span(s, e) for s, e, _ in words[index : index + size])
    return sorted(found, key=lambda span: span.start)


def make_snippet(
    text: str, spans: list[Span], width: int = SNIPPET_CHARS
) -> tuple[str, tuple[Span, ...]]:
    """A window of about `width` characters around the densest cluster of matches."""
    flat = " ".join(text.split()) if "\n" in text or "  " in text else text
    if flat is not text:
        spans = _remap_spans(text, flat, spans)
        text = flat
    if len(text) <= width:
        return text, tuple(spans)
    anchor = _densest_start(spans, width) if spans else 0
    start = max(0, anchor - width // 4)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space != -1 and start - space < 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        Span(s.start + shift, s.end + shift) for s in spans if s.start >= start and s.end <= end
    )
    return prefix + text[start:end] + suffix, inside


def _densest_start(spans: list[Span], width: int) -> int:
    best_start, best_count = spans[0].start, 0
    for index, span in enumerate(spans):
        count = sum(1 for other in spans[index:] if other.end - span.start <= width * 3 // 4)
        if count > best_count:
            best_start, best_count = span.start, count
    return best_start


def _remap_spans(original: str, flat: str, spans: list[Span]) -> list[Span]:
    """Map spans of `original` onto its whitespace-collapsed form `flat`."""
    mapping = []
    position = 0
    previous_space = False
    for ch in original.strip() if original[:1].isspace() else original:
        if ch.isspace():
            if not previous_space:
                mapping.append(position)
                position += 1
            else:
                mapping.append(position - 1)
            previous_space = True
        else:
            mapping.append(position)
            position += 1
            previous_space = False
    offset = len(original) - len(original.lstrip()) if original[:1].isspace() else 0
    result = []
    for span in spans:
        start_index, end_index = span.start - offset, span.end - 1 - offset
        if 0 <= start_index < len(mapping) and 0 <= end_index < len(mapping):
            result.append(Span(mapping[start_index], min(len(flat), mapping[end_index] + 1)))
    return result


_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def words_as_written(text: str, stems: Iterable[str]) -> list[str]:
    """Each index form in `stems` ("declar") as `text` writes it ("declared"): its most
    frequent spelling there, lowercase unless always written capitalised (a name). A
    stem `text` does not contain stays as it is."""
    spellings: dict[str, Counter[str]] = {}
    for _start, _end, word in tokens_with_offsets(text):
        spellings.setdefault(_forms(word)[0], Counter())[word] += 1
    # a hyphenated word is also indexed written solid ("largescal"): say it hyphenated
    for match in _HYPHENATED.finditer(text):
        joined = _forms(match.group(0).replace("-", ""))[0]
        spellings.setdefault(joined, Counter())[match.group(0)] += 1
    written = []
    for word_stem in stems:
        counts = spellings.get(word_stem)
        if not counts:
            written.append(word_stem)
            continue
        lowered = Counter[str]()
        for spelling, n in counts.items():
            key = spelling if all(s[:1].isupper() for s in counts) else spelling.lower()
            lowered[key] += n
        written.append(max(lowered, key=lambda s: (lowered[s], -len(s), s)))
    return written
