"""Validation end to end: typed cells, findings written where staff work, notes that vanish
once a cell is fixed, and the `validate` command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from automation import validation
from automation.cli import main
from automation.pipeline import run_once
from automation.schema import Column, build_schema
from automation.settings import Settings, load_settings
from automation.tables import load_tables
from automation.thaidate import digits
from automation.validation import parse_cell, plain_value
from automation.workbook import NOTE_MARK, CellWrite, Changes
from automation.workbook.xlsx import XlsxWorkbook

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 4, 20)  # as tests/conftest.py pins it
DATE = Column("d", "วันที่", "Date", "date")
STAMP = Column("t", "ประทับเวลา", "Timestamp", "datetime")
NUMBER = Column("n", "ขั้นตอนที่", "Step no.", "int")
LINK = Column("u", "ลิงก์หลักฐาน", "Evidence link", "url")
SCORE = Column("q", "คำถาม", "Question", "likert")


# ---------------------------------------------------------------- parse_cell


@pytest.mark.parametrize(
    "value",
    ["15/03/2567", "15/3/67", "15 มี.ค. 67", "๑๕ มีนาคม ๒๕๖๗", "2024-03-15", "วันที่ 15 มีนาคม พ.ศ. 2567",
     dt.date(2024, 3, 15), dt.datetime(2024, 3, 15), 45366],
)
def test_every_accepted_date_form_types_to_the_same_day(value: Any) -> None:
    assert parse_cell(DATE, value).value == dt.date(2024, 3, 15)
    assert parse_cell(DATE, value).problem is None


@pytest.mark.parametrize(("value", "number"), [("12", 12), ("12.0", 12), (12.0, 12), ("๑๒", 12), (" 3 ", 3)])
def test_whole_numbers_in_any_spelling(value: Any, number: int) -> None:
    assert parse_cell(NUMBER, value).value == number


def test_a_be_year_in_a_date_cell_suggests_the_ce_date() -> None:
    parsed = parse_cell(DATE, dt.datetime(2567, 3, 15))
    assert parsed.value is None and parsed.problem is not None
    assert parsed.problem.rule.id == "wrong-era"
    assert "15/03/2567" in parsed.problem.params["corrected"]["th"]
    assert "2024-03-15" in parsed.problem.params["corrected"]["th"]


def test_a_choice_types_to_its_key_and_a_unit_alias_keeps_its_meaning(settings: Settings) -> None:
    unit = build_schema(settings)["complaints"].column("unit")
    parsed = parse_cell(unit, "สำนักปลัด")
    assert parsed.value == "สำนักงานปลัด อบต."
    assert parsed.problem is not None and parsed.problem.rule.id == "choice-alias"
    assert parsed.problem.severity == "warning"  # a unit routes findings and e-mail: worth fixing


def test_a_near_miss_suggests_the_right_spelling(settings: Settings) -> None:
    channel = build_schema(settings)["complaints"].column("channel")
    parsed = parse_cell(channel, "โทรศัพ")
    assert parsed.value is None
    assert parsed.problem is not None and parsed.problem.params["suggested"]["th"] == "โทรศัพท์"


def test_links_need_a_scheme_and_a_host() -> None:
    assert parse_cell(LINK, "https://www.example.go.th/ita/1").value == "https://www.example.go.th/ita/1"
    hint = parse_cell(LINK, "www.example.go.th/ita/1").problem.params["hint"]["th"]
    assert "https://www.example.go.th/ita/1" in hint
    assert parse_cell(LINK, "ดูในแฟ้มกองคลัง").problem.rule.id == "url"


def test_likert_answers_type_to_levels_and_anything_else_is_a_problem() -> None:
    assert [parse_cell(SCORE, v).value for v in ("มากที่สุด", 4, "๓", "2", "น้อยที่สุด")] == [5, 4, 3, 2, 1]
    assert parse_cell(SCORE, "ดีมาก").problem.rule.id == "likert"
    assert parse_cell(SCORE, None).blank


@given(number=st.one_of(st.integers().filter(lambda n: not 1 <= n <= 5),
                        st.decimals(1, 5, places=2, allow_nan=False).filter(lambda d: d != d.to_integral())))
def test_a_number_that_is_not_a_level_is_never_read_as_one(number: Any) -> None:
    from automation.thaidate import to_thai_digits

    for text in (str(number), to_thai_digits(str(number))):
        parsed = parse_cell(SCORE, text)
        assert parsed.value is None and parsed.problem is not None and parsed.problem.rule.id == "likert", text


any_value = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(), st.booleans(), st.dates(), st.datetimes(),
    st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F)),
)


@given(value=any_value)
def test_parse_cell_never_raises_for_any_type(value: Any) -> None:
    for column in (DATE, STAMP, NUMBER, LINK, SCORE, Column("x", "x", "x")):
        parsed = parse_cell(column, value)
        if parsed.problem is not None and parsed.value is not None:  # a kept value is only warned about
            assert (parsed.problem.severity or parsed.problem.rule.severity) != "error"
        assert not (parsed.blank and parsed.problem)


# ---------------------------------------------------------------- the demo workbook


def grids(path: Path, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    schema = build_schema(settings)
    tables = load_tables(XlsxWorkbook(path), schema)
    return {
        key: [{k: plain_value(v) for k, v in r.items()} for r in tables[key].records()]
        for key in ("measures", "complaints", "responses")
    }


def planted(path: Path, settings: Settings) -> set[tuple[str, int, str, str]]:
    """Where the demo's deliberate mistakes sit, found from the data itself."""
    data = grids(path, settings)
    questions = [q.key for q in settings.survey.questions]
    where: set[tuple[str, int, str, str]] = set()
    for r in data["measures"]:
        done = r["status"] == "ดำเนินการแล้ว"
        if r["status"] == "ดำเนินการแล้ว ":
            where.add(("measures", r["_row"], "status", "choice-spacing"))
        if done and r["done_date"] is None:
            where.add(("measures", r["_row"], "done_date", "done-needs-date"))
        if isinstance(r["done_date"], dt.date) and r["done_date"].year > 2400:
            where.add(("measures", r["_row"], "done_date", "wrong-era"))
        if r["evidence_url"] == "ดูในแฟ้มกองคลัง":
            where.add(("measures", r["_row"], "evidence_url", "url"))
    seen: set[str] = set()
    for r in data["complaints"]:
        checks = [
            (r["subject"] is None, "subject", "required"),
            (r["channel"] == "โทรศัพ", "channel", "choice-typo"),
            (r["received_date"] == "15/13/2567", "received_date", "date-impossible"),
            (r["unit"] == "สำนักปลัด", "unit", "choice-alias"),
            (str(r["subject"]).startswith("=IMPORTXML"), "subject", "formula-like"),
            (r["complaint_id"] in seen, "complaint_id", "duplicate-id"),
            (r["status"] == "ยุติเรื่อง" and r["outcome"] is None, "outcome", "closed-needs-outcome"),
            (isinstance(r["received_date"], dt.date) and isinstance(r["ack_date"], dt.date)
             and r["ack_date"] < r["received_date"], "ack_date", "date-order"),
        ]
        where |= {("complaints", r["_row"], col, rule) for hit, col, rule in checks if hit}
        seen.add(r["complaint_id"])
    previous = None
    for r in data["responses"]:
        if r[questions[0]] == "ดีมาก":
            where.add(("responses", r["_row"], questions[0], "likert"))
        if all(r[q] is None for q in questions):
            where.add(("responses", r["_row"], questions[0], "no-ratings"))
        answers = {k: v for k, v in r.items() if k != "_row"}
        if answers == previous:
            where.add(("responses", r["_row"], "timestamp", "duplicate-response"))
        previous = answers
    return where


def validate(settings: Settings, **kw: Any) -> Any:
    return run_once(settings, stages=[validation.stage], **kw)


@dataclass
class Book:
    """What a reader of the file sees: values and notes per sheet, and formula-looking cells' types."""

    sheets: dict[str, tuple[list[list[Any]], dict[str, str]]]
    text_types: dict[tuple[str, int, int], str]

    def staff(self, settings: Settings) -> dict[str, list[list[tuple[str, Any]]]]:
        return {
            layout.title: [[(type(v).__name__, v) for v in row] for row in self.sheets[layout.title][0]]
            for layout in build_schema(settings).staff_sheets
        }


def read_book(path: Path) -> Book:
    book = openpyxl.load_workbook(path)
    sheets, types = {}, {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows())
        sheets[ws.title] = (
            [[c.value for c in row] for row in rows],
            {c.coordinate: c.comment.text for row in rows for c in row if c.comment},
        )
        types |= {(ws.title, c.row, c.column): c.data_type for row in rows for c in row
                  if isinstance(c.value, str) and c.value.startswith("=")}
    return Book(sheets, types)


@dataclass
class Runs:
    """Three validation runs on one demo workbook: twice on the same day, once five days later."""

    settings: Settings
    planted: set[tuple[str, int, str, str]]
    before: Book
    first: Any
    after_first: Book
    second: Any
    after_second: Book
    later: Any
    after_later: Book


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Runs:
    root = tmp_path_factory.mktemp("validation")
    config = root / "config" / "settings.toml"
    config.parent.mkdir()
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    settings = load_settings(config, run__today=TODAY)
    settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
    path = Path(shutil.copy(_demo_template, settings.workbook_path))
    before = read_book(path)
    where = planted(path, settings)
    first = validate(settings)
    after_first = read_book(path)
    second = validate(settings)
    after_second = read_book(path)
    later = validate(settings, today=TODAY + dt.timedelta(days=5))
    return Runs(settings, where, before, first, after_first, second, after_second, later, read_book(path))


def test_every_planted_mistake_gets_exactly_one_finding_and_clean_rows_none(runs: Runs) -> None:
    assert len(runs.planted) >= 15  # the demo plants at least this many mistakes
    found = [(f.sheet_key, f.row, f.column_key, f.rule) for f in runs.first.findings]
    assert sorted(found) == sorted(runs.planted)


def test_findings_carry_where_what_and_how_to_fix(runs: Runs) -> None:
    schema = build_schema(runs.settings)
    for f in runs.first.findings:
        layout = schema[f.sheet_key]
        assert f.sheet == layout.title and f"แถว {f.row}" in f.message and f.suggestion
        assert f.column == layout.column(f.column_key).th
        assert f.row_id, "every demo row has an id, a complaint number or a timestamp"
        if f.sheet_key != "responses":
            assert f.unit in {u.name for u in runs.settings.units}
    typo = next(f for f in runs.first.findings if f.rule == "choice-typo")
    assert "'โทรศัพ'" in typo.message and "โทรศัพท์" in typo.suggestion


def test_write_back_puts_findings_in_the_sheet_and_notes_on_the_cells(runs: Runs) -> None:
    rows = runs.after_first.sheets[runs.settings.sheets.findings][0]
    assert len(rows) == len(runs.first.findings) + 1
    assert sorted(r[6] for r in rows[1:]) == sorted(f.rule for f in runs.first.findings)
    for f in runs.first.findings:
        note = runs.after_first.sheets[f.sheet][1][f"{get_column_letter(f.col_number)}{f.row}"]
        assert note.startswith(NOTE_MARK) and f.message in note


def test_a_second_run_changes_nothing_and_first_seen_stays(runs: Runs) -> None:
    assert runs.after_second.sheets == runs.after_first.sheets
    assert runs.second.new_findings == 0 and runs.second.resolved_findings == 0
    assert {f.first_seen for f in runs.later.findings} == {TODAY}
    assert {f.last_seen for f in runs.later.findings} == {TODAY + dt.timedelta(days=5)}


def test_staff_values_are_identical_after_runs(runs: Runs) -> None:
    assert runs.after_later.staff(runs.settings) == runs.before.staff(runs.settings)


def test_a_formula_typed_by_a_citizen_stays_text(runs: Runs) -> None:
    formula = next(f for f in runs.first.findings if f.rule == "formula-like")
    assert runs.after_later.text_types[(formula.sheet, formula.row, formula.col_number)] == "s"
    assert str(runs.after_later.sheets[formula.sheet][0][formula.row - 1][formula.col_number - 1]).startswith(
        "=IMPORTXML")
    shown = [t for (sheet, _, _), t in runs.after_later.text_types.items()
             if sheet == runs.settings.sheets.findings]
    assert shown and set(shown) == {"s"}  # repeated in the findings sheet, as text too


def test_fixing_a_cell_makes_its_finding_and_note_vanish(settings: Settings, demo_workbook: Path) -> None:
    first = validate(settings)
    typo = next(f for f in first.findings if f.rule == "choice-typo")
    others = [f for f in first.findings if f is not typo]
    book = XlsxWorkbook(demo_workbook)
    book.apply(Changes(cells=[CellWrite(typo.sheet, typo.row, typo.col_number, "โทรศัพท์")]))
    second = validate(settings)
    assert typo.identity not in {f.identity for f in second.findings}
    assert [f.identity for f in second.findings] == [f.identity for f in others]
    assert second.resolved_findings == 1
    notes = read_book(demo_workbook).sheets[typo.sheet][1]
    assert f"{get_column_letter(typo.col_number)}{typo.row}" not in notes
    assert all(f"{get_column_letter(f.col_number)}{f.row}" in notes for f in others if f.sheet == typo.sheet)


def test_a_missing_column_is_one_finding_not_one_per_row(settings: Settings, demo_workbook: Path) -> None:
    book = openpyxl.load_workbook(demo_workbook)
    sheet = book[settings.sheets.complaints]
    sheet.cell(1, 2).value = "วันรับ"  # a renamed header: the received date column is lost
    book.save(demo_workbook)
    summary = validate(settings, write=False)
    about = [f for f in summary.findings if f.column_key == "received_date"]
    assert [(f.rule, f.row) for f in about] == [("missing-column", None)]


# ---------------------------------------------------------------- the validate command


def findings_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    code = main(["validate", "--json", "--today", TODAY.isoformat(), *args])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_validate_json_lists_every_finding_with_its_fields(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = planted(demo_workbook, settings)
    data = findings_json(capsys, "--config", str(settings.source), "--dry-run")
    assert len(data) == len(expected)
    keys = {"sheet", "row", "row_id", "column", "value", "rule", "severity", "message", "suggestion",
            "first_seen", "last_seen"}
    assert all(set(item) == keys for item in data)
    assert {item["first_seen"] for item in data} == {"2024-04-20"}
    typo = next(item for item in data if item["rule"] == "choice-typo")
    assert typo["value"] == "โทรศัพ" and typo["column"] == "ช่องทาง" and typo["severity"] == "error"


def test_validate_sheet_prints_one_sheet_but_keeps_every_finding(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = findings_json(capsys, "--config", str(settings.source), "--sheet", "complaints")
    assert data and {item["sheet"] for item in data} == {settings.sheets.complaints}
    rows = list(openpyxl.load_workbook(demo_workbook)[settings.sheets.findings].iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {settings.sheets.measures, settings.sheets.complaints,
                                         settings.sheets.responses}


def test_validate_speaks_english_with_lang_en(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = findings_json(capsys, "--config", str(settings.source), "--lang", "en", "--dry-run")
    typo = next(item for item in data if item["rule"] == "choice-typo")
    assert typo["column"] == "Channel" and "is not spelt as an allowed value" in typo["message"]


def test_validate_strict_exits_1_on_errors_and_prints_text(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--strict", "--dry-run", "--config", str(settings.source)]) == 1
    captured = capsys.readouterr()
    assert "โทรศัพ" in captured.out and "แถว" in captured.out
    # The listing speaks Thai throughout: severity words and the count, not 'error' / 'findings'.
    *lines, count = captured.out.splitlines()  # the count line closes the listing, on stdout
    assert lines and all(line.split(":")[0] in ("ต้องแก้ไข", "ควรตรวจสอบ", "แจ้งให้ทราบ") for line in lines)
    assert count == digits(f"พบประเด็น {len(lines)} รายการ", settings.run.digits)


def test_validate_lists_in_english_with_lang_en(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["validate", "--dry-run", "--lang", "en", "--config", str(settings.source)])
    captured = capsys.readouterr()
    *lines, count = captured.out.splitlines()
    assert lines and all(line.split(":")[0] in ("Error", "Warning", "Info") for line in lines)
    assert " row " in captured.out and count == f"{len(lines)} findings"


def test_rules_lists_the_validation_catalogue(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    main(["rules", "--json", "--config", str(settings.source)])
    ids = {row["rule"] for row in json.loads(capsys.readouterr().out)}
    assert {"required", "choice-typo", "wrong-era", "duplicate-response", "formula-like"} <= ids



def test_a_run_in_the_other_language_keeps_every_first_seen_date(settings: Settings, demo_workbook: Path) -> None:
    # The findings sheet names columns by their header in the run's language; an English run
    # must still know the Thai run's findings (and the Thai run after it the English ones).
    english = load_settings(Path(settings.source), run__today=TODAY, run__language="en")
    first = validate(settings)
    later = validate(english, today=TODAY + dt.timedelta(days=3))
    again = validate(settings, today=TODAY + dt.timedelta(days=6))
    assert later.findings and {f.column for f in later.findings} != {f.column for f in first.findings}
    for summary in (later, again):
        assert (summary.new_findings, summary.resolved_findings) == (0, 0)
        assert {f.first_seen for f in summary.findings} == {TODAY}


def test_a_form_question_is_named_by_the_forms_own_header_in_english(
    settings: Settings, demo_workbook: Path
) -> None:
    english = load_settings(Path(settings.source), run__today=TODAY, run__language="en")
    question = settings.survey.questions[0].column  # the header Google Forms wrote, in Thai
    likert = next(f for f in validate(english, write=False).findings if f.rule == "likert")
    assert likert.column == question and f"'{question}'" in likert.message


def test_a_cell_fixed_in_excel_loses_its_finding_and_note_on_the_next_run(
    settings: Settings, demo_workbook: Path
) -> None:
    # As staff do it: open the file, correct the cell, save (openpyxl here), then the next run.
    first = validate(settings)
    link = next(f for f in first.findings if f.rule == "url")
    book = openpyxl.load_workbook(demo_workbook)
    cell = book[link.sheet].cell(link.row, link.col_number)
    assert cell.comment is not None and cell.comment.text.startswith(NOTE_MARK)
    cell.value = "https://www.example.go.th/ita/evidence"
    book.save(demo_workbook)
    second = validate(settings)
    assert link.identity not in {f.identity for f in second.findings}
    assert second.resolved_findings == 1 and second.new_findings == 0
    after = read_book(demo_workbook)
    assert f"{get_column_letter(link.col_number)}{link.row}" not in after.sheets[link.sheet][1]
    assert len(after.sheets[settings.sheets.findings][0]) == len(first.findings)  # header + one fewer
