"""Where the index is: a read-only index folder is searched in place; when a fallback
is needed it is one folder in the user cache, reused; concurrent runs never race."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.engine import Engine
from tests.hostile import write_news_corpus

REPO = Path(__file__).resolve().parent.parent
SUMMIT = [sys.executable, "-m", "tui.cli"]
QUERY = "council budget"


def unprivileged(command: list[str]) -> list[str]:
    """`command` run so that file permissions hold: as root (CI), without the
    capabilities that let root write anywhere, so a chmod'ed folder is read-only."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]


def run(*args: str, cache: Path, privileged: bool = False) -> subprocess.CompletedProcess[str]:
    command = [*SUMMIT, *args]
    return subprocess.run(
        command if privileged else unprivileged(command),
        cwd=REPO,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def _make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


@pytest.fixture
def articles(tmp_path: Path) -> Iterator[Path]:
    yield write_news_corpus(tmp_path / "articles", count=30)
    for path in [tmp_path, *tmp_path.rglob("*")]:  # let pytest remove it again
        if path.is_dir():
            path.chmod(0o755)


def test_a_read_only_index_folder_is_searched_in_place(articles: Path, tmp_path: Path) -> None:
    index_dir, cache = tmp_path / "index", tmp_path / "cache"
    Engine(articles, index_dir).open()
    expected = Engine(articles, index_dir)
    expected.open()
    want = [(h.article_id, h.paragraph) for h in expected.search(QUERY, 10).hits]
    expected.close()
    _make_read_only(index_dir)
    assert run("--version", cache=cache).returncode == 0
    probe = subprocess.run(unprivileged(["test", "-w", str(index_dir)]), check=False)
    assert probe.returncode != 0, "the folder must really be read-only to the command"
    before = _snapshot(index_dir)
    where = ["--articles", str(articles), "--index-dir", str(index_dir)]
    found = run("search", QUERY, "--json", *where, cache=cache)
    assert found.returncode == 0, found.stderr
    assert "read-only" in found.stderr and found.stderr.count("\n") == 1
    hits = json.loads(found.stdout)["hits"]
    assert [(h["article"], h["paragraph"]) for h in hits] == want
    assert _snapshot(index_dir) == before
    assert not list(cache.rglob("manifest.json")), "no fallback index was built"
    updated = run("index", *where, cache=cache)
    assert updated.returncode == 2  # it cannot be brought up to date, and says so
    assert "read-only" in updated.stderr


def test_the_timeline_of_a_read_only_index_is_cached_in_the_fallback_folder(
    articles: Path, tmp_path: Path
) -> None:
    index_dir, cache = tmp_path / "index", tmp_path / "cache"
    Engine(articles, index_dir).open()
    _make_read_only(index_dir)
    before = _snapshot(index_dir)
    where = ["--articles", str(articles), "--index-dir", str(index_dir)]
    first = run("timeline", "--json", *where, cache=cache)
    assert first.returncode == 0, first.stderr
    (fallback,) = (cache / "summit-explorer" / "indexes").iterdir()
    cached = sorted(p.name for p in fallback.iterdir())
    assert cached == ["timeline-anchors.pickle", "timeline-events.pickle"]
    stamps = _snapshot(fallback)
    again = run("timeline", "--json", *where, cache=cache)
    assert again.stdout == first.stdout
    assert _snapshot(fallback) == stamps  # read from the cache, not built again
    assert _snapshot(index_dir) == before


def test_without_an_index_the_fallback_is_one_cache_folder_reused(
    articles: Path, tmp_path: Path
) -> None:
    index_dir, cache = tmp_path / "index", tmp_path / "cache"
    index_dir.mkdir()
    _make_read_only(index_dir)
    where = ["--articles", str(articles), "--index-dir", str(index_dir)]
    first = run("index", *where, cache=cache)
    assert first.returncode == 0, first.stderr
    assert "index built" in first.stdout and "using the index at" in first.stderr
    second = run("index", *where, cache=cache)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout
    (fallback,) = (cache / "summit-explorer" / "indexes").iterdir()
    assert (fallback / "manifest.json").exists()


@pytest.mark.parametrize("built", [True, False], ids=["built", "first build"])
def test_concurrent_searches_all_answer_from_the_one_index(
    articles: Path, tmp_path: Path, built: bool
) -> None:
    index_dir, cache = tmp_path / "index", tmp_path / "cache"
    if built:
        Engine(articles, index_dir).open()
    where = ["--articles", str(articles), "--index-dir", str(index_dir)]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    searches = [
        subprocess.Popen(
            [*SUMMIT, "search", QUERY, *where],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for search in searches:
        out, err = search.communicate(timeout=120)
        assert search.returncode == 0, err
        assert "1. " in out
        assert "cannot write" not in err and "temporary" not in err
    assert not cache.exists()
    assert sorted(p.name for p in index_dir.iterdir() if p.name.startswith(".")) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder someone else's needs root")
def test_a_fallback_folder_made_by_someone_else_is_not_used(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.errors import IndexWriteError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    planted = tmp_path / "cache" / "summit-explorer" / "indexes"
    planted.mkdir(parents=True)
    os.chown(planted, 65534, 65534)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(IndexWriteError, match="choose another --index-dir"):
        Engine(articles, blocker / "index").open()
