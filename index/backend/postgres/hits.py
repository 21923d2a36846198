"""A matching passage as a hit: its snippet, highlights (the shared helpers, exactly as
the whoosh backend shows them) and its article's title, date, place and source."""

from __future__ import annotations

from collections.abc import Mapping

from index.backend.postgres.tsquery import PgPlan
from index.models import DateAnchor, Passage
from index.search.highlight import make_snippet, match_spans, phrase_spans
from index.store.manifest import ManifestRecord


def make_passage(
    records: Mapping[str, ManifestRecord],
    article_id: str,
    paragraph: int,
    start: int,
    end: int,
    body: str,
    score: float,
    plan: PgPlan,
    anchors: Mapping[str, DateAnchor],
) -> Passage:
    spans = match_spans(body, frozenset(plan.highlight_stems))
    if plan.highlight_phrases:
        spans = sorted(
            set(spans).union(phrase_spans(body, plan.highlight_phrases)),
            key=lambda span: span.start,
        )
    snippet, snippet_spans = make_snippet(body, spans)
    record = records.get(article_id)
    anchor = anchors.get(article_id)
    date = anchor.date if anchor else (record.parsed_date if record else None)
    return Passage(
        article_id=article_id,
        file=record.file if record else "",
        title=record.title if record else "",
        paragraph=int(paragraph),
        start=int(start),
        end=int(end),
        text=body,
        score=float(score or 0.0),
        rank=0,
        snippet=snippet,
        highlights=snippet_spans,
        text_highlights=tuple(spans),
        matched_terms=tuple(dict.fromkeys(body[s.start : s.end] for s in spans)),
        place=record.place if record else None,
        date=date,
        source=record.source if record else None,
    )


def ranked(passage: Passage, rank: int) -> Passage:
    from dataclasses import replace

    return replace(passage, rank=rank)
