"""Several articles folders searched together (issue 20): `--articles` given more than
once (or a list in the config file) makes one corpus whose results say which folder each
passage came from, with a `collection:` filter and facet. Real folders, real index."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.corpus.folders import Folders
from index.engine import Engine
from index.errors import CorpusError
from index.store.paths import default_index_dir
from tests.conftest import TODAY

SUMMIT = shutil.which("summit", path=str(Path(sys.executable).parent)) or "summit"


def _write(folder: Path, name: str, title: str, source: str, body: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: {title}\nsource: {source}\ndate: 2024-03-0{len(name) % 9 + 1}\n---\n\n"
        f"{body}\n\nA closing paragraph that names nothing in particular.\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def two_news(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two folders with the same name (`news`) in different places, each holding a file
    with the same relative name: labels and ids must still be distinct."""
    root = tmp_path_factory.mktemp("folders")
    desk, wire = root / "desk" / "news", root / "wire" / "news"
    _write(desk, "story.md", "Dockers walk out", "Harbour Gazette",
           "The dockers of the northern quay walked out over pensions on Monday.")
    _write(desk, "inland/rail.md", "Rail freight slows", "Harbour Gazette",
           "Rail freight slowed as the dockers' strike reached the inland depots.")
    _write(wire, "story.md", "Strike spreads along the coast", "Coastal Wire",
           "The dockers' strike spread to three more ports, the union said.")
    _write(wire, "markets.md", "Grain prices steady", "Coastal Wire",
           "Grain prices held steady despite the strike at the ports.")
    return desk, wire


@pytest.fixture(scope="module")
def engine(two_news: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Engine:
    opened = Engine(list(two_news), tmp_path_factory.mktemp("folders-ix"), today=TODAY)
    opened.open()
    return opened


def test_labels_are_the_folder_names_made_unique_in_path_order(
    two_news: tuple[Path, Path],
) -> None:
    desk, wire = two_news
    folders = Folders.of([wire, desk])
    assert folders.paths == (desk, wire)  # sorted: the order given does not matter
    assert folders.labels == ("news", "news-2")
    assert folders.full("news-2/story.md") == wire / "story.md"
    assert folders.file_of(desk / "inland" / "rail.md") == "news/inland/rail.md"
    assert folders.file_of(Path("/elsewhere/story.md")) is None
    assert Folders.of([desk, desk / "."]).labels == ("",)  # the same folder counts once


def test_one_folder_keeps_its_names_and_its_index(two_news: tuple[Path, Path]) -> None:
    """Existing users' indexes stay where they are: a single folder's files carry no
    label and its index folder is named as before (slug + digest of its path)."""
    desk, _ = two_news
    single = Folders.of([desk])
    assert single.labels == ("",) and single.full("story.md") == desk / "story.md"
    assert single.label_of("story.md") is None and single.collection_of("story.md") == "news"
    name = default_index_dir(single).name
    assert name.startswith("news-") and len(name) == len("news-") + 12


def test_a_folder_inside_another_is_refused(two_news: tuple[Path, Path]) -> None:
    desk, _ = two_news
    with pytest.raises(CorpusError, match="inside"):
        Engine([desk, desk / "inland"])


def test_the_order_of_the_folders_does_not_make_another_corpus(
    two_news: tuple[Path, Path],
) -> None:
    desk, wire = two_news
    assert Engine([desk, wire]).index_dir == Engine([wire, desk]).index_dir
    assert Engine([desk, wire]).index_dir != Engine(desk).index_dir


def test_results_come_from_both_folders_and_say_which(engine: Engine) -> None:
    result = engine.search("dockers", 20)
    folders = {engine.folder_of(hit.file) for hit in result.hits}
    assert folders == {"news", "news-2"}
    ids = [hit.article_id for hit in result.hits]
    assert "news/story" in ids and "news-2/story" in ids
    # each id reads its own file, never the other folder's file of the same name
    assert "northern quay" in engine.get_article("news/story").text
    assert "three more ports" in engine.get_article("news-2/story").text
    assert len(engine.articles()) == 4


def test_collection_filter_keeps_one_folder(engine: Engine) -> None:
    only_wire = engine.search("strike collection:news-2", 20)
    assert only_wire.hits
    assert {engine.folder_of(hit.file) for hit in only_wire.hits} == {"news-2"}
    also = engine.search("strike folder:NEWS-2", 20)  # the alias, any case
    assert [h.article_id for h in also.hits] == [h.article_id for h in only_wire.hits]
    none = engine.search("strike collection:sports", 20)
    assert not none.hits
    assert "no collection 'sports' here (collections: news, news-2)" in none.notes


def test_collection_facet_counts_each_folder_and_filters_to_its_count(engine: Engine) -> None:
    facets = engine.facets("strike")
    counted = {value.value: value for value in facets.collection}
    assert set(counted) == {"news", "news-2"}
    for value in counted.values():
        narrowed = engine.search(f"strike {value.clause}", 100)
        assert len(narrowed.hits) + sum(len(h.also_in) for h in narrowed.hits) == value.count


def test_the_timeline_reads_both_folders(engine: Engine) -> None:
    timeline = engine.timeline()
    files = {anchor.file for anchor in timeline.anchors}
    assert {"news/story.md", "news-2/story.md"} <= files


def test_a_change_in_the_second_folder_is_an_incremental_update(
    two_news: tuple[Path, Path], tmp_path: Path
) -> None:
    desk, wire = (tmp_path / "a" / "news", tmp_path / "b" / "news")
    shutil.copytree(two_news[0], desk)
    shutil.copytree(two_news[1], wire)
    first = Engine([desk, wire], tmp_path / "ix", today=TODAY)
    assert first.open().added == 4
    _write(wire, "ferries.md", "Ferries cancelled", "Coastal Wire",
           "Ferries were cancelled as the strike reached the islands.")
    again = Engine([wire, desk], tmp_path / "ix", today=TODAY)
    report = again.open()
    assert (report.added, report.unchanged, report.rebuilt) == (1, 4, False)
    assert again.search("ferries", 5).hits[0].article_id == "news-2/ferries"


def _summit(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local")}
    env.pop("SUMMIT_CONFIG", None)  # (the suite points it at no file; here HOME's is read)
    return subprocess.run([SUMMIT, *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_cli_repeated_articles_and_json_folder_field(
    two_news: tuple[Path, Path], tmp_path: Path
) -> None:
    desk, wire = two_news
    # one folder before the command, one after: both are searched
    done = _summit("--articles", str(desk), "search", "dockers", "--json",
                   "--articles", str(wire), home=tmp_path)
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert {hit["folder"] for hit in hits} == {"news", "news-2"}
    assert all(hit["file"].startswith(hit["folder"] + "/") for hit in hits)
    listed = _summit("list", "--json", "--articles", str(desk), "--articles", str(wire),
                     home=tmp_path)
    assert sorted(a["folder"] for a in json.loads(listed.stdout)["articles"]) == [
        "news", "news", "news-2", "news-2"]
    single = _summit("list", "--json", "--articles", str(desk), home=tmp_path)
    assert {a["folder"] for a in json.loads(single.stdout)["articles"]} == {None}


def test_cli_config_list_of_folders_is_opened_whole(
    two_news: tuple[Path, Path], tmp_path: Path
) -> None:
    desk, wire = two_news
    config = tmp_path / ".config" / "summit-explorer" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'articles = ["{desk}", "{wire}"]\n', encoding="utf-8")
    done = _summit("search", "grain", "--json", home=tmp_path)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert [hit["article"] for hit in json.loads(done.stdout)["hits"]] == ["news-2/markets"]


def test_cli_nested_folders_are_a_one_line_error(
    two_news: tuple[Path, Path], tmp_path: Path
) -> None:
    desk, _ = two_news
    done = _summit("search", "x", "--articles", str(desk), "--articles", str(desk / "inland"),
                   home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "inside" in done.stderr
    assert "Traceback" not in done.stderr


async def test_app_shows_each_hits_folder_and_follows_both_folders(
    two_news: tuple[Path, Path], tmp_path: Path
) -> None:
    from tests.app_fixtures import screen_text, type_query, wait_ready
    from tui.app.app import build_app

    desk, wire = (tmp_path / "a" / "news", tmp_path / "b" / "news")
    shutil.copytree(two_news[0], desk)
    shutil.copytree(two_news[1], wire)
    app = build_app(Engine([desk, wire], tmp_path / "ix", today=TODAY), data_dir=tmp_path / "d")
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_ready(pilot)
        assert app.sub_title == "news + news"
        await type_query(pilot, "dockers")
        shown = screen_text(app)
        assert "news · Harbour Gazette" in shown and "news-2 · Coastal Wire" in shown
        await asyncio.sleep(0.5)  # the watcher runs once the index is open
        _write(wire, "ferries.md", "Ferries cancelled", "Coastal Wire",
               "Ferries were cancelled as the dockers' strike reached the islands.")
        deadline = time.monotonic() + 20
        while "Ferries cancelled" not in screen_text(app):
            assert time.monotonic() < deadline, "a file added to the second folder was missed"
            await pilot.pause(0.1)


def test_dates_in_both_folders_are_their_own(engine: Engine) -> None:
    """The same relative file name in two folders: each keeps its own front-matter date."""
    anchors = {a.file: a.date for a in engine.anchors().values()}
    assert anchors["news/story.md"] == anchors["news-2/story.md"] == dt.date(2024, 3, 9)
    assert anchors["news/inland/rail.md"] != anchors["news/story.md"]


def test_serve_hands_every_folder_to_its_sessions(two_news: tuple[Path, Path]) -> None:
    """`summit --articles A serve --articles B`: each session explores A and B."""
    from tui.cli.parser import build_parser, joined_articles
    from tui.serve.environment import explorer_command
    from tui.serve.settings import ServeOptions

    desk, wire = two_news
    args = build_parser().parse_args(["--articles", str(desk), "serve", "--articles", str(wire)])
    joined_articles(args)
    command = explorer_command(ServeOptions.from_args(args))
    assert command[-4:] == ["--articles", str(desk), "--articles", str(wire)]


def test_a_database_searches_several_folders_together_and_apart(
    two_news: tuple[Path, Path], pg_url: str, tmp_path: Path
) -> None:
    """With --database the folders are one collection ("news+news-2"), their files named
    as in the whoosh index: the same hits say the same folders, and `collection:` keeps
    one. A folder loaded alone is its own collection beside it."""
    desk, wire = two_news
    together = Engine([desk, wire], tmp_path / "pg", today=TODAY, database=pg_url)
    assert together.open().added == 4
    local = Engine([desk, wire], tmp_path / "ix", today=TODAY)
    local.open()
    for query in ("dockers", "strike collection:news-2", "grain folder:news-2"):
        in_db = together.search(query, 20)
        assert in_db.hits, query
        assert {h.article_id for h in in_db.hits} == {
            h.article_id for h in local.search(query, 20).hits
        }, query
    assert {together.folder_of(h.file) for h in together.search("strike", 20).hits} == {
        "news", "news-2"}
    alone = Engine(desk, tmp_path / "pg-desk", today=TODAY, database=pg_url)
    assert alone.open().added == 2
    assert {h.article_id for h in alone.search("dockers", 20).hits} == {"story", "inland/rail"}
    # the combined collection is untouched by loading one of its folders alone
    again = Engine([wire, desk], tmp_path / "pg2", today=TODAY, database=pg_url)
    assert again.open_existing() and again.article_count() == 4


def test_collection_and_date_filters_narrow_together(engine: Engine) -> None:
    """Each filter narrows what the others allow (a date once replaced the collection)."""
    for label in ("news", "news-2"):
        hits = engine.search(f"dockers collection:{label} date:2024-03-09", 20).hits
        assert [h.article_id for h in hits] == [f"{label}/story"], label
