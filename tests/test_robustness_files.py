"""Real-world files: empty, broken, binary, huge, oddly named, looping, unreadable,
vanishing, and HTML full of page furniture. None may crash indexing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

import index.corpus.articles as articles
import index.corpus.files as corpus
import index.store.parsing as indexing
from index.corpus.articles import parse_file
from index.corpus.files import SkippedFile, read_article_bytes
from index.engine import Engine
from tests import hostile
from tests.hostile import write_hostile_corpus

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def hostile_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    base = tmp_path_factory.mktemp("files")
    write_hostile_corpus(base / "articles")
    engine = Engine(base / "articles", base / "index")
    engine.open()
    return engine


def _warning_for(engine: Engine, name: str) -> str:
    found = [w for w in engine.warnings if name in w]
    assert found, f"no warning names {name!r}: {engine.warnings}"
    return found[0]


def _ids(engine: Engine, query: str) -> set[str]:
    return {hit.article_id for hit in engine.search(query, 50).hits}


def _write_article(path: Path, marker: str) -> None:
    path.write_text(f"Story about {marker}\nTOWN — The {marker} was seen on Tuesday.\n")


# -- empty, blank, broken encodings, binary ----------------------------------------------


@pytest.mark.parametrize("name", [hostile.EMPTY_FILE, hostile.BLANK_FILE])
def test_empty_and_blank_files_are_skipped_with_a_warning(
    hostile_engine: Engine, name: str
) -> None:
    assert "empty" in _warning_for(hostile_engine, name)
    assert name not in {a.file for a in hostile_engine.articles()}


def test_invalid_utf8_is_decoded_with_a_fallback_and_named(hostile_engine: Engine) -> None:
    warning = _warning_for(hostile_engine, hostile.LATIN1_FILE)
    assert "not valid UTF-8" in warning
    assert _ids(hostile_engine, hostile.MARKER_LATIN1) == {"latin1"}
    assert "Café crème" in hostile_engine.get_article("latin1").text


def test_binary_file_is_skipped_with_a_warning(hostile_engine: Engine) -> None:
    assert "binary" in _warning_for(hostile_engine, hostile.BINARY_FILE)
    assert hostile.BINARY_FILE not in {a.file for a in hostile_engine.articles()}


def test_undecodable_file_name_is_skipped_with_a_printable_warning(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "good.txt", "otter")
    with open(os.fsencode(folder) + b"/bad\xffname.txt", "wb") as handle:
        handle.write(b"Bad name\nTOWN \xe2\x80\x94 otters on Tuesday.\n")
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    warning = _warning_for(engine, "bad\ufffdname.txt")
    warning.encode("utf-8")  # no lone surrogates: printable and storable as UTF-8
    assert [a.id for a in engine.articles()] == ["good"]


# -- size limit -------------------------------------------------------------------------


def test_huge_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "articles"
    corpus_info = write_hostile_corpus(folder)
    bytes_read: dict[str, int] = {}
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        data = real_read(fd, size)
        name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else "?"
        bytes_read[Path(name).name] = bytes_read.get(Path(name).name, 0) + len(data)
        return data

    monkeypatch.setattr(corpus.os, "read", counting_read)
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    warning = _warning_for(engine, hostile.BIG_FILE)
    assert "20 MB limit" in warning and f"({corpus_info.big_bytes // 2**20} MB)" in warning
    assert bytes_read.get(hostile.BIG_FILE, 0) == 0
    assert bytes_read.get("good.txt", 0) > 0  # the spy does see the files that are read


def test_file_growing_after_the_size_check_is_read_only_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grows.txt"
    path.write_bytes(b"word " * (3 * 2**20 // 5))  # 3 MB
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 2**20)
    real_fstat = os.fstat

    def small_fstat(fd: int) -> os.stat_result:
        # what the size check saw before the file grew
        info = list(real_fstat(fd))
        info[6] = 10
        return os.stat_result(info)

    monkeypatch.setattr(corpus.os, "fstat", small_fstat)
    read_sizes: list[int] = []
    real_read = corpus._read_at_most
    monkeypatch.setattr(
        corpus, "_read_at_most", lambda fd, limit: read_sizes.append(limit) or real_read(fd, limit)
    )
    with pytest.raises(SkippedFile, match="grew while being read"):
        read_article_bytes(path)
    assert read_sizes == [2**20 + 1]


# -- names, links, special files --------------------------------------------------------


def test_names_with_spaces_and_non_ascii_are_indexed(hostile_engine: Engine) -> None:
    assert _ids(hostile_engine, hostile.MARKER_SPACES) == {"name with spaces"}
    unicode_id = Path(hostile.UNICODE_FILE).stem
    assert _ids(hostile_engine, hostile.MARKER_UNICODE) == {unicode_id}
    assert hostile_engine.get_article(unicode_id).file == hostile.UNICODE_FILE
    assert hostile_engine.resolve_id(hostile.SPACES_FILE) == "name with spaces"


def test_symlink_loops_neither_hang_nor_duplicate(hostile_engine: Engine) -> None:
    assert "symbolic links" in _warning_for(hostile_engine, hostile.FILE_LOOP)
    files = [a.file for a in hostile_engine.articles()]
    assert len(files) == len(set(files))
    assert not any(f.startswith(f"{hostile.LOOP_DIR}/") for f in files)


def test_fifo_and_device_links_are_skipped_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "good.txt", "otter")
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    (folder / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    assert "not a regular file" in _warning_for(engine, "pipe.txt")
    assert "not a regular file" in _warning_for(engine, "zero.txt")
    assert [a.id for a in engine.articles()] == ["good"]


# -- permissions ------------------------------------------------------------------------


def test_unreadable_file_is_skipped_monkeypatched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root reads through chmod 000, so this variant makes open() fail as it would for
    a normal user; the next test checks the real permission check when it can."""
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "good.txt", "otter")
    _write_article(folder / "secret.txt", "badger")
    real_open = os.open

    def refusing_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(corpus.os, "open", refusing_open)
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    assert "Permission denied" in _warning_for(engine, "secret.txt")
    assert [a.id for a in engine.articles()] == ["good"]


def _as_unprivileged(work: Callable[[], object]) -> object:
    """Run `work` in a forked child that dropped root to `nobody`; its JSON result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        status = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            payload = json.dumps(work())
        except BaseException as exc:
            payload, status = json.dumps({"error": repr(exc)}), 1
        os.write(write_end, payload.encode())
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_unreadable_file_and_folder_with_real_permissions() -> None:
    """chmod 000 for real: as root, the check runs in a child that became `nobody`."""
    if os.geteuid() == 0 and not hasattr(os, "setuid"):
        pytest.skip("running as root without setuid")
    base = Path(tempfile.mkdtemp(prefix="summit-perm-"))  # /tmp: `nobody` can reach it
    try:
        base.chmod(0o755)
        _write_article(base / "good.txt", "otter")
        _write_article(base / "secret.txt", "badger")
        (base / "locked").mkdir()
        _write_article(base / "locked" / "inner.txt", "stoat")
        (base / "secret.txt").chmod(0o000)
        (base / "locked").chmod(0o000)

        def check() -> dict[str, object]:
            warnings: list[str] = []
            found = [p.name for p in corpus.discover_files(base, warnings)]
            try:
                parse_file(base / "secret.txt", "secret.txt")
                secret = "read"
            except SkippedFile as exc:
                secret = str(exc)
            return {"found": found, "warnings": warnings, "secret": secret}

        result = _as_unprivileged(check) if os.geteuid() == 0 else check()
        assert isinstance(result, dict) and "error" not in result, result
        assert "Permission denied" in str(result["secret"])
        assert "inner.txt" not in result["found"]
        assert any("locked" in w and "Permission denied" in w for w in result["warnings"])
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


# -- files changing under the indexer ---------------------------------------------------


def test_file_deleted_while_indexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "a.txt", "otter")
    _write_article(folder / "b.txt", "badger")
    real_parse = indexing.parse_file

    def vanishing_parse(path: Path, base: Path):  # type: ignore[no-untyped-def]
        if path.name == "b.txt":
            path.unlink()  # listed, then gone before it is read
        return real_parse(path, base)

    monkeypatch.setattr(indexing, "parse_file", vanishing_parse)
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    assert "No such file" in _warning_for(engine, "b.txt")
    assert [a.id for a in engine.articles()] == ["a"]
    monkeypatch.undo()
    engine.open()  # and the next run is clean
    assert [a.id for a in engine.articles()] == ["a"]


def test_file_changed_while_indexing_is_reindexed_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "a.txt", "otter")
    real_parse = indexing.parse_file

    def changing_parse(path: Path, base: Path):  # type: ignore[no-untyped-def]
        article = real_parse(path, base)
        with open(path, "a", encoding="utf-8") as handle:  # written after we read it
            handle.write("\nLater the wolverine arrived on Wednesday.\n")
        return article

    monkeypatch.setattr(indexing, "parse_file", changing_parse)
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    assert _ids(engine, "wolverine") == set()
    monkeypatch.undo()
    report = engine.open()
    assert report.changed == 1
    assert _ids(engine, "wolverine") == {"a"}


def test_parser_failure_on_one_file_skips_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "a.txt", "otter")
    _write_article(folder / "b.txt", "badger")
    real_parse = articles.parse_article

    def failing_parse(text: str, file: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if file == "b.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real_parse(text, file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(articles, "parse_article", failing_parse)
    engine = Engine(folder, tmp_path / "index")
    engine.open()
    assert "could not be parsed (RecursionError)" in _warning_for(engine, "b.txt")
    assert [a.id for a in engine.articles()] == ["a"]


def test_deeply_nested_html_does_not_crash(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _write_article(folder / "a.txt", "otter")
    depth = 5000
    (folder / "deep.html").write_text(
        "<html><body><article><h1>Deep nest</h1>"
        + "<div>" * depth
        + "<p>deep text</p>"
        + "</div>" * depth
        + "</article></body></html>"
    )
    engine = Engine(folder, tmp_path / "index")
    engine.open()  # indexed or skipped with a warning, never an exception
    assert "a" in {a.id for a in engine.articles()}


# -- HTML -------------------------------------------------------------------------------


def test_html_indexes_only_the_story(hostile_engine: Engine) -> None:
    assert _ids(hostile_engine, hostile.MARKER_STORY) == {"story"}
    for word in (hostile.SCRIPT_WORD, hostile.NAV_WORD, hostile.STYLE_WORD):
        assert _ids(hostile_engine, word) == set(), word
    text = hostile_engine.get_article("story").text
    assert "healthy" in text
    assert hostile.SCRIPT_WORD not in text and hostile.NAV_WORD not in text
    assert "\x1b" not in text  # the escape lived in a <script>
