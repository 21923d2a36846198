"""Resolution, the bundled timeline (merging, order), fixtures, filtering and JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index.corpus.articles import load_folder
from index.corpus.parsing import parse_article
from index.models import Article, DateAnchor, Timeline
from index.text.temporal import extract_raw
from index.text.temporal_record import Expression, Month, Period, RawExpr
from index.timeline.build import build_timeline
from index.timeline.output import filter_timeline, timeline_to_json
from index.timeline.resolve import resolve_expressions, resolve_raw
from index.timeline.sentences import sentence_spans
from index.timeline.spans import nearest_year

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
D = dt.date


def _build(folder: Path) -> tuple[list[Article], Timeline]:
    articles = load_folder(folder).articles
    return articles, build_timeline(articles, {a.id: extract_raw(a.text) for a in articles}, TODAY)


@pytest.fixture(scope="module")
def bundled() -> tuple[list[Article], Timeline]:
    return _build(ROOT / "articles")


def _in_sample_golds() -> list[Path]:
    """Gold files written alongside the tagger; the out-of-sample ones are measured
    (bench/timeline_eval.py, tests/test_timeline_eval.py), not required to be perfect."""
    paths = sorted((ROOT / "tests" / "gold").glob("*.json"))
    return [p for p in paths if not json.loads(p.read_text(encoding="utf-8")).get("out_of_sample")]


@pytest.mark.parametrize("gold_path", _in_sample_golds(), ids=lambda p: p.stem)
def test_resolution_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    articles, timeline = _build(ROOT / gold["folder"])
    article = next(a for a in articles if a.file == gold["file"])
    anchor = next(a for a in timeline.anchors if a.article_id == article.id)
    assert (anchor.date.isoformat() if anchor.date else None) == gold["anchor"]
    got = [
        {
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "granularity": e.granularity,
            "first_day": e.first_day.isoformat() if e.first_day else None,
            "last_day": e.last_day.isoformat() if e.last_day else None,
        }
        for e in resolve_expressions(article, extract_raw(article.text), anchor)
    ]
    assert got == gold["expressions"]


def _summary(timeline: Timeline) -> list[tuple[str | None, str | None, str, list[tuple[str, str]]]]:
    return [
        (
            e.first_day.isoformat() if e.first_day else None,
            e.last_day.isoformat() if e.last_day else None,
            e.granularity,
            [(s.article_id[:3], s.expression) for s in e.sources],
        )
        for e in timeline.events
    ]


def test_bundled_timeline_order_and_merges(bundled: tuple[list[Article], Timeline]) -> None:
    _, timeline = bundled
    assert _summary(timeline) == [
        ("2012-01-01", None, "open", [("003", "since 2012")]),
        ("2023-01-01", "2023-12-31", "year", [("000", "2023"), ("003", "2023"), ("004", "2023")]),
        ("2024-01-01", "2024-12-31", "year", [("004", "last year")]),
        ("2024-01-01", "2024-12-31", "year", [("004", "last year")]),
        ("2025-01-01", "2025-12-31", "year", [("000", "this year")]),
        ("2025-12-20", "2025-12-21", "days", [("003", "between 20 and 21 December")]),
        ("2025-12-20", "2025-12-21", "days", [("000", "the weekend")]),
        # "this week" stays a week: the article did not say which day
        ("2025-12-22", "2025-12-28", "week", [("004", "this week")]),
        (
            "2025-12-23",
            "2025-12-23",
            "day",
            [
                ("000", "Tuesday"),
                ("000", "Tuesday"),
                ("003", "23 December"),
                ("004", "Tuesday morning"),
            ],
        ),
        (None, None, "vague", [("000", "recent years")]),
        (None, None, "vague", [("000", "the coming days")]),
        (None, None, "vague", [("003", "the coming months")]),
    ]


def test_bundled_event_texts_are_their_clauses(bundled: tuple[list[Article], Timeline]) -> None:
    _, timeline = bundled
    texts = [e.text for e in timeline.events]
    assert "ECOWAS last year" in texts[2] and "2023" not in texts[2]
    assert "inaugural summit last year" in texts[3]
    assert "withdrew from West Africa’s regional bloc this year" in texts[4]
    assert texts[5].startswith("Pre-summit ministerial talks between 20 and 21 December")
    assert texts[6].startswith("days after the weekend launch of the joint military battalion")
    assert "appointed this week in Bamako" in texts[7]
    assert "which ended on 23 December" in texts[8]
    assert texts[1] == "The alliance formed in 2023."


def test_event_sources_point_at_the_expression(bundled: tuple[list[Article], Timeline]) -> None:
    articles, timeline = bundled
    by_id = {a.id: a for a in articles}
    for event in timeline.events:
        for s in event.sources:
            text = by_id[s.article_id].text
            assert text[s.start : s.end] == s.expression
            assert s.sentence_start <= s.start < s.end <= s.sentence_end


def test_timeline_to_json_shape(bundled: tuple[list[Article], Timeline]) -> None:
    data = timeline_to_json(bundled[1])
    assert set(data) == {"anchors", "events"}
    json.dumps(data)
    assert set(data["anchors"][0]) == {
        "article",
        "file",
        "date",
        "date_source",
        "evidence",
        "confidence",
        "borrowed_from",
    }
    assert set(data["events"][0]) == {"start", "end", "granularity", "text", "sources"}
    assert set(data["events"][0]["sources"][0]) == {"article", "file", "start", "end", "expression"}
    summit = next(e for e in data["events"] if e["start"] == "2025-12-23")
    assert summit["end"] == "2025-12-23" and len({s["article"] for s in summit["sources"]}) == 3
    assert data["events"][0]["end"] is None and data["events"][-1]["start"] is None


def test_filter_timeline(bundled: tuple[list[Article], Timeline]) -> None:
    _, timeline = bundled
    december = filter_timeline(timeline, start=D(2025, 12, 1), end=D(2025, 12, 31))
    # overlap semantics: the whole of 2025 and the open span since 2012 overlap December
    assert [e.granularity for e in december.events] == [
        "open",
        "year",
        "days",
        "days",
        "week",
        "day",
    ]
    assert filter_timeline(timeline, start=D(2026, 1, 1)).events == (timeline.events[0],)
    only_004 = filter_timeline(timeline, article_id=timeline.anchors[2].article_id)
    assert len(only_004.anchors) == 1
    assert all(
        any(s.article_id == only_004.anchors[0].article_id for s in e.sources)
        for e in only_004.events
    )
    accents = filter_timeline(timeline, text="GOITA")  # matches "Goïta"
    assert accents.events and all("Goïta" in e.text for e in accents.events)
    assert filter_timeline(timeline, text="no such words").events == ()


def test_fixture_folder_timeline_is_sensible() -> None:
    _, timeline = _build(ROOT / "tests" / "fixtures" / "timeline")
    dated = [e for e in timeline.events if e.first_day is not None]
    keys = [(d, -((e.last_day or D.max) - d).days) for e in dated if (d := e.first_day)]
    assert keys == sorted(keys)
    assert all(e.granularity == "vague" for e in timeline.events[len(dated) :])
    reopening = next(e for e in timeline.events if e.first_day == D(2024, 6, 14))
    assert {s.article_id for s in reopening.sources} == {"harbour_bridge", "harbour_bridge_drivers"}
    assert "Friday, June 14" in reopening.text  # the explicit date's sentence represents the event
    review = next(e for e in timeline.events if e.granularity == "week")
    assert (review.first_day, review.last_day) == (D(2024, 6, 17), D(2024, 6, 23))
    assert len(review.sources) == 2
    assert not any(s.article_id == "library_hours" for e in timeline.events for s in e.sources)


def test_corpus_without_dates_gives_no_events() -> None:
    articles = [
        parse_article("Library hours\nThe library will stay open later on weekdays.\n", "a.txt"),
        parse_article("Garden notes\nTomatoes like sun and 5,000 litres of water.\n", "b.txt"),
    ]
    timeline = build_timeline(articles, {a.id: extract_raw(a.text) for a in articles}, TODAY)
    assert timeline.events == ()
    assert [a.date_source for a in timeline.anchors] == ["unknown", "unknown"]


def test_undated_relative_expressions_stay_vague() -> None:
    article = parse_article("Notice\nThe office closed yesterday.\n", "n.txt")
    anchor = DateAnchor(article.id, article.file, None, "unknown", "none")
    (expr,) = resolve_expressions(article, extract_raw(article.text), anchor)
    assert (expr.granularity, expr.first_day, expr.last_day) == ("vague", None, None)


@pytest.mark.parametrize(
    ("text", "anchor", "want"),
    [
        (
            "on Tuesday",
            D(2025, 12, 23),
            ("day", D(2025, 12, 23), D(2025, 12, 23)),
        ),  # same day counts
        ("on Monday", D(2025, 12, 23), ("day", D(2025, 12, 22), D(2025, 12, 22))),
        ("next Tuesday", D(2025, 12, 23), ("day", D(2025, 12, 30), D(2025, 12, 30))),
        ("last Tuesday", D(2025, 12, 23), ("day", D(2025, 12, 16), D(2025, 12, 16))),
        ("they will meet on Friday", D(2025, 12, 23), ("day", D(2025, 12, 26), D(2025, 12, 26))),
        ("over the weekend", D(2025, 12, 23), ("days", D(2025, 12, 20), D(2025, 12, 21))),
        ("over the weekend", D(2025, 12, 21), ("days", D(2025, 12, 20), D(2025, 12, 21))),
        ("this week", D(2025, 12, 23), ("week", D(2025, 12, 22), D(2025, 12, 28))),
        ("last month", D(2025, 3, 6), ("month", D(2025, 2, 1), D(2025, 2, 28))),
        ("the year before", D(2025, 3, 6), ("year", D(2024, 1, 1), D(2024, 12, 31))),
        ("on 5 January", D(2025, 12, 23), ("day", D(2026, 1, 5), D(2026, 1, 5))),  # nearest year
        ("on 20 June", D(2025, 12, 23), ("day", D(2025, 6, 20), D(2025, 6, 20))),
        ("since June 2024", D(2025, 12, 23), ("open", D(2024, 6, 1), None)),
        (
            "from 30 December to 2 January",
            D(2025, 12, 23),
            ("days", D(2025, 12, 30), D(2026, 1, 2)),
        ),
        ("in recent years", D(2025, 12, 23), ("vague", None, None)),
        # a month with its year said relatively, or in words (broadcast transcripts)
        ("in August last year", D(2025, 3, 6), ("month", D(2024, 8, 1), D(2024, 8, 31))),
        ("early October next year", D(2025, 3, 6), ("month", D(2026, 10, 1), D(2026, 10, 31))),
        ("October two thousand", D(2025, 3, 6), ("month", D(2000, 10, 1), D(2000, 10, 31))),
        (
            "the summer of nineteen eighty-one",
            D(2025, 3, 6),
            ("season", D(1981, 6, 1), D(1981, 8, 31)),
        ),
        # a future clause in the article's own month is that month, not next year's
        (
            "the lease is due to end in March",
            D(2025, 3, 6),
            ("month", D(2025, 3, 1), D(2025, 3, 31)),
        ),
        (
            "hearings were supposed to finish by July",
            D(2025, 9, 6),
            ("month", D(2026, 7, 1), D(2026, 7, 31)),
        ),
        # the day a period ended lies behind the article
        ("the season ended Feb. 2", D(2025, 11, 6), ("day", D(2025, 2, 2), D(2025, 2, 2))),
    ],
)
def test_resolve_raw(text: str, anchor: dt.date, want: tuple) -> None:
    (raw,) = extract_raw(text)
    assert resolve_raw(raw, anchor) == want


def test_nearest_year_prefers_the_past_on_ties_and_future_with_cue() -> None:
    assert nearest_year(6, 23, D(2025, 12, 23)) == D(2025, 6, 23)
    assert nearest_year(6, 23, D(2025, 12, 23), future=True) == D(2026, 6, 23)
    assert nearest_year(1, 31, D(2025, 10, 20)) == D(2026, 1, 31)
    assert nearest_year(1, 31, D(2025, 10, 20), past=True) == D(2025, 1, 31)


def test_a_year_earlier_follows_the_period_last_compared() -> None:
    """After a quarter, "a year earlier" is that quarter a year before; once the nine
    months are compared, it is the year before."""
    text = (
        "Profit in the second quarter rose to $5 million from $4 million a year earlier. "
        "For the nine months, profit was $12 million, against $10 million a year earlier."
    )
    raws = extract_raw(text)
    got = {r.text: r for r in raws}
    assert [r.text for r in raws] == ["the second quarter", "a year earlier", "a year earlier"]
    anchor = D(2025, 8, 1)
    quarter, nine_months = (resolve_raw(r, anchor) for r in raws[1:])
    assert quarter == ("quarter", D(2024, 4, 1), D(2024, 6, 30))
    assert nine_months == ("year", D(2024, 1, 1), D(2024, 12, 31))
    assert got["the second quarter"].meaning == Period("quarter", 2, None, 0, None)


def test_sentence_splitting_keeps_abbreviations_and_initials() -> None:
    text = (
        "Capt. Ibrahim T. Smith met Gen. Jones on Dec. 23 in the U.S. capital. "
        '"We agree," he said. '
        "Next came talks.\nA new line"
    )
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Capt. Ibrahim T. Smith met Gen. Jones on Dec. 23 in the U.S. capital.",
        '"We agree," he said.',
        "Next came talks.",
        "A new line",
    ]


def test_generated_corpus_of_2000_articles_builds_a_consistent_timeline(tmp_path: Path) -> None:
    """At scale (blocking, capped fuzzy matching) every expression still lands in one event."""
    from bench.generate import generate

    articles = load_folder(generate(2000, tmp_path / "corpus")).articles
    raw = {a.id: extract_raw(a.text) for a in articles}
    timeline = build_timeline(articles, raw, TODAY)
    assert len(articles) == 2000 and len(timeline.anchors) == 2000
    cited = [(s.article_id, s.start) for e in timeline.events for s in e.sources]
    expected = [(a.id, r.start) for a in articles for r in raw[a.id]]
    assert sorted(cited) == sorted(expected)  # each expression in exactly one event
    assert len(timeline.events) < len(expected)  # some statements merged...
    assert any(len({s.article_id for s in e.sources}) > 1 for e in timeline.events)  # ...across
    dated = [e for e in timeline.events if e.first_day is not None]
    assert [e.first_day for e in dated] == sorted(e.first_day for e in dated if e.first_day)
    assert all(e.granularity == "vague" for e in timeline.events[len(dated) :])
    assert sum(a.date_source == "unknown" for a in timeline.anchors) < 100


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Profit fell in the third quarter.", ("quarter", D(1989, 7, 1), D(1989, 9, 30))),
        ("Profit fell in the year-ago third quarter.", ("quarter", D(1988, 7, 1), D(1988, 9, 30))),
        ("Sales rose in the latest quarter.", ("quarter", D(1989, 7, 1), D(1989, 9, 30))),
        ("Sales will slow in the first half of 1990.", ("half", D(1990, 1, 1), D(1990, 6, 30))),
        ("It is now profitable.", ("day", D(1989, 10, 27), D(1989, 10, 27))),
        ("Prices rose last summer.", ("season", D(1989, 6, 1), D(1989, 8, 31))),
        ("Snow is expected this winter.", ("season", D(1989, 12, 1), D(1990, 2, 28))),
        ("Prices doubled in the 1970s.", ("decade", D(1970, 1, 1), D(1979, 12, 31))),
        ("It was built in the 20th century.", ("century", D(1900, 1, 1), D(1999, 12, 31))),
    ],
)
def test_periods_resolve_to_their_own_span(text: str, want: tuple) -> None:
    (raw,) = extract_raw(text)
    assert resolve_raw(raw, D(1989, 10, 27)) == want


def test_period_without_a_date_is_vague_unless_it_names_its_year() -> None:
    (q,) = extract_raw("Profit fell in the third quarter.")
    (h,) = extract_raw("Sales will slow in the first half of 1990.")
    assert resolve_raw(q, None)[0] == "vague"
    assert resolve_raw(h, None)[1] == D(1990, 1, 1)


def test_a_bare_month_in_a_past_clause_is_the_one_before() -> None:
    from index.timeline.resolve import resolve_raw

    november = dt.date(1989, 11, 2)

    # "stepped down in March", written in November: that March, not the next one
    def march(future: bool = False, past: bool = False) -> RawExpr:
        return Expression(0, 5, "March", Month(3, None, None), False, future, past)

    assert resolve_raw(march(past=True), november)[1:] == (
        dt.date(1989, 3, 1),
        dt.date(1989, 3, 31),
    )
    # with no tense to go by, the nearest March is still the next one
    assert resolve_raw(march(), november)[1] == dt.date(1990, 3, 1)
    assert resolve_raw(march(future=True), november)[1] == (dt.date(1990, 3, 1))
