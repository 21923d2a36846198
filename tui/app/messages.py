"""What the session (tui.app.session) tells the main screen: one dataclass per outcome.

The session's threads and workers post these; the screen shows them. A failed piece of
work arrives as the same message with `error` set (see `Session.outcome`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual.message import Message
from textual.notifications import SeverityLevel

from index.models import (
    ArticleSummary,
    DateAnchor,
    Passage,
    SearchResult,
    TimeExpression,
    TimelineEvent,
    UpdateReport,
)
from index.search.facets import Facets
from tui.app.widgets.reader_document import ReaderDocument
from tui.app.widgets.timeline_rows import SourceChoice


@dataclass
class OpenProgress(Message):
    """Indexing progress while the engine opens."""

    done: int
    total: int
    message: str


@dataclass
class EngineSearchable(Message):
    """The index as it was left is open: searches run while open() updates it."""


@dataclass
class EngineOpened(Message):
    """open() finished: the index is up to date (or could not be opened: `error`)."""

    report: UpdateReport | None
    error: str | None
    summaries: list[ArticleSummary] = field(default_factory=list)


@dataclass
class FolderChanged(Message):
    """The watched folder changed and the index has been brought up to date."""

    report: UpdateReport
    summaries: list[ArticleSummary]


@dataclass
class SearchDone(Message):
    """A search (or the marked passages, or similar passages) that failed: `error`."""

    query: str
    result: SearchResult | None
    error: str | None
    submitted: bool


@dataclass
class SimilarDone(Message):
    result: SearchResult


@dataclass
class MarkedLoaded(Message):
    passages: tuple[Passage, ...]


@dataclass
class ArticleLoaded(Message):
    document: ReaderDocument | None
    error: str | None


@dataclass
class ReaderDated(Message):
    """The dates of the article in the reader, once the timeline has worked them out."""

    article_id: str
    anchor: DateAnchor | None
    times: tuple[TimeExpression, ...]


@dataclass
class TimelineLoaded(Message):
    events: tuple[TimelineEvent, ...] | None
    error: str | None
    summaries: list[ArticleSummary] | None = None
    anchors: dict[str, DateAnchor] | None = None


@dataclass
class SourcesLoaded(Message):
    """The sources of a timeline entry reported by several, each with its sentence."""

    event: TimelineEvent
    choices: list[SourceChoice]


@dataclass
class DateChanged(Message):
    """The user's date of an article is kept (or forgotten): `said` tells them so."""

    article_id: str
    day: dt.date | None
    said: str


@dataclass
class FacetsCounted(Message):
    """How the hits of `query` spread over sources, places and months (Ctrl+F)."""

    query: str
    facets: Facets


@dataclass
class Notice(Message):
    """A one-line notification (work that has nothing else to show)."""

    text: str
    title: str = ""
    severity: SeverityLevel = "information"
    timeout: float = 4
