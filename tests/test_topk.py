"""The bulk search path (fastpath/topk.py over fastpath/postings.py) ranks as whoosh scores:
the same passages in the same order with the same scores, and the same totals, on an
index with several segments and deleted documents; and its parts each do what whoosh's
do (phrase positions, a block's pickle read without its values)."""

from __future__ import annotations

import heapq
import pickle
import random
import re
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh import query as wq
from whoosh.analysis import RegexTokenizer
from whoosh.filedb.filestore import RamStorage

from index.backend.whoosh.fastpath.blocks import _ids_and_weights
from index.backend.whoosh.fastpath.compiler import compile_query
from index.backend.whoosh.fastpath.nodes import in_sequence
from index.backend.whoosh.fastpath.postings import PostingsReader
from index.backend.whoosh.fastpath.topk import top_docs
from index.backend.whoosh.searcher import PassageSearcher
from index.engine import Engine
from index.text.words import fold
from tests.conftest import TODAY
from tests.hostile import write_news_corpus

QUERIES = (
    "council",
    "harbour bridge",
    "flood OR storm",
    "mayor -police",
    "mayor NOT police",
    '"harbour bridge"',
    '"council council"',
    '"storm flood river"',
    '"harbour bridge" -court',
    "title:council budget",
    "(flood OR storm) -mayor",
    "councl~ nurses",
    "+school teachers",
    "northport museum",
)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PassageSearcher]:
    """A news corpus indexed, then changed: some articles rewritten, some deleted, some
    added, so the index has several segments and deleted documents."""
    base = tmp_path_factory.mktemp("topk")
    articles = write_news_corpus(base / "articles", count=150)
    engine = Engine(articles, base / "index", today=TODAY)
    engine.open()
    for number in range(0, 150, 7):
        path = articles / f"article_{number:04d}.md"
        path.write_text(path.read_text() + "\nThe council met the harbour police again.\n")
    for number in (3, 40, 41, 99):
        (articles / f"article_{number:04d}.md").unlink()
    write_news_corpus(base / "more", count=12, seed=11)
    for path in (base / "more").iterdir():
        path.rename(articles / f"extra_{path.name}")
    engine.open()
    yield engine._store.searcher()
    engine.close()


def whoosh_scores(passages: PassageSearcher, query: wq.Query) -> dict[int, float]:
    """Every passage the query matches, with whoosh's score, one matcher step at a time
    (whoosh's collectors may skip blocks; stepping sees everything).

    Exclusions are applied here too: whoosh's AndNotMatcher lets a segment's first
    document through when the excluded word's first document comes before it (it only
    compares the two when they start on the same one)."""
    scores = {}
    for leaf, offset in passages._searcher.leaf_searchers():
        matcher = query.matcher(leaf)
        while matcher.is_active():
            scores[offset + matcher.id()] = matcher.score()
            matcher.next()
    dropped = set(passages._article_docs)
    for negative in excluded(query):
        dropped.update(passages._searcher.docs_for_query(negative))
    return {d: s for d, s in scores.items() if d not in dropped}


def excluded(query: wq.Query) -> list[wq.Query]:
    """What the query excludes on the path every match takes."""
    if isinstance(query, wq.AndNot):
        return [query.b, *excluded(query.a)]
    if isinstance(query, wq.AndMaybe):
        return excluded(query.a)
    if isinstance(query, wq.And):  # (RequireAny too)
        return [
            part
            for q in query.subqueries
            for part in ([q.query] if isinstance(q, wq.Not) else excluded(q))
        ]
    return []


def ranked(pairs: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """Best first, ties to the lower document number; scores rounded so that sums
    added in another order (a last-bit difference) still tie."""
    return sorted(((round(s, 9), d) for s, d in pairs), key=lambda p: (-p[0], p[1]))


def test_the_index_has_several_segments_and_deleted_documents(searcher: PassageSearcher) -> None:
    assert len(searcher._searcher.leaf_searchers()) > 1
    assert searcher._searcher.reader().has_deletions()


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("as_you_type", [False, True])
def test_same_ranking_and_total_as_whoosh(
    searcher: PassageSearcher, text: str, as_you_type: bool
) -> None:
    query = searcher._plan(text, as_you_type=as_you_type).query
    expected = whoosh_scores(searcher, query)
    top = top_docs(compile_query(query, searcher._postings), 25)
    assert expected, "the query should match something"
    assert ranked(top.hits) == ranked([(s, d) for d, s in expected.items()])[:25]
    if top.exact_total:
        assert top.total == len(expected)
    else:
        assert 0 < top.total < 4 * len(expected)


def test_scores_of_a_term_are_whoosh_scores_to_the_last_bit(searcher: PassageSearcher) -> None:
    postings = searcher._postings.term("body", "council")
    expected = whoosh_scores(searcher, wq.Term("body", "council"))
    assert dict(zip(postings.ids, postings.scores, strict=True)) == expected


def test_a_date_or_place_filter_restricts_the_candidates(searcher: PassageSearcher) -> None:
    query = searcher._plan("harbour bridge", as_you_type=False).query
    expected = whoosh_scores(searcher, query)
    allow = set(list(expected)[::3])
    top = top_docs(compile_query(query, searcher._postings), 10, allow=allow)
    assert top.total == len(allow)
    assert ranked(top.hits) == ranked([(expected[d], d) for d in allow])[:10]


def test_small_caches_drop_and_read_again_without_changing_results(
    searcher: PassageSearcher,
) -> None:
    tiny = PostingsReader(searcher._searcher, searcher._article_docs, 20_000, 20_000)
    for text in QUERIES:
        query = searcher._plan(text, as_you_type=False).query
        expected = top_docs(compile_query(query, searcher._postings), 10)
        for _ in range(2):  # the second time from what the cache kept
            got = top_docs(compile_query(query, tiny), 10)
            tiny.trim()
            assert ranked(got.hits) == ranked(expected.hits)
    assert tiny._usage.lists <= 20_000 and tiny._usage.positions <= 20_000


def test_engine_totals_are_exact_for_words(searcher: PassageSearcher) -> None:
    result = searcher.search("council OR harbour", 5)
    query = searcher._plan("council OR harbour", as_you_type=False).query
    assert not result.total_is_estimate
    assert result.total == len(whoosh_scores(searcher, query))


# -- a block's ids and weights without its values --------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 128])
@pytest.mark.parametrize("weights", ["none", "one", "each"])
def test_block_ids_and_weights_read_as_the_whole_pickle(count: int, weights: str) -> None:
    rng = random.Random(count)
    ids = tuple(rng.randrange(1, 300) for _ in range(count))
    weight_of = {"none": None, "one": 2.0, "each": tuple(rng.random() for _ in range(count))}
    values = tuple(pickle.dumps([rng.randrange(50)], 2) for _ in range(count))
    raw = pickle.dumps((ids, weight_of[weights], values), 2)
    assert _ids_and_weights(raw, count) == (ids, weight_of[weights])


def test_block_without_positions_is_read_whole() -> None:
    raw = pickle.dumps(((1, 2, 3, 4), 2.0, None), 2)
    assert _ids_and_weights(raw, 4) == ((1, 2, 3, 4), 2.0)


# -- phrase positions, against whoosh itself --------------------------------------------

VOCABULARY = ("a", "b", "c", "d")


@settings(max_examples=60, deadline=None)
@given(
    documents=st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=12), min_size=1, max_size=6),
    phrase=st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3),
    slop=st.integers(min_value=1, max_value=3),
)
def test_in_sequence_matches_whoosh_phrases(
    documents: list[list[str]], phrase: list[str], slop: int
) -> None:
    schema = fields.Schema(text=fields.TEXT(analyzer=RegexTokenizer(), phrase=True))
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        for words in documents:
            writer.add_document(text=" ".join(words))
    with index.searcher() as whoosh_searcher:
        expected = set(whoosh_searcher.docs_for_query(wq.Phrase("text", phrase, slop=slop)))
    got = {
        number
        for number, words in enumerate(documents)
        if all(w in words for w in phrase)
        and in_sequence([[i for i, w in enumerate(words) if w == p] for p in phrase], slop)
    }
    assert got == expected


def test_positions_of_a_phrase_come_from_the_right_block(searcher: PassageSearcher) -> None:
    postings = searcher._postings.term("body", "council")
    decode = searcher._postings.positions_decoder("body")
    for docnum in list(postings.ids)[:: max(1, len(postings.ids) // 50)]:
        matcher = searcher._searcher.postings("body", "council")
        matcher.skip_to(docnum)
        assert decode(postings.value_of(docnum)) == list(matcher.value_as("positions"))
    assert postings.value_of(max(postings.ids) + 1) is None


def test_arrays_hold_the_postings(searcher: PassageSearcher) -> None:
    postings = searcher._postings.term("title", "council")
    assert isinstance(postings.ids, array) and list(postings.ids) == sorted(postings.ids)


def test_prefix_expansion_takes_the_words_in_most_articles(tmp_path: Path) -> None:
    """As-you-type expands a prefix to the corpus words in most articles (counted here
    from the articles themselves, as the index folds them), ties by word."""
    articles = write_news_corpus(tmp_path / "articles", count=30)
    engine = Engine(articles, tmp_path / "index", today=TODAY)
    engine.open()
    counts: Counter[str] = Counter()
    for summary in engine.articles(wait_for_dates=False):
        article = engine.get_article(summary.id)
        text = " ".join([article.title, *(p.text for p in article.paragraphs)])
        counts.update({fold(word) for word in re.findall(r"\w+", text)})
    searcher = engine._store.searcher()
    for prefix in ("co", "h", "st", "zz"):
        expected = heapq.nlargest(64, ((n, w) for w, n in counts.items() if w.startswith(prefix)))
        assert searcher._expander.prefix_words(prefix) == expected
    engine.close()


def test_lists_read_in_part_around_a_rare_word_rank_the_same(
    searcher: PassageSearcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phrase reads its other words only in the blocks where its rarest word occurs
    (when that is a small share of their blocks: here, always)."""
    monkeypatch.setattr("index.backend.whoosh.fastpath.postings.SPARSE_SHARE", 0)
    fresh = PostingsReader(searcher._searcher, searcher._article_docs)
    for text in QUERIES:
        query = searcher._plan(text, as_you_type=False).query
        expected = top_docs(compile_query(query, searcher._postings), 25)
        got = top_docs(compile_query(query, fresh), 25)
        assert ranked(got.hits) == ranked(expected.hits)
        assert (got.total, got.exact_total) == (expected.total, expected.exact_total)


def test_a_list_read_in_part_has_every_posting_asked_for(
    searcher: PassageSearcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.backend.whoosh.fastpath.postings.SPARSE_SHARE", 0)
    whole = searcher._postings.term("body", "harbour")
    within = [*whole.ids[:3], whole.ids[len(whole.ids) // 2]]
    part = PostingsReader(searcher._searcher, searcher._article_docs).term(
        "body", "harbour", within=[*within, max(whole.ids) + 1]
    )
    assert len(part.ids) < len(whole.ids)
    scores = dict(zip(part.ids, part.scores, strict=True))
    assert {d: scores[d] for d in within} == {
        d: s for d, s in zip(whole.ids, whole.scores, strict=True) if d in set(within)
    }
    assert [part.value_of(d) for d in within] == [whole.value_of(d) for d in within]
