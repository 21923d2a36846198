"""The scriptable face: `summit` subcommands, their JSON, exit codes and messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, FIXTURE_CORPUS

SUMMIT = shutil.which("summit", path=str(Path(sys.executable).parent)) or "summit"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-index")


def run(*args: str, index_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [SUMMIT, *args]
    if index_dir is not None:
        command += ["--index-dir", str(index_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_list_shows_every_bundled_article_with_its_place(index_dir: Path) -> None:
    result = run("list", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all("Bamako, Mali" in line for line in lines)
    data = json.loads(run("list", "--json", index_dir=index_dir).stdout)
    assert data["schema"] == 2
    data = data["articles"]
    assert [item["article"][:3] for item in data] == ["000", "003", "004"]
    for item in data:
        assert set(item) >= {"article", "file", "title", "place", "date", "date_source"}
        assert item["date_source"] in {"front_matter", "inferred", "unknown"}


def test_search_prints_ranked_passages_plain_in_a_pipe(index_dir: Path) -> None:
    result = run("search", "joint battalion", index_dir=index_dir)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    first_hit = result.stdout.split("\n1. ", 1)[1]
    assert first_hit.startswith("Mali, Burkina Faso and Niger call for joint")
    assert "000_da7967d9e18fabfb ¶1" in first_hit.splitlines()[1]


def test_search_json_offsets_point_at_the_passage_in_the_file(index_dir: Path) -> None:
    result = run("search", "goita", "--json", "--limit", "20", index_dir=index_dir)
    data = json.loads(result.stdout)
    assert data["query"] == "goita" and data["total"] >= 1
    assert {hit["article"][:3] for hit in data["hits"]} == {"003", "004"}
    assert {hit["date"] for hit in data["hits"]} == {"2025-12-23"}  # inferred, not given
    for hit in data["hits"]:
        assert set(hit) >= {
            "article",
            "file",
            "title",
            "paragraph",
            "start",
            "end",
            "score",
            "snippet",
        }
        text = (BUNDLED / hit["file"]).read_text(encoding="utf-8")
        assert "Goïta" in text[hit["start"] : hit["end"]]


def test_search_says_what_it_corrected(index_dir: Path) -> None:
    result = run("search", "batallion", index_dir=index_dir)
    assert 'searched "battalion" instead' in result.stdout
    assert "000_da7967d9e18fabfb" in result.stdout
    data = json.loads(run("search", "batallion", "--json", index_dir=index_dir).stdout)
    assert data["corrected"] and data["searched"] == "battalion"
    assert data["hits"][0]["article"].startswith("000_")


@pytest.mark.parametrize("query", ["tiani", "Tchiani"])
def test_search_bridges_name_spellings(index_dir: Path, query: str) -> None:
    data = json.loads(run("search", query, "--json", "--limit", "50", index_dir=index_dir).stdout)
    assert {hit["article"][:3] for hit in data["hits"]} == {"000", "003", "004"}


def test_search_al_qaeda_finds_both_spellings(index_dir: Path) -> None:
    data = json.loads(run("search", "al qaeda", "--json", index_dir=index_dir).stdout)
    assert {hit["article"][:3] for hit in data["hits"]} == {"000", "003"}


def test_search_date_range_and_grouping(index_dir: Path) -> None:
    result = run(
        "search",
        "date:[2025-12-20 to 2025-12-31] Traoré",
        "--group-by",
        "article",
        "--json",
        index_dir=index_dir,
    )
    data = json.loads(result.stdout)
    assert sorted(hit["article"][:3] for hit in data["hits"]) == ["000", "003", "004"]


def test_search_similar(index_dir: Path) -> None:
    data = json.loads(run("search", "--similar", "000:4", "--json", index_dir=index_dir).stdout)
    assert data["hits"] and all(not h["article"].startswith("000") for h in data["hits"])


def test_no_results_exits_1_like_grep(index_dir: Path) -> None:
    result = run("search", "zzzqqq", index_dir=index_dir)
    assert result.returncode == 1 and "no results" in result.stdout


def test_show_prints_the_article_by_id_prefix(index_dir: Path) -> None:
    result = run("show", "003", index_dir=index_dir)
    assert result.returncode == 0
    assert "The two-day meeting in Bamako" in result.stdout
    article = json.loads(run("show", "003", "--json", index_dir=index_dir).stdout)
    assert article["article"] == "003_a07272663d127e51" and article["place"] == "Bamako, Mali"


def test_other_folders_work_the_same(tmp_path: Path) -> None:
    result = run(
        "--articles", str(FIXTURE_CORPUS), "search", "molten salt", "--json", index_dir=tmp_path
    )
    data = json.loads(result.stdout)
    assert data["hits"][0]["article"] == "web/solar-plant"
    listing = json.loads(
        run("list", "--json", "--articles", str(FIXTURE_CORPUS), index_dir=tmp_path).stdout
    )
    assert len(listing["articles"]) == 4


def test_index_command_reports_what_it_did(tmp_path: Path) -> None:
    first = run("index", "--articles", str(FIXTURE_CORPUS), index_dir=tmp_path)
    assert first.returncode == 0 and "built" in first.stdout and "4 articles" in first.stdout
    again = run("index", "--articles", str(FIXTURE_CORPUS), index_dir=tmp_path)
    assert "up to date" in again.stdout
    rebuilt = run("index", "--rebuild", "--articles", str(FIXTURE_CORPUS), index_dir=tmp_path)
    assert "rebuild requested" in rebuilt.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "invalid choice"),
        (["search", "--nope", "x"], "unrecognized arguments"),
        (["--articles", "/definitely/not/here", "list"], "not found"),
        (["list", "--articles", str(BUNDLED / "000_da7967d9e18fabfb.txt")], "not a folder"),
        (["search"], "needs a query"),
        (["search", "x", "--limit", "0"], "at least 1"),
        (["show", "nope-no-such-id"], "no article"),
        (["timeline", "--from", "Christmas"], "not a date"),
    ],
)
def test_usage_errors_exit_2_with_one_line(index_dir: Path, args: list[str], message: str) -> None:
    result = run(*args, index_dir=index_dir)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("list", "--articles", str(empty), index_dir=tmp_path / "ix")
    assert result.returncode == 2 and "no articles" in result.stderr


def test_help_on_every_subcommand() -> None:
    for command in ["index", "search", "show", "list", "timeline", "serve"]:
        result = run(command, "--help")
        assert result.returncode == 0 and "--articles" in result.stdout, command
