"""Searching passages: query parsing, name variants, typo correction, snippets.

One `PassageSearcher` lives as long as an index generation: it keeps a whoosh
searcher and the vocabularies open so each keystroke's query costs only the
search itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from whoosh import qparser
from whoosh import query as wq
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.index import Index
from whoosh.searching import Searcher, TimeLimit

from index.backend.whoosh.analyzers import keyword_analyzer
from index.backend.whoosh.budget import QueryTooExpensive, bounded_wildcard, check_size
from index.backend.whoosh.fastpath.postings import PostingsReader, Unsupported
from index.backend.whoosh.fastpath.topk import RequireAny, compile_query, top_docs
from index.backend.whoosh.schema import ARTICLE, PASSAGE
from index.models import AlsoIn, DateAnchor, Passage, SearchResult, Span
from index.search.highlight import make_snippet, match_spans, phrase_spans
from index.search.querylang import (
    PreparedQuery,
    is_empty,
    prefix_last_word,
    prepare_query,
    well_formed,
)
from index.store.sidecar import LazyVocabulary
from index.text.variants import VariantTable, consonant_skeleton
from index.text.words import ACCENTS, ENGLISH_STOP_WORDS, fold, stem

TEXT_FIELDS = ("title", "body")
PREFIX_EXPANSION_LIMIT = 64
"""As-you-type expands the last word to at most this many index terms (the most
frequent), so a one-letter prefix never turns into a query over the whole lexicon."""
FUZZY_MAX_EDITS = 2
FUZZY_EXPANSION_LIMIT = 32
"""A fuzzy term (word~) matches at most this many index terms: the nearest, then the
most frequent (whoosh alone would expand it to every term within the distance)."""
PREFIX_POSTINGS_BUDGET = 1_000
"""As-you-type keeps the most frequent expansions only while their article counts add up
to this (at least one word): each keystroke then reads a bounded share of the index,
whatever its size. Enter runs the query without this bound."""
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
_CACHE_SIZE = 256

AnchorsProvider = Callable[[], Mapping[str, DateAnchor]]


@dataclass(frozen=True, slots=True)
class _Plan:
    prepared: PreparedQuery
    query: wq.Query
    highlight_stems: frozenset[str]
    highlight_folded: frozenset[str]
    notes: tuple[str, ...]
    variants: tuple[tuple[str, tuple[str, ...]], ...]
    highlight_phrases: tuple[tuple[str, ...], ...] = ()
    """Words marked only where they stand in this order (quoted phrases)."""
    title_only: wq.Query | None = None
    source_only: wq.Query | None = None
    """The query's words over source names (a plain query only): the lead passages of up
    to SOURCE_LEADS articles from a source it names come first (see _run)."""
    """The query over titles alone: articles it finds whose passages do not contain the
    query may add their lead passage after every passage that does (see _title_leads)."""


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
        self.variants = VariantTable(variant_groups)
        self._parser = self._make_parser()
        self._prefix_cache: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()
        self._allowed_cache: OrderedDict[frozenset[str], set[int]] = OrderedDict()
        self._lexicons: dict[str, list[str]] = {}

    def close(self) -> None:
        self._searcher.close()

    def _make_parser(self) -> qparser.QueryParser:
        parser = qparser.MultifieldParser(
            list(TEXT_FIELDS), self._ix.schema, group=qparser.AndGroup
        )
        parser.remove_plugin_class(qparser.SingleQuotePlugin)
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.PlusMinusPlugin(minusexpr=r"(?<![\w\-])-(?=\w)"))
        return parser

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
            cached = [
                term.decode("utf-8") if isinstance(term, bytes) else term
                for term in self._searcher.reader().lexicon(fieldname)
            ]
            self._lexicons[fieldname] = cached
        return cached

    def _in_index(self, word: str) -> bool:
        word_stem = stem(word)
        if not word_stem:
            return True  # a stop word is never a typo
        return any(self._searcher.doc_frequency(f, word_stem) for f in TEXT_FIELDS)

    def correction(self, word: str) -> str | None:
        """The corpus word nearest to `word` (fewest edits, then most frequent)."""
        words = self._vocabulary
        folded = fold(word)
        max_edits = 1 if len(folded) <= 5 else FUZZY_MAX_EDITS
        candidates = process.extract(
            folded, words, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=20
        )
        if not candidates:
            return None
        frequency = self._words.whole.frequency
        best = min(candidates, key=lambda c: (c[1], -frequency(c[0]), c[0]))
        return best[0]

    # -- planning ----------------------------------------------------------------------

    def _plan(self, text: str, *, as_you_type: bool) -> _Plan:
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
        parsed = self._cap_expansions(parsed, as_you_type=as_you_type)
        parsed = _prefer_adjacent(parsed, prepared, self._searcher.doc_frequency)
        widened, variants = self._widen_variants(parsed)
        title_only = None
        if "title:" not in query_text and _positive_body_leaves(widened):
            title_only = _title_part(widened)
            widened = _title_lifts_body(widened)
        for term, spellings in variants:
            notes.append(f"{term}: also searched {', '.join(spellings)}")
        stems, folded, phrases = self._highlight_terms(widened)
        return _Plan(
            prepared,
            widened,
            stems,
            folded,
            tuple(notes),
            tuple(variants),
            phrases,
            title_only,
            _source_part(prepared),
        )

    def _cap_expansions(self, query: wq.Query, *, as_you_type: bool = False) -> wq.Query:
        """Prefix and fuzzy terms become a bounded Or of real terms."""

        def visit(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.FuzzyTerm):
                return self._expanded_fuzzy(node)
            if isinstance(node, wq.Prefix):
                return self._expanded_prefix(node.fieldname, node.text, as_you_type)
            if isinstance(node, wq.Wildcard) or (isinstance(node, wq.Every) and node.fieldname):
                return bounded_wildcard(node, self._lexicon)
            return node.apply(visit) if node.is_leaf() is False else node

        return check_size(visit(query))

    def _expanded_prefix(self, fieldname: str, prefix: str, as_you_type: bool = False) -> wq.Query:
        """`confedera*` → the stems of the corpus words that start with it.

        Expanding against the unstemmed `words` field matters: "confedera" is no prefix
        of the stem "confeder", but it is of "confederal" and "confederation"."""
        folded = fold(prefix)
        words = self._prefix_words(folded)
        if as_you_type:
            words = _within_budget(words)
        stems: dict[str, int] = {}
        for frequency, word in words:
            if word_stem := stem(word):
                stems[word_stem] = max(frequency, stems.get(word_stem, 0))
        if not stems:
            return wq.Term(fieldname, folded)  # matches nothing, and says so honestly
        # its own field only: the parser already gives a bare word one prefix per field
        if not as_you_type:
            return wq.Or([wq.Term(fieldname, text) for text in stems])
        # while typing, the likelier completion (the more frequent word) weighs more: a
        # rare completion that happens to score high must not outrank the word being typed
        most = max(stems.values()) or 1
        return wq.Or(
            [
                wq.Term(fieldname, text, boost=_completion_weight(frequency, most))
                for text, frequency in stems.items()
            ]
        )

    def _prefix_words(self, folded: str) -> list[tuple[int, str]]:
        """The PREFIX_EXPANSION_LIMIT most frequent words starting with `folded`, as
        (frequency, word), most frequent first.

        From the vocabulary's article counts (where whoosh's iter_prefix looked every
        term up again in every segment). Cached per index generation, as backspacing
        and retyping asks for the same prefixes again."""
        cached = self._prefix_cache.get(folded)
        if cached is not None:
            self._prefix_cache.move_to_end(folded)
            return cached
        kept = self._words.most_frequent_with_prefix(folded, PREFIX_EXPANSION_LIMIT)
        _remember(self._prefix_cache, folded, kept)
        return kept

    def _expanded_fuzzy(self, node: wq.FuzzyTerm) -> wq.Query:
        """word~N as an Or of at most FUZZY_EXPANSION_LIMIT real terms (the nearest, then
        the most frequent), scored as whoosh scores its expansion; found with rapidfuzz
        instead of whoosh's pure-Python automaton, which also had no cap."""
        text = node.text if isinstance(node.text, str) else node.text.decode("utf-8")
        maxdist = min(int(node.maxdist), FUZZY_MAX_EDITS)
        terms = self._lexicon(node.fieldname)
        low, high = 0, len(terms)
        if node.prefixlength:
            head = text[: node.prefixlength]
            low = bisect.bisect_left(terms, head)
            high = bisect.bisect_left(terms, head + "\U0010ffff", lo=low)
        candidates = process.extract(
            text, terms[low:high], scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        frequency = self._searcher.doc_frequency
        ranked = sorted(candidates, key=lambda c: (c[1], -frequency(node.fieldname, c[0]), c[0]))
        kept = [wq.Term(node.fieldname, term) for term, _, _ in ranked[:FUZZY_EXPANSION_LIMIT]]
        if not kept:
            kept = [wq.Term(node.fieldname, text)]  # matches nothing, as whoosh's would
        return _ExpandedFuzzy(kept, boost=node.boost)

    def _widen_variants(
        self, query: wq.Query
    ) -> tuple[wq.Query, list[tuple[str, tuple[str, ...]]]]:
        widened: dict[str, tuple[str, ...]] = {}

        def visit(node: wq.Query) -> wq.Query:
            if isinstance(node, _ExpandedFuzzy):
                return node  # word~ stays a fuzzy match of the typed word, as before
            if isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
                text = node.text if isinstance(node.text, str) else node.text.decode()
                others = self.variants.variants_of(text)
                if others:
                    widened[text] = tuple(sorted(others))
                    forms = {text, *(stem(o) for o in others)}
                    return wq.Or([wq.Term(node.fieldname, f) for f in sorted(forms)])
                return node
            if isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
                return self._phrase_variants(node, widened)
            return node.apply(visit) if not node.is_leaf() else node

        return visit(query), list(widened.items())

    def _phrase_variants(self, phrase: wq.Phrase, widened: dict[str, tuple[str, ...]]) -> wq.Query:
        """A phrase with a variant-spelled word also matches the other spellings."""
        options: list[list[str]] = []
        for word in phrase.words:
            others = self.variants.variants_of(word)
            if others:
                widened[word] = tuple(sorted(others))
            options.append([word, *sorted({stem(o) for o in others} - {word})])
        if all(len(o) == 1 for o in options):
            return phrase
        combos: list[list[str]] = [[]]
        for choices in options:
            combos = [[*combo, choice] for combo in combos for choice in choices][:16]
        return wq.Or([wq.Phrase(phrase.fieldname, words, slop=phrase.slop) for words in combos])

    def _highlight_terms(
        self, query: wq.Query
    ) -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, ...], ...]]:
        """Stems of the query's positive terms (not under NOT), expanded for fuzzy terms,
        and its phrases (marked only where they occur; the adjacency preference of bare
        words is no phrase the user wrote: its words are terms anyway)."""
        reader = self._searcher.reader()
        stems: set[str] = set()
        phrases: dict[tuple[str, ...], None] = {}

        def visit(node: wq.Query) -> None:
            if isinstance(node, wq.Not):
                return
            if isinstance(node, (wq.AndNot, wq.AndMaybe)):
                visit(node.a)
                return
            if isinstance(node, wq.MultiTerm):
                for _, text in node.expanded_terms(reader):
                    stems.add(text if isinstance(text, str) else text.decode())
                return
            if isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
                stems.add(node.text if isinstance(node.text, str) else node.text.decode())
                return
            if isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
                phrases[tuple(_text_of(w) for w in node.words)] = None
                return
            for child in node.children():
                visit(child)

        visit(query)
        return frozenset(stems), frozenset(), tuple(phrases)

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
        allowed = self._date_filter(plan.prepared, anchors)
        notes = list(plan.notes)
        if allowed is not None and not allowed:
            notes.append("no article matches that date or place")
            return SearchResult(
                text, plan.prepared.text, 0, False, (), tuple(notes), error=plan.prepared.error
            )
        result = self._run(plan, limit, allowed, group_by_article, shown, as_you_type)
        suggestion = None
        corrected = False
        searched = plan.prepared.text
        if not as_you_type:
            fixed, automatic = self._corrected_query(plan.prepared)
            if fixed is not None:
                suggestion = fixed
                if result[1] == 0 and automatic:
                    retry = self._plan(fixed, as_you_type=False)
                    retry_result = self._run(retry, limit, allowed, group_by_article, shown)
                    if retry_result[1] > 0:
                        notes.append(
                            f'no results for "{plan.prepared.text}"; searched "{fixed}" instead'
                        )
                        notes.extend(n for n in retry.notes if n not in notes)
                        plan, result, corrected, searched = retry, retry_result, True, fixed
                    else:
                        notes.append(f"did you mean: {fixed}?")
                else:
                    notes.append(f"did you mean: {fixed}?")
        hits, total, exact = result
        return SearchResult(
            query=text,
            searched=searched,
            total=total,
            total_is_estimate=not exact,
            hits=tuple(hits),
            notes=tuple(notes),
            suggestion=suggestion,
            corrected=corrected,
            variants=plan.variants,
            error=plan.prepared.error,
        )

    def _corrected_query(self, prepared: PreparedQuery) -> tuple[str | None, bool]:
        """(the query with its unknown words corrected, or None; whether every correction
        is clearly the same word, so that it may be searched without asking)."""
        text = prepared.text
        changed = False
        automatic = True
        for word in prepared.plain_words:
            if self._in_index(word):
                continue
            fix = self.correction(word)
            if fix and fix != fold(word):
                text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", fix, text, count=1)
                changed = True
                automatic = automatic and same_word(word, fix, self._is_proper)
        return (text, automatic) if changed else (None, False)

    def _is_proper(self, folded: str) -> bool:
        return folded in self._words.proper_words

    def _date_filter(
        self, prepared: PreparedQuery, anchors: AnchorsProvider | None
    ) -> set[str] | None:
        """Articles allowed by `date:` and `place:`, which use the given or inferred
        values (known only after the corpus is read as a whole), not indexed fields."""
        allowed: set[str] | None = None
        if prepared.date_range is not None:
            known = anchors() if anchors else {}
            allowed = {
                aid for aid, anchor in known.items() if prepared.date_range.contains(anchor.date)
            }
        if prepared.places:
            wanted = [fold(word) for place in prepared.places for word in place.split()]
            placed = {
                aid
                for aid, record in self._records.items()
                if record.place and all(w in fold(record.place) for w in wanted)
            }
            allowed = placed if allowed is None else allowed & placed
        return allowed

    def _run(
        self,
        plan: _Plan,
        limit: int,
        allowed: set[str] | None,
        group_by_article: bool,
        anchors: AnchorsProvider | None,
        as_you_type: bool = False,
    ) -> tuple[list[Passage], int, bool]:
        allow = self._allowed_docs(allowed) if allowed is not None else None
        fetch = max(1, limit) * (4 if group_by_article else 1) + DUPLICATE_SLACK
        ranked, total, exact = self._ranked(plan.query, fetch, allow, as_you_type)
        known = anchors() if anchors else {}
        pages: list[_Page] = []
        seen: set[str] = set()
        for score, docnum in ranked:
            fields = self._searcher.stored_fields(docnum)
            key = _duplicate_key(fields.get("body", ""))
            copy_of = _duplicate_of(pages, fields, key)
            if copy_of is not None:
                copy_of.copies.append(fields)
                continue
            if len(pages) >= limit:
                continue  # (only copies of the page's hits are still wanted)
            if group_by_article:
                if fields["article_id"] in seen:
                    continue
                seen.add(fields["article_id"])
            pages.append(_Page(score, fields, key))
        hits = [
            replace(
                self._passage(page.fields, page.score, rank, plan, known),
                also_in=tuple(self._also_in(copy) for copy in page.copies),
            )
            for rank, page in enumerate(pages, 1)
        ]
        if len(hits) < limit and plan.title_only is not None:
            represented = {hit.article_id for hit in hits}
            room = limit - len(hits)
            for fields in self._leads(plan.title_only, room, represented, allow):
                seen.add(fields["article_id"])
                hits.append(self._passage(fields, 0.0, len(hits) + 1, plan, known))
                total += 1
        if plan.source_only is not None and not as_you_type:  # (on Enter: keystrokes stay light)
            represented = {hit.article_id for hit in hits}
            leads = [
                self._passage(fields, 0.0, 0, plan, known)
                for fields in self._leads(plan.source_only, SOURCE_LEADS, represented, allow)
            ]
            total += len(leads)
            seen.update(lead.article_id for lead in leads)
            hits = [replace(hit, rank=rank) for rank, hit in enumerate([*leads, *hits][:limit], 1)]
        if group_by_article:
            total = len(seen) if len(hits) < limit else total
        return hits, total, exact

    def _leads(
        self, query: wq.Query, room: int, represented: set[str], allow: set[int] | None
    ) -> Iterator[Mapping[str, Any]]:
        """Lead passages of articles the query finds by their title or source and that
        are not `represented` yet: an article whose title alone matches ("Port backlog
        clears" over a story that never says backlog again) is still found, once, after
        every passage that does contain the query; a source's articles, once each, when
        its name is searched. (Every passage indexes its article's title and source, so
        the query runs over the lead passages alone.)"""
        leads = self._lead_docs if allow is None else self._lead_docs & allow
        if not leads:
            return
        fetch = room + len(represented)
        try:
            ranked = top_docs(compile_query(query, self._postings), fetch, allow=leads).hits
            self._postings.trim()
        except Unsupported:
            ranked = list(self._searcher.search(query, limit=fetch, filter=leads).top_n)
        for _, docnum in ranked:
            fields = self._searcher.stored_fields(docnum)
            if fields["article_id"] in represented:
                continue
            yield fields
            room -= 1
            if room <= 0:
                return

    @cached_property
    def _lead_docs(self) -> set[int]:
        """The first passage of every article (read once per index generation)."""
        lead = wq.And([wq.Term("kind", PASSAGE), wq.NumericRange("paragraph", 0, 0)])
        return set(self._searcher.docs_for_query(lead))

    def _ranked(
        self, query: wq.Query, fetch: int, allow: set[int] | None, as_you_type: bool
    ) -> tuple[list[tuple[float, int]], int, bool]:
        """((score, docnum) best first, total, exact?). Whole posting lists when they can
        be read in time (fastpath/topk.py: exact, and much faster than whoosh's matchers on
        common words); otherwise, and for what topk cannot score, whoosh."""
        work = self._postings.work
        if not as_you_type or work(query, AS_YOU_TYPE_WORK) <= AS_YOU_TYPE_WORK:
            try:
                top = top_docs(compile_query(query, self._postings), fetch, allow=allow)
                self._postings.trim()  # (the positions this query read)
            except Unsupported:
                pass
            else:
                return top.hits, top.total, top.exact_total
        return self._ranked_by_whoosh(query, fetch, allow, as_you_type)

    def _ranked_by_whoosh(
        self, query: wq.Query, fetch: int, allow: set[int] | None, as_you_type: bool
    ) -> tuple[list[tuple[float, int]], int, bool]:
        if as_you_type:
            results, complete = self._search_briefly(query, fetch, allow)
        else:
            results = self._searcher.search(
                query, limit=fetch, filter=allow, mask=self._article_docs
            )
            complete = True
        if complete:
            total, exact = self._count(query, results, allow)
        else:
            total, exact = self._estimate(query, results), False
        return list(results.top_n), total, exact

    # -- restrictions and counts -------------------------------------------------------

    @cached_property
    def _postings(self) -> PostingsReader:
        """Whole posting lists of the passages, read once and kept while they fit."""
        return PostingsReader(self._searcher, exclude=self._article_docs)

    @cached_property
    def _article_docs(self) -> set[int]:
        """The whole-article documents, masked out of every passage search. Read once per
        index generation: a filter query (kind:passage) was re-evaluated on every search,
        a set of every passage built anew per keystroke. (A plain set, never changed:
        whoosh takes no frozenset.)"""
        return set(self._searcher.docs_for_query(wq.Term("kind", ARTICLE)))

    def _allowed_docs(self, article_ids: set[str]) -> set[int]:
        """Document numbers of the given articles (for date: and place: filters); the
        last few sets are cached, as each keystroke of a filtered query repeats them."""
        key = frozenset(article_ids)
        cached = self._allowed_cache.get(key)
        if cached is not None:
            self._allowed_cache.move_to_end(key)
            return cached
        reader = self._searcher.reader()
        docs: set[int] = set()
        for article_id in sorted(key):
            if reader.doc_frequency("article_id", article_id):
                docs.update(reader.postings("article_id", article_id).all_ids())
        _remember(self._allowed_cache, key, docs, size=8)
        return docs

    def _search_briefly(
        self, query: wq.Query, fetch: int, allow: set[int] | None
    ) -> tuple[Any, bool]:
        """(results, complete?): the search without block-quality tricks (which cost more
        than they save on the wide Or of an expanded prefix), stopped after
        AS_YOU_TYPE_SECONDS with the best hits found until then."""
        top = TopCollector(limit=fetch, usequality=False)
        deadline = time.perf_counter() + AS_YOU_TYPE_SECONDS
        collector = _DeadlineCollector(top, allow, self._article_docs, deadline)
        try:
            self._searcher.search_with_collector(query, collector)
        except TimeLimit:
            return collector.results(), False
        return collector.results(), True

    def _estimate(self, query: wq.Query, results: Any) -> int:
        """An upper estimate of the passages (whoosh's, less the whole-article documents)."""
        reader = self._searcher.reader()
        share = 1 - len(self._article_docs) / max(1, reader.doc_count())
        return max(results.scored_length(), int(query.estimate_size(reader) * share))

    def _count(self, query: wq.Query, results: Any, allow: set[int] | None) -> tuple[int, bool]:
        """(passages matching, exact?) without a second full query when avoidable.

        Whoosh's `len(results)` re-runs the whole query when the search skipped blocks
        (it always claims an exact length behind a filter). Here: the collector's own
        count when it saw every match; else count up to COUNT_CAP passages and, past
        that, extrapolate whoosh's upper estimate by the share of passages seen."""
        child = getattr(results.collector, "child", results.collector)
        if child.computes_count():
            return child.count(), True
        counted = scanned = 0
        mask = self._article_docs
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
        estimate = query.estimate_size(self._searcher.reader()) * counted // max(1, scanned)
        return max(counted, results.scored_length(), estimate), False

    def _matching_docs(self, query: wq.Query) -> Iterator[int]:
        """Matching document numbers, one matcher step at a time (whoosh's docs_for_query
        first builds the whole set of every part of an And)."""
        for leaf, offset in self._searcher.leaf_searchers():
            matcher = query.matcher(leaf, leaf.boolean_context())
            while matcher.is_active():
                yield offset + matcher.id()
                matcher.next()

    def _passage(
        self,
        fields: Mapping[str, Any],
        score: float,
        rank: int,
        plan: _Plan,
        anchors: Mapping[str, DateAnchor],
    ) -> Passage:
        body = fields.get("body", "")
        spans = match_spans(body, plan.highlight_stems, plan.highlight_folded)
        if plan.highlight_phrases:
            marked = set(spans)
            spans = sorted(
                marked.union(phrase_spans(body, plan.highlight_phrases)),
                key=lambda span: span.start,
            )
        snippet, snippet_spans = make_snippet(body, spans)
        matched = tuple(dict.fromkeys(body[s.start : s.end] for s in spans))
        article_id = fields["article_id"]
        record = self._records.get(article_id)
        anchor = anchors.get(article_id)
        date = anchor.date if anchor else (record.parsed_date if record else None)
        return Passage(
            article_id=article_id,
            file=fields.get("file", ""),
            title=fields.get("title", ""),
            paragraph=int(fields.get("paragraph", 0)),
            start=int(fields.get("start", 0)),
            end=int(fields.get("end", 0)),
            text=body,
            score=float(score or 0.0),
            rank=rank,
            snippet=snippet,
            highlights=snippet_spans,
            text_highlights=tuple(spans),
            matched_terms=matched,
            place=record.place if record else (fields.get("place") or None),
            date=date if isinstance(date, dt.date) else None,
            source=record.source if record else None,
        )

    def _also_in(self, fields: Mapping[str, Any]) -> AlsoIn:
        record = self._records.get(fields["article_id"])
        return AlsoIn(
            article_id=fields["article_id"],
            file=fields.get("file", ""),
            paragraph=int(fields.get("paragraph", 0)),
            source=record.source if record else None,
        )

    # -- more like this ----------------------------------------------------------------

    def similar(
        self,
        article_id: str,
        paragraph: int | None,
        limit: int,
        anchors: AnchorsProvider | None = None,
    ) -> SearchResult:
        """Passages of other articles that share the key terms of this passage or article."""
        # An article's key terms are those of its passages together (the same text as
        # its whole-article document, which then need not index a body of its own).
        conditions = [wq.Term("article_id", article_id), wq.Term("kind", PASSAGE)]
        if paragraph is not None:
            conditions.append(wq.NumericRange("paragraph", paragraph, paragraph))
        docnums = list(self._searcher.docs_for_query(wq.And(conditions)))
        label = f"{article_id}" + (f" ¶{paragraph}" if paragraph is not None else "")
        if not docnums:
            return SearchResult(
                f"like:{label}",
                "",
                0,
                False,
                (),
                (f"no passage {label}",),
                error=f"no passage {label}",
            )
        key_terms = [
            term
            for term, _ in self._searcher.key_terms(docnums, "body", numterms=20)
            if len(term) > 2 and not term.isdigit()
        ][:12]
        if not key_terms:
            return SearchResult(f"like:{label}", "", 0, False, (), ("nothing to compare",))
        query = wq.Or([wq.Term("body", t) for t in key_terms])
        restriction = wq.And([wq.Term("kind", PASSAGE), wq.Not(wq.Term("article_id", article_id))])
        results = self._searcher.search(query, limit=limit, filter=restriction)
        plan = _Plan(prepare_query(""), query, frozenset(key_terms), frozenset(), (), ())
        known = anchors() if anchors else {}
        hits = [
            self._passage(hit.fields(), hit.score, rank, plan, known)
            for rank, hit in enumerate(results, 1)
        ]
        return SearchResult(
            query=f"like:{label}",
            searched=" ".join(key_terms),
            total=len(hits),
            total_is_estimate=False,
            hits=tuple(hits),
            notes=(f"key terms: {', '.join(key_terms)}",),
        )


DUPLICATE_SLACK = 10
"""Candidates fetched beyond a page, so that hits folded into another as its copies
leave the page still full (and the page's hits collect copies ranked just after it)."""
DUPLICATE_SIMILARITY = 90.0
"""Two passages of different articles with this rapidfuzz ratio (of 100) on their folded
text are one passage (a syndicated copy, up to small edits)."""


@dataclass
class _Page:
    score: float
    fields: Mapping[str, Any]
    key: str
    copies: list[Mapping[str, Any]] = field(default_factory=list)

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(self.key.split())


def _duplicate_key(text: str) -> str:
    """Folded words only: copies differ in spacing, quotes and accents."""
    return " ".join(_WORDS.findall(text.lower().translate(ACCENTS)))


def _duplicate_of(pages: list[_Page], fields: Mapping[str, Any], key: str) -> _Page | None:
    """The hit this passage (its `_duplicate_key`) is a near-copy of (another article's,
    same text up to small edits), if any."""
    if len(key) < DUPLICATE_MIN_CHARS:
        return None
    words: frozenset[str] | None = None
    for page in pages:
        if page.fields["article_id"] == fields["article_id"]:
            continue
        shorter, longer = sorted((len(page.key), len(key)))
        if shorter < longer * DUPLICATE_SIMILARITY / 100:
            continue  # (cannot reach the ratio: not worth comparing)
        words = words if words is not None else frozenset(key.split())
        if len(words & page.words) < DUPLICATE_SHARED_WORDS * len(words | page.words):
            continue  # different words: no copy (a set check, far cheaper than the ratio)
        if fuzz.ratio(page.key, key, score_cutoff=DUPLICATE_SIMILARITY):
            return page
    return None


DUPLICATE_SHARED_WORDS = 0.7
"""Copies share at least this share of their distinct words (checked before the ratio)."""
DUPLICATE_MIN_CHARS = 40
"""Shorter passages ("Share this", a one-line quote) repeat without being copies."""
_WORDS = re.compile(r"\w+")


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


class _ExpandedFuzzy(wq.Or):
    """The capped expansion of a fuzzy term (kept apart from name-variant widening)."""


TITLE_LIFT = 0.3
"""A word found in the passage's article title (every passage indexes it) weighs this
share of its usual score: enough to lift, among passages that match, those of an article
about the query, too little to stand in for a match in the passage itself."""


def _title_lifts_body(query: wq.Query) -> wq.Query:
    """Title matches become a lift: their weight drops to TITLE_LIFT and the passage
    must contain at least one of the query's positive words (or their variants, fuzzy or
    prefix expansions) itself. Without this a passage matched only through its title,
    and about 30 % of a page could contain no query word at all."""
    body = _positive_body_leaves(query)
    if not body:
        return query  # nothing the passage itself could contain (a field-only query)

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, (wq.Term, wq.Phrase)) and node.fieldname == "title":
            lifted = node.copy()
            lifted.boost = node.boost * TITLE_LIFT
            return lifted
        return node.apply(visit) if not node.is_leaf() else node

    if isinstance(query, wq.Or) and type(query) is wq.Or:
        # one word over both fields (the commonest query, and every keystroke of one):
        # the body part required, the title part a lift, without a second Or of the body
        parts = {
            name: [q for q in query.subqueries if _fields(q) == {name}] for name in TEXT_FIELDS
        }
        if parts["body"] and len(parts["body"]) + len(parts["title"]) == len(query.subqueries):
            required = _one_or_or(parts["body"])
            if not parts["title"]:
                return required
            return wq.AndMaybe(required, visit(_one_or_or(parts["title"])))
    return RequireAny(visit(query), body)


def _one_or_or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _fields(query: wq.Query) -> set[str]:
    """The fields of a query's leaves."""
    if query.is_leaf():
        return {query.fieldname} if getattr(query, "fieldname", None) else {""}
    return {name for child in query.children() for name in _fields(child)}


SOURCE_LEADS = 3
"""A plain query naming a source (publication, or file name) brings at most this many of
its articles (their lead passages) to the top, so the name finds them without flooding."""


def _source_part(prepared: PreparedQuery) -> wq.Query | None:
    """Every word of a plain query over the source field (None for any other query)."""
    words = prepared.plain_words
    if not words or len(words) != len(prepared.text.split()):
        return None
    terms = [t.text for w in words for t in keyword_analyzer()(w)]
    if not terms:
        return None
    return wq.And([wq.Term("source", term) for term in terms])


def _title_part(query: wq.Query) -> wq.Query | None:
    """The query with its body terms removed (None when it excludes words: a lead passage
    could contain what is excluded)."""
    has_not = False

    def visit(node: wq.Query) -> wq.Query:
        nonlocal has_not
        if isinstance(node, (wq.Not, wq.AndNot)):
            has_not = True
            return node
        if isinstance(node, (wq.Term, wq.Phrase)) and node.fieldname == "body":
            return wq.NullQuery
        return node.apply(visit) if not node.is_leaf() else node

    title = visit(query).normalize()
    return None if has_not or title is wq.NullQuery else title


def _positive_body_leaves(query: wq.Query) -> list[wq.Query]:
    """The body terms and phrases a matching passage may contain (not under NOT)."""
    found: dict[tuple[str, str], wq.Query] = {}

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        if isinstance(node, wq.AndMaybe):
            visit(node.a)  # the optional part (adjacency) is already in the required one
            return
        if isinstance(node, wq.Term) and node.fieldname == "body":
            found.setdefault(("t", _text_of(node.text)), wq.Term("body", node.text))
            return
        if isinstance(node, wq.Phrase) and node.fieldname == "body":
            key = ("p", " ".join(_text_of(w) for w in node.words))
            found.setdefault(key, wq.Phrase("body", node.words, slop=node.slop))
            return
        if not node.is_leaf():
            for child in node.children():
                visit(child)

    visit(query)
    return list(found.values())


def _text_of(text: str | bytes) -> str:
    return text if isinstance(text, str) else text.decode("utf-8")


ADJACENCY_BOOST = 1.5
ADJACENCY_MAX_PASSAGES = 5_000


def _prefer_adjacent(
    parsed: wq.Query, prepared: PreparedQuery, doc_frequency: Callable[[str, str], int]
) -> wq.Query:
    """Several bare words rank higher where they stand together ("joint battalion"),
    without requiring it: AndMaybe adds the phrase's score only where it matches.

    Not when every word is very common: checking word positions in each of tens of
    thousands of passages costs seconds in whoosh (ADJACENCY_MAX_PASSAGES)."""
    words = [stem(w) for w in prepared.plain_words]
    words = [w for w in words if w]
    if len(words) < 2 or len(words) != len(prepared.text.split()):
        return parsed
    if min(doc_frequency("body", w) for w in words) > ADJACENCY_MAX_PASSAGES:
        return parsed
    phrase = wq.Phrase("body", words, slop=1, boost=ADJACENCY_BOOST)
    return wq.AndMaybe(parsed, phrase)


def highlight_spans_in(text: str, stems: Iterable[str]) -> list[Span]:
    """Highlights for arbitrary text (the reader's whole article) from a result's terms."""
    return match_spans(text, frozenset(stems))


AUTO_CORRECT_SIMILARITY = 0.75
"""A correction is searched without asking only this similar to the typed word (1 - edits
/ the longer length): one slip in a five-letter word, two in an eight-letter one."""
AUTO_CORRECT_MIN_LENGTH = 4
SHORT_WORD = 5
"""A word shorter than this is too easily another word one letter away ("Iran"/"Iraq",
"Kano"/"Kane"): only a missing letter is repaired in it ("jont" -> "joint")."""


def same_word(typed: str, fix: str, is_proper: Callable[[str], bool]) -> bool:
    """Whether `fix` (a folded corpus word) is clearly `typed` mistyped, not another word:

    - at least AUTO_CORRECT_MIN_LENGTH letters, the same first letter ("Kremlin" is
      not "remain");
    - similar enough (AUTO_CORRECT_SIMILARITY: "Nigeria" is not "niger");
    - not a longer or shorter form of it ("Malik"/"Mali"), unless the difference is a
      doubled last letter ("Fidell"/"Fidel");
    - it sounds alike (`consonant_skeleton`: "Wagner" is not "Warner");
    - a capitalised word stays a name: its correction must be a word the corpus writes
      as a name (`is_proper`)."""
    folded = fold(typed)
    if len(folded) < AUTO_CORRECT_MIN_LENGTH or folded[0] != fix[:1]:
        return False
    edits = Levenshtein.distance(folded, fix)
    if 1 - edits / max(len(folded), len(fix)) < AUTO_CORRECT_SIMILARITY:
        return False
    if len(folded) < SHORT_WORD and (edits > 1 or len(fix) != len(folded) + 1):
        return False
    shorter, longer = sorted((folded, fix), key=len)
    if longer.startswith(shorter) and set(longer[len(shorter) :]) != {shorter[-1]}:
        return False
    if not _sounds_alike(folded, fix):
        return False
    return not typed[:1].isupper() or is_proper(fix)


def _sounds_alike(a: str, b: str) -> bool:
    """The same skeleton, or one consonant apart in a long one ("Schwartzkopf")."""
    first, second = consonant_skeleton(a), consonant_skeleton(b)
    if first == second:
        return True
    return min(len(first), len(second)) >= 6 and Levenshtein.distance(first, second) <= 1


def _completion_weight(frequency: int, most: int) -> float:
    """Half the weight for the rarest completion of a prefix, all of it for the commonest."""
    return 0.5 + 0.5 * frequency / most


def _within_budget(words: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The leading (most frequent) words whose frequencies fit PREFIX_POSTINGS_BUDGET."""
    kept: list[tuple[int, str]] = []
    total = 0
    for frequency, word in words:
        if kept and total + frequency > PREFIX_POSTINGS_BUDGET:
            break
        kept.append((frequency, word))
        total += frequency
    return kept


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int = _CACHE_SIZE) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)
