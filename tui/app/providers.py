"""The command palette's providers: the commands (from the one list) and the articles.

The app is reached through `PaletteHost`, the little the providers need of it, so that
this module does not import the app (which registers the providers).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Protocol, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.markup import escape

from index.models import ArticleSummary
from tui.app.commands import Command, offered
from tui.config import Config
from tui.serve.policy import SessionPolicy
from tui.textsafe import clean


class PaletteHost(Protocol):
    """What the providers ask of the app."""

    policy: SessionPolicy
    config: Config

    @property
    def article_summaries(self) -> list[ArticleSummary]: ...

    def run_command(self, command_id: str) -> None: ...

    def open_article(self, article_id: str) -> None: ...


# Textual parses str prompts and help texts as markup, and Matcher.highlight() does too;
# titles and file names come from article files, so prompts here are rich Text objects
# (never parsed) and help texts are escaped.


def highlight(matcher: Matcher, label: str) -> Text:
    """`label` as plain Text with the fuzzy-matched characters styled."""
    text = Text(label)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, label)
    for offset in offsets:
        if not label[offset].isspace():
            text.stylize(matcher.match_style.rich_style, offset, offset + 1)
    return text


class SummitCommands(Provider):
    """Every action of the explorer, by description."""

    @property
    def _app(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

    def _entries(self) -> Iterator[tuple[str, Command]]:
        for command in offered(self._app.policy, self._app.config.keymap):
            if command.palette:
                yield f"{command.description} ({command.keys_display})", command

    async def discover(self) -> Hits:
        for label, command in self._entries():
            yield DiscoveryHit(
                Text(label),
                partial(self._app.run_command, command.id),
                help=escape(command.help) or None,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, command in self._entries():
            score = max(matcher.match(label), matcher.match(command.help))
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._app.run_command, command.id),
                    help=escape(command.help) or None,
                )


class ArticleCommands(Provider):
    """Open an article by (part of) its title, file name or source."""

    @property
    def _app(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

    def _entries(self) -> Iterator[tuple[str, str, str]]:
        for summary in self._app.article_summaries:
            title = clean(summary.title, single_line=True)
            date = summary.date.isoformat() if summary.date else "undated"
            # without a `source:` the label is the file name: say it once
            named = [summary.source] if summary.source else []
            detail = clean(" · ".join([*named, date, summary.file]), single_line=True)
            yield summary.id, title, detail

    async def discover(self) -> Hits:
        for article_id, title, detail in self._entries():
            yield DiscoveryHit(
                Text(f"Open: {title}"),
                partial(self._app.open_article, article_id),
                help=escape(detail),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for article_id, title, detail in self._entries():
            label = f"Open: {title}"
            score = max(matcher.match(label), matcher.match(detail) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._app.open_article, article_id),
                    help=escape(detail),
                )
