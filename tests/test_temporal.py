"""Tagging: every bundled and fixture expression with exact offsets, false positives, robustness."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.corpus.articles import load_folder
from index.text.temporal import body_start, extract_raw
from index.text.temporal_json import decode_expressions, encode_expressions
from index.text.temporal_record import Date, Period, Weekday

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))
IN_SAMPLE = [p for p in GOLD if not json.loads(p.read_text(encoding="utf-8")).get("out_of_sample")]
"""Out-of-sample gold files are measured against a floor (tests/test_timeline_eval.py)."""


def _gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _article_text(gold: dict) -> str:
    articles = load_folder(ROOT / gold["folder"]).articles
    return next(a.text for a in articles if a.file == gold["file"])


@pytest.mark.parametrize("gold_path", IN_SAMPLE, ids=lambda p: p.stem)
def test_spans_match_gold_exactly(gold_path: Path) -> None:
    gold = _gold(gold_path)
    text = _article_text(gold)
    got = [(r.start, r.end, r.text) for r in extract_raw(text)]
    want = [(g["start"], g["end"], g["text"]) for g in gold["expressions"]]
    assert got == want
    for start, end, expr in got:
        assert text[start:end] == expr


def test_bundled_gold_files_cover_all_bundled_articles() -> None:
    stems = {p.stem for p in GOLD}
    for article in (ROOT / "articles").iterdir():
        assert article.stem in stems


def test_raw_is_stored_as_json_and_date_free() -> None:
    text = "On Tuesday, 23 December, leaders met; the alliance formed in 2023 and since 2012 ..."
    raw = extract_raw(text)
    assert decode_expressions(encode_expressions(raw)) == raw
    stored = json.loads(encode_expressions(raw))
    assert all(set(r) >= {"start", "end", "text", "kind"} for r in stored)
    assert raw[0].meaning == Date(23, 12, None, 1)


@pytest.mark.parametrize(
    "text",
    [
        "It is expected to have 5,000 personnel.",
        "A capital of 500 billion CFA francs (about $800 million).",
        "The AES represents over 70 million people.",
        "This may be hard, and May God help us.",
        "Thousands March on the capital; they march again.",
        "The Sun and Sat Nav reviews were published.",
        "About 2000 people and 1500 troops came.",
        "Good Friday and Bloody Sunday are remembered every Monday on Tuesdays.",
        "June said she would come. Version 2.12 shipped in 12 boxes.",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert extract_raw(text) == []


@pytest.mark.parametrize(
    ("text", "expr", "kind"),
    [
        ("It happened on December 23, 2025 in town.", "December 23, 2025", "date"),
        ("It happened on 23 December 2025 in town.", "23 December 2025", "date"),
        ("Filed 2025-12-23.", "2025-12-23", "date"),
        ("They met on Dec. 23 in the hall.", "Dec. 23", "date"),
        ("Form dated 12/23/2025 was filed.", "12/23/2025", "date"),
        ("They met between 20 and 21 December.", "between 20 and 21 December", "range"),
        ("It ran from 12 to 14 June.", "from 12 to 14 June", "range"),
        ("It ran 20–21 December.", "20–21 December", "range"),
        ("It rained in June.", "June", "month"),
        ("It rained in June 2024.", "June 2024", "month"),
        ("It started since 2012.", "since 2012", "year"),
        ("They talk on Tuesday morning.", "Tuesday morning", "weekday"),
        ("We go next week.", "next week", "relative"),
        ("It was the year before.", "the year before", "relative"),
        ("They launched it over the weekend.", "the weekend", "relative"),
        ("Things changed in recent years.", "recent years", "vague"),
        ("Things changed recently.", "recently", "vague"),
    ],
)
def test_formats(text: str, expr: str, kind: str) -> None:
    raw = extract_raw(text)
    assert [(r.text, r.kind) for r in raw] == [(expr, kind)]
    assert text[raw[0].start : raw[0].end] == expr


def test_since_marks_open_and_weekday_direction() -> None:
    raw = {
        r.text: r for r in extract_raw("Since 2012 it grew. We meet next Friday, not last Monday.")
    }
    assert raw["Since 2012"].open is True
    assert raw["next Friday"].meaning == Weekday(4, "future", None, None)
    assert raw["last Monday"].meaning == Weekday(0, "past", None, None)


def test_ambiguous_numeric_date_keeps_both_readings() -> None:
    (raw,) = extract_raw("Signed on 03/04/2025.")
    assert raw.meaning == Date(4, 3, 2025, None, "ambiguous")


def test_front_matter_is_not_tagged() -> None:
    text = "---\ndate: 2024-06-14\nsource: x\n---\nIt opened in 2020.\n"
    assert body_start(text) == text.index("It opened")
    assert [r.text for r in extract_raw(text)] == ["2020"]


@pytest.mark.parametrize(
    "block",
    [
        "---\ndate: 2024-06-14\nsource: x\n...\n",  # closed with dots (YAML's end marker)
        "---\ndate: 2024-06-14\ntags:\n  - floods\n  - 2019 season\n---\n",  # a YAML list
        "---\ndate: 2024-06-14\ntags: [floods, 2019 season]\n...\n",
    ],
    ids=["dots", "list", "flow-list-and-dots"],
)
def test_front_matter_the_corpus_reads_is_never_tagged(block: str) -> None:
    """Issue 18: the tagger and the corpus once parsed front matter apart, so a block the
    corpus accepted (closed by `...`, or holding a list) was tagged as story text and its
    `date:` became a timeline event."""
    from index.corpus.parsing import parse_article

    text = block + "It opened in 2020.\n"
    article = parse_article(text, "a.md", "md")
    assert str(article.date) == "2024-06-14"
    assert [p.text for p in article.paragraphs] == ["It opened in 2020."]
    assert [r.text for r in extract_raw(text)] == ["2020"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_extract_raw_never_raises_and_offsets_in_bounds(text: str) -> None:
    for r in extract_raw(text):
        assert 0 <= r.start < r.end <= len(text)
        assert text[r.start : r.end] == r.text


_DATEISH = st.lists(
    st.sampled_from(
        [
            "Tuesday",
            "23",
            "December",
            "2025",
            "since",
            "between",
            "and",
            "to",
            "-",
            "–",
            ",",
            "in",
            "last",
            "next",
            "week",
            "the",
            "weekend",
            "May",
            "may",
            "Dec.",
            "12/23/2025",
            "ago",
            "3",
            "years",
            "recent",
            "coming",
            "days",
            "from",
            "mid-",
            "early",
            " ",
            "\n",
            "---",
        ]
    ),
    max_size=30,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_DATEISH)
def test_extract_raw_on_date_like_noise(text: str) -> None:
    spans = [(r.start, r.end) for r in extract_raw(text)]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert all(0 <= s < e <= len(text) for s, e in spans)


@pytest.mark.parametrize(
    ("text", "expr", "kind"),
    [
        ("Profit fell in the third quarter.", "the third quarter", "period"),
        ("Third-quarter profit fell.", "Third-quarter", "period"),
        ("Q3 revenue was flat.", "Q3", "period"),
        ("Sales will slow in the first half of 2026.", "the first half of 2026", "period"),
        ("The company is now profitable.", "now", "present"),
        ("It currently employs 40 people.", "currently", "present"),
        ("It was finished in the spring of 1968.", "the spring of 1968", "season"),
        ("Prices doubled in the 1990s.", "the 1990s", "decade"),
        ("It was built in the early 19th century.", "the early 19th century", "century"),
        ("The strike began at 6:45 a.m. sharp.", "6:45 a.m.", "time"),
    ],
)
def test_new_formats(text: str, expr: str, kind: str) -> None:
    assert [(r.text, r.kind) for r in extract_raw(text)] == [(expr, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "Rivermouth scored twice in the second half.",  # a match half, not the calendar
        "The shop is open until 9 p.m. on weekdays.",  # a schedule
        "The debate is over by now.",
        "A quarter of the shares were sold.",
    ],
)
def test_not_new_formats(text: str) -> None:
    assert extract_raw(text) == []


def test_unnumbered_quarter_takes_the_last_one_named() -> None:
    raw = extract_raw(
        "Third-quarter profit rose from $3 a year earlier. In the quarter, sales fell."
    )
    assert [(r.text, r.meaning) for r in raw] == [
        ("Third-quarter", Period("quarter", 3, None, 0, None)),
        ("a year earlier", Period("quarter", None, None, -1, None, ctx_n=3)),
        ("the quarter", Period("quarter", None, None, 0, None, ctx_n=3)),
    ]
