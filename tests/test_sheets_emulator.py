"""The Sheets emulator driven through real gspread 6.2.1 and google-auth's real service-account
token flow over loopback HTTP (no mocks), plus its fault injection, call log, persistence and
command line. Every wait is bounded; the whole file runs in a few seconds."""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import BackOffHTTPClient, HTTPClient

from automation.gsheets_transport import (
    SHEETS_SCOPE,
    http_client_for,
    rewrite_endpoint,
    service_account_credentials,
)
from automation.sheets_emulator import SheetsEmulator
from tests.sheets_fixtures import (
    SERVICE_EMAIL,
    gspread_client,
    service_account_key,
    sheets_emulator,
    sheets_emulator_session,
)

__all__ = ["gspread_client", "service_account_key", "sheets_emulator", "sheets_emulator_session"]

THAI_TAB = "เรื่องร้องเรียน"
FORMULA_TEXT = '=IMPORTXML("http://example.com","//a")'
PROJECT = Path(__file__).resolve().parents[1]


def _book(emulator: SheetsEmulator, sheets: dict[str, list[list[Any]]] | None = None,
          shared: bool = True) -> str:
    return emulator.create_spreadsheet("สมุดทดสอบ", sheets or {THAI_TAB: [["id", "subject"]]},
                                       shared_with=[SERVICE_EMAIL] if shared else [])


def _raw_get(emulator: SheetsEmulator, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(emulator.url + path, headers=headers, timeout=5)


# ---------------------------------------------------------------------------- reading

def test_gspread_opens_a_shared_spreadsheet_and_lists_its_worksheets(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, {THAI_TAB: [["a"]], "Sheet2": []})
    book = gspread_client.open_by_key(sid)
    assert book.title == "สมุดทดสอบ"
    tabs = book.worksheets()
    first = tabs[0]
    assert (first.title, first.id, first.row_count, first.col_count) == (THAI_TAB, 0, 1000, 26)
    assert tabs[1].title == "Sheet2" and tabs[1].index == 1


def test_values_batch_get_unformatted_gives_numbers_bools_and_date_serials(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, {THAI_TAB: [
        ["id", "date", "amount", "ok"],
        ["C-001", dt.date(2024, 1, 31), 1234.5, True],
        [],
        ["C-002", "", 7],
    ]})
    book = gspread_client.open_by_key(sid)
    unformatted = book.values_batch_get(
        [f"'{THAI_TAB}'!A1:D4", f"'{THAI_TAB}'!F1:F3"],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"})
    first, empty = unformatted["valueRanges"]
    assert first["values"] == [["id", "date", "amount", "ok"], ["C-001", 45322, 1234.5, True],
                               [], ["C-002", "", 7]]
    assert first["range"] == f"'{THAI_TAB}'!A1:D4"
    assert "values" not in empty  # an empty range has no values key at all
    formatted = book.values_batch_get([f"'{THAI_TAB}'!A2:D2"])["valueRanges"][0]["values"]
    assert formatted == [["C-001", "2024-01-31", "1234.5", "TRUE"]]
    as_text = book.values_get(f"'{THAI_TAB}'!B2", params={
        "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"})
    assert as_text["values"] == [["2024-01-31"]]


def test_returned_ranges_use_google_notation(sheets_emulator: SheetsEmulator,
                                             gspread_client: gspread.Client) -> None:
    sid = sheets_emulator.create_spreadsheet("t", {"Sheet1": [["x"]], "It's": [["y"]]},
                                             shared_with=[SERVICE_EMAIL])
    book = gspread_client.open_by_key(sid)
    ranges = ["'Sheet1'", "Sheet1!A:B", "Sheet1!D4:A1", "'Sheet1'!A2:C", "'It''s'!A1:1"]
    got = [r["range"] for r in book.values_batch_get(ranges)["valueRanges"]]
    assert got == ["Sheet1!A1:Z1000", "Sheet1!A1:B1000", "Sheet1!A1:D4", "Sheet1!A2:C1000",
                   "'It''s'!A1:Z1"]


@pytest.mark.parametrize("cells", [
    "note", "note,userEnteredFormat(numberFormat(type))", "userEnteredFormat", "formattedValue",
    "dataValidation", "effectiveValue,note", "*"])
def test_grid_data_under_a_mask_is_every_cell_masked_and_trimmed(
        sheets_emulator: SheetsEmulator, cells: str) -> None:
    """spreadsheets.get looks only at the cells that can show something under the mask (a
    run's read of notes and number formats skips the cells holding only a value); the answer
    is the same as masking every stored cell and every cell a format or a rule covers."""
    from automation.sheets_emulator import api
    from automation.sheets_emulator.grid import apply_field_mask, parse_field_mask

    sid = _book(sheets_emulator, {THAI_TAB: [
        ["id", "date", "n"], ["C-1", dt.date(2024, 1, 31), 5], ["C-2", "", 7], [], ["", "", "", "x"]]})
    token = sheets_emulator.issue_token(SERVICE_EMAIL)
    sheet_id = sheets_emulator.sheet_properties(sid, THAI_TAB)["sheetId"]
    box = {"sheetId": sheet_id, "startRowIndex": 6, "endRowIndex": 8, "startColumnIndex": 1, "endColumnIndex": 3}
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "ก"}]}}
    answer = requests.post(f"{sheets_emulator.url}/v4/spreadsheets/{sid}:batchUpdate", timeout=5,
                           headers={"Authorization": f"Bearer {token}"}, json={"requests": [
        {"updateCells": {"range": {**box, "startRowIndex": 2, "endRowIndex": 3, "endColumnIndex": 2},
                         "rows": [{"values": [{"note": "ตรวจแล้ว"}]}], "fields": "note"}},
        {"updateCells": {"range": {**box, "startRowIndex": 9, "endRowIndex": 10, "startColumnIndex": 5,
                                   "endColumnIndex": 6}, "rows": [{"values": [{"note": "ว่าง"}]}], "fields": "note"}},
        {"repeatCell": {"range": box, "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER"}}},
                        "fields": "userEnteredFormat.numberFormat"}},
        {"setDataValidation": {"range": {**box, "startRowIndex": 1, "endRowIndex": 3}, "rule": rule}}]})
    assert answer.status_code == 200, answer.text
    fields = f"sheets(properties(title),data(startRow,rowData(values({cells}))))"
    got = requests.get(f"{sheets_emulator.url}/v4/spreadsheets/{sid}", timeout=5, params={"fields": fields},
                       headers={"Authorization": f"Bearer {token}"}).json()["sheets"][0]["data"][0]

    sheet = sheets_emulator.spreadsheets[sid].sheets[0]
    cell_mask = parse_field_mask(cells)
    spots = set(sheet.cells) | {(r, c) for rule in sheet.formats + sheet.validations
                                for r in range(rule.box.row0, rule.box.row1 + 1)
                                for c in range(rule.box.col0, rule.box.col1 + 1)}
    shown: dict[int, dict[int, Any]] = {}
    for r, c in spots:
        data = apply_field_mask(api._cell_json(sheet, r, c, set(api.CELL_PARTS)), cell_mask)
        if data:
            shown.setdefault(r, {})[c] = data
    expected = [{"values": [shown[r].get(c, {}) for c in range(max(shown[r]) + 1)]} if r in shown else {}
                for r in range(max(shown) + 1)] if shown else None
    assert got.get("rowData") == expected
    assert "rowMetadata" not in got and "columnMetadata" not in got


def test_answers_are_indented_as_google_indents_them_unless_prettyprint_is_false(
        sheets_emulator: SheetsEmulator) -> None:
    """Google's `prettyPrint` system parameter: indented JSON by default (as the recordings
    show), the same answer without whitespace with prettyPrint=false."""
    sid = _book(sheets_emulator, {THAI_TAB: [["id", "subject"], ["C-1", "ถนนชำรุด"]]})
    token = sheets_emulator.issue_token(SERVICE_EMAIL)
    path = f"/v4/spreadsheets/{sid}/values:batchGet?ranges=%27{THAI_TAB}%27"
    indented = _raw_get(sheets_emulator, path, token)
    bare = _raw_get(sheets_emulator, path + "&prettyPrint=false", token)
    assert indented.text.startswith('{\n  "') and bare.text.startswith('{"')
    assert "\n" not in bare.text and ": " not in bare.text
    assert bare.json() == indented.json()


def test_grid_data_holds_values_notes_and_validation_per_cell(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, {THAI_TAB: [["id", "subject"], ["C-1", 5]]})
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheet.update_note("B2", "ตรวจแล้ว")
    sheet.add_validation("A3", gspread.utils.ValidationConditionType.one_of_list, ["x"])
    answer = gspread_client.http_client.fetch_sheet_metadata(sid, params={
        "includeGridData": "true", "ranges": f"'{THAI_TAB}'!A2:C3"})
    data = answer["sheets"][0]["data"][0]
    assert data["startRow"] == 1 and "startColumn" not in data  # zero offsets are left out
    first, second = data["rowData"]
    assert first["values"][0] == {"userEnteredValue": {"stringValue": "C-1"},
                                  "effectiveValue": {"stringValue": "C-1"},
                                  "formattedValue": "C-1"}
    assert first["values"][1]["note"] == "ตรวจแล้ว"
    assert first["values"][1]["effectiveValue"] == {"numberValue": 5}
    assert second["values"][0]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert len(data["rowMetadata"]) == 2 and len(data["columnMetadata"]) == 3


def test_columns_major_dimension_reads_and_writes_by_column(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, {THAI_TAB: [["id", "subject"], ["C-1"]]})
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    assert sheet.get("A1:B2", major_dimension="COLUMNS") == [["id", "C-1"], ["subject"]]
    sheet.update([["x", "y"]], "C1", major_dimension="COLUMNS")
    assert sheets_emulator.values(sid, THAI_TAB) == [["id", "subject", "x"], ["C-1", "", "y"]]


def test_unknown_sheet_or_bad_range_is_400_unable_to_parse_range(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    book = gspread_client.open_by_key(_book(sheets_emulator))
    with pytest.raises(APIError) as caught:
        book.values_get("'ไม่มี'!A1")
    assert caught.value.code == 400
    assert caught.value.error == {"code": 400, "message": "Unable to parse range: 'ไม่มี'!A1",
                                  "status": "INVALID_ARGUMENT"}
    with pytest.raises(APIError, match=r"exceeds grid limits\. Max rows: 1000, max columns: 26"):
        book.values_get(f"'{THAI_TAB}'!A1:A1001")


# ---------------------------------------------------------------------------- writing

def test_raw_write_keeps_formula_like_text_as_text(sheets_emulator: SheetsEmulator,
                                                  gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    answer = sheet.batch_update([{"range": "A2:C2", "values": [["C-9", FORMULA_TEXT, "001"]]}])
    assert answer["totalUpdatedCells"] == 3
    assert sheets_emulator.formulas(sid, THAI_TAB) == {}
    assert sheets_emulator.values(sid, THAI_TAB)[1] == ["C-9", FORMULA_TEXT, "001"]
    assert sheet.get("B2", value_render_option="FORMULA") == [[FORMULA_TEXT]]


def test_user_entered_write_creates_a_formula_so_the_check_can_fail(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheet.batch_update([{"range": "A2:C2", "values": [["C-9", FORMULA_TEXT, "001"]]}],
                       value_input_option="USER_ENTERED")
    assert sheets_emulator.formulas(sid, THAI_TAB) == {(1, 1): FORMULA_TEXT}
    assert sheets_emulator.values(sid, THAI_TAB)[1][2] == 1  # "001" typed in becomes 1


def test_a_hyperlink_formula_shows_its_label_and_its_address_is_the_cells_hyperlink(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    # As Google: the value is the label (the address without one), FORMULA gives the formula,
    # CellData.hyperlink the address; a link set on the whole cell's text format is one too.
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    link = '=HYPERLINK("https://example.go.th/a","หลักฐาน")'
    sheet.update([[link, '=HYPERLINK("https://example.go.th/b")', "ดู"]], "A2", value_input_option="USER_ENTERED")
    sheet.spreadsheet.batch_update({"requests": [{"updateCells": {
        "range": {"sheetId": sheet.id, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 2,
                  "endColumnIndex": 3},
        "rows": [{"values": [{"userEnteredFormat": {"textFormat": {"link": {"uri": "https://example.go.th/c"}}}}]}],
        "fields": "userEnteredFormat.textFormat.link"}}]})
    assert sheet.get("A2:C2", value_render_option="UNFORMATTED_VALUE") == [["หลักฐาน", "https://example.go.th/b", "ดู"]]
    assert sheet.get("A2:C2") == [["หลักฐาน", "https://example.go.th/b", "ดู"]]
    assert sheet.get("A2", value_render_option="FORMULA") == [[link]]
    meta = gspread_client.http_client.fetch_sheet_metadata(sid, params={
        "ranges": f"'{THAI_TAB}'!A2:C2", "fields": "sheets(data(rowData(values(hyperlink,effectiveValue))))"})
    cells = meta["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert [c["hyperlink"] for c in cells] == [f"https://example.go.th/{x}" for x in "abc"]
    assert cells[0]["effectiveValue"] == {"stringValue": "หลักฐาน"}


def test_update_past_the_last_row_is_refused_like_google(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    with pytest.raises(APIError, match="exceeds grid limits") as caught:
        sheet.update([["x"], ["y"]], "A1000")
    assert caught.value.code == 400
    assert sheets_emulator.values(sid, THAI_TAB) == [["id", "subject"]]


def test_append_writes_below_the_table_and_adds_rows_when_full(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheet.resize(rows=2)
    answer = sheet.append_rows([["C-1", "ไฟฟ้าดับ"], ["C-2", "ถนนชำรุด"]])
    assert answer["tableRange"] == f"'{THAI_TAB}'!A1:B1"
    assert answer["updates"]["updatedRange"] == f"'{THAI_TAB}'!A2:B3"
    assert sheets_emulator.sheet_properties(sid, THAI_TAB)["gridProperties"]["rowCount"] == 3
    assert sheets_emulator.values(sid, THAI_TAB)[1:] == [["C-1", "ไฟฟ้าดับ"], ["C-2", "ถนนชำรุด"]]


def test_append_table_ends_at_the_first_blank_row(sheets_emulator: SheetsEmulator,
                                                 gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, {THAI_TAB: [["id"], ["C-1"], [], ["C-3"]]})
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    answer = sheet.append_row(["C-2"], table_range="A1")
    assert answer["tableRange"] == f"'{THAI_TAB}'!A1:A2"
    assert sheets_emulator.values(sid, THAI_TAB) == [["id"], ["C-1"], ["C-2"], ["C-3"]]


def test_clear_removes_values_but_keeps_notes(sheets_emulator: SheetsEmulator,
                                              gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheet.update_note("A1", "หมายเหตุของเจ้าหน้าที่")
    sheet.clear()
    assert sheets_emulator.values(sid, THAI_TAB) == []
    assert sheets_emulator.notes(sid, THAI_TAB) == {(0, 0): "หมายเหตุของเจ้าหน้าที่"}


def test_batch_update_adds_sheet_note_validation_protection_and_frozen_rows(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    book = gspread_client.open_by_key(sid)
    reply = book.batch_update({"requests": [{"addSheet": {"properties": {
        "title": "ผลการตรวจสอบ", "gridProperties": {"rowCount": 50, "columnCount": 5}}}}]})
    added = reply["replies"][0]["addSheet"]["properties"]
    assert added["title"] == "ผลการตรวจสอบ" and added["index"] == 1
    new_id = added["sheetId"]
    book.batch_update({"requests": [
        {"updateCells": {"range": {"sheetId": new_id, "startRowIndex": 1, "endRowIndex": 2,
                                   "startColumnIndex": 2, "endColumnIndex": 3},
                         "rows": [{"values": [{"note": "⚠ ระบบตรวจสอบ: ไม่มีวันที่"}]}],
                         "fields": "note"}},
        {"setDataValidation": {"range": {"sheetId": new_id, "startRowIndex": 1,
                                         "startColumnIndex": 3, "endColumnIndex": 4},
                               "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
                                   {"userEnteredValue": "ดำเนินการแล้ว"}]}, "strict": True}}},
        {"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": new_id, "startRowIndex": 0, "endRowIndex": 1},
            "description": "หัวตาราง", "warningOnly": True}}},
        {"updateSheetProperties": {"properties": {"sheetId": new_id,
                                                  "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
    ]})
    assert sheets_emulator.notes(sid, "ผลการตรวจสอบ") == {(1, 2): "⚠ ระบบตรวจสอบ: ไม่มีวันที่"}
    tab = book.worksheet("ผลการตรวจสอบ")
    assert tab.get_notes() == [[], ["", "", "⚠ ระบบตรวจสอบ: ไม่มีวันที่"]]
    assert sheets_emulator.data_validations(sid, "ผลการตรวจสอบ")[0][0] == "'ผลการตรวจสอบ'!D2:D50"
    protected = sheets_emulator.protected_ranges(sid, "ผลการตรวจสอบ")
    assert protected[0]["warningOnly"] is True and protected[0]["description"] == "หัวตาราง"
    assert tab.frozen_row_count == 1
    assert sheets_emulator.sheet_properties(sid, "ผลการตรวจสอบ")["gridProperties"] == {
        "rowCount": 50, "columnCount": 5, "frozenRowCount": 1}


def test_failed_batch_update_applies_nothing(sheets_emulator: SheetsEmulator,
                                             gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    book = gspread_client.open_by_key(sid)
    with pytest.raises(APIError) as caught:
        book.batch_update({"requests": [{"addSheet": {"properties": {"title": "ใหม่"}}},
                                        {"mergeEverything": {}}]})
    assert caught.value.code == 400 and caught.value.error["status"] == "INVALID_ARGUMENT"
    assert "Unknown name \"mergeEverything\" at 'requests[1]'" in caught.value.error["message"]
    assert sheets_emulator.sheet_titles(sid) == [THAI_TAB]


def test_protected_range_refuses_writes_from_non_editors(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheet.add_protected_range("A1:B1", editor_users_emails=["clerk@example.go.th"])
    with pytest.raises(APIError, match="protected cell") as caught:
        sheet.update([["x"]], "A1")
    assert caught.value.code == 400
    assert sheets_emulator.values(sid, THAI_TAB) == [["id", "subject"]]


# ---------------------------------------------------------------------------- access errors

def test_unshared_spreadsheet_is_403_permission_denied(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, shared=False)
    with pytest.raises(APIError) as caught:
        gspread_client.http_client.fetch_sheet_metadata(sid)
    assert caught.value.code == 403
    assert caught.value.error == {"code": 403, "message": "The caller does not have permission",
                                  "status": "PERMISSION_DENIED"}
    with pytest.raises(PermissionError):  # what open_by_key turns a 403 into
        gspread_client.open_by_key(sid)


def test_unknown_spreadsheet_is_404_not_found(sheets_emulator: SheetsEmulator,
                                              gspread_client: gspread.Client) -> None:
    with pytest.raises(SpreadsheetNotFound) as caught:
        gspread_client.open_by_key("no-such-id")
    cause = caught.value.__cause__
    assert isinstance(cause, APIError) and cause.code == 404
    assert cause.response.json() == {"error": {
        "code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


def test_request_without_a_valid_token_is_401(sheets_emulator: SheetsEmulator) -> None:
    sid = _book(sheets_emulator)
    for token in (None, "ya29.forged"):
        answer = _raw_get(sheets_emulator, f"/v4/spreadsheets/{sid}", token)
        assert answer.status_code == 401
        assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    readonly = sheets_emulator.issue_token(SERVICE_EMAIL, [f"{SHEETS_SCOPE}.readonly"])
    assert _raw_get(sheets_emulator, f"/v4/spreadsheets/{sid}", readonly).status_code == 200
    write = requests.post(f"{sheets_emulator.url}/v4/spreadsheets/{sid}/values:batchClear",
                          json={"ranges": ["A1"]}, timeout=5,
                          headers={"Authorization": f"Bearer {readonly}"})
    assert write.status_code == 403


def test_token_endpoint_refuses_bad_grants_like_google(sheets_emulator: SheetsEmulator,
                                                       service_account_key: Path) -> None:
    token_uri = sheets_emulator.token_uri
    wrong_type = requests.post(token_uri, data={"grant_type": "password"}, timeout=5)
    assert wrong_type.status_code == 400 and wrong_type.json()["error"] == "unsupported_grant_type"
    garbage = requests.post(token_uri, timeout=5, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "x.y"})
    assert garbage.status_code == 400 and garbage.json()["error"] == "invalid_grant"
    # A JWT for the registered e-mail signed with a different key: the signature is checked.
    impostor = sheets_emulator.write_service_account_key(
        service_account_key.with_name("impostor.json"), "impostor@example.com")
    info = json.loads(impostor.read_text())
    info["client_email"] = SERVICE_EMAIL
    credentials = service_account_credentials(key_json=json.dumps(info))
    assertion = credentials._make_authorization_grant_assertion()
    forged = requests.post(token_uri, timeout=5, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
    assert forged.json() == {"error": "invalid_grant",
                             "error_description": "Invalid JWT Signature."}


def test_google_auth_fetches_a_new_token_after_a_401(sheets_emulator: SheetsEmulator,
                                                     gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    gspread_client.open_by_key(sid)
    sheets_emulator.expire_tokens()
    assert gspread_client.open_by_key(sid).title == "สมุดทดสอบ"
    assert sheets_emulator.call_count("POST /token") == 2


# ---------------------------------------------------------------------------- faults

def test_429_fault_sends_retry_after_and_changes_nothing(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheets_emulator.inject_fault("values:batchUpdate", status=429, retry_after=7)
    with pytest.raises(APIError) as caught:
        sheet.batch_update([{"range": "A2", "values": [["C-1"]]}])
    assert caught.value.code == 429
    assert caught.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert caught.value.response.headers["Retry-After"] == "7"
    assert sheets_emulator.values(sid, THAI_TAB) == [["id", "subject"]]
    sheet.batch_update([{"range": "A2", "values": [["C-1"]]}])  # times=1: the next call passes
    assert sheets_emulator.values(sid, THAI_TAB)[1] == ["C-1"]


def test_500_fault_is_an_internal_error(sheets_emulator: SheetsEmulator,
                                        gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheets_emulator.inject_fault(f"GET /v4/spreadsheets/{sid}", status=500)
    with pytest.raises(APIError) as caught:
        gspread_client.open_by_key(sid)
    assert caught.value.code == 500 and caught.value.error["status"] == "INTERNAL"


def test_dropped_connection_raises_and_changes_nothing(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheets_emulator.inject_fault(":append", drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        sheet.append_row(["C-1", "x"])
    assert sheets_emulator.values(sid, THAI_TAB) == [["id", "subject"]]


def test_committed_fault_applies_the_write_but_loses_the_answer(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheets_emulator.inject_fault(":append", drop=True, commit=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        sheet.append_row(["C-1", "x"])
    assert sheets_emulator.values(sid, THAI_TAB)[1] == ["C-1", "x"]  # a retry would duplicate it


def test_an_answer_cut_off_half_way_is_a_broken_read_after_the_write(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheets_emulator.inject_fault("values:batchUpdate", cut=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        sheet.batch_update([{"range": "A2", "values": [["C-1"]]}])
    assert sheets_emulator.values(sid, THAI_TAB)[1] == ["C-1"]


def test_slow_answer_times_the_client_out_and_is_not_applied(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheets_emulator.inject_fault("values:batchUpdate", delay=0.6)
    gspread_client.set_timeout(0.2)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        sheet.batch_update([{"range": "A2", "values": [["late"]]}])
    assert time.monotonic() - started < 0.6
    time.sleep(0.8)  # past the delay: the emulator has seen the client go
    assert sheets_emulator.values(sid, THAI_TAB) == [["id", "subject"]]
    gspread_client.set_timeout(5)
    sheets_emulator.inject_fault("values:batchUpdate", delay=0.2)
    sheet.batch_update([{"range": "A2", "values": [["patient"]]}])  # slow but answered
    assert sheets_emulator.values(sid, THAI_TAB)[1] == ["patient"]


def test_faults_and_calls_are_reachable_over_http(sheets_emulator: SheetsEmulator) -> None:
    sid = _book(sheets_emulator)
    token = sheets_emulator.issue_token(SERVICE_EMAIL)
    rule = {"match": "GET /v4/", "status": 503, "retry_after": 1, "times": 2}
    assert requests.post(f"{sheets_emulator.url}/_emulator/faults", json=rule,
                         timeout=5).status_code == 200
    statuses = [_raw_get(sheets_emulator, f"/v4/spreadsheets/{sid}", token).status_code
                for _ in range(3)]
    assert statuses == [503, 503, 200]
    calls = requests.get(f"{sheets_emulator.url}/_emulator/calls", timeout=5).json()
    assert calls["counts"] == {f"GET /v4/spreadsheets/{sid}": 3}
    assert calls["calls"][0] == {"method": "GET", "path": f"/v4/spreadsheets/{sid}", "query": {},
                                 "body": {}}
    requests.delete(f"{sheets_emulator.url}/_emulator/calls", timeout=5)
    assert sheets_emulator.calls == []


def test_call_log_counts_requests_in_order_and_resets(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator)
    sheet = gspread_client.open_by_key(sid).worksheet(THAI_TAB)
    sheets_emulator.reset_calls()
    sheet.get_all_values()
    sheet.batch_get(["A1:B2", "C1:C2"])
    assert [(c.method, c.path.split(sid)[1]) for c in sheets_emulator.calls] == [
        ("GET", f"/values/'{THAI_TAB}'"), ("GET", "/values:batchGet")]
    assert sheets_emulator.calls[1].query["ranges"] == [f"'{THAI_TAB}'!A1:B2",
                                                        f"'{THAI_TAB}'!C1:C2"]
    assert sheets_emulator.call_count("/values") == 2
    sheets_emulator.reset_calls()
    assert sheets_emulator.call_count() == 0


# ---------------------------------------------------------------------------- transport

def test_transport_rewrites_google_prefixes_and_is_plain_gspread_without_url() -> None:
    assert http_client_for(None) is HTTPClient and http_client_for("") is HTTPClient
    redirected = http_client_for("http://127.0.0.1:9/", base=BackOffHTTPClient)
    assert issubclass(redirected, BackOffHTTPClient)
    base = "http://127.0.0.1:9"
    assert rewrite_endpoint("https://sheets.googleapis.com/v4/spreadsheets/x", base) == (
        f"{base}/v4/spreadsheets/x")
    assert rewrite_endpoint("https://www.googleapis.com/drive/v3/files", base) == (
        f"{base}/drive/v3/files")
    assert rewrite_endpoint("https://docs.google.com/x", base) == "https://docs.google.com/x"


def test_credentials_come_from_key_json_text_with_sheets_scope_only(
        service_account_key: Path) -> None:
    credentials = service_account_credentials(key_json=service_account_key.read_text())
    assert credentials.service_account_email == SERVICE_EMAIL
    assert list(credentials.scopes) == [SHEETS_SCOPE]
    with pytest.raises(ValueError, match="not valid JSON") as caught:
        service_account_credentials(key_json="{not json")
    assert "not json" not in str(caught.value)  # the key text is never echoed
    with pytest.raises(ValueError, match="exactly one"):
        service_account_credentials()


# ---------------------------------------------------------------------------- persistence, CLI

def test_state_file_keeps_changes_across_restarts(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with SheetsEmulator(state_path=state) as first:
        sid = first.create_spreadsheet("x", {"Sheet1": []}, shared_with=[SERVICE_EMAIL])
        token = first.issue_token(SERVICE_EMAIL)
        answer = requests.put(f"{first.url}/v4/spreadsheets/{sid}/values/A1",
                              params={"valueInputOption": "RAW"}, json={"values": [["kept"]]},
                              headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert answer.status_code == 200
    with SheetsEmulator(state_path=state) as second:
        assert second.values(sid, "Sheet1") == [["kept"]]


def test_standalone_command_writes_a_key_and_serves_until_ctrl_c(tmp_path: Path) -> None:
    key, state = tmp_path / "key.json", tmp_path / "state.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "automation.sheets_emulator", "--port", "0", "--key-out",
         str(key), "--state", str(state), "--email", SERVICE_EMAIL],
        stdout=subprocess.PIPE, cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert process.stdout is not None
    try:
        banner = b""
        deadline = time.monotonic() + 10
        while b"Ctrl-C" not in banner:  # raw reads + select: every wait is bounded
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([process.stdout], [], [], max(remaining, 0))
            assert ready, f"no start-up banner within 10 s: {banner!r}"
            chunk = os.read(process.stdout.fileno(), 4096)
            assert chunk, f"the emulator exited early: {banner!r}"
            banner += chunk
        url = banner.decode().split()[3]  # "Sheets emulator on http://127.0.0.1:PORT ..."
        assert json.loads(key.read_text())["token_uri"] == f"{url}/token"
        assert SERVICE_EMAIL in requests.get(f"{url}/_emulator/state", timeout=5).json()[
            "publicKeys"]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=5) == 0
    assert SERVICE_EMAIL in json.loads(state.read_text())["publicKeys"]


def test_standalone_help_describes_the_options() -> None:
    answer = subprocess.run([sys.executable, "-m", "automation.sheets_emulator", "--help"],
                            capture_output=True, text=True, timeout=10, cwd=PROJECT,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert answer.returncode == 0
    for option in ("--port", "--state", "--key-out", "--email", "--create-demo"):
        assert option in answer.stdout


def test_the_emulator_reports_its_own_answering_time_without_the_delays_it_injects(
        sheets_emulator: SheetsEmulator, gspread_client: gspread.Client) -> None:
    sid = _book(sheets_emulator, {THAI_TAB: [["id", "subject"], *[[i, "เรื่อง"] for i in range(200)]]})
    sheets_emulator.reset_calls()
    assert sheets_emulator.answering_seconds == 0.0
    sheets_emulator.inject_fault(f"GET /v4/spreadsheets/{sid}/values", delay=0.5)
    gspread_client.open_by_key(sid).worksheet(THAI_TAB).get_all_values()
    answered = sheets_emulator.answering_seconds
    assert 0.0 < answered < 0.5  # its work, not the half second it was told to wait
    over_http = requests.get(sheets_emulator.url + "/_emulator/calls", timeout=5).json()
    assert over_http["answering_seconds"] == pytest.approx(answered)
