"""Infer the date each article was written (its anchor).

Relative expressions ("Tuesday", "last year") only mean something against the
article's own date, and most scraped articles do not state it.  The order of
evidence, strongest first:

1. front matter `date:` (date_source "front_matter", confidence 1);
2. a date in the file name (`2024-03-05-...`, `...20240305...`, `AP900815-0044`) or
   in the dateline ("HALVERSTON, June 10, 2025 —");
3. the article's own clues: a weekday written next to a day-month ("Tuesday, 23
   December") or anywhere in the same article, neither in a clause about the future;
   the year is decided only when exactly one fitting year lies between the latest
   year the article treats as past and today, or exactly one is written in the text;
4. clues lent by articles that report the same story (similar place, names,
   key terms): the missing half of a weekday/day-month pair, or failing that
   the partner's own anchor (a borrowed date is not lent on);
5. nothing decides: date None, date_source "unknown" ("date unknown"), never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta
from rapidfuzz import fuzz, process

from index.models import Article, DateAnchor
from index.text.temporal import RawExpr
from index.text.words import fold, stem

SAME_STORY = 0.3
"""Similarity from which two articles are taken to report the same story."""
MAX_NAME_DF = 0.2
"""Names found in more than this share of a large corpus are too common to pair articles."""
MIN_NAME_DF_CAP = 200
"""Small corpora (often one story) never drop a name: the postings are short anyway."""
YEARS_BACK = 80
"""How far before `today` the weekday/day-month search looks for a year."""

RD_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
"""dateutil weekday objects indexed like `date.weekday()`."""

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[—–:]\s+)$")
_STOPWORD_TEXT = """
    a about above after again against all also although among an and any are as at be
    because been before being between both but by can could did do does during each either
    even ever few for from further had has have having he her here hers him his how however
    i if in into is it its itself just last least less many may me might more most much must
    my near neither next no nor not now of off on once one only or other our out over own
    per same she should since so some such than that the their them then there these they
    this those though three through to too two under until up upon us very was we were what
    when where whether which while who whom whose why will with within without would yet you
    your said says say told according also new including despite amid across towards toward
    year years month months week weeks day days today yesterday tomorrow weekend morning
    afternoon evening night monday tuesday wednesday thursday friday saturday sunday january
    february march april june july august september october november december recent
    recently coming ago earlier later first second
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def content_terms(text: str) -> list[str]:
    """Folded, stemmed content words of `text` (stopwords and short words dropped).

    The text is folded once, not word by word: this runs over every article.
    """
    out: list[str] = []
    for word in _WORD.findall(fold(text)):
        out.extend(_word_terms(word))
    return out


@functools.lru_cache(maxsize=1 << 17)
def _word_terms(word: str) -> tuple[str, ...]:
    """The stemmed content parts of one folded word ("cross-border" -> cross, border)."""
    return tuple(stem(part) for part in word.split("-") if len(part) >= 3 and part not in STOPWORDS)


def capitalised_names(text: str) -> list[str]:
    """Folded capitalised words that are not sentence-initial function words."""
    out = []
    for word in _WORD.findall(text):
        if word[0].isupper() and (name := _name_of(word)) is not None:
            out.append(name)
    return out


@functools.lru_cache(maxsize=1 << 17)
def _name_of(word: str) -> str | None:
    folded = fold(word).removesuffix("'s")
    return None if folded in STOPWORDS or len(folded) < 3 else folded


def forget_words() -> None:
    """Empty the caches of words seen: they spare stemming and folding a word again
    while a corpus is read, and then only hold memory (10 MB at 10k articles)."""
    _word_terms.cache_clear()
    _name_of.cache_clear()


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


# --- clues -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clues:
    """The date evidence one article carries, read from its unresolved expressions."""

    weekdays: tuple[RawExpr, ...]
    day_months: tuple[RawExpr, ...]
    """Day-month without a year (and without a weekday of its own)."""
    paired: tuple[RawExpr, ...]
    """Day-month written with its weekday ("Tuesday, 23 December")."""
    full_dates: tuple[RawExpr, ...]
    past_year: int | None
    """Latest year the article treats as past ("since 2012", "formed in 2023")."""
    years: frozenset[int] = frozenset()
    """Every year written in the text: among the years whose calendar fits a weekday
    and day-month (one in every 5-11), the one the article names is its year."""


def clues_of(raw: Sequence[RawExpr]) -> Clues:
    """Sort an article's expressions into the kinds of date evidence they give.

    A weekday or day-month in a clause about the future ("the vote will be held on
    Sunday, 9 November") names a coming event, not the day of writing: left out.
    """
    weekdays, day_months, paired, full, past = [], [], [], [], []
    years: set[int] = set()
    for r in raw:
        kind = r.get("kind")
        if r.get("year") is not None:
            years.add(int(r["year"]))
        future = bool(r.get("future_cue"))
        if kind == "weekday" and r.get("direction") in (None, "this") and not future:
            weekdays.append(r)
        elif kind == "date" and r.get("order", "dmy") != "ambiguous":
            if r.get("year") is not None:
                full.append(r)
            elif future:
                continue
            elif r.get("weekday") is not None:
                paired.append(r)
            else:
                day_months.append(r)
        elif kind == "year" and (r.get("open") or r.get("past_cue")):
            past.append(int(r["year"]))
    return Clues(
        tuple(weekdays),
        tuple(day_months),
        tuple(paired),
        tuple(full),
        max(past) if past else None,
        frozenset(years),
    )


def year_candidates(weekday: int, month: int, day: int, today: dt.date) -> list[dt.date]:
    """Every date not after `today` (latest first, `YEARS_BACK` years) on which the
    day-month falls on `weekday`."""
    out = []
    for year in range(today.year, today.year - YEARS_BACK, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= today and d.weekday() == weekday:
            out.append(d)
    return out


def pin_year(
    weekday: int,
    month: int,
    day: int,
    today: dt.date,
    not_before: int | None,
    written: frozenset[int] = frozenset(),
) -> tuple[dt.date | None, str]:
    """The one year in which day-month falls on `weekday`, when the article decides it.

    Decided when exactly one fitting year lies between the latest year the article
    treats as past (`not_before`) and today, or else when exactly one fitting year is
    written in the article.  Otherwise None: "the latest such year" is a guess that
    was wrong on every older article measured (TimeBank, 1989-1998).  The string
    says what decided it.
    """
    candidates = year_candidates(weekday, month, day, today)
    if not_before is not None:
        bounded = [d for d in candidates if d.year >= not_before]
        if len(bounded) == 1:
            return bounded[0], f"the only such year from {not_before} (treated as past) to today"
        if bounded:
            candidates = bounded
    named = [d for d in candidates if d.year in written]
    if len(named) == 1:
        return named[0], f"the only such year written in the article ({named[0].year})"
    return None, ""


_FILE_ISO = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_FILE_YYMMDD = re.compile(r"^[A-Za-z]{2,5}(\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[-_.])")


def date_from_file(file: str, today: dt.date) -> tuple[dt.date, str] | None:
    """A publication date written in the file name: `2024-03-05-...`, `...20240305...`,
    or a wire id `AP900815-0044` (letters, then year-month-day in six digits)."""
    name = file.rsplit("/", 1)[-1]
    for pattern, how in ((_FILE_ISO, "date"), (_FILE_YYMMDD, "wire-id date")):
        m = pattern.search(name)
        if m is None:
            continue
        year = int(m.group(1))
        if len(m.group(1)) == 2:
            year += 1900 if year >= 50 else 2000
        try:
            d = dt.date(year, int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if d <= today + dt.timedelta(days=1):
            return d, f'file name "{name}" carries the {how} {d.isoformat()}'
    return None


_DATELINE_BEFORE = re.compile(r"(?:^|\n)[^\S\n]*[A-Z][A-Z .,'’()-]{1,40},[^\S\n]*\Z")
_DATELINE_AFTER = re.compile(r"[^\S\n]*(?:\([A-Za-z ]+\)[^\S\n]*)?(?:—|–|-|_)")


def _dateline_date(text: str, clues: Clues) -> tuple[dt.date, RawExpr] | None:
    """A full date in a dateline: "HALVERSTON, June 10, 2025 — ..."."""
    for e in clues.full_dates:
        before = text[max(0, e["start"] - 60) : e["start"]]
        if _DATELINE_BEFORE.search(before) and _DATELINE_AFTER.match(text, e["end"]):
            try:
                return dt.date(e["year"], e["month"], e["day"]), e
            except ValueError:
                continue
    return None


def _q(expr: RawExpr) -> str:
    return f'"{expr["text"]}"'


def _pin_evidence(
    wd: RawExpr,
    dm: RawExpr,
    result: dt.date,
    how: str,
    wd_from: str | None = None,
    dm_from: str | None = None,
) -> str:
    """One sentence saying how a weekday and a day-month fixed the date."""
    wd_part = f'weekday "{calendar.day_name[wd["weekday"]]}"' + (
        f" (from {wd_from})" if wd_from else ""
    )
    dm_part = _q(dm) + (f" (from {dm_from})" if dm_from else "")
    return f"{wd_part} with {dm_part} pins {result.isoformat()}: {how}"


def _own_anchor(article: Article, clues: Clues, today: dt.date) -> DateAnchor | None:
    """An anchor from the article's file name or own text, or None when they do not
    decide it (never a guess: an undated article shows "date unknown")."""
    from_file = date_from_file(article.file, today)
    if from_file is not None:
        d, evidence = from_file
        return DateAnchor(article.id, article.file, d, "inferred", evidence, 0.95)
    dateline = _dateline_date(article.text, clues)
    if dateline is not None:
        d, expr = dateline
        evidence = f"the dateline gives {_q(expr)}"
        return DateAnchor(article.id, article.file, d, "inferred", evidence, 0.95)
    for expr in clues.paired:
        pinned, how = pin_year(
            expr["weekday"], expr["month"], expr["day"], today, clues.past_year, clues.years
        )
        if pinned is not None:
            evidence = f"{_q(expr)} names weekday and day-month: pins {pinned.isoformat()}: {how}"
            return DateAnchor(article.id, article.file, pinned, "inferred", evidence, 0.8)
    if clues.weekdays and clues.day_months:
        wd, dm = _best_pair(clues.weekdays, clues.day_months)
        pinned, how = pin_year(
            wd["weekday"], dm["month"], dm["day"], today, clues.past_year, clues.years
        )
        if pinned is not None:
            evidence = _pin_evidence(wd, dm, pinned, how)
            return DateAnchor(article.id, article.file, pinned, "inferred", evidence, 0.7)
    return None


def _best_pair(
    weekdays: Sequence[RawExpr], day_months: Sequence[RawExpr]
) -> tuple[RawExpr, RawExpr]:
    """The weekday and day-month written closest together: most likely the same day."""
    return min(
        ((w, d) for w in weekdays for d in day_months),
        key=lambda p: abs(p[0]["start"] - p[1]["start"]),
    )


def _window_terms(text: str, expr: RawExpr, radius: int = 150) -> set[str]:
    """Content words around an expression: what the date is about."""
    return set(content_terms(text[max(0, expr["start"] - radius) : expr["end"] + radius]))


def _best_counterpart(
    mine: RawExpr, my_text: str, theirs: Sequence[RawExpr], their_text: str
) -> RawExpr | None:
    """The partner's expression most likely to name the same day as `mine`.

    A partner day-month written with the same weekday wins; otherwise the one
    whose surroundings share most words with ours.
    """
    if not theirs:
        return None
    here = _window_terms(my_text, mine)

    def score(expr: RawExpr) -> tuple[bool, int, int]:
        same_wd = mine.get("weekday") is not None and expr.get("weekday") == mine.get("weekday")
        return same_wd, len(here & _window_terms(their_text, expr)), -expr["start"]

    return max(theirs, key=score)


def _from_known(
    article: _Undated, clues: Clues, sim: float, lent: DateAnchor, file: str
) -> DateAnchor:
    """Take a same-story article's date; our own weekday, if any, refines it."""
    assert lent.date is not None
    conf = round(min(0.7, 0.3 + 0.4 * sim) * lent.confidence, 2)
    d = lent.date
    how = f"same story as {file} (similarity {sim:.2f}), dated {d.isoformat()}"
    if clues.weekdays:
        wd = clues.weekdays[0]
        d = d + relativedelta(weekday=RD_WEEKDAYS[wd["weekday"]](-1))
        how += (
            f'; weekday "{calendar.day_name[wd["weekday"]]}" on or before it gives {d.isoformat()}'
        )
    return DateAnchor(article.id, article.file, d, "inferred", how, conf, lent.article_id)


@dataclass(frozen=True, slots=True)
class _Undated:
    """What borrowing a date needs of an article that does not date itself."""

    id: str
    file: str
    text: str
    clues: Clues


def _borrowed_anchor(
    article: _Undated,
    partners: Sequence[tuple[float, str]],
    undated: Mapping[str, _Undated],
    known: Mapping[str, DateAnchor],
    files: Mapping[str, str],
    today: dt.date,
) -> DateAnchor | None:
    """Complete the article's half clue (or lack of one) from same-story articles.

    A partner already dated (front matter, own clue) lends its date; otherwise
    the partner's half of a weekday/day-month pair completes ours.  Every article
    that dates itself is in `known`, so the partners that reach the second loop
    are undated ones too (in `undated`).
    """
    clues = article.clues
    for sim, other in partners:
        lent = known.get(other)
        # a borrowed date is not lent on: chains of "same story" drift to other stories
        if lent is not None and lent.date is not None and lent.borrowed_from is None:
            return _from_known(article, clues, sim, lent, files[other])
    for sim, other in partners:
        theirs, their_text = undated[other].clues, undated[other].text
        conf = round(min(0.85, 0.45 + 0.4 * sim), 2)
        file = files[other]
        pairs: list[tuple[RawExpr, RawExpr, str | None, str | None]] = []
        if clues.weekdays:
            wd = clues.weekdays[0]
            dm = _best_counterpart(wd, article.text, theirs.paired + theirs.day_months, their_text)
            if dm is not None:
                pairs.append((wd, dm, None, file))
        if clues.day_months:
            dm = clues.day_months[0]
            wd_found = _best_counterpart(dm, article.text, theirs.weekdays, their_text)
            if wd_found is not None:
                pairs.append((wd_found, dm, file, None))
        for wd, dm, wd_from, dm_from in pairs:
            # Only a year bound decides here: halves from two articles may name two
            # different days, and a year merely written in either proves nothing.
            d, how = pin_year(wd["weekday"], dm["month"], dm["day"], today, clues.past_year)
            if d is not None:
                evidence = _pin_evidence(wd, dm, d, how, wd_from, dm_from)
                return DateAnchor(article.id, article.file, d, "inferred", evidence, conf, other)
    return None


class AnchorFinder:
    """`infer_anchors` fed one article at a time, for a caller that streams the corpus.

    `add` dates what dates itself (front matter, own clue) at once and keeps, of the
    other articles only, the text and clues that borrowing needs; `finish` borrows
    for them and returns every anchor.  No article is held beyond that.
    """

    def __init__(self, today: dt.date, user_dates: Mapping[str, dt.date] | None = None) -> None:
        self.today = today
        self.user_dates = user_dates or {}
        """Dates the user set, by article file: they win over everything else."""
        self.ids: list[str] = []
        """Every article id, in corpus order."""
        self._files: dict[str, str] = {}
        self._dated: dict[str, DateAnchor] = {}
        self._undated: dict[str, _Undated] = {}

    def add(self, article: Article, raw: Sequence[RawExpr]) -> DateAnchor | None:
        """The article's anchor when it dates itself, else None (see `finish`)."""
        self.ids.append(article.id)
        self._files[article.id] = article.file
        user_date = self.user_dates.get(article.file)
        if user_date is not None:
            anchor = DateAnchor(
                article.id, article.file, user_date, "user", "set by you with `summit date`"
            )
        elif article.date is not None:
            anchor = DateAnchor(
                article.id,
                article.file,
                article.date,
                "front_matter",
                f"front matter gives date {article.date.isoformat()}",
            )
        else:
            clues = clues_of(raw)
            own = _own_anchor(article, clues, self.today)
            if own is None:
                self._undated[article.id] = _Undated(article.id, article.file, article.text, clues)
                return None
            anchor = own
        self._dated[article.id] = anchor
        return anchor

    def finish(self, profiles: Callable[[], Profiles]) -> dict[str, DateAnchor]:
        """Every article's anchor by id, borrowing for those that do not date themselves
        in two passes, so an article dated by front matter or its own text can lend to
        several others.  `profiles` (every article's, in corpus order) is asked for only
        when some article borrows."""
        anchors = dict(self._dated)
        pending = list(self._undated.values())
        if pending:
            allowance = FUZZY_ALLOWANCE if len(self.ids) > LARGE_CORPUS else None
            partners = story_partners(profiles(), set(self._undated), fuzzy_allowance=allowance)
            known = dict(anchors)
            for a in pending:
                got = _borrowed_anchor(
                    a, partners.get(a.id, []), self._undated, known, self._files, self.today
                )
                if got is not None:
                    anchors[a.id] = got
            for a in pending:  # second pass: lend anchors found in the first one
                if a.id not in anchors:
                    got = _borrowed_anchor(
                        a, partners.get(a.id, []), self._undated, anchors, self._files, self.today
                    )
                    if got is not None:
                        anchors[a.id] = got
        for article_id in self.ids:
            anchors.setdefault(
                article_id,
                DateAnchor(article_id, self._files[article_id], None, "unknown", _NO_DATE),
            )
        return anchors


_NO_DATE = "no date in front matter, no weekday/day-month or full date, no similar article"


def infer_anchors(
    articles: Sequence[Article],
    raw: Mapping[str, list[RawExpr]],
    today: dt.date,
    profiles: Profiles | None = None,
) -> dict[str, DateAnchor]:
    """Date every article, explaining how; keyed by article id.

    Articles without a clue of their own borrow from the same story (see
    `AnchorFinder`).  `profiles` lets a caller share the article profiles.
    """
    finder = AnchorFinder(today)
    for a in articles:
        finder.add(a, raw.get(a.id, []))
    return finder.finish(lambda: profiles if profiles is not None else Profiles(articles))
