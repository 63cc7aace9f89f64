"""Complaints from a Google Form: rows appended to the register through the Workbook
interface, on both backends (a real .xlsx file; gspread's real client against the loopback
Sheets emulator)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from automation.settings import Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.vocabulary import COMPLAINT_STATUS
from automation.workbook import Changes, Workbook
from automation.workbook.gsheets import GoogleSheetsWorkbook, RetryPolicy
from automation.workbook.xlsx import XlsxWorkbook
from tests.conftest import TODAY
from tests.sheets_fixtures import SERVICE_EMAIL, service_account_key, sheets_emulator, sheets_emulator_session

__all__ = ["service_account_key", "sheets_emulator", "sheets_emulator_session"]


def gsettings(settings: Settings, emulator: SheetsEmulator, key: Path, sid: str, **extra: Any) -> Settings:
    return load_settings(settings.source, run__today=TODAY, workbook__backend="gsheets",
                         gsheets__spreadsheet_id=sid, gsheets__credentials_file=str(key),
                         gsheets__api_base_url=emulator.url, gsheets__timeout_seconds=5, **extra)


@dataclass
class Office:
    """One office's workbook on one backend, and how a person edits it there."""

    settings: Settings
    emulator: SheetsEmulator | None = None

    @property
    def sid(self) -> str:
        return self.settings.gsheets.spreadsheet_id

    def book(self) -> Workbook:
        if self.emulator is not None:
            return GoogleSheetsWorkbook.from_settings(self.settings)
        return XlsxWorkbook(self.settings.workbook_path)

    def sheet(self, title: str) -> list[list[Any]]:
        return self.book().read([title]).get(title, [])

    def type_row(self, title: str, row: int, values: list[Any]) -> None:
        """A person types a row (in Sheets' own UI, or Excel opens, edits and saves)."""
        if self.emulator is not None:
            for c, value in enumerate(values):
                if value is not None:  # a cell left alone
                    self.emulator.edit_cell(self.sid, title, row - 1, c, value=value)
            return
        book = openpyxl.load_workbook(self.settings.workbook_path)
        for c, value in enumerate(values, start=1):
            book[title].cell(row, c, value)
        book.save(self.settings.workbook_path)


@pytest.fixture(params=["xlsx", "gsheets"])
def office(request: pytest.FixtureRequest, settings: Settings, demo_workbook: Path) -> Office:
    """The same office on each backend: the demo .xlsx, or it imported into the emulator."""
    if request.param == "xlsx":
        return Office(settings)
    emulator: SheetsEmulator = request.getfixturevalue("sheets_emulator")
    key: Path = request.getfixturevalue("service_account_key")
    sid = emulator.import_xlsx(demo_workbook, shared_with=[SERVICE_EMAIL])
    return Office(gsettings(settings, emulator, key, sid), emulator)


# ---------------------------------------------------------------- appending rows


def test_appended_rows_land_after_the_last_row_holding_data_with_dates_as_dates_and_text_as_text(
    office: Office,
) -> None:
    s = office.settings
    book = office.book()
    before = book.read([s.sheets.complaints])[s.sheets.complaints]
    received = dt.datetime(2024, 4, 19, 14, 5, 31)
    rows = [
        ["ร67-901", received, "เว็บไซต์", None, None, "ไฟฟ้าส่องสว่างดับทั้งซอย หมู่ ๔",
         "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", "สำนักงานปลัด อบต.", "รับเรื่องแล้ว"],
        ["ร67-902", dt.date(2024, 4, 20), "เว็บไซต์", None, None, '=IMPORTXML("http://x.example","//a")',
         "การทุจริตและประพฤติมิชอบ", "สำนักงานปลัด อบต.", "รับเรื่องแล้ว"],
    ]
    book.apply(Changes(append={s.sheets.complaints: rows}))
    after = office.sheet(s.sheets.complaints)
    assert after[: len(before)] == before  # every row a person typed is as it was
    added = after[len(before):]
    assert [r[0] for r in added] == ["ร67-901", "ร67-902"]
    assert added[0][1] == received and isinstance(added[1][1], dt.datetime | dt.date)
    assert added[1][1].timetuple()[:3] == (2024, 4, 20)
    assert added[1][5] == '=IMPORTXML("http://x.example","//a")'  # data, never a formula
    assert added[0][3] in (None, "") and added[0][8] == "รับเรื่องแล้ว"


def test_a_row_a_person_adds_between_the_read_and_the_append_is_kept_and_the_new_row_goes_below_it(
    office: Office,
) -> None:
    s = office.settings
    book = office.book()
    before = book.read([s.sheets.complaints])[s.sheets.complaints]
    typed = ["ร67-950", dt.datetime(2024, 4, 18), "โทรศัพท์", "นายสมชาย ใจดี", "081-234-5678",
             "ขอให้ซ่อมถนนลูกรังหมู่ ๕", "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", "กองช่าง", "รับเรื่องแล้ว"]
    office.type_row(s.sheets.complaints, len(before) + 1, typed)
    book.apply(Changes(append={s.sheets.complaints: [["ร67-951", dt.date(2024, 4, 20), "เว็บไซต์"]]}))
    after = office.sheet(s.sheets.complaints)
    assert after[len(before)][:9] == typed
    assert after[len(before) + 1][0] == "ร67-951" and len(after) == len(before) + 2


def test_nothing_to_append_writes_nothing(office: Office) -> None:
    s = office.settings
    book = office.book()
    book.read([s.sheets.complaints])
    calls = book.api_calls
    stamp = s.workbook_path.stat().st_mtime_ns if s.workbook.backend == "xlsx" else None
    book.apply(Changes(append={s.sheets.complaints: []}))
    assert book.api_calls == calls
    if stamp is not None:
        assert s.workbook_path.stat().st_mtime_ns == stamp


# ---------------------------------------------------------------- taking in form responses

FORM_HEADERS = ("ประทับเวลา", "ชื่อ-นามสกุล", "อีเมลสำหรับติดตามเรื่อง", "เบอร์โทรศัพท์", "ประเภทเรื่องร้องเรียน",
                "หน่วยงานที่เกี่ยวข้อง", "เรื่องที่ร้องเรียน", "รายละเอียด", "การยินยอมให้ติดต่อกลับ")
LIGHTS = {"ประทับเวลา": dt.datetime(2024, 4, 19, 20, 41, 7), "ชื่อ-นามสกุล": "นางสาวอรุณี แก้วใส",
          "อีเมลสำหรับติดตามเรื่อง": "aroonee.k@example.co.th", "เบอร์โทรศัพท์": "089-111-2233",
          "ประเภทเรื่องร้องเรียน": "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", "หน่วยงานที่เกี่ยวข้อง": "กองช่าง",
          "เรื่องที่ร้องเรียน": "ไฟฟ้าส่องสว่างดับทั้งซอย หมู่ ๔ บ้านนายสมศักดิ์",
          "รายละเอียด": "ดับมาสองสัปดาห์ กลางคืนมืดมาก", "การยินยอมให้ติดต่อกลับ": "ยินยอมให้ติดต่อกลับทางอีเมล"}
BRIBE = {"ประทับเวลา": dt.datetime(2024, 4, 20, 6, 12, 55), "ชื่อ-นามสกุล": "นายวิชัย บุญมา",
         "อีเมลสำหรับติดตามเรื่อง": "wichai.b@example.com", "ประเภทเรื่องร้องเรียน": "การทุจริตและประพฤติมิชอบ",
         "เรื่องที่ร้องเรียน": "นายช่างเรียกรับเงินค่าเซ็นแบบขออนุญาตก่อสร้าง",
         "การยินยอมให้ติดต่อกลับ": "ยินยอมให้ติดต่อกลับทางอีเมล"}
ROAD = {"ประทับเวลา": dt.datetime(2024, 4, 20, 7, 3, 12), "ชื่อ-นามสกุล": "นายบุญมี ทองคำ",
        "ประเภทเรื่องร้องเรียน": "ขอความช่วยเหลือ/ข้อเสนอแนะทั่วไป", "หน่วยงานที่เกี่ยวข้อง": "กองช่าง",
        "เรื่องที่ร้องเรียน": "ถนนลูกรังหมู่ ๕ เป็นหลุมลึก รถล้มบ่อย"}  # no e-mail, no consent
# Sent on the last day of FY 2566, read for the first time now: numbered in FY 2566.
LATE = {"ประทับเวลา": dt.datetime(2023, 9, 30, 23, 58, 1), "ประเภทเรื่องร้องเรียน": "การจัดซื้อจัดจ้าง",
        "เรื่องที่ร้องเรียน": "ผู้รับจ้างรายเดียวได้งานซ่อมถนนทุกสัญญา"}


def submit(office: Office, title: str, answers: dict[str, Any]) -> None:
    """A citizen sends the form: Google Forms adds a row to its responses sheet."""
    rows = office.sheet(title)
    office.type_row(title, len(rows) + 1, [answers.get(h) for h in FORM_HEADERS])


def rows_by_key(s: Settings, register: list[list[Any]]) -> dict[str, list[list[Any]]]:
    header = register[0]
    at = header.index("รหัสแบบฟอร์ม")
    out: dict[str, list[list[Any]]] = {}
    for row in register[1:]:
        key = row[at] if at < len(row) else None
        if key:
            out.setdefault(str(key), []).append(row)
    return out


def form_rows(s: Settings, register: list[list[Any]]) -> list[list[Any]]:
    """Register rows the service appended (those with a form key), in sheet order."""
    at = register[0].index("รหัสแบบฟอร์ม")
    return [r for r in register[1:] if at < len(r) and r[at]]


def run_checks(office: Office) -> Any:
    from automation.pipeline import check_stages, run_once

    return run_once(office.settings, office.book(), stages=check_stages())


def highest(register: list[list[Any]], prefix: str) -> int:
    numbers = [int(str(r[0])[len(prefix):]) for r in register[1:] if str(r[0] or "").startswith(prefix)
               and str(r[0])[len(prefix):].isdigit()]
    return max(numbers, default=0)


def test_each_new_response_becomes_one_register_row_with_the_next_id_of_its_fiscal_year_and_its_timestamp(
    office: Office,
) -> None:
    s = office.settings
    before = office.sheet(s.sheets.complaints)
    forms_before = (office.sheet(s.sheets.complaint_form), office.sheet(s.sheets.corruption_form))
    submit(office, s.sheets.complaint_form, LIGHTS)
    submit(office, s.sheets.corruption_form, BRIBE)
    submit(office, s.sheets.complaint_form, ROAD)
    submit(office, s.sheets.complaint_form, LATE)
    summary = run_checks(office)
    after = office.sheet(s.sheets.complaints)
    added = after[len(before):]
    n67, n66 = highest(before, "ร67-"), highest(before, "ร66-")
    header = after[0]
    col = {h: header.index(h) for h in header}
    # In the order they were sent: the late FY 2566 one first.
    assert [r[0] for r in added] == [f"ร66-{n66 + 1:03d}", f"ร67-{n67 + 1:03d}", f"ร67-{n67 + 2:03d}",
                                     f"ร67-{n67 + 3:03d}"]
    assert [r[col["วันที่รับเรื่อง"]] for r in added] == [
        LATE["ประทับเวลา"], LIGHTS["ประทับเวลา"], BRIBE["ประทับเวลา"], ROAD["ประทับเวลา"]]
    assert {r[col["ช่องทาง"]] for r in added} == {"เว็บไซต์"}
    assert {r[col["สถานะ"]] for r in added} == {"รับเรื่องแล้ว"}
    lights, bribe = added[1], added[2]
    assert lights[col["เรื่องที่ร้องเรียน"]] == LIGHTS["เรื่องที่ร้องเรียน"]
    assert lights[col["หน่วยงานที่รับผิดชอบ"]] == "กองช่าง" and lights[col["การส่งต่อ"]] in (None, "")
    # The corruption form's complaint: the coordinator's unit, marked coordinator-only.
    assert bribe[col["ประเภทเรื่อง"]] == "การทุจริตและประพฤติมิชอบ"
    assert bribe[col["หน่วยงานที่รับผิดชอบ"]] == "สำนักงานปลัด อบต."
    assert bribe[col["การส่งต่อ"]] == "ผู้ประสานงานเท่านั้น"
    # Nothing of the complainant is copied into the register.
    for row in added:
        assert row[col["ชื่อผู้ร้องเรียน"]] in (None, "") and row[col["ข้อมูลติดต่อ"]] in (None, "")
    assert "\n".join(str(v) for r in added for v in r).count("example") == 0
    # Rows people typed, and the forms, are as they were.
    assert after[: len(before)] == before
    assert office.sheet(s.sheets.complaint_form)[: len(forms_before[0])] == forms_before[0]
    intake = next(st for st in summary.stages if st.name == "intake")
    assert intake.figures["added"] == 4 and intake.figures["corruption"] == 1
    # Read again: every response is in, nothing is added, and on Sheets nothing is written.
    again = run_checks(office)
    assert office.sheet(s.sheets.complaints) == after
    if office.emulator is not None:
        assert again.api_calls == 2
    assert all(len(rows) == 1 for rows in rows_by_key(s, after).values())


def test_a_row_staff_have_edited_is_never_written_again_and_a_deleted_one_is_not_brought_back(
    office: Office, tmp_path: Path,
) -> None:
    s = office.settings
    submit(office, s.sheets.complaint_form, LIGHTS)
    submit(office, s.sheets.complaint_form, ROAD)
    run_checks(office)
    register = office.sheet(s.sheets.complaints)
    header = register[0]
    status, outcome = header.index("สถานะ") + 1, header.index("ผลการดำเนินการ") + 1
    lights_row = next(i for i, r in enumerate(register, 1) if r[header.index("เรื่องที่ร้องเรียน")] == LIGHTS[
        "เรื่องที่ร้องเรียน"])
    # Staff take the case on, and blank out the other row (it was a duplicate phone call).
    office.type_row(s.sheets.complaints, lights_row, [None] * (status - 1) + ["อยู่ระหว่างดำเนินการ"])
    road_row = next(i for i, r in enumerate(register, 1) if r[header.index("เรื่องที่ร้องเรียน")] == ROAD[
        "เรื่องที่ร้องเรียน"])
    if office.emulator is not None:
        for c in range(len(header)):
            office.emulator.edit_cell(office.sid, s.sheets.complaints, road_row - 1, c, value=None)
    else:
        book = openpyxl.load_workbook(s.workbook_path)
        book[s.sheets.complaints].delete_rows(road_row)
        book.save(s.workbook_path)
    edited = office.sheet(s.sheets.complaints)
    run_checks(office)
    run_checks(office)
    final = office.sheet(s.sheets.complaints)
    assert final == edited
    assert final[lights_row - 1][status - 1] == "อยู่ระหว่างดำเนินการ"
    assert final[lights_row - 1][outcome - 1] in (None, "")
    assert ROAD["เรื่องที่ร้องเรียน"] not in {r[header.index("เรื่องที่ร้องเรียน")] for r in final[1:]}


# ---------------------------------------------------------------- killed runs, retries, two runs at once

PROJECT = Path(__file__).resolve().parent.parent
RUN_SCRIPT = textwrap.dedent("""
    import datetime as dt, json, os, signal, sys
    from automation.pipeline import check_stages, run_once
    from automation.settings import load_settings
    config, overrides, step = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if step == "after-append":  # the rows are in the workbook; nothing remembered, nothing queued
        import automation.acknowledge
        automation.acknowledge.after_append = die
    elif step == "state-mark":  # killed while remembering the first appended row
        import automation.state
        automation.state.State.mark = die
    elif step == "xlsx-save":  # half-way through writing the new file
        from automation.workbook.xlsx_zip import ZipWriter
        parts = []
        def dying(real):
            def member(self, *args, **kwargs):
                parts.append(args)
                if len(parts) == 6:
                    die()
                return real(self, *args, **kwargs)
            return member
        ZipWriter.copy, ZipWriter.write = dying(ZipWriter.copy), dying(ZipWriter.write)
    run_once(load_settings(config, run__today=dt.date(2024, 4, 20), **overrides), stages=check_stages())
""")


def overrides(office: Office, key: Path | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = dict(extra)
    if office.emulator is not None:
        out.update(workbook__backend="gsheets", gsheets__spreadsheet_id=office.sid,
                   gsheets__credentials_file=str(office.settings.gsheets.credentials_file),
                   gsheets__api_base_url=office.emulator.url)
    return out


def start_run(office: Office, step: str = "", **extra: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", RUN_SCRIPT, str(office.settings.source),
                             json.dumps(overrides(office, **extra)), step],
                            cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(condition: Any, what: str, limit: float = 60.0) -> None:
    ends = time.monotonic() + limit
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def one_row_per_response(office: Office, before: list[list[Any]], sent: list[dict[str, Any]]) -> None:
    s = office.settings
    after = office.sheet(s.sheets.complaints)
    assert after[: len(before)] == before  # nothing a person typed changed
    added = form_rows(s, after)[len(form_rows(s, before)):]
    subject = after[0].index("เรื่องที่ร้องเรียน")
    assert sorted(r[subject] for r in added) == sorted(a["เรื่องที่ร้องเรียน"] for a in sent)
    assert all(len(rows) == 1 for rows in rows_by_key(s, after).values())
    assert len({r[0] for r in added}) == len(added)  # and no id twice


KILL_STEPS = {"xlsx": ["xlsx-save", "after-append", "state-mark"],
              "gsheets": ["{sid}:batchUpdate", "values:batchUpdate", "after-append", "state-mark"]}


@pytest.mark.parametrize("step", sorted({s for steps in KILL_STEPS.values() for s in steps}))
def test_a_run_killed_at_any_step_and_run_again_leaves_exactly_one_row_per_response(
    office: Office, step: str,
) -> None:
    backend = "gsheets" if office.emulator is not None else "xlsx"
    if step not in KILL_STEPS[backend]:
        pytest.skip(f"{step} is a step of the other backend")
    s = office.settings
    before = office.sheet(s.sheets.complaints)
    for title, answers in ((s.sheets.complaint_form, LIGHTS), (s.sheets.corruption_form, BRIBE)):
        submit(office, title, answers)
    if "Update" in step:  # a Sheets request held in flight, the client killed meanwhile
        match = step.format(sid=office.sid)
        office.emulator.inject_fault(match, delay=8)  # type: ignore[union-attr]
        office.emulator.reset_calls()  # type: ignore[union-attr]
        process = start_run(office)
        try:
            wait_for(lambda: office.emulator.call_count(match) > 0, f"the run's {step}")  # type: ignore[union-attr]
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(60)
        office.emulator.clear_faults()  # type: ignore[union-attr]
    else:
        process = start_run(office, step)
        process.wait(120)
    assert process.returncode == -signal.SIGKILL, process.stderr.read()[-800:] if process.stderr else ""
    run_checks(office)
    run_checks(office)
    one_row_per_response(office, before, [LIGHTS, BRIBE])


def test_a_retried_write_whose_first_answer_was_lost_appends_the_rows_once(office: Office) -> None:
    if office.emulator is None:
        pytest.skip("the .xlsx save is all or nothing")
    s = office.settings
    before = office.sheet(s.sheets.complaints)
    submit(office, s.sheets.complaint_form, LIGHTS)
    submit(office, s.sheets.complaint_form, ROAD)
    # Google applied the batch (rows appended) but the answer never arrived: the retry must not
    # append them again.
    office.emulator.inject_fault(f"{office.sid}:batchUpdate", status=503, commit=True)
    book = office.book()
    book.retry = RetryPolicy(max_attempts=3, deadline=10, base=0.01, cap=0.02)  # type: ignore[attr-defined]
    from automation.pipeline import check_stages, run_once

    run_once(s, book, stages=check_stages())
    one_row_per_response(office, before, [LIGHTS, ROAD])


def test_two_runs_at_once_append_each_response_once(office: Office) -> None:
    s = office.settings
    before = office.sheet(s.sheets.complaints)
    sent = [LIGHTS, ROAD, LATE]
    for answers in sent:
        submit(office, s.sheets.complaint_form, answers)
    submit(office, s.sheets.corruption_form, BRIBE)
    if office.emulator is not None:  # the first writer is slow: the second has read by then
        office.emulator.inject_fault(f"{office.sid}:batchUpdate", delay=1.5, times=1)
    runs = [start_run(office), start_run(office)]
    for process in runs:
        process.wait(180)
    assert [p.returncode for p in runs] == [0, 0], [p.stderr.read()[-800:] for p in runs if p.stderr]
    one_row_per_response(office, before, [*sent, BRIBE])


# ---------------------------------------------------------------- acknowledgement, once


# A run queues at the pinned day's current clock time; the outbox is worked later that day.
END_OF_TODAY = dt.datetime.combine(TODAY, dt.time(23, 59, 59), ZoneInfo("Asia/Bangkok"))


def test_the_complainant_who_consented_is_acknowledged_once_and_the_date_is_written_only_after_the_server_took_it(
    office: Office, caplog: pytest.LogCaptureFixture,
) -> None:
    from automation.delivery import deliver
    from automation.pipeline import check_stages, run_once
    from automation.state import State
    from tests.test_delivery import MailCatcher, with_smtp

    s0 = office.settings
    submit(office, s0.sheets.complaint_form, LIGHTS)  # consented, with an address
    submit(office, s0.sheets.corruption_form, BRIBE)  # consented, with an address
    submit(office, s0.sheets.complaint_form, ROAD)  # no address, no consent
    now = END_OF_TODAY
    with MailCatcher() as server, caplog.at_level(logging.INFO):
        s = with_smtp(s0, server.port)
        run_once(s, office.book(), stages=check_stages())
        register = office.sheet(s.sheets.complaints)
        ack = register[0].index("วันที่แจ้งรับเรื่อง")
        assert all(r[ack] in (None, "") for r in form_rows(s, register)[-3:])  # queued, not yet sent
        run_once(s, office.book(), stages=check_stages())  # a second run queues nothing more
        with State(s.state_path) as state:
            report = deliver(s, state, now)
            again = deliver(s, state, now + dt.timedelta(hours=2))
        run_once(s, office.book(), stages=check_stages())  # the server took them: dates written
        run_once(s, office.book(), stages=check_stages())
        received = list(server.received)
    assert report.sent == 2 and again.sent == 0
    assert sorted(r for m in received for r in m.rcpt_tos) == sorted([LIGHTS["อีเมลสำหรับติดตามเรื่อง"],
                                                                      BRIBE["อีเมลสำหรับติดตามเรื่อง"]])
    register = office.sheet(s.sheets.complaints)
    ids = {r[register[0].index("เรื่องที่ร้องเรียน")]: r for r in form_rows(s, register)[-3:]}
    lights, bribe, road = (ids[a["เรื่องที่ร้องเรียน"]] for a in (LIGHTS, BRIBE, ROAD))
    to_lights = next(m.message for m in received if LIGHTS["อีเมลสำหรับติดตามเรื่อง"] in m.rcpt_tos)
    body = to_lights.get_content()
    # Their id and how to follow it; their own name and subject, unmasked, to them.
    assert lights[0] in to_lights["Subject"] and lights[0] in body
    assert s.complaint_form.status_url in body
    assert LIGHTS["ชื่อ-นามสกุล"] in body and LIGHTS["เรื่องที่ร้องเรียน"] in body
    to_bribe = next(m.message for m in received if BRIBE["อีเมลสำหรับติดตามเรื่อง"] in m.rcpt_tos).get_content()
    assert bribe[0] in to_bribe and "ผู้ประสานงาน" in to_bribe
    assert s.complaint_form.status_url not in to_bribe  # the public lookup does not list it here
    # The date the server accepted it, on the service's rows only; never a copy in a folder
    # or an address in the log.
    assert lights[ack].timetuple()[:3] == bribe[ack].timetuple()[:3] == (2024, 4, 20)
    assert road[ack] in (None, "")
    assert not list((s.output_dir / "mail").rglob("ack*")) if (s.output_dir / "mail").exists() else True
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("automation"))
    assert "queued ack" in ours and LIGHTS["อีเมลสำหรับติดตามเรื่อง"] not in ours  # (the test server logs it)


def test_no_acknowledgement_date_goes_on_a_row_staff_have_already_taken_on(office: Office) -> None:
    from automation.delivery import deliver
    from automation.pipeline import check_stages, run_once
    from automation.state import State
    from tests.test_delivery import MailCatcher, with_smtp

    s0 = office.settings
    submit(office, s0.sheets.complaint_form, LIGHTS)
    with MailCatcher() as server:
        s = with_smtp(s0, server.port)
        run_once(s, office.book(), stages=check_stages())
        register = office.sheet(s.sheets.complaints)
        row = len(register)
        status, ack = register[0].index("สถานะ"), register[0].index("วันที่แจ้งรับเรื่อง")
        # Staff phone the complainant and take the case on before the e-mail goes out.
        office.type_row(s.sheets.complaints, row, [None] * status + ["อยู่ระหว่างดำเนินการ"])
        with State(s.state_path) as state:
            deliver(s, state, END_OF_TODAY)
        edited = office.sheet(s.sheets.complaints)
        run_once(s, office.book(), stages=check_stages())
    assert len(server.received) == 1
    assert office.sheet(s.sheets.complaints) == edited and edited[row - 1][ack] in (None, "")


# ---------------------------------------------------------------- corruption: the coordinator only


def test_corruption_complaints_never_reach_a_unit_digest_and_reach_the_coordinator_in_their_own_message(
    office: Office,
) -> None:
    import email
    from email import policy

    from automation import jobs
    from automation.state import State

    s = office.settings
    # Through the general form, naming the unit it is about; and one typed by staff for กองช่าง.
    bribe = dict(BRIBE, **{"ประทับเวลา": dt.datetime(2024, 4, 16, 19, 2, 44), "หน่วยงานที่เกี่ยวข้อง": "กองช่าง"})
    submit(office, s.sheets.complaint_form, bribe)
    submit(office, s.sheets.complaint_form, dict(LIGHTS, **{"ประทับเวลา": dt.datetime(2024, 4, 15, 8, 0, 0)}))
    register = office.sheet(s.sheets.complaints)
    typed = ["ร67-900", dt.datetime(2024, 4, 10), "โทรศัพท์", "นายสมหมาย ใจกล้า", "081-999-0000",
             "เจ้าหน้าที่กองช่างขอค่าดำเนินการนอกระบบ", "การทุจริตและประพฤติมิชอบ", "กองช่าง", "รับเรื่องแล้ว"]
    office.type_row(s.sheets.complaints, len(register) + 1, typed)
    run_checks(office)
    register = office.sheet(s.sheets.complaints)
    col = register[0].index
    taken = {r[col("เรื่องที่ร้องเรียน")]: r for r in form_rows(s, register)}
    secret_ids = [taken[bribe["เรื่องที่ร้องเรียน"]][0], "ร67-900"]
    lights_id = taken[LIGHTS["เรื่องที่ร้องเรียน"]][0]
    with State(s.state_path) as state:
        ctx = jobs.JobContext(s, state, dt.datetime.combine(TODAY, dt.time(8), ZoneInfo("Asia/Bangkok")))
        outcome = jobs.digest(ctx)
        mails = [(item.kind, item.recipients,
                  email.message_from_bytes(item.eml, policy=policy.default).get_content())  # type: ignore[union-attr]
                 for item in state.outbox()]
    digests = [(to, body) for kind, to, body in mails if kind == "digest"]
    secret = [(to, body) for kind, to, body in mails if kind == "corruption-digest"]
    assert outcome.counts["queued"] == len(mails) and digests
    works = [body for to, body in digests if "works@example.go.th" in to]
    assert works and lights_id in works[0]  # the unit still gets its ordinary complaint
    for to, body in digests:
        for secret_id in secret_ids:
            assert secret_id not in body, (to, secret_id)
        assert "เรียกรับเงิน" not in body and "นอกระบบ" not in body
    assert len(secret) == 1 and secret[0][0] == [s.delivery.coordinator_email]
    assert all(secret_id in secret[0][1] for secret_id in secret_ids)


# ---------------------------------------------------------------- the public status lookup


def lookup_cells(index: Path) -> list[list[str]]:
    """The status table's rows as a browser reads them (text of each cell)."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside = self.cell = False
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "section":
                self.inside = ("id", "complaint-status") in attrs
            if self.inside and tag == "tr":
                self.rows.append([])
            if self.inside and tag in ("td", "th"):
                self.cell = True
                self.rows[-1].append("")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th"):
                self.cell = False
            if tag == "section":
                self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside and self.cell:
                self.rows[-1][-1] += data.strip()

    parser = Cells()
    parser.feed(index.read_text(encoding="utf-8"))
    return parser.rows


@pytest.mark.parametrize("corruption_listed", [False, True])
def test_the_public_lookup_shows_only_numbers_dates_and_statuses(office: Office, corruption_listed: bool) -> None:
    from automation.reports import build_public_page
    from automation.schema import build_schema
    from automation.tables import load_tables
    from automation.thaidate import digits, round_to_report

    s = office.settings.model_copy(update={"complaint_form": office.settings.complaint_form.model_copy(
        update={"public_corruption_status": corruption_listed})})
    submit(office, s.sheets.complaint_form, LIGHTS)
    submit(office, s.sheets.corruption_form, BRIBE)
    run_checks(office)
    tables = load_tables(office.book(), build_schema(s))
    page = build_public_page(s, tables, round_to_report(TODAY, s.deadlines.report_grace_days), TODAY,
                             out_dir=s.output_dir / "public")
    rows = lookup_cells(page)
    header, body = rows[0], rows[1:]
    assert header == ["เลขที่รับเรื่อง", "วันที่รับเรื่อง", "สถานะ", "วันที่ยุติเรื่อง"]
    register = office.sheet(s.sheets.complaints)
    col = register[0].index
    fy2567 = [r for r in register[1:] if isinstance(r[col("วันที่รับเรื่อง")], dt.date)
              and r[col("วันที่รับเรื่อง")] >= dt.datetime(2023, 10, 1)]
    corrupt = {r[0] for r in fy2567 if r[col("ประเภทเรื่อง")] == "การทุจริตและประพฤติมิชอบ"}
    shown = {digits(r[0], "arabic") for r in body}
    ordinary = {r[0] for r in fy2567} - corrupt
    assert ordinary <= shown  # every complaint of the year a citizen may look up…
    assert (corrupt <= shown) == corruption_listed and (shown & corrupt or not corruption_listed)
    statuses = {c.th for c in COMPLAINT_STATUS}
    date_text = re.compile(r"^(–|[๐-๙0-9]{1,2} \S+ [๐-๙0-9]{4})$")
    for number, received, status, closed in body:
        assert number in {str(r[0]) for r in register[1:]}  # as typed: what the e-mail quotes
        assert status in statuses and date_text.match(received) and date_text.match(closed), (received, closed)
        if digits(number, "arabic") in corrupt:
            assert received == closed == "–"  # id and status only
    # …and nothing else: no subject, name, contact, unit or outcome of any complaint.
    section = "\n".join("".join(r) for r in rows)
    for r in register[1:]:
        for name in ("เรื่องที่ร้องเรียน", "ชื่อผู้ร้องเรียน", "ข้อมูลติดต่อ", "ผลการดำเนินการ", "หน่วยงานที่รับผิดชอบ"):
            text = str(r[col(name)] or "").strip()
            if len(text) > 3:
                assert text not in section, text
    for answers in (LIGHTS, BRIBE):
        for value in answers.values():
            assert not isinstance(value, str) or value not in section


# ---------------------------------------------------------------- posters


def test_qr_makes_a_complaint_poster_and_a_corruption_poster_that_scan_to_their_forms(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    import zxingcpp
    from PIL import Image

    from automation.cli import main

    assert main(["qr", "--config", str(settings.source), "--out", str(tmp_path / "all"), "--json"]) == 0
    made = {p["key"]: p for p in json.loads(capsys.readouterr().out)}
    form = settings.complaint_form
    for key, url in (("complaint", form.form_url), ("corruption", form.corruption_form_url)):
        png = Path(made[key]["png"])
        assert png.name == f"poster-{key}.png" and Path(made[key]["pdf"]).exists()
        scanned = [r.text for r in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)]
        assert scanned == [url]
    # An office without a corruption form gets no corruption poster.
    config = settings.source.read_text(encoding="utf-8").replace(
        'corruption_form = "ฟอร์มร้องเรียนการทุจริต"', 'corruption_form = ""')
    settings.source.write_text(config, encoding="utf-8")
    assert main(["qr", "--config", str(settings.source), "--out", str(tmp_path / "one"), "--json"]) == 0
    keys = [p["key"] for p in json.loads(capsys.readouterr().out)]
    assert "complaint" in keys and "corruption" not in keys


# ---------------------------------------------------------------- demo, emulator, init


def test_the_demo_has_both_forms_with_thai_responses_already_in_the_register_and_the_emulator_serves_them(
    settings: Settings, sheets_emulator: SheetsEmulator,
) -> None:
    from automation.sheets_emulator.server import _demo_spreadsheet

    sid = _demo_spreadsheet(sheets_emulator, SERVICE_EMAIL)
    titles = sheets_emulator.sheet_titles(sid)
    assert settings.sheets.complaint_form in titles and settings.sheets.corruption_form in titles
    general = sheets_emulator.values(sid, settings.sheets.complaint_form)
    corruption = sheets_emulator.values(sid, settings.sheets.corruption_form)
    # (The emulator's demo is built for the real today: how many rows varies with the date.)
    assert list(general[0]) == list(FORM_HEADERS) == list(corruption[0]) and len(general) > 3
    subject = FORM_HEADERS.index("เรื่องที่ร้องเรียน")
    assert all(re.search("[ก-๙]", str(r[subject])) for r in general[1:] + corruption[1:])
    register = sheets_emulator.values(sid, settings.sheets.complaints)
    keys = {r[-1] for r in register[1:] if len(r) == len(register[0]) and r[-1]}
    assert len(keys) == len(general) - 1 + len(corruption) - 1  # every response already taken in


def test_a_first_run_on_the_demo_adds_nothing(settings: Settings, demo_workbook: Path) -> None:
    office = Office(settings)
    before = office.sheet(settings.sheets.complaints)
    assert len(office.sheet(settings.sheets.corruption_form)) > 2  # the pinned demo's corruption form
    summary = run_checks(office)
    assert office.sheet(settings.sheets.complaints) == before
    assert next(s for s in summary.stages if s.name == "intake").figures["added"] == 0


def test_init_creates_both_form_sheets_with_the_configured_questions(
    settings: Settings, tmp_path: Path, sheets_emulator: SheetsEmulator, service_account_key: Path,
) -> None:
    from automation.cli import main
    from automation.schema import build_schema
    from automation.workbook import open_workbook

    book = tmp_path / "office.xlsx"
    assert main(["init", "--config", str(settings.source), "--workbook", str(book)]) == 0
    made = openpyxl.load_workbook(book)
    for title in (settings.sheets.complaint_form, settings.sheets.corruption_form):
        assert [c.value for c in made[title][1]] == list(FORM_HEADERS)
    register = [c.value for c in made[settings.sheets.complaints][1]]
    assert register[-2:] == ["การส่งต่อ", "รหัสแบบฟอร์ม"]
    sid = sheets_emulator.create_spreadsheet("อบต.ใหม่", {"Sheet1": []}, [SERVICE_EMAIL])
    g = gsettings(settings, sheets_emulator, service_account_key, sid)
    added = open_workbook(g).provision(list(build_schema(g).sheets.values()))
    assert g.sheets.complaint_form in added and g.sheets.corruption_form in added
    assert sheets_emulator.values(sid, g.sheets.corruption_form) == [list(FORM_HEADERS)]


def test_a_register_without_the_service_columns_gets_their_headers_first_and_its_rows_on_the_next_run(
    office: Office,
) -> None:
    s = office.settings
    register = office.sheet(s.sheets.complaints)
    width = len(register[0])
    # An office's register from before the intake: the last two headers are not there.
    if office.emulator is not None:
        for c in (width - 2, width - 1):
            for r in range(len(register)):
                office.emulator.edit_cell(office.sid, s.sheets.complaints, r, c, value=None)
    else:
        book = openpyxl.load_workbook(s.workbook_path)
        book[s.sheets.complaints].delete_cols(width - 1, 2)
        book.save(s.workbook_path)
    before = office.sheet(s.sheets.complaints)
    submit(office, s.sheets.complaint_form, LIGHTS)
    # Staff typed the form's earlier complaints by hand: the intake starts with the 19th.
    s = s.model_copy(update={"complaint_form": s.complaint_form.model_copy(update={"since": dt.date(2024, 4, 19)})})
    office = Office(s, office.emulator)
    first = run_checks(office)
    headed = office.sheet(s.sheets.complaints)
    assert headed[0][width - 2:] == ["การส่งต่อ", "รหัสแบบฟอร์ม"]
    assert [r[: width - 2] for r in headed[1:]] == [r[: width - 2] for r in before[1:]]
    assert len(headed) == len(before)  # no row without its key
    assert "register-column-added" in {f.rule for f in first.findings}
    run_checks(office)
    after = office.sheet(s.sheets.complaints)
    assert len(after) == len(before) + 1 and after[-1][5] == LIGHTS["เรื่องที่ร้องเรียน"]


def test_an_office_without_the_form_tabs_keeps_its_register_exactly_as_it_is(
    settings: Settings, demo_workbook: Path,
) -> None:
    book = openpyxl.load_workbook(demo_workbook)
    for title in (settings.sheets.complaint_form, settings.sheets.corruption_form):
        del book[title]
    register = book[settings.sheets.complaints]
    register.delete_cols(register.max_column - 1, 2)  # nor the service columns
    book.save(demo_workbook)
    office = Office(settings)
    before = office.sheet(settings.sheets.complaints)
    run_checks(office)
    assert office.sheet(settings.sheets.complaints) == before
