"""Helpers for the over-SSH journeys: a private OpenSSH sshd, `summit serve`, processes.

Everything here lives in a test's temporary directory (keys, configs, pid files,
logs, HOME) and on 127.0.0.1, and every process started is ended by its owner's
`close()` even when the test failed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, require_tool

SSHD = "/usr/sbin/sshd"
"""sshd refuses to start unless run by absolute path (it re-executes itself)."""

HEADLINE = "Mali, Burkina Faso and Niger call for joint"
READER_TEXT = "gave no details in his comments"
"""In the reader only: the results list shows the matching passages, not this one."""


# -- the program under test ------------------------------------------------------


READY = "Search articles"
"""Text the explorer shows once it is up and waiting for a query."""


def summit_path() -> Path:
    """The installed `summit` of this interpreter's environment (the real CLI)."""
    found = shutil.which("summit", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("summit is not installed in this environment (pip install -e .)")
    return Path(found)


def isolated_env(home: Path) -> dict[str, str]:
    """HOME and XDG dirs inside the test's tmp dir: no key or cache lands in the real home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSH_", "XDG_"))}
    env.update(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def build_index(base: Path) -> Path:
    """One index for the whole test session, built once (later calls reuse it)."""
    index_dir = base / "shared-index"
    done = base / "shared-index.built"
    if not done.exists():
        from index.engine import Engine

        Engine(index_dir=index_dir).open()
        done.touch()
    return index_dir


def private_index(shared: Path, where: Path) -> Path:
    """A copy of the shared index under a unique path, so pgrep finds only this session."""
    target = where / f"index-{os.urandom(4).hex()}"
    shutil.copytree(shared, target)
    return target


def open_first_result(term: Terminal) -> None:
    """Enter moves from the query to the results, Enter again opens the reader."""
    term.send("Enter")
    term.wait_for("Open")
    term.send("Enter")
    term.wait_for(READER_TEXT)


# -- keys and ports ----------------------------------------------------------------


def make_key(directory: Path, name: str) -> Path:
    """A fresh passphrase-less ed25519 key pair; returns the private key path."""
    keygen = require_tool("ssh-keygen")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    subprocess.run(
        [keygen, "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
        check=True,
        timeout=30,
    )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def ssh_command(
    port: int,
    key: Path,
    *remote: str,
    user: str = "root",
    options: tuple[str, ...] = (),
    tty: str = "-t",
) -> list[str]:
    """The real OpenSSH client, ignoring every user and system config and known_hosts."""
    ssh = require_tool("ssh")
    return [
        ssh,
        "-F",
        "/dev/null",
        *([tty] if tty else []),
        "-p",
        str(port),
        "-i",
        str(key),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "IdentityAgent=none",
        "-o",
        "ConnectTimeout=10",
        "-o",
        "SendEnv=COLORTERM NO_COLOR LANG",
        *options,
        f"{user}@127.0.0.1",
        *remote,
    ]


# -- processes ---------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) from /proc, or None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Running and not a zombie (a zombie has exited; reaping is its parent's job)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in {"Z", "X"}


def reaped(pid: int) -> bool:
    return _stat(pid) is None


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting until {what}")


def children(pid: int) -> list[int]:
    return [p for p in _all_pids() if (_stat(p) or ("", -1))[1] == pid]


def _all_pids() -> Iterator[int]:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            yield int(entry)


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


def explorer_pids(marker: str) -> list[int]:
    """Explorer processes (a Python interpreter) whose arguments mention `marker`.

    The ssh client and the tmux shell carry the same string in their arguments;
    only the explorer itself runs under python.
    """
    found = []
    for pid in _all_pids():
        argv = cmdline(pid)
        is_python = bool(argv) and Path(argv[0]).name.startswith("python")
        if is_python and any(marker in a for a in argv) and alive(pid):
            found.append(pid)
    return found


def client_pid(pane_pid: int) -> int:
    """The ssh client started by a tmux pane's shell."""

    def find() -> int | None:
        for pid in children(pane_pid):
            argv = cmdline(pid)
            if argv and Path(argv[0]).name == "ssh":
                return pid
        return None

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid = find()
        if pid is not None:
            return pid
        time.sleep(0.05)
    raise AssertionError(f"no ssh client under pane pid {pane_pid}")


def end_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a helper process we started, escalating to SIGKILL, and reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# -- a private OpenSSH server ------------------------------------------------------


class PrivateSshd:
    """OpenSSH sshd on 127.0.0.1 with its own host key, config and authorized keys.

    It runs in the foreground (-D) as this user; for root logins that is the
    only way a test can exercise a real `ssh host summit`.
    """

    def __init__(self, root: Path, client_key: Path, env: dict[str, str]) -> None:
        if not Path(SSHD).exists():
            if os.environ.get("CI"):
                pytest.fail(f"{SSHD} is required in CI (.ci/run installs openssh-server)")
            pytest.skip("openssh-server is not installed")
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation dir
        self.host_key = make_key(root, "ssh_host_ed25519_key")
        self.authorized = root / "authorized_keys"
        shutil.copy(f"{client_key}.pub", self.authorized)
        self.log = root / "sshd.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        for _attempt in range(5):
            self.port = free_port()
            config = self._write_config(env)
            self.proc = subprocess.Popen(
                [SSHD, "-D", "-f", str(config), "-E", str(self.log)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_for_port(self.port, timeout=5)
                return
            except AssertionError:
                end_process(self.proc)
        raise AssertionError(f"sshd did not start; its log:\n{self.log.read_text()}")

    def _write_config(self, env: dict[str, str]) -> Path:
        set_env = " ".join(
            f"{name}={env[name]}"
            for name in (
                "PATH",
                "XDG_DATA_HOME",
                "XDG_CONFIG_HOME",
                "XDG_CACHE_HOME",
                "XDG_STATE_HOME",
            )
            if name in env
        )
        config = self.root / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"PidFile {self.root / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.authorized}",
                    "StrictModes no",
                    "UsePAM no",
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "AcceptEnv LANG LC_* COLORTERM NO_COLOR",
                    f"SetEnv {set_env}",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "X11Forwarding no",
                    "AllowTcpForwarding no",
                    "ClientAliveInterval 5",
                    "ClientAliveCountMax 2",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        return config

    def close(self) -> None:
        if self.proc is not None:
            end_process(self.proc)

    def __enter__(self) -> PrivateSshd:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- summit serve ------------------------------------------------------------------


class SummitServer:
    """`summit serve` on a free port (--port 0), its stdout and log captured to files."""

    def __init__(
        self,
        root: Path,
        authorized_keys: Path,
        env: dict[str, str],
        *extra: str,
        index_dir: Path | None = None,
    ) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.out_path = root / f"serve-{os.urandom(3).hex()}.out"
        self.err_path = self.out_path.with_suffix(".err")
        command = [str(summit_path())]
        if index_dir is not None:
            command += ["--index-dir", str(index_dir)]
        command += ["serve", "--port", "0", "--authorized-keys", str(authorized_keys), *extra]
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=root
            )
        try:
            self.port = self._wait_for_port()
        except BaseException:
            self.close()
            raise

    def _wait_for_port(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"ssh -p (\d+) ", self.output())
            if match:
                return int(match.group(1))
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"summit serve did not start:\n{self.output()}\n{self.log()}")

    def output(self) -> str:
        return self.out_path.read_text(errors="replace")

    def log(self) -> str:
        return self.err_path.read_text(errors="replace")

    def fingerprint(self) -> str:
        match = re.search(r"(SHA256:[A-Za-z0-9+/=]+)", self.output())
        assert match, self.output()
        return match.group(1)

    def session_pids(self) -> list[int]:
        """Explorer pids, in start order, from the server's session-start log lines."""
        return [int(m) for m in re.findall(r"session-start .*?pid=(\d+)", self.log())]

    def wait_for_sessions(self, count: int, timeout: float = 15.0) -> list[int]:
        wait_until(
            lambda: len(self.session_pids()) >= count,
            timeout,
            f"{count} session(s) in the log:\n{self.log()}",
        )
        return self.session_pids()

    def ssh(self, key: Path, *remote: str, **kwargs: object) -> list[str]:
        return ssh_command(self.port, key, *remote, user="reader", **kwargs)  # type: ignore[arg-type]

    def close(self, sig: int = signal.SIGTERM) -> None:
        end_process(self.proc, sig)

    def __enter__(self) -> SummitServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
