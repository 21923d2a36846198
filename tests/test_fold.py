"""`fold` decomposes only the non-ASCII runs of a text: the same as decomposing it all;
`stem` and `folded_words` give exactly the terms the whoosh analyzers index."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import STOP_WORDS

from index.backend.whoosh.analyzers import folding_analyzer, stemming_analyzer
from index.text import words
from index.text.words import ENGLISH_STOP_WORDS, fold, folded_words, stem


def _whole_text_fold(text: str) -> str:
    """The definition: casefold, decompose everything, drop combining marks, then the
    index's character map."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(words.ACCENTS).replace("’", "'")


def test_examples() -> None:
    assert fold("Éloïse") == "eloise"
    assert fold("KÔSSEÀ’s ﬁle") == "kossea's file"
    assert fold("plain ascii") == "plain ascii"
    assert fold("e\u0301 a\u0323\u0302") == "e a"  # marks after an ASCII letter


def test_letters_nfkd_keeps_whole_fold_as_the_index_folds_them() -> None:
    """One fold: a Polish, Nordic or Balkan name folds as its index term does, so that
    filters and names compared with `fold` meet what search finds."""
    for name in ("Łódź", "Søren", "Đorđe", "Ħamrun", "Gdańsk", "Ærø"):
        assert [fold(name)] == folded_words(name), name
    assert fold("Łódź") == "lodz" and fold("Søren") == "soren"


# text mixing ASCII with letters, marks, ligatures and compatibility characters
_MIXED = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),
        st.characters(min_codepoint=0x80, max_codepoint=0x2FFF),
        st.sampled_from("\u0301\u0323\u0302\u0308\u1100\u1161\uac00\ufb01\u2122\u00bd’"),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_run_by_run_equals_the_whole_text(text: str) -> None:
    assert fold(text) == _whole_text_fold(text)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_folded_words_are_the_folding_analyzers_tokens(text: str) -> None:
    expected = sorted({token.text for token in folding_analyzer()(text)})
    assert folded_words(text) == expected


def test_folded_words_on_names() -> None:
    assert folded_words("Éloïse met ÉLOÏSE; Goïta's") == ["eloise", "goita", "met", "s"]


def test_stop_words_are_the_index_s() -> None:
    assert frozenset(STOP_WORDS) == ENGLISH_STOP_WORDS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
def test_stem_is_the_stemming_analyzers_first_term(text: str) -> None:
    terms = [token.text for token in stemming_analyzer()(text)]
    assert stem(text) == (terms[0] if terms else "")


def test_stem_examples() -> None:
    assert stem("Operations") == stem("operation") == "oper"
    assert stem("the") == ""
    assert stem("Éloïse") == "elois"


def test_words_takes_only_the_stemmer_and_the_accent_map_from_whoosh() -> None:
    """The one exception to "only index.backend.whoosh imports whoosh" (pyproject.toml)."""
    source = Path(words.__file__).read_text(encoding="utf-8")
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("whoosh")
    }
    plain = [
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("whoosh")
    ]
    assert imported == {"whoosh.lang.porter", "whoosh.support.charset"} and not plain


def test_a_place_filter_written_without_its_letters_finds_it(tmp_path: Path) -> None:
    """`place:lodz` finds a dateline ŁÓDŹ (NFKD alone left "łodz", and nothing matched)."""
    from index.engine import Engine

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "Mills join the strike\nŁÓDŹ, Poland — Workers at the mills joined the strike.\n",
        encoding="utf-8",
    )
    (folder / "two.txt").write_text(
        "Harbour quiet\nGDAŃSK, Poland — The harbour was quiet as the strike went on.\n",
        encoding="utf-8",
    )
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    for query in ("strike place:lodz", "strike place:Łódź", "strike place:LODZ"):
        assert [hit.article_id for hit in engine.search(query).hits] == ["one"], query
    assert [hit.article_id for hit in engine.search("strike place:gdansk").hits] == ["two"]


def test_thorn_and_sharp_s_are_spelt_out_so_every_spelling_finds_each_other(
    tmp_path: Path,
) -> None:
    """Þórsson, Thórsson and Thorsson are one word in the index (whoosh's own map cut
    Þ to T, so "Thorsson" missed "Þórsson" unless a variant joined them)."""
    from index.engine import Engine

    folder = tmp_path / "articles"
    folder.mkdir()
    stories = (
        ("one", "Minister Þórsson said the fishing quota would stay."),
        ("two", "Thorsson, a trawler owner, called the decision a relief for the fleet."),
        ("three", "Critics of Mr Thórsson gathered outside the harbour office on Friday."),
    )
    for name, story in stories:
        (folder / f"{name}.txt").write_text(f"Quota\nREYKJAVIK — {story}\n", encoding="utf-8")
    (folder / "four.txt").write_text("Streets\nBERLIN — The Straße was closed.\n", "utf-8")
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    for query in ("Thorsson", "Þórsson", "THORSSON"):
        assert {h.article_id for h in engine.search(query).hits} == {"one", "two", "three"}
    assert [h.article_id for h in engine.search("strasse").hits] == ["four"]
