"""The explorer as a new user meets it: a fresh HOME, no index yet, a folder of their own
(generated: 300 and 1,000 articles), a real terminal (tmux at 80x24), and the shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generate import generate
from tests.e2e.terminal import Terminal, require_tool

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
WORD = "summit"
"""A news word the generator puts in many articles."""
BUILD_SECONDS = 240
"""Fresh index and timeline of 1,000 articles on a busy 2-core machine, with margin."""


def summit() -> str:
    found = shutil.which("summit", path=str(Path(sys.executable).parent))
    assert found is not None, "the package is installed (pip install -e .)"
    return found


def fresh_home(tmp_path: Path) -> dict[str, str]:
    """A HOME with nothing in it: no index, no history (the caches follow HOME)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PAGER": "cat",
    }


@pytest.fixture
def explorer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Terminal]:
    size: int = request.param
    articles = generate(size, tmp_path / f"articles-{size}")
    env = fresh_home(tmp_path)
    with Terminal([summit(), "--articles", str(articles)], env=env, cwd=tmp_path) as term:
        term.wait_for("1 Search", timeout=30)
        yield term


@pytest.mark.parametrize("explorer", [300, 1000], indirect=True, ids=["300", "1000"])
def test_a_new_folder_becomes_searchable_then_the_timeline(explorer: Terminal) -> None:
    explorer.type(WORD)
    screen = explorer.wait_for(
        lambda s: "passages in" in s or "no index" in s or "[exit" in s, timeout=BUILD_SECONDS
    )
    assert "passages in" in screen, screen
    explorer.send("Enter")  # to the results
    explorer.wait_for("⏎ Open")
    explorer.send("3")
    screen = explorer.wait_for(
        lambda s: "━━ 20" in s or "unavailable" in s.lower() or "[exit" in s,
        timeout=BUILD_SECONDS,
    )
    assert "━━ 20" in screen, screen  # a year heading: the timeline is there
    explorer.send("C-q")
    screen = explorer.wait_for("[exit ", timeout=20)
    assert "[exit 0]" in screen and "Traceback" not in screen


@pytest.mark.parametrize("explorer", [1000], indirect=True, ids=["1000"])
def test_quitting_in_the_middle_of_the_first_build_is_clean(explorer: Terminal) -> None:
    explorer.wait_for(lambda s: "indexing" in s or "opening" in s, timeout=30)
    started = time.monotonic()
    explorer.send("C-q")
    screen = explorer.wait_for("[exit ", timeout=30)
    assert "[exit 0]" in screen and "Traceback" not in screen
    quit_seconds = time.monotonic() - started
    print(f"quit {quit_seconds:.2f} s after Ctrl+Q")
    # without stopping the workers, exit waited for their whole chunks (15-30 s)
    assert quit_seconds < 8


def test_a_byte_that_is_not_utf8_leaves_the_app_running(tmp_path: Path) -> None:
    with Terminal([summit(), "--index-dir", str(tmp_path / "index")], env=fresh_home(tmp_path),
                  cwd=REPO) as term:
        term.wait_for("1 Search", timeout=30)
        term.wait_for("passages", timeout=60)  # the index is open
        term.send_bytes(b"\xff")
        term.type("joint")
        screen = term.wait_for(lambda s: "passages in" in s or "[exit" in s, timeout=20)
        assert "[exit" not in screen and "passages in" in screen
        term.send("C-q")
        screen = term.wait_for("[exit ", timeout=20)
        assert "[exit 0]" in screen and "Traceback" not in screen


# -- the shell -------------------------------------------------------------------------


def _bash(script: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    bash = require_tool("bash")
    env = {**os.environ, **fresh_home(tmp_path), "SUMMIT": summit()}
    return subprocess.run([bash, "-c", script], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.mark.parametrize(
    "command",
    ["search joint", "search --json joint", "timeline", "show 000", "list"],
)
def test_a_closed_pipe_ends_quietly_with_status_0(tmp_path: Path, command: str) -> None:
    index = tmp_path / "index"
    built = _bash(f'"$SUMMIT" --index-dir {index} index', tmp_path)
    assert built.returncode == 0, built.stderr
    # `true` reads nothing and exits at once: the first write meets a closed pipe
    for reader in ("head -1", "true"):
        script = f'"$SUMMIT" --index-dir {index} {command} | {reader}; echo "${{PIPESTATUS[0]}}"'
        result = _bash(script, tmp_path)
        assert result.stdout.splitlines()[-1] == "0", (reader, result.stdout, result.stderr)
        assert result.stderr == "", (reader, result.stderr)


def test_the_explorer_without_a_terminal_says_so_and_exits_2_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    out = tmp_path / "out"
    result = _bash(f'"$SUMMIT" </dev/null >{out}; echo "$?"; cat {out}', tmp_path)
    assert result.stdout.splitlines() == ["2"], result.stdout  # and nothing drawn into out
    assert result.stderr.count("\n") == 1 and "needs a terminal" in result.stderr
    assert time.monotonic() - started < 10


def test_the_explorer_with_output_to_a_file_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Terminal(["sh", "-c", f"{summit()} > {out}"], env=fresh_home(tmp_path),
                  cwd=REPO) as term:
        screen = term.wait_for("[exit ", timeout=20)
        assert "[exit 2]" in screen and "needs a terminal" in screen
    assert out.read_text() == ""


def test_a_5000_paragraph_article_scrolls_at_once_in_a_real_terminal(tmp_path: Path) -> None:
    from tests.test_reader_long import long_article

    folder = long_article(tmp_path / "long")
    with Terminal([summit(), "--articles", str(folder)], env=fresh_home(tmp_path),
                  cwd=tmp_path) as term:
        term.wait_for("1 Search", timeout=30)
        term.type("zebrafish")
        screen = term.wait_for(lambda s: "passages in" in s or "no index" in s, timeout=120)
        assert "passages in" in screen, screen
        term.send("Enter")
        term.wait_for("⏎ Open")
        started = time.monotonic()
        term.send("Enter")
        term.wait_for("/5000", timeout=20)  # the reader's ¶ n/5000
        opened = time.monotonic() - started
        # the timeline (the article's dates) is worked out in this process for a small
        # corpus and holds the interpreter meanwhile: measure the reader after it
        term.wait_for(lambda s: "working out the date" not in s, timeout=60)
        waits = []
        for key, expected in (("G", "Observation 4999 "), ("g", "Observation 0 "),
                              ("n", "match 2/"), ("PageDown", "")):
            before = term.screen()
            started = time.monotonic()
            term.send(key)
            term.wait_for(lambda s, e=expected, b=before: e in s and s != b, timeout=10)
            waits.append(time.monotonic() - started)
        print(f"opened in {opened:.2f} s; keys: {[round(w, 2) for w in waits]} s")
        # each wait includes tmux's capture (a few tens of ms, polled every 0.1 s)
        assert opened < 5 and max(waits) < 1.0, (opened, waits)
        term.send("C-q")
        assert "[exit 0]" in term.wait_for("[exit ", timeout=30)


def test_two_new_folders_are_searched_together_and_apart(tmp_path: Path) -> None:
    """Two folders of 200 generated articles each, no index yet: hits name their folder,
    `collection:` keeps one, and the facets (Ctrl+F) count each folder."""
    desk = generate(200, tmp_path / "desk", seed=7)
    wire = generate(200, tmp_path / "wire", seed=11)
    command = [summit(), "--articles", str(desk), "--articles", str(wire)]
    with Terminal(command, env=fresh_home(tmp_path), cwd=tmp_path) as term:
        term.wait_for("desk + wire", timeout=30)  # the header names both
        term.type(f"{WORD} collection:wire")
        screen = term.wait_for(
            lambda s: "passages in" in s or "[exit" in s, timeout=BUILD_SECONDS
        )
        assert "passages in" in screen and "wire" in screen, screen
        hit_lines = [line for line in screen.splitlines() if " · ¶" in line]
        assert hit_lines and not any("desk" in line for line in hit_lines), screen
        term.send("C-u")
        term.type(WORD)
        # (generous: the whole suite runs beside this on two cores)
        term.wait_for(lambda s: "collection:" not in s and "passages in" in s, timeout=90)
        term.send("C-f")
        screen = term.wait_for("Narrow", timeout=90)
        assert "collection: desk" in screen and "collection: wire" in screen, screen
        term.send("Escape")
        term.send("C-q")
        screen = term.wait_for("[exit ", timeout=30)
        assert "[exit 0]" in screen and "Traceback" not in screen
