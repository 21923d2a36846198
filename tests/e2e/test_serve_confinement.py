"""`summit serve` as an attacker sees it: over a real `ssh`, in tmux, a remote user gets
the explorer and nothing else.

Every key of every command pressed in each pane starts no program and writes nothing
outside the server's state; `o` followed by `!touch FILE` creates nothing; what the
client sends as environment is data; idle pre-auth connections, huge windows and
sessions that open nothing cannot lock a key holder out; history is per key; a deleted
authorized_keys revokes. And locally, `o` still opens the pager, with inert text.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import asyncssh
import pytest

from tests.app_fixtures import fixture_corpus
from tests.e2e.sshd import (
    READER_TEXT,
    READY,
    SummitServer,
    cmdline,
    environ,
    isolated_env,
    make_key,
    reaped,
    summit_path,
    wait_until,
)
from tests.e2e.terminal import Terminal, require_tool
from tests.e2e.test_serve import open_session, pty_size
from tui.app.commands import COMMANDS
from tui.serve.environment import MAX_COLUMNS, MAX_ROWS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

TMUX_KEYS = {
    "f1": "F1", "ctrl+q": "C-q", "ctrl+r": "C-r", "ctrl+p": "C-p", "slash": "/",
    "tab": "Tab", "shift+tab": "BTab", "backspace": "BSpace", "question_mark": "?",
    "enter": "Enter", "escape": "Escape", "up": "Up", "down": "Down",
    "left_square_bracket": "[", "right_square_bracket": "]", "pagedown": "NPage",
    "pageup": "PPage", "home": "Home", "end": "End", "right_curly_bracket": "}",
    "left_curly_bracket": "{",
}
QUIT_KEYS = {"ctrl+q", "q"}
PANES = {"search": "1", "reader": "2", "timeline": "3"}


def command_keys() -> list[str]:
    """Every key of every command (and the palette's), in tmux's names, quit keys aside."""
    keys: list[str] = []
    for command in COMMANDS:
        for key in command.key.split(","):
            key = key.strip()
            if key not in QUIT_KEYS and TMUX_KEYS.get(key, key) not in keys:
                keys.append(TMUX_KEYS.get(key, key))
    return [*keys, "C-p"]


# -- watching the server ----------------------------------------------------------


def descendants(root: int) -> dict[int, list[str]]:
    """Every process under `root`, by walking /proc (pid -> argv)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
    found: dict[int, list[str]] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = cmdline(pid)
                frontier.append(pid)
    return found


class ProcessWatch:
    """Polls the server's process tree; records any process that is not Python (the
    explorer and the engine's spawned workers run this interpreter; less, sh, touch,
    an editor or a browser would not)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.strangers: dict[int, list[str]] = {}
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid, argv in descendants(self.server_pid).items():
                self.seen.add(pid)
                if argv and not Path(argv[0]).name.startswith("python"):
                    self.strangers[pid] = argv
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def files_under(*roots: Path) -> dict[Path, tuple[int, int]]:
    snapshot: dict[Path, tuple[int, int]] = {}
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                try:
                    info = path.stat()
                except OSError:
                    continue
                snapshot[path] = (info.st_mtime_ns, info.st_size)
    return snapshot


def changed(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]) -> set[Path]:
    return {p for p, v in after.items() if before.get(p) != v}


# -- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, Path]:
    key_dir = home / "keys"
    alice, bob = make_key(key_dir, "alice"), make_key(key_dir, "bob")
    authorized = key_dir / "authorized_keys"
    authorized.write_text(Path(f"{alice}.pub").read_text() + Path(f"{bob}.pub").read_text())
    authorized.chmod(0o600)
    return {"alice": alice, "bob": bob, "authorized": authorized}


def own_server(home: Path, name: str, keys: dict[str, Path], env: dict[str, str],
               index_dir: Path, *extra: str) -> SummitServer:
    return SummitServer(home / name, keys["authorized"], env, "--state-dir",
                        str(home / name / "state"), *extra, index_dir=index_dir)


# -- no program, no file ------------------------------------------------------------


def test_every_key_in_every_pane_starts_nothing_and_writes_nothing(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    pwned = home / "pwned-by-pager"
    bait = {**env, "PAGER": f"touch {pwned}", "EDITOR": f"touch {pwned}",
            "VISUAL": f"touch {pwned}", "BROWSER": f"touch {pwned}"}
    with own_server(home, "keys-server", keys, bait, index_dir) as server:
        state = home / "keys-server" / "state"
        before = files_under(home, index_dir.parent)
        watch = ProcessWatch(server.proc.pid)
        try:
            with open_session(server, keys["alice"], env, PAGER=f"touch {pwned}") as term:
                term.wait_for(READY)
                term.type("joint battalion")
                open_first_result_for(term, READER_TEXT)
                term.send("o")
                term.wait_for("Pager: not available")
                term.type("!touch " + str(pwned))
                term.send("Enter")
                for pane, number in PANES.items():
                    for key in command_keys():
                        # Escape closes whatever the last key opened (help, palette,
                        # history, the query box); a pause after it, or Escape and the
                        # next key arrive as one Alt+key
                        term.send("Escape")
                        time.sleep(0.3)
                        term.send(number)
                        time.sleep(0.1)
                        term.send(key)
                        time.sleep(0.15)
                    assert term.screen().strip(), f"the explorer still draws after the {pane} pane"
                term.send("C-q")
                term.wait_for("[exit 0]", timeout=20)
        finally:
            watch.stop()
        after = files_under(home, index_dir.parent)
    assert watch.strangers == {}, f"programs started for a remote user: {watch.strangers}"
    assert len(watch.seen) >= 1, "the watch saw the session's explorer"
    assert not pwned.exists()
    outside = {p for p in changed(before, after)
               if state not in p.parents and index_dir not in p.parents
               and p.parent != home / "keys-server"}  # the server's own stdout/stderr
    assert outside == set(), f"written outside the server's state: {outside}"
    assert any(state in p.parents for p in changed(before, after)), "the history was kept"


def test_client_environment_has_no_effect(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    evil = home / "evil"
    setenv = f"SetEnv=LD_PRELOAD={evil}.so PYTHONPATH={evil} PATH={evil} HOME={evil} PAGER=sh"
    with own_server(home, "env-server", keys, env, index_dir) as server:
        command = server.ssh(keys["alice"], options=("-o", setenv))
        with Terminal(command, env={"HOME": env["HOME"], "TERM": "../../../tmp/xterm"}) as term:
            term.wait_for(READY)
            pid = server.wait_for_sessions(1)[0]
            explorer = environ(pid)
            log = server.log()
    assert explorer["TERM"] == "xterm-256color"
    assert "LD_PRELOAD" not in explorer and "PAGER" not in explorer
    assert explorer.get("PYTHONPATH") != str(evil) and explorer["PATH"] != str(evil)
    assert explorer["HOME"].startswith(str(home / "env-server" / "state"))
    assert "ignored_env=HOME,LD_PRELOAD,PAGER,PATH,PYTHONPATH" in log
    assert "term=../../../tmp/xterm" in log  # what the client asked for, logged as data


# -- limits -------------------------------------------------------------------------


def test_fifty_idle_connections_do_not_stop_a_key_holder(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with ExitStack() as stack:
        server = stack.enter_context(
            own_server(home, "flood-server", keys, env, index_dir, "--max-startups", "10"))
        idle = []
        for _ in range(50):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", server.port), 5))
            sock.sendall(b"SSH-2.0-idle\r\n")
            idle.append(sock)
        wait_until(lambda: server.log().count("preauth-dropped") >= 40, 20,
                   "the oldest idle connections are dropped")
        term = stack.enter_context(open_session(server, keys["alice"], env))
        term.wait_for(READY, timeout=40)
        assert len(server.session_pids()) == 1


def test_logged_in_connection_without_a_session_is_closed(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with own_server(home, "grace-server", keys, env, index_dir,
                    "--login-grace-time", "2") as server:
        started = time.monotonic()
        done = subprocess.run(server.ssh(keys["alice"], tty="-T", options=("-N",)),
                              capture_output=True, text=True, timeout=30, check=False)
        assert time.monotonic() - started < 15
        assert done.returncode != 0
        assert "no-session" in server.log()

        async def session_then_idle() -> None:
            async with asyncssh.connect(
                "127.0.0.1", server.port, username="reader", client_keys=[str(keys["alice"])],
                known_hosts=None, agent_path=None,
            ) as conn:
                chan, _ = await conn.create_session(
                    asyncssh.SSHClientSession, term_type="xterm", term_size=(80, 24))
                await asyncio.sleep(1)
                chan.close()
                # the connection stays open with no session: closed after the grace time
                await asyncio.wait_for(conn.wait_closed(), 15)

        asyncio.run(session_then_idle())
        assert server.log().count("no-session") == 2


async def _huge_session(port: int, key: Path, size: int, ready: asyncio.Event,
                        done: asyncio.Event) -> None:
    async with asyncssh.connect("127.0.0.1", port, username="reader", client_keys=[str(key)],
                                known_hosts=None, agent_path=None) as conn:
        chan, _session = await conn.create_session(
            asyncssh.SSHClientSession, term_type="xterm-256color", term_size=(size, size))
        ready.set()
        await done.wait()
        chan.change_terminal_size(size, size)
        await asyncio.sleep(0.5)
        chan.close()


def test_huge_windows_leave_the_server_accepting(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with own_server(home, "huge-server", keys, env, index_dir, "--max-sessions", "2") as server:

        async def two_huge() -> list[int]:
            done = asyncio.Event()
            readies = [asyncio.Event(), asyncio.Event()]
            tasks = [asyncio.create_task(_huge_session(server.port, keys[name], 100_000, r, done))
                     for name, r in zip(("alice", "bob"), readies, strict=True)]
            await asyncio.gather(*(r.wait() for r in readies))
            pids = await asyncio.to_thread(server.wait_for_sessions, 2, 30)
            for pid in pids:
                assert pty_size(pid) == (MAX_COLUMNS, MAX_ROWS)
            await asyncio.sleep(5)  # let them draw at the largest size
            for pid in pids:
                assert rss_mib(pid) < 600, f"explorer {pid} uses {rss_mib(pid)} MiB"
            done.set()
            await asyncio.gather(*tasks)
            return pids

        pids = asyncio.run(asyncio.wait_for(two_huge(), 120))
        wait_until(lambda: all(reaped(pid) for pid in pids), 15, "both sessions ended")
        with open_session(server, keys["alice"], env) as term:
            term.wait_for(READY, timeout=40)
        assert "busy" not in server.log()


def rss_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


# -- keys and per-key state ---------------------------------------------------------


def test_history_is_kept_per_key(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    with own_server(home, "history-server", keys, env, index_dir) as server:
        with open_session(server, keys["alice"], env) as term:
            term.wait_for(READY)
            term.type("ferry disaster")
            term.send("Enter")
            time.sleep(0.5)
            term.send("C-q")
            term.wait_for("[exit 0]")
        with open_session(server, keys["bob"], env) as term:
            term.wait_for(READY)
            term.send("Up")
            time.sleep(1.0)
            assert "ferry disaster" not in term.screen()
            term.send("C-r")
            time.sleep(1.0)
            assert "ferry disaster" not in term.screen()
        with open_session(server, keys["alice"], env) as term:
            term.wait_for(READY)
            term.send("Up")
            term.wait_for("ferry disaster")
    state = home / "history-server" / "state" / "keys"
    histories = sorted(state.glob("*/query-history.json"))
    assert len(histories) == 1 and "ferry disaster" in histories[0].read_text()
    assert stat.S_IMODE(histories[0].parent.stat().st_mode) == 0o700
    operator = Path(env["XDG_DATA_HOME"]) / "summit-explorer" / "query-history.json"
    assert not operator.exists() or "ferry disaster" not in operator.read_text()


def test_marks_are_kept_per_key_in_the_state_folder(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path
) -> None:
    """`m` works over serve (the write lands in the key's own state folder, which the
    guard allows), and one key's marks are not another's."""

    def mark_first_result(term: Terminal) -> None:
        term.wait_for(READY)
        term.type("joint battalion")
        term.send("Enter")
        term.wait_for("Open")
        time.sleep(1)  # results still settling would take the key back to the query box

    with own_server(home, "marks-server", keys, env, index_dir) as server:
        with open_session(server, keys["alice"], env) as term:
            mark_first_result(term)
            term.send("m")
            term.wait_for("★")
            assert "cannot save" not in term.screen().lower()
            term.send("C-q")
            term.wait_for("[exit 0]")
        with open_session(server, keys["bob"], env) as term:
            mark_first_result(term)
            assert "★" not in term.screen()
            term.send("C-q")
            term.wait_for("[exit 0]")
    state = home / "marks-server" / "state" / "keys"
    marks = sorted(state.glob("*/data/summit-explorer/corpora/*/marks.json"))
    assert len(marks) == 1 and '"paragraph"' in marks[0].read_text()
    operator = Path(env["XDG_DATA_HOME"]) / "summit-explorer" / "corpora"
    assert not list(operator.glob("*/marks.json"))


def test_deleting_authorized_keys_refuses_the_next_login(
    home: Path, env: dict[str, str], keys: dict[str, Path], index_dir: Path, tmp_path: Path
) -> None:
    authorized = tmp_path / "authorized_keys"
    authorized.write_text(keys["authorized"].read_text())
    authorized.chmod(0o600)
    with SummitServer(tmp_path / "srv", authorized, env, index_dir=index_dir) as server:

        def login() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                server.ssh(keys["alice"], "true", tty="-T", options=("-o", "BatchMode=yes")),
                capture_output=True, text=True, timeout=30, check=False)

        assert "runs no commands" in login().stderr + login().stdout
        authorized.unlink()
        refused = login()
        assert refused.returncode == 255 and "Permission denied" in refused.stderr
        assert "keys-revoked" in server.log()
        authorized.write_text(keys["authorized"].read_text())
        authorized.chmod(0o600)
        assert "runs no commands" in login().stderr + login().stdout
        assert "request-refused" in server.log() and "what=exec" in server.log()


# -- locally, the pager still opens ----------------------------------------------------


def test_local_o_opens_the_pager_with_inert_text(tmp_path: Path) -> None:
    require_tool("tmux")
    corpus = fixture_corpus(tmp_path, evil=True)
    received = tmp_path / "pager-got"
    recorder = tmp_path / "recorder"
    recorder.write_text(f"#!/bin/sh\ncat > {received}\necho PAGER-DONE\nsleep 1\n")
    recorder.chmod(0o755)
    env = {**isolated_env(tmp_path / "home"), "PAGER": str(recorder)}
    command = [str(summit_path()), "--articles", str(corpus), "--index-dir",
               str(tmp_path / "index")]
    with Terminal(command, env=env) as term:
        term.wait_for(READY, timeout=40)
        term.type("zebrafish")
        open_first_result_for(term, "zebrafish report")
        term.send("o")
        wait_until(lambda: received.exists() and received.stat().st_size > 0, 20,
                   "the pager received the article")
        term.wait_for("Copy", timeout=20)  # back in the explorer afterwards
    text = received.read_text(encoding="utf-8")
    assert "zebrafish" in text
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text


def open_first_result_for(term: Terminal, reader_text: str) -> None:
    term.send("Enter")
    term.wait_for("Open")
    time.sleep(1)  # results still settling would take the Enter back to the query box
    term.send("Enter")
    term.wait_for("Copy")  # the reader's footer
    term.wait_for(reader_text)


def test_the_process_watch_sees_a_short_program() -> None:
    """The watch above would notice a pager or shell: a 0.2 s program under us is seen."""
    watch = ProcessWatch(os.getpid())
    try:
        subprocess.run(["sleep", "0.2"], check=True)
    finally:
        watch.stop()
    assert any(argv and Path(argv[0]).name == "sleep" for argv in watch.strangers.values())
