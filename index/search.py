"""Searching passages: query parsing, name variants, typo correction, snippets.

One `PassageSearcher` lives as long as an index generation: it keeps a whoosh
searcher and the vocabularies open so each keystroke's query costs only the
search itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import qparser
from whoosh import query as wq
from whoosh.index import Index
from whoosh.searching import Hit, Searcher

from index.analysis import fold, stem
from index.highlight import make_snippet, match_spans
from index.models import DateAnchor, Passage, SearchResult, Span
from index.querylang import PreparedQuery, is_empty, prepare_query
from index.schema import ARTICLE, PASSAGE
from index.variants import VariantTable, variant_groups

TEXT_FIELDS = ("title", "body")
PREFIX_EXPANSION_LIMIT = 64
"""As-you-type expands the last word to at most this many index terms (the most
frequent), so a one-letter prefix never turns into a query over the whole lexicon."""
FUZZY_MAX_EDITS = 2

AnchorsProvider = Callable[[], Mapping[str, DateAnchor]]


@dataclass(frozen=True, slots=True)
class _Plan:
    prepared: PreparedQuery
    query: wq.Query
    highlight_stems: frozenset[str]
    highlight_folded: frozenset[str]
    notes: tuple[str, ...]
    variants: tuple[tuple[str, tuple[str, ...]], ...]


class PassageSearcher:
    def __init__(self, ix: Index, records: Iterable[Any]) -> None:
        self._ix = ix
        self._searcher: Searcher = ix.searcher()
        self._records = {r.id: r for r in records}
        pairs = [(a, b) for r in self._records.values() for a, b in r.name_pairs]
        self.variants = VariantTable(variant_groups(pairs))
        self._parser = self._make_parser()

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
    def _vocabulary(self) -> tuple[list[str], dict[str, int]]:
        """Real (folded, unstemmed) words of the corpus and their passage frequencies."""
        reader = self._searcher.reader()
        words: list[str] = []
        frequency: dict[str, int] = {}
        for term_bytes in reader.lexicon("words"):
            word = term_bytes.decode("utf-8")
            if len(word) < 3 or word.isdigit() or not stem(word):
                continue
            words.append(word)
            frequency[word] = reader.doc_frequency("words", word)
        return words, frequency

    def _in_index(self, word: str) -> bool:
        word_stem = stem(word)
        if not word_stem:
            return True  # a stop word is never a typo
        return any(self._searcher.doc_frequency(f, word_stem) for f in TEXT_FIELDS)

    def correction(self, word: str) -> str | None:
        """The corpus word nearest to `word` (fewest edits, then most frequent)."""
        words, frequency = self._vocabulary
        folded = fold(word)
        max_edits = 1 if len(folded) <= 5 else FUZZY_MAX_EDITS
        candidates = process.extract(
            folded, words, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=20
        )
        if not candidates:
            return None
        best = min(candidates, key=lambda c: (c[1], -frequency.get(c[0], 0), c[0]))
        return best[0]

    # -- planning ----------------------------------------------------------------------

    def _plan(self, text: str, *, as_you_type: bool) -> _Plan:
        prepared = prepare_query(text)
        notes: list[str] = list(prepared.notes)
        query_text = prepared.text
        if as_you_type:
            query_text = _prefix_last_word(query_text)
        try:
            parsed = self._parser.parse(query_text) if query_text else wq.Every()
        except Exception:
            words = prepared.plain_words or query_text.split()
            parsed = wq.And([wq.Or([wq.Term(f, stem(w)) for f in TEXT_FIELDS]) for w in words])
            message = "could not parse the query; searched its words"
            notes.append(message)
            prepared.error = prepared.error or message
        parsed = self._cap_expansions(parsed)
        parsed = _prefer_adjacent(parsed, prepared)
        widened, variants = self._widen_variants(parsed)
        for term, spellings in variants:
            notes.append(f"{term}: also searched {', '.join(spellings)}")
        stems, folded = self._highlight_terms(widened)
        return _Plan(prepared, widened, stems, folded, tuple(notes), tuple(variants))

    def _cap_expansions(self, query: wq.Query) -> wq.Query:
        """Prefix and fuzzy terms become a bounded Or of real terms."""

        def visit(node: wq.Query) -> wq.Query:
            if isinstance(node, wq.FuzzyTerm):
                node.maxdist = min(node.maxdist, FUZZY_MAX_EDITS)
                return node
            if isinstance(node, wq.Prefix):
                return self._expanded_prefix(node.fieldname, node.text)
            return node.apply(visit) if node.is_leaf() is False else node

        return visit(query)

    def _expanded_prefix(self, fieldname: str, prefix: str) -> wq.Query:
        """`confedera*` → the stems of the corpus words that start with it.

        Expanding against the unstemmed `words` field matters: "confedera" is no prefix
        of the stem "confeder", but it is of "confederal" and "confederation"."""
        reader = self._searcher.reader()
        folded = fold(prefix)
        words: list[tuple[int, str]] = []
        for term in reader.expand_prefix("words", folded):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            words.append((reader.doc_frequency("words", word), word))
        words.sort(reverse=True)
        stems = dict.fromkeys(s for _, w in words[:PREFIX_EXPANSION_LIMIT] if (s := stem(w)))
        fieldnames = TEXT_FIELDS if fieldname in TEXT_FIELDS else (fieldname,)
        if not stems:
            return wq.Term(fieldname, folded)  # matches nothing, and says so honestly
        return wq.Or([wq.Term(name, text) for text in stems for name in fieldnames])

    def _widen_variants(
        self, query: wq.Query
    ) -> tuple[wq.Query, list[tuple[str, tuple[str, ...]]]]:
        widened: dict[str, tuple[str, ...]] = {}

        def visit(node: wq.Query) -> wq.Query:
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

    def _highlight_terms(self, query: wq.Query) -> tuple[frozenset[str], frozenset[str]]:
        """Stems of the query's positive terms (not under NOT), expanded for fuzzy terms."""
        reader = self._searcher.reader()
        stems: set[str] = set()

        def visit(node: wq.Query) -> None:
            if isinstance(node, wq.Not):
                return
            if isinstance(node, wq.AndNot):
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
                stems.update(node.words)
                return
            for child in node.children():
                visit(child)

        visit(query)
        return frozenset(stems), frozenset()

    # -- searching ---------------------------------------------------------------------

    def search(
        self,
        text: str,
        limit: int = 20,
        *,
        group_by_article: bool = False,
        as_you_type: bool = False,
        anchors: AnchorsProvider | None = None,
    ) -> SearchResult:
        plan = self._plan(text, as_you_type=as_you_type)
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
        result = self._run(plan, limit, allowed, group_by_article, anchors)
        suggestion = None
        corrected = False
        searched = plan.prepared.text
        if not as_you_type:
            fixed = self._corrected_query(plan.prepared)
            if fixed is not None:
                suggestion = fixed
                if result[1] == 0:
                    retry = self._plan(fixed, as_you_type=False)
                    retry_result = self._run(retry, limit, allowed, group_by_article, anchors)
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

    def _corrected_query(self, prepared: PreparedQuery) -> str | None:
        text = prepared.text
        changed = False
        for word in prepared.plain_words:
            if self._in_index(word):
                continue
            fix = self.correction(word)
            if fix and fix != fold(word):
                text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", fix, text, count=1)
                changed = True
        return text if changed else None

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
    ) -> tuple[list[Passage], int, bool]:
        restriction: wq.Query = wq.Term("kind", PASSAGE)
        if allowed is not None:
            restriction = wq.And(
                [restriction, wq.Or([wq.Term("article_id", a) for a in sorted(allowed)])]
            )
        fetch = max(1, limit) * (4 if group_by_article else 1)
        results = self._searcher.search(plan.query, limit=fetch, filter=restriction)
        exact = results.has_exact_length()
        total = len(results) if exact else results.estimated_length()
        known = anchors() if anchors else {}
        hits: list[Passage] = []
        seen: set[str] = set()
        for hit in results:
            if group_by_article:
                if hit["article_id"] in seen:
                    continue
                seen.add(hit["article_id"])
            hits.append(self._passage(hit, len(hits) + 1, plan, known))
            if len(hits) >= limit:
                break
        if group_by_article:
            total = len(seen) if len(hits) < limit else total
        return hits, total, exact

    def _passage(
        self, hit: Hit, rank: int, plan: _Plan, anchors: Mapping[str, DateAnchor]
    ) -> Passage:
        fields = hit.fields()
        body = fields.get("body", "")
        spans = match_spans(body, plan.highlight_stems, plan.highlight_folded)
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
            score=float(hit.score or 0.0),
            rank=rank,
            snippet=snippet,
            highlights=snippet_spans,
            text_highlights=tuple(spans),
            matched_terms=matched,
            place=record.place if record else (fields.get("place") or None),
            date=date if isinstance(date, dt.date) else None,
            source=fields.get("source_label"),
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
        kind = PASSAGE if paragraph is not None else ARTICLE
        conditions = [wq.Term("article_id", article_id), wq.Term("kind", kind)]
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
        hits = [self._passage(hit, rank, plan, known) for rank, hit in enumerate(results, 1)]
        return SearchResult(
            query=f"like:{label}",
            searched=" ".join(key_terms),
            total=len(hits),
            total_is_estimate=False,
            hits=tuple(hits),
            notes=(f"key terms: {', '.join(key_terms)}",),
        )


ADJACENCY_BOOST = 1.5


def _prefer_adjacent(parsed: wq.Query, prepared: PreparedQuery) -> wq.Query:
    """Several bare words rank higher where they stand together ("joint battalion"),
    without requiring it: AndMaybe adds the phrase's score only where it matches."""
    words = [stem(w) for w in prepared.plain_words]
    words = [w for w in words if w]
    if len(words) < 2 or len(words) != len(prepared.text.split()):
        return parsed
    phrase = wq.Phrase("body", words, slop=1, boost=ADJACENCY_BOOST)
    return wq.AndMaybe(parsed, phrase)


_LAST_WORD = re.compile(r"(?:^|(?<=\s))([^\W_][\w'’]*)$")


def _prefix_last_word(text: str) -> str:
    """'joint batt' → 'joint batt*' unless the last word is inside quotes or a field."""
    if not text or text.endswith((" ", '"', "*", "~")) or text.count('"') % 2:
        return text
    match = _LAST_WORD.search(text)
    if not match or len(match.group(1)) < 2 or match.group(1) in {"AND", "OR", "NOT"}:
        return text
    return text + "*"


def highlight_spans_in(text: str, stems: Iterable[str]) -> list[Span]:
    """Highlights for arbitrary text (the reader's whole article) from a result's terms."""
    return match_spans(text, frozenset(stems))
