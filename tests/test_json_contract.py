"""JSON that scripts can trust: one name for one thing in every command, a schema
version on every document, and JSON Lines that are exactly the --json records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.shapes import SCHEMA

ARTICLES = {
    "given.md": "---\ntitle: Ferry strike ends\nsource: Harbour Gazette\n---\n"
    "LAMU, Kenya — The ferry strike ended on 14 March 2024 after nine days.\n",
    "plain.txt": "Ferry crews return\nThe ferry crews returned to work on 15 March 2024.\n",
}


@pytest.fixture
def argv_tail(tmp_path: Path) -> list[str]:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    return ["--articles", str(folder), "--index-dir", str(tmp_path / "ix")]


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == SCHEMA
    return data


def _lines(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    assert main(list(argv)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_same_names_for_the_same_things_in_every_command(
    argv_tail: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    listed = _json(capsys, "list", "--json", *argv_tail)["articles"]
    shown = _json(capsys, "show", "plain", "--json", *argv_tail)
    hits = _json(capsys, "search", "ferry", "--json", *argv_tail)["hits"]
    timeline = _json(capsys, "timeline", "--json", *argv_tail)
    by_article = {item["article"]: item for item in listed}
    assert set(by_article) == {"given", "plain"}
    assert shown["article"] == "plain" and "id" not in shown
    # `source` is the source the article names, or null: never the file name
    assert by_article["given"]["source"] == "Harbour Gazette"
    assert by_article["plain"]["source"] is None and shown["source"] is None
    for hit in hits:
        assert hit["source"] == by_article[hit["article"]]["source"]
        assert hit["file"] == by_article[hit["article"]]["file"]
    for anchor in timeline["anchors"]:
        assert anchor["article"] in by_article
    for event in timeline["events"]:
        assert all(source["article"] in by_article for source in event["sources"])


def test_json_lines_are_the_json_records(
    argv_tail: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _lines(capsys, "list", "--jsonl", *argv_tail) == _json(
        capsys, "list", "--json", *argv_tail
    )["articles"]
    assert _lines(capsys, "search", "ferry", "--jsonl", *argv_tail) == _json(
        capsys, "search", "ferry", "--json", *argv_tail
    )["hits"]
    assert _lines(capsys, "timeline", "--jsonl", *argv_tail) == _json(
        capsys, "timeline", "--json", *argv_tail
    )["events"]


def test_streaming_into_a_closed_pipe_ends_quietly(argv_tail: list[str], tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tui.cli", "timeline", "--jsonl", *argv_tail]
    script = " ".join(f"'{part}'" for part in command) + " | head -1 >/dev/null"
    done = subprocess.run(
        ["bash", "-c", script + "; echo ${PIPESTATUS[0]}"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert done.stdout.strip().splitlines()[-1] == "0", done.stderr
    assert "Traceback" not in done.stderr
