"""Complaints from a Google Form: rows appended to the register through the Workbook
interface, on both backends (a real .xlsx file; gspread's real client against the loopback
Sheets emulator)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.settings import Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.workbook import Changes, Workbook
from automation.workbook.gsheets import GoogleSheetsWorkbook
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
