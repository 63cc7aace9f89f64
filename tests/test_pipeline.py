"""One run end to end on the demo workbook: findings written, staff data untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.cli import main
from automation.pipeline import RunContext, StageResult, run_once
from automation.schema import build_schema
from automation.settings import Settings
from automation.workbook.xlsx import XlsxWorkbook


def snapshot(path: Path) -> dict[str, Any]:
    """Every sheet's values and notes, for comparing runs."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: (
            [[c.value for c in row] for row in ws.iter_rows()],
            {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
        )
        for ws in book.worksheets
    }


def staff_values(path: Path, settings: Settings) -> dict[str, Any]:
    snap = snapshot(path)
    return {layout.title: snap[layout.title][0] for layout in build_schema(settings).staff_sheets}


def test_a_run_writes_the_findings_sheet_and_leaves_staff_values_alone(
    settings: Settings, demo_workbook: Path
) -> None:
    before = staff_values(demo_workbook, settings)
    summary = run_once(settings)
    assert summary.findings, "the demo plants mistakes, so a run must find some"
    book = openpyxl.load_workbook(demo_workbook)
    rows = list(book[settings.sheets.findings].iter_rows(values_only=True))
    assert rows[0][:3] == ("ระดับ", "ชีต", "แถว")
    assert len(rows) == len(summary.findings) + 1
    assert staff_values(demo_workbook, settings) == before


def test_a_second_run_changes_nothing(settings: Settings, demo_workbook: Path) -> None:
    run_once(settings)
    first = snapshot(demo_workbook)
    summary = run_once(settings)
    assert snapshot(demo_workbook) == first
    assert summary.new_findings == 0


def test_a_failing_stage_is_reported_and_the_others_still_run(settings: Settings, demo_workbook: Path) -> None:
    def broken(ctx: RunContext) -> StageResult:
        raise RuntimeError("boom")

    def counting(ctx: RunContext) -> StageResult:
        return StageResult("counting", figures={"rows": len(ctx.tables["complaints"].frame)})

    summary = run_once(settings, stages=[broken, counting])
    assert summary.stages[0].error == "RuntimeError: boom"
    assert summary.stages[1].figures["rows"] > 0


def test_run_json_summary_has_counts_outputs_and_timings(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--once", "--json", "--config", str(settings.source), "--today", "2024-04-20"])
    data = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert data["today"] == "2024-04-20"
    assert data["findings"]["total"] == sum(data["findings"]["by_severity"].values())
    assert "validation" in data["stages"] and data["stages"]["validation"]["seconds"] >= 0
    assert data["written"] is True
    saved = json.loads((settings.output_dir / "run-summary.json").read_text(encoding="utf-8"))
    assert saved == data


def test_strict_exits_1_when_errors_exist(settings: Settings, demo_workbook: Path) -> None:
    assert main(["run", "--strict", "--config", str(settings.source)]) == 1


def test_dry_run_writes_nothing(settings: Settings, demo_workbook: Path) -> None:
    before = demo_workbook.read_bytes()
    main(["run", "--dry-run", "--config", str(settings.source)])
    assert demo_workbook.read_bytes() == before


def test_a_missing_sheet_becomes_a_finding_not_a_crash(settings: Settings) -> None:
    book = XlsxWorkbook(settings.workbook_path)
    schema = build_schema(settings)
    book.provision([schema["measures"], schema["responses"]])
    summary = run_once(settings)
    missing = [f for f in summary.findings if f.rule == "missing-sheet"]
    assert [f.sheet for f in missing] == [settings.sheets.complaints]
    assert "ไม่พบชีต" in missing[0].message


def test_the_embedded_workbook_is_built_when_missing(settings: Settings, tmp_path: Path) -> None:
    from automation.demo import build_demo_workbook

    path = build_demo_workbook(settings, tmp_path / "d.xlsx", seed=1)
    again = build_demo_workbook(settings, tmp_path / "e.xlsx", seed=1)
    assert snapshot(path) == snapshot(again)  # deterministic: same seed, same workbook


def test_the_summary_reads_in_thai_and_in_english(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from automation.pipeline import summary_text

    summary = run_once(settings, write=False)
    thai = summary_text(summary, "th")
    assert thai.startswith("ผลการตรวจสอบวันที่ 20 เมษายน 2567")
    assert "ตรวจสอบข้อมูล: พบ" in thai and "กำหนดเวลา: เกินกำหนด" in thai
    assert "ความพึงพอใจ" in thai and "ร่างรายงาน 2 ฉบับ" in thai
    # The round in words, never the JSON's key ("h1 2567") in the middle of Thai text.
    line = next(x for x in thai.splitlines() if "ความพึงพอใจ" in x)
    assert line.startswith("  - ความพึงพอใจ ปีงบประมาณ พ.ศ. 2567 รอบ 6 เดือน: ผู้ตอบ"), line
    english = summary_text(summary, "en")
    assert "deadlines:" in english and "overdue" in english
    assert "satisfaction fiscal year 2567 BE, 6-month round:" in english


def test_run_on_the_embedded_settings_builds_the_missing_workbook_first(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from automation.cli import _ensure_demo_workbook
    from automation.settings import DEFAULT_CONFIG

    book = tmp_path / "fresh" / "demo.xlsx"
    embedded = settings.model_copy(update={
        "source": DEFAULT_CONFIG.resolve(),
        "workbook": settings.workbook.model_copy(update={"path": book}),
    })
    _ensure_demo_workbook(embedded)
    assert "demo workbook created" in capsys.readouterr().err
    titles = [layout.title for layout in build_schema(settings).staff_sheets]
    grids = XlsxWorkbook(book).read(titles)
    assert set(grids) == set(titles) and all(len(grid) > 1 for grid in grids.values())
    # Another settings file never gets a demo workbook in place of its own, missing one.
    other = tmp_path / "other.xlsx"
    _ensure_demo_workbook(settings.model_copy(update={
        "workbook": settings.workbook.model_copy(update={"path": other})}))
    assert not other.exists()
