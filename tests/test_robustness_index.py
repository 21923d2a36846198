"""The index survives kills, damage, concurrent writers, unwritable and full disks,
and nothing ever writes into the articles folder."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import index.backend.whoosh.store as store
import index.store.manifest as manifest_file
from index.engine import Engine
from index.errors import CorpusError
from tests.hostile import snapshot, write_hostile_corpus, write_news_corpus
from tui import cli

SUMMIT = [sys.executable, "-m", "tui.cli"]
QUERIES = ("council budget", '"harbour bridge"', "flood OR storm", "mayor -police", "museu*")


def fingerprint(engine: Engine) -> list[object]:
    """What a user sees: the article list and the ranked hits of a few queries."""
    seen: list[object] = [(a.id, a.title, a.paragraphs) for a in engine.articles()]
    for query in QUERIES:
        result = engine.search(query, 15)
        seen.append((query, result.total, [(h.article_id, h.paragraph) for h in result.hits]))
    return seen


def fresh_fingerprint(articles: Path, index_dir: Path) -> list[object]:
    engine = Engine(articles, index_dir)
    engine.open()
    try:
        return fingerprint(engine)
    finally:
        engine.close()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[object]]:
    base = tmp_path_factory.mktemp("small")
    articles = write_news_corpus(base / "articles", count=40)
    return articles, fresh_fingerprint(articles, base / "fresh")


def _wait_gone(pgid: int, seconds: float) -> list[int]:
    """Processes still in the killed command's group after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[2]) == pgid and stat[0] != "Z":
                    alive.append(int(entry.name))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


# -- SIGKILL mid-write ------------------------------------------------------------------


@pytest.mark.timeout(150)
def test_repeated_sigkill_never_leaves_a_broken_index(tmp_path: Path) -> None:
    articles = write_news_corpus(tmp_path / "articles", count=300)
    index_dir = tmp_path / "index"
    rng = random.Random(20240603)
    command = [*SUMMIT, "index", "--articles", str(articles), "--index-dir", str(index_dir)]
    for attempt in range(10):
        # --rebuild, so every run really writes: a kill lands in parsing, in whoosh's
        # writing or commit, or between the commit and the manifest.
        process = subprocess.Popen(
            [*command, "--rebuild"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group, to find any worker it leaves behind
        )
        time.sleep(rng.uniform(0.3, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        leftovers = _wait_gone(process.pid, 5.0)
        if leftovers:
            os.killpg(process.pid, signal.SIGKILL)
        assert not leftovers, f"attempt {attempt}: workers outlived a killed summit"
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "busy" not in result.stderr  # no lock left held by the dead
    recovered = Engine(articles, index_dir)
    report = recovered.open()
    assert not report.rebuilt  # the run above repaired it for good
    assert fingerprint(recovered) == fresh_fingerprint(articles, tmp_path / "fresh")


# -- damaged index files ----------------------------------------------------------------


def _segment(index_dir: Path) -> Path:
    return next((index_dir / store.WHOOSH_DIR).glob("*.seg"))


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(size)


def _edit_manifest(change: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def damage(index_dir: Path) -> None:
        path = index_dir / store.MANIFEST
        manifest = json.loads(path.read_text())
        change(manifest)
        path.write_text(json.dumps(manifest))

    return damage


def _set_fields(names: list[str]) -> Callable[[dict[str, object]], None]:
    def change(manifest: dict[str, object]) -> None:
        manifest["fields"] = names

    return change


def _set_record(field: str, value: object) -> Callable[[dict[str, object]], None]:
    def change(manifest: dict[str, object]) -> None:
        position = manifest["fields"].index(field)  # type: ignore[attr-defined]
        manifest["records"][0][position] = value  # type: ignore[index]

    return change


DAMAGE: dict[str, Callable[[Path], None]] = {
    "segment truncated": lambda d: _truncate(_segment(d), _segment(d).stat().st_size // 2),
    "segment emptied": lambda d: _truncate(_segment(d), 0),
    "segment deleted": lambda d: _segment(d).unlink(),
    "toc deleted": lambda d: next((d / store.WHOOSH_DIR).glob("*.toc")).unlink(),
    "toc truncated": lambda d: _truncate(next((d / store.WHOOSH_DIR).glob("*.toc")), 40),
    "manifest truncated": lambda d: _truncate(d / store.MANIFEST, 60),
    "manifest deleted": lambda d: (d / store.MANIFEST).unlink(),
    "manifest not an object": lambda d: (d / store.MANIFEST).write_text("[1, 2]"),
    "manifest other generation": _edit_manifest(lambda m: m.update(generation=99)),
    "manifest other schema": _edit_manifest(lambda m: m.update(schema=-1)),
    "record missing a field": _edit_manifest(lambda m: m["records"][0].pop()),  # type: ignore[index]
    "record negative paragraphs": _edit_manifest(_set_record("paragraphs", -1)),
    "fields renamed": _edit_manifest(_set_fields(["name", "file"])),
    "record wrong type": _edit_manifest(_set_record("paragraphs", "five")),
    "record bad date": _edit_manifest(_set_record("date", "2024-99-99")),
    "sidecar garbage": lambda d: (d / store.SIDECAR).write_text("{"),
    "sidecar not a database": lambda d: (d / store.SIDECAR).write_text('{"article_0000": 5}'),
    "whoosh folder is a file": lambda d: (
        shutil.rmtree(d / store.WHOOSH_DIR),
        (d / store.WHOOSH_DIR).write_text("x"),
    ),
    "stale temp files": lambda d: (
        (d / f"{store.MANIFEST}.tmp").write_text("{"),
        (d / store.WHOOSH_DIR / "MAIN_stale.seg").write_bytes(b"junk"),
    ),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damaged_index_is_detected_and_rebuilt(
    tmp_path: Path, small_corpus: tuple[Path, list[object]], damage: str
) -> None:
    articles, expected = small_corpus
    index_dir = tmp_path / "index"
    Engine(articles, index_dir).open()
    DAMAGE[damage](index_dir)
    engine = Engine(articles, index_dir)
    report = engine.open()
    assert report.rebuilt or damage == "stale temp files"
    assert fingerprint(engine) == expected
    engine.timeline()  # the time expressions are whole again too


# -- concurrent writers and readers -----------------------------------------------------


def test_an_index_being_rebuilt_by_another_process_after_our_sync_is_no_error(
    tmp_path: Path, small_corpus: tuple[Path, list[object]]
) -> None:
    """Between our sync releasing its lock and our engine noting the index's version,
    another `summit index --rebuild` may have emptied the folder: the version is the one
    this process opened or committed, not asked of whoosh again (which raised
    EmptyIndexError: seen once when two rebuilds raced in CI)."""
    articles, expected = small_corpus
    index_dir = tmp_path / "index"
    engine = Engine(articles, index_dir)
    engine.open()
    version = engine._store.version
    for toc in (index_dir / "whoosh").glob("*.toc"):
        toc.unlink()  # what the other process's rebuild does first
    assert engine._store.version == version
    assert fingerprint(engine) == expected  # searching the segments already open


@pytest.mark.timeout(90)
def test_two_processes_indexing_at_once(
    tmp_path: Path, small_corpus: tuple[Path, list[object]]
) -> None:
    articles, expected = small_corpus
    index_dir = tmp_path / "index"
    command = [*SUMMIT, "index", "--rebuild", "--articles", str(articles)]
    processes = [
        subprocess.Popen(
            [*command, "--index-dir", str(index_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=80)
        assert process.returncode == 0, err  # the second waits for the first
        assert "Traceback" not in err
    engine = Engine(articles, index_dir)
    assert not engine.open().rebuilt
    assert fingerprint(engine) == expected


@pytest.mark.timeout(90)
def test_open_engine_survives_another_process_rebuilding(
    tmp_path: Path, small_corpus: tuple[Path, list[object]]
) -> None:
    articles, expected = small_corpus
    index_dir = tmp_path / "index"
    engine = Engine(articles, index_dir)
    engine.open()
    before = fingerprint(engine)
    rebuild = subprocess.Popen(
        [*SUMMIT, "index", "--rebuild", "--articles", str(articles), "--index-dir", str(index_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    while rebuild.poll() is None:  # keep reading while the files are replaced under us
        assert fingerprint(engine) == before
        engine.get_article("article_0001")
    assert rebuild.returncode == 0, rebuild.stderr.read() if rebuild.stderr else ""
    assert fingerprint(engine) == before
    engine.open()  # and picking up the new generation works
    assert fingerprint(engine) == expected


# -- unwritable and full disks ----------------------------------------------------------


def test_unwritable_index_dir_falls_back_to_one_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_corpus: tuple[Path, list[object]]
) -> None:
    """The index folder is put under a regular file, where mkdir fails for everyone
    (root included). The fallback is the user cache's, the same on every run."""
    articles, expected = small_corpus
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # not the user's cache
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    engine = Engine(articles, blocker / "index")
    report = engine.open()
    assert any("cannot write the index" in w and "using the index at" in w for w in report.warnings)
    assert fingerprint(engine) == expected
    fallback = engine.index_dir
    assert fallback.is_relative_to(tmp_path / "cache")
    engine.close()
    again = Engine(articles, blocker / "index")
    assert not again.open().rebuilt  # reused, not built again
    assert again.index_dir == fallback
    assert len(list(fallback.parent.iterdir())) == 1


def test_disk_full_while_saving_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_corpus: tuple[Path, list[object]]
) -> None:
    articles, expected = small_corpus
    index_dir = tmp_path / "index"
    Engine(articles, index_dir).open()
    copy = tmp_path / "articles"
    shutil.copytree(articles, copy)
    (copy / "article_0000.md").write_text("Flood warning\n\nNORTHPORT — The river rose.\n")
    expected_after = fresh_fingerprint(copy, tmp_path / "fresh")

    def full(path: Path, data: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(manifest_file, "atomic_write_json", full)
    engine = Engine(copy, index_dir)
    report = engine.open()  # the update itself is committed, only the manifest fails
    assert any("No space left on device" in w for w in report.warnings)
    assert fingerprint(engine) == expected_after  # this session goes on
    assert not list(index_dir.glob("*.tmp"))
    monkeypatch.undo()
    again = Engine(copy, index_dir)
    assert again.open().rebuilt  # the stale manifest is not trusted
    assert fingerprint(again) == expected_after
    assert expected_after != expected


def test_disk_full_while_writing_the_index_keeps_the_previous_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_corpus: tuple[Path, list[object]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    articles, expected = small_corpus
    copy = tmp_path / "articles"
    shutil.copytree(articles, copy)
    index_dir = tmp_path / "index"
    Engine(copy, index_dir).open()
    (copy / "article_0000.md").write_text("Flood warning\n\nNORTHPORT — The river rose.\n")
    from whoosh.writing import SegmentWriter

    def full(self: SegmentWriter, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", full)
    served = Engine(copy, index_dir)
    report = served.open()  # not updated, but searchable as it was
    assert report.not_updated and "No space left on device" in report.not_updated
    assert any("searching the previous index" in w for w in report.warnings)
    assert fingerprint(served) == expected
    served.close()
    code = cli.main(["index", "--articles", str(copy), "--index-dir", str(index_dir)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err
    monkeypatch.undo()
    # the previous index is whole: it opens as it was, then takes the update
    (copy / "article_0000.md").write_text((articles / "article_0000.md").read_text())
    os.utime(copy / "article_0000.md", ns=(0, (articles / "article_0000.md").stat().st_mtime_ns))
    previous = Engine(copy, index_dir)
    report = previous.open()
    assert not report.rebuilt
    assert fingerprint(previous) == expected


# -- the articles folder is read-only to us ---------------------------------------------


@pytest.mark.timeout(90)
def test_articles_folder_is_never_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = tmp_path / "articles"
    write_hostile_corpus(articles)
    write_news_corpus(articles / "news", count=20)
    before = snapshot(articles)
    where = ["--articles", str(articles), "--index-dir", str(tmp_path / "index")]
    for argv in (
        ["index"],
        ["search", "council"],
        ["search", "--similar", "news/article_0001"],
        ["show", "hostile_text"],
        ["show", "hostile_text", "--json"],
        ["list"],
        ["timeline"],
        ["timeline", "--json"],
        ["index", "--rebuild"],
    ):
        assert cli.main([*argv, *where]) in (0, 1), capsys.readouterr().err
    capsys.readouterr()
    assert snapshot(articles) == before


def test_index_dir_inside_articles_is_refused(tmp_path: Path) -> None:
    articles = write_news_corpus(tmp_path / "articles", count=3)
    before = snapshot(articles)
    for inside in (articles, articles / "cache", articles / "news" / "deeper"):
        with pytest.raises(CorpusError, match="inside the articles folder"):
            Engine(articles, inside).open()
    assert snapshot(articles) == before
