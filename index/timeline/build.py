"""Build the event timeline of a corpus.

Pipeline: `index.text.temporal.extract_raw` (cached, date-free) -> `index.timeline.finder`
(each article's date) -> `index.timeline.resolve` (calendar dates with a granularity) ->
one candidate event per expression, carrying the sentence or clause it belongs to
(`index.timeline.events`, `index.timeline.sentences`) -> merge candidates from different
articles that state the same thing on the same dates (`index.timeline.merge`) -> order.

Merging is generic: two candidates merge when they come from different
articles, cover the same dates with the same granularity, and either the
articles report the same story (for a single day) or their clauses share
salient terms.  "This week" stays a week: folding it into a day of that week
dated it more precisely than the article did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from index.models import Article, DateAnchor, Timeline
from index.text.temporal_record import RawExpr
from index.timeline.anchors import forget_words
from index.timeline.events import Candidates, make_events
from index.timeline.finder import AnchorFinder
from index.timeline.merge import Similarity, cluster
from index.timeline.stories import Profiles


def build_timeline(
    articles: Sequence[Article], raw: Mapping[str, list[RawExpr]], today: dt.date | None = None
) -> Timeline:
    """Anchors for every article and the merged, ordered events they mention."""
    return build_timeline_from(((a, raw.get(a.id, [])) for a in articles), today)


def build_timeline_from(
    articles: Iterable[tuple[Article, Sequence[RawExpr]]],
    today: dt.date | None = None,
    user_dates: Mapping[str, dt.date] | None = None,
) -> Timeline:
    """`build_timeline` over (article, its expressions) pairs taken one at a time.

    Nothing of an article is kept but its profile (tuples of words), its candidate
    events by column and, only when it does not date itself, its text and clues
    until it has borrowed a date.  Holding every article, its expressions and an
    object per candidate made the build peak at 630 MB at 10k articles.
    """
    anchors, candidates, similarity = _read(articles, today or dt.date.today(), user_dates)
    clusters = cluster(candidates, similarity)
    del similarity  # the article profiles
    candidates.terms = []
    return Timeline(anchors, make_events(candidates, clusters, anchors))


def _read(
    articles: Iterable[tuple[Article, Sequence[RawExpr]]],
    today: dt.date,
    user_dates: Mapping[str, dt.date] | None = None,
) -> tuple[tuple[DateAnchor, ...], Candidates, Similarity]:
    """Every article's anchor, the candidates resolved against them, and the articles'
    similarity (their profiles), reading each article once."""
    finder = AnchorFinder(today, user_dates)
    profiles = Profiles()
    candidates = Candidates()
    undated: list[tuple[int, int, Sequence[RawExpr], str]] = []
    for n, (article, raw) in enumerate(articles):
        profiles.add(article)
        anchor = finder.add(article, raw)
        first = len(candidates)
        order = candidates.add(n, article, raw, anchor)
        if anchor is None and raw:
            undated.append((n, first, raw, order))
    by_id = finder.finish(lambda: profiles)
    forget_words()  # every word has been read
    anchors = tuple(by_id[article_id] for article_id in finder.ids)
    for n, first, raw, order in undated:
        candidates.resolve(first, raw, anchors[n].date, order)
    return anchors, candidates, Similarity(profiles)
