"""`PassageSearcher`: one whoosh index generation searched as the engine asks
(index/backend/base.py PassageSearch).

The pipeline: the query language (index/search/querylang.py) prepares the text; whoosh's
parser makes the tree, which expansion.py turns into real terms and name variants and
queries.py rewrites by the planner's rules (index/search/planner.py: exclusions apart,
title as a lift, adjacency); ranking.py ranks it (fast path or whoosh); results.py makes
the page (copies grouped, snippets); spelling.py proposes or searches a correction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import cached_property
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.index import Index
from whoosh.searching import Searcher

from index.backend.whoosh import queries, similar
from index.backend.whoosh.budget import QueryTooExpensive
from index.backend.whoosh.expansion import QueryExpander, Variants
from index.backend.whoosh.fastpath.postings import PostingsReader
from index.backend.whoosh.queries import TEXT_FIELDS
from index.backend.whoosh.ranking import Ranker, Within, title_and_body
from index.models import DateAnchor, Passage, SearchResult
from index.search import planner, results, spelling
from index.search.planner import Plan, allowed_articles, none_allowed
from index.search.querylang import (
    PreparedQuery,
    is_empty,
    prefix_last_word,
    prepare_query,
    well_formed,
)
from index.search.results import AnchorsProvider, Fields, Marks
from index.store.sidecar import LazyVocabulary
from index.text.variants import VariantTable
from index.text.words import ENGLISH_STOP_WORDS, stem

WhooshPlan = Plan[wq.Query]
CORRECTIONS_KEPT = 256


class PassageSearcher:
    def __init__(
        self,
        ix: Index,
        records: Iterable[Any],
        variant_groups: Iterable[frozenset[str]],
        vocabulary: LazyVocabulary,
    ) -> None:
        self._ix = ix
        self._words = vocabulary
        self._searcher: Searcher = ix.searcher()
        self._records = {r.id: r for r in records}
        self._ranker = Ranker(self._searcher)
        self._lexicons: dict[str, list[str]] = {}
        self._corrections: dict[str, str | None] = {}
        self._expander = QueryExpander(
            vocabulary, VariantTable(variant_groups), self._lexicon, self._searcher.doc_frequency
        )
        self.variants = self._expander.variants
        self._parser = self._make_parser()

    def close(self) -> None:
        self._searcher.close()

    def _make_parser(self) -> qparser.QueryParser:
        parser = qparser.MultifieldParser(
            list(TEXT_FIELDS), self._ix.schema, group=qparser.AndGroup
        )
        parser.remove_plugin_class(qparser.SingleQuotePlugin)
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.PlusMinusPlugin(minusexpr=planner.MINUS))
        return parser

    @property
    def _postings(self) -> PostingsReader:
        return self._ranker.postings

    @property
    def _article_docs(self) -> set[int]:
        return self._ranker.article_docs

    # -- vocabulary --------------------------------------------------------------------

    @cached_property
    def _vocabulary(self) -> list[str]:
        """Real (folded, unstemmed) words of the corpus (frequencies are looked up only
        for the few candidates of a correction)."""
        return [
            word
            for word in self._words.whole.words
            if len(word) >= 3
            and not any(ch.isdigit() for ch in word)
            and word not in ENGLISH_STOP_WORDS
        ]  # (a folded word's stem is empty exactly when it is a stop word)

    def _lexicon(self, fieldname: str) -> list[str]:
        """Every term of a field, sorted; read once per index generation. (Terms only:
        reading each term's info too, as iter_field does, is ten times slower.)"""
        cached = self._lexicons.get(fieldname)
        if cached is None:
            cached = [queries.text_of(t) for t in self._searcher.reader().lexicon(fieldname)]
            self._lexicons[fieldname] = cached
        return cached

    def _in_index(self, word: str) -> bool:
        word_stem = stem(word)
        if not word_stem:
            return True  # a stop word is never a typo
        return any(self._searcher.doc_frequency(f, word_stem) for f in TEXT_FIELDS)

    @cached_property
    def _by_place(self) -> dict[str, list[str]]:
        return planner.articles_by_place(self._records)

    @cached_property
    def _vocabulary_by_length(self) -> spelling.WordsByLength:
        return spelling.WordsByLength(self._vocabulary)

    def correction(self, word: str) -> str | None:
        """The corpus word nearest to `word` (fewest edits, then most frequent); the
        last few kept, as a query is corrected again on Enter after its keystrokes."""
        if word not in self._corrections:
            if len(self._corrections) >= CORRECTIONS_KEPT:
                del self._corrections[next(iter(self._corrections))]
            self._corrections[word] = spelling.nearest_word(
                word, self._vocabulary_by_length, self._words.whole.frequency
            )
        return self._corrections[word]

    def _is_proper(self, folded: str) -> bool:
        return folded in self._words.proper_words

    # -- planning ----------------------------------------------------------------------

    def _plan(self, text: str, *, as_you_type: bool) -> WhooshPlan:
        prepared = prepare_query(text)
        notes: list[str] = list(prepared.notes)
        query_text = prepared.text
        if as_you_type:
            query_text = prefix_last_word(query_text)
        try:
            parsed = self._parser.parse(query_text) if query_text else wq.Every()
        except Exception:
            words = prepared.plain_words or query_text.split()
            parsed = wq.And([wq.Or([wq.Term(f, stem(w)) for f in TEXT_FIELDS]) for w in words])
            message = "could not parse the query; searched its words"
            notes.append(message)
            prepared.error = prepared.error or message
        parsed = self._expander.cap_expansions(parsed, as_you_type=as_you_type)
        parsed, excluded = queries.split_exclusions(parsed)
        frequency = self._searcher.doc_frequency
        parsed = queries.prefer_adjacent(
            parsed, planner.adjacent_stems(prepared, lambda word: frequency("body", word))
        )
        widened_words: Variants = {}
        widened = self._expander.widen_variants(parsed, widened_words)
        if excluded is not None:
            excluded = self._expander.widen_variants(excluded, widened_words)
        title_only = None
        if "title:" not in query_text and queries.positive_body_leaves(widened):
            title_only = queries.title_part(widened) if excluded is None else None
            widened = queries.title_lifts_body(widened)
        variants = list(widened_words.items())
        for term, spellings in variants:
            notes.append(f"{term}: also searched {', '.join(spellings)}")
        stems, phrases = queries.highlight_terms(widened, self._searcher.reader())
        names = () if as_you_type else self._name_rules(prepared)
        return Plan(
            prepared,
            widened,
            stems,
            frozenset(),
            tuple(notes),
            tuple(variants),
            phrases,
            title_only,
            queries.source_part(prepared),
            excluded,
            names,
        )

    def _name_rules(self, prepared: PreparedQuery) -> tuple[planner.NameRule, ...]:
        return planner.name_rules(
            prepared,
            self.variants.variants_of,
            self._words.most_frequent_with_prefix,
        )

    # -- searching ---------------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 20,
        *,
        group_by_article: bool = False,
        as_you_type: bool = False,
        anchors: AnchorsProvider | None = None,
        shown_anchors: AnchorsProvider | None = None,
        collection_of: Callable[[str], str] | None = None,
    ) -> SearchResult:
        """`anchors` gives the articles' dates for `date:` filters (and, unless
        `shown_anchors` is given, for the dates shown); `shown_anchors` may be a cheap
        provider (e.g. the dates known so far) so the first search need not wait for
        every article's date to be worked out."""
        text = well_formed(text)  # every query enters here: lone surrogates never go on
        shown = shown_anchors or anchors
        try:
            plan = self._plan(text, as_you_type=as_you_type)
        except QueryTooExpensive as exc:  # index/backend/whoosh/budget.py: answered, not run
            return SearchResult(text, "", 0, False, (), (str(exc),), error=str(exc))
        if is_empty(plan.prepared):
            return SearchResult(
                query=text,
                searched="",
                total=0,
                total_is_estimate=False,
                hits=(),
                notes=plan.notes,
                error=plan.prepared.error,
            )
        allowed = allowed_articles(
            plan.prepared, anchors, self._records, collection_of, by_place=self._by_place
        )
        notes = list(plan.notes)
        if allowed is not None and not allowed:
            notes.append(none_allowed(plan.prepared, self._records, collection_of))
            return SearchResult(
                text, plan.prepared.text, 0, False, (), tuple(notes), error=plan.prepared.error
            )
        result = self._run(plan, limit, allowed, group_by_article, shown, as_you_type)
        step = spelling.as_typed(plan, result)
        if not as_you_type:

            def rerun(fixed: str) -> tuple[WhooshPlan, spelling.Ranked]:
                retry = self._plan(fixed, as_you_type=False)
                return retry, self._run(retry, limit, allowed, group_by_article, shown)

            fix = spelling.corrected_query(
                plan.prepared, self._in_index, self.correction, self._is_proper
            )
            step = spelling.with_correction(plan, result, notes, fix, rerun)
        return spelling.search_result(text, step, notes, step.plan.variants)

    def _run(
        self,
        plan: WhooshPlan,
        limit: int,
        allowed: set[str] | None,
        group_by_article: bool,
        anchors: AnchorsProvider | None,
        as_you_type: bool = False,
    ) -> tuple[list[Passage], int, bool]:
        within = Within(
            self._ranker.allowed_docs(allowed) if allowed is not None else None,
            self._ranker.matching(plan.excluded) if plan.excluded is not None else set(),
        )
        fetch = max(1, limit) * (4 if group_by_article else 1) + results.DUPLICATE_SLACK
        ranked, total, exact, names = self._ranker.ranked_with_names(
            plan.query, plan.names, fetch, within, as_you_type
        )
        known = anchors() if anchors else {}
        marks = Marks(plan.highlight_stems, plan.highlight_folded, plan.highlight_phrases)
        stored = self._ranker.stored
        pages, seen = results.page_of(
            ((score, stored(docnum)) for score, docnum in ranked),
            limit,
            group_by_article=group_by_article,
        )
        hits = [
            replace(
                self._passage(page.fields, page.score, rank, marks, known),
                also_in=tuple(self._also_in(copy) for copy in page.copies),
            )
            for rank, page in enumerate(pages, 1)
        ]
        if len(hits) < limit and plan.title_only is not None:
            represented = results.shown_articles(hits)
            room = limit - len(hits)
            for fields in self._leads(plan.title_only, room, represented, within, names):
                seen.add(fields["article_id"])
                hits.append(self._passage(fields, 0.0, len(hits) + 1, marks, known))
                total += 1
        if plan.source_only is not None and not as_you_type:  # (on Enter: keystrokes stay light)
            represented = results.shown_articles(hits)
            leads = [
                self._passage(fields, 0.0, 0, marks, known)
                for fields in self._leads(
                    plan.source_only, planner.SOURCE_LEADS, represented, within
                )
            ]
            total += len(leads)
            seen.update(lead.article_id for lead in leads)
            hits = [replace(hit, rank=rank) for rank, hit in enumerate([*leads, *hits][:limit], 1)]
        if group_by_article:
            total = len(seen) if len(hits) < limit else total
        return hits, total, exact

    def _leads(
        self,
        query: wq.Query,
        room: int,
        represented: set[str],
        within: Within,
        names: tuple[planner.NameRule, ...] = (),
    ) -> Iterator[Fields]:
        """Lead passages of articles the query finds by their title or source and that
        are not `represented` yet: an article whose title alone matches ("Port backlog
        clears" over a story that never says backlog again) is still found, once, after
        every passage that does contain the query; a source's articles, once each, when
        its name is searched. (Every passage indexes its article's title and source, so
        the query runs over the lead passages alone.)"""
        for docnum in self._ranker.leads(query, room + len(represented), within):
            fields = self._ranker.stored(docnum)
            if fields["article_id"] in represented:
                continue
            if names and not planner.names_found(title_and_body(fields), names):
                continue
            yield fields
            room -= 1
            if room <= 0:
                return

    def _passage(
        self,
        fields: Fields,
        score: float,
        rank: int,
        marks: Marks,
        anchors: Mapping[str, DateAnchor],
    ) -> Passage:
        article_id = fields["article_id"]
        record = self._records.get(article_id)
        return results.passage(fields, score, rank, marks, record, anchors.get(article_id))

    def _also_in(self, fields: Fields) -> Any:
        return results.also_in(fields, self._records.get(fields["article_id"]))

    # -- more like this ----------------------------------------------------------------

    def similar(
        self,
        article_id: str,
        paragraph: int | None,
        limit: int,
        anchors: AnchorsProvider | None = None,
    ) -> SearchResult:
        """Passages of other articles that share the key terms of this passage or article."""
        known = anchors() if anchors else {}
        return similar.similar(
            self._searcher,
            article_id,
            paragraph,
            limit,
            lambda fields, score, rank, marks: self._passage(fields, score, rank, marks, known),
        )
