"""One-line header: app and corpus name, counts, indexing progress, pane tabs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import ProgressBar, Static

from tui.app.widgets.pane_tabs import PaneTabs
from tui.textsafe import clean


class AppHeader(HorizontalGroup):
    """`Summit Explorer · <corpus> · 3 articles · 31 passages   [1 Search 2 Reader 3 Timeline]`."""

    def __init__(self, corpus_name: str) -> None:
        super().__init__(id="app-header")
        self.corpus_name = corpus_name
        self._last: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(None), id="header-title")
        yield ProgressBar(total=None, show_eta=False, id="open-progress")
        yield PaneTabs(id="pane-tabs")

    def _title(self, counts: str | None) -> Text:
        text = Text(end="")
        if self.size.width == 0 or self.size.width >= 100:
            text.append("Summit Explorer", style="bold")
            text.append(" · ")
        text.append(clean(self.corpus_name, single_line=True), style="bold")
        if counts:
            text.append(" · ")
            text.append(counts)
        return text

    def show_loading(self, message: str) -> None:
        self.remove_class("-failed")
        self.add_class("-loading")
        self._show(clean(message, single_line=True))

    def set_progress(self, done: int, total: int, message: str) -> None:
        bar = self.query_one(ProgressBar)
        if total > 0:
            bar.update(total=total, progress=done)
        self.show_loading(message or f"indexing {done}/{total}")

    def on_resize(self) -> None:
        if self._last is not None:
            self.query_one("#header-title", Static).update(self._title(self._last))

    def _show(self, counts: str | None) -> None:
        self._last = counts
        self.query_one("#header-title", Static).update(self._title(counts))

    def set_counts(self, articles: int | None, passages: int | None) -> None:
        self.remove_class("-loading")
        parts = []
        if articles is not None:
            parts.append(f"{articles} article{'s' if articles != 1 else ''}")
        if passages is not None:
            parts.append(f"{passages} passage{'s' if passages != 1 else ''}")
        self._show(" · ".join(parts) or None)

    def set_failed(self) -> None:
        """The index could not be opened (the search pane says why)."""
        self.remove_class("-loading")
        self.add_class("-failed")
        self._show("no index · F5: retry")
