"""Memory after a run: the run's data is freed by reference counting when it returns (no
cycle left for the collector), the collector has nothing long-lived to rescan, and the
command-line process ends without tearing its heap down but with everything written out."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest

import automation.pipeline as pipeline
from automation.pipeline import run_once
from automation.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent


def test_the_runs_tables_are_freed_when_it_returns_without_the_collector(
    settings: Settings, demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[weakref.ref[Any]] = []
    real = pipeline.load_tables

    def watched(*args: Any) -> Any:
        tables = real(*args)
        kept.extend(weakref.ref(t) for t in tables.sheets.values())
        return tables

    monkeypatch.setattr(pipeline, "load_tables", watched)
    was_on = gc.isenabled()
    gc.disable()  # only reference counting: a table kept alive by a cycle would stay
    try:
        summary = run_once(settings)
        assert summary.findings and not [s.error for s in summary.stages if s.error]
        assert kept and all(ref() is None for ref in kept)
    finally:
        if was_on:
            gc.enable()


def test_the_collector_is_left_as_found_with_the_long_lived_objects_frozen(
    settings: Settings, demo_workbook: Path
) -> None:
    gc.enable()
    gc.unfreeze()
    run_once(settings, write=False)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # modules, settings and the summary: not rescanned again
    gc.unfreeze()
    gc.disable()
    try:
        run_once(settings, write=False)
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_the_command_line_ends_with_its_whole_output_and_its_exit_code(
    settings: Settings, demo_workbook: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "main.py", "run", "--dry-run", "--json", "--config", str(settings.source),
         "--today", settings.today().isoformat()],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # all of it flushed before the process ended
    assert summary["findings"]["total"] > 0 and summary["written"] is False
    bad = subprocess.run([sys.executable, "main.py", "run", "--config", str(settings.source) + ".missing"],
                         cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip()
