"""A newcomer's first minute at the keyboard, in a real terminal (tmux, 80x24)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal
from tests.e2e.test_terminal_journeys import AFTER_ESCAPE, summit_command

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def launch(tmp_path: Path) -> Terminal:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "PAGER": "cat"}
    return Terminal(summit_command(tmp_path / "index"), width=80, height=24, env=env, cwd=ROOT)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    with launch(tmp_path) as term:
        term.wait_for("1 Search", timeout=30)
        term.wait_for("passages", timeout=60)  # the index is open
        yield term


def query_box_line(screen: str) -> str:
    return screen.splitlines()[2]


def test_keys_typed_before_the_first_frame_reach_the_query_box(tmp_path: Path) -> None:
    with launch(tmp_path) as term:
        launched = time.monotonic()  # tmux has started the command by now
        before = term.screen()
        # `q` first: had it been taken for a command, the app would have quit
        term.type("qatar battalion")
        assert time.monotonic() - launched < 0.3, "the keys were not sent early enough"
        assert "1 Search" not in before, "the keys were typed after the first frame"
        # (the terminal echoes them until the app starts: look in the query box itself)
        screen = term.wait_for(
            lambda s: "1 Search" in s and "qatar battalion" in query_box_line(s), timeout=30
        )
        assert "[exit" not in screen
        time.sleep(0.5)
        assert "[exit" not in term.screen()


def test_enter_and_escape_in_an_empty_box_cannot_lead_to_quit(terminal: Terminal) -> None:
    terminal.send("Enter")
    terminal.send("Escape")
    time.sleep(AFTER_ESCAPE)
    terminal.type("qatar")
    screen = terminal.wait_for("qatar")
    assert "qatar" in query_box_line(screen) and "[exit" not in screen
    time.sleep(0.5)
    assert "[exit" not in terminal.screen()
    terminal.send("C-q")
    terminal.wait_for("[exit 0]")


def test_q_in_the_reader_goes_back_and_quits_from_the_top(terminal: Terminal) -> None:
    terminal.type("battalion")
    terminal.wait_for("passages in")
    terminal.send("Enter")
    terminal.wait_for("⏎ Open")
    terminal.send("Enter")
    terminal.wait_for("q/esc Back")  # the reader
    terminal.type("q")
    screen = terminal.wait_for("q Quit")  # back on the results
    assert "[exit" not in screen
    terminal.type("q")
    terminal.wait_for("[exit 0]")


def test_a_misspelt_word_shows_its_correction_before_enter(terminal: Terminal) -> None:
    terminal.type("batallion")
    screen = terminal.wait_for('searched "battalion" instead')
    assert screen.count("battalion") >= 2  # the note and the results' highlighted words
    assert screen.count('searched "battalion"') == 1  # said once
    terminal.send("Enter")
    terminal.wait_for("⏎ Open")
    assert terminal.screen().count('searched "battalion"') == 1
    terminal.send("C-q")
    terminal.wait_for("[exit 0]")


def test_a_sentence_falls_back_to_any_words_with_a_note(terminal: Terminal) -> None:
    terminal.type("who said the alliance put an end to occupation forces")
    terminal.send("Enter")
    screen = terminal.wait_for("showing passages with any of them")
    assert "no passage has all the words" in screen
    terminal.wait_for("occupation forces")
    terminal.send("C-q")
    terminal.wait_for("[exit 0]")
