"""Errors the engine raises on purpose: each carries a one-line message for the user."""

from __future__ import annotations


class SummitError(Exception):
    """Base class: anything the CLI/TUI should show as a one-line message, not a traceback."""


class CorpusError(SummitError):
    """The articles folder cannot be used (missing, not a folder, no articles)."""


class ArticleNotFound(SummitError, KeyError):
    """No article has that id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "article not found"


class IndexBusyError(SummitError):
    """Another process holds the index write lock for longer than we are willing to wait."""


class IndexWriteError(SummitError):
    """The index could not be written (disk full, I/O error); the previous one is kept."""


class IndexCancelled(SummitError):
    """An update was stopped (the engine is closing); the previous index is kept."""


class TimelineCancelled(SummitError):
    """The timeline build was stopped (its worker cancelled, or the engine closing)."""
