"""The fast path's boundary (index/backend/whoosh/fastpath/switch.py): it answers only
for the pinned whoosh-reloaded and when its top of one term equals whoosh's on the
opened index; otherwise it is switched off with one warning and whoosh answers."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.backend.whoosh.fastpath import mapped_files, switch
from index.backend.whoosh.fastpath.nodes import TermNode
from index.engine import Engine
from tests.conftest import TODAY
from tests.hostile import write_news_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_switch() -> Iterator[None]:
    switch.reset_for_tests()
    yield
    switch.reset_for_tests()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_news_corpus(tmp_path_factory.mktemp("switch") / "articles", count=60)


def _engine(corpus: Path, tmp_path: Path) -> Engine:
    engine = Engine(corpus, tmp_path / "index", today=TODAY)
    engine.open()
    return engine


def test_the_pin_in_pyproject_is_the_version_the_fast_path_reads() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"whoosh-reloaded==([\d.]+)"', pyproject)[1] == switch.PINNED  # type: ignore[index]
    assert switch.installed_version() == switch.PINNED


def test_another_whoosh_version_switches_it_off_with_one_warning() -> None:
    with pytest.warns(switch.FastPathDisabled, match="2.7.4"):
        assert not switch.self_check(lambda: None, version="2.7.4")
    assert not switch.enabled() and "2.7.4" in (switch.failure() or "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second failure warns no more
        assert not switch.self_check(lambda: "differs")


def test_the_round_trip_agrees_on_a_real_index(corpus: Path, tmp_path: Path) -> None:
    engine = _engine(corpus, tmp_path)
    try:
        searcher = engine._store.searcher()
        ranker = searcher._ranker
        difference = switch.top_term_difference(
            ranker.searcher, ranker.postings, ranker.article_docs
        )
        assert difference is None
        assert engine.search("council").hits and ranker.fast_path_on()
    finally:
        engine.close()


def test_a_fast_path_that_misreads_the_format_is_switched_off_and_whoosh_answers(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _engine(corpus, tmp_path / "a")
    try:
        expected = [(h.article_id, h.paragraph) for h in reference.search("council harbour").hits]
    finally:
        reference.close()
    # scores read wrong (as a changed posting format would): every term's weight halved
    original = TermNode._compute
    monkeypatch.setattr(
        TermNode, "_compute", lambda self: {d: s / 2 for d, s in original(self).items()}
    )
    engine = _engine(corpus, tmp_path / "b")
    try:
        with pytest.warns(switch.FastPathDisabled, match="disagrees with whoosh"):
            result = engine.search("council harbour")
        assert not switch.enabled()
        assert [(h.article_id, h.paragraph) for h in result.hits] == expected
    finally:
        engine.close()


def test_the_environment_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(switch.ENV, "0")
    assert not switch.enabled()
    monkeypatch.setenv(switch.ENV, "1")
    assert switch.enabled()
    switch.set_enabled(False)
    assert not switch.enabled()


def test_the_mapped_files_patch_is_installed_by_the_backend_not_by_an_import(
    tmp_path: Path,
) -> None:
    program = (
        "import sys, pathlib\n"
        "from whoosh.filedb import compound\n"
        "import index.backend.whoosh.store as store\n"
        "from index.corpus.folders import Folders\n"
        "print(compound.BufferFile.__name__)\n"
        "store.IndexStore(Folders.of([pathlib.Path(sys.argv[1])]), pathlib.Path(sys.argv[2]))\n"
        "print(compound.BufferFile.__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path), str(tmp_path / "index")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.split() == ["BufferFile", mapped_files.MappedBufferFile.__name__]
