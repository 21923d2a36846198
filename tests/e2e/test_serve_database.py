"""A shared archive end to end (issue 19): one collection in a real PostgreSQL, two
people searching it through `summit serve` over the real OpenSSH client at once, and a
third from the command line, with no whoosh index anywhere and nothing patched."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from index.corpus.files import bundled_articles_dir
from tests.e2e.sshd import HEADLINE, READY, SummitServer, make_key, summit_path
from tests.e2e.terminal import Terminal

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def test_two_served_sessions_and_a_script_search_one_collection(
    pg_url: str, home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    summit = str(summit_path())
    # a folder loaded into the database, then gone from this machine: only the database
    # can answer for it
    folder = tmp_path / "wire"
    shutil.copytree(bundled_articles_dir(), folder)
    loaded = subprocess.run(
        [summit, "index", "--database", pg_url, "--articles", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    shutil.rmtree(folder)
    key_dir = tmp_path / "keys"
    alice, bob = make_key(key_dir, "alice"), make_key(key_dir, "bob")
    authorized = key_dir / "authorized_keys"
    authorized.write_text(Path(f"{alice}.pub").read_text() + Path(f"{bob}.pub").read_text())
    served = ("--database", pg_url, "--articles", str(folder))
    with SummitServer(tmp_path / "server", authorized, env, *served) as server:
        terminals = [
            Terminal(server.ssh(key), width=100, height=30, env={"HOME": env["HOME"]})
            for key in (alice, bob)
        ]
        try:
            for term in terminals:
                term.wait_for(READY, timeout=60)
            for term in terminals:
                term.type("joint battalion")
            for term in terminals:
                term.wait_for(HEADLINE, timeout=60)
            # the third person, from a script, while both sessions are open
            searched = subprocess.run(
                [summit, "search", "joint battalion", "--json", *served],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
            )
            assert searched.returncode == 0, searched.stderr
            hits = json.loads(searched.stdout)["hits"]
            assert hits and any("joint" in hit["snippet"].lower() for hit in hits)
            for term in terminals:
                term.send("C-q")
                term.wait_for("[exit 0]", timeout=15)
        finally:
            for term in terminals:
                term.close()
    # nothing was indexed with whoosh: the sessions and the script searched the database
    assert not list(Path(env["XDG_CACHE_HOME"]).rglob("whoosh"))
