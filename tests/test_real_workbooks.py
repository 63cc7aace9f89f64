"""Workbooks as a Thai clerk keeps them: merged measure titles over their steps, formulas for
step numbers, ids, dates and links, a stray space at the sheet's last row, comments, images,
charts, hidden sheets, a shared folder's permissions, a file open in Excel.

Every fixture is saved through LibreOffice (`soffice --headless --convert-to xlsx`), so that
formulas carry real cached results, as a file Excel or LibreOffice saved does.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from automation.cli import main
from automation.pipeline import check_stages, run_once
from automation.schema import build_schema
from automation.settings import Settings, load_settings
from automation.workbook.base import NOTE_MARK, CellError
from automation.workbook.xlsx import XlsxWorkbook, write_layout
from automation.workbook.xlsx_package import Package

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 4, 20)
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# Two measures of FY 2567: measure 1 with three steps, measure 2 with two; the measure's
# number, title, unit and monitoring merged over its steps, the way Thai offices lay it out.
MEASURES = [
    (1, "การเปิดเผยข้อมูลสาธารณะ", "สำนักงานปลัด อบต.", ["จัดทำประกาศ", "เผยแพร่บนเว็บไซต์", "รายงานผล"]),
    (2, "การป้องกันการรับสินบน", "กองคลัง", ["ประชุมชี้แจงบุคลากร", "ติดตามผล"]),
]


def settings_at(root: Path) -> Settings:
    config = root / "config" / "settings.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    return load_settings(config, run__today=TODAY)


@dataclass
class Habits:
    """Which habits a fixture workbook shows."""

    stray: bool = False  # a space typed in P1048576
    extras: bool = False  # comment, image, chart, conditional formatting, hidden sheet
    broken_formula: bool = False  # a step number whose formula refers to a deleted cell


def clerk_workbook(settings: Settings, path: Path, habits: Habits) -> Path:
    """An openpyxl workbook laid out as a clerk would (not yet saved by an office program)."""
    schema = build_schema(settings)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = schema["measures"].title
    write_layout(sheet, schema["measures"])  # headers, widths, dropdowns (data validation)
    for key in ("complaints", "responses"):
        write_layout(book.create_sheet(schema[key].title), schema[key])
    r = 2
    for no, title, unit, steps in MEASURES:
        first = r
        for step_no, step in enumerate(steps, start=1):
            sheet[f"A{r}"] = f'=B{r}&"-"&TEXT($C${first},"00")&"-"&TEXT(E{r},"00")'
            sheet[f"B{r}"] = 2567
            sheet[f"E{r}"] = 1 if step_no == 1 else f"=E{r - 1}+1"
            sheet[f"F{r}"] = step
            sheet[f"I{r}"] = "=DATE(2024,3,31)"
            sheet[f"I{r}"].number_format = "DD/MM/YYYY"
            sheet[f"J{r}"] = "ดำเนินการแล้ว"
            sheet[f"K{r}"] = f"=DATE(2024,3,{10 + step_no})"
            sheet[f"K{r}"].number_format = "DD/MM/YYYY"
            sheet[f"L{r}"] = f'=HYPERLINK("https://www.example.go.th/ita/2567-{no:02d}-{step_no:02d}","หลักฐาน")'
            sheet[f"M{r}"] = "ดำเนินการแล้วเสร็จตามแผน"
            r += 1
        sheet[f"C{first}"], sheet[f"D{first}"] = no, title
        sheet[f"G{first}"], sheet[f"H{first}"] = unit, "รอบ ๖ เดือนและประจำปี"
        for letter in "CDGH":
            sheet.merge_cells(f"{letter}{first}:{letter}{r - 1}")
    if habits.broken_formula:
        sheet["E4"] = "=#REF!+1"
    if habits.stray:
        sheet["P1048576"] = " "
    if habits.extras:
        from openpyxl.chart import BarChart, Reference
        from openpyxl.comments import Comment
        from openpyxl.drawing.image import Image
        from openpyxl.formatting.rule import CellIsRule
        from openpyxl.styles import PatternFill

        sheet["M2"].comment = Comment("ตรวจแล้ว รอลงนาม", "สมศรี")
        sheet["J3"] = "เสร็จ"  # not a status: a finding and a note beside the person's comment
        sheet["G5"] = "กองคลังง"  # a typo in a unit merged over two steps: one note, on G5
        sheet.conditional_formatting.add(
            "J2:J100", CellIsRule(operator="equal", formula=['"ยกเลิก"'], fill=PatternFill("solid", fgColor="FFC7CE"))
        )
        logo = path.with_suffix(".png")
        from PIL import Image as PILImage

        PILImage.new("RGB", (40, 40), (200, 30, 30)).save(logo)
        sheet.add_image(Image(str(logo)), "O2")
        notes = book.create_sheet("สรุปของกอง")
        notes.append(["กอง", "จำนวน"])
        notes.append(["สำนักงานปลัด", 3])
        notes.append(["กองคลัง", 2])
        chart = BarChart()
        chart.add_data(Reference(notes, min_col=2, min_row=1, max_row=3), titles_from_data=True)
        notes.add_chart(chart, "D2")
        hidden = book.create_sheet("ข้อมูลอ้างอิง")
        hidden["A1"] = "รายการกอง"
        hidden.sheet_state = "hidden"
    for column in range(1, 15):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    book.save(path)
    return path


def through_libreoffice(paths: list[Path], out: Path) -> list[Path]:
    """Open and save each file in LibreOffice: formulas get their cached results."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [OFFICE, f"-env:UserInstallation=file://{out}/lo", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )
    converted = [out / p.name for p in paths]
    assert done.returncode == 0 and all(p.is_file() for p in converted), done.stderr
    return converted


needs_office = pytest.mark.skipif(OFFICE is None, reason="LibreOffice (soffice) is not installed")

LINKS = [f"https://www.example.go.th/ita/2567-{no:02d}-{step:02d}" for no, _t, _u, steps in MEASURES
         for step in range(1, len(steps) + 1)]

FIXTURES = {
    "plain": Habits(),
    "stray": Habits(stray=True),
    "extras": Habits(extras=True),
    "broken": Habits(broken_formula=True),
}


@pytest.fixture(scope="session")
def saved_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each habit's workbook, saved once by LibreOffice for the whole session."""
    if OFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    root = tmp_path_factory.mktemp("clerk")
    settings = settings_at(root)
    raw = [clerk_workbook(settings, root / f"{name}.xlsx", habits) for name, habits in FIXTURES.items()]
    return dict(zip(FIXTURES, through_libreoffice(raw, root / "saved"), strict=True))


@pytest.fixture
def office(tmp_path: Path) -> Settings:
    return settings_at(tmp_path)


def put(saved: Path, settings: Settings) -> Path:
    """A fresh copy of a saved fixture at the settings' workbook path."""
    settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved, settings.workbook_path)
    return settings.workbook_path


# ---------------------------------------------------------------- reading as a person sees


@needs_office
def test_merged_titles_and_formulas_read_as_their_values(saved_books: dict[str, Path], office: Settings) -> None:
    put(saved_books["plain"], office)
    title = build_schema(office)["measures"].title
    grid = XlsxWorkbook(office.workbook_path).read([title])[title]
    assert [row[0] for row in grid[1:]] == ["2567-01-01", "2567-01-02", "2567-01-03", "2567-02-01", "2567-02-02"]
    assert [row[2] for row in grid[1:]] == [1, 1, 1, 2, 2]  # the merged measure number, on every step
    assert [row[3] for row in grid[1:4]] == ["การเปิดเผยข้อมูลสาธารณะ"] * 3
    assert [row[4] for row in grid[1:]] == [1, 2, 3, 1, 2]  # =E2+1 read as its result
    assert grid[1][8] == dt.datetime(2024, 3, 31)  # =DATE(...) read as the date it shows
    assert grid[2][10] == dt.datetime(2024, 3, 12)
    assert grid[1][11] == "https://www.example.go.th/ita/2567-01-01"  # the link, not the word shown


@needs_office
def test_a_clerks_workbook_with_merges_and_formulas_gets_no_false_findings(
    saved_books: dict[str, Path], office: Settings
) -> None:
    put(saved_books["plain"], office)
    summary = run_once(office, stages=check_stages(), write=True)
    measures = [f for f in summary.findings if f.sheet_key == "measures"]
    assert measures == [], [(f.row, f.column, f.rule, f.value) for f in measures]


@needs_office
def test_a_formula_whose_result_is_an_error_is_one_finding(saved_books: dict[str, Path], office: Settings) -> None:
    put(saved_books["broken"], office)
    title = build_schema(office)["measures"].title
    grid = XlsxWorkbook(office.workbook_path).read([title])[title]
    assert grid[3][4] == "#REF!" and isinstance(grid[3][4], CellError)
    summary = run_once(office, stages=check_stages(), write=False)
    measures = [(f.row, f.column_key, f.rule, f.value) for f in summary.findings if f.sheet_key == "measures"]
    # The step number is an error; the row id built from it shows #REF! too.
    assert ("4", "step_no", "formula-error", "#REF!") in [(str(r), k, rule, v) for r, k, rule, v in measures]
    assert {rule for _r, _k, rule, _v in measures} == {"formula-error"}


@needs_office
def test_a_stray_space_at_the_last_row_costs_nothing(saved_books: dict[str, Path], office: Settings) -> None:
    title = build_schema(office)["measures"].title
    plain = XlsxWorkbook(saved_books["plain"]).read([title])[title]
    stray = XlsxWorkbook(saved_books["stray"]).read([title])[title]
    assert stray == plain  # the same grid: the space is not data, and no million rows


# ---------------------------------------------------------------- writing without harm


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


# What a run may write in a workbook that has no service sheets yet: the two new sheets and
# their places in the workbook, a style for their header row, and the notes with their rels.
SERVICE_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


@needs_office
def test_a_run_leaves_every_part_it_does_not_own_byte_for_byte(saved_books: dict[str, Path], office: Settings) -> None:
    path = put(saved_books["extras"], office)
    before = parts(path)
    summary = run_once(office, stages=check_stages())
    after = parts(path)
    measures = build_schema(office)["measures"].title
    with Package(path) as pkg:
        sheet = pkg.sheet(measures)
        notes_parts = {target for _kind, target in pkg.rels(sheet.part).values()}
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= SERVICE_PARTS | notes_parts, changed
    # The staff sheet itself (values, formulas and their cached results, merges, data
    # validation, conditional formatting) and the image, chart, hidden sheet: untouched.
    assert before[sheet.part] == after[sheet.part]
    assert any(name.startswith("xl/media/") for name in before)
    assert any(name.startswith("xl/charts/") for name in before)
    assert {n for n in before if n.startswith(("xl/media/", "xl/charts/", "xl/drawings/drawing"))} <= set(after)
    # styles.xml only gained: every style the staff use keeps its number.
    assert after["xl/styles.xml"].count(b"<xf ") >= before["xl/styles.xml"].count(b"<xf ")
    assert {f.rule for f in summary.findings if f.sheet_key == "measures"} == {"choice", "choice-typo"}


@needs_office
def test_notes_go_beside_a_persons_comment_and_on_a_merged_ranges_first_cell(
    saved_books: dict[str, Path], office: Settings
) -> None:
    path = put(saved_books["extras"], office)
    person = openpyxl.load_workbook(path)[build_schema(office)["measures"].title]["M2"].comment
    run_once(office, stages=check_stages())
    sheet = openpyxl.load_workbook(path)[build_schema(office)["measures"].title]
    assert (sheet["M2"].comment.text, sheet["M2"].comment.author) == (person.text, person.author)
    assert person.text == "ตรวจแล้ว รอลงนาม"
    assert sheet["J3"].comment.text.startswith(NOTE_MARK)
    assert sheet["G5"].comment.text.startswith(NOTE_MARK)  # the range G5:G6 has one note, on G5
    assert sheet["G6"].comment is None
    hidden = openpyxl.load_workbook(path)["ข้อมูลอ้างอิง"]
    assert hidden.sheet_state == "hidden"


@needs_office
def test_a_second_run_writes_nothing_and_formulas_keep_their_cached_results(
    saved_books: dict[str, Path], office: Settings
) -> None:
    path = put(saved_books["plain"], office)
    measures = build_schema(office)["measures"].title
    grid = XlsxWorkbook(path).read([measures])[measures]
    run_once(office, stages=check_stages())
    once = path.read_bytes()
    run_once(office, stages=check_stages())
    assert path.read_bytes() == once
    with zipfile.ZipFile(path) as z, Package(path) as pkg:
        xml = z.read(pkg.sheet(measures).part).decode()
    assert '<f aca="false">E2+1</f><v>2</v>' in xml  # formula and its cached result, as LibreOffice saved them
    assert XlsxWorkbook(path).read([measures])[measures] == grid


@needs_office
def test_a_plan_cell_written_over_a_formula_keeps_the_others_and_drops_the_stale_calc_chain(
    saved_books: dict[str, Path], office: Settings, tmp_path: Path
) -> None:
    from automation.workbook import CellWrite, Changes

    path = put(saved_books["plain"], office)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp_path / "chain.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():  # the calc chain Excel keeps beside its formulas
            data = src.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
                                    b'Target="calcChain.xml"/></Relationships>')
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            out.writestr(info, data)
        out.writestr("xl/calcChain.xml", b'<?xml version="1.0" encoding="UTF-8"?><calcChain xmlns="http://schemas.'
                                         b'openxmlformats.org/spreadsheetml/2006/main"><c r="A2" i="1"/></calcChain>')
    shutil.copy(tmp_path / "chain.xlsx", path)
    measures = build_schema(office)["measures"].title
    before = path.read_bytes()
    XlsxWorkbook(path).apply(Changes(cells=[CellWrite(measures, 2, 1, "2567-01-01")]))  # what the formula shows
    assert path.read_bytes() == before  # the same value: the formula stays, nothing is written
    XlsxWorkbook(path).apply(Changes(cells=[CellWrite(measures, 2, 1, "2567-01-09")]))  # import-plan's new id
    after = parts(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"] + after["[Content_Types].xml"]
    book = openpyxl.load_workbook(path)
    assert book[measures]["A2"].value == "2567-01-09" and book[measures]["A3"].value.startswith("=")


@needs_office
def test_libreoffice_and_openpyxl_open_the_written_workbook(saved_books: dict[str, Path], office: Settings,
                                                            tmp_path: Path) -> None:
    path = put(saved_books["extras"], office)
    run_once(office)  # a full run: findings and summary sheets, notes
    book = openpyxl.load_workbook(path)
    schema = build_schema(office)
    findings = book[schema["findings"].title]
    assert findings["A1"].value == "ระดับ" and findings["A1"].font.bold and findings.freeze_panes == "A2"
    assert findings.max_row > 2 and book[schema["summary"].title]["A1"].value
    again = through_libreoffice([path], tmp_path / "reopened")[0]
    assert openpyxl.load_workbook(again)[schema["findings"].title].max_row == findings.max_row


@needs_office
def test_a_shared_folders_permissions_are_kept(saved_books: dict[str, Path], office: Settings) -> None:
    path = put(saved_books["extras"], office)
    os.chmod(path, 0o664)
    run_once(office, stages=check_stages())
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_a_new_workbook_follows_the_umask(office: Settings) -> None:
    old = os.umask(0o002)
    try:
        XlsxWorkbook(office.workbook_path).provision(list(build_schema(office).sheets.values()))
    finally:
        os.umask(old)
    assert stat.S_IMODE(office.workbook_path.stat().st_mode) == 0o664


# ---------------------------------------------------------------- open, locked, damaged


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("lock", ["~$workbook.xlsx", "~$rkbook.xlsx", ".~lock.workbook.xlsx#"],
                         ids=["excel", "excel-long-name", "libreoffice"])
def test_a_workbook_open_in_an_office_program_is_not_written(
    demo_workbook: Path, settings: Settings, capsys: pytest.CaptureFixture[str], lock: str
) -> None:
    path = demo_workbook.rename(demo_workbook.with_name("workbook.xlsx"))
    (path.parent / lock).write_text("สมศรี")
    before = path.read_bytes()
    assert main(["validate", "--workbook", str(path), "--config", str(settings.source)]) == 2
    line = one_line(capsys)
    assert str(path) in line and "ปิดไฟล์ใน Excel แล้วสั่งใหม่" in line and lock in line
    assert path.read_bytes() == before


def test_a_read_only_workbook_is_not_written(demo_workbook: Path, settings: Settings,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = demo_workbook.read_bytes()
    os.chmod(demo_workbook, 0o444)
    assert main(["validate", "--config", str(settings.source)]) == 2
    line = one_line(capsys)
    assert str(demo_workbook) in line and "อ่านอย่างเดียว" in line
    assert demo_workbook.read_bytes() == before and stat.S_IMODE(demo_workbook.stat().st_mode) == 0o444
    assert main(["validate", "--dry-run", "--config", str(settings.source)]) in (0, 1)  # reading still works


def test_the_scheduled_check_tries_again_and_status_says_why(demo_workbook: Path, settings: Settings) -> None:
    from zoneinfo import ZoneInfo

    from automation.commands.service import status_data, status_text
    from automation.scheduler import FakeClock, Service
    from automation.state import State

    lock = demo_workbook.with_name(f".~lock.{demo_workbook.name}#")
    lock.write_text("สมศรี")
    clock = FakeClock(dt.datetime(2024, 4, 22, 7, 30, tzinfo=ZoneInfo("Asia/Bangkok")))
    with State(settings.state_path) as state:
        service = Service(settings, state, clock)
        assert service.run_now("check").outcome == "failed"
        lock.unlink()  # the clerk closes the file; the next check writes
        assert service.run_now("check").outcome == "ok"
    text = status_text(status_data(settings, clock=clock), settings, "th")
    assert "ปิดไฟล์ใน Excel แล้วสั่งใหม่" in text and "ระบบจะลองใหม่ในรอบตรวจถัดไป" in text


def _encrypted(plain: Path, target: Path) -> Path:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(plain, "rb") as src, open(target, "wb") as out:
        OOXMLFile(src).encrypt("รหัส1234", out)
    assert msoffcrypto  # the library is what Excel's "Encrypt with password" writes
    return target


def _with_control_character(plain: Path, target: Path) -> Path:
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
                data = data.replace(b"</t>", b"\x01</t>", 1)  # pasted from another program
            out.writestr(info, data)
    return target


@pytest.mark.parametrize(("make", "cause"), [
    ("truncated", "เสียหาย"),
    ("encrypted", "รหัสผ่าน"),
    ("legacy", "บันทึกเป็น"),
    ("control", "อักขระ"),
    ("csv", "ไม่ใช่ไฟล์ .xlsx"),
], ids=["truncated", "encrypted", "xls-renamed", "control-characters", "not-a-zip"])
def test_a_damaged_encrypted_or_legacy_file_is_one_line_naming_file_and_cause(
    demo_workbook: Path, settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    make: str, cause: str
) -> None:
    bad = tmp_path / "bad.xlsx"
    if make == "truncated":
        bad.write_bytes(demo_workbook.read_bytes()[: demo_workbook.stat().st_size // 2])
    elif make == "encrypted":
        _encrypted(demo_workbook, bad)
    elif make == "legacy":
        if OFFICE is None:
            pytest.skip("LibreOffice (soffice) is not installed")
        out = tmp_path / "xls"
        subprocess.run([OFFICE, f"-env:UserInstallation=file://{out}/lo", "--headless", "--convert-to", "xls",
                        "--outdir", str(out), str(demo_workbook)], capture_output=True, timeout=300, check=True)
        shutil.copy(out / demo_workbook.with_suffix(".xls").name, bad)
    elif make == "control":
        _with_control_character(demo_workbook, bad)
    else:
        bad.write_text("รหัสแถว,ปีงบประมาณ\n2567-01-01,2567\n", encoding="utf-8")
    before = bad.read_bytes()
    assert main(["validate", "--workbook", str(bad), "--config", str(settings.source)]) == 2
    line = one_line(capsys)
    assert line.startswith(f"error: {bad}: ") and cause in line, line
    assert bad.read_bytes() == before


# ---------------------------------------------------------------- near misses in structure


def _renamed(source: Path, target: Path, titles: dict[str, str], edit: Any = None) -> Path:
    """A copy with sheets renamed as staff rename them (through openpyxl: values only matter)."""
    book = openpyxl.load_workbook(source)
    for old, new in titles.items():
        book[old].title = new
    if edit is not None:
        edit(book)
    book.save(target)
    return target


def test_sheet_titles_that_differ_only_by_spacing_marks_or_the_forms_english_name_are_read_with_a_warning(
    demo_workbook: Path, settings: Settings
) -> None:
    schema = build_schema(settings)
    measures, responses = schema["measures"].title, schema["responses"].title
    assert responses == "การตอบแบบฟอร์ม 1"
    before = run_once(settings, stages=check_stages(), write=False)
    _renamed(demo_workbook, demo_workbook, {measures: measures + " ", responses: "Form Responses 1"})
    summary = run_once(settings, stages=check_stages())
    rules = [(f.sheet_key, f.rule) for f in summary.findings]
    assert ("measures", "sheet-title") in rules and ("responses", "sheet-title") in rules
    assert "missing-sheet" not in {r for _k, r in rules}
    # Every finding the exact titles gave is still there, and the notes are on the staff's own tabs.
    assert {(f.sheet, f.row, f.rule) for f in before.findings} <= {(f.sheet, f.row, f.rule) for f in summary.findings}
    book = openpyxl.load_workbook(demo_workbook)
    assert measures not in book.sheetnames and measures + " " in book.sheetnames  # no second sheet added
    noted = [c for row in book[measures + " "].iter_rows() for c in row if c.comment is not None]
    assert noted and all(c.comment.text.startswith(NOTE_MARK) for c in noted)
    warning = next(f for f in summary.findings if f.rule == "sheet-title" and f.sheet_key == "responses")
    assert "Form Responses 1" in warning.message and warning.severity == "warning"


def test_a_header_with_an_invisible_mark_is_matched_with_a_warning(demo_workbook: Path, settings: Settings) -> None:
    title = build_schema(settings)["complaints"].title

    def mark(book: openpyxl.Workbook) -> None:
        book[title]["B1"] = "วันที่\u200bรับเรื่อง"

    _renamed(demo_workbook, demo_workbook, {}, mark)
    summary = run_once(settings, stages=check_stages(), write=False)
    mine = [f for f in summary.findings if f.sheet_key == "complaints" and f.row == 1]
    assert [(f.rule, f.column_key) for f in mine] == [("header-variant", "received_date")]
    assert not any(f.rule == "missing-column" for f in summary.findings)


def test_title_rows_above_the_headers_are_recognised(demo_workbook: Path, settings: Settings) -> None:
    title = build_schema(settings)["measures"].title
    before = run_once(settings, stages=check_stages(), write=False)

    def titled(book: openpyxl.Workbook) -> None:
        sheet = book[title]
        sheet.insert_rows(1, 2)
        sheet["A1"] = "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"
        sheet.merge_cells("A1:N1")
        sheet["A2"] = "องค์การบริหารส่วนตำบลบ้านสวน"

    _renamed(demo_workbook, demo_workbook, {}, titled)
    after = run_once(settings, stages=check_stages())
    shifted = {(f.rule, f.column_key, f.row + 2 if f.row and f.sheet_key == "measures" else f.row)
               for f in before.findings}
    assert {(f.rule, f.column_key, f.row) for f in after.findings} == shifted  # the same findings, two rows down
    sheet = openpyxl.load_workbook(demo_workbook)[title]
    first = next(f for f in after.findings if f.sheet_key == "measures" and f.col_number)
    assert sheet.cell(first.row, first.col_number).comment.text.startswith(NOTE_MARK)


def test_merged_cells_in_the_findings_sheet_hide_no_rows_at_the_next_rewrite(
    demo_workbook: Path, settings: Settings
) -> None:
    findings = build_schema(settings)["findings"].title
    run_once(settings, stages=check_stages())
    count = openpyxl.load_workbook(demo_workbook)[findings].max_row

    def merge(book: openpyxl.Workbook) -> None:
        book[findings].merge_cells("A2:B4")  # a person tidying the service's sheet
        book[findings].merge_cells("H3:H6")

    _renamed(demo_workbook, demo_workbook, {}, merge)
    run_once(settings, stages=check_stages())
    sheet = openpyxl.load_workbook(demo_workbook)[findings]
    assert not sheet.merged_cells.ranges
    assert sheet.max_row == count and all(sheet.cell(r, 1).value for r in range(1, count + 1))


# ---------------------------------------------------------------- Google Sheets: merges


@needs_office
def test_merges_on_google_sheets_give_the_same_findings_as_the_xlsx_file(
    saved_books: dict[str, Path], office: Settings, tmp_path: Path
) -> None:
    from automation.sheets_emulator import SheetsEmulator
    from automation.workbook import open_workbook

    local_file = put(saved_books["extras"], office)
    local = run_once(office, stages=check_stages(), write=False)
    values = tmp_path / "values.xlsx"  # what an upload to Drive keeps: values, merges, notes
    book = openpyxl.load_workbook(local_file, data_only=True)
    measures = build_schema(office)["measures"].title
    formulas = openpyxl.load_workbook(local_file)[measures]
    for (row, *_rest), link in zip(book[measures].iter_rows(min_row=2, max_row=6), LINKS, strict=True):
        typed = formulas.cell(row.row, 12).value  # =HYPERLINK("…", "หลักฐาน"): Sheets shows the label
        assert link in typed
        row.offset(column=11).value = typed
    book.save(values)
    with SheetsEmulator() as emulator:
        bot = "ita-bot@office-test.iam.gserviceaccount.com"
        key = emulator.write_service_account_key(tmp_path / "key.json", bot)
        sid = emulator.import_xlsx(values, shared_with=[bot])
        remote_settings = load_settings(office.source, run__today=TODAY, workbook__backend="gsheets",
                                        gsheets__spreadsheet_id=sid, gsheets__credentials_file=str(key),
                                        gsheets__api_base_url=emulator.url, gsheets__timeout_seconds=5)
        book = open_workbook(remote_settings)
        remote = run_once(remote_settings, book, stages=check_stages())
        assert book.api_calls == 4
        measures = build_schema(office)["measures"].title
        notes = emulator.notes(sid, measures)
    mine = sorted((f.row, f.column_key, f.rule) for f in local.findings if f.sheet_key == "measures")
    assert sorted((f.row, f.column_key, f.rule) for f in remote.findings if f.sheet_key == "measures") == mine
    assert ("5", "unit", "choice-typo") in {(str(r), k, rule) for r, k, rule in mine}
    assert (4, 6) in notes and (5, 6) not in notes  # 0-based: the merged unit's note on G5, none on G6


def test_the_emulator_merges_cells_as_google_does(tmp_path: Path) -> None:
    import gspread

    from automation.gsheets_transport import http_client_for, quiet_offline_auth, service_account_credentials
    from automation.sheets_emulator import SheetsEmulator

    quiet_offline_auth()
    with SheetsEmulator() as emulator:
        bot = "ita-bot@office-test.iam.gserviceaccount.com"
        key = emulator.write_service_account_key(tmp_path / "key.json", bot)
        sid = emulator.create_spreadsheet("ITA", {"มาตรการ": [["มาตรการ", "ขั้นตอน"], ["เปิดเผยข้อมูล", "ประกาศ"],
                                                              ["ไม่ควรเหลือ", "เผยแพร่"]]}, [bot])
        client = gspread.Client(service_account_credentials(key), http_client=http_client_for(emulator.url))
        sheet = client.open_by_key(sid).worksheet("มาตรการ")
        sheet.merge_cells("A2:A3")
        meta = client.http_client.fetch_sheet_metadata(sid, params={"fields": "sheets(properties(title),merges)"})
        assert meta["sheets"][0]["merges"] == [{"sheetId": sheet.id, "startRowIndex": 1, "endRowIndex": 3,
                                                "startColumnIndex": 0, "endColumnIndex": 1}]
        assert emulator.values(sid, "มาตรการ")[2] == ["", "เผยแพร่"]  # only the top-left value stays
        with pytest.raises(gspread.exceptions.APIError):
            sheet.merge_cells("A3:B3")  # overlaps the first merge
        sheet.unmerge_cells("A2:A3")
        assert "merges" not in client.http_client.fetch_sheet_metadata(
            sid, params={"fields": "sheets(properties(title),merges)"})["sheets"][0]


# ---------------------------------------------------------------- links shown as a word

LINKED = [  # (what is typed or inserted, the value both backends read)
    ('=HYPERLINK("https://www.example.go.th/ita/a","หลักฐาน")', "https://www.example.go.th/ita/a"),
    ('=HYPERLINK("https://www.example.go.th/ita/b")', "https://www.example.go.th/ita/b"),
    ("inserted", "https://www.example.go.th/ita/c"),  # "หลักฐาน" with a link inserted on the cell
    ("https://www.example.go.th/ita/d", "https://www.example.go.th/ita/d"),  # an address pasted
    ("ไม่มีลิงก์", "ไม่มีลิงก์"),  # a word and no link: stays the word (a finding's business)
]


def _linked_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "หลักฐาน"
    sheet.append(["ขั้นตอน", "หลักฐาน"])
    for i, (typed, _value) in enumerate(LINKED, 2):
        sheet.cell(i, 1, f"ขั้นตอน {i - 1}")
        if typed == "inserted":
            sheet.cell(i, 2, "หลักฐาน").hyperlink = "https://www.example.go.th/ita/c"
        else:
            sheet.cell(i, 2, typed)
    book.save(path)
    return path


@needs_office
def test_hyperlink_formulas_and_inserted_links_read_as_their_address_on_both_backends(tmp_path: Path) -> None:
    import gspread

    from automation.gsheets_transport import http_client_for, quiet_offline_auth, service_account_credentials
    from automation.sheets_emulator import SheetsEmulator
    from automation.workbook.gsheets import GoogleSheetsWorkbook

    [saved] = through_libreoffice([_linked_workbook(tmp_path / "links.xlsx")], tmp_path / "saved")
    want = [["ขั้นตอน", "หลักฐาน"]] + [[f"ขั้นตอน {i}", value] for i, (_t, value) in enumerate(LINKED, 1)]
    assert XlsxWorkbook(saved).read(["หลักฐาน"])["หลักฐาน"] == want

    quiet_offline_auth()
    with SheetsEmulator() as emulator:
        bot = "ita-bot@office-test.iam.gserviceaccount.com"
        key = emulator.write_service_account_key(tmp_path / "key.json", bot)
        client = gspread.Client(service_account_credentials(key), http_client=http_client_for(emulator.url))
        http = client.http_client
        # The office's file uploaded to Drive, and the same cells typed in Google Sheets.
        imported = emulator.import_xlsx(saved, shared_with=[bot])
        typed = emulator.create_spreadsheet("ITA", {"หลักฐาน": [["ขั้นตอน", "หลักฐาน"]]}, [bot])
        sheet = client.open_by_key(typed).sheet1
        sheet.update([[f"ขั้นตอน {i}", "หลักฐาน" if t == "inserted" else t] for i, (t, _v) in enumerate(LINKED, 1)],
                     "A2", value_input_option="USER_ENTERED")
        row = next(i for i, (t, _v) in enumerate(LINKED, 1) if t == "inserted")
        sheet.spreadsheet.batch_update({"requests": [{"repeatCell": {
            "range": {"sheetId": sheet.id, "startRowIndex": row, "endRowIndex": row + 1,
                      "startColumnIndex": 1, "endColumnIndex": 2},
            "cell": {"userEnteredFormat": {"textFormat": {"link": {"uri": "https://www.example.go.th/ita/c"}}}},
            "fields": "userEnteredFormat.textFormat.link"}}]})
        assert sheet.cell(2, 2).value == "หลักฐาน"  # Google shows a HYPERLINK's label
        for sid in (imported, typed):
            book = GoogleSheetsWorkbook(sid, http)
            assert book.read(["หลักฐาน"])["หลักฐาน"] == want
            assert book.api_calls == 2  # the links came with the sheet list: no call of their own


# ---------------------------------------------------------------- docProps/app.xml's sheet list

def _excel_app(sheets: list[str]) -> bytes:
    """app.xml as Excel writes it: worksheets, then a named range (Excel's print area)."""
    listed = "".join(f"<vt:lpstr>{t}</vt:lpstr>" for t in sheets)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Properties xmlns="http://schemas.'
        'openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.'
        'org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0'
        '</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="4" baseType="variant">'
        f"<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{len(sheets)}</vt:i4>"
        "</vt:variant><vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4>"
        f'</vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="{len(sheets) + 1}" '
        f'baseType="lpstr">{listed}<vt:lpstr>{sheets[0]}!Print_Area</vt:lpstr></vt:vector></TitlesOfParts>'
        "<Company></Company><AppVersion>16.0300</AppVersion></Properties>"
    ).encode()


@needs_office
def test_a_sheet_the_run_adds_joins_app_xmls_sheet_list_and_nothing_else_changes(
    saved_books: dict[str, Path], office: Settings, tmp_path: Path
) -> None:
    saved = saved_books["extras"]
    untouched = parts(saved)
    assert b"TitlesOfParts" not in untouched["docProps/app.xml"]  # LibreOffice keeps no list
    with Package(saved) as pkg:
        titles = [s.title for s in pkg.sheets]
    excel = tmp_path / "excel.xlsx"  # the same workbook as Excel would describe it
    with zipfile.ZipFile(saved) as z, zipfile.ZipFile(excel, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info, _excel_app(titles) if info.filename == "docProps/app.xml" else z.read(info))
    path = put(excel, office)
    before = parts(path)
    run_once(office)  # a full run: the findings and summary sheets are added
    after = parts(path)
    with Package(path) as pkg:
        now = [s.title for s in pkg.sheets]
        notes_parts = {t for s in pkg.sheets for _k, t in pkg.rels(s.part).values()}
    assert now[:len(titles)] == titles and len(now) == len(titles) + 2
    assert after["docProps/app.xml"] == _excel_app(now)  # byte for byte, but for the list
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= SERVICE_PARTS | notes_parts | {"docProps/app.xml"}, changed
    # A second run adds no sheet: app.xml as the first run left it.
    run_once(office)
    assert parts(path)["docProps/app.xml"] == after["docProps/app.xml"]
    schema = build_schema(office)
    assert openpyxl.load_workbook(path)[schema["findings"].title]["A1"].value == "ระดับ"
    again = through_libreoffice([path], tmp_path / "reopened")[0]
    assert schema["summary"].title in openpyxl.load_workbook(again).sheetnames
    # ... and a LibreOffice-saved workbook, which keeps no list, keeps its app.xml as it was.
    path = put(saved, office)
    run_once(office)
    assert parts(path)["docProps/app.xml"] == untouched["docProps/app.xml"]
