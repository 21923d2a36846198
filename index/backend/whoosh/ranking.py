"""Ranked passages from one whoosh searcher: by the fast path (fastpath/topk.py over
whole posting lists, exact and several times faster on common words) where it can score
the query and is switched on, otherwise by whoosh's own matchers; with the totals, the
lead passages of articles found by title or source, and the document sets that date,
place and exclusions restrict a search to."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from whoosh import query as wq
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.searching import Searcher, TimeLimit

from index.backend.whoosh.fastpath import switch as fastpath
from index.backend.whoosh.fastpath.compiler import compile_query
from index.backend.whoosh.fastpath.postings import PostingsReader, Unsupported
from index.backend.whoosh.fastpath.topk import top_docs
from index.backend.whoosh.schema import ARTICLE, PASSAGE
from index.search import planner
from index.search.planner import NameRule

AS_YOU_TYPE_SECONDS = 0.03
"""As-you-type stops scoring after this long and shows the best hits found so far
(the total is then an estimate); Enter runs the complete search."""
AS_YOU_TYPE_WORK = 60_000
"""As-you-type goes through whole posting lists only while they are this little work
(PostingsReader.work: about 10 ms, 60,000 postings read already or 12,000 not);
beyond that a keystroke would wait longer than for whoosh, which stops at
AS_YOU_TYPE_SECONDS with the best hits found so far."""
COUNT_CAP = 1000
"""When whoosh searches (what the fast path does not handle), passages counted exactly;
past this the total is an estimate ("about N"), so a common word never costs a second
full pass over its matches. (topk counts from the lists it has read anyway.)"""
COUNT_SCAN_LIMIT = 4 * COUNT_CAP
NAME_FETCH_LIMIT = 2_000
"""A query with a name stops fetching more candidates to check past this many."""
STORED_CACHE = 2_048
"""Stored passages kept decoded (about 3 MB): a page reads 30 candidates' stored fields
(a page and the copies after it), and the next keystroke or query mostly reads the
same ones again."""

Ranked = tuple[list[tuple[float, int]], int, bool]
"""((score, docnum) best first, total, exact?)"""


@dataclass(frozen=True, slots=True)
class Within:
    """The passages a search may return: those in `allow` (every one if None) and not
    in `excluded` (date and place filters; the query's exclusions)."""

    allow: set[int] | None = None
    excluded: set[int] = field(default_factory=set)


class Ranker:
    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._allowed_cache: OrderedDict[frozenset[str], set[int]] = OrderedDict()
        self._stored: OrderedDict[int, Mapping[str, Any]] = OrderedDict()

    def stored(self, docnum: int) -> Mapping[str, Any]:
        """A passage's stored fields (the most recently read STORED_CACHE kept; never
        changed by the callers)."""
        cached = self._stored.get(docnum)
        if cached is None:
            cached = self._stored[docnum] = self.searcher.stored_fields(docnum)
            if len(self._stored) > STORED_CACHE:
                self._stored.popitem(last=False)
        else:
            self._stored.move_to_end(docnum)
        return cached

    # -- the fast path and its switch ----------------------------------------------------

    def fast_path_on(self) -> bool:
        """The fast path answers unless switched off (by hand, or by its self-check,
        which runs on the first search of each opened index: fastpath/switch.py)."""
        return fastpath.enabled() and self._fast_path_checked

    @cached_property
    def _fast_path_checked(self) -> bool:
        return fastpath.self_check(
            lambda: fastpath.top_term_difference(self.searcher, self.postings, self.article_docs)
        )

    @cached_property
    def postings(self) -> PostingsReader:
        """Whole posting lists of the passages, read once and kept while they fit."""
        return PostingsReader(self.searcher, exclude=self.article_docs)

    # -- ranking -------------------------------------------------------------------------

    def ranked(self, query: wq.Query, fetch: int, within: Within, as_you_type: bool) -> Ranked:
        """The best `fetch` passages `within` the restrictions. Whole posting lists when
        they can be read in time; otherwise, and for what topk cannot score, whoosh."""
        if not self.fast_path_on():
            return self._by_whoosh(query, fetch, within, as_you_type)
        work = self.postings.work
        if not as_you_type or work(query, AS_YOU_TYPE_WORK) <= AS_YOU_TYPE_WORK:
            try:
                node = compile_query(query, self.postings)
                top = top_docs(node, fetch, allow=within.allow, exclude=within.excluded)
                self.postings.trim()  # (the positions this query read)
            except Unsupported:
                pass
            else:
                return top.hits, top.total, top.exact_total
        return self._by_whoosh(query, fetch, within, as_you_type)

    def _by_whoosh(self, query: wq.Query, fetch: int, within: Within, as_you_type: bool) -> Ranked:
        allow, excluded = within.allow, within.excluded
        mask = self.article_docs | excluded if excluded else self.article_docs
        if as_you_type:
            results, complete = self._search_briefly(query, fetch, allow, mask)
        else:
            results = self.searcher.search(query, limit=fetch, filter=allow, mask=mask)
            complete = True
        if complete:
            total, exact = self._count(query, results, allow, mask)
        else:
            total, exact = self._estimate(query, results), False
        return list(results.top_n), total, exact

    def ranked_with_names(
        self,
        query: wq.Query,
        names: tuple[NameRule, ...],
        fetch: int,
        within: Within,
        as_you_type: bool,
    ) -> tuple[list[tuple[float, int]], int, bool, tuple[NameRule, ...]]:
        """The ranking, less the passages that match a name of the query only through
        another word with its stem (planner.NameRule), and the names that applied:
        candidates are fetched in growing batches until a page's worth passes or every
        match has been seen."""
        ranked, total, exact = self.ranked(query, fetch, within, as_you_type)
        if not names:
            return ranked, total, exact, ()
        wanted, stored = fetch, self.stored
        while True:
            texts = [title_and_body(stored(docnum)) for _, docnum in ranked]
            applied = planner.names_of(names, texts)
            if not applied:
                return ranked, total, exact, ()
            kept = [
                hit
                for hit, text in zip(ranked, texts, strict=True)
                if planner.names_found(text, applied)
            ]
            seen_all = len(ranked) >= total
            if len(kept) >= wanted or seen_all or fetch >= NAME_FETCH_LIMIT:
                break
            fetch *= 4
            ranked, total, exact = self.ranked(query, fetch, within, as_you_type)
        if seen_all:
            return kept, len(kept), exact, applied
        estimate = max(len(kept), total * len(kept) // max(1, len(ranked)))
        return kept, estimate, False, applied

    def leads(self, query: wq.Query, fetch: int, within: Within) -> list[int]:
        """The best `fetch` lead passages (first of their article) the query finds."""
        allow, excluded = within.allow, within.excluded
        leads = self.lead_docs if allow is None else self.lead_docs & allow
        leads = leads - excluded if excluded else leads
        if not leads:
            return []
        if self.fast_path_on():
            try:
                hits = top_docs(compile_query(query, self.postings), fetch, allow=leads).hits
                self.postings.trim()
                return [docnum for _, docnum in hits]
            except Unsupported:
                pass
        return [
            docnum for _, docnum in self.searcher.search(query, limit=fetch, filter=leads).top_n
        ]

    # -- restrictions ------------------------------------------------------------------

    @cached_property
    def lead_docs(self) -> set[int]:
        """The first passage of every article (read once per index generation)."""
        lead = wq.And([wq.Term("kind", PASSAGE), wq.NumericRange("paragraph", 0, 0)])
        return set(self.searcher.docs_for_query(lead))

    @cached_property
    def article_docs(self) -> set[int]:
        """The whole-article documents, masked out of every passage search. Read once per
        index generation: a filter query (kind:passage) was re-evaluated on every search,
        a set of every passage built anew per keystroke. (A plain set, never changed:
        whoosh takes no frozenset.)"""
        return set(self.searcher.docs_for_query(wq.Term("kind", ARTICLE)))

    def matching(self, query: wq.Query) -> set[int]:
        """Every document the query matches (what an exclusion takes out)."""
        return set(self.searcher.docs_for_query(query))

    def allowed_docs(self, article_ids: set[str]) -> set[int]:
        """Document numbers of the given articles (for date: and place: filters); the
        last few sets are cached, as each keystroke of a filtered query repeats them."""
        key = frozenset(article_ids)
        cached = self._allowed_cache.get(key)
        if cached is not None:
            self._allowed_cache.move_to_end(key)
            return cached
        reader = self.searcher.reader()
        docs: set[int] = set()
        for article_id in sorted(key):
            if reader.doc_frequency("article_id", article_id):
                docs.update(reader.postings("article_id", article_id).all_ids())
        self._allowed_cache[key] = docs
        if len(self._allowed_cache) > 8:
            self._allowed_cache.popitem(last=False)
        return docs

    # -- whoosh's searches and counts ------------------------------------------------------

    def _search_briefly(
        self, query: wq.Query, fetch: int, allow: set[int] | None, mask: set[int]
    ) -> tuple[Any, bool]:
        """(results, complete?): the search without block-quality tricks (which cost more
        than they save on the wide Or of an expanded prefix), stopped after
        AS_YOU_TYPE_SECONDS with the best hits found until then."""
        top = TopCollector(limit=fetch, usequality=False)
        deadline = time.perf_counter() + AS_YOU_TYPE_SECONDS
        collector = _DeadlineCollector(top, allow, mask, deadline)
        try:
            self.searcher.search_with_collector(query, collector)
        except TimeLimit:
            return collector.results(), False
        return collector.results(), True

    def _estimate(self, query: wq.Query, results: Any) -> int:
        """An upper estimate of the passages (whoosh's, less the whole-article documents)."""
        reader = self.searcher.reader()
        share = 1 - len(self.article_docs) / max(1, reader.doc_count())
        return max(results.scored_length(), int(query.estimate_size(reader) * share))

    def _count(
        self, query: wq.Query, results: Any, allow: set[int] | None, mask: set[int]
    ) -> tuple[int, bool]:
        """(passages matching, exact?) without a second full query when avoidable.

        Whoosh's `len(results)` re-runs the whole query when the search skipped blocks
        (it always claims an exact length behind a filter). Here: the collector's own
        count when it saw every match; else count up to COUNT_CAP passages and, past
        that, extrapolate whoosh's upper estimate by the share of passages seen."""
        child = getattr(results.collector, "child", results.collector)
        if child.computes_count():
            return child.count(), True
        counted = scanned = 0
        for docnum in self._matching_docs(query):
            scanned += 1
            if docnum in mask or (allow is not None and docnum not in allow):
                if scanned < COUNT_SCAN_LIMIT:
                    continue
                break
            counted += 1
            if counted >= COUNT_CAP or scanned >= COUNT_SCAN_LIMIT:
                break
        else:
            return counted, True
        estimate = query.estimate_size(self.searcher.reader()) * counted // max(1, scanned)
        return max(counted, results.scored_length(), estimate), False

    def _matching_docs(self, query: wq.Query) -> Iterator[int]:
        """Matching document numbers, one matcher step at a time (whoosh's docs_for_query
        first builds the whole set of every part of an And)."""
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(leaf, leaf.boolean_context())
            while matcher.is_active():
                yield offset + matcher.id()
                matcher.next()


class _DeadlineCollector(FilterCollector):
    """Whoosh's FilterCollector (allow / restrict document sets) that gives up at a
    deadline. (whoosh's TimeLimitCollector, wrapped around a filter, skips the filter.)"""

    def __init__(
        self, child: TopCollector, allow: set[int] | None, restrict: set[int], deadline: float
    ) -> None:
        super().__init__(child, allow=allow, restrict=restrict)
        self.deadline = deadline

    def collect_matches(self) -> None:
        child, allow, restrict = self.child, self._allow, self._restrict
        clock, deadline = time.perf_counter, self.deadline
        for seen, sub_docnum in enumerate(child.matches()):
            if not seen % 32 and clock() > deadline:
                raise TimeLimit
            docnum = self.offset + sub_docnum
            if (allow is not None and docnum not in allow) or docnum in restrict:
                continue
            child.collect(sub_docnum)


def title_and_body(fields: Mapping[str, Any]) -> str:
    """What a passage matches on: its own text and its article's title."""
    return f"{fields.get('title', '')}\n{fields.get('body', '')}"
