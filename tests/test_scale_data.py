"""The scale data the benchmarks run on, and a smoke run of the benchmark itself."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import openpyxl

from automation.pipeline import check_stages, run_once
from automation.schema import build_schema
from automation.settings import Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.tables import to_table
from automation.validation import validate_table
from automation.workbook.xlsx import XlsxWorkbook
from bench.__main__ import main as bench_main
from bench.scale import QUICK, load_province, municipality_sheets, write_xlsx
from tests.conftest import TODAY
from tests.sheets_fixtures import SERVICE_EMAIL, service_account_key, sheets_emulator, sheets_emulator_session

__all__ = ["service_account_key", "sheets_emulator", "sheets_emulator_session"]

SMALL = replace(QUICK, responses=1_200, complaints=120, offices=3, office_responses=60, office_complaints=10,
                mistake_rate=0.05)


def test_the_same_seed_gives_the_same_municipality_and_another_seed_another(settings: Settings) -> None:
    first = municipality_sheets(settings, SMALL, seed=7, today=TODAY)
    assert municipality_sheets(settings, SMALL, seed=7, today=TODAY) == first
    assert municipality_sheets(settings, SMALL, seed=8, today=TODAY)["responses"] != first["responses"]


def test_the_municipality_has_the_sizes_asked_for_on_working_days_with_a_full_plan(settings: Settings) -> None:
    sheets = municipality_sheets(settings, SMALL, today=TODAY)
    schema = build_schema(settings)
    for key, grid in sheets.items():
        assert grid[0] == schema[key].headers("th")
    # the count asked for, plus the one submission the demo's own mistakes send twice
    assert len(sheets["responses"]) - 1 == SMALL.responses + 1
    assert len(sheets["complaints"]) - 1 == SMALL.complaints
    stamps = [r[0] for r in sheets["responses"][1:] if isinstance(r[0], dt.datetime) and r[0].year < 2400]
    assert stamps and all(s.weekday() < 5 for s in stamps)
    years = Counter(r[1] for r in sheets["measures"][1:])
    assert len(years) == SMALL.plan_years and len(set(years.values())) == 1  # every year the whole plan


def test_planted_mistakes_come_at_about_the_asked_rate_and_become_findings(settings: Settings) -> None:
    sheets = municipality_sheets(settings, SMALL, today=TODAY)
    schema = build_schema(settings)
    table = to_table(schema["responses"], sheets["responses"])
    found = validate_table(table, TODAY)
    rows = {f.row for f in found}
    expected = SMALL.mistake_rate * SMALL.responses
    assert expected / 2 <= len(rows) <= expected * 2
    rules = {f.rule for f in found}
    assert {"likert", "no-ratings", "formula-like", "control-chars", "wrong-era", "duplicate-response"} <= rules, rules


def test_the_written_xlsx_reads_back_as_generated_and_citizen_formulas_stay_text(
    settings: Settings, tmp_path: Path
) -> None:
    sheets = municipality_sheets(settings, SMALL, today=TODAY)
    path = write_xlsx(settings, sheets, tmp_path / "big.xlsx")
    schema = build_schema(settings)
    titles = {schema[k].title: k for k in sheets}
    grids = XlsxWorkbook(path).read(list(titles))
    for title, key in titles.items():
        width = len(sheets[key][0])
        generated = [[_as_cell(v) for v in row] + [None] * (width - len(row)) for row in sheets[key]]
        assert [list(r) + [None] * (width - len(r)) for r in grids[title]] == generated, key
    book = openpyxl.load_workbook(path)
    assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _as_cell(value: object) -> object:
    """What a date cell gives back: a datetime at midnight."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def test_each_office_of_the_province_is_its_own_spreadsheet_the_service_can_check(
    settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path
) -> None:
    ids = load_province(sheets_emulator, settings, SMALL, today=TODAY, shared_with=(SERVICE_EMAIL,))
    assert len(ids) == SMALL.offices == len(set(ids))
    complaints = [sheets_emulator.values(sid, settings.sheets.complaints) for sid in ids]
    assert all(len(c) - 1 == SMALL.office_complaints for c in complaints)
    assert complaints[0] != complaints[1]
    s = load_settings(settings.source, run__today=TODAY, workbook__backend="gsheets", gsheets__spreadsheet_id=ids[0],
                      gsheets__credentials_file=str(service_account_key), gsheets__api_base_url=sheets_emulator.url)
    summary = run_once(s, stages=check_stages())
    assert summary.findings and summary.api_calls == 4


def test_the_quick_benchmark_reports_every_figure_for_every_method(tmp_path: Path) -> None:
    assert bench_main(["--quick", "--in-process", "--out", str(tmp_path / "results"),
                       "--workdir", str(tmp_path / "work")]) == 0
    data = json.loads((tmp_path / "results" / "latest.json").read_text(encoding="utf-8"))
    entries = {(r["scenario"], r["method"], r["backend"]): r for r in data["results"]}
    for backend in ("xlsx", "gsheets"):
        for method in ("service", "service, same-day re-run"):
            assert ("municipality", method, backend) in entries
    # Both readers' parse-only yardsticks in the same run; the Sheets floor is one batchGet.
    for method in ("parse only, openpyxl", "parse only, calamine"):
        assert ("municipality", method, "xlsx") in entries
    assert ("municipality", "pandas parse only", "gsheets") in entries
    assert ("million", "service", "xlsx") in entries  # the 1,000,000-response run, at smoke size here
    for method in ("gspread scripts", "gspread-dataframe"):
        assert ("municipality", method, "gsheets") in entries
    assert ("province", "province sweep", "gsheets") in entries
    for r in data["results"]:
        assert set(r) >= {"scenario", "method", "backend", "rows", "seconds", "peak_mb", "api_calls", "notes"}
        assert r["rows"] > 0 and r["seconds"] > 0 and not r["notes"].startswith("failed")
    assert entries[("municipality", "service", "gsheets")]["api_calls"] == 4
    assert entries[("municipality", "service, same-day re-run", "gsheets")]["api_calls"] == 2
    scripts = entries[("municipality", "gspread scripts", "gsheets")]
    assert scripts["extra"]["cell_calls"] > scripts["extra"]["cell_calls_made"] and "extrapolated" in scripts["notes"]
    sheets = entries[("municipality", "service", "gsheets")]["extra"]
    assert 0 < sheets["client_seconds"] < entries[("municipality", "service", "gsheets")]["seconds"]
    assert sheets["emulator_seconds"] > 0  # reported by the emulator itself
    goals = data["goals"]
    assert {"municipality xlsx: full job over calamine's parse-only time",
            "municipality Sheets: client time over the floor's client time"} <= set(goals)
    assert all(set(g) == {"value", "limit", "unit", "met"} for g in goals.values())
    sweep = entries[("province", "province sweep", "gsheets")]["extra"]
    assert sweep["threads"] == 1  # one office after another, as the service checks them
    assert sweep["paced_60_per_minute"]["busiest_minute"]["read"] <= 60
    table = (tmp_path / "results" / "latest.md").read_text(encoding="utf-8")
    assert all(f"| {r['method']} |" in table for r in data["results"]) and "## Goals" in table
    assert (tmp_path / "results" / "latest.png").stat().st_size > 10_000
