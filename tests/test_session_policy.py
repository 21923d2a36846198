"""The session policy (tui/serve/policy.py): a served session offers no command that would
start a program, says so in one line when its key is pressed, and its process refuses
to start programs or write outside its folders whatever code path asks."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Static

from tests.app_fixtures import main_screen, make_engine, open_first_result, settle, wait_ready
from tui.app import programs
from tui.app.app import build_app
from tui.app.commands import COMMANDS, offered
from tui.app.providers import SummitCommands
from tui.app.screens.help import HelpScreen
from tui.serve.policy import SessionPolicy


def test_served_policy_denies_by_default_and_local_allows(tmp_path: Path) -> None:
    served = SessionPolicy.for_served(tmp_path / "state", tmp_path / "index")
    local = SessionPolicy.local(tmp_path / "state")
    for capability in ("run_external", "write_file", "open_url", "suspend_terminal"):
        assert not served.allows(capability)
        assert local.allows(capability)
    assert served.may_write(tmp_path / "state" / "query-history.json")
    assert served.may_write(tmp_path / "index" / "x")
    assert not served.may_write(tmp_path / "state-other" / "x")
    assert not served.may_write(tmp_path / "elsewhere")
    gated = ["export", "open-pager", "open-editor", "set-date"]
    assert [c.id for c in COMMANDS if c.needs] == gated
    assert not {c.id for c in offered(served)} & set(gated)
    assert {c.id for c in offered(local)} >= set(gated)


def test_policy_travels_through_the_environment(tmp_path: Path) -> None:
    served = SessionPolicy.for_served(tmp_path / "state", tmp_path / "index")
    again = SessionPolicy.from_environment(served.environment(), tmp_path / "default")
    assert again == served
    assert SessionPolicy.from_environment({}, tmp_path / "d") == SessionPolicy.local(tmp_path / "d")


GUARDED = """
import os, subprocess, sys
from pathlib import Path
from tui.serve.policy import SessionPolicy
state, outside = Path(sys.argv[1]), Path(sys.argv[2])
SessionPolicy.for_served(state).install_guard()
(state / "ok.txt").write_text("fine")
for attempt in (lambda: outside.write_text("x"), lambda: subprocess.run(["true"]),
                lambda: os.system("true"), lambda: os.rename(state / "ok.txt", outside),
                lambda: open(outside, "a")):
    try:
        attempt()
    except PermissionError:
        print("refused")
    else:
        print("ALLOWED")
# our own interpreter (spawned engine workers) is still allowed
print(subprocess.run([sys.executable, "-c", "print('child')"], capture_output=True,
                     text=True).stdout.strip())
"""


def test_served_guard_refuses_programs_and_writes_outside(tmp_path: Path) -> None:
    state, outside = tmp_path / "state", tmp_path / "outside.txt"
    state.mkdir()
    done = subprocess.run([sys.executable, "-c", GUARDED, str(state), str(outside)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.split() == ["refused"] * 5 + ["child"], done.stderr
    assert not outside.exists()
    assert (state / "ok.txt").read_text() == "fine"


async def test_served_app_offers_no_pager_and_says_so(tmp_path: Path, monkeypatch) -> None:
    runs: list[object] = []
    monkeypatch.setattr(programs.subprocess, "run", lambda *a, **k: runs.append(a))
    monkeypatch.setenv("PAGER", "cat")
    policy = SessionPolicy.for_served(tmp_path / "state", tmp_path / "index")
    app = build_app(make_engine(tmp_path), policy=policy)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await open_first_result(pilot, "joint battalion")
        assert main_screen(pilot).pane == "reader"
        await pilot.press("o")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any("not available over summit serve" in m for m in notices), notices
        app.run_command("open-pager")  # the palette's way in is gated too
        await settle(pilot)
        assert runs == []
        assert app.data_dir == tmp_path / "state"

        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "$PAGER" not in _rendered(app.screen.query_one("#help-table", Static).content)
        await pilot.press("escape")
        await settle(pilot)

        provider = SummitCommands(app.screen)
        labels = [label for label, _ in provider._entries()]
        assert labels and not any("Pager" in label for label in labels)
        assert not any(c.title == "Screenshot" for c in app.get_system_commands(app.screen))
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


async def test_local_help_lists_the_pager(tmp_path: Path) -> None:
    app = build_app(make_engine(tmp_path), policy=SessionPolicy.local(tmp_path / "data"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert "$PAGER" in _rendered(app.screen.query_one("#help-table", Static).content)
        labels = [label for label, _ in SummitCommands(app.screen)._entries()]
        assert any("Pager" in label for label in labels)


def _rendered(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]
