"""The benchmark's synthetic corpus: deterministic, and made of articles the loader reads."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bench.generate import generate
from index.corpus.articles import parse_file

COUNT = 40


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(COUNT, tmp_path / "a", seed=3)
    second = generate(COUNT, tmp_path / "b", seed=3)
    other = generate(COUNT, tmp_path / "c", seed=4)
    assert _digest(first) == _digest(second)
    assert _digest(first) != _digest(other)


def test_articles_parse_with_title_place_and_paragraphs(tmp_path: Path) -> None:
    folder = generate(COUNT, tmp_path / "corpus", seed=7)
    files = sorted(folder.iterdir())
    assert len(files) == COUNT
    articles = [parse_file(path, path.name) for path in files]
    for article in articles:
        assert article.title and not article.title_derived, article.file
        assert len(article.paragraphs) >= 3, article.file
    placed = [a for a in articles if a.place]
    assert len(placed) >= COUNT * 0.6
    assert any(a.dateline and "—" in a.dateline for a in articles)
    assert any(a.date is not None for a in articles)  # from front matter


def test_articles_look_like_news(tmp_path: Path) -> None:
    folder = generate(COUNT, tmp_path / "corpus", seed=7)
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir()))
    sizes = [path.stat().st_size for path in folder.iterdir()]
    assert 3_000 <= sum(sizes) / len(sizes) <= 5_500  # about 4 KB an article
    assert re.search(r"[éèêïîôö]", text)  # accented names
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)  # ISO dates
    assert re.search(r"\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. \d{1,2}\b", text)
    assert re.search(r"\bbetween \d{1,2} and \d{1,2} [A-Z][a-z]+", text)
    assert re.search(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", text)
    assert "last year" in text or "last week" in text or "last month" in text
    assert text.count("\n---\n") + text.startswith("---") >= 2  # some front matter
