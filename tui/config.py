"""The user's config file: `config.toml` in the platform's config dir
(`~/.config/summit-explorer/config.toml` on Linux; `SUMMIT_CONFIG` names another).

    articles = "~/news"            # the folder `summit` opens without --articles
    theme = "gruvbox"              # kept when changed from the command palette
    pager = "less"                 # used instead of $PAGER
    editor = "nvim"                # used instead of $VISUAL / $EDITOR

    [keymap]                       # command id = key(s), as the help screen lists them
    quit = "ctrl+c"
    pane-timeline = "t,3"

A file that cannot be read or parsed never stops the tool: each problem is one line
naming the file and the line, and the defaults are used for what it could not give.
Kept free of Textual: the CLI reads it before deciding to open the app.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "summit-explorer"
CONFIG_ENV = "SUMMIT_CONFIG"
_STRING_SETTINGS = ("theme", "pager", "editor")
_KNOWN = frozenset({"articles", "keymap", *_STRING_SETTINGS})
_LINE_NUMBER = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True, slots=True)
class Config:
    articles: tuple[Path, ...] = ()
    theme: str | None = None
    pager: str | None = None
    editor: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    """Command id → Textual key string(s)."""
    path: Path | None = None
    problems: tuple[str, ...] = ()
    """One line each: what was wrong and where; the defaults were used instead."""


def config_path() -> Path:
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_config(path: Path | None = None, *, command_ids: Collection[str] = ()) -> Config:
    """The config at `path` (default: `config_path()`); a missing file is no problem.

    `command_ids`, when given, are the ids a keymap may name (the UI passes them, so
    that this module needs no Textual)."""
    path = path if path is not None else config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Config(path=path, problems=(f"{path}: cannot read it ({reason}); using defaults",))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _LINE_NUMBER.search(str(exc))
        where = f"{path} line {line.group(1)}" if line else str(path)
        message = _LINE_NUMBER.sub("", str(exc)).strip()
        return Config(path=path, problems=(f"{where}: {message}; using defaults",))
    return _validated(data, text, path, command_ids)


def _validated(
    data: dict[str, object], text: str, path: Path, command_ids: Collection[str]
) -> Config:
    problems: list[str] = []

    def problem(key: str, message: str) -> None:
        problems.append(f"{path} line {_line_of(text, key)}: {message}")

    for key in data:
        if key not in _KNOWN:
            problem(key, f"unknown setting {key!r} (ignored)")
    strings: dict[str, str | None] = {}
    for key in _STRING_SETTINGS:
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and value.strip()):
            problem(key, f"{key} must be a non-empty string (ignored)")
            value = None
        strings[key] = value if isinstance(value, str) else None
    return Config(
        articles=_articles(data.get("articles"), lambda m: problem("articles", m)),
        theme=strings["theme"],
        pager=strings["pager"],
        editor=strings["editor"],
        keymap=_keymap(data.get("keymap"), command_ids, problem),
        path=path,
        problems=tuple(problems),
    )


def _articles(value: object, problem: Callable[[str], None]) -> tuple[Path, ...]:
    if value is None:
        return ()
    folders = [value] if isinstance(value, str) else value
    if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
        problem("articles must be a folder or a list of folders (ignored)")
        return ()
    return tuple(Path(f).expanduser() for f in folders)


def _keymap(
    value: object, command_ids: Collection[str], problem: Callable[[str, str], None]
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem("keymap", "[keymap] must be a table of command = key (ignored)")
        return {}
    keymap: dict[str, str] = {}
    for command, keys in value.items():
        if command_ids and command not in command_ids:
            problem(command, f"keymap: no command {command!r} (see the help screen; ignored)")
        elif not isinstance(keys, str) or not keys.strip():
            problem(command, f"keymap: {command} needs a key such as \"ctrl+t\" (ignored)")
        else:
            keymap[command] = keys.replace(" ", "")
    return keymap


def _line_of(text: str, key: str) -> int:
    """The 1-based line where `key` is set (the first one), or 1 when not found."""
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    match = pattern.search(text) or re.compile(rf"^[ \t]*\[{re.escape(key)}\]", re.M).search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def save_setting(path: Path, key: str, value: str) -> None:
    """Set a top-level string setting, changing only its line (comments and order stay).

    Written to a temporary file and renamed, so a crash never leaves half a config."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    line = f"{key} = {_toml_string(value)}"
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    table = re.search(r"^[ \t]*\[", text, re.MULTILINE)
    top, rest = (text[: table.start()], text[table.start() :]) if table else (text, "")
    if pattern.search(top):
        top = pattern.sub(lambda _: line, top, count=1)
    else:
        top += ("\n" if top and not top.endswith("\n") else "") + line + "\n"
    if rest and not top.endswith("\n\n"):
        top += "\n"
    new_text = top + rest
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(new_text, encoding="utf-8")
    os.replace(temporary, path)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
