"""Replay real Google Sheets API traffic (gspread's vcrpy cassettes) against the emulator and
compare the answers with what Google sent.

For each cassette the Drive set-up is redone through the emulator's Python API, then every
recorded Sheets request is sent as recorded (method, path, query, body) with an emulator
token. The comparison is strict: status code, the JSON keys at every level, list lengths,
value types, and the values themselves (ranges, counts, error messages ...). Only these
differences are tolerated, each for a stated reason:

- sheetId values in addSheet replies: Google and the emulator both pick random ids, so only
  the type is compared, and later requests that name the recorded id are rewritten to the
  emulator's id.
- Spreadsheets made through Drive (files.create) are made with the same id and title via
  `create_spreadsheet`, shared with the test caller; files.delete deletes them. Drive
  requests themselves are not replayed: the emulator serves Sheets only.
- A spreadsheet the recording reads but never creates, and that Google refused with 403, was
  somebody else's file: it is created *not* shared with the caller.
- Headers are not compared (dates, server ids); the body's Content-Type must be JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from automation.sheets_emulator import SheetsEmulator
from tests.sheets_fixtures import SERVICE_EMAIL, sheets_emulator, sheets_emulator_session

__all__ = ["sheets_emulator", "sheets_emulator_session"]  # fixtures used by name

# Real Google traffic recorded by gspread's own test suite (MIT; see SOURCE.md beside them),
# kept in the repository so that every clone and CI replays them.
RECORDINGS = Path(__file__).resolve().parent / "recordings" / "google-sheets"
CASSETTES = sorted(RECORDINGS.glob("*.json"))
assert len(CASSETTES) == 8, f"the eight recordings belong in {RECORDINGS}"
DRIVE_HOST = "www.googleapis.com"


def _spreadsheet_id(path: str) -> str:
    # /v4/spreadsheets/{id}[/values...|:batchUpdate]
    return path.split("/")[3].split(":")[0]


def _rewrite_sheet_ids(data: Any, id_map: dict[int, int]) -> Any:
    if isinstance(data, dict):
        return {k: (id_map.get(v, v) if k == "sheetId" else _rewrite_sheet_ids(v, id_map))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_rewrite_sheet_ids(item, id_map) for item in data]
    return data


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"  # JSON has one number type: Google writes 1 for 1.0
    return type(value).__name__


def assert_same_answer(recorded: Any, emulated: Any, where: str = "$",
                       assigned_ids: bool = False) -> None:
    assert _kind(emulated) == _kind(recorded), f"{where}: {emulated!r} vs recorded {recorded!r}"
    if isinstance(recorded, dict):
        missing, extra = recorded.keys() - emulated.keys(), emulated.keys() - recorded.keys()
        assert not missing and not extra, f"{where}: missing keys {missing}, extra keys {extra}"
        for key in recorded:
            # Tolerated: ids Google assigns at random (addSheet) differ from the emulator's.
            assigned = assigned_ids or key == "addSheet"
            if assigned and key == "sheetId":
                continue
            assert_same_answer(recorded[key], emulated[key], f"{where}.{key}", assigned)
    elif isinstance(recorded, list):
        assert len(emulated) == len(recorded), (
            f"{where}: {len(emulated)} items, recorded {len(recorded)}")
        for i, (want, got) in enumerate(zip(recorded, emulated, strict=True)):
            assert_same_answer(want, got, f"{where}[{i}]", assigned_ids)
    else:
        assert emulated == recorded, f"{where}: {emulated!r} vs recorded {recorded!r}"


def _learn_sheet_ids(recorded: Any, emulated: Any, id_map: dict[int, int]) -> None:
    for want, got in zip(recorded.get("replies", []), emulated.get("replies", []), strict=False):
        if "addSheet" in want:
            recorded_id = want["addSheet"]["properties"]["sheetId"]
            id_map[recorded_id] = got["addSheet"]["properties"]["sheetId"]


def _replay_drive(emulator: SheetsEmulator, request: dict[str, Any], answer: Any) -> None:
    path = urlsplit(request["uri"]).path
    if request["method"] == "POST" and path == "/drive/v3/files":
        name = json.loads(request["body"])["name"]
        emulator.create_spreadsheet(name, spreadsheet_id=answer["id"], shared_with=[SERVICE_EMAIL])
    elif request["method"] == "DELETE" and path.startswith("/drive/v3/files/"):
        emulator.delete_spreadsheet(path.rsplit("/", 1)[1])


@pytest.mark.parametrize("cassette", CASSETTES, ids=lambda p: p.stem)
def test_emulator_answers_recorded_requests_like_google(cassette: Path,
                                                        sheets_emulator: SheetsEmulator) -> None:
    interactions = json.loads(cassette.read_text(encoding="utf-8"))["interactions"]
    token = sheets_emulator.issue_token(SERVICE_EMAIL)
    id_map: dict[int, int] = {}
    replayed = 0
    with requests.Session() as http:
        for number, interaction in enumerate(interactions):
            request, response = interaction["request"], interaction["response"]
            text = response["body"]["string"]
            recorded = json.loads(text) if text else None
            url = urlsplit(request["uri"])
            if url.netloc == DRIVE_HOST:
                _replay_drive(sheets_emulator, request, recorded)
                continue
            sid = _spreadsheet_id(url.path)
            status = response["status"]["code"]
            if status == 403 and sid not in sheets_emulator.spreadsheets:
                sheets_emulator.create_spreadsheet("Somebody else's file", spreadsheet_id=sid)
            body = request["body"]
            if body:
                body = json.dumps(_rewrite_sheet_ids(json.loads(body), id_map))
            target = sheets_emulator.url + url.path + (f"?{url.query}" if url.query else "")
            answer = http.request(
                request["method"], target, data=body.encode() if body else None, timeout=5,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            where = f"{cassette.stem} #{number} {request['method']} {url.path}"
            assert answer.status_code == status, f"{where}: {answer.status_code} {answer.text}"
            assert answer.headers["Content-Type"].startswith("application/json")
            assert_same_answer(recorded, answer.json(), where)
            if recorded and "replies" in recorded:
                _learn_sheet_ids(recorded, answer.json(), id_map)
            replayed += 1
    assert replayed, f"{cassette.name} holds no Sheets requests"
