"""The summary sheet: the figures staff look for first, in the workbook itself."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from automation.cli import main
from automation.pipeline import run_once
from automation.settings import Settings


def summary_rows(path: Path, settings: Settings) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[settings.sheets.summary].iter_rows(values_only=True))


def section(rows: list[tuple], heading: str) -> list[tuple]:
    """The rows under the heading that starts with `heading`, up to the next blank row."""
    start = next(i for i, r in enumerate(rows) if r[0] and r[0].startswith(heading))
    end = next((i for i in range(start + 1, len(rows)) if not any(rows[i])), len(rows))
    return rows[start + 1 : end]


def test_a_full_run_writes_the_summary_from_the_same_figures(settings: Settings, demo_workbook: Path) -> None:
    summary = run_once(settings)
    rows = summary_rows(demo_workbook, settings)
    assert rows[0] == ("หัวข้อ", "รายการ", "ค่า", "หมายเหตุ")
    assert rows[1][0].startswith("สรุปผล ณ วันที่ 20 เมษายน 2567")
    figures = {s.name: s.figures for s in summary.stages}
    overall = next(r for r in rows if r[1] == "ภาพรวม")
    assert overall[2] == round(figures["satisfaction"]["mean"], 2)
    received = next(r for r in rows if r[1] == "รับเรื่อง")
    assert received[2] == figures["complaints"]["total"]
    assert sum(r[2] for r in section(rows, "งานที่เกินกำหนด")) == figures["deadlines"]["overdue"]
    errors = sum(r[2] for r in rows if r[1] == "ต้องแก้ไข")
    assert errors == summary.by_severity["error"]


def test_validate_alone_keeps_the_summary_of_the_last_full_run(settings: Settings, demo_workbook: Path) -> None:
    run_once(settings)
    before = summary_rows(demo_workbook, settings)
    assert main(["validate", "--config", str(settings.source)]) == 0
    assert summary_rows(demo_workbook, settings) == before


def test_the_summary_speaks_english_too(settings: Settings, demo_workbook: Path) -> None:
    english = settings.model_copy(update={"run": settings.run.model_copy(update={"language": "en"})})
    run_once(english)
    rows = summary_rows(demo_workbook, settings)
    assert rows[0] == ("Topic", "Item", "Value", "Note")
    assert any(r[1] == "overall" for r in rows)
