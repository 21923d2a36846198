"""Plain records passed between the engine and its callers (CLI, TUI).

Everything here is immutable data: no I/O, no whoosh, no Textual. Offsets are
Python string indices into `Article.text` (the file's decoded text; for HTML
files, the extracted story text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DateSource = Literal["front_matter", "inferred", "unknown", "user"]
"""Where an article's date comes from; "user": set with `summit date` ("set by you")."""
PlaceSource = Literal["front_matter", "dateline", "inferred", "unknown"]
Granularity = Literal[
    "time",
    "day",
    "days",
    "week",
    "month",
    "quarter",
    "half",
    "season",
    "year",
    "decade",
    "century",
    "open",
    "vague",
]
"""How much of the calendar an expression covers; "time" is a time of day (its day)."""
SearchMode = Literal["all", "any"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body paragraph: the unit a search hit points at."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One file of the corpus, parsed."""

    id: str
    """Stable id: the relative path without its suffix (with it, on a clash)."""
    file: str
    """Path relative to the articles folder, POSIX separators."""
    title: str
    title_derived: bool
    """True when no headline line exists and the title comes from the first sentence."""
    place: str | None
    place_source: PlaceSource
    dateline: str | None
    """The dateline as written ("DAKAR, Senegal —"), if the article has one."""
    date: dt.date | None
    """The article's date when front matter gives it; inference happens in the timeline."""
    source: str | None
    url: str | None
    text: str
    paragraphs: tuple[Paragraph, ...]
    content_hash: str
    kind: Literal["txt", "md", "html"] = "txt"
    warnings: tuple[str, ...] = ()

    @property
    def date_source(self) -> DateSource:
        return "front_matter" if self.date is not None else "unknown"

    @property
    def source_label(self) -> str:
        """What to show as the source: the given source, else the file name."""
        return self.source or self.file


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted range inside some text (start inclusive, end exclusive)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AlsoIn:
    """A near-duplicate of a hit's passage in another article (a syndicated copy)."""

    article_id: str
    file: str
    paragraph: int
    source: str | None = None
    """The source the article names (front matter or HTML metadata); None when none."""


@dataclass(frozen=True, slots=True)
class Passage:
    """One search hit: a paragraph of an article, with its snippet and why it matched."""

    article_id: str
    file: str
    title: str
    paragraph: int
    start: int
    end: int
    text: str
    score: float
    rank: int
    snippet: str
    highlights: tuple[Span, ...]
    """Ranges of `snippet` to highlight; the snippet itself is plain text, never markup."""
    text_highlights: tuple[Span, ...] = ()
    """Ranges of `text` (the whole paragraph) that matched."""
    matched_terms: tuple[str, ...] = ()
    place: str | None = None
    date: dt.date | None = None
    source: str | None = None
    """The source the article names, or None (show `source_label`: the file then)."""
    also_in: tuple[AlsoIn, ...] = ()
    """The same passage, up to small edits, in other articles: shown as this one hit."""

    @property
    def source_label(self) -> str:
        """What to show as the source: the given source, else the file name."""
        return self.source or self.file

    @property
    def also_in_note(self) -> str | None:
        """'also in 2 other sources', for the result row (None without copies)."""
        count = len(self.also_in)
        if not count:
            return None
        return f"also in {count} other source{'s' if count > 1 else ''}"


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    """What the user typed."""
    searched: str
    """What was actually run (differs when a typo was corrected automatically)."""
    total: int
    total_is_estimate: bool
    hits: tuple[Passage, ...]
    notes: tuple[str, ...] = ()
    """One-line messages for the user: corrections, variants used, syntax problems."""
    suggestion: str | None = None
    """A "did you mean" query, when one exists."""
    corrected: bool = False
    variants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(query term, corpus spellings it was widened to)."""
    error: str | None = None
    """Set when the query was malformed; hits are then a best-effort result."""
    mode: SearchMode = "all"
    """Which reading answered: every word must match ("all"), or, when none did, any
    word ("any", ranked; see index/search/fallback.py)."""


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A time expression found in an article, normalised against the article's date."""

    article_id: str
    start: int
    end: int
    text: str
    granularity: Granularity
    first_day: dt.date | None
    last_day: dt.date | None
    """None for an open end ("since 2012") and for vague expressions."""
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class DateAnchor:
    """The date an article was written, and how we know it."""

    article_id: str
    file: str
    date: dt.date | None
    date_source: DateSource
    evidence: str
    confidence: float = 1.0
    borrowed_from: str | None = None


@dataclass(frozen=True, slots=True)
class EventSource:
    article_id: str
    file: str
    start: int
    end: int
    expression: str
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    first_day: dt.date | None
    last_day: dt.date | None
    granularity: Granularity
    text: str
    sources: tuple[EventSource, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    anchors: tuple[DateAnchor, ...]
    events: tuple[TimelineEvent, ...]


@dataclass(slots=True)
class UpdateReport:
    """What an index update did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    not_updated: str | None = None
    """Why the index could not be brought up to date (a read-only folder, a full
    disk); it is searched as it was. None when it was updated."""

    @property
    def touched(self) -> int:
        return self.added + self.changed + self.removed


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What lists show about an article, read from the index without opening its file."""

    id: str
    file: str
    title: str
    title_derived: bool
    place: str | None
    date: dt.date | None
    date_source: DateSource
    source: str | None
    paragraphs: int

    @property
    def source_label(self) -> str:
        return self.source or self.file
