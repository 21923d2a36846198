"""Any input is text or is dropped, never a crash: lone surrogates (from undecodable
bytes or a broken paste) in the query box, through the engine, and from the terminal."""

from __future__ import annotations

import codecs
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from index.engine import Engine
from index.search.querylang import well_formed
from tests.app_fixtures import main_screen, make_app, settle, wait_ready
from tui.app.app import tolerate_undecodable_input

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
QUERY_CHARS = SURROGATES | st.sampled_from([*'abc summit  *~"():-', "Ï", "🦦"])
SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
    derandomize=True,
)


def test_well_formed_drops_lone_surrogates_and_joins_pairs() -> None:
    assert well_formed("sum\udcffmit") == "summit"
    assert well_formed("\ud83e\udda6 otter") == "🦦 otter"  # a pair is a character
    assert well_formed("plain Ïtext") == "plain Ïtext"


@SETTINGS
@given(query=st.text(alphabet=QUERY_CHARS, max_size=30))
def test_any_query_with_surrogates_is_answered(bundled_engine: Engine, query: str) -> None:
    for as_you_type in (False, True):
        result = bundled_engine.search(query, 5, as_you_type=as_you_type)
        result.query.encode("utf-8")  # what is shown or printed can be encoded
        result.searched.encode("utf-8")
        for hit in result.hits:
            hit.snippet.encode("utf-8")


def test_a_lone_surrogate_with_a_wildcard_searches() -> None:
    # "\udcff*" raised UnicodeEncodeError in the prefix expansion
    engine_query = well_formed("\udcff*")
    assert engine_query == "*"


async def test_typing_and_pasting_lone_surrogates_keeps_the_app(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        box = main_screen(pilot).search_pane.query_input
        box.focus()
        await pilot.pause()
        box.post_message(events.Paste("sum\udcffmit\ud800"))
        await pilot.pause()
        box.post_message(events.Key("\udcff", "\udcff"))
        await pilot.pause(0.3)
        await settle(pilot)
        assert box.value == "summit"
        assert app.is_running
        results = main_screen(pilot).search_pane.results
        assert results.hits, "the query without its surrogates is searched"
        box.value = "x\udfff"  # set directly (history, palette): also cleaned
        assert box.value == "x"


def test_undecodable_terminal_bytes_become_replacement_characters() -> None:
    from textual.drivers import linux_driver

    original = linux_driver.getincrementaldecoder
    try:
        tolerate_undecodable_input()
        decode = linux_driver.getincrementaldecoder("utf-8")().decode
        assert decode(b"a\xffb", final=False) == "a\ufffdb"
        assert decode(b"\xed\xa0\x80", final=True) == "\ufffd" * 3  # an encoded surrogate
    finally:
        linux_driver.getincrementaldecoder = original
    assert original is codecs.getincrementaldecoder
