"""Damage that keeps a file's size is found: every index file has a checksum, `summit
index` reads them all and rebuilds a damaged index, `summit index --check` reports it."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import index.backend.whoosh.store as store
from index.engine import Engine
from index.store.integrity import sqlite_problems
from tests.hostile import write_news_corpus
from tests.test_robustness_index import fingerprint

SUMMIT = [sys.executable, "-m", "tui.cli"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[object]]:
    base = tmp_path_factory.mktemp("integrity")
    articles = write_news_corpus(base / "articles", count=40)
    engine = Engine(articles, base / "index")
    engine.open()
    expected = fingerprint(engine)
    engine.close()
    return articles, base / "index", expected


def _index_files(index_dir: Path) -> list[Path]:
    segments = sorted((index_dir / store.WHOOSH_DIR).glob("*.seg"))
    return [*segments, index_dir / store.SIDECAR, index_dir / store.MANIFEST]


def _copy(built: tuple[Path, Path, list[object]], tmp_path: Path) -> Path:
    """A copy of the built index, to damage."""
    copy = tmp_path / "index"
    shutil.copytree(built[1], copy)
    return copy


def _change_one_byte(path: Path, rng: random.Random) -> None:
    """Change one byte in place: the size stays, so only its content tells."""
    data = bytearray(path.read_bytes())
    at = rng.randrange(len(data))
    data[at] ^= rng.randrange(1, 256)
    with open(path, "r+b") as handle:
        handle.write(data)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SUMMIT, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("seed", range(25))
def test_any_byte_changed_in_a_segment_or_the_sidecar_is_found(
    tmp_path: Path, built: tuple[Path, Path, list[object]], seed: int
) -> None:
    articles, copy = built[0], _copy(built, tmp_path)
    rng = random.Random(seed)
    damaged = rng.choice(_index_files(copy))
    _change_one_byte(damaged, rng)
    problems = Engine(articles, copy).check_index()
    assert any(damaged.name in problem for problem in problems), problems


def test_summit_index_repairs_what_check_reports(
    tmp_path: Path, built: tuple[Path, Path, list[object]]
) -> None:
    articles, _, expected = built
    copy = _copy(built, tmp_path)
    rng = random.Random(1)
    for path in _index_files(copy):
        _change_one_byte(path, rng)
    where = ["--articles", str(articles), "--index-dir", str(copy)]
    checked = _run("index", "--check", *where)
    assert checked.returncode == 1
    assert checked.stderr.count("\n") == 1 and "manifest.json is damaged" in checked.stderr
    assert "Traceback" not in checked.stderr
    repaired = _run("index", *where)
    assert repaired.returncode == 0, repaired.stderr
    assert "index damaged" in repaired.stdout
    assert _run("index", "--check", *where).returncode == 0
    for path in _index_files(copy)[:-1]:  # with the manifest whole, each file is named
        _change_one_byte(path, rng)
    checked = _run("index", "--check", *where)
    assert checked.returncode == 1
    assert checked.stderr.count("damaged") == len(_index_files(copy)) - 1, checked.stderr
    repaired = _run("index", *where)
    assert "index damaged: " in repaired.stdout
    assert _run("index", "--check", *where).returncode == 0
    engine = Engine(articles, copy)
    assert not engine.open().rebuilt
    assert fingerprint(engine) == expected


def test_check_changes_nothing_and_passes_on_a_whole_index(
    built: tuple[Path, Path, list[object]],
) -> None:
    articles, index_dir, _ = built
    before = {p: p.read_bytes() for p in sorted(index_dir.rglob("*")) if p.is_file()}
    checked = _run("index", "--check", "--articles", str(articles), "--index-dir", str(index_dir))
    assert checked.returncode == 0, checked.stderr
    assert {p: p.read_bytes() for p in sorted(index_dir.rglob("*")) if p.is_file()} == before


def test_check_of_a_missing_index_says_so(tmp_path: Path) -> None:
    articles = write_news_corpus(tmp_path / "articles", count=3)
    checked = _run("index", "--check", "--articles", str(articles), "--index-dir", str(tmp_path))
    assert checked.returncode == 1
    assert checked.stderr.count("\n") == 1 and "summit index" in checked.stderr


def test_a_segment_of_another_size_is_rebuilt_on_every_open(
    tmp_path: Path, built: tuple[Path, Path, list[object]]
) -> None:
    articles, _, expected = built
    copy = _copy(built, tmp_path)
    with open(_index_files(copy)[0], "ab") as handle:
        handle.write(b"\0")
    engine = Engine(articles, copy)
    assert engine.open().rebuilt  # no verify: sizes are checked at every open
    assert fingerprint(engine) == expected


def test_sqlite_quick_check_finds_a_damaged_btree(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)")
        connection.executemany(
            "INSERT INTO t VALUES (?, ?)", [(str(i), "x" * 50) for i in range(2000)]
        )
    connection.close()
    assert sqlite_problems(database) == []
    page_size = 4096
    data = bytearray(database.read_bytes())
    for page in range(2, len(data) // page_size):  # every b-tree page header's type byte
        data[page * page_size] = 0x55
    database.write_bytes(data)
    assert sqlite_problems(database)


def test_a_damaged_sidecar_alone_is_rebuilt_from_the_articles_keeping_the_segments(
    tmp_path: Path, built: tuple[Path, Path, list[object]]
) -> None:
    articles, _, expected = built
    copy = _copy(built, tmp_path)
    segments = {p.name: p.stat().st_mtime_ns for p in (copy / store.WHOOSH_DIR).iterdir()}
    _change_one_byte(copy / store.SIDECAR, random.Random(5))
    where = ["--articles", str(articles), "--index-dir", str(copy)]
    repaired = _run("index", *where)
    assert repaired.returncode == 0, repaired.stderr
    assert "articles.sqlite was damaged" in repaired.stderr
    assert "up to date" in repaired.stdout
    assert {p.name: p.stat().st_mtime_ns for p in (copy / store.WHOOSH_DIR).iterdir()} == segments
    assert _run("index", "--check", *where).returncode == 0
    engine = Engine(articles, copy)
    assert not engine.open().rebuilt
    assert fingerprint(engine) == expected
    assert engine.timeline().events


def test_an_open_engine_searches_on_after_its_sidecar_is_rebuilt(
    tmp_path: Path, built: tuple[Path, Path, list[object]]
) -> None:
    articles, _, expected = built
    copy = _copy(built, tmp_path)
    engine = Engine(articles, copy)
    engine.open()
    assert fingerprint(engine) == expected
    _change_one_byte(copy / store.SIDECAR, random.Random(9))
    report = engine.open(verify=True)
    assert any("articles.sqlite was damaged" in w for w in report.warnings)
    assert fingerprint(engine) == expected  # prefixes and corrections read the new file
    assert Engine(articles, copy).check_index() == []
