"""Every child process the engine starts goes through index.store.processes.spawning(), and
starts even when sys.stderr has been replaced by an object without a descriptor (as
Textual's print capture is while the app runs)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from index.store.processes import spawning

REPO = Path(__file__).resolve().parent.parent

_PROGRAM = r"""
import sys
from pathlib import Path

import pytest

from index.store.processes import spawning


class PrintCapture:
    # what textual.app._PrintCapture is to multiprocessing: no descriptor (-1)
    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return True

    def fileno(self):
        return -1


if __name__ == "__main__":
    import index.timeline.service as service_module
    import index.backend.whoosh.store as store_module
    from bench.generate import generate
    from index.engine import Engine

    articles, index_dir, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    generate(count, articles)
    store_module.worker_count = lambda jobs: 2  # the parallel path, even on one core
    spawned = []
    real_run_spawned = service_module.run_spawned

    def recording_run_spawned(*args):
        spawned.append(real_run_spawned(*args))
        return spawned[-1]

    service_module.run_spawned = recording_run_spawned
    real_stderr = sys.stderr
    sys.stderr = PrintCapture()
    engine = Engine(articles, index_dir)
    report = engine.open()
    hits = engine.search("minister").hits
    events = engine.timeline().events
    sys.stderr = real_stderr
    print(report.added, len(hits) > 0, len(events) > 0, spawned)
"""


def test_children_start_when_stderr_has_no_descriptor(tmp_path: Path) -> None:
    """Failed with "ValueError: bad value(s) in fds_to_keep" (the resource tracker was
    handed fd -1) before the engine started its children through one place. A fresh
    interpreter: a resource tracker started earlier in this one would hide it."""
    script = tmp_path / "program.py"
    script.write_text(_PROGRAM, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "articles"), str(tmp_path / "ix"), "520"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["520", "True", "True", "[0]"]


_STARTS_A_PROCESS = re.compile(
    r"\b(get_context|ProcessPoolExecutor|Process\(|os\.fork|subprocess|Popen|"
    r"multiprocessing\.Pool)\b"
)


def test_only_index_processes_starts_processes() -> None:
    """One place starts children, so the next kind of child gets the same care."""
    starters = [
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "index").rglob("*.py"))
        if _STARTS_A_PROCESS.search(path.read_text(encoding="utf-8"))
    ]
    assert starters == ["index/store/processes.py"]


class _NoDescriptor:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return -1


def test_a_replaced_stderr_is_swapped_only_while_children_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    capture = _NoDescriptor()
    monkeypatch.setattr(sys, "stderr", capture)
    with spawning():
        assert sys.stderr.fileno() >= 0
    assert sys.stderr is capture
    monkeypatch.undo()
    real = sys.stderr
    with spawning():
        assert sys.stderr is real  # a usable stderr is left alone
