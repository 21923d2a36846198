"""Work in child processes: the timeline built in one comes back identical, and a
child is stopped as soon as its caller gives up on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.engine import Engine
from index.store.processes import run_spawned
from index.timeline import service as service_module
from tests.conftest import FIXTURE_CORPUS, TODAY

REPO = Path(__file__).resolve().parent.parent


def test_the_timeline_built_in_a_child_process_is_the_one_built_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, articles)
    here = Engine(articles, tmp_path / "here", today=TODAY)
    here.open()
    expected = here.timeline()
    monkeypatch.setattr(service_module, "TIMELINE_PROCESS_THRESHOLD", 1)
    spawned: list[int | None] = []
    real_run_spawned = service_module.run_spawned

    def recording_run_spawned(*args: object) -> int | None:
        spawned.append(real_run_spawned(*args))  # type: ignore[arg-type]
        return spawned[-1]

    monkeypatch.setattr(service_module, "run_spawned", recording_run_spawned)
    elsewhere = Engine(articles, tmp_path / "elsewhere", today=TODAY)
    elsewhere.open()
    assert elsewhere.timeline() == expected
    assert spawned == [0], "built by a child process"
    assert elsewhere.anchors() == here.anchors()


def test_a_child_whose_index_changed_meanwhile_leaves_the_build_to_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, articles)
    monkeypatch.setattr(service_module, "TIMELINE_PROCESS_THRESHOLD", 1)
    engine = Engine(articles, tmp_path / "ix", today=TODAY)
    engine.open()
    monkeypatch.setattr(engine._timelines, "key", lambda: "not the index's key")
    assert engine.timeline().events, "built here after the child refused"


def test_a_child_is_stopped_when_its_caller_gives_up() -> None:
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    assert run_spawned(time.sleep, (60,), stop) is None
    assert time.monotonic() - started < 20


def test_a_child_reports_its_exit_code() -> None:
    assert run_spawned(time.sleep, (0,), threading.Event()) == 0


def test_a_failing_child_says_so_by_its_exit_code_only(capfd: pytest.CaptureFixture[str]) -> None:
    assert run_spawned(int, ("not a number",), threading.Event()) == 1
    assert "Traceback" not in capfd.readouterr().err


def _children(pid: int, marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and marker in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_child_ends_when_its_parent_is_killed() -> None:
    """A parent killed outright (no chance to stop its child) must not leave the child
    working on for nobody."""
    program = (
        "import threading, time\n"
        "from index.store.processes import run_spawned\n"
        "run_spawned(time.sleep, (120,), threading.Event())\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", program], cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while not (children := _children(parent.pid, "spawn_main")):
            assert time.monotonic() < deadline, "no child was spawned"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while _alive(children[0]):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.1)
