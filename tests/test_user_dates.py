"""`summit date`: a date the user sets is kept with the index, survives a rebuild,
wins over inference and shows as "set by you" everywhere the date shows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from index.user.dates import USER_DATES, load_user_dates, set_user_date
from tests.conftest import BUNDLED
from tests.test_cli import run


def test_store_round_trip_and_damaged_file(tmp_path: Path) -> None:
    set_user_date(tmp_path, "a.txt", dt.date(1998, 2, 13))
    set_user_date(tmp_path, "b.txt", dt.date(2001, 1, 2))
    set_user_date(tmp_path, "b.txt", None)
    assert load_user_dates(tmp_path) == {"a.txt": dt.date(1998, 2, 13)}
    (tmp_path / USER_DATES).write_text("{not json", encoding="utf-8")
    assert load_user_dates(tmp_path) == {}


def test_date_set_shows_everywhere_survives_rebuild_and_clears(tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in BUNDLED.iterdir()}
    result = run("date", "003", "2024-01-05", index_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2024-01-05 (set by you)" in result.stdout
    assert {p.name: p.read_bytes() for p in BUNDLED.iterdir()} == before  # file untouched

    assert run("index", "--rebuild", index_dir=tmp_path).returncode == 0
    listed = json.loads(run("list", "--json", index_dir=tmp_path).stdout)
    mine = next(a for a in listed["articles"] if a["article"].startswith("003"))
    assert (mine["date"], mine["date_source"]) == ("2024-01-05", "user")
    assert "(date set by you)" in run("list", index_dir=tmp_path).stdout
    assert "2024-01-05 (set by you)" in run("show", "003", index_dir=tmp_path).stdout
    anchors = json.loads(run("timeline", "--json", index_dir=tmp_path).stdout)["anchors"]
    anchor = next(a for a in anchors if a["article"].startswith("003"))
    assert (anchor["date"], anchor["date_source"]) == ("2024-01-05", "user")
    assert "set by you" in anchor["evidence"]

    cleared = run("date", "003", "--clear", index_dir=tmp_path)
    assert cleared.returncode == 0 and "set by you" not in cleared.stdout
    listed = json.loads(run("list", "--json", index_dir=tmp_path).stdout)
    entry = next(a for a in listed["articles"] if a["article"].startswith("003"))
    assert entry["date_source"] != "user"


def test_date_usage_errors_are_one_line(tmp_path: Path) -> None:
    for args in (("date", "003"), ("date", "003", "2024-13-40"), ("date", "nope", "2024-01-05")):
        result = run(*args, index_dir=tmp_path)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
