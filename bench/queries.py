"""The benchmark's queries, drawn deterministically from the corpus itself.

Words people search are words that are there: every query is made of words taken
from a seeded sample of the corpus's articles, so the same corpus and seed give
the same queries.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.generate import _FUNCTION_WORDS

_WORD = re.compile(r"[^\W\d_]{4,}")
_DATELINE = re.compile(r"^([A-Z][A-Z]+), [A-Z]", re.MULTILINE)
_COMMON = frozenset(_FUNCTION_WORDS)


@dataclass(slots=True)
class QuerySet:
    """Queries per kind; an as-you-type entry is the list of successive prefixes typed."""

    single: list[str] = field(default_factory=list)
    two_words: list[str] = field(default_factory=list)
    phrase: list[str] = field(default_factory=list)
    as_you_type: list[list[str]] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    typo: list[str] = field(default_factory=list)
    field_filter: list[str] = field(default_factory=list)
    date_range: list[str] = field(default_factory=list)
    rg_words: list[str] = field(default_factory=list)
    rg_phrases: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, list]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, list]) -> QuerySet:
        return cls(**data)


def _typo(rng: random.Random, word: str) -> str:
    """One edit: swap two inner letters or drop one."""
    i = rng.randint(1, len(word) - 3)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _COMMON]


def build_queries(folder: Path, count: int, seed: int = 11) -> QuerySet:
    """`count` queries of each kind (as-you-type: `count // 4` words, every prefix)."""
    rng = random.Random(f"queries:{seed}")
    files = sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".md"})
    sample = rng.sample(files, min(len(files), max(count * 3, 30)))
    paragraphs: list[list[str]] = []
    titles: list[str] = []
    cities: list[str] = []
    for path in sample:
        text = path.read_text(encoding="utf-8")
        lines = [
            line for line in text.splitlines() if line and line != "---" and ":" not in line[:8]
        ]
        titles.extend(_content_words(lines[0])[:3] if lines else [])
        cities.extend(m.group(1).title() for m in _DATELINE.finditer(text))
        paragraphs.extend(words for line in lines[1:] if len(words := line.split()) > 8)
    words = [w for para in paragraphs for w in _content_words(" ".join(para))]
    pick = rng.choice
    queries = QuerySet()
    for _ in range(count):
        queries.single.append(pick(words).lower())
        para = _content_words(" ".join(pick(paragraphs)))
        queries.two_words.append(
            " ".join(rng.sample(para, 2)).lower() if len(para) > 1 else pick(words)
        )
        queries.phrase.append(f'"{_adjacent_pair(rng, pick(paragraphs))}"')
        long_word = pick([w for w in words if len(w) >= 6] or words).lower()
        queries.fuzzy.append(_typo(rng, long_word) + "~")
        queries.typo.append(_typo(rng, pick([w for w in words if len(w) >= 7] or words).lower()))
        queries.field_filter.append(
            f"title:{pick(titles).lower()}"
            if rng.random() < 0.5
            else f"place:{pick(cities)} {pick(words).lower()}"
        )
        year, month = rng.randint(2023, 2025), rng.randint(1, 12)
        queries.date_range.append(
            f"date:[{year}-{month:02d}-01 to {year}-{month:02d}-28] {pick(words).lower()}"
        )
    for number in range(max(2, count // 4)):
        word = pick([w for w in words if len(w) >= 6] or words).lower()
        lead = f"{pick(words).lower()} " if number % 2 else ""
        queries.as_you_type.append([lead + word[:n] for n in range(1, len(word) + 1)])
    queries.rg_words = list(queries.single)
    queries.rg_phrases = [q.strip('"') for q in queries.phrase]
    return queries


def _adjacent_pair(rng: random.Random, paragraph: list[str]) -> str:
    """Two adjacent words of a paragraph (letters only, not both function words)."""
    cleaned = [re.sub(r"[^\w]", "", w) for w in paragraph]
    pairs = [
        f"{a} {b}"
        for a, b, raw_a in zip(cleaned, cleaned[1:], paragraph, strict=False)
        if a.isalpha()
        and b.isalpha()
        and raw_a.isalpha()
        and len(a) > 2
        and len(b) > 2
        and not (a.lower() in _COMMON and b.lower() in _COMMON)
    ]
    return rng.choice(pairs).lower() if pairs else " ".join(cleaned[:2]).lower()
