"""The code itself: ruff and mypy clean, and the engine never imports the UI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=REPO, capture_output=True, text=True, timeout=280, check=False,
    )


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "index", "tui", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contract_keeps_the_engine_free_of_textual() -> None:
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_engine_and_ui_code_name_nothing_from_the_bundled_articles() -> None:
    """Behaviour must come from the articles: no names, places or summit dates in code."""
    pattern = re.compile(r"Tchiani|Tiani|Go[iï]ta|Traor[eé]|Bamako|Qa[ie]da|2025-12-2[0-3]|Sahel")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for package in ("index", "tui")
        for path in (REPO / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders


def test_bundled_articles_are_byte_identical_to_the_shared_ones() -> None:
    shared = REPO.parent / "shared" / "articles"
    if not shared.is_dir():
        return  # outside the workspace layout there is nothing to compare with
    for original in shared.iterdir():
        assert (REPO / "articles" / original.name).read_bytes() == original.read_bytes()


def test_the_explorer_starts_without_importing_the_index_or_the_ssh_server() -> None:
    """The first frame must not wait for whoosh (opened in a worker afterwards) nor for
    asyncssh (only `summit serve` needs it): together they cost about 0.3 s."""
    probe = (
        "import sys, tui.cli, tui.app.app\n"
        "tui.cli.build_parser().parse_args([])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'whoosh', 'asyncssh'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
        timeout=60, check=True,
    )
    assert result.stdout.strip() == "[]"
