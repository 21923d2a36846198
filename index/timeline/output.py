"""Filter a timeline, and its JSON shape (the CLI's `--json`, exports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from index.models import DateAnchor, Timeline, TimelineEvent
from index.timeline.anchors import fold


def filter_timeline(
    timeline: Timeline,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    article_id: str | None = None,
    text: str | None = None,
) -> Timeline:
    """Events overlapping [start, end], citing `article_id`, whose text contains `text`.

    Open spans reach to the end of time; vague events have no dates and so drop
    out as soon as a date bound is given.  Text matching ignores case and accents.
    """
    needle = fold(text) if text else None
    kept = []
    for event in timeline.events:
        if (start or end) and event.first_day is None:
            continue
        last = event.last_day or dt.date.max
        if end is not None and event.first_day is not None and event.first_day > end:
            continue
        if start is not None and last < start:
            continue
        if article_id is not None and all(s.article_id != article_id for s in event.sources):
            continue
        if needle is not None and needle not in fold(event.text):
            continue
        kept.append(event)
    anchors = timeline.anchors
    if article_id is not None:
        anchors = tuple(a for a in anchors if a.article_id == article_id)
    return Timeline(anchors, tuple(kept))


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def anchor_to_json(anchor: DateAnchor) -> dict[str, Any]:
    return {
        "article": anchor.article_id,
        "file": anchor.file,
        "date": _iso(anchor.date),
        "date_source": anchor.date_source,
        "evidence": anchor.evidence,
        "confidence": anchor.confidence,
        "borrowed_from": anchor.borrowed_from,
    }


def event_to_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "start": _iso(event.first_day),
        "end": _iso(event.last_day),
        "granularity": event.granularity,
        "text": event.text,
        "sources": [
            {
                "article": s.article_id,
                "file": s.file,
                "start": s.start,
                "end": s.end,
                "expression": s.expression,
            }
            for s in event.sources
        ],
    }


def timeline_to_json(timeline: Timeline) -> dict[str, list[dict[str, Any]]]:
    """{"anchors": [...], "events": [...]} with ISO dates; safe for json.dumps."""
    return {
        "anchors": [anchor_to_json(a) for a in timeline.anchors],
        "events": [event_to_json(e) for e in timeline.events],
    }
