"""The timeline cache: anchors apart from events, identical after a round trip, and a
damaged, foreign or stale file is rebuilt, never a traceback."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
from pathlib import Path

import pytest

import index.timeline.cache as timeline_cache
from index.corpus.articles import load_folder
from index.engine import Engine
from index.models import DateAnchor, EventSource, Timeline, TimelineEvent
from index.text.temporal import extract_raw
from index.timeline import service as service_module
from index.timeline.build import build_timeline
from index.timeline.cache import (
    ANCHORS_CACHE,
    EVENTS_CACHE,
    LEGACY_CACHE,
    load_anchors,
    load_events,
    save_anchors,
    save_events,
)
from index.timeline.service import TimelineService
from tests.conftest import BUNDLED, FIXTURE_CORPUS, TODAY

D = dt.date


def _built(folder: Path) -> Timeline:
    articles = load_folder(folder).articles
    return build_timeline(articles, {a.id: extract_raw(a.text) for a in articles}, TODAY)


def _round_trip(timeline: Timeline, folder: Path, key: str = "k") -> Timeline | None:
    save_anchors(folder, key, timeline.anchors)
    save_events(folder, key, timeline)
    anchors = load_anchors(folder, key)
    events = load_events(folder, key, anchors) if anchors is not None else None
    if anchors is None or events is None:
        return None
    return Timeline(tuple(anchors.values()), events)


def _odd_timeline() -> Timeline:
    """Edge cases a corpus may not have: no dates, open ends, many sources, no sources,
    text beyond Latin-1, offsets past 16 bits, an anchor without a date."""
    anchors = (
        DateAnchor("a", "a.txt", D(2025, 12, 23), "front_matter", "front matter gives date"),
        DateAnchor("b/c", "b/c.md", None, "unknown", "no date", 1.0, None),
        DateAnchor("é", "é.html", D(1, 1, 1), "inferred", "from a", 0.35, "a"),
    )

    def source(article: int, start: int, expression: str) -> EventSource:
        anchor = anchors[article]
        return EventSource(anchor.article_id, anchor.file, start, start + 9, expression, 0, 70_000)

    events = (
        TimelineEvent(D(2012, 1, 1), None, "open", "since 2012 — “quoted”", (source(0, 3, "x"),)),
        TimelineEvent(
            D(2025, 12, 20),
            D(2025, 12, 23),
            "days",
            "between 20 and 23 December",
            (source(0, 5, "between"), source(1, 69_000, "between"), source(2, 0, "😀")),
        ),
        TimelineEvent(None, None, "vague", "in recent years", (source(2, 1, "in recent years"),)),
        TimelineEvent(D(9999, 12, 31), D(9999, 12, 31), "day", "", ()),
    )
    return Timeline(anchors, events)


@pytest.mark.parametrize("folder", [BUNDLED, FIXTURE_CORPUS], ids=["bundled", "fixtures"])
def test_a_built_timeline_comes_back_identical(folder: Path, tmp_path: Path) -> None:
    timeline = _built(folder)
    assert _round_trip(timeline, tmp_path) == timeline


def test_edge_cases_come_back_identical(tmp_path: Path) -> None:
    timeline = _odd_timeline()
    assert _round_trip(timeline, tmp_path) == timeline


def test_loaded_records_share_equal_values(tmp_path: Path) -> None:
    """One object per distinct date, expression, offset and article id: what keeps a
    loaded timeline small (80,000 events at 10k articles)."""
    loaded = _round_trip(_odd_timeline(), tmp_path)
    assert loaded is not None
    sources = [s for e in loaded.events for s in e.sources]
    between = [s for s in sources if s.expression == "between"]
    assert between[0].expression is between[1].expression
    assert sources[0].sentence_end is sources[1].sentence_end  # 70,000: not a cached small int
    by_id = {a.article_id: a for a in loaded.anchors}
    assert all(s.article_id is by_id[s.article_id].article_id for s in sources)
    assert all(s.file is by_id[s.article_id].file for s in sources)
    assert loaded.events[3].first_day is loaded.events[3].last_day


def test_another_key_is_not_loaded(tmp_path: Path) -> None:
    timeline = _odd_timeline()
    save_anchors(tmp_path, "old", timeline.anchors)
    save_events(tmp_path, "old", timeline)
    assert load_anchors(tmp_path, "new") is None
    assert load_events(tmp_path, "new", {a.article_id: a for a in timeline.anchors}) is None


def test_events_need_the_anchors_they_were_written_with(tmp_path: Path) -> None:
    timeline = _odd_timeline()
    save_events(tmp_path, "k", timeline)
    fewer = {a.article_id: a for a in timeline.anchors[:2]}
    assert load_events(tmp_path, "k", fewer) is None


# --- through the engine -------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Timeline]:
    """An index of the bundled articles, and the timeline the engine built from it."""
    folder = tmp_path_factory.mktemp("index")
    engine = Engine(BUNDLED, folder, today=TODAY)
    engine.open()
    timeline = engine.timeline()
    engine.close()
    return folder, timeline


@pytest.fixture
def index_dir(built: tuple[Path, Timeline], tmp_path: Path) -> Path:
    """A copy of that index with the timeline cached, for a test to damage."""
    return Path(shutil.copytree(built[0], tmp_path / "index"))


@pytest.fixture
def reference(built: tuple[Path, Timeline]) -> Timeline:
    return built[1]


def _fresh(index_dir: Path, today: dt.date = TODAY) -> Engine:
    engine = Engine(BUNDLED, index_dir, today=today)
    engine.open()
    return engine


def _no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: TimelineService, stop: object) -> object:
        raise AssertionError("the timeline was built although it is cached")

    monkeypatch.setattr(TimelineService, "build", refuse)


def test_anchors_come_from_their_cache_without_the_events(
    index_dir: Path, reference: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_build(monkeypatch)

    def refuse(*args: object) -> None:
        raise AssertionError("the events were loaded for the anchors")

    monkeypatch.setattr(service_module, "load_events", refuse)
    engine = _fresh(index_dir)
    assert tuple(engine.anchors().values()) == reference.anchors
    monkeypatch.undo()
    _no_build(monkeypatch)
    assert engine.timeline() == reference
    assert engine.anchors() is engine.anchors()


def test_a_cached_timeline_is_loaded_not_built(
    index_dir: Path, reference: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_build(monkeypatch)
    engine = _fresh(index_dir)
    assert engine.timeline() == reference
    assert engine.anchors() == {a.article_id: a for a in reference.anchors}


def _foreign_pickle(marker: Path) -> bytes:
    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    return pickle.dumps(Payload())


def _damages(key: str, marker: Path) -> dict[str, bytes]:
    valid_shape = ("summit-timeline-cache/1", "anchors", key, [])
    return {
        "empty": b"",
        "text": b"not a pickle at all\n",
        "a foreign pickle": _foreign_pickle(marker),
        "a pickled date": pickle.dumps(dt.date(2025, 1, 1)),
        "a plain tuple": pickle.dumps(("a", "b")),
        "another format": pickle.dumps(valid_shape),
        "rows of the wrong shape": pickle.dumps(
            (timeline_cache._FORMAT, "anchors", key, [(1, 2, 3)])
        ),
        "events of the wrong shape": pickle.dumps(
            (timeline_cache._FORMAT, "events", key, ("x",) * 13)
        ),
    }


@pytest.mark.parametrize("name", list(_damages("k", Path("m"))))
@pytest.mark.parametrize("which", [ANCHORS_CACHE, EVENTS_CACHE])
def test_a_damaged_or_foreign_cache_is_rebuilt(
    index_dir: Path, reference: Timeline, tmp_path: Path, which: str, name: str
) -> None:
    marker = tmp_path / "ran"
    blob = _damages(_fresh(index_dir)._timelines.key(), marker)[name]
    (index_dir / which).write_bytes(blob)
    engine = _fresh(index_dir)  # open() reads the anchors cache: it must refuse this one
    assert tuple(engine.anchors().values()) == reference.anchors
    assert engine.timeline() == reference
    assert not marker.exists()
    assert (index_dir / which).read_bytes() != blob  # rewritten


def test_a_truncated_cache_is_rebuilt(index_dir: Path, reference: Timeline) -> None:
    for name in (ANCHORS_CACHE, EVENTS_CACHE):
        path = index_dir / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        assert _fresh(index_dir).timeline() == reference


def test_a_missing_events_cache_rebuilds_both(index_dir: Path, reference: Timeline) -> None:
    (index_dir / EVENTS_CACHE).unlink()
    engine = _fresh(index_dir)
    assert engine.timeline() == reference
    assert (index_dir / EVENTS_CACHE).exists()


def test_another_day_rebuilds(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's date is part of the key: anchors are the latest fitting year not after it."""
    _no_build(monkeypatch)
    later = _fresh(index_dir, today=TODAY + dt.timedelta(days=1))
    with pytest.raises(AssertionError, match="was built"):
        later.anchors()


def test_an_unwritable_cache_is_no_error(index_dir: Path, reference: Timeline) -> None:
    for name in (ANCHORS_CACHE, EVENTS_CACHE):
        (index_dir / name).unlink()
        (index_dir / name).mkdir()  # replacing it fails
    assert _fresh(index_dir).timeline() == reference


def test_the_old_single_file_cache_goes(tmp_path: Path) -> None:
    (tmp_path / LEGACY_CACHE).write_bytes(b"an older version's whole timeline")
    timeline = _odd_timeline()
    save_events(tmp_path, "k", timeline)
    assert not (tmp_path / LEGACY_CACHE).exists()


def test_opening_brings_the_cached_dates_without_the_timeline(
    index_dir: Path, reference: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_build(monkeypatch)
    engine = _fresh(index_dir)
    assert tuple(engine._anchors_so_far().values()) == reference.anchors
