"""`ssh -t host summit` through a real OpenSSH sshd behaves like a local run.

A private sshd (own host key, own authorized_keys, 127.0.0.1, free port) runs
for this module; the real ssh client runs inside tmux so the explorer gets a
genuine terminal at the client's size, and window changes travel over SSH.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.sshd import (
    HEADLINE,
    READY,
    PrivateSshd,
    build_index,
    client_pid,
    environ,
    explorer_pids,
    isolated_env,
    make_key,
    open_first_result,
    private_index,
    ssh_command,
    summit_path,
    wait_until,
)
from tests.e2e.terminal import Terminal, require_tool

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]


def _require_root() -> None:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the OpenSSH login tests run as root in CI")
        pytest.skip("a private sshd can log in only as its own user: run as root")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("login-home")


@pytest.fixture(scope="module")
def client_key(home: Path) -> Path:
    return make_key(home / "keys", "client")


@pytest.fixture(scope="module")
def sshd(home: Path, client_key: Path) -> Iterator[PrivateSshd]:
    _require_root()
    require_tool("ssh")
    require_tool("tmux")
    with PrivateSshd(home / "sshd", client_key, isolated_env(home)) as server:
        yield server


@pytest.fixture
def index_dir(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy of the shared index: its unique path identifies the remote explorer."""
    return private_index(build_index(tmp_path_factory.getbasetemp()), tmp_path)


def login(sshd: PrivateSshd, key: Path, index_dir: Path, home: Path) -> Terminal:
    remote = [str(summit_path()), "--index-dir", str(index_dir)]
    return Terminal(
        ssh_command(sshd.port, key, *remote),
        width=80,
        height=24,
        env={"HOME": str(home), "COLORTERM": "truecolor"},
    )


def widest_line(screen: str) -> int:
    return max((len(line.rstrip()) for line in screen.splitlines()), default=0)


def test_ssh_t_summit_search_read_resize_quit(
    sshd: PrivateSshd, client_key: Path, index_dir: Path, home: Path
) -> None:
    with login(sshd, client_key, index_dir, home) as term:
        term.wait_for(READY)
        [pid] = explorer_pids(str(index_dir))
        remote_env = environ(pid)
        assert remote_env["TERM"] == "xterm-256color"
        assert remote_env["COLORTERM"] == "truecolor"  # AcceptEnv
        assert widest_line(term.screen()) <= 80
        term.type("joint battalion")
        term.wait_for(HEADLINE)
        open_first_result(term)
        term.resize(120, 40)
        screen = term.wait_for(lambda s: widest_line(s) > 100)
        assert widest_line(screen) <= 120 and len(screen.splitlines()) <= 40
        term.send("C-q")
        term.wait_for("[exit 0]", timeout=15)
        wait_until(
            lambda: not explorer_pids(str(index_dir)), 5, f"the remote explorer {pid} is gone"
        )


def test_killed_client_leaves_no_orphan(
    sshd: PrivateSshd, client_key: Path, index_dir: Path, home: Path
) -> None:
    with login(sshd, client_key, index_dir, home) as term:
        term.wait_for(READY)
        assert len(explorer_pids(str(index_dir))) == 1
        os.kill(client_pid(term.pane_pid()), signal.SIGKILL)
        wait_until(
            lambda: not explorer_pids(str(index_dir)),
            5,
            "the remote explorer is gone after the client was killed",
        )
