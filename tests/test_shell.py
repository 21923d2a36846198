"""Shell integration, checked in the real shells: the completion scripts complete, the man
page names every command. Generated from the parser, so a new command shows up by itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, main
from tui.cli.shell import completion_script, man_page

COMMANDS = ("index", "search", "show", "list", "timeline", "serve", "completions", "man")


def _shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if "CI" in __import__("os").environ:
            pytest.fail(f"{name} is not installed (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path


def test_bash_completes_commands_and_options(tmp_path: Path) -> None:
    script = tmp_path / "summit.bash"
    script.write_text(completion_script(build_parser(), "bash"))
    probe = f"""
source {script}
complete_for() {{
  COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ));
  COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}}; COMPREPLY=(); _shtab_summit;
  echo "${{COMPREPLY[*]}}"; }}
complete_for summit se
complete_for summit search --gr
complete_for summit completions ''
"""
    out = subprocess.run(
        [_shell("bash"), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0].split() == ["search", "serve"]
    assert out[1].split() == ["--group-by"]
    assert out[2].split() == ["bash", "zsh", "fish"]


def test_fish_completes_commands_options_and_choices(tmp_path: Path) -> None:
    script = tmp_path / "summit.fish"
    script.write_text(completion_script(build_parser(), "fish"))

    def complete(line: str) -> list[str]:
        done = subprocess.run(
            [_shell("fish"), "--no-config", "-c", f"source {script}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            check=True,
        )
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert complete("summit se") == ["search", "serve"]
    assert "--group-by" in complete("summit search --gr")
    assert sorted(complete("summit search --group-by ")) == ["article", "passage"]
    assert "--limit" not in complete("summit list --")


def test_zsh_script_is_valid_zsh_and_names_every_command(tmp_path: Path) -> None:
    script = tmp_path / "_summit"
    text = completion_script(build_parser(), "zsh")
    script.write_text(text)
    subprocess.run([_shell("zsh"), "-n", str(script)], check=True)
    for command in COMMANDS:
        assert f"    {command}:'" in text


def test_man_page_names_every_command_and_option() -> None:
    page = man_page(build_parser())
    assert page.startswith(".TH SUMMIT")
    for command in COMMANDS:
        assert command in page
    assert "\\-\\-index\\-dir" in page or "--index-dir" in page


def test_the_cli_prints_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completions", "fish"]) == 0
    assert "complete -c summit" in capsys.readouterr().out
    assert main(["man"]) == 0
    assert capsys.readouterr().out.startswith(".TH")
    assert main(["completions", "tcsh"]) == 2


def test_starting_summit_does_not_import_the_generators() -> None:
    probe = "import sys, tui.cli; tui.cli.build_parser(); print('shtab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
