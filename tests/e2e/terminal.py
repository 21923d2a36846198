"""Drive a program in a real terminal: tmux with send-keys and capture-pane.

Used by the end-to-end journeys (local terminal and over ssh). Each session
runs on its own tmux server socket so tests never see each other's panes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest


def require_tool(name: str) -> str:
    """The tool's path; in CI a missing tool is a failure, elsewhere a skip."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path


class Terminal:
    """One tmux session of a given size running one command."""

    def __init__(
        self,
        command: list[str],
        *,
        width: int = 80,
        height: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.tmux = require_tool("tmux")
        self.socket = f"summit-test-{uuid.uuid4().hex[:10]}"
        self.name = "t"
        self.width = width
        self.height = height
        merged = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        merged.update(env or {})
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in merged.items())
        shell_command = f"env {exports} {shlex.join(command)}; echo '[exit '$?']'; sleep 600"
        self._tmux(
            "new-session",
            "-d",
            "-x",
            str(width),
            "-y",
            str(height),
            "-s",
            self.name,
            *(["-c", str(cwd)] if cwd else []),
            shell_command,
        )
        self._tmux("set-option", "-t", self.name, "status", "off")

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode != 0 and args[0] not in {"kill-server"}:
            raise RuntimeError(f"tmux {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        """send-keys: names like 'Enter', 'Escape', 'C-q', or text with literal=True."""
        self._tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def send_bytes(self, data: bytes) -> None:
        """Raw bytes, as a terminal would send them (even ones that are not UTF-8)."""
        self._tmux("send-keys", "-t", self.name, "-H", *(f"{b:02x}" for b in data))

    def type(self, text: str) -> None:
        self.send(text, literal=True)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, predicate: Callable[[str], bool] | str, timeout: float = 20.0) -> str:
        """Poll the screen until predicate(screen) holds (or the text appears)."""
        check = (lambda s: predicate in s) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {predicate!r}; screen was:\n{screen}")

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def pane_pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def close(self) -> None:
        self._tmux("kill-server")

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
