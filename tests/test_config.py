"""The config file: read, validated line by line, never fatal; the theme is saved in place."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tui.config import load_config, save_setting

IDS = {"quit", "pane-timeline", "focus-query"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert (config.articles, config.theme, config.keymap, config.problems) == ((), None, {}, ())


def test_every_setting_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'articles = ["~/news", "/srv/wire"]\ntheme = "gruvbox"\npager = "less -S"\n'
        'editor = "nvim"\n\n[keymap]\nquit = "ctrl+c"\npane-timeline = "t, 3"\n',
    )
    config = load_config(path, command_ids=IDS)
    assert config.articles == (Path("~/news").expanduser(), Path("/srv/wire"))
    assert (config.theme, config.pager, config.editor) == ("gruvbox", "less -S", "nvim")
    assert config.keymap == {"quit": "ctrl+c", "pane-timeline": "t,3"}
    assert config.problems == ()


def test_a_syntax_error_names_the_line_and_gives_the_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, 'theme = "nord"\n\npager = less\n')
    config = load_config(path)
    assert config.theme is None
    assert len(config.problems) == 1
    assert config.problems[0].startswith(f"{path} line 3: ")
    assert config.problems[0].endswith("; using defaults")


def test_wrong_values_name_their_line_and_the_rest_is_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'theme = "nord"\n\ncolour = "red"\neditor = 3\n[keymap]\nquit = "ctrl+c"\n'
        'launch-rockets = "r"\nfocus-query = ""\n',
    )
    config = load_config(path, command_ids=IDS)
    assert config.theme == "nord" and config.keymap == {"quit": "ctrl+c"}
    assert [p.split(": ", 1)[0] for p in config.problems] == [
        f"{path} line 3",
        f"{path} line 4",
        f"{path} line 7",
        f"{path} line 8",
    ]
    assert "unknown setting 'colour'" in config.problems[0]
    assert "no command 'launch-rockets'" in config.problems[2]


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()  # a folder where the file should be: unreadable even as root
    config = load_config(path)
    assert config.problems and "cannot read it" in config.problems[0]


def test_saving_the_theme_changes_only_its_line(tmp_path: Path) -> None:
    original = (
        '# my settings\ntheme = "nord"  # dark\npager = "less"\n\n[keymap]\nquit = "ctrl+c"\n'
    )
    path = _write(tmp_path, original)
    save_setting(path, "theme", "solarized-light")
    text = path.read_text()
    assert text == original.replace('theme = "nord"  # dark', 'theme = "solarized-light"')
    save_setting(path, "editor", 'vi "x"')
    data = tomllib.loads(path.read_text())
    assert data["editor"] == 'vi "x"' and data["keymap"] == {"quit": "ctrl+c"}
    fresh = tmp_path / "new" / "config.toml"
    save_setting(fresh, "theme", "nord")
    assert tomllib.loads(fresh.read_text()) == {"theme": "nord"}


def test_the_cli_opens_the_configured_folder_and_warns_about_problems(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "otters.txt").write_text("Otters return\nThe otters came back to the river.\n")
    config = _write(tmp_path, f'articles = "{folder}"\nshade = 1\n')
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "list", "--index-dir", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        env={"SUMMIT_CONFIG": str(config), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert "otters" in done.stdout
    assert done.stderr.splitlines() == [
        f"summit: warning: {config} line 2: unknown setting 'shade' (ignored)"
    ]


@pytest.mark.parametrize("argv", [["list"], ["list", "--articles", "{bundled}"]])
def test_without_a_config_the_bundled_articles_open(tmp_path: Path, argv: list[str]) -> None:
    from tests.conftest import BUNDLED

    argv = [a.format(bundled=BUNDLED) for a in argv]
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv, "--index-dir", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        env={"SUMMIT_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0 and done.stderr == ""
    assert len(done.stdout.splitlines()) == 3
