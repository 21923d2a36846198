"""What a command is: one class per command (hike's `commands/` is the model), whose one
instance gives the key binding, the footer, the help screen and the palette their entry.

A command has a stable `id` (also the `Binding.id`, so the config's keymap can rebind it,
e.g. `app.set_keymap({"summit.next-match": "ctrl+n"})`), its default key(s), a
description, the `Action` it runs, the scope that owns the binding and whether the footer
shows it; its class docstring is the help text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding

from tui.serve.policy import Capability

Scope = Literal["app", "screen", "query", "results", "reader", "timeline", "timeline-pane"]

SCOPE_TITLES: dict[Scope, str] = {
    "app": "Everywhere (also in the query box)",
    "screen": "Anywhere but the query box",
    "query": "Query box",
    "results": "Results list",
    "reader": "Reader",
    "timeline": "Timeline",
    "timeline-pane": "Timeline",
}

PANES = Binding.Group("Panes", compact=True)
MOVE = Binding.Group("Move", compact=True)
ARTICLE = Binding.Group("Article", compact=True)
MATCH = Binding.Group("Match", compact=True)

Target = Literal["app", "screen", "widget"]
"""Who runs a command's action: the app, the main screen, or the widget of its scope."""


@dataclass(frozen=True, slots=True)
class Action:
    """What a command runs: the action `name` of its target, with `args`."""

    name: str
    target: Target = "widget"
    args: tuple[str | int, ...] = ()

    @property
    def call(self) -> str:
        """The action as Textual runs it on the target, e.g. `show_pane('search')`."""
        if not self.args:
            return self.name
        return f"{self.name}({', '.join(repr(arg) for arg in self.args)})"

    @property
    def binding(self) -> str:
        """The action as a binding of the scope's widget names it (`screen.…`, `app.…`)."""
        return self.call if self.target == "widget" else f"{self.target}.{self.call}"


class Command:
    """One command of the explorer. Subclasses set the attributes below; the one list of
    instances (tui.app.commands.COMMANDS) drives bindings, footer, help and palette."""

    id: str = ""
    key: str = ""
    """Textual key name(s), comma separated."""
    description: str = ""
    action: Action = Action("")
    scope: Scope = "app"
    show: bool = False
    """Shown in the footer."""
    key_display: str | None = None
    priority: bool = False
    palette: bool = True
    """Offered in the command palette."""
    group: Binding.Group | None = None
    needs: frozenset[Capability] = frozenset()
    """What the session policy must allow (tui.serve.policy); such a command's key goes
    through the app's gate, and the help, palette and footer offer it only if allowed."""

    @property
    def help(self) -> str:
        """The help screen's text: the class docstring, on one line."""
        return " ".join((type(self).__doc__ or self.description).split())

    @property
    def binding_id(self) -> str:
        return f"summit.{self.id}"

    @property
    def keys_display(self) -> str:
        return self.key_display or ", ".join(_pretty_key(k) for k in self.key.split(","))

    def rebound(self, keys: str) -> Command:
        """This command on the keys the config's keymap gives it."""
        moved = copy.copy(self)
        moved.key, moved.key_display = keys, None
        return moved

    def binding(self) -> Binding:
        return Binding(
            self.key,
            f"app.gated('{self.id}')" if self.needs else self.action.binding,
            self.description,
            show=self.show and not self.needs,  # the footer cannot ask the policy
            key_display=self.key_display,
            priority=self.priority,
            id=self.binding_id,
            group=self.group,
        )


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "enter": "Enter",
    "escape": "Esc",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "up": "Up",
    "down": "Down",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


def _pretty_key(key: str) -> str:
    key = key.strip()
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return key
