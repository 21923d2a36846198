"""The rules of `summit serve` that need no network: which keys get in (fail closed,
key options honoured or refused, StrictModes), what a client's environment may set,
how client strings reach the log, and the size clamp."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest

from tui.serve.environment import MAX_COLUMNS, clamp_size, explorer_environment, safe_term
from tui.serve.eventlog import EventLog
from tui.serve.policy import SessionPolicy
from tui.serve.sshkeys import AuthorizedKeys, KeyFileError, load_or_create_host_key, parse_expiry

LOCAL = "127.0.0.1"


@pytest.fixture
def key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


def public_line(key: asyncssh.SSHKey, options: str = "") -> str:
    text = key.export_public_key().decode().strip()
    return f"{options} {text}\n" if options else text + "\n"


def keys_file(tmp_path: Path, text: str, mode: int = 0o600) -> AuthorizedKeys:
    path = tmp_path / "authorized_keys"
    path.write_text(text)
    path.chmod(mode)
    keys = AuthorizedKeys(path)
    keys.load()
    return keys


def allowed(keys: AuthorizedKeys, key: asyncssh.SSHKey, addr: str = LOCAL) -> bool:
    return keys.decide(key.convert_to_public(), addr).allowed


def test_deleted_or_garbled_file_revokes_every_key(tmp_path: Path, key: asyncssh.SSHKey) -> None:
    keys = keys_file(tmp_path, public_line(key))
    assert allowed(keys, key)
    keys.path.unlink()
    assert keys.refresh() is not None and not allowed(keys, key)
    keys.path.write_text(public_line(key) + "this is not a key\n")
    assert "line 2 is not a key" in (keys.refresh() or "")
    assert not allowed(keys, key)
    keys.path.write_text("")
    keys.refresh()
    assert not allowed(keys, key)
    keys.path.write_text("# only a comment\n" + public_line(key))
    assert keys.refresh() is None and allowed(keys, key)


def test_writable_by_others_is_refused(tmp_path: Path, key: asyncssh.SSHKey) -> None:
    with pytest.raises(KeyFileError, match="others may write"):
        keys_file(tmp_path, public_line(key), mode=0o664)
    good = keys_file(tmp_path, public_line(key))
    good.path.chmod(0o602)
    assert "others may write" in (good.refresh() or "")
    assert not allowed(good, key)


def test_from_and_expiry_are_honoured(tmp_path: Path, key: asyncssh.SSHKey) -> None:
    assert allowed(keys_file(tmp_path, public_line(key, 'from="127.0.0.1"')), key)
    assert not allowed(keys_file(tmp_path, public_line(key, 'from="10.1.2.3"')), key)
    assert not allowed(keys_file(tmp_path, public_line(key, 'expiry-time="20200101"')), key)
    future = (dt.date.today() + dt.timedelta(days=30)).strftime("%Y%m%d")
    assert allowed(keys_file(tmp_path, public_line(key, f'expiry-time="{future}"')), key)
    assert not allowed(keys_file(tmp_path, public_line(key, 'expiry-time="soon"')), key)
    assert parse_expiry("202001011230Z") == dt.datetime(2020, 1, 1, 12, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("option", ['command="/bin/sh"', 'environment="A=b"', "no-pty",
                                    'permitopen="localhost:22"', "cert-authority"])
def test_options_we_would_ignore_refuse_the_key(
    tmp_path: Path, key: asyncssh.SSHKey, option: str
) -> None:
    keys = keys_file(tmp_path, public_line(key, option))
    decision = keys.decide(key.convert_to_public(), LOCAL)
    assert not decision.allowed


def test_restrictions_we_enforce_anyway_are_accepted(tmp_path: Path, key: asyncssh.SSHKey) -> None:
    keys = keys_file(tmp_path, public_line(key, "restrict,no-port-forwarding,no-agent-forwarding"))
    assert allowed(keys, key)


def test_host_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "host_key"
    path.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="others may read it"):
        load_or_create_host_key(path)
    path.chmod(0o600)
    assert load_or_create_host_key(path)[1] == path


def test_strict_modes_stop_the_server_with_one_line(tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    authorized = tmp_path / "authorized_keys"
    authorized.write_text(public_line(key))
    authorized.chmod(0o666)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", "--port", "0",
         "--authorized-keys", str(authorized)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "chmod go-w" in done.stderr


def test_client_environment_is_data(tmp_path: Path) -> None:
    policy = SessionPolicy.for_served(tmp_path / "state", tmp_path / "index")
    client = {
        "LD_PRELOAD": "/tmp/evil.so", "PYTHONPATH": "/tmp/evil", "PATH": "/tmp/evil",
        "HOME": "/root", "PAGER": "sh", "TERM": "evil", "LANG": "fr_FR.UTF-8",
        "LC_ALL": "de_DE.ISO-8859-1", "COLORTERM": "truecolor", "NO_COLOR": "1",
        "LC_TIME": "$(reboot)",
    }
    env, ignored = explorer_environment("xterm\x1b]0;pwned\x07", client, policy)
    assert env["TERM"] == "xterm-256color"
    assert env.get("LD_PRELOAD") is None and env.get("PAGER") is None
    assert env.get("PYTHONPATH") != "/tmp/evil" and env.get("PATH") != "/tmp/evil"
    assert env["HOME"] == str(tmp_path / "state")
    assert env["LANG"] == "fr_FR.UTF-8" and "LC_ALL" not in env and "LC_TIME" not in env
    assert env["COLORTERM"] == "truecolor" and env["NO_COLOR"] == "1"
    assert env["SUMMIT_SESSION"] == "served"
    assert set(ignored) == {"LD_PRELOAD", "PYTHONPATH", "PATH", "HOME", "PAGER", "TERM",
                            "LC_ALL", "LC_TIME"}


@pytest.mark.parametrize("term", ["../../etc/x", "a/b", "xterm\x1b[2J", "", "x" * 200, "é"])
def test_bad_terminal_types_fall_back(term: str) -> None:
    assert safe_term(term) == "xterm-256color"
    assert safe_term("screen-256color") == "screen-256color"


def test_client_strings_are_logged_escaped() -> None:
    stream = io.StringIO()
    EventLog(stream).event("login", user="evil\x1b[31m\nname", term="xterm")
    line = stream.getvalue()
    assert "\x1b" not in line and line.count("\n") == 1
    assert "user='evil\\x1b[31m\\nname'" in line and "term=xterm" in line


def test_window_sizes_are_clamped() -> None:
    assert clamp_size(100_000, 65_536) == (MAX_COLUMNS, 1000)
    assert clamp_size(0, -5) == (1, 1)
    assert clamp_size(80, 24) == (80, 24)
