"""Cancellation as the engine takes it: any object with `is_set()`.

Workers pass their own cancelled event (as toolong's do) into `Engine.open` and the
timeline build; the engine's own closing event stops them too. `either` joins the
two without a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Cancel(Protocol):
    """A threading.Event, or several of them at once."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Either:
    first: Cancel
    second: Cancel

    def is_set(self) -> bool:
        return self.first.is_set() or self.second.is_set()


def either(first: Cancel, second: Cancel | None) -> Cancel:
    """Set when either is set (just `first` when there is no second)."""
    return first if second is None else _Either(first, second)
