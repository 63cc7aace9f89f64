"""Reliability: what happens when a run dies or the API fails half-way through writing.

Every case ends the same way: the next run repairs the workbook to exactly what an
uninterrupted run leaves (compared with a twin spreadsheet that was never interrupted),
no cell a person typed has changed, and no e-mail goes out twice. Runs are real: the
loopback Sheets emulator through gspread and google-auth, real .xlsx files, real processes
killed with SIGKILL, a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from automation import jobs
from automation.delivery import message_id
from automation.pipeline import RunContext, StageResult, check_stages, run_once
from automation.scheduler import FakeClock, Service
from automation.settings import Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.state import State
from automation.workbook import NOTE_MARK, WorkbookError
from automation.workbook.gsheets import GoogleSheetsWorkbook, RetryPolicy
from automation.workbook.xlsx import XlsxWorkbook
from tests.conftest import TODAY
from tests.sheets_fixtures import SERVICE_EMAIL, service_account_key, sheets_emulator, sheets_emulator_session
from tests.test_delivery import MailCatcher, with_smtp

__all__ = ["service_account_key", "sheets_emulator", "sheets_emulator_session"]

PROJECT = Path(__file__).resolve().parent.parent
BKK = ZoneInfo("Asia/Bangkok")
PERSONS_NOTE = "ตรวจสอบกับกองคลังแล้ว (สมศรี)"


# ---------------------------------------------------------------- helpers


def gsettings(settings: Settings, emulator: SheetsEmulator, key: Path, sid: str, **extra: Any) -> Settings:
    return load_settings(settings.source, run__today=TODAY, workbook__backend="gsheets",
                         gsheets__spreadsheet_id=sid, gsheets__credentials_file=str(key),
                         gsheets__api_base_url=emulator.url, gsheets__timeout_seconds=5, **extra)


def book_for(s: Settings, attempts: int = 3) -> GoogleSheetsWorkbook:
    """The real backend with real retries; only the waits between them are made short."""
    book = GoogleSheetsWorkbook.from_settings(s)
    book.retry = RetryPolicy(max_attempts=attempts, deadline=10, base=0.01, cap=0.02)
    return book


def seen(emulator: SheetsEmulator, sid: str) -> dict[str, tuple[list[list[Any]], dict[tuple[int, int], str]]]:
    """Everything a person sees in the spreadsheet: each tab's values and notes."""
    return {t: (emulator.values(sid, t), emulator.notes(sid, t)) for t in emulator.sheet_titles(sid)}


def staff_view(settings: Settings, view: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The staff sheets' values (what people typed), notes apart."""
    titles = (settings.sheets.measures, settings.sheets.complaints, settings.sheets.responses)
    return {t: view[t][0] for t in titles}


def persons_notes(view: dict[str, Any]) -> dict[tuple[str, tuple[int, int]], str]:
    return {(t, rc): n for t, (_, notes) in view.items() for rc, n in notes.items() if not n.startswith(NOTE_MARK)}


@pytest.fixture
def twins(settings: Settings, sheets_emulator: SheetsEmulator, demo_workbook: Path) -> tuple[str, str]:
    """Two identical office spreadsheets, each with a person's note on a flagged cell: one to
    interrupt, one to run cleanly for reference."""
    ids = []
    for _ in range(2):
        sid = sheets_emulator.import_xlsx(demo_workbook, shared_with=[SERVICE_EMAIL])
        sheets_emulator.edit_cell(sid, settings.sheets.complaints, 3, 1, note=PERSONS_NOTE)  # the 15/13 date
        ids.append(sid)
    return ids[0], ids[1]


def clean_run(settings: Settings, emulator: SheetsEmulator, key: Path, sid: str,
              today: dt.date = TODAY) -> dict[str, Any]:
    """What a run that nothing interrupts leaves in the spreadsheet."""
    s = gsettings(settings, emulator, key, sid)
    run_once(s, book_for(s), today=today, stages=check_stages())
    return seen(emulator, sid)


def run_checks(s: Settings, book: GoogleSheetsWorkbook | None = None) -> Any:
    return run_once(s, book or book_for(s), stages=check_stages())


# ---------------------------------------------------------------- the API fails at a write step


WRITE_FAULTS = {
    # :batchUpdate (new sheet, grid size, notes) refused every time: nothing is written.
    "sheets-step refused": ("{sid}:batchUpdate", {"status": 503, "times": 99}),
    # :batchUpdate applied, but its answer lost; the retry then meets its own new sheet.
    "sheets-step answer lost": ("{sid}:batchUpdate", {"status": 503, "commit": True}),
    # values:batchUpdate (the findings) refused: the notes are in, the findings sheet is empty.
    "values-step refused": ("values:batchUpdate", {"status": 500, "times": 99}),
    # values:batchUpdate applied, answer lost: the RAW rewrite is simply repeated.
    "values-step answer lost": ("values:batchUpdate", {"status": 500, "commit": True}),
    # the connection drops on the values write, every time.
    "values-step connection dropped": ("values:batchUpdate", {"drop": True, "times": 99}),
    # :batchUpdate applied, its answer cut off half-way.
    "sheets-step answer cut off": ("{sid}:batchUpdate", {"cut": True}),
    # values:batchUpdate applied, its answer cut off half-way: repeated like a lost answer.
    "values-step answer cut off": ("values:batchUpdate", {"cut": True}),
}
RECOVERED_WITHIN_THE_RUN = {"values-step answer lost", "values-step answer cut off"}


@pytest.mark.parametrize("case", list(WRITE_FAULTS))
def test_a_write_step_that_fails_is_repaired_by_the_next_run_without_touching_staff_cells(
    case: str, settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path,
    twins: tuple[str, str],
) -> None:
    sid, reference_sid = twins
    original = seen(sheets_emulator, sid)
    reference = clean_run(settings, sheets_emulator, service_account_key, reference_sid)
    s = gsettings(settings, sheets_emulator, service_account_key, sid)
    match, fault = WRITE_FAULTS[case]
    sheets_emulator.inject_fault(match.format(sid=sid), **fault)
    try:
        run_checks(s)
        failed = False
    except WorkbookError:
        failed = True  # the run says so in one line; the scheduler retries at the next slot
    sheets_emulator.clear_faults()
    after_failure = seen(sheets_emulator, sid)
    repaired = run_checks(s)
    again = run_checks(s)
    final = seen(sheets_emulator, sid)
    assert failed != (case in RECOVERED_WITHIN_THE_RUN)  # a lost values answer: the RAW rewrite is repeated
    assert staff_view(settings, after_failure) == staff_view(settings, original)
    assert persons_notes(after_failure) == persons_notes(original)
    assert final == reference, case
    assert staff_view(settings, final) == staff_view(settings, original)
    assert persons_notes(final) == persons_notes(original)
    assert repaired.findings and again.api_calls == 2  # repaired, then nothing left to write


# ---------------------------------------------------------------- the process is killed


RUN_SCRIPT = textwrap.dedent("""
    import datetime as dt, sys
    from automation.pipeline import check_stages, run_once
    from automation.settings import load_settings
    config, sid, key, url = sys.argv[1:5]
    s = load_settings(config, run__today=dt.date(2024, 4, 20), workbook__backend="gsheets",
                      gsheets__spreadsheet_id=sid, gsheets__credentials_file=key, gsheets__api_base_url=url)
    run_once(s, stages=check_stages())
""")


def wait_for(condition: Any, what: str, limit: float = 60.0) -> None:
    ends = time.monotonic() + limit
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.mark.parametrize("step", ["{sid}:batchUpdate", "values:batchUpdate"])
def test_a_run_killed_during_a_write_is_repaired_by_the_next_run(
    step: str, settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path,
    twins: tuple[str, str],
) -> None:
    """A real process, SIGKILLed while its write request is in flight (the emulator holds the
    answer back, and applies nothing for a client that is gone)."""
    sid, reference_sid = twins
    original = seen(sheets_emulator, sid)
    reference = clean_run(settings, sheets_emulator, service_account_key, reference_sid)
    match = step.format(sid=sid)
    sheets_emulator.inject_fault(match, delay=8)
    sheets_emulator.reset_calls()
    process = subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, str(settings.source), sid,
                                str(service_account_key), sheets_emulator.url],
                               cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: sheets_emulator.call_count(match) > 0, f"the run's {step} request")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    killed = seen(sheets_emulator, sid)
    findings_title = settings.sheets.findings
    if step == "values:batchUpdate":  # the first write went in, the findings never did
        assert findings_title in killed and killed[findings_title][0] == []
    else:
        assert killed == original
    assert staff_view(settings, killed) == staff_view(settings, original)
    run_checks(gsettings(settings, sheets_emulator, service_account_key, sid))
    final = seen(sheets_emulator, sid)
    assert process.returncode == -signal.SIGKILL
    assert final == reference
    assert persons_notes(final) == persons_notes(original)


# ---------------------------------------------------------------- staff edit during a run


def test_a_staff_edit_made_between_the_services_read_and_write_is_kept_on_google_sheets(
    settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path, twins: tuple[str, str],
) -> None:
    sid, _ = twins
    complaints = settings.sheets.complaints

    def staff_types_now(ctx: RunContext) -> StageResult:
        # After the read, before the write: a person fixes an outcome, adds a row, notes a cell.
        sheets_emulator.edit_cell(sid, complaints, 9, 11, value="แจ้งผลให้ผู้ร้องทราบแล้ว")
        sheets_emulator.edit_cell(sid, complaints, 60, 0, value="ร67-999")
        sheets_emulator.edit_cell(sid, complaints, 10, 5, note="โทรกลับแล้ว")
        return StageResult("staff")

    s = gsettings(settings, sheets_emulator, service_account_key, sid)
    summary = run_once(s, book_for(s), stages=[*check_stages(), staff_types_now])
    values = sheets_emulator.values(sid, complaints)
    notes = sheets_emulator.notes(sid, complaints)
    assert summary.findings
    assert values[9][11] == "แจ้งผลให้ผู้ร้องทราบแล้ว" and values[60][0] == "ร67-999"
    assert notes[(10, 5)] == "โทรกลับแล้ว" and notes[(3, 1)] == PERSONS_NOTE


def test_a_staff_edit_saved_into_the_xlsx_between_read_and_write_is_kept(
    settings: Settings, demo_workbook: Path
) -> None:
    complaints = settings.sheets.complaints

    def staff_saves_now(ctx: RunContext) -> StageResult:
        book = openpyxl.load_workbook(demo_workbook)  # as Excel would: open, edit, save
        book[complaints].cell(10, 12, "แจ้งผลให้ผู้ร้องทราบแล้ว")
        book[complaints].cell(61, 1, "ร67-999")
        book.save(demo_workbook)
        return StageResult("staff")

    summary = run_once(settings, stages=[*check_stages(), staff_saves_now])
    book = openpyxl.load_workbook(demo_workbook)
    assert summary.findings and book[settings.sheets.findings].max_row == len(summary.findings) + 1
    assert book[complaints].cell(10, 12).value == "แจ้งผลให้ผู้ร้องทราบแล้ว"
    assert book[complaints].cell(61, 1).value == "ร67-999"


# ---------------------------------------------------------------- repeated runs


def xlsx_view(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cells and notes, as a person opening the file sees them."""
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple((c.value, c.comment.text if c.comment else None) for c in row)
                       for row in ws.iter_rows()] for ws in book.worksheets}


def test_repeated_full_runs_leave_the_same_workbook_on_both_backends(
    settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path, demo_workbook: Path,
) -> None:
    sid = sheets_emulator.import_xlsx(demo_workbook, shared_with=[SERVICE_EMAIL])
    run_once(settings)
    first = xlsx_view(demo_workbook)
    stamp = demo_workbook.stat().st_mtime_ns
    run_once(settings)
    assert xlsx_view(demo_workbook) == first
    assert demo_workbook.stat().st_mtime_ns == stamp  # nothing changed, the file was not rewritten

    s = gsettings(settings, sheets_emulator, service_account_key, sid)
    run_once(s, book_for(s))
    snapshot = sheets_emulator.snapshot()
    again = run_once(s, book_for(s))
    assert sheets_emulator.snapshot() == snapshot
    assert again.api_calls == 2  # nothing changed, nothing written


# ---------------------------------------------------------------- xlsx killed mid-save


KILL_SCRIPT = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    from automation.pipeline import check_stages, run_once
    from automation.settings import load_settings
    from automation.workbook.xlsx_zip import ZipWriter
    parts = []
    def dying(real):
        def member(self, *args, **kwargs):
            parts.append(args)
            if len(parts) == 6:  # half-way through writing the new file
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, *args, **kwargs)
        return member
    ZipWriter.copy, ZipWriter.write = dying(ZipWriter.copy), dying(ZipWriter.write)
    run_once(load_settings(sys.argv[1], run__today=dt.date(2024, 4, 20)), stages=check_stages())
""")


def test_an_xlsx_run_killed_mid_save_leaves_the_file_readable_and_as_before(
    settings: Settings, demo_workbook: Path
) -> None:
    before = demo_workbook.read_bytes()
    done = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(settings.source)], cwd=PROJECT,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)}, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr[-500:]
    assert demo_workbook.read_bytes() == before
    assert XlsxWorkbook(demo_workbook).read([settings.sheets.complaints])[settings.sheets.complaints]
    summary = run_once(settings, stages=check_stages())
    assert summary.findings and xlsx_view(demo_workbook)[settings.sheets.findings]
    leftovers = [p.name for p in demo_workbook.parent.iterdir() if p != demo_workbook and p.is_file()]
    assert not [n for n in leftovers if n.endswith(".xlsx")], leftovers  # nothing that looks like a workbook


def test_an_xlsx_save_that_fails_at_the_swap_leaves_the_file_as_before(
    settings: Settings, demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = demo_workbook.read_bytes()

    def no_swap(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("automation.workbook.xlsx.os.replace", no_swap)
    with pytest.raises(OSError):
        run_once(settings, stages=check_stages())
    monkeypatch.undo()
    assert demo_workbook.read_bytes() == before
    assert sorted(p.name for p in demo_workbook.parent.iterdir()) == [demo_workbook.name]
    assert run_once(settings, stages=check_stages()).findings


# ---------------------------------------------------------------- e-mail never twice


def real_check(settings: Settings, today: dt.date) -> jobs.CheckResult:
    """The real pipeline's finding stages on the real backend, with quick retries."""
    book = book_for(settings, attempts=2)
    summary = run_once(settings, book, today=today, stages=check_stages())
    return jobs.CheckResult(findings=summary.findings, api_calls=summary.api_calls)


def test_a_failed_check_and_a_restart_repair_the_sheet_and_send_every_e_mail_once(
    settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path, twins: tuple[str, str],
) -> None:
    """Monday: the 07:30 check fails on Google's side; the 08:00 digests still go out. The
    service is then killed and restarted: the check is caught up (and repairs the sheet), the
    digest job is not, and running it again by hand mails only units that had no digest yet
    (the repaired check gave them findings to fix): nobody gets a message twice."""
    sid, reference_sid = twins
    reference = clean_run(settings, sheets_emulator, service_account_key, reference_sid, dt.date(2024, 4, 22))
    deps = jobs.Deps(run_check=real_check)
    with MailCatcher() as server:
        s = with_smtp(gsettings(settings, sheets_emulator, service_account_key, sid), server.port)
        clock = FakeClock(dt.datetime(2024, 4, 22, 7, 0, tzinfo=BKK))
        sheets_emulator.inject_fault("values:batchUpdate", status=503, times=99)
        with State(s.state_path) as state:
            service = Service(s, state, clock, deps=deps)
            service.start()  # up since 07:00: the 07:30 check and the 08:00 digest are ahead
            clock.set(dt.datetime(2024, 4, 22, 8, 1, tzinfo=BKK))
            first = {r.name: r.outcome for r in service.run_pending()}
            sent_first = len(server.received)
        sheets_emulator.clear_faults()
        clock.set(dt.datetime(2024, 4, 22, 9, 0, tzinfo=BKK))  # the machine comes back
        with State(s.state_path) as state:
            restarted = Service(s, state, clock, deps=deps)
            second = {r.name: (r.outcome, r.catch_up) for r in restarted.run_pending()}
            rerun = restarted.run_now("digest")
            outbox = state.outbox()
        ids = Counter(server.message_ids())
        kinds = {message_id(item.key, s.delivery.sender): item.kind for item in outbox if item.recipients}
        mailed = Counter((r, kinds[got.message["Message-ID"]]) for got in server.received for r in got.rcpt_tos)
    assert first["check"] == "failed" and first["digest"] == "ok" and sent_first > 0
    assert second["check"] == ("ok", True) and "digest" not in second
    assert len(server.received) == sent_first + rerun.counts["queued"]
    assert set(ids.values()) == {1}  # every message exactly once…
    assert set(mailed.values()) == {1}  # …and nobody got two digests, two reports or two reminders
    assert set(ids) == set(kinds) and "digest" in kinds.values()
    assert seen(sheets_emulator, sid) == reference
