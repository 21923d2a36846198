"""One paragraph of the reader (a Static, so the reader can scroll to it)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ParagraphView(Static):
    """Paragraph `index` of the article; class `-current` marks the current passage."""

    def __init__(self, index: int, content: Text) -> None:
        super().__init__(content, id=f"para-{index}", classes="paragraph")
        self.index = index
