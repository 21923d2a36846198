"""The reader's layout: an article's paragraphs wrapped to a width, once per width (line
breaks only, no styling), so that drawing costs in proportion to the screen."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from tui.textsafe import clean


def _wrap_plain(segment: str, width: int, offset: int, starts: list[int]) -> None:
    """Greedy word wrap of one line of ASCII text, by string search (fast): break at the
    last space that fits, else fold the word."""
    length, i = len(segment), 0
    while length - i > width:
        cut = segment.rfind(" ", i, i + width + 1)
        if cut <= i:
            i += width  # no space to break at: fold the word
        else:
            i = cut + 1
            while i < length and segment[i] == " ":
                i += 1
            if i >= length:
                return
        starts.append(offset + i)


def wrap_starts(text: str, width: int) -> tuple[int, ...]:
    """Where each line of `text` starts when wrapped at `width` cells (the first is 0).

    Words wrap at spaces (a word longer than a line is folded); a newline always
    breaks. Linear in the length of `text`; one comparison for a line that fits.
    """
    from rich._wrap import divide_line  # handles wide characters, for non-ASCII text

    width = max(width, 1)
    starts: list[int] = []
    offset = 0
    for segment in text.split("\n"):
        starts.append(offset)
        if len(segment) > width:
            if segment.isascii():
                _wrap_plain(segment, width, offset, starts)
            elif cell_len(segment) > width:
                starts.extend(offset + b for b in divide_line(segment, width) if b > 0)
        elif not segment.isascii() and cell_len(segment) > width:
            starts.extend(offset + b for b in divide_line(segment, width) if b > 0)
        offset += len(segment) + 1
    return tuple(starts)


@dataclass(frozen=True, slots=True)
class ReaderLayout:
    """Line breaks of every paragraph at one width: body line → (paragraph, line)."""

    width: int
    first_lines: list[int]
    """The body line each paragraph starts on (by position in article.paragraphs)."""
    starts: list[tuple[int, ...]]
    """Per paragraph, where each of its lines starts in its text."""
    height: int
    """Body lines in all, a blank line between paragraphs."""

    def locate(self, line: int) -> tuple[int, int] | None:
        """(paragraph position, line within it) of body `line`; None on a blank line."""
        if not 0 <= line < self.height or not self.first_lines:
            return None
        position = bisect.bisect_right(self.first_lines, line) - 1
        within = line - self.first_lines[position]
        return (position, within) if within < len(self.starts[position]) else None

    def line_of(self, position: int, offset: int) -> int:
        """The body line showing character `offset` of paragraph `position`'s text."""
        starts = self.starts[position]
        return self.first_lines[position] + max(bisect.bisect_right(starts, offset) - 1, 0)


def display_text(text: str) -> str:
    """`text` made inert, tabs as single spaces (same length, so offsets still hold)."""
    return clean(text).replace("\t", " ")


def layout_paragraphs(texts: Sequence[str], width: int) -> ReaderLayout:
    first_lines: list[int] = []
    starts: list[tuple[int, ...]] = []
    line = 0
    one_line: tuple[int, ...] = (0,)
    for text in texts:
        first_lines.append(line)
        # the common case, cheaply: ASCII that fits (each character one cell once made
        # inert, so no need to clean it here)
        if len(text) <= width and text.isascii() and "\n" not in text:
            lines = one_line
        else:
            lines = wrap_starts(display_text(text), width)
        starts.append(lines)
        line += len(lines) + 1
    return ReaderLayout(width, first_lines, starts, max(line - 1, 0))


def spans_within(
    spans: Sequence[tuple[int, int]], span_starts: Sequence[int], start: int, end: int
) -> range:
    """Indexes of the sorted `spans` that start in [start, end) (`span_starts`: their
    starts), found by bisection so a paragraph never scans the whole article's spans."""
    return range(bisect.bisect_left(span_starts, start), bisect.bisect_left(span_starts, end))
