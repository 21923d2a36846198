"""What a session may do besides showing the explorer, decided once, in one place.

A local run (`summit` in your own terminal) may do what you could do yourself: open
the article in your pager, save files, open links. A session of `summit serve` runs
as the *server's* user on behalf of someone who only holds a key, so it may do none
of that: no program is started for it (pager, editor, browser, clipboard helper,
shell — whatever PAGER/EDITOR/BROWSER say), and nothing is written outside the
server's own state (that user's history, the index).

The app receives a `SessionPolicy` when it is built. Commands that need a
capability say so (tui.app.commands, `needs`); the app routes them through its gate,
which asks the policy, and the footer, help and palette leave out what the policy
denies. The policy denies by default: a served session allows only what
`SERVED_ALLOWS` lists, so a capability added later is refused until someone decides
otherwise. Behind that, a served explorer process installs an interpreter audit hook
(`install_guard`) that refuses to start programs or write files outside the allowed
folders, whatever code path asks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Capability = Literal["run_external", "write_file", "open_url", "suspend_terminal"]
"""run_external: start another program; write_file: write a file outside the session's
state; open_url: hand a URL to a browser; suspend_terminal: give the terminal to
another program."""

SERVED_ALLOWS: frozenset[Capability] = frozenset()
"""What a served session may do beyond the explorer itself: nothing."""

SESSION_VARIABLE = "SUMMIT_SESSION"
STATE_VARIABLE = "SUMMIT_STATE_DIR"
WRITABLE_VARIABLE = "SUMMIT_WRITABLE_DIRS"
"""Set by `summit serve` in the environment of each session it starts (a client cannot
set them: the server passes only a few validated variables through)."""

DEVICES = frozenset({"/dev/null", "/dev/tty"})
"""Writable without being files: discarding output, and the session's own terminal."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_SPAWN_EVENTS = frozenset(
    {"subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "os.fork",
     "os.forkpty", "os.startfile", "webbrowser.open", "pty.spawn"}
)
_PATH_EVENTS = frozenset(
    {"os.remove", "os.rmdir", "os.mkdir", "os.rename", "os.symlink", "os.link", "os.truncate",
     "os.chmod", "os.chown", "shutil.rmtree", "shutil.move", "shutil.copyfile"}
)


@dataclass(frozen=True)
class SessionPolicy:
    """Local (everything a user could do themselves) or served (the explorer only)."""

    served: bool
    state_dir: Path
    """Where this session keeps its own state (query history)."""
    writable: tuple[Path, ...] = field(default=())
    """Folders a served session may write under (its state dir, the index)."""

    @classmethod
    def local(cls, state_dir: Path) -> SessionPolicy:
        return cls(served=False, state_dir=state_dir)

    @classmethod
    def for_served(cls, state_dir: Path, *also_writable: Path) -> SessionPolicy:
        roots = tuple(Path(os.path.abspath(p)) for p in (state_dir, *also_writable))
        return cls(served=True, state_dir=roots[0], writable=roots)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], default_state_dir: Path) -> SessionPolicy:
        """What `summit serve` asked for in the session's environment; local otherwise."""
        if environ.get(SESSION_VARIABLE) != "served":
            return cls.local(default_state_dir)
        state = environ.get(STATE_VARIABLE) or str(default_state_dir)
        others = [Path(p) for p in environ.get(WRITABLE_VARIABLE, "").split(os.pathsep) if p]
        return cls.for_served(Path(state), *others)  # (served, even if half configured)

    def environment(self) -> dict[str, str]:
        """The variables that hand this policy to a session's process."""
        if not self.served:
            return {}
        return {
            SESSION_VARIABLE: "served",
            STATE_VARIABLE: str(self.state_dir),
            WRITABLE_VARIABLE: os.pathsep.join(str(p) for p in self.writable[1:]),
        }

    # -- decisions ---------------------------------------------------------------------

    def allows(self, capability: Capability) -> bool:
        return not self.served or capability in SERVED_ALLOWS

    def offers(self, needs: frozenset[Capability]) -> bool:
        """Whether a command needing these capabilities is offered at all."""
        return all(self.allows(c) for c in needs)

    def may_write(self, path: str | os.PathLike[str]) -> bool:
        if not self.served:
            return True
        target = os.path.abspath(os.fspath(path))
        if target in DEVICES:
            return True
        return any(target == str(root) or target.startswith(str(root) + os.sep)
                   for root in self.writable)

    def refusal(self, what: str) -> str:
        """The one-line notice when a denied command's key is pressed."""
        return f"{what}: not available over summit serve (it would start a program on the server)"

    # -- the last line of defence --------------------------------------------------------

    def install_guard(self) -> None:
        """In a served session: refuse, interpreter-wide, to start programs or write
        files outside the allowed folders. Our own spawned workers (this interpreter,
        running engine code) are the one exception. Irrevocable, as audit hooks are."""
        if not self.served:
            return
        sys.dont_write_bytecode = True
        sys.addaudithook(_AuditGuard(self))


class _AuditGuard:
    """A sys.addaudithook callable that enforces a served policy."""

    def __init__(self, policy: SessionPolicy) -> None:
        self._policy = policy
        self._python = os.path.realpath(sys.executable)

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if event in _SPAWN_EVENTS:
            if event == "subprocess.Popen" and self._is_own_interpreter(args[0], args[1]):
                return
            raise PermissionError(f"summit serve: starting programs is not allowed ({event})")
        if event == "open":
            path, mode, flags = args
            if _writes(mode, flags) and isinstance(path, str | bytes | os.PathLike):
                self._check(path)
        elif event in _PATH_EVENTS:
            for path in args[:2] if event in {"os.rename", "os.symlink", "os.link",
                                              "shutil.move", "shutil.copyfile"} else args[:1]:
                if isinstance(path, str | bytes | os.PathLike):
                    self._check(path)

    def _check(self, path: Any) -> None:
        text = os.fsdecode(path)
        if not self._policy.may_write(text):
            raise PermissionError(f"summit serve: writing {text!r} is not allowed")

    def _is_own_interpreter(self, executable: Any, argv: Any) -> bool:
        program = executable if executable is not None else (argv[0] if argv else None)
        if program is None:
            return False
        return os.path.realpath(os.fsdecode(program)) == self._python


def _writes(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
