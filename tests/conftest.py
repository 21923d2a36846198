"""Shared fixtures: the bundled articles and our own fixture corpus, each indexed once
per test session into a temporary folder (never the user's cache)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from index.engine import Engine

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "articles"
FIXTURE_CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
# A developer's own ~/.config/summit-explorer/config.toml must not change what tests see:
# every process the suite starts reads this (absent) file instead, unless a test says so.
os.environ["SUMMIT_CONFIG"] = str(REPO / "tests" / "no-such-config.toml")
TODAY = dt.date(2026, 11, 23)
"""Tests pin "today": year inference picks the latest year not after it."""


@pytest.fixture(scope="session")
def bundled_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = Engine(BUNDLED, tmp_path_factory.mktemp("bundled-index"), today=TODAY)
    engine.open()
    return engine


@pytest.fixture(scope="session")
def fixture_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = Engine(FIXTURE_CORPUS, tmp_path_factory.mktemp("fixture-index"), today=TODAY)
    engine.open()
    return engine


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus, for tests that change files."""
    target = tmp_path / "articles"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target
from tests.pg_cluster import pg_cluster, pg_url  # noqa: E402, F401 (PostgreSQL fixtures)
