"""Loading: every format becomes an Article with exact offsets and sensible metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.corpus.articles import load_folder
from index.corpus.files import resolve_articles_dir
from index.corpus.parsing import parse_article
from index.errors import CorpusError
from tests.conftest import BUNDLED, FIXTURE_CORPUS


def _by_id(folder: Path) -> dict:
    return {a.id: a for a in load_folder(folder).articles}


def test_bundled_articles_parse_with_headlines_datelines_and_derived_titles() -> None:
    articles = _by_id(BUNDLED)
    assert len(articles) == 3
    first = articles["000_da7967d9e18fabfb"]
    assert first.title.startswith("Mali, Burkina Faso and Niger call for joint")
    assert not first.title_derived
    assert first.place == "Bamako, Mali" and first.place_source == "dateline"
    assert first.dateline == "BAMAKO, Mali —"
    second = articles["003_a07272663d127e51"]
    assert second.title_derived and second.title.startswith("Leaders of the Alliance")
    assert second.place == "Bamako, Mali"
    assert articles["004_512e9c40344043d6"].title_derived


def test_paragraph_offsets_point_into_the_file_text() -> None:
    for folder in (BUNDLED, FIXTURE_CORPUS):
        for article in load_folder(folder).articles:
            assert article.paragraphs, article.id
            for paragraph in article.paragraphs:
                assert article.text[paragraph.start : paragraph.end] == paragraph.text
    raw = (BUNDLED / "000_da7967d9e18fabfb.txt").read_text(encoding="utf-8")
    article = _by_id(BUNDLED)["000_da7967d9e18fabfb"]
    assert article.text == raw


def test_web_boilerplate_and_blank_runs_are_dropped() -> None:
    articles = _by_id(BUNDLED)
    last = articles["004_512e9c40344043d6"].paragraphs[-1].text
    assert last.endswith("addressing shared challenges.")
    briefing = _by_id(FIXTURE_CORPUS)["nested/deep/drought-briefing"]
    assert all("Popular Categories" not in p.text for p in briefing.paragraphs)
    strike = _by_id(FIXTURE_CORPUS)["harbour-strike"]
    assert strike.paragraphs[-1].text.startswith("Shipping lines warned")


def test_front_matter_overrides_what_is_inferred() -> None:
    article = _by_id(FIXTURE_CORPUS)["harbour-followup"]
    assert article.title == "Port backlog clears as Mombasa returns to normal"
    assert article.date == dt.date(2025, 3, 17) and article.date_source == "front_matter"
    assert article.source == "Coast Daily"
    assert article.url == "https://example.org/coast-daily/port-backlog"
    # the markdown heading is the title, not a paragraph
    assert article.paragraphs[0].text.startswith("The queue of container ships")


def test_html_keeps_the_story_and_drops_navigation_scripts_and_footers() -> None:
    article = _by_id(FIXTURE_CORPUS)["web/solar-plant"]
    text = "\n".join(p.text for p in article.paragraphs)
    assert article.title == "Noor solar complex doubles its output after expansion"
    assert article.date == dt.date(2024, 11, 5)
    assert article.source == "Desert Energy News"
    assert article.place == "Ouarzazate, Morocco"
    assert "molten salt" in text and "dust storms" in text
    for chrome in (
        "tracking",
        "font-family",
        "Log in",
        "newsletter",
        "Share on social",
        "wind farms",
        "All rights reserved",
    ):
        assert chrome not in text


def test_hard_wrapped_text_keeps_paragraphs_and_derives_a_title() -> None:
    article = _by_id(FIXTURE_CORPUS)["nested/deep/drought-briefing"]
    assert article.title_derived
    assert article.title.startswith("Herders across the Kanem region")
    assert len(article.paragraphs) == 4
    assert "transhumance" in article.paragraphs[1].text


def test_ids_come_from_relative_paths_and_clashes_keep_the_suffix(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "note.txt").write_text("Headline\nBody text here.\n", encoding="utf-8")
    (tmp_path / "sub" / "note.md").write_text("# Other\n\nMore body text.\n", encoding="utf-8")
    ids = sorted(a.id for a in load_folder(tmp_path).articles)
    assert ids == ["sub/note", "sub/note.txt"]


def test_empty_folder_loads_nothing(tmp_path: Path) -> None:
    result = load_folder(tmp_path)
    assert result.articles == [] and result.warnings == []


def test_missing_or_file_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        resolve_articles_dir(tmp_path / "nope")
    file = tmp_path / "a.txt"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a folder"):
        resolve_articles_dir(file)


def test_inline_dateline_variants() -> None:
    article = parse_article("A headline here\nLAGOS (Reuters) - Something happened.\n", "a.txt")
    assert article.place == "Lagos" and article.dateline == "LAGOS (Reuters) -"
    plain = parse_article("No dateline in this one. It just starts.\n", "b.txt")
    assert plain.place is None and plain.place_source == "unknown"


def test_the_index_and_loading_a_folder_give_every_file_the_same_id(tmp_path: Path) -> None:
    """Issue 18: ids are derived in one place (index.corpus.ids), so a folder read without
    an index names its articles as the index does, same-stem files included."""
    from index.engine import Engine

    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    story = "Harbour strike ends\n\nDockworkers went back to work on Monday.\n"
    for name in ("a.md", "a.txt", "a.html", "sub/a.md", "b.markdown"):
        (folder / name).write_text(story, encoding="utf-8")
    loaded = {a.file: a.id for a in load_folder(folder).articles}
    engine = Engine(folder, tmp_path / "ix")
    engine.open()
    try:
        indexed = {a.file: a.id for a in engine.articles()}
    finally:
        engine.close()
    assert indexed == loaded
    assert len(set(loaded.values())) == 5 and loaded["sub/a.md"] == "sub/a"
