"""`python -m bench.run --quick` end to end on a tiny corpus: every section is reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import SECTIONS
from tests.e2e.terminal import require_tool

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(120)
def test_quick_run_reports_every_section(tmp_path: Path) -> None:
    # the run compares with ripgrep: skipped without it, except in CI (.ci/run installs it)
    require_tool("rg")
    out = tmp_path / "results.json"
    command = [
        sys.executable, "-m", "bench.run", "--quick", "--sizes", "50",
        "--out", str(out), "--corpora", str(tmp_path / "corpora"), "--work", str(tmp_path / "work"),
    ]  # fmt: skip
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(out.read_text())
    size = results["sizes"]["50"]
    for section in SECTIONS:
        assert section in size, section
        assert "error" not in size[section], (section, size[section])
    assert size["corpus"]["articles"] == 50
    assert size["build"]["seconds"] > 0
    assert set(size["queries"]["kinds"]) >= {"single", "phrase", "as_you_type", "date_range"}
    assert size["ripgrep"]["single"]["n"] > 0
    assert out.with_suffix(".md").read_text().startswith("Measured")
