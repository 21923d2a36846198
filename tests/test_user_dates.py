"""`summit date`: a date the user sets is kept with the corpus's user data (not in the
index, a cache), survives a rebuild and the index's deletion, wins over inference and
shows as "set by you" everywhere the date shows."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from index.corpus.folders import Folders
from index.engine import Engine
from index.store.paths import corpus_data_dir
from index.user.dates import USER_DATES, carry_over, load_user_dates, set_user_date
from tests.conftest import BUNDLED, FIXTURE_CORPUS, TODAY
from tests.test_cli import SUMMIT


def test_store_round_trip_and_damaged_file(tmp_path: Path) -> None:
    set_user_date(tmp_path, "a.txt", dt.date(1998, 2, 13))
    set_user_date(tmp_path, "b.txt", dt.date(2001, 1, 2))
    set_user_date(tmp_path, "b.txt", None)
    assert load_user_dates(tmp_path) == {"a.txt": dt.date(1998, 2, 13)}
    (tmp_path / USER_DATES).write_text("{not json", encoding="utf-8")
    assert load_user_dates(tmp_path) == {}


def test_an_index_folder_file_is_carried_over_once(tmp_path: Path) -> None:
    index_dir, data = tmp_path / "index", tmp_path / "data"
    set_user_date(index_dir, "a.txt", dt.date(1998, 2, 13))
    carry_over(data, index_dir)
    assert load_user_dates(data) == {"a.txt": dt.date(1998, 2, 13)}
    assert not (index_dir / USER_DATES).exists()

    set_user_date(data, "a.txt", None)  # cleared since: an old file must not bring it back
    set_user_date(index_dir, "a.txt", dt.date(1998, 2, 13))
    carry_over(data, index_dir)
    assert load_user_dates(data) == {}


def test_an_unreadable_index_folder_file_is_left_where_it_is(tmp_path: Path) -> None:
    index_dir, data = tmp_path / "index", tmp_path / "data"
    index_dir.mkdir()
    (index_dir / USER_DATES).write_text("{not json", encoding="utf-8")
    carry_over(data, index_dir)
    assert (index_dir / USER_DATES).exists()
    assert not (data / USER_DATES).exists()


def test_the_engine_reads_dates_an_earlier_version_kept_in_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    articles = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, articles)
    engine = Engine(articles, tmp_path / "index", today=TODAY)
    engine.open()
    file = engine.articles()[0].file
    set_user_date(engine.index_dir, file, dt.date(2001, 9, 10))  # where they used to be

    again = Engine(articles, tmp_path / "index", today=TODAY)
    again.open()
    anchor = next(a for a in again.anchors().values() if a.file == file)
    assert (anchor.date, anchor.date_source) == (dt.date(2001, 9, 10), "user")
    assert not (again.index_dir / USER_DATES).exists()
    assert load_user_dates(corpus_data_dir(Folders.of([articles]))) == {file: dt.date(2001, 9, 10)}


def _run(*args: str, index_dir: Path, data: Path) -> subprocess.CompletedProcess[str]:
    """`summit` with its user data in the test's folder, never the real home's."""
    return subprocess.run(
        [SUMMIT, *args, "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "XDG_DATA_HOME": str(data)},
    )


def test_date_set_shows_everywhere_survives_rebuild_and_deletion_and_clears(
    tmp_path: Path,
) -> None:
    index_dir, data = tmp_path / "index", tmp_path / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return _run(*args, index_dir=index_dir, data=data)

    before = {p.name: p.read_bytes() for p in BUNDLED.iterdir()}
    result = run("date", "003", "2024-01-05")
    assert result.returncode == 0, result.stderr
    assert "2024-01-05 (set by you)" in result.stdout
    assert {p.name: p.read_bytes() for p in BUNDLED.iterdir()} == before  # file untouched
    assert not (index_dir / USER_DATES).exists(), "kept with the user's data, not the index"

    assert run("index", "--rebuild").returncode == 0
    listed = json.loads(run("list", "--json").stdout)
    mine = next(a for a in listed["articles"] if a["article"].startswith("003"))
    assert (mine["date"], mine["date_source"]) == ("2024-01-05", "user")
    assert "(date set by you)" in run("list").stdout
    assert "2024-01-05 (set by you)" in run("show", "003").stdout

    shutil.rmtree(index_dir)  # the index is a cache: deleting it keeps the user's date
    anchors = json.loads(run("timeline", "--json").stdout)["anchors"]
    anchor = next(a for a in anchors if a["article"].startswith("003"))
    assert (anchor["date"], anchor["date_source"]) == ("2024-01-05", "user")
    assert "set by you" in anchor["evidence"]

    cleared = run("date", "003", "--clear")
    assert cleared.returncode == 0 and "set by you" not in cleared.stdout
    listed = json.loads(run("list", "--json").stdout)
    entry = next(a for a in listed["articles"] if a["article"].startswith("003"))
    assert entry["date_source"] != "user"


def test_date_usage_errors_are_one_line(tmp_path: Path) -> None:
    for args in (("date", "003"), ("date", "003", "2024-13-40"), ("date", "nope", "2024-01-05")):
        result = _run(*args, index_dir=tmp_path / "index", data=tmp_path / "data")
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
