"""The one list of commands: it drives key bindings, the footer, the help screen and the
palette (tui.app.providers). One class per command, by where it works:
`general` (everywhere), `search` (query box, results), `reader`, `timeline`."""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import BindingType

from tui.app.commands import general, reader, search, timeline
from tui.app.commands.base import SCOPE_TITLES, Action, Command, Scope
from tui.serve.policy import SessionPolicy

__all__ = [
    "COMMANDS",
    "SCOPE_TITLES",
    "Action",
    "Command",
    "Scope",
    "bindings_for",
    "command_by_id",
    "commands_for",
    "offered",
]

COMMANDS: tuple[Command, ...] = (
    *general.COMMANDS,
    *search.COMMANDS,
    *reader.COMMANDS,
    *timeline.COMMANDS,
)


def offered(policy: SessionPolicy, keymap: Mapping[str, str] | None = None) -> list[Command]:
    """The commands this session may run, in list order (help and palette show these),
    with the keys the config's keymap gave them (App.set_keymap rebinds the keys)."""
    keymap = keymap or {}
    return [
        c.rebound(keymap[c.id]) if c.id in keymap else c
        for c in COMMANDS
        if policy.offers(c.needs)
    ]


def commands_for(scope: Scope) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def bindings_for(scope: Scope) -> list[BindingType]:
    return [c.binding() for c in commands_for(scope)]


def command_by_id(command_id: str) -> Command:
    for command in COMMANDS:
        if command.id == command_id:
            return command
    raise KeyError(command_id)
