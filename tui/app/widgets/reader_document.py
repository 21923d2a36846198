"""What the reader shows: a `ReaderDocument`, made off the UI thread (tui.app.session),
the spans of the query's matches in it, and the words said about it (where and when,
how its date is known, the citation copied with a passage)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from index.models import Article, DateAnchor, Paragraph, Passage, SearchResult, TimeExpression
from tui.textsafe import clean


@dataclass(frozen=True, slots=True)
class ReaderDocument:
    """Everything the reader shows, fetched from the engine off the UI thread."""

    article: Article
    anchor: DateAnchor | None = None
    times: tuple[TimeExpression, ...] = ()
    matches: tuple[tuple[int, int], ...] = ()
    """Absolute (start, end) offsets into article.text of query matches, sorted."""
    paragraph: int | None = None
    """Paragraph.index to open at (the passage), if any."""
    focus: tuple[int, int] | None = None
    """An absolute span to make the current match (a timeline expression, a hit)."""
    query: str = ""
    notes: tuple[str, ...] = field(default=())
    dated: bool = True
    """False while the corpus's dates are being worked out (the timeline): the anchor
    and time expressions follow with show_dates()."""
    result_position: tuple[int, int] | None = None
    """(1-based rank, number of results) of the passage opened from the results list."""


def query_matches(
    article: Article, hits: Iterable[Passage], terms: Iterable[str]
) -> tuple[tuple[int, int], ...]:
    """Absolute spans to highlight: the engine's exact spans, plus other occurrences of terms."""
    spans: set[tuple[int, int]] = set()
    by_index = {p.index: p for p in article.paragraphs}
    for hit in hits:
        if hit.article_id != article.id or hit.paragraph not in by_index:
            continue
        base = by_index[hit.paragraph].start
        spans.update((base + s.start, base + s.end) for s in hit.text_highlights)
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if words:
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE
        )
        for paragraph in article.paragraphs:
            for m in pattern.finditer(article.text, paragraph.start, paragraph.end):
                spans.add((m.start(), m.end()))
    # drop spans contained in another
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    result: list[tuple[int, int]] = []
    for start, end in ordered:
        if result and start < result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
            continue
        result.append((start, end))
    return tuple(result)


def format_date(day: dt.date | None) -> str:
    return day.strftime("%A %-d %B %Y") if day else "undated"


def rank_of(passage: Passage | None, result: SearchResult | None) -> tuple[int, int] | None:
    """(1-based rank, number of hits) of `passage` in `result`, for the reader's header."""
    if passage is None or result is None:
        return None
    for rank, hit in enumerate(result.hits, 1):
        if (hit.article_id, hit.paragraph) == (passage.article_id, passage.paragraph):
            return rank, len(result.hits)
    return None


def make_document(
    article: Article,
    dates: tuple[DateAnchor | None, tuple[TimeExpression, ...]] | None,
    result: SearchResult | None,
    *,
    paragraph: int | None = None,
    passage: Passage | None = None,
    focus: tuple[int, int] | None = None,
) -> ReaderDocument:
    """`article` as the reader shows it after `result` (the results on screen): its
    matches, the passage opened, and its dates (None while they are being worked out)."""
    hits: list[Passage] = list(result.hits) if result else []
    terms: list[str] = []
    for hit in hits:
        if hit.article_id == article.id:
            terms.extend(hit.matched_terms)
    if passage is not None:
        hits.append(passage)
        terms.extend(passage.matched_terms)
    matches = query_matches(article, hits, terms) if (result or passage) else ()
    if focus is not None and focus not in matches:
        matches = tuple(sorted({*matches, focus}))
    anchor, times = dates if dates is not None else (None, ())
    return ReaderDocument(
        article=article,
        anchor=anchor,
        times=times,
        matches=matches,
        paragraph=paragraph,
        focus=focus,
        query=result.query if result else "",
        dated=dates is not None,
        result_position=rank_of(passage, result),
    )


def meta_line(doc: ReaderDocument) -> str:
    """Where and when, and the source: the reader's second header row."""
    article = doc.article
    where = (article.dateline or "").strip(" \t—–-,:;") or article.place
    anchor = doc.anchor
    day = anchor.date if anchor and anchor.date else article.date
    meta = [where] if where else []
    meta.append(format_date(day))
    meta.append(article.source_label)
    if article.source_label != article.file:
        meta.append(article.file)
    return " · ".join(meta)


def date_evidence(doc: ReaderDocument) -> str:
    """How the article's date is known, for the header (empty when nothing is)."""
    anchor = doc.anchor
    if anchor is None:
        return "" if doc.dated else "working out the date (building the timeline)…"
    how = {
        "front_matter": "date given by the file",
        "inferred": "date inferred",
        "user": "date set by you",
    }.get(
        anchor.date_source, "date unknown"
    )
    # a date you set needs no evidence ("set by you with `summit date`" said it twice)
    shown = anchor.evidence and anchor.date_source != "user"
    evidence = f"{how}: {anchor.evidence}" if shown else how
    if anchor.borrowed_from:
        evidence += f" (borrowed from {anchor.borrowed_from})"
    if anchor.date_source == "inferred" and anchor.confidence < 1:
        evidence += f" · confidence {anchor.confidence:.0%}"
    return evidence


def citation(doc: ReaderDocument, paragraph: Paragraph) -> str:
    """`paragraph` of the document and where it comes from, for the clipboard."""
    article = doc.article
    anchor = doc.anchor
    day = anchor.date if anchor and anchor.date else article.date
    parts = [article.title]
    if article.source:  # without one, the file name below says where it is from
        parts.append(article.source)
    if day:
        how = {"inferred": " (date inferred)", "user": " (date set by you)"}
        said = how.get(anchor.date_source, "") if anchor else ""
        parts.append(day.strftime("%-d %B %Y") + said)
    else:
        parts.append("date unknown")
    source = ", ".join(parts)
    where = f"{article.file}, paragraph {paragraph.index + 1}"
    return clean(f"“{paragraph.text.strip()}”\n— {source} ({where})")
