"""The editor and the pager open at the passage, in a real terminal (tmux): programs
that record how they were started stand in for vi and less."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal
from tests.e2e.test_terminal_journeys import summit_command

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def recorder(folder: Path, name: str, record: Path) -> Path:
    """An executable `name` that writes its arguments (then its stdin) to `record`."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" > '{record}.tmp'\n"
        f"[ -t 0 ] || cat > '{record}.stdin'\n"
        f"mv '{record}.tmp' '{record}'\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def wait_for_file(path: Path, terminal: Terminal) -> list[str]:
    terminal.wait_for(lambda _: path.exists(), timeout=20)
    return path.read_text(encoding="utf-8").splitlines()


def test_editor_and_pager_open_at_the_passage(tmp_path: Path) -> None:
    editor_record, pager_record = tmp_path / "editor-args", tmp_path / "pager-args"
    editor = recorder(tmp_path / "bin", "myeditor", editor_record)
    pager = recorder(tmp_path / "bin", "less", pager_record)  # less is told the line
    config = tmp_path / "config.toml"
    config.write_text(f'pager = "{pager}"\n', encoding="utf-8")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "EDITOR": str(editor), "VISUAL": "",
           "SUMMIT_CONFIG": str(config)}
    with Terminal(summit_command(tmp_path / "index"), width=100, height=30, env=env,
                  cwd=ROOT) as term:
        term.wait_for("passages", timeout=60)
        term.type("battalion")
        term.wait_for("passages in")
        term.send("Enter")
        term.wait_for("⏎ Open")
        term.send("Enter")
        term.wait_for("q/esc Back")  # the reader, at the first hit's paragraph
        term.type("e")
        args = wait_for_file(editor_record, term)
        term.wait_for("q/esc Back")  # back in the explorer
        assert len(args) == 2 and args[0].startswith("+"), args
        line, file = int(args[0][1:]), Path(args[1])
        assert file.is_file() and file.is_relative_to(ROOT / "articles")
        assert "battalion" in file.read_text(encoding="utf-8").splitlines()[line - 1].lower()

        term.type("o")
        pager_args = wait_for_file(pager_record, term)
        term.wait_for("q/esc Back")
        assert pager_args == [f"+{line}g"]
        shown = Path(f"{pager_record}.stdin").read_text(encoding="utf-8").splitlines()
        assert "battalion" in shown[line - 1].lower()
        term.send("C-q")
        term.wait_for("[exit 0]")
