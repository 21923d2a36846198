"""tui.app.history: persisted, deduplicated, capped query history with shell-like recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.engine import Engine
from tui.app.app import build_app
from tui.app.history import QueryHistory


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


def test_history_lives_in_the_state_dir_and_an_old_one_is_carried_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = tmp_path / "data" / "summit-explorer" / "query-history.json"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps(["from before"]))
    app = build_app(Engine(None, tmp_path / "ix"))
    assert app.history.entries == ["from before"]
    app.history.add("new query")
    saved = tmp_path / "state" / "summit-explorer" / "query-history.json"
    assert json.loads(saved.read_text()) == ["from before", "new query"]
    assert json.loads(old.read_text()) == ["from before"]  # the old file is left alone
