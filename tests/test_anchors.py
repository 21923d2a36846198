"""Article dates: front matter, own weekday/day-month clue, borrowed from the story, unknown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.corpus.articles import load_folder
from index.corpus.parsing import parse_article
from index.models import Article
from index.text.temporal import extract_raw
from index.timeline.clues import clues_of, date_from_file, pin_year
from index.timeline.finder import infer_anchors

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
SUMMIT_CLOSE = dt.date(2025, 12, 23)


def _anchors(articles: list[Article], today: dt.date = TODAY) -> dict:
    return infer_anchors(articles, {a.id: extract_raw(a.text) for a in articles}, today)


@pytest.fixture(scope="module")
def bundled() -> list[Article]:
    return load_folder(ROOT / "articles").articles


def test_bundled_articles_all_anchor_on_the_summit_close(bundled: list[Article]) -> None:
    anchors = _anchors(bundled)
    assert {a.id: anchors[a.id].date for a in bundled} == {a.id: SUMMIT_CLOSE for a in bundled}
    for anchor in anchors.values():
        assert anchor.date_source == "inferred"
        assert 0 < anchor.confidence < 1
        assert anchor.borrowed_from is not None and anchor.borrowed_from != anchor.article_id


def test_bundled_evidence_names_both_halves_and_the_lender(bundled: list[Article]) -> None:
    anchors = _anchors(bundled)
    by_stem = {a.id[:3]: a for a in bundled}
    a000, a003 = anchors[by_stem["000"].id], anchors[by_stem["003"].id]
    # 000 says "Tuesday" only: the day-month comes from 003.
    assert a000.borrowed_from == by_stem["003"].id
    assert '"Tuesday"' in a000.evidence and '"23 December"' in a000.evidence
    assert f"from {by_stem['003'].file}" in a000.evidence and "2025-12-23" in a000.evidence
    # 003 says "23 December" only: the weekday comes from a report saying "Tuesday".
    assert a003.borrowed_from in {by_stem["000"].id, by_stem["004"].id}
    assert '"Tuesday" (from ' in a003.evidence
    # "Formed in 2023" bounds the year from below: 2025 is the only fit up to today
    assert "the only such year from 2023" in a003.evidence
    assert anchors[by_stem["004"].id].borrowed_from == by_stem["003"].id


def test_pin_year_decides_only_when_one_year_fits() -> None:
    # From 2023 (treated as past) to today only 2025 has a Tuesday 23 December.
    assert pin_year(1, 12, 23, TODAY, 2023)[0] == SUMMIT_CLOSE
    # Without a bound, 2025, 2014, 2008, ... all fit: no guess.
    assert pin_year(1, 12, 23, TODAY, None) == (None, "")
    # A year written in the article picks among the fitting ones.
    assert pin_year(1, 12, 23, TODAY, None, frozenset({2014, 2019}))[0] == dt.date(2014, 12, 23)
    # Two written years that both fit decide nothing.
    assert pin_year(1, 12, 23, TODAY, None, frozenset({2014, 2025}))[0] is None


@pytest.mark.parametrize(
    ("file", "want"),
    [
        ("2025-12-23-summit.txt", dt.date(2025, 12, 23)),
        ("report_20240117.txt", dt.date(2024, 1, 17)),
        ("AP900815-0044.txt", dt.date(1990, 8, 15)),
        ("ea980120.1830.0071.txt", dt.date(1998, 1, 20)),
        ("wsj_0745.txt", None),
        ("notes-2031-01-01.txt", None),  # after today: not a publication date
        ("item-20251345.txt", None),  # no 13th month
    ],
)
def test_date_from_file_name(file: str, want: dt.date | None) -> None:
    got = date_from_file(file, TODAY)
    assert (got[0] if got else None) == want


def test_file_name_date_dates_the_article() -> None:
    article = parse_article("Title\nShips were held on Tuesday.\n", "2024-03-05-port.txt")
    anchor = _anchors([article])[article.id]
    assert anchor.date == dt.date(2024, 3, 5) and "file name" in anchor.evidence


def test_dateline_date_dates_the_article() -> None:
    article = parse_article(
        "Court\nHALVERSTON, June 10, 2025 — A court ruled on Monday.\n", "court.txt"
    )
    anchor = _anchors([article])[article.id]
    assert anchor.date == dt.date(2025, 6, 10) and "dateline" in anchor.evidence


def test_future_weekday_and_date_are_not_the_publication_day() -> None:
    article = parse_article(
        "Vote\nResidents will vote, and the vote will be held on Sunday, 9 November.\n"
        "A similar vote in 2014 was cancelled.\n",
        "vote.txt",
    )
    anchor = _anchors([article])[article.id]
    assert anchor.date is None and anchor.date_source == "unknown"


def test_front_matter_wins_over_text_clues() -> None:
    text = (
        "---\ndate: 2024-06-14\nsource: Test\n---\nHeadline\nOn Tuesday, 23 December leaders met.\n"
    )
    article = parse_article(text, "dated.md", "md")
    anchor = _anchors([article])[article.id]
    assert (anchor.date, anchor.date_source, anchor.confidence) == (
        dt.date(2024, 6, 14),
        "front_matter",
        1.0,
    )
    assert anchor.borrowed_from is None


def test_own_weekday_and_day_month_pin_the_year() -> None:
    article = parse_article(
        "Vote held\nThe council voted on Thursday. The vote, held on 6 March, passed."
        " It was the first vote since 2024.\n",
        "vote.txt",
    )
    anchor = _anchors([article])[article.id]
    assert anchor.date == dt.date(2025, 3, 6)
    assert anchor.borrowed_from is None and '"Thursday"' in anchor.evidence


def test_weekday_written_with_its_date() -> None:
    article = parse_article(
        "Title\nLeaders met on Tuesday, 23 December, in the capital, formed in 2023.\n", "x.txt"
    )
    assert _anchors([article])[article.id].date == SUMMIT_CLOSE
    alone = parse_article("Title\nLeaders met on Tuesday, 23 December.\n", "y.txt")
    assert _anchors([alone])[alone.id].date is None  # 2025? 2014? 2008? unknown


def test_no_clue_and_no_similar_article_is_unknown() -> None:
    lone = parse_article(
        "Library hours\nThe library will stay open later on weekdays.\n", "lib.txt"
    )
    other = parse_article("Vote held\nThe council voted on Thursday, 6 March.\n", "vote.txt")
    anchors = _anchors([lone, other])
    assert anchors[lone.id].date is None and anchors[lone.id].date_source == "unknown"
    assert anchors[lone.id].borrowed_from is None


def test_fixture_follow_up_borrows_the_dated_report() -> None:
    articles = load_folder(ROOT / "tests" / "fixtures" / "timeline").articles
    anchors = _anchors(articles)
    drivers = anchors["harbour_bridge_drivers"]
    assert drivers.date == dt.date(2024, 6, 14)
    assert drivers.borrowed_from == "harbour_bridge" and drivers.confidence < 1
    assert "harbour_bridge.md" in drivers.evidence and '"Friday"' in drivers.evidence
    assert anchors["library_hours"].date_source == "unknown"
    assert anchors["festival"].date_source == "front_matter"


def test_clues_ignore_future_weekdays_and_keep_past_years() -> None:
    clues = clues_of(extract_raw("Formed in 2023, it meets next Friday and since 2012 on 5 May."))
    assert clues.weekdays == () and clues.past_year == 2023
    assert [d.text for d in clues.day_months] == ["5 May"]
