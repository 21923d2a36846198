"""`summit serve` end to end: the real OpenSSH client, in tmux, against the real server.

One server is shared by the journeys that do not change it; the tests about
limits, host keys and stopping start their own. Every process is ended by its
fixture or context manager, even when an assertion fails.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import stat
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.e2e.sshd import (
    HEADLINE,
    READY,
    SummitServer,
    alive,
    client_pid,
    environ,
    isolated_env,
    make_key,
    open_first_result,
    reaped,
    summit_path,
    wait_until,
)
from tests.e2e.terminal import Terminal
from tui.serve.ptysession import PtyProcess

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, Path]:
    """A key the server knows, one it does not, and the authorized_keys file."""
    key_dir = home / "keys"
    known = make_key(key_dir, "reader")
    stranger = make_key(key_dir, "stranger")
    authorized = key_dir / "authorized_keys"
    authorized.write_text(Path(f"{known}.pub").read_text())
    return {"known": known, "stranger": stranger, "authorized": authorized}


@pytest.fixture(scope="module")
def server(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> Iterator[SummitServer]:
    with SummitServer(
        home / "shared-server", keys["authorized"], env, "--max-sessions", "8", index_dir=index_dir
    ) as running:
        yield running


def open_session(
    server: SummitServer,
    key: Path,
    env: dict[str, str],
    width: int = 80,
    height: int = 24,
    **client_env: str,
) -> Terminal:
    return Terminal(
        server.ssh(key),
        width=width,
        height=height,
        env={"HOME": env["HOME"], "COLORTERM": "truecolor", **client_env},
    )


def new_session_pid(server: SummitServer, before: int) -> int:
    return server.wait_for_sessions(before + 1)[before]


def pty_size(pid: int) -> tuple[int, int]:
    """(columns, rows) of the pty the explorer has as stdin: what it was told."""
    fd = os.open(os.readlink(f"/proc/{pid}/fd/0"), os.O_RDONLY | os.O_NOCTTY)
    try:
        rows, cols, _x, _y = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    finally:
        os.close(fd)
    return cols, rows


def widest_line(screen: str) -> int:
    return max((len(line.rstrip()) for line in screen.splitlines()), default=0)


# -- journeys on the shared server -----------------------------------------------


def test_search_open_and_quit(
    server: SummitServer, keys: dict[str, Path], env: dict[str, str]
) -> None:
    before = len(server.session_pids())
    with open_session(server, keys["known"], env) as term:
        term.wait_for(READY)
        pid = new_session_pid(server, before)
        term.type("joint battalion")
        term.wait_for(HEADLINE)
        open_first_result(term)
        term.send("C-q")
        term.wait_for("[exit 0]", timeout=15)
        wait_until(lambda: reaped(pid), 5, f"explorer {pid} is reaped")
    log = server.log()
    assert f"pid={pid}" in log
    assert "login peer=127.0.0.1" in log and "key=SHA256:" in log


def test_resize_reflows(server: SummitServer, keys: dict[str, Path], env: dict[str, str]) -> None:
    before = len(server.session_pids())
    with open_session(server, keys["known"], env) as term:
        term.wait_for(READY)
        pid = new_session_pid(server, before)
        assert pty_size(pid) == (80, 24)
        assert widest_line(term.screen()) <= 80
        term.resize(120, 40)
        wait_until(lambda: pty_size(pid) == (120, 40), 5, "the pty is 120x40")
        screen = term.wait_for(lambda s: widest_line(s) > 100)
        assert widest_line(screen) <= 120
        assert len(screen.splitlines()) <= 40


def test_client_terminal_settings_reach_the_explorer(
    server: SummitServer, keys: dict[str, Path], env: dict[str, str]
) -> None:
    before = len(server.session_pids())
    with open_session(server, keys["known"], env, NO_COLOR="1", TERM="screen-256color") as term:
        term.wait_for(READY)
        explorer_env = environ(new_session_pid(server, before))
    assert explorer_env["TERM"] == "screen-256color"
    assert explorer_env["COLORTERM"] == "truecolor"
    assert explorer_env["NO_COLOR"] == "1"
    assert explorer_env["LANG"] == "C.UTF-8"
    assert not [name for name in explorer_env if name.startswith("SSH_")]


def test_unknown_key_is_refused(server: SummitServer, keys: dict[str, Path]) -> None:
    result = subprocess.run(
        server.ssh(keys["stranger"], tty="-T", options=("-o", "BatchMode=yes")),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "Permission denied" in result.stderr
    wait_until(lambda: "key-refused" in server.log(), 5, "the refusal is logged")


def test_password_is_refused(server: SummitServer, keys: dict[str, Path]) -> None:
    options = (
        "-o",
        "BatchMode=yes",
        "-o",
        "PreferredAuthentications=password,keyboard-interactive",
    )
    result = subprocess.run(
        server.ssh(keys["known"], tty="-T", options=options),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "Permission denied (publickey)" in result.stderr


def test_no_terminal_and_commands_are_refused(server: SummitServer, keys: dict[str, Path]) -> None:
    no_tty = subprocess.run(
        server.ssh(keys["known"], tty="-T"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert no_tty.returncode == 1
    assert "summit serve needs a terminal: use ssh -t" in no_tty.stdout
    command = subprocess.run(
        server.ssh(keys["known"], "cat", "/etc/passwd", tty="-T"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert command.returncode == 1
    assert "root:" not in command.stdout
    assert "runs no commands" in command.stdout


def test_forwarding_and_subsystems_are_refused(server: SummitServer, keys: dict[str, Path]) -> None:
    batch = ("-o", "BatchMode=yes")
    forward = subprocess.run(
        server.ssh(keys["known"], tty="-T", options=(*batch, "-W", f"127.0.0.1:{server.port}")),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert forward.returncode != 0 and "forwarding failed" in forward.stderr
    sftp = subprocess.run(
        server.ssh(keys["known"], "sftp", tty="-T", options=(*batch, "-s")),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert sftp.returncode != 0 and "subsystem request failed" in sftp.stderr


def test_killed_client_ends_its_session(
    server: SummitServer, keys: dict[str, Path], env: dict[str, str]
) -> None:
    before = len(server.session_pids())
    with open_session(server, keys["known"], env) as term:
        term.wait_for(READY)
        pid = new_session_pid(server, before)
        assert alive(pid)
        os.kill(client_pid(term.pane_pid()), signal.SIGKILL)
        wait_until(lambda: reaped(pid), 5, f"explorer {pid} is gone")
    assert server.proc.poll() is None, "the server keeps serving"


def test_five_sessions_at_once(
    server: SummitServer, keys: dict[str, Path], env: dict[str, str]
) -> None:
    before = len(server.session_pids())
    with ExitStack() as stack:
        terms = [stack.enter_context(open_session(server, keys["known"], env)) for _ in range(5)]
        for term in terms:
            term.wait_for(READY, timeout=40)
        pids = server.wait_for_sessions(before + 5)[before:]
        assert len(set(pids)) == 5 and all(alive(pid) for pid in pids)
        terms[2].type("joint battalion")
        terms[2].wait_for(HEADLINE)
    wait_until(lambda: all(reaped(pid) for pid in pids), 10, f"explorers {pids} are gone")


# -- servers of their own --------------------------------------------------------


def test_max_sessions_turns_the_next_client_away(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with ExitStack() as stack:
        server = stack.enter_context(
            SummitServer(
                home / "busy-server",
                keys["authorized"],
                env,
                "--max-sessions",
                "2",
                index_dir=index_dir,
            )
        )
        first, second = (
            stack.enter_context(open_session(server, keys["known"], env)) for _ in range(2)
        )
        first.wait_for(READY)
        second.wait_for(READY)
        third = stack.enter_context(open_session(server, keys["known"], env))
        screen = third.wait_for("[exit 1]")
        assert "summit: the server is busy (2 sessions); try again shortly" in screen
        assert READY in first.screen()


def test_host_key_is_generated_once_and_reused(
    tmp_path: Path, keys: dict[str, Path], index_dir: Path
) -> None:
    env = isolated_env(tmp_path)
    with SummitServer(tmp_path / "one", keys["authorized"], env, index_dir=index_dir) as first:
        fingerprint = first.fingerprint()
    key_file = tmp_path / "data" / "summit-explorer" / "ssh_host_ed25519_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with SummitServer(tmp_path / "two", keys["authorized"], env, index_dir=index_dir) as second:
        assert second.fingerprint() == fingerprint
    assert "ssh -p" in second.output() and "localhost" in second.output()


def test_sigint_stops_the_server_and_its_sessions(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with (
        SummitServer(
            home / "stopping-server", keys["authorized"], env, index_dir=index_dir
        ) as server,
        open_session(server, keys["known"], env) as term,
    ):
        term.wait_for(READY)
        pid = server.wait_for_sessions(1)[0]
        server.proc.send_signal(signal.SIGINT)
        assert server.proc.wait(timeout=15) == 0
        assert reaped(pid)
        screen = term.wait_for("[exit")
        assert "the server is shutting down" in screen


def test_missing_authorized_keys_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(summit_path()), "serve", "--port", "0", "--authorized-keys", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=30,
        env=isolated_env(tmp_path),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "authorized keys" in lines[0] and "nope" in lines[0]


def tmux_flags(term: Terminal) -> dict[str, str]:
    """What tmux believes about the pane's terminal modes (after the client exited)."""
    names = ("alternate_on", "cursor_flag", "mouse_any_flag", "mouse_sgr_flag")
    shown = subprocess.run(
        [
            "tmux",
            "-L",
            term.socket,
            "display-message",
            "-p",
            "-t",
            term.name,
            " ".join(f"#{{{name}}}" for name in names),
        ],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout.split()
    return dict(zip(names, shown, strict=True))


def test_crashed_explorer_leaves_a_clean_terminal(
    server: SummitServer, keys: dict[str, Path], env: dict[str, str]
) -> None:
    before = len(server.session_pids())
    with open_session(server, keys["known"], env) as term:
        term.wait_for(READY)
        pid = new_session_pid(server, before)
        assert tmux_flags(term)["alternate_on"] == "1"
        os.kill(pid, signal.SIGKILL)
        term.wait_for("[exit 137]")
        assert tmux_flags(term) == {
            "alternate_on": "0",
            "cursor_flag": "1",
            "mouse_any_flag": "0",
            "mouse_sgr_flag": "0",
        }
    with open_session(server, keys["known"], env) as term:
        term.wait_for(READY)  # the server serves on after a session crashed


def test_idle_session_is_closed_with_a_message(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with (
        SummitServer(
            home / "idle-server",
            keys["authorized"],
            env,
            "--idle-timeout",
            "3",
            index_dir=index_dir,
        ) as server,
        open_session(server, keys["known"], env) as term,
    ):
        term.wait_for(READY)
        pid = server.wait_for_sessions(1)[0]
        screen = term.wait_for("[exit", timeout=20)
        assert "session closed after 3 seconds without input" in screen
        assert reaped(pid)
        assert "idle-timeout" in server.log()


# -- the pty layer on its own: what the SSH journeys rely on ---------------------

PTY_CHILD = r"""
import fcntl, os, signal, struct, sys, termios
def size():
    rows, cols, _x, _y = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
    return f"{cols}x{rows}"
signal.signal(signal.SIGWINCH, lambda *_: print("WINCH", size(), flush=True))
leader = os.getsid(0) == os.getpid()
foreground = os.tcgetpgrp(0) == os.getpid()
print("LEADER", leader, "FOREGROUND", foreground, size(), flush=True)
for line in sys.stdin:
    print("GOT", line.strip(), flush=True)
"""


class Collected:
    """Output of a PtyProcess, awaitable by content."""

    def __init__(self) -> None:
        self.data = b""
        self.exited = False

    def add(self, chunk: bytes) -> None:
        self.data += chunk

    async def wait_for(self, text: str, timeout: float = 10.0) -> None:
        async def poll() -> None:
            while text.encode() not in self.data:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(poll(), timeout)


async def test_pty_child_owns_its_terminal_and_sees_window_changes() -> None:
    out = Collected()
    proc = PtyProcess(
        [sys.executable, "-c", PTY_CHILD],
        env=dict(os.environ),
        columns=100,
        rows=30,
        on_output=out.add,
        on_exit=lambda: None,
    )
    try:
        await out.wait_for("LEADER True FOREGROUND True 100x30")
        proc.resize(120, 40)
        await out.wait_for("WINCH 120x40")
        proc.write(b"hello\r")
        await out.wait_for("GOT hello")
    finally:
        code = await proc.terminate(grace=2)
    assert code == -signal.SIGHUP
    assert proc.master == -1


async def test_pty_output_pauses_without_buffering() -> None:
    out = Collected()
    loud = "import sys; sys.stdout.write('x' * 2_000_000); sys.stdout.flush()"
    proc = PtyProcess(
        [sys.executable, "-c", loud],
        env=dict(os.environ),
        columns=80,
        rows=24,
        on_output=out.add,
        on_exit=lambda: None,
    )
    proc.pause_output()
    try:
        await asyncio.sleep(1.0)
        assert proc.running, "the child blocks on a full pty instead of us buffering"
        assert len(out.data) < 200_000
        proc.resume_output()
        assert await asyncio.wait_for(proc.wait(), 20) == 0
        assert out.data.count(b"x") == 2_000_000
    finally:
        await proc.terminate(grace=1)
