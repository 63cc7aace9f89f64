"""The schema: layouts are data, and headers are found however staff typed them."""

from __future__ import annotations

import json

import pytest

from automation.cli import main
from automation.schema import build_schema, match_headers, normalize_header
from automation.settings import Settings


def test_every_sheet_the_issue_names_has_its_columns(settings: Settings) -> None:
    schema = build_schema(settings)
    measures = [c.key for c in schema["measures"].columns]
    assert measures[:8] == ["row_id", "fiscal_year", "measure_no", "measure", "step_no", "step", "unit", "cadence"]
    assert {"due_date", "status", "done_date", "evidence_url", "result", "note"} <= set(measures)
    complaints = [c.key for c in schema["complaints"].columns]
    assert complaints == [
        "complaint_id", "received_date", "channel", "complainant", "contact", "subject",
        "category", "unit", "status", "ack_date", "closed_date", "outcome", "routing", "form_key",
    ]
    assert [c.key for c in schema["complaints"].columns if c.owner == "service"] == ["routing", "form_key"]
    responses = schema["responses"].columns
    assert responses[0].key == "timestamp" and responses[0].th == "ประทับเวลา"
    assert [c.key for c in responses if c.type == "likert"] == [q.key for q in settings.survey.questions]
    assert schema["findings"].owner == "service"


def test_units_are_choices_with_their_aliases(settings: Settings) -> None:
    unit = build_schema(settings)["complaints"].column("unit")
    assert unit.choice_for("สำนักปลัด").key == "สำนักงานปลัด อบต."
    assert unit.choice_for(" กองคลัง ").key == "กองคลัง"
    assert unit.choice_for("กองสวัสดิการ") is None


@pytest.mark.parametrize(
    "typed",
    ["เลขที่รับเรื่อง", "  เลขที่รับเรื่อง ", "เลขที่\u00a0รับเรื่อง", "เลขที่ รับ เรื่อง", "\u00a0เลขที่รับเรื่อง\u00a0",
     "Complaint ID", "complaint id", "Complaint\u00a0 ID", "ComplaintID", "COMPLAINT_ID", "เลขที่รับเรื่อง\u200b",
     "\ufeffเลขที่\u200cรับ\u200dเรื่อง"],
)
def test_headers_match_thai_english_case_spaces_and_zero_width(settings: Settings, typed: str) -> None:
    layout = build_schema(settings)["complaints"]
    header = [typed, "วันที่รับเรื่อง"]
    assert match_headers(layout, header).positions["complaint_id"] == 0


def test_an_exact_header_wins_over_a_spaced_lookalike(settings: Settings) -> None:
    layout = build_schema(settings)["responses"]
    column = layout.column("q5").th  # "… [เจ้าหน้าที่พูดจาสุภาพ อัธยาศัยดี]": a space of its own
    header = [layout.column("timestamp").th, column.replace(" อัธยาศัย", "อัธยาศัย"), column]
    match = match_headers(layout, header)
    assert match.positions["q5"] == 2
    assert match.unknown == [header[1]]


def test_columns_are_found_in_any_order_and_missing_ones_are_named(settings: Settings) -> None:
    layout = build_schema(settings)["complaints"]
    header = [*list(reversed(layout.headers()))[:-1], "คอลัมน์ที่เพิ่มเอง"]
    match = match_headers(layout, header)
    assert match.positions["outcome"] == header.index(layout.column("outcome").th)
    assert [c.key for c in match.missing] == ["complaint_id"]
    assert match.unknown == ["คอลัมน์ที่เพิ่มเอง"]


def test_normalize_header_ignores_nbsp_and_runs_of_spaces() -> None:
    assert normalize_header("วันที่\u00a0 รับ   เรื่อง ") == normalize_header("วันที่ รับ เรื่อง")


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"measures", "complaints", "responses", "complaint_form", "corruption_form",
                         "findings", "summary"}
    status = next(c for c in data["measures"]["columns"] if c["key"] == "status")
    assert status["type"] == "choice" and "ดำเนินการแล้ว" in status["allowed"]
