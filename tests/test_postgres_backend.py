"""The PostgreSQL backend on a real, throwaway server (tests/pg_cluster.py): the same
answers as the whoosh backend, incremental loads in transactions, readers that never
wait for a load nor see half of one, the CLI and the app on a database."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from index.backend.postgres.connection import DatabaseError, redact
from index.backend.postgres.schema import SCHEMA_VERSION, ensure_schema
from index.backend.postgres.store import PgIndex
from index.engine import Engine
from index.errors import IndexCancelled
from index.evaluation import evaluate, load_queries, summary
from tests.app_fixtures import main_screen, type_query, wait_ready
from tests.conftest import BUNDLED, FIXTURE_CORPUS, TODAY
from tests.pg_cluster import Cluster

pytestmark = pytest.mark.xdist_group("postgres")  # one worker: one throwaway cluster

QUERIES = load_queries(Path(__file__).parent / "eval" / "search_queries.json")
SUMMIT = str(Path(sys.executable).with_name("summit"))
MARKER = "zebracorn"


def _engine(folder: Path | str, url: str, cache: Path) -> Engine:
    return Engine(folder, cache, today=TODAY, database=url)


@pytest.fixture(scope="module")
def shared_url(pg_cluster: Cluster) -> str:
    return pg_cluster.create_database()


@pytest.fixture(scope="module")
def pg_engines(shared_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Engine]:
    """The bundled and fixture articles as two collections of one database."""
    engines = {
        "bundled": _engine(BUNDLED, shared_url, tmp_path_factory.mktemp("pg-bundled")),
        "fixtures": _engine(FIXTURE_CORPUS, shared_url, tmp_path_factory.mktemp("pg-fixtures")),
    }
    for engine in engines.values():
        engine.open()
    return engines


@pytest.fixture(scope="module")
def whoosh_engines(bundled_engine: Engine, fixture_engine: Engine) -> Iterator[dict[str, Engine]]:
    yield {"bundled": bundled_engine, "fixtures": fixture_engine}


# -- the same answers ---------------------------------------------------------------------


@pytest.mark.parametrize("item", QUERIES, ids=[q["query"] for q in QUERIES])
def test_must_passages_come_back_from_the_database(
    pg_engines: dict[str, Engine], item: dict
) -> None:
    (outcome,) = evaluate([item], pg_engines)
    assert not outcome.missing(10), f"missing {outcome.missing(10)}; ranked {outcome.ranked}"


def test_evaluation_figures_side_by_side(
    pg_engines: dict[str, Engine], whoosh_engines: dict[str, Engine]
) -> None:
    pg = summary(evaluate(QUERIES, pg_engines))
    whoosh = summary(evaluate(QUERIES, whoosh_engines))
    print(f"\nmust-set  postgres {pg}\n          whoosh   {whoosh}")
    assert pg["recall@10"] == whoosh["recall@10"] == 1.0
    assert pg["mrr"] >= whoosh["mrr"] - 0.1, (pg, whoosh)


@pytest.mark.parametrize(
    "query",
    [
        "sahel",
        '"joint force"',
        "burkina -mali",
        "niger OR senegal",
        "title:summit",
        "battal*",
        "source:reuters",
        "mali date:2025",
        "place:bamako alliance",
    ],
)
def test_matches_agree_with_whoosh(
    pg_engines: dict[str, Engine], whoosh_engines: dict[str, Engine], query: str
) -> None:
    """The same passages match (ranking may differ): the same analysis underneath."""
    for name in ("bundled", "fixtures"):
        pg = pg_engines[name].search(query, limit=500)
        whoosh = whoosh_engines[name].search(query, limit=500)
        assert pg.total == whoosh.total, (name, query, pg.notes, whoosh.notes)
        assert {(h.article_id, h.paragraph) for h in pg.hits} == {
            (h.article_id, h.paragraph) for h in whoosh.hits
        }


def test_graded_figures_side_by_side_on_the_timebank_articles(
    shared_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The graded set (read from ../shared at run time): the database's nDCG@10 within
    0.03 of the whoosh backend's and above the suite's floors."""
    from index.evaluation import evaluate_graded, graded_summary, load_graded
    from tests.test_search_eval import FLOORS, TIMEBANK

    if not TIMEBANK.is_dir():
        pytest.skip(f"no {TIMEBANK}")
    corpus, graded = load_graded(Path(__file__).parent / "eval" / "timebank_queries.json")
    pg = Engine(TIMEBANK, tmp_path_factory.mktemp("pg-tb"), today=TODAY, database=shared_url)
    pg._store.name = corpus  # type: ignore[attr-defined]  # (beside "articles", the bundled)
    pg.open()
    whoosh = Engine(TIMEBANK, tmp_path_factory.mktemp("whoosh-tb"), today=TODAY)
    whoosh.open()
    figures = {
        name: graded_summary(evaluate_graded(corpus, graded, engine))
        for name, engine in (("postgres", pg), ("whoosh", whoosh))
    }
    print(f"\ngraded  {figures}")
    assert figures["postgres"]["ndcg@10"] >= figures["whoosh"]["ndcg@10"] - 0.03, figures
    for name, floor in FLOORS.items():
        assert figures["postgres"][name] >= floor, (name, figures)


def test_two_folders_of_one_name_do_not_replace_each_other(pg_url: str, tmp_path: Path) -> None:
    first = _copy(FIXTURE_CORPUS, tmp_path / "a" / "corpus")
    second = _copy(FIXTURE_CORPUS, tmp_path / "b" / "corpus")
    env = _env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert _cli("--database", pg_url, "index", "--articles", str(first), env=env).returncode == 0
    clash = _cli("--database", pg_url, "index", "--articles", str(second), env=env)
    assert clash.returncode == 2 and "same name" in clash.stderr and str(first) in clash.stderr


def test_highlights_typos_variants_and_similar(pg_engines: dict[str, Engine]) -> None:
    engine = pg_engines["bundled"]
    hit = engine.search("alliance", 1).hits[0]
    assert hit.highlights and all(
        hit.snippet[s.start : s.end].lower().startswith("allian") for s in hit.highlights
    )
    typo = engine.search("batallion")
    assert typo.hits and typo.suggestion == "battalion"
    like = engine.similar(hit.article_id, hit.paragraph)
    assert like.hits and all(h.article_id != hit.article_id for h in like.hits)
    assert like.notes[0].startswith("key terms: ")


def test_the_timeline_comes_from_the_database(
    pg_engines: dict[str, Engine], whoosh_engines: dict[str, Engine]
) -> None:
    pg, whoosh = pg_engines["bundled"].timeline(), whoosh_engines["bundled"].timeline()
    assert pg.events == whoosh.events
    assert pg.anchors == whoosh.anchors


# -- loading ------------------------------------------------------------------------------


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_one_changed_file_is_the_only_one_reloaded(pg_url: str, tmp_path: Path) -> None:
    folder = _copy(FIXTURE_CORPUS, tmp_path / "corpus")
    engine = _engine(folder, pg_url, tmp_path / "cache")
    first = engine.open()
    assert first.added == engine.article_count() > 1
    version = engine._store.version
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(changed.read_text() + f"\nA late {MARKER} paragraph.\n")
    report = engine.open()
    assert (report.changed, report.added, report.removed) == (1, 0, 0)
    assert report.unchanged == engine.article_count() - 1
    assert engine._store.version != version
    assert engine.search(MARKER).total == 1
    os.utime(changed)  # touched, not changed: nothing reloaded, same version
    version = engine._store.version
    assert engine.open().touched == 0 and engine._store.version == version
    changed.unlink()
    assert engine.open().removed == 1 and engine.search(MARKER).total == 0


def test_a_cancelled_load_leaves_the_previous_state(pg_url: str, tmp_path: Path) -> None:
    folder = _copy(FIXTURE_CORPUS, tmp_path / "corpus")
    engine = _engine(folder, pg_url, tmp_path / "cache")
    engine.open()
    before = engine.article_count()
    _write_marked(folder, 80)
    import threading

    cancel = threading.Event()

    def progress(done: int, total: int, message: str) -> None:
        if done >= 50:
            cancel.set()

    with pytest.raises(IndexCancelled):
        engine.open(progress, cancel=cancel)
    other = _engine(folder.name, pg_url, tmp_path / "other")  # another reader
    assert other.open_existing() and other.article_count() == before
    assert other.search(MARKER).total == 0 and other.check_index() == []


def _write_marked(folder: Path, count: int, paragraphs: int = 3) -> None:
    """`count` articles whose every paragraph holds MARKER (a half-loaded one would show
    fewer of its paragraphs)."""
    for number in range(count):
        body = "\n\n".join(
            f"Paragraph {p} of report {number} mentions the {MARKER} herd near the river."
            for p in range(paragraphs)
        )
        (folder / f"marked-{number:04d}.txt").write_text(
            f"Marked report {number}\n\n{body}\n", encoding="utf-8"
        )


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUMMIT, *args], capture_output=True, text=True, timeout=300, env=env or _env()
    )


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "CI": os.environ.get("CI", ""), **extra}


def _loading(url: str) -> bool:
    """Whether a load holds its collection's lock (its transaction is open)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()
        return bool(row and row[0])


def _start_index(url: str, folder: Path, cache: Path) -> subprocess.Popen[str]:
    env = _env(XDG_CACHE_HOME=str(cache))
    return subprocess.Popen(
        [SUMMIT, "--database", url, "index", "--articles", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_loading(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not _loading(url):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the load never started"
        time.sleep(0.05)


def test_a_load_killed_midway_leaves_the_previous_state_searchable(
    pg_url: str, tmp_path: Path
) -> None:
    folder = _copy(FIXTURE_CORPUS, tmp_path / "corpus")
    assert _cli("--database", pg_url, "index", "--articles", str(folder)).returncode == 0
    engine = _engine(folder.name, pg_url, tmp_path / "reader")
    assert engine.open_existing()
    before = engine.article_count()
    _write_marked(folder, 1500)
    process = _start_index(pg_url, folder, tmp_path / "cache")
    _wait_loading(pg_url, process)
    time.sleep(1.0)
    assert process.poll() is None, "the load ended before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30  # the server notices the lost connection, rolls back
    while _loading(pg_url) and time.monotonic() < deadline:
        time.sleep(0.1)
    after = _engine(folder.name, pg_url, tmp_path / "after")
    assert after.open_existing() and after.article_count() == before
    assert after.search(MARKER).total == 0 and after.search("mombasa").total > 0
    assert after.check_index() == []
    finished = _cli("--database", pg_url, "index", "--articles", str(folder))
    assert finished.returncode == 0, finished.stderr
    assert after.open_existing() and after.article_count() == before + 1500


def test_twenty_searches_during_a_load_neither_wait_nor_see_half_an_article(
    pg_url: str, tmp_path: Path
) -> None:
    folder = _copy(FIXTURE_CORPUS, tmp_path / "corpus")
    cache = tmp_path / "cache"
    assert _cli("--database", pg_url, "index", "--articles", str(folder)).returncode == 0
    _write_marked(folder, 1500)
    loader = _start_index(pg_url, folder, cache)
    _wait_loading(pg_url, loader)
    env = _env(XDG_CACHE_HOME=str(cache))
    started = time.monotonic()
    searches = [
        subprocess.Popen(
            [
                SUMMIT,
                "--database",
                pg_url,
                "search",
                "--articles",
                folder.name,
                MARKER,
                "--json",
                "--limit",
                "5000",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(20)
    ]
    outcomes = [(*process.communicate(timeout=240), process.returncode) for process in searches]
    searched_for = time.monotonic() - started
    still_loading = loader.poll() is None
    _, err = loader.communicate(timeout=300)
    assert loader.returncode == 0, err
    for stdout, stderr, code in outcomes:
        assert code in (0, 1), stderr
        if code == 1:
            continue  # before the load's commit: nothing of it yet
        hits = json.loads(stdout)["hits"]
        per_article = Counter(hit["article_id"] for hit in hits)
        assert set(per_article.values()) == {3}, "an article seen with some of its passages"
        assert len(per_article) == 1500
    assert still_loading, f"the load ended first (searches took {searched_for:.1f} s)"


# -- the command line, the app ------------------------------------------------------------


def test_summit_cli_on_a_database(pg_url: str, tmp_path: Path) -> None:
    env = _env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    loaded = _cli("--database", pg_url, "index", "--articles", str(FIXTURE_CORPUS), env=env)
    assert loaded.returncode == 0 and "corpus" in loaded.stdout, loaded.stderr
    found = _cli(
        "search",
        "--articles",
        "corpus",
        "mombasa",
        "--json",
        env={**env, "SUMMIT_DATABASE_URL": pg_url},
    )
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["hits"]
    listed = _cli("--database", pg_url, "list", "--articles", "corpus", env=env)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= 4


def test_credentials_are_never_printed(pg_cluster: Cluster, tmp_path: Path) -> None:
    secret = "s3cr3t-pw"
    url = pg_cluster.url("no_such_db").replace("summit@", f"summit:{secret}@")
    failed = _cli("--database", url, "list", env=_env(XDG_CACHE_HOME=str(tmp_path)))
    assert failed.returncode == 2
    assert secret not in failed.stderr + failed.stdout
    assert len(failed.stderr.strip().splitlines()) == 1 and "Traceback" not in failed.stderr
    assert redact(f"postgresql://u:{secret}@h/d?password={secret}").count(secret) == 0
    refused = _cli("--database", "postgresql://u:pw@127.0.0.1:1/x", "list")
    assert refused.returncode == 2 and "pw" not in refused.stderr.replace("postgresql", "")


def test_schema_is_versioned_and_an_unprivileged_role_gets_one_clear_line(
    pg_cluster: Cluster, pg_url: str
) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        ensure_schema(conn)
        ensure_schema(conn)  # idempotent
        row = conn.execute("SELECT version FROM summit_schema_version").fetchone()
        assert row == (SCHEMA_VERSION,)
        conn.execute("UPDATE summit_schema_version SET version = version + 1")
        conn.execute("DROP TABLE summit_collections CASCADE")
    with psycopg.connect(pg_url, autocommit=True) as conn, pytest.raises(DatabaseError) as error:
        conn.execute("CREATE TABLE summit_marker ()")
        conn.execute("DELETE FROM summit_schema_version")
        conn.execute("INSERT INTO summit_schema_version VALUES (%s)", (SCHEMA_VERSION + 1,))
        ensure_schema(conn)
    assert "newer than this summit" in str(error.value)
    bare = pg_cluster.create_database()
    with psycopg.connect(bare, autocommit=True) as conn:
        conn.execute("CREATE ROLE reader LOGIN")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    reader = bare.replace("summit@", "reader@")
    with psycopg.connect(reader, autocommit=True) as conn, pytest.raises(DatabaseError) as error:
        ensure_schema(conn)
    assert "unaccent" in str(error.value) and "\n" not in str(error.value)


async def test_the_app_opens_on_the_database(pg_url: str, tmp_path: Path) -> None:
    from tui.app.app import build_app

    engine = _engine(FIXTURE_CORPUS, pg_url, tmp_path / "cache")
    app = build_app(engine, data_dir=tmp_path / "data")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert app.engine_state == "ready"
        await type_query(pilot, "mombasa")
        results = main_screen(pilot).search_pane.results
        assert results.hits and all(h.article_id in engine._store._records for h in results.hits)


def test_without_postgresql_the_tests_skip_locally_and_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests import pg_cluster

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL tests skipped: no initdb"):
        pg_cluster._unavailable("no initdb")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        pg_cluster._unavailable("no initdb")


def test_name_variants_follow_incremental_loads_as_in_whoosh(pg_url: str, tmp_path: Path) -> None:
    """Variant spellings are worked out again only when a load changes names: an added
    spelling widens the search, a changed file that drops it narrows it again."""
    folder = _copy(FIXTURE_CORPUS, tmp_path / "corpus")
    engine = _engine(folder, pg_url, tmp_path / "cache")
    engine.open()
    first, second = folder / "names-1.txt", folder / "names-2.txt"
    first.write_text("Talks\n\nPresident Abdelmadjid Tebboune met envoys.\n", encoding="utf-8")
    second.write_text("Visit\n\nPresident Abdelmajid Tebboune spoke.\n", encoding="utf-8")

    def both(query: str) -> tuple[object, object]:
        engine.open()
        whoosh = Engine(folder, tmp_path / f"whoosh-{time.monotonic_ns()}", today=TODAY)
        whoosh.open()
        return engine.search(query).variants, whoosh.search(query).variants

    pg, whoosh = both("Abdelmadjid")
    assert pg == whoosh and pg, "the added spelling is a variant, as in whoosh"
    second.write_text("Visit\n\nThe delegation spoke.\n", encoding="utf-8")
    pg, whoosh = both("Abdelmadjid")
    assert pg == whoosh == ()


def test_proper_words_are_stored_with_the_collection(pg_engines: dict[str, Engine]) -> None:
    """The spelling step's proper words come from the collection's row (stored by the
    load), the same as reading every article's names."""
    store = cast(PgIndex, pg_engines["bundled"]._store)
    store.searcher()
    searcher = store._searcher
    assert searcher is not None
    stored = searcher._proper_words
    with store.conn.transaction():
        store.conn.execute(
            "UPDATE summit_collections SET proper_words = NULL WHERE id = %s",
            (searcher._collection,),
        )
        searcher.__dict__.pop("_proper_words")
        from_articles = searcher._proper_words
        store.conn.execute(
            "UPDATE summit_collections SET proper_words = %s WHERE id = %s",
            (json.dumps(sorted(stored)), searcher._collection),
        )
    assert stored and stored == from_articles


def test_searches_and_state_reads_from_threads_share_one_connection_safely(
    pg_engines: dict[str, Engine],
) -> None:
    """The explorer searches while typing and on Enter from different threads, and reads
    a new state when another process loaded one: their transactions on the store's one
    connection must not interleave (else "commit at the wrong nesting level")."""
    import threading

    engine = pg_engines["bundled"]
    store = cast(PgIndex, engine._store)
    failures: list[BaseException] = []

    def work(action: Callable[[], object]) -> None:
        try:
            for _ in range(40):
                action()
        except BaseException as exc:
            failures.append(exc)

    actions: list[Callable[[], object]] = [
        lambda: engine.search("joint battalion", 20, as_you_type=True),
        lambda: engine.search("joint battalion", 20),
        store.open_existing,
    ]
    threads = [threading.Thread(target=work, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
