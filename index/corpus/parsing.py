"""Parsing decoded text into an Article: front matter (index.corpus.frontmatter) or
HTML's story (index.corpus.html), the headline (titles), a dateline or place line
(places), web leftovers dropped, and paragraphs with their offsets."""

from __future__ import annotations

import datetime as dt
import re

from index.corpus.files import content_hash
from index.corpus.frontmatter import parse_front_matter
from index.corpus.ids import article_id_for
from index.corpus.lines import Line, split_lines
from index.corpus.places import PLACE_LINE, find_place
from index.corpus.titles import HARD_WRAP_WIDTH, derive_title, find_headline
from index.models import Article, Paragraph

_WEB_BOILERPLATE = re.compile(
    r"^(popular categories|search the website|related (articles|posts|stories)"
    r"|share( this)?( article)?|advertisement|subscribe( now)?|sign up|read more"
    r"|you may also like|follow us|"
    r"cookie (policy|settings)|all rights reserved|skip to (main )?content|menu|home|tags?)\b",
    re.IGNORECASE,
)


def parse_article(text: str, file: str, kind: str = "txt", *, digest: str | None = None) -> Article:
    """Parse decoded text into an Article. HTML is reduced to its story text first."""
    if kind == "html":
        from index.corpus.html import extract_story

        story = extract_story(text)
        meta = story.meta
        body_text = story.text
        body_start = 0
        text = body_text
    else:
        meta, body_start = parse_front_matter(text)
    lines = split_lines(text, body_start)
    title, title_line, title_derived_flag = find_headline(lines, meta, kind)
    remaining = [line for line in lines if line is not title_line]
    place_line = _leading_place_line(remaining)
    if place_line is not None:
        remaining = [line for line in remaining if line is not place_line]
    remaining = drop_boilerplate(remaining)
    paragraphs = group_paragraphs(remaining)
    place_text = place_line.stripped if place_line is not None else None
    dateline, place, place_source = find_place(place_text, paragraphs, meta)
    if title is None:
        title = derive_title(paragraphs[0].text if paragraphs else file)
        title_derived = True
    else:
        title_derived = title_derived_flag
    return Article(
        id=article_id_for(file),
        file=file,
        title=title,
        title_derived=title_derived,
        place=place,
        place_source=place_source,
        dateline=dateline,
        date=parse_date(meta.get("date")),
        source=meta.get("source") or meta.get("publisher") or None,
        url=meta.get("url") or None,
        text=text,
        paragraphs=tuple(paragraphs),
        content_hash=digest or content_hash(text.encode("utf-8", "surrogatepass")),
        kind="html" if kind == "html" else ("md" if kind == "md" else "txt"),
    )


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(value, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def _leading_place_line(lines: list[Line]) -> Line | None:
    first = next((line for line in lines if line.stripped), None)
    if first is not None and PLACE_LINE.match(first.stripped):
        return first
    return None


def drop_boilerplate(lines: list[Line]) -> list[Line]:
    """Drop web leftovers: known navigation phrases, and trailing short label lines."""
    kept = [line for line in lines if not _is_boilerplate_line(line.stripped)]
    while kept and (not kept[-1].stripped or _is_trailing_label(kept[-1].stripped)):
        kept.pop()
    return kept


def _is_boilerplate_line(line: str) -> bool:
    return bool(line) and len(line.split()) <= 5 and _WEB_BOILERPLATE.match(line) is not None


def _is_trailing_label(line: str) -> bool:
    return len(line.split()) <= 4 and not line.endswith((".", "!", "?", "”", '"', "’", "'"))


def group_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Paragraphs from lines: one per line for one-line paragraphs, one per blank-line
    separated block when the text is hard-wrapped (all lines short)."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.stripped:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    paragraphs: list[Paragraph] = []
    for block in blocks:
        hard_wrapped = len(block) > 1 and max(len(line.text) for line in block) <= HARD_WRAP_WIDTH
        groups = [block] if hard_wrapped else [[line] for line in block]
        for group in groups:
            start = group[0].start + (len(group[0].text) - len(group[0].text.lstrip()))
            end = group[-1].end - (len(group[-1].text) - len(group[-1].text.rstrip()))
            if end <= start:
                continue
            body = "\n".join(line.text for line in group).strip()
            paragraphs.append(Paragraph(index=len(paragraphs), start=start, end=end, text=body))
    return paragraphs
