"""Inputs people have: HTML whose class names merely contain a chrome word, and files in
legacy encodings. Written before the fixes; each case failed on the code before them."""

from __future__ import annotations

import pytest

from index.corpus.decoding import decode_text
from index.corpus.html import extract_story

STORY = (
    "<p>The river authority opened the northern sluice on Monday after three weeks of rain.</p>"
    "<p>Engineers said the embankment held, although two villages were evacuated.</p>"
)


@pytest.mark.parametrize(
    "container",
    [
        '<div class="commentary-body">{}</div>',
        '<div class="navigator-story">{}</div>',
        '<section id="sharepoint-article">{}</section>',
        '<div class="article__promotional-free">{}</div>',
    ],
)
def test_a_story_whose_class_merely_contains_a_chrome_word_is_kept(container: str) -> None:
    html = f"<html><body><h1>Sluice opened</h1>{container.format(STORY)}</body></html>"
    text = extract_story(html).text
    assert "northern sluice" in text
    assert "two villages were evacuated" in text


@pytest.mark.parametrize(
    "chrome",
    [
        '<div class="comments">Reader comment: first!</div>',
        '<div class="site-nav">Home | World | Sport</div>',
        '<div class="social-share">Share on social</div>',
        '<div id="cookie-banner">We use cookies</div>',
        '<div class="sidebar">Most read today</div>',
        '<ul class="navBar"><li>Home</li></ul>',
    ],
)
def test_real_chrome_is_still_dropped(chrome: str) -> None:
    html = f"<html><body><article>{STORY}{chrome}</article></body></html>"
    text = extract_story(html).text
    assert "northern sluice" in text
    for word in ("first!", "Sport", "Share on social", "cookies", "Most read", "Home"):
        assert word not in text


def test_a_story_inside_a_chrome_named_container_is_not_lost_silently() -> None:
    # When the hint rule would leave nothing, the story text is kept rather than dropped.
    html = f'<html><body><div class="comment">{STORY}</div></body></html>'
    assert "northern sluice" in extract_story(html).text


RUSSIAN = (
    "Правительство объявило в понедельник о новом бюджете на следующий год. "
    "Министр финансов заявил, что расходы на образование вырастут на десять процентов, "
    "а налоги для малого бизнеса останутся прежними."
)
GREEK = (
    "Η κυβέρνηση ανακοίνωσε τη Δευτέρα τον νέο προϋπολογισμό για το επόμενο έτος. "
    "Ο υπουργός Οικονομικών δήλωσε ότι οι δαπάνες για την παιδεία θα αυξηθούν."
)
FRENCH = (
    "Le gouvernement a annoncé lundi le nouveau budget de l’année prochaine. "
    "« Les dépenses d’éducation augmenteront », a déclaré la ministre — sans préciser "
    "comment elles seraient financées."
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (GREEK, "cp1253"),
        (FRENCH, "cp1252"),
        (FRENCH.replace("’", "'").replace("—", "-"), "latin-1"),
    ],
    ids=["ru-cp1251", "ru-koi8r", "el-cp1253", "fr-cp1252", "fr-latin1"],
)
def test_legacy_encodings_are_detected_not_garbled(text: str, encoding: str) -> None:
    decoded, warning = decode_text(text.encode(encoding))
    assert decoded == text
    assert warning is not None and "not valid UTF-8" in warning


def test_utf8_needs_no_detection_and_no_warning() -> None:
    assert decode_text(RUSSIAN.encode("utf-8")) == (RUSSIAN, None)
    assert decode_text(b"\xef\xbb\xbf" + FRENCH.encode("utf-8")) == (FRENCH, None)


def test_version_comes_from_the_package_metadata(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    from tui.cli import main

    # One number, in pyproject.toml: the CLI must read it, never repeat it.
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.8.7")
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == "summit 9.8.7"


HUGO = """---
title: "Ferry strike ends after nine days"
date: 2024-05-02T09:30:00+02:00
tags:
  - transport
  - labour
source: Harbour Gazette
draft: false
...
Crews returned to the ferries on Thursday after the union accepted the offer.
"""


def test_yaml_front_matter_with_lists_and_a_dot_close_is_metadata() -> None:
    from index.corpus.parsing import parse_article
    from index.text.temporal import body_start

    article = parse_article(HUGO, "ferry.md", "md")
    assert article.title == "Ferry strike ends after nine days"
    assert article.source == "Harbour Gazette"
    assert str(article.date) == "2024-05-02"
    body = " ".join(p.text for p in article.paragraphs)
    assert body.startswith("Crews returned") and "transport" not in body
    # the tagger starts where the corpus says prose starts: `date:` is never an event
    assert HUGO[body_start(HUGO) :].startswith("Crews returned")


def test_toml_front_matter_is_read_too() -> None:
    from index.corpus.parsing import parse_article

    text = '+++\ntitle = "Ferry strike ends"\ndate = 2024-05-02\n+++\nCrews returned on Thursday.\n'
    article = parse_article(text, "ferry.md", "md")
    assert article.title == "Ferry strike ends" and str(article.date) == "2024-05-02"
    assert article.paragraphs[0].text == "Crews returned on Thursday."


def test_loose_key_value_front_matter_still_works() -> None:
    # Not valid YAML (a colon in the value), but plainly meant as metadata.
    from index.corpus.frontmatter import parse_front_matter

    fields, end = parse_front_matter(
        "---\ntitle: Budget: the vote\nplace: Nairobi, Kenya\n---\nBody\n"
    )
    assert fields == {"title": "Budget: the vote", "place": "Nairobi, Kenya"}
    assert end == len("---\ntitle: Budget: the vote\nplace: Nairobi, Kenya\n---\n")


@pytest.mark.parametrize(
    "text",
    [
        "--- a dash rule opens this article\nand it goes on.\n",
        "---\nJust a paragraph between rules.\n---\nMore text.\n",
        "---\ntitle: never closed\nbody text\n",
        "---\n- a list\n- not a mapping\n---\nText\n",
    ],
    ids=["rule", "prose-between-rules", "unclosed", "list"],
)
def test_what_is_not_front_matter_is_left_as_text(text: str) -> None:
    from index.corpus.frontmatter import parse_front_matter

    assert parse_front_matter(text) == ({}, 0)


def test_nested_and_aliased_values_are_not_read_as_metadata() -> None:
    from index.corpus.frontmatter import parse_front_matter

    text = "---\ntags: [a, b]\nx: &x [1, 2]\ny: [*x, *x, *x]\nz: {k: v}\n---\nText\n"
    fields, end = parse_front_matter(text)
    assert fields == {"tags": "a, b", "x": "1, 2"}
    assert text[end:] == "Text\n"
