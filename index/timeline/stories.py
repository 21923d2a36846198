"""Same story: article profiles (place, names, key terms) and which articles report
the same story as which, near-linear on 10,000 articles."""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from rapidfuzz import fuzz, process

from index.models import Article
from index.timeline.anchors import _WORD, _name_of, _word_terms, fold

SAME_STORY = 0.3
"""Similarity from which two articles are taken to report the same story."""
MAX_NAME_DF = 0.2
"""Names found in more than this share of a large corpus are too common to pair articles."""
MIN_NAME_DF_CAP = 200
"""Small corpora (often one story) never drop a name: the postings are short anyway."""


class ArticleProfile:
    """What makes two reports "the same story": place, names, key terms, as sets.

    Made when a comparison needs it from the `ProfileParts` kept per article (a plain
    class: a frozen dataclass took twice as long to make, 100,000 times at 10k).
    """

    __slots__ = ("article_id", "long_names", "names", "place", "terms")

    def __init__(
        self,
        article_id: str,
        place: str | None,
        names: frozenset[str],
        terms: frozenset[str],
        long_names: tuple[str, ...] | None = None,
    ) -> None:
        self.article_id = article_id
        self.place = place
        self.names = names
        self.terms = terms
        self.long_names = (
            long_names if long_names is not None else tuple(n for n in names if len(n) >= 5)
        )
        """Names of 5+ letters: the only ones matched by near-identical spelling."""


ProfileParts = tuple[str | None, tuple[str, ...], int, tuple[str, ...]]
"""A profile as kept for a whole corpus: place, names (the long ones first), how many
are long, terms.  Tuples: a set of 40 words takes 2.2 kB, six times the tuple."""


def profile_parts(article: Article, top_terms: int = 40) -> ProfileParts:
    """Summarise an article for similarity; cheap enough for 10,000 articles.

    Words are counted before they are stemmed (each distinct word once); ties
    between equally frequent terms keep first-occurrence order, as counting the
    stems directly would (`heapq.nlargest` is what `Counter.most_common` runs).
    """
    place = article.place or article.dateline
    place_key = fold(re.split(r"[,—–-]", place)[0]).strip() if place else None
    counts: dict[str, int] = {}
    for word, n in Counter(_WORD.findall(fold(article.text))).items():
        for term in _word_terms(word):
            counts[term] = counts.get(term, 0) + n
    terms = tuple(t for t, _ in heapq.nlargest(top_terms, counts.items(), key=itemgetter(1)))
    names = {nm for w in set(_WORD.findall(article.text)) if (nm := _name_word(w))}
    long_names = [n for n in names if len(n) >= 5]
    ordered = (*long_names, *(n for n in names if len(n) < 5))
    return place_key or None, ordered, len(long_names), terms


def profile(article: Article, top_terms: int = 40) -> ArticleProfile:
    """`profile_parts` as an `ArticleProfile`, ready to compare."""
    return _profile_of(article.id, profile_parts(article, top_terms))


def _profile_of(article_id: str, parts: ProfileParts) -> ArticleProfile:
    place, names, long_count, terms = parts
    return ArticleProfile(article_id, place, frozenset(names), frozenset(terms), names[:long_count])


def _name_word(word: str) -> str | None:
    return _name_of(word) if word[0].isupper() else None


def _fuzzy_shared(a: frozenset[str], b: frozenset[str], b_long: Sequence[str] | None = None) -> int:
    """Names in `a` with an exact or near-identical spelling in `b` ("Pham" ~ "Phamm")."""
    shared = len(a & b)
    longer = list(b_long if b_long is not None else (n for n in b if len(n) >= 5))
    if longer:
        for name in a:
            if (
                len(name) >= 5
                and name not in b
                and process.extractOne(name, longer, scorer=fuzz.ratio, score_cutoff=80)
            ):
                shared += 1
    return shared


def _score(a: ArticleProfile, b: ArticleProfile, shared_names: int) -> float:
    name_sim = shared_names / math.sqrt(max(1, len(a.names) * len(b.names)))
    term_sim = len(a.terms & b.terms) / math.sqrt(max(1, len(a.terms) * len(b.terms)))
    score = 0.5 * min(1.0, name_sim) + 0.4 * term_sim
    if a.place and b.place:
        score += 0.1 if a.place == b.place else -0.1
    return max(0.0, min(1.0, score))


def article_similarity(a: ArticleProfile, b: ArticleProfile) -> float:
    """0..1: weighted overlap of names and key terms, plus agreement of place.

    Overlaps are normalised by the geometric mean of the set sizes so a short
    report of a story still matches a long one.
    """
    return _score(a, b, _fuzzy_shared(a.names, b.names, b.long_names))


def same_story(a: ArticleProfile, b: ArticleProfile, fuzzy_allowance: int | None = None) -> bool:
    """Whether `article_similarity(a, b) >= SAME_STORY`, mostly without fuzzy matching.

    The score only grows with the number of shared names, so exact matches alone
    (a lower bound) or every remaining long name matching (an upper bound)
    usually settle it.  `fuzzy_allowance` caps that upper bound: on large
    corpora, where near-identical spellings add a name or two at most, a pair that
    could only pass with more is taken as a different story.  The arithmetic is
    `_score`'s, step for step, so the bounds round exactly as the score does.
    """
    exact = len(a.names & b.names)
    name_norm = math.sqrt(max(1, len(a.names) * len(b.names)))
    term_part = 0.4 * (len(a.terms & b.terms) / math.sqrt(max(1, len(a.terms) * len(b.terms))))
    place = (0.1 if a.place == b.place else -0.1) if a.place and b.place else 0.0

    def passes(shared: int) -> bool:
        score = 0.5 * min(1.0, shared / name_norm) + term_part
        if place:
            score += place
        return max(0.0, min(1.0, score)) >= SAME_STORY

    if passes(exact):
        return True
    if not b.long_names:
        return False
    open_names = len(a.long_names) - len(b.names.intersection(a.long_names))
    if fuzzy_allowance is not None:
        open_names = min(open_names, fuzzy_allowance)
    if not open_names or not passes(exact + open_names):
        return False
    return passes(_fuzzy_shared(a.names, b.names, b.long_names))


def story_partners(
    profiles: Profiles,
    wanted: set[str] | None = None,
    limit: int = 10,
    fuzzy_allowance: int | None = None,
) -> dict[str, list[tuple[float, str]]]:
    """For each article (or those in `wanted`), the articles of the same story, best first.

    Candidates come from an inverted index on names, skipping names common to a
    large share of the corpus, so the work stays near-linear on 10,000 articles.
    """
    by_name: dict[str, list[int]] = defaultdict(list)
    for i in range(len(profiles)):
        for name in profiles.names(i):
            by_name[name].append(i)
    max_df = max(MIN_NAME_DF_CAP, int(MAX_NAME_DF * len(profiles)))
    out: dict[str, list[tuple[float, str]]] = {}
    for i in range(len(profiles)):
        if wanted is not None and profiles.article_id(i) not in wanted:
            continue
        shared: Counter[int] = Counter()
        for name in profiles.names(i):
            posting = by_name[name]
            if len(posting) <= max_df:
                shared.update(j for j in posting if j != i)
        p = profiles.at(i)
        scored = []
        for j, _n in sorted(shared.items(), key=lambda c: (-c[1], c[0]))[: limit * 3]:
            q = profiles.at(j)
            # the bounds settle most pairs without fuzzy name matching: only the same
            # story is scored (more articles borrow now that none is dated by a guess)
            if not same_story(p, q, fuzzy_allowance):
                continue
            sim = article_similarity(p, q)
            if sim >= SAME_STORY:
                scored.append((round(sim, 3), profiles.article_id(j)))
        scored.sort(key=lambda s: (-s[0], s[1]))
        out[p.article_id] = scored[:limit]
    return out


LARGE_CORPUS = 200
"""From this many articles, same-story tests cap how many names fuzzy spelling may add."""
FUZZY_ALLOWANCE = 3


PROFILES_KEPT = 1024
"""How many profiles `Profiles` keeps ready to compare (their sets): at 10k articles
the same-story tests of the timeline find the one they need there ~80% of the time."""


class Profiles:
    """Every article's profile in corpus order, kept as `ProfileParts` (tuples); the
    `ArticleProfile` (frozensets) that comparisons need is made on demand, and only
    the last `PROFILES_KEPT` used are kept: all of them took 65 MB at 10k articles."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._ids: list[str] = []
        self._parts: list[ProfileParts] = []
        # the cache holds the lists, not self: no reference cycle to wait for the collector
        self.at: Callable[[int], ArticleProfile] = functools.lru_cache(maxsize=PROFILES_KEPT)(
            functools.partial(_profile_at, self._ids, self._parts)
        )
        """The profile of the i-th article, ready to compare."""
        for article in articles:
            self.add(article)

    def add(self, article: Article) -> None:
        self._ids.append(article.id)
        self._parts.append(profile_parts(article))

    def __len__(self) -> int:
        return len(self._parts)

    def article_id(self, i: int) -> str:
        return self._ids[i]

    def names(self, i: int) -> tuple[str, ...]:
        return self._parts[i][1]


def _profile_at(ids: list[str], parts: list[ProfileParts], i: int) -> ArticleProfile:
    return _profile_of(ids[i], parts[i])
