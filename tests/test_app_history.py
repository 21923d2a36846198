"""tui.history: persisted, deduplicated, capped query history with shell-like recall."""

from __future__ import annotations

from pathlib import Path

from tui.history import QueryHistory


def test_dedupe_cap_and_persistence(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "history.json"
    history = QueryHistory(path, cap=3)
    for query in ["a", "b", "a", "  c  ", "d", ""]:
        history.add(query)
    assert history.entries == ["a", "c", "d"]
    assert QueryHistory(path, cap=3).entries == ["a", "c", "d"]


def test_previous_and_next_walk_like_a_shell(tmp_path: Path) -> None:
    history = QueryHistory(tmp_path / "h.json")
    for query in ["one", "two", "three"]:
        history.add(query)
    assert history.previous() == "three"
    assert history.previous() == "two"
    assert history.previous() == "one"
    assert history.previous() is None
    assert history.next() == "two"
    assert history.next() == "three"
    assert history.next() == ""
    assert not history.browsing


def test_matching_and_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text("{not json", encoding="utf-8")
    history = QueryHistory(path)
    assert history.entries == []
    history.add("joint battalion")
    history.add("summit")
    assert history.matching("BATT") == ["joint battalion"]
    assert history.matching("") == ["summit", "joint battalion"]


def test_no_path_means_memory_only() -> None:
    history = QueryHistory(None)
    history.add("x")
    assert history.entries == ["x"]
