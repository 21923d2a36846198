"""Fixtures shared by the `summit serve` journeys (each module gets its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.sshd import build_index, isolated_env
from tests.e2e.terminal import require_tool


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve-home")


@pytest.fixture(scope="module")
def env(home: Path) -> dict[str, str]:
    require_tool("ssh")
    require_tool("tmux")
    return isolated_env(home)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.getbasetemp())
