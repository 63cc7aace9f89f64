"""Shared fixtures: settings pinned to a fixed day, and a fresh demo workbook per test."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from automation.demo import build_demo_workbook
from automation.settings import Settings, load_settings

PROJECT = Path(__file__).resolve().parent.parent
# Where tests leave pictures for a person to look at (rendered report pages, page screenshots):
# $ITA_TEST_ARTIFACTS, else a folder in the system's temporary folder, never the user's output/.
TEST_ARTIFACTS = Path(os.environ.get("ITA_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "ita-test-artifacts")
# thaiwords keeps its built word sets in a cache file: the tests' own folder, not the user's.
os.environ.setdefault("ITA_CACHE_DIR", str(Path(tempfile.gettempdir()) / "ita-test-cache"))
# A fixed "today" inside FY 2567's second half: round 1 has closed, the year has not.
TODAY = dt.date(2024, 4, 20)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The shipped settings, with paths moved into tmp_path and today pinned."""
    config = tmp_path / "config" / "settings.toml"
    config.parent.mkdir()
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    return load_settings(config, run__today=TODAY)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    config = root / "config" / "settings.toml"
    config.parent.mkdir()
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    s = load_settings(config, run__today=TODAY)
    return build_demo_workbook(s, root / "demo.xlsx", seed=2567, today=TODAY)


@pytest.fixture
def demo_workbook(settings: Settings, _demo_template: Path) -> Path:
    """A copy of the demo workbook at the settings' workbook path."""
    path = settings.workbook_path
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_demo_template, path)
    return path
