"""The timeline's cache next to the index: the articles' dates and the events, apart.

Two files, because their readers differ: every search shows its hits' dates and so
needs the anchors (10,000 small records at 10k articles), while only the timeline
pane and `summit timeline` need the events (80,000, with their sentences). Loading
the whole timeline just to date search results cost `summit search` 1.3 s.

Neither file holds our classes. Unpickling frozen slotted dataclasses goes through
`__setstate__` and an `object.__setattr__` per field, and a pickle may name any
class; these files hold only tuples, lists, str, bytes and numbers, read by an
unpickler that refuses every class, so a damaged or foreign file fails to load (the
timeline is then rebuilt) and never runs anything. The events are stored by column:
offsets and dates as packed integers, an expression's text and a source's article
(id and file, taken from the anchors) as numbers into shared tables. Loaded, they
share every equal string, date and offset instead of holding a copy per source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import pickle
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_args

from index.models import DateAnchor, DateSource, EventSource, Granularity, Timeline, TimelineEvent

ANCHORS_CACHE = "timeline-anchors.pickle"
EVENTS_CACHE = "timeline-events.pickle"
LEGACY_CACHE = "timeline.pickle"
"""The whole timeline pickled as records, as earlier versions kept it: removed on save."""

_INT = "i"
"""Packed integers: character offsets and day ordinals both fit in 32 bits."""
_FORMAT = f"summit-timeline-cache/1/{sys.byteorder}/{array(_INT).itemsize}"
"""Packed integers are read back as written: the same byte order and width only."""
_NO_DATE = 0
"""`date.toordinal()` is at least 1, so 0 stands for no date."""

# the values a file may hold for these literals, each one object (a KeyError or an
# IndexError on anything else: a damaged file, rebuilt)
_DATE_SOURCES: dict[str, DateSource] = {s: s for s in get_args(DateSource)}
_GRANULARITIES: tuple[Granularity, ...] = get_args(Granularity)
_GRANULARITY_NUMBER = {g: n for n, g in enumerate(_GRANULARITIES)}


# --- files ---------------------------------------------------------------------------


class _PlainUnpickler(pickle.Unpickler):
    """Loads containers, strings and numbers only: no class is ever looked up."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the timeline cache holds no objects ({module}.{name})")


def _read(path: Path, kind: str, key: str) -> Any | None:
    """The payload stored under `key`, or None when the file is missing, of another
    kind or format, stale, damaged or not ours."""
    try:
        with open(path, "rb") as handle, _gc_paused():
            stored = _PlainUnpickler(handle).load()
    except Exception:
        return None
    if not (isinstance(stored, tuple) and len(stored) == 4):
        return None
    fmt, stored_kind, stored_key, payload = stored
    return payload if (fmt, stored_kind, stored_key) == (_FORMAT, kind, key) else None


def _write(path: Path, kind: str, key: str, payload: object) -> None:
    """Write atomically (a reader sees the old file or the new one); a cache, so a
    failure to write is never fatal."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            pickle.dump((_FORMAT, kind, key, payload), handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _decoded(decode: Any, *args: Any) -> Any | None:
    """`decode(*args)`, or None when the payload is not what this format writes."""
    try:
        with _gc_paused():
            return decode(*args)
    except Exception:
        return None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of objects are
    created: none of them is garbage, yet every few hundred allocations a collection
    walks them again (without the pause, loading the events takes twice as long)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- anchors -------------------------------------------------------------------------

AnchorRow = tuple[str, str, int, str, str, float, str | None]


def save_anchors(index_dir: Path, key: str, anchors: Iterable[DateAnchor]) -> None:
    _write(index_dir / ANCHORS_CACHE, "anchors", key, encode_anchors(anchors))


def load_anchors(index_dir: Path, key: str) -> dict[str, DateAnchor] | None:
    """Each article's anchor by id, in corpus order, or None without a usable cache."""
    payload = _read(index_dir / ANCHORS_CACHE, "anchors", key)
    return None if payload is None else _decoded(decode_anchors, payload)


def encode_anchors(anchors: Iterable[DateAnchor]) -> list[AnchorRow]:
    evidence = _Interner()  # thousands of articles share one ("no date in front matter…")
    return [
        (
            a.article_id,
            a.file,
            _ordinal(a.date),
            a.date_source,
            evidence(a.evidence),
            a.confidence,
            a.borrowed_from,
        )
        for a in anchors
    ]


def decode_anchors(rows: list[AnchorRow]) -> dict[str, DateAnchor]:
    dates = _Dates()
    return {
        article_id: DateAnchor(
            article_id, file, dates(day), _DATE_SOURCES[source], evidence, confidence, borrowed
        )
        for article_id, file, day, source, evidence, confidence, borrowed in rows
    }


# --- events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventColumns:
    """The events by column, as stored: one entry per event, then one per source.

    A source's article is its position among the anchors (written with the same key),
    so ids and file names are stored once, in the anchors file, and shared.
    """

    articles: int
    """How many anchors the article numbers refer to (a cross-check)."""
    expressions: list[str]
    """Each distinct expression text once ("last year", "on Tuesday")."""
    first_days: bytes
    last_days: bytes
    granularities: bytes
    """Positions in `Granularity`'s values, one byte each."""
    texts: list[str]
    source_counts: bytes
    source_articles: bytes
    starts: bytes
    ends: bytes
    source_expressions: bytes
    sentence_starts: bytes
    sentence_ends: bytes

    def plain(self) -> tuple[object, ...]:
        """As a tuple of builtins (what the file holds: no class to look up)."""
        return tuple(getattr(self, f.name) for f in fields(self))

    @classmethod
    def from_plain(cls, values: Sequence[Any]) -> EventColumns:
        return cls(*values)


def save_events(index_dir: Path, key: str, timeline: Timeline) -> None:
    columns = encode_events(timeline.events, [a.article_id for a in timeline.anchors])
    _write(index_dir / EVENTS_CACHE, "events", key, columns.plain())
    with contextlib.suppress(OSError):
        (index_dir / LEGACY_CACHE).unlink(missing_ok=True)  # 23 MB at 10k, never read again


def load_events(
    index_dir: Path, key: str, anchors: Mapping[str, DateAnchor]
) -> tuple[TimelineEvent, ...] | None:
    """The events, their sources' articles taken from `anchors` (loaded with the same
    key), or None without a usable cache."""
    payload = _read(index_dir / EVENTS_CACHE, "events", key)
    if payload is None:
        return None
    return _decoded(lambda: decode_events(EventColumns.from_plain(payload), list(anchors.values())))


def encode_events(events: Sequence[TimelineEvent], article_ids: Sequence[str]) -> EventColumns:
    number_of = {article_id: n for n, article_id in enumerate(article_ids)}
    expressions: dict[str, int] = {}
    firsts, lasts, counts = array(_INT), array(_INT), array(_INT)
    articles, starts, ends, exprs = array(_INT), array(_INT), array(_INT), array(_INT)
    sentence_starts, sentence_ends = array(_INT), array(_INT)
    for event in events:
        firsts.append(_ordinal(event.first_day))
        lasts.append(_ordinal(event.last_day))
        counts.append(len(event.sources))
        for s in event.sources:
            articles.append(number_of[s.article_id])
            starts.append(s.start)
            ends.append(s.end)
            exprs.append(expressions.setdefault(s.expression, len(expressions)))
            sentence_starts.append(s.sentence_start)
            sentence_ends.append(s.sentence_end)
    return EventColumns(
        articles=len(article_ids),
        expressions=list(expressions),
        first_days=firsts.tobytes(),
        last_days=lasts.tobytes(),
        granularities=bytes(_GRANULARITY_NUMBER[e.granularity] for e in events),
        texts=[e.text for e in events],
        source_counts=counts.tobytes(),
        source_articles=articles.tobytes(),
        starts=starts.tobytes(),
        ends=ends.tobytes(),
        source_expressions=exprs.tobytes(),
        sentence_starts=sentence_starts.tobytes(),
        sentence_ends=sentence_ends.tobytes(),
    )


def decode_events(
    columns: EventColumns, anchors: Sequence[DateAnchor]
) -> tuple[TimelineEvent, ...]:
    ids, files = [a.article_id for a in anchors], [a.file for a in anchors]
    if len(anchors) != columns.articles:
        raise ValueError("the events were written with other anchors")
    starts, ends = _ints(columns.starts), _ints(columns.ends)
    sentence_starts, sentence_ends = _ints(columns.sentence_starts), _ints(columns.sentence_ends)
    # an offset above 256 read from a packed array is a new 28-byte int each time;
    # one shared object per value keeps 350,000 of them down to a few thousand
    offsets = list(range(max(max(ends, default=0), max(sentence_ends, default=0)) + 1))
    expressions = columns.expressions
    sources = [
        EventSource(
            ids[article],
            files[article],
            offsets[start],
            offsets[end],
            expressions[expression],
            offsets[sentence_start],
            offsets[sentence_end],
        )
        for article, start, end, expression, sentence_start, sentence_end in zip(
            _ints(columns.source_articles),
            starts,
            ends,
            _ints(columns.source_expressions),
            sentence_starts,
            sentence_ends,
            strict=True,
        )
    ]
    dates = _Dates()
    events = []
    taken = 0
    for first, last, granularity, text, count in zip(
        _ints(columns.first_days),
        _ints(columns.last_days),
        columns.granularities,
        columns.texts,
        _ints(columns.source_counts),
        strict=True,
    ):
        events.append(
            TimelineEvent(
                dates(first),
                dates(last),
                _GRANULARITIES[granularity],
                text,
                tuple(sources[taken : taken + count]),
            )
        )
        taken += count
    if taken != len(sources):
        raise ValueError("the source counts do not add up")
    return tuple(events)


# --- helpers -------------------------------------------------------------------------


def _ints(packed: bytes) -> array[int]:
    values = array(_INT)
    values.frombytes(packed)
    return values


def _ordinal(day: dt.date | None) -> int:
    return day.toordinal() if day is not None else _NO_DATE


class _Dates:
    """Ordinal -> date, one object per distinct day (a timeline names ~1,000 days)."""

    def __init__(self) -> None:
        self._seen: dict[int, dt.date | None] = {_NO_DATE: None}

    def __call__(self, ordinal: int) -> dt.date | None:
        try:
            return self._seen[ordinal]
        except KeyError:
            day = self._seen[ordinal] = dt.date.fromordinal(ordinal)
            return day


class _Interner:
    """Equal strings as one object, so pickle writes each once and loads it shared."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return self._seen.setdefault(text, text)
