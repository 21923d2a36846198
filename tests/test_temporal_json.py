"""Time expressions as the index stores them: the same JSON both ways, and a stored row
this version cannot read left out, never a crash (the index is a cache)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from index.backend.whoosh.store import SIDECAR
from index.corpus.articles import load_folder
from index.engine import Engine
from index.text.temporal import extract_raw
from index.text.temporal_json import decode, decode_expressions, encode_expressions
from index.text.temporal_record import (
    Date,
    DayPoint,
    DayRange,
    Expression,
    Month,
    MonthPoint,
    MonthRange,
    Period,
    RawExpr,
    Relative,
    Weekday,
    Year,
    YearRange,
)
from tests.conftest import BUNDLED, TODAY

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_TEXTS = sorted({p.parent for p in (ROOT / "tests" / "fixtures").rglob("*.md")})


def _texts() -> list[str]:
    folders = [BUNDLED, *FIXTURE_TEXTS]
    return [a.text for folder in folders for a in load_folder(folder).articles]


def test_every_expression_reads_back_as_it_was_written() -> None:
    texts = _texts()
    kinds: set[type] = set()
    for text in texts:
        raw = extract_raw(text)
        assert decode_expressions(encode_expressions(raw)) == raw
        kinds |= {type(r.meaning) for r in raw}
    assert len(texts) > 10 and len(kinds) >= 8  # the corpus exercises most kinds


def test_a_row_written_by_earlier_versions_reads_as_the_records() -> None:
    """The exact shapes the dict-based tagger stored: a relative's "mod": null, a
    relative re-read as a quarter keeping its "offset", a numeric date's order."""
    row = [
        {"start": 0, "end": 9, "text": "the week", "kind": "relative", "unit": "week",
         "offset": 0, "mod": None, "future_cue": False, "past_cue": True},
        {"start": 10, "end": 24, "text": "a year earlier", "kind": "period", "unit": "quarter",
         "offset": -1, "n": None, "ctx_n": 3, "year": None, "shift": -1, "rel": None,
         "future_cue": False, "past_cue": False},
        {"start": 30, "end": 40, "text": "03/04/2025", "kind": "date", "day": 4, "month": 3,
         "year": 2025, "weekday": None, "order": "ambiguous", "future_cue": False,
         "past_cue": False, "ended": True},
        {"start": 41, "end": 55, "text": "since May 1990", "kind": "month", "month": 5,
         "year": 1990, "mod": None, "open": True, "future_cue": False, "past_cue": False},
        {"start": 56, "end": 70, "text": "two days later", "kind": "relative", "unit": "day",
         "offset": 2, "reference": "event", "future_cue": False, "past_cue": False},
        {"start": 71, "end": 80, "text": "1990-1995", "kind": "range", "unit": "year",
         "from": {"year": 1990, "month": None, "day": None},
         "to": {"year": 1995, "month": None, "day": None},
         "future_cue": False, "past_cue": False},
    ]  # fmt: skip
    got = decode_expressions(json.dumps(row))
    assert got == [
        Expression(0, 9, "the week", Relative("week", 0), False, False, True),
        Expression(10, 24, "a year earlier", Period("quarter", None, None, -1, None, ctx_n=3)),
        Expression(30, 40, "03/04/2025", Date(4, 3, 2025, None, "ambiguous", ended=True)),
        Expression(41, 55, "since May 1990", Month(5, 1990, None), open=True),
        Expression(56, 70, "two days later", Relative("day", 2, from_event=True)),
        Expression(71, 80, "1990-1995", YearRange(1990, 1995)),
    ]


def test_ranges_keep_their_unit_and_ends() -> None:
    raws: list[RawExpr] = [
        Expression(0, 1, "a", DayRange(DayPoint(None, 5, 3), DayPoint(2024, 5, 9))),
        Expression(0, 1, "b", MonthRange(MonthPoint(2023, 11), MonthPoint(2024, 2))),
    ]
    stored = json.loads(encode_expressions(raws))
    assert [(s["unit"], s["from"], s["to"]) for s in stored] == [
        ("day", {"year": None, "month": 5, "day": 3}, {"year": 2024, "month": 5, "day": 9}),
        (
            "month",
            {"year": 2023, "month": 11, "day": None},
            {"year": 2024, "month": 2, "day": None},
        ),
    ]
    assert decode_expressions(json.dumps(stored)) == raws


GOOD = {"start": 0, "end": 4, "text": "1990", "kind": "year", "year": 1990, "mod": None}


@pytest.mark.parametrize(
    "item",
    [
        {**GOOD, "kind": "fortnight"},  # a kind of a later version
        {**GOOD, "year": "1990"},  # a string where a number belongs
        {**GOOD, "year": True},  # JSON true is not a year
        {**GOOD, "kind": "month", "month": 13},
        {**GOOD, "kind": "weekday", "weekday": 7, "direction": None},
        {**GOOD, "kind": "weekday", "weekday": 2, "direction": "sideways"},
        {**GOOD, "kind": "season", "season": "XX"},
        {**GOOD, "kind": "range", "unit": "week", "from": {}, "to": {}},
        {**GOOD, "kind": "vague"},
        {k: v for k, v in GOOD.items() if k != "start"},
        {k: v for k, v in GOOD.items() if k != "kind"},
        ["not", "an", "object"],
        None,
    ],
)
def test_an_item_this_version_cannot_read_is_left_out(item: object) -> None:
    assert decode(item) is None
    assert (
        decode_expressions(json.dumps([GOOD, item, GOOD]))
        == [Expression(0, 4, "1990", Year(1990, None))] * 2
    )


@pytest.mark.parametrize("stored", ["not json", "{}", '"a string"', "3", b"\xff"])
def test_a_row_that_is_not_a_list_asks_for_the_article_again(stored: str | bytes) -> None:
    assert decode_expressions(stored) is None


def test_the_index_leaves_out_what_it_cannot_read_and_the_timeline_still_builds(
    corpus_copy: Path, tmp_path: Path
) -> None:
    engine = Engine(corpus_copy, tmp_path / "ix", today=TODAY)
    engine.open()
    article = next(a.id for a in engine.articles() if len(engine.time_expressions(a.id)) >= 2)
    with sqlite3.connect(tmp_path / "ix" / SIDECAR) as db:
        (stored,) = db.execute("SELECT raw FROM expressions WHERE id = ?", (article,)).fetchone()
        items = json.loads(stored)
        items[0]["kind"] = "fortnight"
        db.execute("UPDATE expressions SET raw = ? WHERE id = ?", (json.dumps(items), article))
    reopened = Engine(corpus_copy, tmp_path / "ix", today=TODAY)
    assert not reopened.open().rebuilt
    kept = [(e.start, e.end, e.text) for e in reopened.time_expressions(article)]
    assert kept == [(i["start"], i["end"], i["text"]) for i in items[1:]]
    assert reopened.timeline().events


def test_a_weekday_is_its_own_record() -> None:
    (raw,) = extract_raw("The talks resume next Friday.")
    assert raw.meaning == Weekday(4, "future", None, None) and raw.kind == "weekday"
