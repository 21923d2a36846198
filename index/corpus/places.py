"""Places: the dateline that opens a story ("DAKAR, Senegal —", a line "Dakar,
Senegal"), a place given in front matter, and for an article with neither the corpus's
dateline city it names most (index.store.places applies that over a whole corpus)."""

from __future__ import annotations

import re

from index.models import Paragraph, PlaceSource

# Capitals beyond A-Z ("LOMÉ", "ZÜRICH", "BOGOTÁ", "ŁÓDŹ", Greek, Cyrillic): `re` has no
# \p{Lu}, and a class of every capital costs 30 ms at startup, so ranges (Latin
# Extended mixes both cases: its small letters pass too, harmlessly).
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ɏΆ-ΫЀ-Я"
# "DAKAR, Senegal —", "LAGOS (Reuters) -", "NEW YORK, June 3 --"
INLINE_DATELINE = re.compile(
    rf"^(?P<place>[{_UPPER}][{_UPPER}.'’\- ]{{1,40}}[{_UPPER}.]"
    rf"(?:\s*,\s*[{_UPPER}][\w.'’\- ]{{1,40}}?)?)"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:—|–|--|-)\s+"
)
# A line that is only a place: "Dakar, Senegal"
_PLACE_WORDS = rf"[{_UPPER}][\w'’.\-]+(?: [{_UPPER}][\w'’.\-]+){{0,3}}"
PLACE_LINE = re.compile(rf"^(?P<place>{_PLACE_WORDS}, {_PLACE_WORDS})$")
_PROPER_NOUN = re.compile(rf"\b[{_UPPER}][a-zà-ÿ'’\-]{{2,}}\b")


def find_place(
    place_line: str | None, paragraphs: list[Paragraph], meta: dict[str, str]
) -> tuple[str | None, str | None, PlaceSource]:
    """(dateline, place, where the place came from): a place line (`place_line`,
    stripped), else an inline dateline opening the first paragraph, else front matter."""
    if place_line is not None:
        dateline = place_line
        place = meta.get("place") or dateline
        return dateline, place, "front_matter" if meta.get("place") else "dateline"
    if paragraphs:
        match = INLINE_DATELINE.match(paragraphs[0].text)
        if match:
            dateline = match.group(0).strip()
            place = meta.get("place") or normalise_place(match.group("place"))
            return dateline, place, "front_matter" if meta.get("place") else "dateline"
    if meta.get("place"):
        return None, meta["place"], "front_matter"
    return None, None, "unknown"


def normalise_place(raw: str) -> str:
    """'DAKAR, Senegal' -> 'Dakar, Senegal': capitalised words, not shouting."""
    parts = [part.strip() for part in raw.split(",")]
    return ", ".join(part.title() if part.isupper() else part for part in parts if part)


def proper_noun_counts(text: str, limit: int = 12) -> dict[str, int]:
    """The most repeated capitalised words: what place inference matches against."""
    counts: dict[str, int] = {}
    for match in _PROPER_NOUN.finditer(text):
        counts[match.group(0)] = counts.get(match.group(0), 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return dict(ranked[:limit])


def infer_place(candidates: dict[str, int], known_places: dict[str, str]) -> str | None:
    """The article's place when it has no dateline: the known dateline city (from other
    articles of the corpus) it names most, if it names one at least twice."""
    for word, count in candidates.items():
        if count >= 2 and word in known_places:
            return known_places[word]
    return None


def place_key(place: str) -> str:
    """The city part of a place ('Dakar, Senegal' -> 'Dakar') used to recognise mentions."""
    return place.split(",")[0].strip()
