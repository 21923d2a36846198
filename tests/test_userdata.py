"""Saved searches and marks: per corpus, in the user data dir, surviving a rebuilt index;
through the engine and through `summit saved` / `summit marks`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.engine import Engine
from index.errors import SummitError
from index.user.data import UserData
from tui.cli import main

ARTICLE = "Otters return\nRIVERTON — The otters came back on Tuesday.\n\nThe mayor cheered.\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "otters.txt").write_text(ARTICLE)
    (articles / "herons.txt").write_text("Herons nest\nThe herons nested by the otters' river.\n")
    return articles


def test_saved_searches_are_kept_replaced_and_forgotten(tmp_path: Path) -> None:
    data = UserData(tmp_path / "corpus")
    data.save_search("river", "otters  river")
    data.save_search("birds", "herons")
    data.save_search("river", "otters OR herons")  # same name: replaced, not doubled
    assert [(s.name, s.query) for s in data.saved_searches()] == [
        ("birds", "herons"),
        ("river", "otters OR herons"),
    ]
    data.delete_search("birds")
    assert [s.name for s in UserData(tmp_path / "corpus").saved_searches()] == ["river"]
    with pytest.raises(SummitError, match="no saved search named 'birds'"):
        data.delete_search("birds")
    with pytest.raises(SummitError):
        data.save_search("  ", "x")


def test_a_damaged_file_reads_as_empty_and_is_replaced_whole(tmp_path: Path) -> None:
    data = UserData(tmp_path / "corpus")
    data.folder.mkdir(parents=True)
    (data.folder / "marks.json").write_text('[{"article": "a", "paragraph": -3}, {"art')
    assert data.marks() == []
    assert data.toggle_mark("a", 1) is True
    assert json.loads((data.folder / "marks.json").read_text())[0]["paragraph"] == 1
    assert data.toggle_mark("a", 1) is False and data.marks() == []


def test_marks_survive_a_rebuilt_index_and_differ_per_corpus(folder: Path, tmp_path: Path) -> None:
    engine = Engine(folder, tmp_path / "ix")
    engine.open()
    engine.user_data.set_mark("otters", 1, True)
    engine.user_data.set_mark("herons", None, True)
    engine.open(rebuild=True)
    marked = engine.marked_passages()
    assert [(m.article, m.paragraph) for m, _ in marked] == [("otters", 1), ("herons", None)]
    assert marked[0][1].text == "The mayor cheered."
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("Nothing\nNothing at all happened.\n")
    assert Engine(other, tmp_path / "ix2").user_data.marks() == []
    assert not any(engine.index_dir in p.parents for p in engine.user_data.folder.parents)


def _cli(capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path, *argv: str):
    code = main([*argv, "--articles", str(folder), "--index-dir", str(tmp_path / "ix")])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_cli_saves_runs_and_lists(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(capsys, folder, tmp_path, "saved", "add", "wildlife", "otters")[0] == 0
    code, out, _ = _cli(capsys, folder, tmp_path, "saved", "run", "wildlife", "--json")
    assert code == 0 and json.loads(out)["hits"][0]["article"] == "otters"
    code, out, _ = _cli(capsys, folder, tmp_path, "saved", "--json")
    assert [s["name"] for s in json.loads(out)["saved"]] == ["wildlife"]
    code, _, err = _cli(capsys, folder, tmp_path, "saved", "run", "nothing")
    assert code == 2 and "no saved search named 'nothing'" in err


def test_the_cli_marks_and_exports(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(capsys, folder, tmp_path, "marks", "add", "otters:2")[0] == 0
    code, out, _ = _cli(capsys, folder, tmp_path, "marks", "--format", "md")
    assert out.startswith("# Marked passages") and "> The mayor cheered." in out
    assert "¶2 (otters.txt)" in out
    code, _, err = _cli(capsys, folder, tmp_path, "marks", "add", "otters:9")
    assert code == 2 and "has 2 paragraphs" in err
    code, _, err = _cli(capsys, folder, tmp_path, "marks", "add", "nobody")
    assert code == 2
    assert _cli(capsys, folder, tmp_path, "marks", "rm", "otters:2")[0] == 0
    code, out, _ = _cli(capsys, folder, tmp_path, "marks", "--json")
    assert json.loads(out)["hits"] == []
