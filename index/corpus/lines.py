"""An article's text as lines with their offsets (paragraphs and highlights point
into the text, so every piece keeps where it starts and ends)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


def split_lines(text: str, start: int = 0) -> list[Line]:
    lines: list[Line] = []
    position = start
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        end = length if newline == -1 else newline
        line_end = end - 1 if end > position and text[end - 1] == "\r" else end
        lines.append(Line(position, line_end, text[position:line_end]))
        position = end + 1
    return lines
