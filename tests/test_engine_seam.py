"""What the layout redesign fixed at the engine's seam: one id rule (the index's), and
cancellation passed into `Engine.open` and the timeline build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from index.engine import Engine
from index.errors import IndexCancelled, TimelineCancelled
from tests.conftest import TODAY
from tests.hostile import write_news_corpus

SUMMIT = shutil.which("summit", path=str(Path(sys.executable).parent)) or "summit"


def _same_stem_folder(root: Path) -> Path:
    folder = root / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Harbour strike ends\ndate: 2021-03-04\n---\n\nDockworkers went back.\n",
        encoding="utf-8",
    )
    (folder / "a.txt").write_text(
        "Grain prices rise\n\nMILLERS said on Monday that the price of grain rose.\n",
        encoding="utf-8",
    )
    return folder


def test_show_gives_the_id_and_date_the_index_gave_that_file(tmp_path: Path) -> None:
    """Two files with one stem get two ids; `show a.txt` is a.txt's own, not a.md's."""
    folder = _same_stem_folder(tmp_path)
    common = ["--articles", str(folder), "--index-dir", str(tmp_path / "ix")]
    listed = subprocess.run(
        [SUMMIT, "list", "--json", *common], capture_output=True, text=True, check=True
    )
    ids = {item["file"]: item["article"] for item in json.loads(listed.stdout)["articles"]}
    assert len(set(ids.values())) == 2
    shown = subprocess.run(
        [SUMMIT, "show", "a.txt", "--json", *common], capture_output=True, text=True, check=True
    )
    article = json.loads(shown.stdout)
    assert article["article"] == ids["a.txt"]
    assert article["file"] == "a.txt"
    assert article["date"] != "2021-03-04"  # a.md's front-matter date
    assert "Grain prices rise" in article["title"]


def test_engine_article_keeps_each_files_own_id(tmp_path: Path) -> None:
    folder = _same_stem_folder(tmp_path)
    engine = Engine(folder, tmp_path / "ix", today=TODAY)
    engine.open()
    try:
        for summary in engine.articles():
            assert engine.get_article(summary.file).id == summary.id
            assert engine.get_article(summary.id).file == summary.file
    finally:
        engine.close()


def test_a_cancelled_open_stops_and_keeps_no_half_index(tmp_path: Path) -> None:
    folder = write_news_corpus(tmp_path / "articles", count=400)
    engine = Engine(folder, tmp_path / "ix", today=TODAY)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(done)
        if done >= 20:
            cancel.set()

    try:
        with pytest.raises(IndexCancelled):
            engine.open(progress, cancel=cancel)
        assert not engine.open_existing() or engine.article_count() < 400
    finally:
        engine.close()
    # a fresh engine builds it whole: the cancelled one left nothing that looks current
    again = Engine(folder, tmp_path / "ix", today=TODAY)
    try:
        again.open()
        assert again.article_count() == 400
    finally:
        again.close()


def test_a_cancelled_timeline_build_raises_and_caches_nothing(tmp_path: Path) -> None:
    folder = write_news_corpus(tmp_path / "articles", count=30)
    engine = Engine(folder, tmp_path / "ix", today=TODAY)
    engine.open()
    cancel = threading.Event()
    cancel.set()
    try:
        with pytest.raises(TimelineCancelled):
            engine.timeline(cancel=cancel)
        assert not engine.dates_known
        assert len(engine.timeline().anchors) == 30  # not cancelled: built
    finally:
        engine.close()
