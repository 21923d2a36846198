"""The timeline build streams the corpus and keeps its caches bounded, without
changing what it builds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import index.timeline.merge as merge_module
import index.timeline.stories as stories_module
from index.corpus.articles import load_folder
from index.engine import Engine
from index.models import Article, Timeline
from index.text.temporal import RawExpr, extract_raw
from index.timeline.build import build_timeline, build_timeline_from
from index.timeline.events import UNIT_ORDER, Candidates, EventOrder
from index.timeline.stories import Profiles, profile
from tests.conftest import FIXTURE_CORPUS, TODAY

D = dt.date


class _Text(str):
    """Article text that can be watched with a weak reference (a plain str cannot)."""

    __slots__ = ("__weakref__",)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """Enough articles for the large-corpus rules (capped fuzzy matching, term postings)."""
    from bench.generate import generate

    folder = generate(300, tmp_path_factory.mktemp("generated") / "corpus")
    return load_folder(folder).articles


def _raw(articles: Sequence[Article]) -> dict[str, list[RawExpr]]:
    return {a.id: extract_raw(a.text) for a in articles}


def test_articles_are_let_go_as_soon_as_they_are_read(generated: list[Article]) -> None:
    """An article that dates itself is not held once the next one is read; one that does
    not is held (its text, to borrow a date) only until borrowing is done."""
    articles = generated[:120]
    raw = _raw(articles)
    watched: list[tuple[weakref.ref[_Text], bool]] = []

    def stream() -> Iterator[tuple[Article, list[RawExpr]]]:
        for article in articles:
            # every article read before the last one (still the reading loop's current
            # article) that dates itself is gone
            lingering = [dated for ref, dated in watched[:-1] if dated and ref() is not None]
            assert not lingering
            text = _Text(article.text)
            watched.append((weakref.ref(text), article.date is not None))
            yield dataclasses.replace(article, text=text), raw[article.id]

    streamed = build_timeline_from(stream(), TODAY)
    assert all(ref() is None for ref, _ in watched)  # nothing kept once built
    assert sum(dated for _, dated in watched) > 20  # the check above did check something
    assert streamed == build_timeline(articles, raw, TODAY)


def test_bounded_caches_build_the_same_timeline(
    generated: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same-story answers and comparable profiles are kept only for a while: asking
    again or remaking one never changes the result."""
    raw = _raw(generated)
    roomy = build_timeline(generated, raw, TODAY)
    monkeypatch.setattr(merge_module, "SIMILARITY_KEPT", 3)
    monkeypatch.setattr(stories_module, "PROFILES_KEPT", 2)
    tight = build_timeline(generated, raw, TODAY)
    assert tight == roomy
    assert len(roomy.events) > 1000
    assert any(len({s.article_id for s in e.sources}) > 1 for e in roomy.events)


def test_profiles_made_on_demand_are_the_articles_profiles(generated: list[Article]) -> None:
    profiles = Profiles(generated[:50])
    for i, article in enumerate(generated[:50]):
        made, direct = profiles.at(i), profile(article)
        assert (made.article_id, made.place, made.names, made.terms) == (
            direct.article_id,
            direct.place,
            direct.names,
            direct.terms,
        )
        assert sorted(made.long_names) == sorted(n for n in made.names if len(n) >= 5)
        assert profiles.names(i) and set(profiles.names(i)) == made.names


_KEYS = st.tuples(
    st.one_of(st.none(), st.tuples(st.dates(), st.one_of(st.none(), st.integers(0, 4000)))),
    st.integers(0, 2),  # direction order
    st.integers(0, len(UNIT_ORDER) - 1),  # unit order
    st.booleans(),  # explicit
    st.integers(0, 5),  # article
    st.integers(0, 10**6),  # start
)


@given(st.lists(_KEYS, max_size=40))
def test_order_numbers_compare_as_the_order_tuples(keys: list[tuple]) -> None:
    """`EventOrder.key` is the tuple the events were sorted by, as one number."""
    ids = ["b", "a/x", "a", "é", "B", "a"]  # ranked by Python's string order; one twice
    c = Candidates()
    expected, numbers = [], []
    order = EventOrder(ids, max((k[5] for k in keys), default=0))
    for rep, (dates, direction, unit, explicit, article, start) in enumerate(keys):
        c.article.append(article)
        c.start.append(start)
        c.explicit.append(explicit)
        c.direction.append(direction)
        c.unit.append(unit)
        if dates is None:
            first = last = None
            expected.append((1, D.max, direction, unit, not explicit, ids[article], start))
        else:
            first, days = dates  # an open span when days is None
            last = (
                None
                if days is None
                else D.fromordinal(min(D.max.toordinal(), first.toordinal() + days))
            )
            span = ((last or D.max) - first).days
            expected.append((0, first, 0, -span, not explicit, ids[article], start))
        numbers.append(order.key(first, last, c, rep))
    by_tuple = sorted(range(len(keys)), key=expected.__getitem__)
    by_number = sorted(range(len(keys)), key=numbers.__getitem__)
    assert by_number == by_tuple


def test_engine_reads_the_articles_one_by_one(tmp_path: Path) -> None:
    engine = Engine(FIXTURE_CORPUS, tmp_path / "index", today=TODAY)
    engine.open()
    articles = engine._store.articles_for_timeline()
    assert iter(articles) is articles  # an iterator, not a list of every article
    timeline: Timeline = engine.timeline()
    assert {a.article_id for a in timeline.anchors} == {
        r.id for r in engine._store.manifest_records()
    }
    assert timeline.events
