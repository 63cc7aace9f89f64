"""The workbook is written while the reports are drafted: the drafts need nothing the write
changes and the write nothing the drafts make, so on Google Sheets the client does not sit
idle while Google applies the batch. A write's error is still the run's."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from automation import reports
from automation.pipeline import check_stages, default_stages, run_once
from automation.settings import Settings
from automation.stage import RunContext, StageResult, drafts_only
from automation.workbook.base import WorkbookBusy
from automation.workbook.xlsx import XlsxWorkbook

GUARD = 60  # seconds: only a deadlock guard, never reached when the two overlap


class WaitingBook(XlsxWorkbook):
    """Its write waits until a draft has started: it can only finish if the two overlap."""

    def __init__(self, path: Path, drafting: threading.Event, fail: bool = False) -> None:
        super().__init__(path)
        self.drafting = drafting
        self.fail = fail
        self.write_thread = ""
        self.overlapped = False

    def apply(self, changes: Any) -> None:
        self.write_thread = threading.current_thread().name
        self.overlapped = self.drafting.wait(GUARD)
        if self.fail:
            raise WorkbookBusy("ไฟล์เปิดอยู่ในโปรแกรม Excel (test)")
        super().apply(changes)


def _draft_stage(drafting: threading.Event, seen: list[str]) -> Any:
    @drafts_only
    def stage(ctx: RunContext) -> StageResult:
        seen.append(threading.current_thread().name)
        drafting.set()
        return StageResult("reports", outputs=["draft.docx"])

    stage.__module__ = "automation.reports"
    return stage


def test_the_write_runs_while_the_reports_are_drafted(settings: Settings, demo_workbook: Path) -> None:
    drafting, seen = threading.Event(), []
    book = WaitingBook(demo_workbook, drafting)
    summary = run_once(settings, book, stages=[*check_stages(), _draft_stage(drafting, seen)])
    assert book.overlapped, "the write waited for a draft that never started alongside it"
    assert book.write_thread != threading.current_thread().name
    assert seen == [threading.current_thread().name]  # drafting stays on the run's own thread
    names = [s.name for s in summary.stages]
    assert names[: len(check_stages()) + 1][-1] == "reports"  # stage order kept, the intake's last
    assert names[len(check_stages()) + 1:] in ([], ["intake"])
    assert summary.written


def test_a_failed_write_is_raised_after_the_drafts_are_done(settings: Settings, demo_workbook: Path) -> None:
    drafting, seen = threading.Event(), []
    book = WaitingBook(demo_workbook, drafting, fail=True)
    with pytest.raises(WorkbookBusy):
        run_once(settings, book, stages=[*check_stages(), _draft_stage(drafting, seen)])
    assert seen, "the drafts were made before the write's error ended the run"


def test_only_the_trailing_drafting_stages_run_beside_the_write() -> None:
    from automation.pipeline import _split_drafts

    stages = default_stages()
    checks, drafts = _split_drafts(stages)
    assert drafts == [reports.stage] and checks == stages[:-1]
    # A drafting stage followed by a checking one is not moved: the write needs the latter.
    checks, drafts = _split_drafts([reports.stage, *check_stages()])
    assert drafts == []


def test_the_reports_stage_finds_nothing_the_write_would_miss(settings: Settings, demo_workbook: Path) -> None:
    summary = run_once(settings, XlsxWorkbook(demo_workbook))
    drafted = [s for s in summary.stages if s.name == "reports"]
    assert drafted and drafted[0].outputs and not drafted[0].findings
    assert not drafted[0].error
