"""The local .xlsx backend: reads raw values, writes only what it owns, atomically."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from automation.cli import main
from automation.schema import build_schema
from automation.settings import Settings
from automation.workbook import NOTE_MARK, CellNote, CellWrite, Changes, WorkbookError
from automation.workbook.base import WorkbookLegacy, WorkbookMissing
from automation.workbook.xlsx import XlsxWorkbook


def _new_book(settings: Settings) -> XlsxWorkbook:
    book = XlsxWorkbook(settings.workbook_path)
    book.provision(list(build_schema(settings).sheets.values()))
    return book


def test_init_creates_every_sheet_with_headers_frozen_rows_and_dropdowns(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    path = settings.workbook_path
    assert main(["init", "--config", str(settings.source)]) == 0
    book = openpyxl.load_workbook(path)
    schema = build_schema(settings)
    assert book.sheetnames == [s.title for s in schema.sheets.values()]
    measures = book[schema["measures"].title]
    assert [c.value for c in measures[1]] == schema["measures"].headers()
    assert measures.freeze_panes == "A2"
    lists = [dv.formula1 for dv in measures.data_validations.dataValidation]
    assert any("ดำเนินการแล้ว" in f for f in lists)
    assert measures.column_dimensions["D"].width == 50


def test_init_at_a_workbook_path_lays_out_every_column_of_every_sheet(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl.utils import get_column_letter

    path = tmp_path / "new" / "office.xlsx"
    assert main(["init", "--workbook", str(path), "--config", str(settings.source)]) == 0
    assert not settings.workbook_path.exists()  # --workbook, not the configured file
    book = openpyxl.load_workbook(path)
    for layout in build_schema(settings).sheets.values():
        sheet = book[layout.title]
        assert sheet.freeze_panes == "A2"
        lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
        for c, col in enumerate(layout.columns, start=1):
            letter = get_column_letter(c)
            cell = sheet.cell(1, c)
            assert cell.value == col.th and cell.font.bold, (layout.key, col.key)
            assert sheet.column_dimensions[letter].width == col.width, (layout.key, col.key)
            if col.type == "choice" and col.choices:
                assert lists[f"{letter}2:{letter}5000"] == '"' + ",".join(ch.th for ch in col.choices) + '"'
        assert len(lists) == sum(c.type == "choice" and bool(c.choices) for c in layout.columns)
    assert "added sheet: มาตรการ" in capsys.readouterr().out
    before = path.read_bytes()
    assert main(["init", "--workbook", str(path), "--config", str(settings.source)]) == 2
    assert "already exists" in capsys.readouterr().err and path.read_bytes() == before


def test_a_value_with_a_comma_gets_no_dropdown_that_would_split_it(settings: Settings, tmp_path: Path) -> None:
    from automation.schema import Choice, Column, SheetSchema
    from automation.workbook.xlsx import write_layout

    layout = SheetSchema("x", "x", "x", (
        Column("a", "ก", "a", "choice", choices=(Choice("1", "กองการศึกษา, ศาสนาและวัฒนธรรม", "x"),)),
        Column("b", "ข", "b", "choice", choices=(Choice("1", "กองคลัง", "x"), Choice("2", "กองช่าง", "y"))),
    ))
    book = openpyxl.Workbook()
    write_layout(book.active, layout)
    assert [str(dv.sqref) for dv in book.active.data_validations.dataValidation] == ["B2:B5000"]


def test_init_refuses_to_overwrite_an_existing_workbook(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo_workbook.read_bytes()
    assert main(["init", "--config", str(settings.source)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert demo_workbook.read_bytes() == before


def test_read_keeps_raw_values(settings: Settings) -> None:
    book = _new_book(settings)
    title = settings.sheets.complaints
    book.apply(Changes(cells=[
        CellWrite(title, 2, 1, "001"),
        CellWrite(title, 2, 2, dt.datetime(2024, 3, 15)),
        CellWrite(title, 2, 6, '=IMPORTXML("http://x","//a")'),
    ]))
    grid = book.read([title])[title]
    assert grid[1][0] == "001"  # text stays text: no numericising
    assert grid[1][1] == dt.datetime(2024, 3, 15)
    assert grid[1][5] == '=IMPORTXML("http://x","//a")'
    cell = openpyxl.load_workbook(settings.workbook_path)[title]["F2"]
    assert cell.data_type == "s"  # written as text, never as a live formula


def test_missing_sheets_are_left_out_of_a_read(settings: Settings) -> None:
    book = _new_book(settings)
    assert set(book.read(["ไม่มีชีตนี้", settings.sheets.measures])) == {settings.sheets.measures}


def test_notes_are_replaced_and_a_persons_note_is_never_touched(settings: Settings) -> None:
    book = _new_book(settings)
    title = settings.sheets.complaints
    raw = openpyxl.load_workbook(settings.workbook_path)
    raw[title]["C3"].comment = openpyxl.comments.Comment("โน้ตของเจ้าหน้าที่", "สมศรี")
    raw.save(settings.workbook_path)
    book.apply(Changes(notes={title: [CellNote(title, 2, 2, "วันที่ผิด"), CellNote(title, 3, 3, "ช่องทางผิด")]}))
    sheet = openpyxl.load_workbook(settings.workbook_path)[title]
    assert sheet["B2"].comment.text == NOTE_MARK + "วันที่ผิด"
    assert sheet["C3"].comment.text == "โน้ตของเจ้าหน้าที่"
    book.apply(Changes(notes={title: []}))
    sheet = openpyxl.load_workbook(settings.workbook_path)[title]
    assert sheet["B2"].comment is None
    assert sheet["C3"].comment.text == "โน้ตของเจ้าหน้าที่"


def test_a_failed_write_leaves_the_file_as_it_was(settings: Settings) -> None:
    book = _new_book(settings)
    before = settings.workbook_path.read_bytes()
    with pytest.raises(WorkbookError):
        book.apply(Changes(replace={"ผลการตรวจสอบ": [["a"]]}, cells=[CellWrite("ไม่มีชีตนี้", 1, 1, "x")]))
    assert settings.workbook_path.read_bytes() == before
    assert [p.name for p in settings.workbook_path.parent.iterdir()] == [settings.workbook_path.name]


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookMissing, match="ไม่พบสมุดงาน"):
        XlsxWorkbook(tmp_path / "none.xlsx").read(["x"])
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(WorkbookLegacy, match=r"ไม่ใช่ไฟล์ \.xlsx"):
        XlsxWorkbook(broken).read(["x"])
    other = tmp_path / "plan.csv"
    other.write_text("a,b")
    with pytest.raises(WorkbookLegacy, match=r"plan\.csv: ไม่ใช่ไฟล์ \.xlsx"):
        XlsxWorkbook(other).read(["x"])


def test_the_findings_sheet_a_run_adds_has_columns_wide_enough_to_read(
    settings: Settings, demo_workbook: Path
) -> None:
    from automation.pipeline import run_once

    title = settings.sheets.findings
    assert title not in openpyxl.load_workbook(demo_workbook).sheetnames  # the run adds it
    run_once(settings)
    sheet = openpyxl.load_workbook(demo_workbook)[title]
    headers = [c.value for c in sheet[1]]
    width = {h: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i, h in enumerate(headers, 1)}
    assert width["ปัญหาที่พบ"] == 60 and width["วิธีแก้ไข"] >= 40  # long messages: as wide as allowed
    assert 8 <= width["แถว"] <= 10
    assert width["ระดับ"] == len("ควรตรวจสอบ") + 2  # the longest label; "ต้องแก้ไข" is 7 across (marks sit above)
    # A person's widths on the service's sheet are theirs from then on.
    book = openpyxl.load_workbook(demo_workbook)
    book[title].column_dimensions["H"].width = 90
    book.save(demo_workbook)
    run_once(settings)
    assert openpyxl.load_workbook(demo_workbook)[title].column_dimensions["H"].width == 90
