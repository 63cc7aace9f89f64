"""The Google Sheets backend, through gspread's real HTTP client and google-auth's real
service-account token flow, against the loopback Sheets API emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from automation.cli import main
from automation.pipeline import RunSummary, check_stages, run_once
from automation.schema import build_schema
from automation.settings import ConfigError, Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.workbook import NOTE_MARK, Changes, WorkbookError, open_workbook
from automation.workbook.gsheets import GoogleSheetsWorkbook, RetryPolicy, SheetsUnavailable
from tests.conftest import TODAY

BOT = "ita-bot@demo-project.iam.gserviceaccount.com"


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def key_file(emulator: SheetsEmulator, tmp_path: Path) -> Path:
    return emulator.write_service_account_key(tmp_path / "service-account.json", BOT)


@pytest.fixture
def spreadsheet(emulator: SheetsEmulator, demo_workbook: Path) -> str:
    return emulator.import_xlsx(demo_workbook, shared_with=[BOT], title="ITA อบต.บ้านสวน")


def gsheets_settings(settings: Settings, emulator: SheetsEmulator, key: Path, sid: str) -> Settings:
    return load_settings(
        settings.source,
        run__today=TODAY,
        workbook__backend="gsheets",
        gsheets__spreadsheet_id=sid,
        gsheets__credentials_file=str(key),
        gsheets__api_base_url=emulator.url,
        gsheets__timeout_seconds=2,
    )


def fast(book: GoogleSheetsWorkbook, attempts: int = 4, deadline: float = 10) -> GoogleSheetsWorkbook:
    """Real retries, short waits: the policy's sleeps are the only thing made quick."""
    book.retry = RetryPolicy(max_attempts=attempts, deadline=deadline, base=0.01, cap=0.05)
    return book


@pytest.fixture
def gsettings(settings: Settings, emulator: SheetsEmulator, key_file: Path, spreadsheet: str) -> Settings:
    return gsheets_settings(settings, emulator, key_file, spreadsheet)


def run(settings: Settings, book: GoogleSheetsWorkbook | None = None) -> RunSummary:
    """A run of the finding stages only: the report stage is tested elsewhere and slow here."""
    return run_once(settings, book, stages=check_stages())


def report_text(summary: RunSummary) -> list[str]:
    """Every paragraph and table cell of the report draft the run wrote."""
    import docx

    path = next(p for p in summary.outputs if p.endswith(".docx"))
    document = docx.Document(path)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def identity(findings: list) -> list[tuple]:
    return sorted((f.sheet, f.row, f.column, f.rule) for f in findings)


def every_field(findings: list) -> list[str]:
    return sorted(json.dumps(f.as_json(), ensure_ascii=False, sort_keys=True, default=str) for f in findings)


def test_a_run_gives_the_same_findings_as_the_xlsx_backend_in_four_calls(
    settings: Settings, gsettings: Settings, emulator: SheetsEmulator
) -> None:
    local = run_once(settings, write=False)
    local_report = report_text(local)
    emulator.reset_calls()
    book = open_workbook(gsettings)
    remote = run_once(gsettings, book)
    assert identity(remote.findings) == identity(local.findings)
    assert every_field(remote.findings) == every_field(local.findings)  # messages, values, dates
    assert report_text(remote) == local_report
    assert remote.findings
    sheets_calls = [c for c in emulator.calls if c.path.startswith("/v4/")]
    assert len(sheets_calls) == 4, [f"{c.method} {c.path}" for c in sheets_calls]
    assert remote.api_calls == 4
    findings = emulator.values(gsettings.gsheets.spreadsheet_id, gsettings.sheets.findings)
    assert findings[0][:3] == ["ระดับ", "ชีต", "แถว"]
    assert len(findings) == len(remote.findings) + 1


def test_the_call_count_does_not_grow_with_the_rows(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, demo_workbook: Path
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(demo_workbook)
    responses = book[settings.sheets.responses]
    rows = [[c.value for c in r] for r in responses.iter_rows(min_row=2)]
    for _ in range(5):
        for row in rows:
            responses.append(row)
    book.save(demo_workbook)
    sid = emulator.import_xlsx(demo_workbook, shared_with=[BOT])
    summary = run(gsheets_settings(settings, emulator, key_file, sid))
    assert summary.api_calls == 4


def test_a_repeated_run_reads_and_writes_nothing(gsettings: Settings, emulator: SheetsEmulator) -> None:
    run(gsettings)
    before = emulator.snapshot()
    again = run(gsettings)
    assert again.api_calls == 2  # the two reads; nothing changed, so nothing is written
    assert emulator.snapshot() == before


def test_after_writing_a_workbook_keeps_no_staff_rows_yet_a_later_replace_blanks_old_cells(
    gsettings: Settings, emulator: SheetsEmulator
) -> None:
    """The staff sheets' rows are the run's tables' own lists: a workbook its caller keeps
    lets go of them once it has written (only the grids it wrote stay, to tell the next
    write whether anything changed). A sheet let go of still knows its size, so replacing it
    later still blanks every cell it held beyond the new grid."""
    book = open_workbook(gsettings)
    summary = run(gsettings, book)
    assert summary.findings
    assert set(book._grids) == {gsettings.sheets.findings}
    sid, title = gsettings.gsheets.spreadsheet_id, gsettings.sheets.complaints
    held = emulator.values(sid, title)
    assert len(held) > 2
    book.apply(Changes(replace={title: [["เลขที่"], ["C-1"]]}))
    assert emulator.values(sid, title) == [["เลขที่"], ["C-1"]]


def test_values_are_written_raw_and_citizen_formulas_stay_text(
    gsettings: Settings, emulator: SheetsEmulator
) -> None:
    run(gsettings)
    sid = gsettings.gsheets.spreadsheet_id
    for title in emulator.sheet_titles(sid):
        assert emulator.formulas(sid, title) == {}
    values = emulator.values(sid, gsettings.sheets.findings)
    assert any(isinstance(v, str) and v.startswith("=IMPORTXML") for row in values for v in row)
    writes = [c for c in emulator.calls if c.path.endswith("/values:batchUpdate")]
    assert writes and all(c.body.get("valueInputOption") == "RAW" for c in writes)


def test_a_run_reads_raw_serials_in_two_calls_and_writes_in_two(
    gsettings: Settings, emulator: SheetsEmulator
) -> None:
    sid = gsettings.gsheets.spreadsheet_id
    emulator.reset_calls()
    run(gsettings)
    calls = [c for c in emulator.calls if c.path.startswith("/v4/")]
    assert [c.label for c in calls] == [
        f"GET /v4/spreadsheets/{sid}",
        f"GET /v4/spreadsheets/{sid}/values:batchGet",
        f"POST /v4/spreadsheets/{sid}:batchUpdate",
        f"POST /v4/spreadsheets/{sid}/values:batchUpdate",
    ]
    meta, read, _, write = calls
    assert meta.query["includeGridData"] == ["true"] and "note" in meta.query["fields"][0]
    assert read.query["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert read.query["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
    staff = [gsettings.sheets.measures, gsettings.sheets.complaints, gsettings.sheets.responses,
             gsettings.sheets.complaint_form, gsettings.sheets.corruption_form]
    assert sorted(read.query["ranges"]) == sorted(f"'{t}'" for t in staff)
    assert write.body == {"valueInputOption": "RAW"}


def test_notes_mark_the_offending_cells_and_leave_a_persons_note(
    gsettings: Settings, emulator: SheetsEmulator
) -> None:
    sid = gsettings.gsheets.spreadsheet_id
    title = gsettings.sheets.complaints
    emulator.edit_cell(sid, title, 0, 0, note="หัวตารางนี้ห้ามแก้")
    summary = run(gsettings)
    notes = emulator.notes(sid, title)
    noted = {(f.row, f.col_number) for f in summary.findings if f.sheet == title and f.col_number}
    ours = {(r + 1, c + 1) for (r, c), text in notes.items() if text.startswith(NOTE_MARK)}
    assert ours == noted
    assert notes[(0, 0)] == "หัวตารางนี้ห้ามแก้"


def test_fixing_a_cell_removes_its_finding_and_note(gsettings: Settings, emulator: SheetsEmulator) -> None:
    sid = gsettings.gsheets.spreadsheet_id
    title = gsettings.sheets.complaints
    summary = run(gsettings)
    missing = next(f for f in summary.findings if f.rule == "required" and f.sheet == title)
    assert emulator.notes(sid, title).get((missing.row - 1, missing.col_number - 1), "").startswith(NOTE_MARK)
    emulator.edit_cell(sid, title, missing.row - 1, missing.col_number - 1, value="ขอให้ซ่อมถนน")
    after = run(gsettings)
    assert missing.identity not in {f.identity for f in after.findings}
    assert (missing.row - 1, missing.col_number - 1) not in emulator.notes(sid, title)


def test_a_staff_edit_between_read_and_write_is_kept(gsettings: Settings, emulator: SheetsEmulator) -> None:
    sid = gsettings.gsheets.spreadsheet_id
    title = gsettings.sheets.measures
    book = open_workbook(gsettings)
    schema = build_schema(gsettings)
    from automation.pipeline import RunContext, findings_changes
    from automation.tables import load_tables
    from automation.validation import validate_tables

    tables = load_tables(book, schema)
    emulator.edit_cell(sid, title, 2, 12, value="แก้ไขระหว่างรอบ")  # a person edits mid-run
    ctx = RunContext(gsettings, schema, tables, TODAY, "th")
    book.apply(findings_changes(ctx, validate_tables(ctx)))
    assert emulator.values(sid, title)[2][12] == "แก้ไขระหว่างรอบ"


def test_an_unshared_spreadsheet_says_which_address_to_share_with(
    gsettings: Settings, emulator: SheetsEmulator
) -> None:
    emulator.unshare(gsettings.gsheets.spreadsheet_id, BOT)
    with pytest.raises(WorkbookError, match=f"share it with {BOT}"):
        run(gsettings)


def test_an_unknown_spreadsheet_is_named(settings: Settings, emulator: SheetsEmulator, key_file: Path) -> None:
    s = gsheets_settings(settings, emulator, key_file, "1NoSuchSpreadsheet")
    with pytest.raises(WorkbookError, match="1NoSuchSpreadsheet not found"):
        run(s)


def test_the_cli_turns_credential_problems_into_one_line(
    gsettings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = gsettings.source.read_text(encoding="utf-8")
    text = text.replace('backend = "xlsx"', 'backend = "gsheets"').replace(
        'spreadsheet_id = ""', f'spreadsheet_id = "{gsettings.gsheets.spreadsheet_id}"'
    ).replace('# credentials_file = "/etc/automation/service-account.json"', 'credentials_file = "missing.json"')
    gsettings.source.write_text(text, encoding="utf-8")
    assert main(["run", "--config", str(gsettings.source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "gsheets.credentials_file" in err and "file not found" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [("not json", "not valid JSON"), (json.dumps({"type": "service_account"}), "lacks client_email")],
)
def test_a_broken_key_file_is_a_config_error(
    gsettings: Settings, tmp_path: Path, content: str, expected: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    s = load_settings(gsettings.source, run__today=TODAY, workbook__backend="gsheets",
                      gsheets__spreadsheet_id="x", gsheets__credentials_file=str(bad))  # fmt: skip
    with pytest.raises(ConfigError, match=expected):
        open_workbook(s)


def test_the_key_can_come_from_the_environment(
    gsettings: Settings, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", key_file.read_text())
    s = load_settings(gsettings.source, run__today=TODAY, workbook__backend="gsheets",
                      gsheets__spreadsheet_id=gsettings.gsheets.spreadsheet_id,
                      gsheets__api_base_url=gsettings.gsheets.api_base_url)  # fmt: skip
    assert run(s).findings


@pytest.mark.parametrize("status", [429, 500, 503, 408])
def test_transient_errors_are_retried(gsettings: Settings, emulator: SheetsEmulator, status: int) -> None:
    emulator.inject_fault("values:batchGet", status=status, retry_after=0.05 if status == 429 else None, times=2)
    summary = run(gsettings, fast(open_workbook(gsettings)))
    assert summary.findings
    assert summary.api_calls == 6  # four calls, two of them repeated


def test_retry_after_is_honoured(gsettings: Settings, emulator: SheetsEmulator) -> None:
    waits: list[float] = []
    book = fast(open_workbook(gsettings))
    book.retry.sleep = waits.append
    emulator.inject_fault("values:batchGet", status=429, retry_after=3, times=1)
    run(gsettings, book)
    assert waits == [3.0]


def test_a_dropped_connection_is_retried(gsettings: Settings, emulator: SheetsEmulator) -> None:
    emulator.inject_fault("values:batchUpdate", drop=True, times=1)
    run(gsettings, fast(open_workbook(gsettings)))
    values = emulator.values(gsettings.gsheets.spreadsheet_id, gsettings.sheets.findings)
    assert len(values) > 1


@pytest.mark.parametrize("step", ["values:batchGet", "values:batchUpdate"])
def test_an_answer_cut_off_half_way_is_retried(gsettings: Settings, emulator: SheetsEmulator, step: str) -> None:
    emulator.inject_fault(step, cut=True, times=1)
    summary = run(gsettings, fast(open_workbook(gsettings)))
    assert summary.api_calls == 5
    values = emulator.values(gsettings.gsheets.spreadsheet_id, gsettings.sheets.findings)
    assert len(values) == len(summary.findings) + 1


def test_a_retry_after_beyond_the_deadline_gives_up_at_once(gsettings: Settings, emulator: SheetsEmulator) -> None:
    waits: list[float] = []
    book = fast(open_workbook(gsettings), attempts=5, deadline=10)
    book.retry.sleep = waits.append
    emulator.inject_fault("values:batchGet", status=429, retry_after=60, times=1)
    with pytest.raises(SheetsUnavailable, match=r"ลอง 1 ครั้ง.*HTTP 429 RESOURCE_EXHAUSTED"):
        run(gsettings, book)
    assert waits == []  # no point sleeping 60 s when the run may only take 10


def test_the_backoff_doubles_with_full_jitter_and_a_cap() -> None:
    import random

    policy = RetryPolicy(base=0.5, cap=4.0, rng=random.Random(7))
    for attempt in range(8):
        delays = [policy.delay(attempt, None) for _ in range(200)]
        ceiling = min(4.0, 0.5 * 2**attempt)
        assert 0 <= min(delays) and max(delays) <= ceiling
        assert max(delays) > ceiling * 0.8 and len(set(delays)) == 200  # spread, not fixed
    assert policy.delay(0, 3.0) == 3.0  # never sooner than the server asked


def test_a_slow_answer_times_out_and_is_retried(gsettings: Settings, emulator: SheetsEmulator) -> None:
    emulator.inject_fault("values:batchGet", delay=3, times=1)  # the client gives up after 2 s
    summary = run(gsettings, fast(open_workbook(gsettings)))
    assert summary.api_calls == 5


def test_giving_up_is_a_clear_failure_with_nothing_half_written(
    gsettings: Settings, emulator: SheetsEmulator
) -> None:
    sid = gsettings.gsheets.spreadsheet_id
    before = emulator.snapshot()
    emulator.inject_fault(":batchUpdate", status=503, times=100)
    with pytest.raises(SheetsUnavailable, match="ลอง 3 ครั้ง") as info:
        run(gsettings, fast(open_workbook(gsettings), attempts=3))
    assert "ยังไม่ได้เขียนอะไรเพิ่ม รอบถัดไปจะลองใหม่เอง" in str(info.value)
    assert emulator.snapshot() == before
    assert gsettings.sheets.findings not in emulator.sheet_titles(sid)


def test_a_failed_values_write_is_repaired_by_the_next_run(gsettings: Settings, emulator: SheetsEmulator) -> None:
    emulator.inject_fault("values:batchUpdate", status=500, times=100)
    with pytest.raises(SheetsUnavailable):
        run(gsettings, fast(open_workbook(gsettings), attempts=2))
    emulator.clear_faults()
    repaired = run(gsettings)
    clean_emu_values = emulator.values(gsettings.gsheets.spreadsheet_id, gsettings.sheets.findings)
    assert len(clean_emu_values) == len(repaired.findings) + 1


def test_init_provisions_missing_sheets_without_touching_data(
    gsettings: Settings, emulator: SheetsEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sid = gsettings.gsheets.spreadsheet_id
    measures_before = emulator.values(sid, gsettings.sheets.measures)
    book = open_workbook(gsettings)
    added = book.provision(list(build_schema(gsettings).sheets.values()))
    assert added == [gsettings.sheets.findings, gsettings.sheets.summary]
    assert emulator.values(sid, gsettings.sheets.measures) == measures_before
    props = emulator.sheet_properties(sid, gsettings.sheets.findings)
    assert props["gridProperties"]["frozenRowCount"] == 1
    assert emulator.values(sid, gsettings.sheets.findings)[0][0] == "ระดับ"
    protected = emulator.protected_ranges(sid, gsettings.sheets.findings)
    assert protected and protected[0]["warningOnly"] is True
    assert book.provision(list(build_schema(gsettings).sheets.values())) == []


def test_init_on_an_empty_spreadsheet_adds_dropdowns(
    settings: Settings, emulator: SheetsEmulator, key_file: Path
) -> None:
    sid = emulator.create_spreadsheet("ใหม่", shared_with=[BOT])
    s = gsheets_settings(settings, emulator, key_file, sid)
    assert main(["init", "--backend", "gsheets", "--config", str(s.source)]) == 2  # not configured there
    book = open_workbook(s)
    book.provision(list(build_schema(s).sheets.values()))
    rules = emulator.data_validations(sid, s.sheets.measures)
    assert any("ดำเนินการแล้ว" in json.dumps(r, ensure_ascii=False) for r in rules)


# ---------------------------------------------------------------- the real command line


def gsheets_config(settings: Settings, emulator: SheetsEmulator, key: Path, sid: str) -> Path:
    """The settings file itself set up for the emulator, as a person would edit it."""
    text = settings.source.read_text(encoding="utf-8")
    for old, new in [
        ('backend = "xlsx"', 'backend = "gsheets"'),
        ('spreadsheet_id = ""', f'spreadsheet_id = "{sid}"'),
        ('# credentials_file = "/etc/automation/service-account.json"', f'credentials_file = "{key}"'),
        ('api_base_url = ""', f'api_base_url = "{emulator.url}"'),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    settings.source.write_text(text, encoding="utf-8")
    return settings.source


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*args, "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_runs_on_the_emulator_and_reports_the_call_count(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, spreadsheet: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = gsheets_config(settings, emulator, key_file, spreadsheet)
    code, out, err = cli(["validate", "--json", "--config", str(config)], capsys)
    assert code == 0 and json.loads(out), err
    code, out, _ = cli(["run", "--json", "--config", str(config)], capsys)
    assert code == 0 and json.loads(out)["api_calls"] == 4  # the summary sheet is the run's own
    code, out, _ = cli(["run", "--config", str(config)], capsys)
    assert code == 0 and "เรียกใช้ Google Sheets API: ๒ ครั้ง" in out and f"Google Sheets {spreadsheet}" in out


def test_a_dry_run_on_google_sheets_reads_and_writes_nothing(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, spreadsheet: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = gsheets_config(settings, emulator, key_file, spreadsheet)
    before = emulator.snapshot()
    emulator.reset_calls()
    code, out, _ = cli(["run", "--dry-run", "--json", "--config", str(config)], capsys)
    assert code == 0 and json.loads(out)["findings"]["total"] > 0
    assert emulator.snapshot() == before
    assert [c.method for c in emulator.calls if c.path.startswith("/v4/")] == ["GET", "GET"]


def _unshare(emulator: SheetsEmulator, sid: str, key: Path) -> str:
    emulator.unshare(sid, BOT)
    return f"share it with {BOT} as Editor"


def _unknown(emulator: SheetsEmulator, sid: str, key: Path) -> str:
    emulator.delete_spreadsheet(sid)
    return f"spreadsheet {sid} not found"


def _not_json(emulator: SheetsEmulator, sid: str, key: Path) -> str:
    key.write_text('{"type": "service_account",', encoding="utf-8")
    return "not valid JSON"


def _bad_private_key(emulator: SheetsEmulator, sid: str, key: Path) -> str:
    info = json.loads(key.read_text(encoding="utf-8"))
    info["private_key"] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    key.write_text(json.dumps(info), encoding="utf-8")
    return "อ่าน private_key ในไฟล์กุญแจไม่ได้"


def _no_key(emulator: SheetsEmulator, sid: str, key: Path) -> str:
    key.unlink()
    return "file not found"


@pytest.mark.parametrize("break_it", [_unshare, _unknown, _not_json, _bad_private_key, _no_key])
def test_each_access_problem_is_one_line_with_exit_2(
    break_it: Any, settings: Settings, emulator: SheetsEmulator, key_file: Path, spreadsheet: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = gsheets_config(settings, emulator, key_file, spreadsheet)
    expected = break_it(emulator, spreadsheet, key_file)
    code, out, err = cli(["run", "--config", str(config)], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert expected in err and "Traceback" not in err
    if break_it in (_not_json, _bad_private_key, _no_key):
        assert "gsheets.credentials_file" in err and str(key_file) in err


def test_a_renamed_sheet_and_a_missing_header_are_findings_on_google_sheets(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, demo_workbook: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(demo_workbook)
    book[settings.sheets.complaints].title = "ร้องเรียน (สำเนา)"
    measures = book[settings.sheets.measures]
    header = next(c for c in measures[1] if c.value == "สถานะ")
    header.value = "สถานะงาน"
    book.save(demo_workbook)
    sid = emulator.import_xlsx(demo_workbook, shared_with=[BOT])
    config = gsheets_config(settings, emulator, key_file, sid)
    code, out, err = cli(["validate", "--json", "--config", str(config)], capsys)
    assert code == 0, err
    found = {(f["rule"], f["sheet"]): f for f in json.loads(out)}
    missing_sheet = found[("missing-sheet", settings.sheets.complaints)]
    assert settings.sheets.complaints in missing_sheet["message"]
    missing_column = found[("missing-column", settings.sheets.measures)]
    assert missing_column["column"] == "สถานะ"
    written = emulator.values(sid, settings.sheets.findings)
    assert any(row[6] == "missing-sheet" for row in written[1:])


def test_date_cells_and_plain_numbers_read_as_they_do_from_the_xlsx_file(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, demo_workbook: Path
) -> None:
    """UNFORMATTED_VALUE gives a date cell as a bare serial: its date format makes it a date
    again (the finding names 2024-03-15, not 45366), while a number typed into a cell with no
    date format stays a number, as openpyxl reads the same two cells."""
    import datetime as dt

    import openpyxl

    book = openpyxl.load_workbook(demo_workbook)
    complaints = book[settings.sheets.complaints]
    received = next(c.column for c in complaints[1] if c.value == "วันที่รับเรื่อง")
    complaints.cell(2, received, dt.datetime(2567, 3, 15))  # a BE year typed into a date cell
    complaints.cell(3, received, 45366).number_format = "General"  # a serial typed as a number
    book.save(demo_workbook)
    sid = emulator.import_xlsx(demo_workbook, shared_with=[BOT])
    remote = GoogleSheetsWorkbook.from_settings(gsheets_settings(settings, emulator, key_file, sid))
    local = open_workbook(settings)
    title = settings.sheets.complaints
    got, want = remote.read([title])[title], local.read([title])[title]
    assert got[1][received - 1] == want[1][received - 1] == dt.datetime(2567, 3, 15)
    assert got[2][received - 1] == want[2][received - 1] == 45366


def test_init_completes_an_existing_spreadsheet_without_touching_data(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Staff made the tabs by hand: no frozen row, no dropdowns, one tab still blank, a findings
    tab nobody protected, and a dropdown of their own. `init --backend gsheets` through the
    real command line adds what is missing and changes no value and no rule of theirs."""
    import requests

    schema = build_schema(settings)
    measures, complaints = schema["measures"], schema["complaints"]
    row = ["2567-01-01", 2567, 1, "มาตรการหนึ่ง", 1, "ขั้นตอนแรก", "กองคลัง", "ณ สิ้นปีงบประมาณ", "", "ดำเนินการแล้ว"]
    sid = emulator.create_spreadsheet("ทำเอง", {
        measures.title: [measures.headers("th"), row],
        complaints.title: [],
        settings.sheets.findings: [["ระดับ"], ["บันทึกของเจ้าหน้าที่"]],
    }, shared_with=[BOT])
    own_rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "ของเรา"}]}}
    status = measures.headers("th").index("สถานะ")
    unit = measures.headers("th").index("ผู้รับผิดชอบ")
    answer = requests.post(f"{emulator.url}/v4/spreadsheets/{sid}:batchUpdate", timeout=5,
                           headers={"Authorization": f"Bearer {emulator.issue_token(BOT)}"},
                           json={"requests": [{"setDataValidation": {"rule": own_rule, "range": {
                               "sheetId": emulator.sheet_properties(sid, measures.title)["sheetId"],
                               "startRowIndex": 1, "startColumnIndex": unit, "endColumnIndex": unit + 1}}}]})
    assert answer.status_code == 200
    before = {t: emulator.values(sid, t) for t in emulator.sheet_titles(sid)}
    config = gsheets_config(settings, emulator, key_file, sid)
    code, out, err = cli(["init", "--backend", "gsheets", "--config", str(config)], capsys)
    assert code == 0, err
    added = [settings.sheets.responses, settings.sheets.complaint_form, settings.sheets.corruption_form,
             settings.sheets.summary]
    assert sorted(out.splitlines()) == sorted(f"added sheet: {t}" for t in added)
    assert emulator.values(sid, measures.title) == before[measures.title]
    assert emulator.values(sid, settings.sheets.findings) == before[settings.sheets.findings]
    assert emulator.values(sid, complaints.title) == [complaints.headers("th")]  # the blank tab
    for title in emulator.sheet_titles(sid):
        assert emulator.sheet_properties(sid, title)["gridProperties"]["frozenRowCount"] == 1, title
    from gspread.utils import rowcol_to_a1

    rules = {a1.split("!")[1]: json.dumps(rule, ensure_ascii=False)
             for a1, rule in emulator.data_validations(sid, measures.title)}
    assert len(rules) == 3  # theirs, and the status and monitoring columns'
    assert rules[f"{rowcol_to_a1(2, unit + 1)}:{rowcol_to_a1(1000, unit + 1)}"] == json.dumps(own_rule, ensure_ascii=False)
    assert "ดำเนินการแล้ว" in rules[f"{rowcol_to_a1(2, status + 1)}:{rowcol_to_a1(1000, status + 1)}"]
    assert emulator.protected_ranges(sid, settings.sheets.findings)[0]["warningOnly"] is True
    again = emulator.snapshot()
    code, out, _ = cli(["init", "--backend", "gsheets", "--config", str(config)], capsys)
    assert code == 0 and out == "" and emulator.snapshot() == again


_SERIAL = st.one_of(
    st.floats(min_value=-1e6, max_value=3e6, allow_nan=False),
    st.floats(min_value=40000, max_value=50000),  # the dates an office holds, to the millisecond
    st.integers(min_value=-10, max_value=3_000_000),
    st.floats(allow_nan=False, allow_infinity=False),  # numbers no date can be
)
_CELL = st.one_of(_SERIAL, st.booleans(), st.text(max_size=3), st.just(""))


@given(rows=st.lists(st.lists(_CELL, max_size=5), max_size=6),
       marked=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 6)), max_size=20, unique=True))
@hyp_settings(max_examples=300, deadline=None)
def test_date_cells_become_what_from_excel_makes_of_each_cell_alone(
        rows: list[list[Any]], marked: list[tuple[int, int]]) -> None:
    """The column-at-a-time conversion gives, cell for cell, what openpyxl's from_excel gives
    the cell alone (a datetime, a time of day below 1, the 1900 shift below 60), and leaves a
    number no date can be, text and booleans as they are."""
    from openpyxl.utils.datetime import from_excel

    from automation.workbook.gsheets_answers import DateCells, dates_from_serials

    expected = [list(r) for r in rows]
    for r, c in marked:  # the per-cell definition
        if r < len(expected) and c < len(expected[r]):
            value = expected[r][c]
            if isinstance(value, int | float) and not isinstance(value, bool):
                try:
                    expected[r][c] = from_excel(value)
                except (OverflowError, ValueError):
                    pass
    cells = DateCells(np.array([r for r, _ in marked], np.int64), np.array([c for _, c in marked], np.int64))
    dates_from_serials(rows, cells)
    assert rows == expected
    assert [[type(v) for v in r] for r in rows] == [[type(v) for v in r] for r in expected]


def test_a_sheet_deleted_mid_run_is_named_in_thai_and_in_english_on_request(gsettings: Settings) -> None:
    from automation.workbook import CellWrite

    sid = gsettings.gsheets.spreadsheet_id
    changes = Changes(cells=[CellWrite("มาตรการ (ลบแล้ว)", 2, 3, "x")])
    with pytest.raises(WorkbookError) as thai:
        open_workbook(gsettings).apply(changes)
    assert str(thai.value) == (f"สเปรดชีต {sid}: ไม่พบแผ่นงาน «มาตรการ (ลบแล้ว)» — มีคนเปลี่ยนชื่อหรือลบแผ่นงานนี้ระหว่างรอบ "
                               "ตั้งชื่อแผ่นงานกลับเป็น มาตรการ (ลบแล้ว) แล้วสั่งใหม่ (sheet 'มาตรการ (ลบแล้ว)' is missing)")
    english = gsettings.model_copy(update={"run": gsettings.run.model_copy(update={"language": "en"})})
    with pytest.raises(WorkbookError, match=f"^spreadsheet {sid}: sheet 'มาตรการ \\(ลบแล้ว\\)' is missing$"):
        open_workbook(english).apply(changes)
