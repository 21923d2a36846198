"""The explorer in a real terminal (tmux, 80x24): the journeys a newcomer makes."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.e2e

# tmux holds a lone Escape for its escape-time; a following key too soon would turn
# Escape+key into Alt+key (as over SSH), so journeys wait after Escape.
AFTER_ESCAPE = 0.8


def summit_command(index_dir: Path) -> list[str]:
    summit = shutil.which("summit", path=str(Path(sys.executable).parent))
    if summit is None:
        return [sys.executable, "-m", "tui.cli", "--index-dir", str(index_dir)]
    return [summit, "--index-dir", str(index_dir)]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "PAGER": "cat"}
    with Terminal(summit_command(tmp_path / "index"), width=80, height=24, env=env,
                  cwd=Path(__file__).resolve().parents[2]) as term:
        term.wait_for("1 Search", timeout=30)
        term.wait_for("passages", timeout=60)  # the index is open
        yield term


def test_find_read_timeline_quit(terminal: Terminal) -> None:
    terminal.type("joint battalion")
    screen = terminal.wait_for("call for joint")
    assert "passages in" in screen
    terminal.send("Enter")  # to the results
    terminal.wait_for("⏎ Open")
    terminal.send("Enter")  # open the passage
    terminal.wait_for("nN Match")  # the reader has focus; the article loads in a worker
    screen = terminal.wait_for("▌ BAMAKO, Mali — The head of an alliance")
    assert "joint battalion" in screen
    terminal.send("3")
    terminal.wait_for("b Busiest day")  # the timeline pane's footer
    screen = terminal.wait_for("December 2025")
    assert "busiest" in screen
    terminal.send("b")
    terminal.wait_for("★ Tue 23 December 2025")
    terminal.send("Enter")
    terminal.wait_for("nN Match")
    terminal.send("Escape")
    time.sleep(AFTER_ESCAPE)
    terminal.wait_for("b Busiest day")
    terminal.send("q")
    terminal.wait_for("[exit 0]")


def test_help_escape_and_ctrl_q_from_query_box(terminal: Terminal) -> None:
    terminal.send("Escape")  # query box → results
    time.sleep(AFTER_ESCAPE)
    terminal.type("?")
    screen = terminal.wait_for("keys and query syntax")
    assert "Ctrl+Q" in screen and "Show the timeline pane" in screen
    terminal.send("Escape")
    time.sleep(AFTER_ESCAPE)
    terminal.wait_for(lambda s: "keys and query syntax" not in s)
    terminal.type("/")
    terminal.wait_for("^r History")  # the query box has focus
    terminal.type("q?")  # text in the query box, not quit/help
    screen = terminal.wait_for("▊  q?")
    assert "keys and query syntax" not in screen
    terminal.send("C-q")
    terminal.wait_for("[exit 0]")


def test_resize_reflows_between_one_pane_and_side_by_side(terminal: Terminal) -> None:
    terminal.type("goita")
    terminal.wait_for("Goïta")
    terminal.send("Enter")
    terminal.wait_for("⏎ Open")
    terminal.send("Enter")
    narrow = terminal.wait_for("nN Match")
    assert "Search articles" not in narrow  # at 80 columns the reader has the screen
    terminal.resize(160, 48)
    wide = terminal.wait_for(lambda s: max(len(line) for line in s.splitlines()) > 120)
    assert len(wide.splitlines()) == 48
    terminal.wait_for(lambda s: "goita" in s and "Goïta" in s)  # query box and reader side by side
    terminal.resize(80, 24)
    terminal.wait_for(lambda s: max(len(line) for line in s.splitlines()) <= 80
                      and len(s.splitlines()) == 24)
    terminal.send("C-q")
    terminal.wait_for("[exit 0]")
