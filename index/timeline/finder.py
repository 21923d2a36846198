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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from index.models import Article, DateAnchor
from index.text.temporal_record import Date, Expression, RawExpr, Weekday
from index.timeline.anchors import content_terms
from index.timeline.clues import (
    RD_WEEKDAYS,
    Clues,
    clues_of,
    own_anchor,
    pin_evidence,
    pin_year,
)
from index.timeline.stories import FUZZY_ALLOWANCE, LARGE_CORPUS, Profiles, story_partners

K = TypeVar("K", Weekday, Date)


def _window_terms(text: str, expr: RawExpr, radius: int = 150) -> set[str]:
    """Content words around an expression: what the date is about."""
    return set(content_terms(text[max(0, expr.start - radius) : expr.end + radius]))


def _weekday(expr: RawExpr) -> int | None:
    """The weekday a weekday or a day-month names, if any."""
    m = expr.meaning
    return m.weekday if isinstance(m, Weekday | Date) else None


def _best_counterpart(
    mine: RawExpr, my_text: str, theirs: Sequence[Expression[K]], their_text: str
) -> Expression[K] | None:
    """The partner's expression most likely to name the same day as `mine`.

    A partner day-month written with the same weekday wins; otherwise the one
    whose surroundings share most words with ours.
    """
    if not theirs:
        return None
    here = _window_terms(my_text, mine)

    def score(expr: Expression[K]) -> tuple[bool, int, int]:
        same_wd = _weekday(mine) is not None and _weekday(expr) == _weekday(mine)
        return same_wd, len(here & _window_terms(their_text, expr)), -expr.start

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
        weekday = wd.meaning.weekday
        d = d + relativedelta(weekday=RD_WEEKDAYS[weekday](-1))
        how += f'; weekday "{calendar.day_name[weekday]}" on or before it gives {d.isoformat()}'
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
        pairs: list[tuple[Expression[Weekday], Expression[Date], str | None, str | None]] = []
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
            day = dm.meaning
            d, how = pin_year(wd.meaning.weekday, day.month, day.day, today, clues.past_year)
            if d is not None:
                evidence = pin_evidence(wd, dm, d, how, wd_from, dm_from)
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
            own = own_anchor(article, clues, self.today)
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
