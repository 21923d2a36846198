"""Ranking rules of issue 17, on small corpora written here: the title lifts passages that
match and never stands in for matching; corrections, variants, tokens, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.backend.whoosh.fastpath import switch as fastpath
from index.engine import Engine
from index.evaluation import contains_any, query_forms
from index.models import Passage
from index.search.spelling import same_word
from index.text.variants import similar_spellings, variant_groups
from index.text.words import fold
from tests.conftest import TODAY

FILLER = [
    "The council met on Monday to discuss the budget for the coming year.",
    "Members asked for more time to read the figures before a vote.",
    "A spokesperson said the meeting had been constructive and calm.",
    "Several residents attended and spoke about road repairs in the east.",
    "The next meeting is planned for the end of the month.",
    "Observers noted that turnout had been higher than last time.",
]

LONG = " ".join(FILLER * 2)


def write_article(folder: Path, name: str, title: str, paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    (folder / name).write_text(f"---\ntitle: {title}\n---\n{body}\n", encoding="utf-8")


def open_engine(folder: Path, tmp_path: Path) -> Engine:
    engine = Engine(folder, tmp_path / "index", today=TODAY)
    engine.open()
    return engine


@pytest.fixture
def flooded(tmp_path: Path) -> Engine:
    """Two long articles whose titles name the cooperative, and one article whose
    passages do: three of them write its full three-word name."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(2):
        write_article(
            folder,
            f"title-{number}.md",
            "Northern Grain Cooperative report",
            [f"{line} (part {number}-{index})" for index, line in enumerate(FILLER * 3)],
        )
    write_article(
        folder,
        "story.md",
        "Harvest season",
        [
            # long passages: BM25 weighs each word less in them than in a short title
            "Farmers delivered wheat to the Northern Grain Cooperative on Tuesday. " + LONG,
            FILLER[0],
            "The Northern Grain Cooperative said prices would hold until spring. " + LONG,
            FILLER[1],
            "Critics of the Northern Grain Cooperative want an audit of its books. " + LONG,
            FILLER[2],
        ],
    )
    return open_engine(folder, tmp_path)


def test_a_name_three_passages_contain_ranks_them_first(flooded: Engine) -> None:
    hits = flooded.search("Northern Grain Cooperative").hits
    assert {(h.file, h.paragraph) for h in hits[:3]} == {
        ("story.md", 0),
        ("story.md", 2),
        ("story.md", 4),
    }


def test_a_title_alone_never_fills_the_page(flooded: Engine) -> None:
    """Passages of the titled articles contain no query word: at most each article's
    lead passage comes after the passages that do."""
    result = flooded.search("Northern Grain Cooperative", limit=10)
    forms = query_forms(result.searched, result.variants)
    without = [h for h in result.hits if not contains_any(h.text, forms)]
    assert len(without) <= 2
    assert all(h.paragraph == 0 for h in without)
    assert all(h.rank > 3 for h in without)


def test_the_title_lifts_a_passage_that_matches(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write_article(folder, "a.md", "Bridge closure", ["The bridge reopens in May.", FILLER[0]])
    write_article(folder, "b.md", "Weather", ["The bridge reopens in May.", FILLER[1]])
    engine = open_engine(folder, tmp_path)
    hits = engine.search("bridge").hits
    assert [h.file for h in hits] == ["a.md", "b.md"]


# -- corrections: only a clear misspelling is searched without asking --------------------

ABSENT_NAMES = [
    "Nigeria",
    "Kremlin",
    "Malik",
    "Malawi",
    "Beijing",
    "Niamei",
    "Algeria",
    "Uganda",
    "Liberia",
    "Kano",
    "Macron",
    "Haram",
    "Minusma",
    "Frontex",
    "Interpol",
    "Elysee",
    "Kidal",
    "Wagner",
    "Chadian",
    "Ghana",
    "Tunisia",
    "Libya",
    "Egypt",
    "Sudan",
    "Cameroon",
    "Gabon",
    "Congo",
    "Kenya",
    "Ethiopia",
    "Somalia",
    "Eritrea",
    "Djibouti",
    "Rwanda",
    "Burundi",
    "Tanzania",
    "Zambia",
    "Mozambique",
    "Namibia",
    "Botswana",
    "Lesotho",
    "Madagascar",
    "Mauritania",
    "Gambia",
    "Dakar",
    "Accra",
    "Timbuktu",
    "Agadez",
    "Putin",
    "Erdogan",
    "Tshisekedi",
]


def test_fifty_absent_names_are_never_replaced_automatically(bundled_engine: Engine) -> None:
    assert len(set(ABSENT_NAMES)) == 50
    replaced = {}
    for name in ABSENT_NAMES:
        result = bundled_engine.search(name)
        assert not result.hits or not result.corrected
        if result.corrected:
            replaced[name] = result.searched
    assert replaced == {}


def test_an_unknown_name_gets_no_results_and_a_did_you_mean(bundled_engine: Engine) -> None:
    result = bundled_engine.search("Nigeria")
    assert (result.total, result.corrected, result.suggestion) == (0, False, "niger")
    assert "did you mean: niger?" in result.notes


@pytest.mark.parametrize(
    ("typed", "fix", "same"),
    [
        ("batallion", "battalion", True),
        ("Sadam", "saddam", True),
        ("Husein", "hussein", True),
        ("Fidell", "fidel", True),
        ("Kalashnikoff", "kalashnikov", True),
        ("Schwartzkopf", "schwarzkopf", True),
        ("Nigeria", "niger", False),  # a longer word, not a slip
        ("Kremlin", "remain", False),  # another first letter
        ("Wagner", "warner", False),  # another sound
        ("Chadian", "canadian", False),
        ("Iran", "iraq", False),  # too short to tell
        ("Kano", "kane", False),
        ("jont", "joint", True),  # a missing letter
        ("Malik", "mali", False),
    ],
)
def test_same_word(typed: str, fix: str, same: bool) -> None:
    assert same_word(typed, fix, lambda word: True) is same


def test_a_capitalised_word_is_not_corrected_into_a_common_word() -> None:
    assert same_word("Personel", "personnel", lambda word: False) is False
    assert same_word("personel", "personnel", lambda word: False) is True


# -- tokens ------------------------------------------------------------------------------


@pytest.fixture
def tokens_corpus(tmp_path: Path) -> Engine:
    folder = tmp_path / "articles"
    folder.mkdir()
    write_article(
        folder,
        "figures.md",
        "Trade figures",
        [
            "Exports rose to 2.3 billion dollars in the year.",
            "The index closed at 14.25 points on Friday.",
            "Critics called the deal a form of neo-colonialism in the region.",
            "The joint statement praised the joint force that the joint council formed.",
        ],
    )
    return open_engine(folder, tmp_path)


def test_a_hyphenated_word_is_found_written_solid(tokens_corpus: Engine) -> None:
    (hit,) = tokens_corpus.search("neocolonialism").hits
    marked = [hit.text[s.start : s.end] for s in hit.text_highlights]
    assert marked == ["neo-colonialism"]
    assert [h.paragraph for h in tokens_corpus.search("neo-colonialism").hits] == [2]


def test_a_decimal_number_is_one_token(tokens_corpus: Engine) -> None:
    assert [h.paragraph for h in tokens_corpus.search("2.3").hits] == [0]
    assert [h.paragraph for h in tokens_corpus.search("14.25").hits] == [1]
    assert tokens_corpus.search("25.14").hits == ()
    assert tokens_corpus.search("3").hits == ()


def test_a_phrase_is_marked_only_where_it_occurs(tokens_corpus: Engine) -> None:
    (hit,) = tokens_corpus.search('"joint force"').hits
    marked = [(s.start, hit.text[s.start : s.end]) for s in hit.text_highlights]
    start = hit.text.index("joint force")
    assert marked == [(start, "joint"), (start + 6, "force")]


# -- name variants -----------------------------------------------------------------------


def test_transliterations_and_first_names_are_joined() -> None:
    pairs = [
        ("Mikhail", "Khodorkovsky"),
        ("Tycoon", "Hodorkovsky"),
        ("Novak", "Djokovic"),
        ("Coach", "Jokovic"),
        ("President", "Ivanov"),
        ("Mr", "Ivanoff"),
        ("Mr", "Þórsson"),
        ("Mr", "Thórsson"),
        ("Ali", "Oumarou"),
        ("Mr", "Umarou"),
        ("Mohammed", "Morsi"),
        ("Muhammad", "Morsi"),
        ("Aleksandr", "Lukashenko"),
        ("Alexander", "Lukashenko"),
    ]
    groups = set(variant_groups(pairs))
    # Þ is spelt Th by the fold itself: one word, no variant needed
    assert fold("Þórsson") == fold("Thórsson") == "thorsson"
    assert not any("thorsson" in group for group in groups)
    for group in [
        {"khodorkovsky", "hodorkovsky"},
        {"djokovic", "jokovic"},
        {"ivanov", "ivanoff"},
        {"oumarou", "umarou"},
        {"mohammed", "muhammad"},
        {"aleksandr", "alexander"},
    ]:
        assert frozenset(group) in groups


def test_possessives_and_longer_words_are_not_variants() -> None:
    pairs = [("The", "Africa's"), ("The", "African"), ("West", "Africa’s"), ("West", "African")]
    pairs += [("Conoco", "Inc"), ("Conseco", "Inc"), ("Unisys", "Inc"), ("Savin", "Inc")]
    pairs += [("Sahel", "Republic"), ("Sahel", "Republican")]
    assert variant_groups(pairs) == []
    assert not similar_spellings("africa", "african")


def test_a_variant_found_by_transliteration_is_searched(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    write_article(folder, "a.md", "Trial", ["The court heard Mikhail Khodorkovsky on Monday."])
    write_article(folder, "b.md", "Appeal", ["Lawyers for Hodorkovsky filed an appeal."])
    engine = open_engine(folder, tmp_path)
    result = engine.search("Hodorkovsky")
    assert {h.file for h in result.hits} == {"a.md", "b.md"}
    assert any("khodorkovsky" in spellings for _, spellings in result.variants)


# -- duplicates --------------------------------------------------------------------------

STORY = (
    "The regional bank raised its main interest rate by half a point on Thursday, "
    "citing inflation that has stayed above its target for a year."
)


@pytest.fixture
def syndicated(tmp_path: Path) -> Path:
    """One wire story in three papers (with small edits), and another story."""
    folder = tmp_path / "articles"
    folder.mkdir()
    copies = [
        STORY,
        STORY.replace("Thursday", "Thursday morning"),
        STORY.replace("a year", "a full year").replace("  ", " "),
    ]
    for number, text in enumerate(copies):
        write_article(
            folder, f"paper-{number}.md", f"Rates, paper {number}", [text, FILLER[number]]
        )
    write_article(
        folder,
        "analysis.md",
        "Analysis",
        ["Economists said the interest rate rise was expected after months of inflation."],
    )
    return folder


def test_syndicated_copies_are_one_hit(syndicated: Path, tmp_path: Path) -> None:
    result = open_engine(syndicated, tmp_path).search("interest rate inflation")
    files = [h.file for h in result.hits]
    assert len(files) == 2 and "analysis.md" in files
    (story,) = [h for h in result.hits if h.also_in]
    assert {c.file for c in story.also_in} | {story.file} == {
        "paper-0.md",
        "paper-1.md",
        "paper-2.md",
    }
    assert story.also_in_note == "also in 2 other sources"


def test_the_cli_json_lists_the_copies(syndicated: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    index_dir = str(tmp_path / "cli-index")
    command = [sys.executable, "-m", "tui.cli", "--articles", str(syndicated)]
    command += ["--index-dir", index_dir, "search", "interest rate", "--json"]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
    )
    hits = json.loads(run.stdout)["hits"]
    copies = [c for hit in hits for c in hit["also_in"]]
    assert len(copies) == 2
    assert {"article", "file", "folder", "paragraph", "source"} == set(copies[0])


async def test_the_results_list_says_where_else_a_passage_appears(
    syndicated: Path, tmp_path: Path
) -> None:
    from tests.app_fixtures import make_app, screen_text, type_query, wait_ready

    app = make_app(tmp_path, syndicated)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        await type_query(pilot, "interest rate")
        assert "also in 2 other sources" in screen_text(app)


# -- sources -----------------------------------------------------------------------------


def test_a_source_name_finds_its_articles_once_each(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(5):
        (folder / f"wire-{number}.md").write_text(
            f"---\ntitle: Report {number}\nsource: Lakeside Courier\n---\n"
            + "\n\n".join(FILLER)
            + "\n",
            encoding="utf-8",
        )
    write_article(folder, "other.md", "Letters", ["A reader wrote to the Lakeside Courier."])
    engine = open_engine(folder, tmp_path)
    hits = engine.search("Lakeside Courier").hits
    leads = [h for h in hits if h.source == "Lakeside Courier"]
    assert len(leads) == 3 and all(h.paragraph == 0 for h in leads)
    assert [h.rank for h in leads] == [1, 2, 3]
    assert "other.md" in [h.file for h in hits]


@pytest.mark.parametrize(
    "query", ["summit -Tuesday", "summit NOT Tuesday", "(deal OR port) -wages"]
)
def test_an_exclusion_ranks_alike_with_and_without_the_fast_path(
    bundled_engine: Engine, fixture_engine: Engine, query: str
) -> None:
    """index/search/planner.py: an excluded word only takes passages out, before ranking,
    so whoosh ranks the rest as the fast path does (whoosh's own AndNot let a passage
    with the excluded word through, ranked first)."""
    for engine in (bundled_engine, fixture_engine):
        fast = engine.search(query)
        fastpath.set_enabled(False)
        try:
            slow = engine.search(query)
        finally:
            fastpath.set_enabled(None)
        assert [(h.article_id, h.paragraph) for h in fast.hits] == [
            (h.article_id, h.paragraph) for h in slow.hits
        ]
        assert fast.total == slow.total
        for hit in fast.hits:
            assert "tuesday" not in hit.text.lower() and "wages" not in hit.text.lower()


NAME_STORIES = {
    "lyon.txt": "Vaccine maker grows\nThe vaccine maker, based in Lyon, France, grew.\n",
    "orkem.txt": "Chemical bid\nOrkem, France's third-largest chemical group, made a bid.\n",
    "bonds.txt": "Bond prices\nThe bonds were priced at 500 francs each, up from 450 francs.\n",
    "franc.txt": "Currency\nThe franc fell against the mark as traders sold francs.\n",
    "ops.txt": "Plant news\nThe company said its operations in the north were sold.\n",
    "ops2.txt": "Operations review\nOperations at the plant resumed; operation costs fell.\n",
}


@pytest.fixture(scope="module")
def names_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    base = tmp_path_factory.mktemp("names")
    for name, text in NAME_STORIES.items():
        (base / "articles").mkdir(exist_ok=True)
        (base / "articles" / name).write_text(text, encoding="utf-8")
    engine = Engine(base / "articles", base / "index", today=TODAY)
    engine.open()
    return engine


def test_a_name_is_not_matched_through_a_common_word_with_its_stem(names_engine: Engine) -> None:
    """ "France" and "francs" share the Porter stem "franc": the name finds France only."""
    found = {hit.file for hit in names_engine.search("France").hits}
    assert found == {"lyon.txt", "orkem.txt"}
    assert names_engine.search("France").total == 2
    # lowercase is a word, not a name: the stem decides, as before
    assert {"bonds.txt", "franc.txt"} <= {hit.file for hit in names_engine.search("francs").hits}
    assert {hit.file for hit in names_engine.search("Orkem France").hits} == {"orkem.txt"}


def test_a_capitalised_common_word_still_matches_by_its_stem(names_engine: Engine) -> None:
    """ "Operations" typed capitalised is no name: the articles write it lowercase."""
    found = {hit.file for hit in names_engine.search("Operations").hits}
    assert found == {"ops.txt", "ops2.txt"}


# -- a passage is shown once: as a hit or as another hit's copy, never both ---------------


def _shown_twice(hits: tuple[Passage, ...]) -> list[tuple[str, int]]:
    """Passages (file, paragraph) a page shows more than once, hits and copies together."""
    shown = [(h.file, h.paragraph) for h in hits]
    shown += [(c.file, c.paragraph) for h in hits for c in h.also_in]
    return sorted({p for p in shown if shown.count(p) > 1})


@pytest.fixture
def syndicated_titles(tmp_path: Path) -> Engine:
    """A wire story as the lead passage of three papers of one source, each titled with
    the story's subject, so that the copies' articles match by their title too; and a
    paper of another source."""
    folder = tmp_path / "articles"
    folder.mkdir()
    copies = [
        STORY,
        STORY.replace("Thursday", "Thursday morning"),
        STORY.replace("a year", "a full year"),
    ]
    for number, text in enumerate(copies):
        (folder / f"paper-{number}.md").write_text(
            f"---\ntitle: Interest rate rise, edition {number}\nsource: Coast Daily\n---\n"
            + "\n\n".join([text, *FILLER[:3]])
            + "\n",
            encoding="utf-8",
        )
    (folder / "other.md").write_text(
        "---\ntitle: Markets\nsource: Valley Times\n---\n"
        "Traders expect another interest rate rise before the summer.\n",
        encoding="utf-8",
    )
    return open_engine(folder, tmp_path)


@pytest.mark.parametrize(
    "query",
    ["interest rate", 'interest rate source:"coast daily"', "inflation source:coast"],
)
def test_a_copy_is_never_also_a_hit(syndicated_titles: Engine, query: str) -> None:
    """The copies' articles match by their title, and the title leads (articles found by
    their title alone, once each) must not bring a copy back as a hit of its own."""
    result = syndicated_titles.search(query)
    assert any(h.also_in for h in result.hits), [h.file for h in result.hits]
    assert _shown_twice(result.hits) == []
    as_typed = syndicated_titles.search(query, as_you_type=True)
    assert _shown_twice(as_typed.hits) == []
