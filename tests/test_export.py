"""Export: every format from the real engine on a folder written here, checked by parsing
what was written (csv, json) rather than by comparing strings."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

ARTICLES = {
    "harbour.md": """---
title: Harbour cranes return
source: Coast Daily
date: 2024-03-12
---
MOMBASA, Kenya — The harbour cranes returned to work on Tuesday after a strike.

=HYPERLINK("http://evil.example") said a placard held by the crane drivers on 4 March 2024.
""",
    "ferry.txt": """Ferry service resumes
LAMU, Kenya — The ferry resumed on 14 March 2024, two days after the harbour cranes.
""",
}


@pytest.fixture
def folder(tmp_path: Path) -> list[str]:
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / name).write_text(text)
    return ["--articles", str(articles), "--index-dir", str(tmp_path / "ix")]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_search_as_markdown_cites_title_source_date_and_paragraph(
    folder: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(capsys, "search", "cranes", "--format", "md", *folder)
    assert out.startswith("# Search: cranes\n")
    assert "> MOMBASA, Kenya — The harbour cranes returned" in out
    assert "— “Harbour cranes return”, Coast Daily, 2024-03-12, ¶1 (harbour.md)" in out
    # no source: the file name is not repeated as if it were one
    assert "ferry.txt, " not in out and "(ferry.txt)" in out


def test_search_as_csv_is_one_row_per_hit_and_defuses_formulas(
    folder: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(_run(capsys, "search", "placard", "--format", "csv", *folder))
    assert len(rows) == 1
    assert rows[0]["file"] == "harbour.md" and rows[0]["paragraph"] == "2"
    assert rows[0]["text"].startswith("'=HYPERLINK")


def test_search_as_jsonl_is_the_json_hits_one_per_line(
    folder: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _run(capsys, "search", "harbour", "--format", "jsonl", *folder).splitlines()
    hits = json.loads(_run(capsys, "search", "harbour", "--json", *folder))["hits"]
    assert [json.loads(line) for line in lines] == hits


def test_timeline_in_every_format(folder: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    md = _run(capsys, "timeline", "--format", "md", *folder)
    assert "## 2024-03-14" in md and "“Ferry service resumes”" in md
    rows = _rows(_run(capsys, "timeline", "--format", "csv", *folder))
    assert {"2024-03-04", "2024-03-14"} <= {row["start"] for row in rows}
    jsonl = _run(capsys, "timeline", "--format", "jsonl", *folder)
    events = [json.loads(line) for line in jsonl.splitlines()]
    assert events == json.loads(_run(capsys, "timeline", "--json", *folder))["events"]
    slides = json.loads(_run(capsys, "timeline", "--format", "timelinejs", *folder))["events"]
    starts = [slide["start_date"] for slide in slides]
    assert {"year": "2024", "month": "3", "day": "14"} in starts
    assert all(slide["text"]["headline"] for slide in slides)


def test_an_unknown_format_is_a_usage_error(folder: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "search", "x", "--format", "docx", *folder],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr
