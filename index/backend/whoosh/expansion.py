"""Turning a parsed whoosh query into one over real index terms: prefixes and fuzzy words
expanded to a bounded Or of the corpus's terms, wildcards checked against the query
budget, and name variants widened to every spelling the corpus uses."""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq

from index.backend.whoosh.budget import bounded_wildcard, check_size
from index.backend.whoosh.queries import TEXT_FIELDS, ExpandedFuzzy, text_of
from index.search import planner
from index.store.sidecar import LazyVocabulary
from index.text.variants import VariantTable
from index.text.words import fold, stem

FUZZY_MAX_EDITS = 2
FUZZY_EXPANSION_LIMIT = 32
"""A fuzzy term (word~) matches at most this many index terms: the nearest, then the
most frequent (whoosh alone would expand it to every term within the distance)."""
PREFIX_CACHE_SIZE = 256

Variants = dict[str, tuple[str, ...]]
"""A widened word -> the other spellings also searched."""


class QueryExpander:
    """Expansions over one index generation (its lexicon, vocabulary and variants)."""

    def __init__(
        self,
        words: LazyVocabulary,
        variants: VariantTable,
        lexicon: Callable[[str], list[str]],
        doc_frequency: Callable[[str, str], int],
    ) -> None:
        self._words = words
        self.variants = variants
        self._lexicon = lexicon
        self._doc_frequency = doc_frequency
        self._prefix_cache: OrderedDict[str, list[tuple[int, str]]] = OrderedDict()

    def cap_expansions(self, query: wq.Query, *, as_you_type: bool = False) -> wq.Query:
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
        words = self.prefix_words(folded)
        if as_you_type:
            words = planner.within_budget(words)
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
                wq.Term(fieldname, text, boost=planner.completion_weight(frequency, most))
                for text, frequency in stems.items()
            ]
        )

    def prefix_words(self, folded: str) -> list[tuple[int, str]]:
        """The PREFIX_EXPANSION_LIMIT most frequent words starting with `folded`, as
        (frequency, word), most frequent first.

        From the vocabulary's article counts (where whoosh's iter_prefix looked every
        term up again in every segment). Cached per index generation, as backspacing
        and retyping asks for the same prefixes again."""
        cached = self._prefix_cache.get(folded)
        if cached is not None:
            self._prefix_cache.move_to_end(folded)
            return cached
        kept = self._words.most_frequent_with_prefix(folded, planner.PREFIX_EXPANSION_LIMIT)
        self._prefix_cache[folded] = kept
        if len(self._prefix_cache) > PREFIX_CACHE_SIZE:
            self._prefix_cache.popitem(last=False)
        return kept

    def _expanded_fuzzy(self, node: wq.FuzzyTerm) -> wq.Query:
        """word~N as an Or of at most FUZZY_EXPANSION_LIMIT real terms (the nearest, then
        the most frequent), scored as whoosh scores its expansion; found with rapidfuzz
        instead of whoosh's pure-Python automaton, which also had no cap."""
        text = text_of(node.text)
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
        frequency = self._doc_frequency
        ranked = sorted(candidates, key=lambda c: (c[1], -frequency(node.fieldname, c[0]), c[0]))
        kept = [wq.Term(node.fieldname, term) for term, _, _ in ranked[:FUZZY_EXPANSION_LIMIT]]
        if not kept:
            kept = [wq.Term(node.fieldname, text)]  # matches nothing, as whoosh's would
        return ExpandedFuzzy(kept, boost=node.boost)

    def widen_variants(self, query: wq.Query, widened: Variants) -> wq.Query:
        """Each word with name variants also matches their spellings (noted in `widened`)."""

        def visit(node: wq.Query) -> wq.Query:
            if isinstance(node, ExpandedFuzzy):
                return node  # word~ stays a fuzzy match of the typed word, as before
            if isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS:
                text = text_of(node.text)
                others = self.variants.variants_of(text)
                if others:
                    widened[text] = tuple(sorted(others))
                    forms = {text, *(stem(o) for o in others)}
                    return wq.Or([wq.Term(node.fieldname, f) for f in sorted(forms)])
                return node
            if isinstance(node, wq.Phrase) and node.fieldname in TEXT_FIELDS:
                return self._phrase_variants(node, widened)
            return node.apply(visit) if not node.is_leaf() else node

        return visit(query)

    def _phrase_variants(self, phrase: wq.Phrase, widened: Variants) -> wq.Query:
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
