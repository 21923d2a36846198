"""Search as a reader means it: folding, stemming, variants, typos, filters, snippets."""

from __future__ import annotations

import pytest

from index.engine import Engine
from index.search.querylang import prepare_query
from index.text.variants import similar_spellings, variant_groups


def _articles(result) -> set[str]:
    return {hit.article_id[:3] for hit in result.hits}


def test_joint_battalion_ranks_the_headline_story_first(bundled_engine: Engine) -> None:
    result = bundled_engine.search("joint battalion")
    top = result.hits[0]
    assert top.article_id.startswith("000_") and top.paragraph == 0
    assert top.title.startswith("Mali, Burkina Faso and Niger call for joint")
    assert top.text[top.text_highlights[0].start : top.text_highlights[0].end].lower() in {
        "joint",
        "battalion",
    }
    for span in top.highlights:
        assert top.snippet[span.start : span.end].lower() in {"joint", "battalion"}


def test_accents_and_case_fold(bundled_engine: Engine) -> None:
    result = bundled_engine.search("goita", limit=50)
    assert _articles(result) == {"003", "004"}
    assert "Goïta" in result.hits[0].matched_terms


def test_english_stemming(bundled_engine: Engine) -> None:
    hits = bundled_engine.search("operation").hits
    assert any("operations" in hit.matched_terms for hit in hits)


@pytest.mark.parametrize("query", ["tiani", "Tchiani", "al qaeda", '"al qaida"', "al-Qaeda"])
def test_name_variants_find_every_spelling(bundled_engine: Engine, query: str) -> None:
    result = bundled_engine.search(query, limit=50)
    expected = {"000", "003", "004"} if "ani" in query.lower() else {"000", "003"}
    assert _articles(result) == expected
    assert result.variants, "the result says which variants were searched"
    assert any("also searched" in note for note in result.notes)


def test_variants_are_discovered_in_any_corpus(fixture_engine: Engine) -> None:
    result = fixture_engine.search("Wanjiku", limit=20)
    assert {hit.article_id for hit in result.hits} == {"harbour-strike", "harbour-followup"}
    matched = {term for hit in result.hits for term in hit.matched_terms}
    assert {"Wanjiru", "Wanjiku"} <= matched


def test_variant_rule_needs_a_shared_preceding_word_and_a_small_edit() -> None:
    groups = variant_groups(
        [
            ("Amina", "Wanjiru"),
            ("Amina", "Wanjiku"),
            ("Port", "Mombasa"),
            ("The", "Niger"),
            ("The", "Nigeria"),
            ("Muammar", "Gaddafi"),
            ("Muammar", "Qaddafi"),
        ]
    )
    assert frozenset({"wanjiru", "wanjiku"}) in groups
    assert frozenset({"gaddafi", "qaddafi"}) in groups
    assert not any("niger" in g for g in groups)
    assert not similar_spellings("mali", "bali")  # too short to guess


def test_typo_is_corrected_and_said(bundled_engine: Engine) -> None:
    result = bundled_engine.search("batallion")
    assert result.corrected and result.searched == "battalion"
    assert any('searched "battalion" instead' in note for note in result.notes)
    assert result.hits[0].article_id.startswith("000_")


def test_did_you_mean_when_other_words_still_match(fixture_engine: Engine) -> None:
    result = fixture_engine.search("dockworkrs OR mirrors")
    assert result.hits and not result.corrected
    assert result.suggestion == "dockworkers OR mirrors"


def test_accentless_spelling_finds_the_accented_name(bundled_engine: Engine) -> None:
    result = bundled_engine.search("Traore")
    assert result.hits and "Traoré" in result.hits[0].matched_terms


def test_date_range_filter_uses_inferred_dates(bundled_engine: Engine) -> None:
    result = bundled_engine.search("date:[2025-12-20 to 2025-12-31] Traoré", limit=50)
    assert _articles(result) == {"000", "003", "004"}
    assert not bundled_engine.search("date:2024 Traoré").hits


def test_date_filter_uses_front_matter_dates(fixture_engine: Engine) -> None:
    assert {h.article_id for h in fixture_engine.search("date:2024-11 solar").hits} == {
        "web/solar-plant"
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:backlog", {"harbour-followup"}),
        ("source:coast containers", {"harbour-followup"}),
        ("file:harbour-strike containers", {"harbour-strike"}),
        ("place:morocco", {"web/solar-plant"}),
        ('"molten salt"', {"web/solar-plant"}),
        ("strike NOT wages", {"harbour-strike", "harbour-followup"}),
        ("anthrax OR mirrors", {"nested/deep/drought-briefing", "web/solar-plant"}),
        ("transhum*", {"nested/deep/drought-briefing"}),
        ("borehol~", {"nested/deep/drought-briefing"}),
    ],
)
def test_query_language(fixture_engine: Engine, query: str, expected: set[str]) -> None:
    result = fixture_engine.search(query, limit=50)
    assert {hit.article_id for hit in result.hits} == expected, result.notes
    assert result.error is None


def test_exclusion_with_minus(fixture_engine: Engine) -> None:
    with_wages = {
        h.paragraph
        for h in fixture_engine.search("deal OR port").hits
        if h.article_id == "harbour-strike"
    }
    without = {
        h.paragraph
        for h in fixture_engine.search("(deal OR port) -wages").hits
        if h.article_id == "harbour-strike"
    }
    assert 2 in with_wages  # the paragraph about wages
    assert without == with_wages - {2}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced quote', "unbalanced quote"),
        ("(port strike", "parentheses"),
        ("NOT", "needs a word"),
        ("port NOT", "needs a word"),
        ("author:someone port", "unknown field"),
        ("date:[2024-01 to", "missing ]"),
        ("date:yesterday port", "could not read the date"),
        ("port [strike]", "brackets"),
    ],
)
def test_malformed_queries_get_a_message_and_a_best_effort_result(
    fixture_engine: Engine, query: str, message: str
) -> None:
    result = fixture_engine.search(query)
    assert result.error and message in result.error
    if "port" in query.replace("[", " "):
        assert result.hits, "the rest of the query still searches"


def test_as_you_type_treats_the_last_word_as_a_prefix(bundled_engine: Engine) -> None:
    result = bundled_engine.search("joint batt", as_you_type=True)
    assert result.hits[0].article_id.startswith("000_")
    # after Enter too: an unfinished last word is no typo (index/search/fallback.py)
    assert bundled_engine.search("joint batt").hits[0].article_id.startswith("000_")


def test_group_by_article_keeps_the_best_passage_of_each(bundled_engine: Engine) -> None:
    result = bundled_engine.search("summit", group_by_article=True)
    ids = [hit.article_id for hit in result.hits]
    assert len(ids) == len(set(ids)) == 3


def test_more_like_this_returns_other_sources(bundled_engine: Engine) -> None:
    result = bundled_engine.similar("000", paragraph=3)
    assert result.hits
    assert all(not hit.article_id.startswith("000_") for hit in result.hits)
    assert any("battalion" in hit.text for hit in result.hits)


def test_long_passages_get_a_window_around_the_match(fixture_engine: Engine) -> None:
    hit = fixture_engine.search("transhumance").hits[0]
    assert "transhumance" in hit.snippet
    assert "\n" not in hit.snippet


def test_prepare_query_maps_aliases_and_reads_dates() -> None:
    prepared = prepare_query("file:x date:2024-06 word")
    assert prepared.text == "source:x word"
    assert prepared.date_range is not None
    assert (
        str(prepared.date_range.first) == "2024-06-01"
        and str(prepared.date_range.last) == "2024-06-30"
    )
    assert prepared.plain_words == ["word"]


def test_a_prefix_in_a_field_stays_in_that_field(fixture_engine: Engine) -> None:
    assert fixture_engine.search("conta*").total > 0, "container(s) is in the body"
    assert fixture_engine.search("title:conta*").total == 0
    titled = fixture_engine.search("title:backl*", limit=50)
    assert {hit.article_id for hit in titled.hits} == {"harbour-followup"}
