"""Memory per `summit serve` session: how many explorers fit on a small box.

Starts `summit serve` on 127.0.0.1 (free port, throwaway keys, HOME and index
in a temp dir), opens N = 1, 3, 5 sessions with the real OpenSSH client on a
pty of its own (`ssh -tt`), waits until every explorer is up and its memory has
settled, then reads VmRSS and Pss of each session process from /proc (psutil is
not needed). Each session then runs a search and is measured again.

    .venv/bin/python bench/ssh_sessions.py [--counts 1 3 5] [--summit PATH]

Prints a table and writes bench/ssh_sessions.json.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import re
import selectors
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = b"joint battalion"


@dataclass
class Sample:
    """Memory of one session process, in KiB."""

    pid: int
    rss_kib: int
    pss_kib: int


@dataclass
class Row:
    sessions: int
    phase: str
    rss_mib_mean: float
    rss_mib_max: float
    pss_mib_mean: float
    server_rss_mib: float
    total_rss_mib: float
    samples: list[Sample]


# -- /proc -------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    """VmRSS: resident memory including pages shared with other processes."""
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(match.group(1)) if match else 0


def pss_kib(pid: int) -> int:
    """Pss: shared pages divided among their sharers, the fairer per-session cost."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def sample(pid: int) -> Sample:
    return Sample(pid, rss_kib(pid), pss_kib(pid))


def wait_settled(pids: list[int], timeout: float = 60.0) -> None:
    """Until no session's RSS moved more than 1% over a second (the explorer is idle)."""
    deadline = time.monotonic() + timeout
    previous = [rss_kib(pid) for pid in pids]
    time.sleep(2.0)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        current = [rss_kib(pid) for pid in pids]
        if all(abs(a - b) <= 0.01 * max(a, 1) for a, b in zip(previous, current, strict=True)):
            return
        previous = current
    print("warning: memory did not settle before the timeout", file=sys.stderr)


# -- sessions over ssh -------------------------------------------------------------


class OutputDrain:
    """Reads every client pty in one thread so no explorer ever blocks on output."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def add(self, fd: int) -> None:
        with self._lock:
            self._selector.register(fd, selectors.EVENT_READ)

    def remove(self, fd: int) -> None:
        with self._lock, contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(fd)

    def _run(self) -> None:
        while not self._stop:
            with self._lock:
                ready = self._selector.select(timeout=0) if self._selector.get_map() else []
            for key, _ in ready:
                with contextlib.suppress(OSError):
                    os.read(key.fd, 65536)
            time.sleep(0.02)

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)


class Client:
    """One `ssh -tt` on an 80x24 pty, like a person's terminal."""

    def __init__(self, command: list[str], drain: OutputDrain) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True)
        os.close(slave)
        self._drain = drain
        drain.add(self.master)

    def type(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        self._drain.remove(self.master)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.master)


# -- the server --------------------------------------------------------------------


class Server:
    """`summit serve --port 0` with its own keys and HOME under `root`."""

    def __init__(self, summit: list[str], root: Path, max_sessions: int) -> None:
        self.root = root
        self.key = root / "client_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)],
                       check=True)
        authorized = root / "authorized_keys"
        shutil.copy(f"{self.key}.pub", authorized)
        env = dict(os.environ, HOME=str(root), XDG_DATA_HOME=str(root / "data"),
                   XDG_CACHE_HOME=str(root / "cache"), XDG_CONFIG_HOME=str(root / "config"),
                   XDG_STATE_HOME=str(root / "state"))
        self.out = root / "serve.out"
        self.err = root / "serve.err"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [*summit, "--index-dir", str(root / "index"), "serve", "--port", "0",
                 "--authorized-keys", str(authorized), "--max-sessions", str(max_sessions)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        self.port = self._port()

    def _port(self) -> int:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            match = re.search(r"ssh -p (\d+) ", self.out.read_text())
            if match:
                return int(match.group(1))
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"summit serve did not start:\n{self.err.read_text()}")

    def ssh(self) -> list[str]:
        return ["ssh", "-F", "/dev/null", "-tt", "-p", str(self.port), "-i", str(self.key),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "bench@127.0.0.1"]

    def session_pids(self) -> list[int]:
        return [int(p) for p in re.findall(r"session-start .*?pid=(\d+)", self.err.read_text())]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# -- measuring ---------------------------------------------------------------------


def measure(server: Server, clients: list[Client], pids: list[int], phase: str) -> Row:
    wait_settled(pids)
    samples = [sample(pid) for pid in pids]
    rss = [s.rss_kib / 1024 for s in samples]
    server_rss = rss_kib(server.proc.pid) / 1024
    return Row(
        sessions=len(clients), phase=phase,
        rss_mib_mean=round(statistics.mean(rss), 1), rss_mib_max=round(max(rss), 1),
        pss_mib_mean=round(statistics.mean(s.pss_kib / 1024 for s in samples), 1),
        server_rss_mib=round(server_rss, 1),
        total_rss_mib=round(sum(rss) + server_rss, 1), samples=samples,
    )


def run_count(server: Server, drain: OutputDrain, count: int) -> list[Row]:
    before = len(server.session_pids())
    clients = [Client(server.ssh(), drain) for _ in range(count)]
    try:
        deadline = time.monotonic() + 60
        while len(server.session_pids()) < before + count and time.monotonic() < deadline:
            time.sleep(0.1)
        pids = server.session_pids()[before:]
        if len(pids) < count:
            raise SystemExit(f"only {len(pids)} of {count} sessions started")
        rows = [measure(server, clients, pids, "idle")]
        for client in clients:
            client.type(QUERY)
        rows.append(measure(server, clients, pids, "after search"))
        return rows
    finally:
        for client in clients:
            client.close()
        time.sleep(0.5)


def print_table(rows: list[Row]) -> None:
    print(f"{'sessions':>8}  {'phase':<13}{'RSS/session':>12}{'max':>8}{'PSS/session':>13}"
          f"{'server':>9}{'total':>9}   (MiB)")
    for row in rows:
        print(f"{row.sessions:>8}  {row.phase:<13}{row.rss_mib_mean:>12}{row.rss_mib_max:>8}"
              f"{row.pss_mib_mean:>13}{row.server_rss_mib:>9}{row.total_rss_mib:>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 3, 5])
    default_summit = shutil.which("summit", path=str(Path(sys.executable).parent)) or "summit"
    parser.add_argument("--summit", default=default_summit,
                        help="the summit command (default: the one next to this Python)")
    parser.add_argument("--output", type=Path, default=HERE / "ssh_sessions.json")
    args = parser.parse_args()
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is required (apt-get install openssh-client)")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp:
        server = Server(shlex.split(args.summit), Path(tmp), max(args.counts))
        drain = OutputDrain()
        try:
            for count in args.counts:
                rows += run_count(server, drain, count)
        finally:
            drain.close()
            server.close()
    print_table(rows)
    report = {
        "benchmark": "memory per summit serve session (explorer process)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "system": platform.platform()},
        "terminal": "80x24, ssh -tt",
        "rows": [asdict(row) for row in rows],
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
