"""The time-expression record and the match groups it is built from."""

from __future__ import annotations

from typing import Any

RawExpr = dict[str, Any]
"""One JSON-safe expression: start, end, text, kind plus kind-specific fields."""


class Groups(dict[str, "str | None"]):
    """Named groups of a core match merged with its prefix's."""

    def group(self, name: str) -> str:
        """The group's text, "" when it did not take part (so truth tests read naturally)."""
        return self.get(name) or ""
