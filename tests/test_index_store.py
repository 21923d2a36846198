"""The index follows the folder: built once, then only what changed; damage means rebuild."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

import index.backend.whoosh.store as store_module
import index.store.extras as extras_store
from index.backend.whoosh.schema import SCHEMA_VERSION
from index.backend.whoosh.store import MANIFEST, SIDECAR, WHOOSH_DIR
from index.corpus.folders import Folders
from index.engine import Engine
from index.errors import CorpusError
from index.store.paths import default_index_dir
from tests.conftest import BUNDLED, TODAY


def _engine(articles: Path, index_dir: Path) -> Engine:
    return Engine(articles, index_dir, today=TODAY)


def test_first_open_builds_and_second_open_touches_nothing(
    corpus_copy: Path, tmp_path: Path
) -> None:
    first = _engine(corpus_copy, tmp_path / "ix").open()
    assert first.rebuilt and first.added == 4 and first.reason == "new index"
    second = _engine(corpus_copy, tmp_path / "ix").open()
    assert not second.rebuilt and second.touched == 0 and second.unchanged == 4


def test_added_changed_and_removed_files_are_reindexed_alone(
    corpus_copy: Path, tmp_path: Path
) -> None:
    engine = _engine(corpus_copy, tmp_path / "ix")
    engine.open()
    (corpus_copy / "new-article.txt").write_text(
        "Ferry service resumes on the lake\nKISUMU, Kenya — The ferry to the islands "
        "resumed on Monday after repairs to the hull.\n",
        encoding="utf-8",
    )
    strike = corpus_copy / "harbour-strike.txt"
    strike.write_text(
        strike.read_text(encoding="utf-8").replace("five-day", "six-day"), encoding="utf-8"
    )
    (corpus_copy / "web" / "solar-plant.html").unlink()
    report = engine.open()
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert not report.rebuilt
    assert engine.search("ferry islands").hits[0].article_id == "new-article"
    assert engine.search("six-day strike").hits[0].article_id == "harbour-strike"
    assert not engine.search("molten salt").hits
    assert {a.id for a in engine.articles()} == {
        "harbour-followup",
        "harbour-strike",
        "nested/deep/drought-briefing",
        "new-article",
    }


def test_touched_but_identical_file_is_not_reindexed(corpus_copy: Path, tmp_path: Path) -> None:
    engine = _engine(corpus_copy, tmp_path / "ix")
    engine.open()
    path = corpus_copy / "harbour-strike.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    report = engine.open()
    assert report.touched == 0 and report.unchanged == 4


def test_schema_version_change_triggers_a_rebuild(corpus_copy: Path, tmp_path: Path) -> None:
    _engine(corpus_copy, tmp_path / "ix").open()
    manifest_path = tmp_path / "ix" / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["schema"] = SCHEMA_VERSION - 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    report = _engine(corpus_copy, tmp_path / "ix").open()
    assert report.rebuilt and "another version" in (report.reason or "")


@pytest.mark.parametrize("damage", ["garbage-manifest", "truncated-segments", "no-toc", "rebuild"])
def test_damaged_index_is_rebuilt_never_a_crash(
    corpus_copy: Path, tmp_path: Path, damage: str
) -> None:
    index_dir = tmp_path / "ix"
    _engine(corpus_copy, index_dir).open()
    whoosh_dir = index_dir / WHOOSH_DIR
    if damage == "garbage-manifest":
        (index_dir / MANIFEST).write_bytes(b"\x00{not json")
    elif damage == "truncated-segments":
        for segment in whoosh_dir.glob("*.seg"):
            segment.write_bytes(segment.read_bytes()[:20])
    elif damage == "no-toc":
        for toc in whoosh_dir.glob("*.toc"):
            toc.unlink()
    engine = _engine(corpus_copy, index_dir)
    report = engine.open(rebuild=damage == "rebuild")
    assert report.rebuilt
    assert engine.search("dockworkers").hits


def test_index_dir_inside_the_articles_folder_is_refused(corpus_copy: Path) -> None:
    with pytest.raises(CorpusError, match="inside the articles folder"):
        Engine(corpus_copy, corpus_copy / ".index").open()


def test_default_index_dir_is_per_folder_in_the_user_cache(tmp_path: Path) -> None:
    first = default_index_dir(Folders.of([BUNDLED]))
    assert "summit-explorer" in str(first) and first.name.startswith("articles-")
    assert default_index_dir(Folders.of([tmp_path])) != first


# -- indexing on both cores ------------------------------------------------------------


def _hits(engine: Engine, queries: tuple[str, ...]) -> list[object]:
    seen: list[object] = [(a.id, a.title, a.paragraphs) for a in engine.articles()]
    for query in queries:
        result = engine.search(query, 50)
        seen.append((query, result.total, sorted((h.article_id, h.paragraph) for h in result.hits)))
    return seen


PARALLEL_QUERIES = ("council budget", '"harbour bridge"', "flood OR storm", "museu*", "mayor")


@pytest.mark.timeout(120)
def test_worker_processes_index_what_one_process_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.backend.whoosh.indexing as indexing
    import index.store.parallel as parallel_build
    from tests.hostile import write_news_corpus

    articles = write_news_corpus(tmp_path / "articles", count=24)
    (articles / "dup.txt").write_text("Twin\n\nThe otter crossed the harbour bridge.\n")
    (articles / "dup.md").write_text("Twin\n\nThe badger crossed the harbour bridge.\n")
    serial = _engine(articles, tmp_path / "serial")
    serial.open()
    # small chunks: several workers, several segments, on 26 files
    monkeypatch.setattr(parallel_build, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parallel_build, "MIN_CHUNK", 4)
    monkeypatch.setattr(indexing, "WORKER_LIMIT_MB", 0)  # every posting spills to a run
    parallel = _engine(articles, tmp_path / "parallel")
    report = parallel.open()
    assert report.added == 26
    segments = list((tmp_path / "parallel" / WHOOSH_DIR).glob("*.seg"))
    assert len(segments) > 1  # really written by workers
    assert not list((tmp_path / "parallel" / WHOOSH_DIR).glob("part-*"))  # scratch removed
    assert _hits(parallel, PARALLEL_QUERIES) == _hits(serial, PARALLEL_QUERIES)
    assert {a.id for a in parallel.articles()} >= {"dup", "dup.txt"}

    # an update through the workers replaces changed files, drops removed ones
    first = next(p for p in sorted(articles.rglob("*.md")) if not p.stem.startswith("dup"))
    first.write_text("Changed\n\nThe wolverine reached the council on Monday.\n")
    (articles / "dup.md").unlink()
    for number in range(5):
        (articles / f"extra-{number}.txt").write_text(f"Extra {number}\n\nA heron nests.\n")
    update = parallel.open()
    assert (update.added, update.changed, update.removed) == (5, 1, 1)
    reopened = _engine(articles, tmp_path / "parallel")
    assert not reopened.open().rebuilt
    assert {h.article_id for h in reopened.search("wolverine", 10).hits} == {
        first.relative_to(articles).with_suffix("").as_posix()
    }
    assert reopened.search("heron", 20).total == 5
    assert reopened.search("badger", 20).total == 0


def test_time_expressions_are_read_on_demand_and_rebuilt_from_the_article(
    corpus_copy: Path, tmp_path: Path
) -> None:
    import sqlite3

    from index.backend.whoosh.store import SIDECAR

    engine = _engine(corpus_copy, tmp_path / "ix")
    engine.open()
    article = engine.articles()[0].id
    expected = [(e.start, e.end, e.text) for e in engine.time_expressions(article)]
    assert expected
    with sqlite3.connect(tmp_path / "ix" / SIDECAR) as db:
        db.execute("UPDATE expressions SET raw = 'not json' WHERE id = ?", (article,))
    reopened = _engine(corpus_copy, tmp_path / "ix")
    assert not reopened.open().rebuilt
    assert [(e.start, e.end, e.text) for e in reopened.time_expressions(article)] == expected


def test_a_rebuilt_index_never_reuses_the_old_timeline(corpus_copy: Path, tmp_path: Path) -> None:
    engine = _engine(corpus_copy, tmp_path / "ix")
    engine.open()
    generation = engine._store.generation
    assert not engine.timeline(text="wolverine").events
    article = corpus_copy / "harbour-strike.txt"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nOn 5 May 2031 a wolverine crossed the port.\n",
        encoding="utf-8",
    )
    rebuilt = _engine(corpus_copy, tmp_path / "ix")
    assert rebuilt.open(rebuild=True).rebuilt
    assert rebuilt._store.generation == generation  # whoosh counts afresh
    assert rebuilt.timeline(text="wolverine").events


def test_the_vocabulary_follows_added_changed_and_removed_articles(
    corpus_copy: Path, tmp_path: Path
) -> None:
    engine = _engine(corpus_copy, tmp_path / "ix")
    engine.open()
    before = engine._store.vocabulary()
    dockworkers = before.frequency("dockworkers")
    assert dockworkers >= 1
    assert "mombasa" in before.with_prefix("momb")
    (corpus_copy / "second.txt").write_text(
        "Dockworkers again\n\nDockworkers in Durban walked out over a zebroid dispute.\n"
    )
    engine.open()
    assert engine._store.vocabulary().frequency("dockworkers") == dockworkers + 1
    assert engine._store.vocabulary().frequency("zebroid") == 1
    (corpus_copy / "second.txt").write_text("Quiet day\n\nNothing happened at the quay.\n")
    engine.open()
    after = engine._store.vocabulary()
    assert after.frequency("zebroid") == 0 and after.frequency("quay") == 1
    (corpus_copy / "second.txt").unlink()
    engine.open()
    reopened = _engine(corpus_copy, tmp_path / "ix")
    reopened.open()
    assert reopened._store.vocabulary().counts == before.counts


def test_open_existing_searches_the_index_as_left_until_open_updates_it(
    corpus_copy: Path, tmp_path: Path
) -> None:
    assert not _engine(corpus_copy, tmp_path / "ix").open_existing(), "nothing built yet"
    _engine(corpus_copy, tmp_path / "ix").open()
    (corpus_copy / "ferry.txt").write_text(
        "Ferry resumes\n\nThe zebroid ferry to the islands resumed on Monday.\n", encoding="utf-8"
    )
    engine = _engine(corpus_copy, tmp_path / "ix")
    assert engine.open_existing()
    assert engine.search("dockworkers").total > 0
    assert engine.search("zebroid").total == 0, "the folder is not looked at yet"
    report = engine.open()
    assert report.added == 1 and not report.rebuilt
    assert engine.search("zebroid").total == 1


def test_name_variants_are_stored_with_the_index_and_follow_updates(
    corpus_copy: Path, tmp_path: Path
) -> None:
    engine = _engine(corpus_copy, tmp_path / "ix")
    engine.open()
    assert not engine.search("Nyamweya").variants
    (corpus_copy / "commission.txt").write_text(
        "Commission report\n\nCommissioner Nyamweya opened the hearing. Later, Commissioner "
        "Nyamwaya closed it.\n",
        encoding="utf-8",
    )
    engine.open()
    assert "nyamwaya" in dict(engine.search("Nyamweya").variants).get("nyamweya", ())
    stored = sqlite3.connect(tmp_path / "ix" / SIDECAR)
    (value,) = stored.execute("SELECT value FROM derived WHERE key = 'variant_groups'").fetchone()
    assert ["nyamwaya", "nyamweya"] in json.loads(value)
    with stored:  # a damaged row is worked out again from the name pairs
        stored.execute("UPDATE derived SET value = '{' WHERE key = 'variant_groups'")
    stored.close()
    reopened = _engine(corpus_copy, tmp_path / "ix")
    assert reopened.open_existing()
    assert reopened.search("Nyamwaya").variants
    (corpus_copy / "commission.txt").unlink()
    reopened.open()
    assert not reopened.search("Nyamweya").variants


def test_searches_go_on_while_open_updates_the_index(corpus_copy: Path, tmp_path: Path) -> None:
    """The app searches the index as it was left while open() runs in another thread:
    no search may fail or see a half-replaced searcher."""
    _engine(corpus_copy, tmp_path / "ix").open()
    engine = _engine(corpus_copy, tmp_path / "ix")
    assert engine.open_existing()
    failures: list[BaseException] = []
    stop = threading.Event()

    def search_until_stopped() -> None:
        while not stop.is_set():
            try:
                engine.search("ferry OR dockworkers", as_you_type=True)
                engine.get_article(engine.resolve_id("harbour-strike"))
            except BaseException as exc:
                failures.append(exc)
                return

    searcher = threading.Thread(target=search_until_stopped)
    searcher.start()
    try:
        for round_ in range(6):
            (corpus_copy / f"ferry-{round_}.txt").write_text(
                f"Ferry {round_}\n\nThe ferry crossed the lake {round_} times.\n", encoding="utf-8"
            )
            if round_ % 2:
                (corpus_copy / f"ferry-{round_ - 1}.txt").unlink()
            assert engine.open().touched
    finally:
        stop.set()
        searcher.join()
    assert not failures, failures
    assert engine.search("ferry").total == 3


def test_a_build_writing_sidecar_rows_as_they_come_stores_what_an_update_does(
    corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build streams its rows into the sidecar in small transactions; an update keeps
    them for after the whoosh commit. Both must leave the same sidecar."""
    kept = _engine(corpus_copy, tmp_path / "kept")
    kept.open()
    monkeypatch.setattr(extras_store, "STREAMED_ROWS", 2)  # 4 articles: two transactions
    streamed = _engine(corpus_copy, tmp_path / "streamed")
    assert streamed.open().rebuilt
    assert streamed._store.vocabulary() == kept._store.vocabulary()
    for record in kept._store.manifest_records():
        assert streamed._store.raw_expressions(record.id) == kept._store.raw_expressions(record.id)
    tables = ("SELECT value FROM derived", "SELECT * FROM article_names ORDER BY id")
    for statement in tables:
        rows = [
            sqlite3.connect(tmp_path / name / SIDECAR).execute(statement).fetchall()
            for name in ("kept", "streamed")
        ]
        assert rows[0] == rows[1] and rows[0]


def test_one_large_file_is_indexed_with_the_block_posting_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single-process writer spills sorted runs as marshalled blocks, like the
    workers: the same index as whoosh's own pool, and it is really the one used."""
    from index.backend.whoosh.indexing import BlockPostingPool

    articles = tmp_path / "articles"
    articles.mkdir()
    words = ["harbour", "council", "flood", "bridge", "mayor", "museum", "storm", "ferry"]
    paragraphs = [
        " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(6 + i % 5)).capitalize() + "."
        for i in range(3000)
    ]
    (articles / "log.txt").write_text("Long log\n\n" + "\n\n".join(paragraphs) + "\n")
    monkeypatch.setattr(store_module, "WRITER_LIMIT_MB", 1)  # several spilled runs
    blocks = _engine(articles, tmp_path / "blocks")
    blocks.open()
    writer = blocks._store._open_writer()
    assert isinstance(writer.pool, BlockPostingPool)
    writer.cancel()
    monkeypatch.setattr(store_module, "use_block_pool", lambda writer, limit_mb: None)
    whoosh_pool = _engine(articles, tmp_path / "whoosh-pool")
    whoosh_pool.open()
    assert _hits(blocks, PARALLEL_QUERIES) == _hits(whoosh_pool, PARALLEL_QUERIES)
    assert blocks.search("harbour", 5000).total == whoosh_pool.search("harbour", 5000).total > 0
