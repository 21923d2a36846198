"""The CLI on hostile input: terminal safety of everything printed, one-line errors
with exit 2 for every wrong usage, tracebacks only with --debug."""

from __future__ import annotations

import fcntl
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import index.store.locking as store
from index.engine import Engine
from index.errors import SummitError
from tests import hostile
from tests.hostile import write_hostile_corpus
from tui import cli

pytestmark = pytest.mark.timeout(60)

SUMMIT = [sys.executable, "-m", "tui.cli"]
# A terminal must never see these from article text: ESC (CSI/OSC), BEL, 8-bit C1.
C1 = re.compile("[\x80-\x9f]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def hostile_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("cli")
    write_hostile_corpus(base / "articles")
    Engine(base / "articles", base / "index").open()  # built once, shared by the module
    return base / "articles", base / "index"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_inert(text: str, *, allow_sgr: bool = False) -> None:
    if allow_sgr:
        text = SGR.sub("", text)  # Rich's own colours on a terminal are fine
    assert "\x1b" not in text
    assert "\x07" not in text
    assert not C1.search(text), C1.findall(text)


# -- terminal safety --------------------------------------------------------------------

COMMANDS = [
    ["search", hostile.MARKER_HOSTILE, "--limit", "20"],
    ["search", "Markup", "--group-by", "article"],
    ["show", "hostile_text"],
    ["show", "escape"],
    ["show", "latin1"],
    ["list"],
    ["timeline"],
    ["index"],
]


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_hostile_text_is_printed_inertly(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    hostile_dirs: tuple[Path, Path],
    argv: list[str],
    terminal: bool,
) -> None:
    if terminal:
        monkeypatch.setenv("FORCE_COLOR", "1")  # Rich styles as for a real terminal
    articles, index = hostile_dirs
    code, out, err = run(capsys, *argv, "--articles", str(articles), "--index-dir", str(index))
    assert code == 0, err
    assert_inert(out, allow_sgr=terminal)
    assert_inert(err, allow_sgr=terminal)


def test_markup_appears_literally(
    capsys: pytest.CaptureFixture[str], hostile_dirs: tuple[Path, Path]
) -> None:
    articles, index = hostile_dirs
    where = ["--articles", str(articles), "--index-dir", str(index)]
    _, out, _ = run(capsys, "search", hostile.MARKER_HOSTILE, "--limit", "20", *where)
    assert "[bold red]LOUD[/bold red]" in out
    assert "[link=https://evil.example/]" in out
    _, out, _ = run(capsys, "list", *where)
    assert hostile.MARKUP_FILE.removesuffix(".txt") in out
    assert "[@click=app.quit]x[/]" in out
    _, out, _ = run(capsys, "show", "hostile_text", *where)
    assert "␛[2J" in out and "␛]52;c;" in out  # visible, not executed


@pytest.mark.parametrize(
    "argv",
    [
        ["search", hostile.MARKER_HOSTILE, "--json", "--limit", "20"],
        ["show", "hostile_text", "--json"],
        ["show", "latin1", "--json"],
        ["list", "--json"],
        ["timeline", "--json"],
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_json_escapes_control_characters(
    capsys: pytest.CaptureFixture[str], hostile_dirs: tuple[Path, Path], argv: list[str]
) -> None:
    articles, index = hostile_dirs
    code, out, _ = run(capsys, *argv, "--articles", str(articles), "--index-dir", str(index))
    assert code == 0
    assert_inert(out)
    json.loads(out)  # still valid JSON, with the escapes decoded back


def test_json_round_trips_the_hostile_text(
    capsys: pytest.CaptureFixture[str], hostile_dirs: tuple[Path, Path]
) -> None:
    articles, index = hostile_dirs
    _, out, _ = run(
        capsys,
        "show",
        "hostile_text",
        "--json",
        "--articles",
        str(articles),
        "--index-dir",
        str(index),
    )
    text = "\n".join(p["text"] for p in json.loads(out)["paragraphs"])
    assert hostile.CLEAR_SCREEN in text and hostile.C1_CSI in text  # data kept, only escaped


# -- wrong usage ------------------------------------------------------------------------


def _usage_cases(tmp: Path) -> dict[str, list[str]]:
    good = tmp / "good"
    good.mkdir()
    (good / "a.txt").write_text("Otters return\nTOWN — The otters came back on Tuesday.\n")
    empty = tmp / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF")
    a_file = tmp / "file.txt"
    a_file.write_text("not a folder")
    idx = ["--index-dir", str(tmp / "index")]
    at = ["--articles", str(good), *idx]
    return {
        "unknown subcommand": ["frobnicate", *at],
        "unknown flag": ["search", "--bogus", "x", *at],
        "missing folder": ["list", "--articles", str(tmp / "missing"), *idx],
        "file not folder": ["list", "--articles", str(a_file), *idx],
        "no articles": ["list", "--articles", str(empty), *idx],
        "limit zero": ["search", "x", "--limit", "0", *at],
        "limit text": ["search", "x", "--limit", "ten", *at],
        "no query": ["search", *at],
        "bad similar": ["search", "--similar", "a:b", *at],
        "bad month": ["timeline", "--from", "2024-13", *at],
        "bad day": ["timeline", "--from", "2024-02-30", *at],
        "words date": ["timeline", "--from", "yesterday", *at],
        "year zero": ["timeline", "--to", "0000", *at],
        "from after to": ["timeline", "--from", "2024-05", "--to", "2024-01", *at],
        "unknown article": ["show", "nope", *at],
        "index inside articles": ["list", "--articles", str(good), "--index-dir", str(good / "ix")],
    }


def test_every_wrong_usage_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, argv in _usage_cases(tmp_path).items():
        code, out, err = run(capsys, *argv)
        lines = err.strip().splitlines()
        assert code == 2, (name, code, out, err)
        assert len(lines) == 1 and lines[0].startswith("summit: error: "), (name, err)
        assert "Traceback" not in err, name
    assert not (tmp_path / "good" / "ix").exists()  # nothing written into the articles


def test_limit_huge_is_capped_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile_dirs: tuple[Path, Path]
) -> None:
    articles, index = hostile_dirs
    code, _, err = run(
        capsys, "search", "council", "--limit", "1" + "0" * 30,
        "--articles", str(articles), "--index-dir", str(index),
    )  # fmt: skip
    assert code == 0, err


def test_wrong_usage_in_a_real_process(tmp_path: Path) -> None:
    for argv in (["frobnicate"], ["list", "--articles", str(tmp_path / "missing")]):
        result = subprocess.run(
            [*SUMMIT, *argv, "--index-dir", str(tmp_path / "ix")],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("summit: error:")


def test_debug_shows_the_traceback_of_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Otters return\nTOWN — The otters came back on Tuesday.\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("induced failure")

    monkeypatch.setattr(Engine, "search", broken)
    argv = ["search", "otters", "--articles", str(folder), "--index-dir", str(tmp_path / "ix")]
    code, _, err = run(capsys, *argv)
    assert code == 3  # a bug, not a usage error: scripts can tell them apart
    assert err.strip().splitlines() == [
        "summit: error: unexpected error: RuntimeError: induced failure "
        "(rerun with --debug for details)"
    ]
    code, _, err = run(capsys, *argv, "--debug")
    assert code == 3
    assert "Traceback (most recent call last)" in err and "induced failure" in err


def test_busy_index_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another summit holds the sync lock: we are told, then get the index read-only
    (or a one-line error when there is no index yet to read)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Otters return\nTOWN — The otters came back on Tuesday.\n")
    index = tmp_path / "ix"
    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.5)
    argv = ["search", "otters", "--articles", str(folder), "--index-dir", str(index)]
    index.mkdir()
    with open(index / store.SYNC_LOCK, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # a separate open file: conflicts like a process
        code, _, err = run(capsys, *argv)
        assert code == 2 and "index busy" in err and "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith("summit: error: index busy")
        fcntl.flock(holder, fcntl.LOCK_UN)
        assert run(capsys, *argv)[0] == 0  # builds it
        fcntl.flock(holder, fcntl.LOCK_EX)
        code, out, err = run(capsys, *argv)
        assert code == 0 and "otters" in out
        assert "waiting for another summit" in err
        assert "showing the index as it was" in err


def test_article_that_turned_binary_after_indexing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Between `summit index` and `summit show` the file became junk: the engine reads
    it again for show and timeline, which must say so or skip it, not crash."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Otters return\nTOWN — The otters came back on Tuesday.\n")
    (folder / "b.txt").write_text("Badgers return\nTOWN — The badgers came back on Monday.\n")
    where = ["--articles", str(folder), "--index-dir", str(tmp_path / "ix")]
    engine = Engine(folder, tmp_path / "ix")
    engine.open()
    (folder / "b.txt").write_bytes(b"\x00\x01binary now")
    with pytest.raises(SummitError):
        engine.get_article("b")
    sources = {s.article_id for event in engine.timeline().events for s in event.sources}
    assert "b" not in sources
    assert run(capsys, "timeline", *where)[0] == 0
    code, _, err = run(capsys, "show", "b", *where)
    lines = err.strip().splitlines()
    assert code == 2 and "Traceback" not in err
    assert lines[-1].startswith("summit: error:") and "b.txt" in lines[0]
