"""The one front-matter parser: a leading metadata block that is not article text.

YAML between `---` lines (closed by `---` or `...`, as Jekyll, Hugo and Pandoc write
it), or TOML between `+++` lines (Hugo). Lists of plain values (Hugo's `tags:`) are
read as comma-separated text; nested values are not metadata this tool reads and are
ignored. A block that is not valid YAML but is plainly `key: value` lines (a colon
inside a title) is still read line by line, so hand-written files keep working.
Anything else is left as text.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

MAX_LINES = 200
"""A longer block is not front matter but an article that happens to start with a rule."""

_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_FENCES = {"---": ("---", "..."), "+++": ("+++",)}


def parse_front_matter(text: str) -> tuple[dict[str, str], int]:
    """(fields with lower-cased keys, offset where the body starts); ({}, 0) if none."""
    opening = text[:3]
    if opening not in _FENCES:
        return {}, 0
    first_newline = text.find("\n")
    if first_newline == -1 or text[:first_newline].strip() != opening:
        return {}, 0
    block_start = position = first_newline + 1
    for _ in range(MAX_LINES):
        newline = text.find("\n", position)
        line_end = newline if newline != -1 else len(text)
        if text[position:line_end].strip() in _FENCES[opening]:
            block = text[block_start:position]
            fields = _parse_toml(block) if opening == "+++" else _parse_yaml(block)
            if fields is None:
                return {}, 0
            return fields, (newline + 1 if newline != -1 else len(text))
        if newline == -1:
            break
        position = newline + 1
    return {}, 0


def _parse_yaml(block: str) -> dict[str, str] | None:
    # BaseLoader reads every scalar as the string written: no tags constructed, no
    # YAML 1.1 surprises (`place: NO` stays "NO", a date stays as the file spells it).
    try:
        data = yaml.load(block, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return _parse_key_value_lines(block)
    if data is None:
        return {}
    return _flatten(data) if isinstance(data, dict) else None


def _parse_toml(block: str) -> dict[str, str] | None:
    try:
        return _flatten(tomllib.loads(block))
    except tomllib.TOMLDecodeError:
        return None


def _parse_key_value_lines(block: str) -> dict[str, str] | None:
    fields: dict[str, str] = {}
    for line in block.splitlines():
        match = _KEY_VALUE.match(line)
        if match:
            fields[match.group(1).lower()] = _unquote(match.group(2))
        elif line.strip():
            return None  # prose between two rules, not metadata
    return fields


def _flatten(data: Mapping[Any, object]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in data.items():
        text = _as_text(value)
        if text is not None:
            fields[str(key).lower()] = text
    return fields


def _as_text(value: object) -> str | None:
    """A scalar as written; a list of scalars joined; anything nested: None."""
    if isinstance(value, list):
        items = [_scalar(item) for item in value]
        return None if any(item is None for item in items) else ", ".join(map(str, items))
    return _scalar(value)


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
