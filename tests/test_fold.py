"""`fold` decomposes only the non-ASCII runs of a text: the same as decomposing it all."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.analysis import folded_words, folding_analyzer
from index.timeline.anchors import fold


def _whole_text_fold(text: str) -> str:
    """The definition: casefold, decompose everything, drop combining marks."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def test_examples() -> None:
    assert fold("Éloïse") == "eloise"
    assert fold("KÔSSEÀ’s ﬁle") == "kossea's file"
    assert fold("plain ascii") == "plain ascii"
    assert fold("e\u0301 a\u0323\u0302") == "e a"  # marks after an ASCII letter


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
