"""The typed tables give exactly what typing each cell on its own gives, and the stages read
them instead of parsing cells again.

automation.typed_tables types each distinct value of a column once (parse_cell) and shares the
result between the rows that hold it. The per-cell definition types every cell on its own.
These tests generate sheets with the cells staff and forms leave (aliases, stray spaces,
typos, dates in every form, BE years in date cells, serials, blanks, numbers as text) and hold
findings and figures to the per-cell definition.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import automation.typed_cells as typed_cells
import automation.typed_tables as typed_tables
from automation.cells import content_problems, parse_cell
from automation.complaints import complaint_statistics
from automation.deadlines import compute_deadlines
from automation.pipeline import default_stages, run_once
from automation.reports.measures import measure_progress
from automation.satisfaction import compute_scores
from automation.schema import build_schema
from automation.settings import Settings
from automation.stage import RunContext
from automation.tables import Tables, load_tables, to_table
from automation.thaidate import FiscalRound, to_serial
from automation.typed_tables import plain_values, type_cell, type_tables, typed_table
from automation.validation import validate_table
from automation.validation_rules import RequiredCell
from automation.workbook import open_workbook
from tests.test_satisfaction import small_survey
from tests.test_satisfaction_arrays import ROWS as RESPONSE_ROWS

TODAY = dt.date(2024, 4, 20)
SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

DATE = st.one_of(
    st.dates(min_value=dt.date(2022, 10, 1), max_value=dt.date(2024, 9, 30)),
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2024, 9, 30)).map(lambda d: f"{d.day}/{d.month}/{d.year + 543}"),
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2024, 9, 30)).map(lambda d: float(to_serial(d))),
    st.dates(min_value=dt.date(2566, 1, 1), max_value=dt.date(2567, 9, 30)),  # a BE year in a date cell
    st.sampled_from([None, "", "  ", "31/2/2567", "ไม่ทราบ", "31/12/9999", "15 มี.ค. 67", 10**9, "๑๕/๓/๒๕๖๗"]),
)  # fmt: skip
STEP_STATUS = st.sampled_from(["ยังไม่ดำเนินการ", "อยู่ระหว่างดำเนินการ", "ดำเนินการแล้ว", "ยกเลิก", "ดำเนินการ แล้ว",
                               "ดำเนินการแล้ว ", "เสร็จสิ้น", "ดำเนนการแล้ว", "done", None, "", "x"])  # fmt: skip
UNIT = st.sampled_from(["สำนักงานปลัด อบต.", "กองคลัง", "กองช่าง", "กอง คลัง", "กองคลัง\u200b", "กองสาธารณสุข",
                        "สำนักปลัด", None, ""])  # fmt: skip
CADENCE = st.sampled_from(["รายงานผลรอบ ๖ เดือนและประจำปี", "รายงานผล ณ สิ้นปีงบประมาณ", "semiannual", "รายปี", None])
NUMBER = st.sampled_from([1, 2, 3, 2.0, "๒", "3", " 4 ", "1,000", 0, -1, "x", None, True, 10**30])
YEAR = st.sampled_from([2567, 2566, 2567.0, "๒๕๖๗", "2567", 2024, 67, None, "x"])
TEXT = st.sampled_from(["จัดประชุม", " ติดประกาศ ", "=SUM(A1)", "-", "โทร 081-234-5678", 12.0, None, "ก\x07"])
URL = st.sampled_from(["https://bansuan.go.th/a", "www.bansuan.go.th", "ดูที่ห้อง", None, "https://x.go.th/a b"])

MEASURE_ROW = st.tuples(st.just("2567-01-01"), YEAR, NUMBER, TEXT, NUMBER, TEXT, UNIT, CADENCE, DATE,
                        STEP_STATUS, DATE, URL, TEXT, TEXT).map(list)
CHANNEL = st.sampled_from(["โทรศัพท์", "เว็บไซต์", "ไลน์", "Facebook", "มาด้วยตนเอง", None, "จดหมาย"])
CATEGORY = st.sampled_from(["การทุจริตและประพฤติมิชอบ", "การให้บริการ", "เหตุเดือดร้อนรำคาญ", "อื่น ๆ", None, "ทุจริต"])
COMPLAINT_STATUS = st.sampled_from(["รับเรื่องแล้ว", "อยู่ระหว่างดำเนินการ", "ยุติเรื่อง", "ส่งต่อหน่วยงานอื่น",
                                    "ยุติ เรื่อง", None, "x"])  # fmt: skip
COMPLAINT_ROW = st.tuples(st.sampled_from(["ร.001/2567", "ร67-002", 3.0, None]), DATE, CHANNEL, TEXT, TEXT, TEXT,
                          CATEGORY, UNIT, COMPLAINT_STATUS, DATE, DATE, TEXT).map(list)


def tables_of(settings: Settings, measures: list[list[Any]], complaints: list[list[Any]],
              responses: list[list[Any]] | None = None) -> Tables:
    schema = build_schema(settings)
    grids = {"measures": measures, "complaints": complaints, "responses": responses}
    sheets = {}
    for key, layout in schema.sheets.items():
        rows = grids.get(key)
        sheets[key] = to_table(layout, [layout.headers("th"), *rows] if rows is not None else None)
    return Tables(sheets)


def per_cell(table: Any, column: Any) -> typed_tables.TypedColumn:
    """The per-cell definition: every cell typed on its own by type_cell, nothing shared."""
    cells = [type_cell(column, v) for v in plain_values(table.values(column.key))]
    return typed_tables.TypedColumn.of_cells(column, cells, table.present and column.key in table.match.positions)


def figures(settings: Settings, tables: Tables) -> str:
    """Every figure and finding the stages give from these tables, as comparable text."""
    out: dict[str, Any] = {}
    for key in ("measures", "complaints"):
        out[key] = [f"{f.rule}|{f.row}|{f.column}|{f.value}|{f.message}|{f.severity}|{f.unit}"
                    for f in validate_table(tables[key], TODAY)]
    for today, dated in ((TODAY, False), (dt.date(2024, 3, 31), True)):
        out[f"deadlines {today}"] = compute_deadlines(settings, tables, today, dated=dated).as_json()
        out[f"timelines {today}"] = [dataclasses.asdict(t) for t in
                                     compute_deadlines(settings, tables, today, dated=dated).complaints]
    for rnd in (FiscalRound(2567, "h1"), FiscalRound(2567, "annual")):
        out[f"complaints {rnd}"] = complaint_statistics(settings, tables["complaints"], rnd, TODAY).as_json()
        progress = measure_progress(tables["measures"], 2567, "th", as_of=rnd.end)
        out[f"progress {rnd}"] = [dataclasses.asdict(s) for s in progress.steps] + [progress.as_json()]
        out[f"scores {rnd}"] = repr(compute_scores(settings, tables["responses"], rnd, "th", TODAY))
    return json.dumps(out, default=str, ensure_ascii=False, sort_keys=True)


@given(measures=st.lists(MEASURE_ROW, max_size=25), complaints=st.lists(COMPLAINT_ROW, max_size=25),
       responses=RESPONSE_ROWS)
@hsettings(max_examples=60, **SLOW)
def test_findings_and_figures_equal_those_of_typing_every_cell_on_its_own(
    settings: Settings, measures: list[list[Any]], complaints: list[list[Any]], responses: list[list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    survey = small_survey(settings)
    shared = figures(survey, tables_of(survey, measures, complaints, responses))
    with monkeypatch.context() as patch:
        patch.setattr(typed_tables, "typed_column", per_cell)
        alone = figures(survey, tables_of(survey, measures, complaints, responses))
    assert shared == alone


@given(measures=st.lists(MEASURE_ROW, min_size=1, max_size=25), complaints=st.lists(COMPLAINT_ROW, max_size=25))
@hsettings(max_examples=60, **SLOW)
def test_each_typed_cell_is_parse_cell_of_that_cell_with_the_problems_validation_reports(
    settings: Settings, measures: list[list[Any]], complaints: list[list[Any]]
) -> None:
    tables = tables_of(settings, measures, complaints)
    for key in ("measures", "complaints"):
        table = tables[key]
        typed = typed_table(table)
        for column in table.layout.columns:
            raw = typed.raw(column.key)
            for i, value in enumerate(raw):
                cell = typed[column.key].cells[i]
                parsed = parse_cell(column, value)
                assert cell.parsed == parsed
                if parsed.blank:
                    want = [RequiredCell] if column.required else []
                else:
                    want = [p.rule for p in ([parsed.problem] if parsed.problem else [])]
                    want += [p.rule for p in (content_problems(value) if column.type == "text" else [])]
                assert [p.rule for p in cell.problems] == want


def test_a_be_year_in_a_date_cell_is_read_as_be_where_figures_place_rows_in_rounds(settings: Settings) -> None:
    layout = build_schema(settings)["measures"]
    column = layout.column("done_date")
    cell = type_cell(column, dt.date(2567, 3, 15))
    assert cell.parsed.value is None and cell.problems  # validation names the era
    assert cell.lenient == dt.date(2024, 3, 15)  # progress still dates the step
    assert type_cell(column, "ไม่ทราบ").lenient is None


def test_the_stages_read_the_typed_tables_and_parse_no_cell_again(
    settings: Settings, demo_workbook: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = build_schema(settings)
    tables = load_tables(open_workbook(settings), schema)
    type_tables(tables, [layout.key for layout in schema.staff_sheets])

    def no_more_parsing(*_args: Any) -> Any:
        raise AssertionError("a stage parsed a cell after the typing step")

    for name in ("parse_cell", "parse_date", "parse_datetime"):
        monkeypatch.setattr(typed_cells, name, no_more_parsing)
    ctx = RunContext(settings, schema, tables, TODAY, "th")
    for stage in default_stages():
        result = stage(ctx)
        assert not result.error
    assert ctx.figures["satisfaction"].responses > 0 and ctx.figures["complaints"].total > 0


def test_the_stage_modules_import_no_cell_parser() -> None:
    import ast
    from pathlib import Path

    parsers = {"parse_cell", "parse_date", "parse_datetime", "parse_likert", "cell_date", "cell_choice"}
    root = Path(__file__).resolve().parent.parent / "automation"
    for module in ("deadlines", "complaints", "complaint_timelines", "satisfaction", "answers",
                   "reports/measures", "reports/figures", "dashboard"):
        tree = ast.parse((root / f"{module}.py").read_text(encoding="utf-8"))
        imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names}
        assert not imported & parsers, module


def test_a_run_types_each_staff_sheet_once_and_computes_each_figure_once(
    settings: Settings, demo_workbook: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import automation.complaint_timelines as timelines
    import automation.complaints as complaints
    import automation.deadlines as deadlines
    import automation.reports.charts as charts
    import automation.reports.measures as measures
    import automation.satisfaction as satisfaction

    calls: dict[str, list[Any]] = {}

    def counted(module: Any, name: str, key: Any) -> None:
        real = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.setdefault(name, []).append(key(*args, **kwargs))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counted(typed_tables, "_typed", lambda table: table.layout.key)
    counted(timelines, "_complaint_cases", lambda settings, table, calendar: table.layout.key)
    counted(timelines, "_judged", lambda settings, table, today, calendar, dated: (today, dated))
    counted(complaints, "_statistics", lambda s, t, rnd, today, lang, cal: (rnd, today, lang))
    counted(satisfaction, "_scores", lambda s, t, rnd, lang, today: (rnd, lang, today))
    counted(deadlines, "_compute_deadlines", lambda s, t, today, lang, dated: (today, lang, dated))
    counted(measures, "_progress", lambda t, fy, lang, as_of: (fy, lang, as_of))
    # The page draws each chart twice on purpose: wide, and narrow for a phone (compact).
    counted(charts, "_draw", lambda chart, style, font, compact=False: (chart.name, chart.title,
                                                                       tuple(chart.values), style, compact))
    monkeypatch.setattr(charts, "_DRAWN", {})  # nothing drawn by an earlier test in this process

    summary = run_once(settings, today=TODAY)
    assert not [s.error for s in summary.stages if s.error]
    assert sorted(calls["_typed"]) == sorted({"measures", "complaints", "responses"})
    assert calls["_complaint_cases"] == ["complaints"]  # the sheet read once for every figure
    for name in ("_judged", "_statistics", "_scores", "_compute_deadlines", "_progress", "_draw"):
        assert calls[name], name
        assert len(calls[name]) == len(set(calls[name])), f"{name} computed twice: {calls[name]}"
