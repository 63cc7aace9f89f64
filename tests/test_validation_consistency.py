"""Issue 16: what a careful checker flags beyond one cell, and the right words for near-misses.

The catalogue test (tests/test_validation_catalogue.py) proves each mistake gets exactly one
finding in the right place. These tests prove what the findings say (the value, what was
expected, the fix; Thai and English), that a cell already found wrong gets no second finding
from the new cross-checks, the whole-sheet `duplicate-column`, and the parsers that learnt new
forms (hypothesis).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.answers import read_answers
from automation.cells import parse_cell
from automation.likert import LABELS_TH, parse_likert, spaced_label
from automation.tables import to_table
from automation.thaidate import (
    MONTHS_ABBR,
    MONTHS_FULL,
    WEEKDAYS_TH,
    DateParseError,
    be_year,
    parse_date,
    parse_datetime,
    to_thai_digits,
    weekday_named,
    year_alone,
)
from automation.validation import validate_table
from tests.test_validation_catalogue import CLEAN, SCHEMA, SETTINGS, TODAY, findings_for, grid_for


def one_row(sheet: str, changes: dict[str, Any], lang: str = "th") -> list[Any]:
    """Findings for the clean sheet with row 3 changed."""
    return findings_for(sheet, [CLEAN[sheet][0], {**CLEAN[sheet][1], **changes}], lang)


def only(sheet: str, changes: dict[str, Any], lang: str = "th") -> Any:
    found = one_row(sheet, changes, lang)
    assert len(found) == 1, [(f.column_key, f.rule) for f in found]
    return found[0]


# ---------------------------------------------------------------- what the findings say


def test_a_done_date_on_a_step_not_started_names_the_date_the_status_and_both_fixes() -> None:
    thai = only("measures", {"status": "ยังไม่ดำเนินการ"})
    english = only("measures", {"status": "ยังไม่ดำเนินการ"}, "en")
    assert "มีวันที่แล้วเสร็จ 01/04/2567 แต่สถานะยังเป็น 'ยังไม่ดำเนินการ'" in thai.message
    assert "'ดำเนินการแล้ว'" in thai.suggestion and "ลบวันที่" in thai.suggestion
    assert "2024-04-01" in english.message and "'Not started'" in english.message
    assert "set the status to 'Done'" in english.suggestion


def test_a_received_complaint_with_a_closing_date_and_outcome_says_both() -> None:
    thai = only("complaints", {"status": "รับเรื่องแล้ว"})
    assert thai.rule == "closed-date-not-closed" and thai.column_key == "closed_date"
    assert "มีวันที่ยุติเรื่อง 19/03/2567 และมีผลการดำเนินการ แต่สถานะยังเป็น 'รับเรื่องแล้ว'" in thai.message
    assert "'ยุติเรื่อง'" in thai.suggestion
    without = only("complaints", {"status": "อยู่ระหว่างดำเนินการ", "outcome": None}, "en")
    assert "a closing date, 2024-03-19, but its status is still 'In progress'" in without.message


def test_done_without_evidence_is_a_warning_that_says_why_evidence_matters() -> None:
    finding = only("measures", {"evidence_url": None})
    assert (finding.rule, finding.severity) == ("done-needs-evidence", "warning")
    assert "ITA" in finding.message and "ลิงก์หลักฐาน" in finding.suggestion


@pytest.mark.parametrize(("sheet", "changes", "severity"), [
    ("complaints", {"outcome": "-"}, "error"),
    ("complaints", {"outcome": "."}, "error"),
    ("measures", {"result": "ไม่มี"}, "warning"),
    ("measures", {"measure": "ไม่ระบุ"}, "error"),
])
def test_a_placeholder_names_what_real_text_is_wanted(sheet: str, changes: dict[str, Any], severity: str) -> None:
    finding = only(sheet, changes)
    value = next(iter(changes.values()))
    assert (finding.rule, finding.severity) == ("placeholder-text", severity)
    assert f"'{value}' ไม่ใช่{SCHEMA[sheet].column(next(iter(changes))).th}" in finding.message
    assert f"แทน '{value}'" in finding.suggestion


@pytest.mark.parametrize("changes", [
    {"note": "-"},  # a note may say nothing
    {"status": "อยู่ระหว่างดำเนินการ", "done_date": None, "result": "-"},  # nothing to report yet
])
def test_a_placeholder_where_no_text_is_owed_is_fine(changes: dict[str, Any]) -> None:
    assert one_row("measures", changes) == []


def test_a_duplicate_step_names_the_measure_year_and_first_row() -> None:
    finding = only("measures", {"step_no": 1})
    assert "ขั้นตอนที่ 1 ของมาตรการที่ 1 ปีงบประมาณ 2567 ซ้ำกับแถว 2" in finding.message


def test_a_row_id_that_does_not_match_suggests_the_right_id() -> None:
    thai = only("measures", {"row_id": "2567-02-02"})
    english = only("measures", {"row_id": "2566-01-02"}, "en")
    assert "ไม่ตรงกับเลขที่มาตรการของแถวนี้ (ควรเป็น '2567-01-02')" in thai.message
    assert "does not match this row's fiscal year (expected '2567-01-02')" in english.message


def test_hidden_marks_in_a_status_say_which_mark_and_what_was_read() -> None:
    thai = only("measures", {"status": "ดำเนินการแล้ว\u200e"})
    english = only("measures", {"status": "ดำเนินการแล้ว\u200e"}, "en")
    assert (thai.rule, thai.severity) == ("hidden-marks", "warning")
    assert "U+200E (เครื่องหมายทิศทางซ้ายไปขวา)" in thai.message
    assert "ระบบยังอ่านได้ว่า 'ดำเนินการแล้ว'" in thai.message
    assert "\\u200e" in thai.message  # the value shows the mark instead of looking faultless
    assert "left-to-right mark" in english.message and "read as 'ดำเนินการแล้ว'" in english.message
    assert "สะกด" not in thai.message  # not "misspelt": the text looks identical


def test_a_sara_am_in_two_parts_is_named_as_such() -> None:
    finding = only("measures", {"status": "ด\u0e4d\u0e32เนินการแล้ว"})
    assert "สระอำที่พิมพ์แยกเป็น ํ + า" in finding.message
    assert "'ดำเนินการแล้ว'" in finding.suggestion


def test_a_hidden_mark_beside_a_real_typo_is_still_the_typo() -> None:
    finding = only("measures", {"status": "ดำเนนการแล้ว\u200e"})
    assert finding.rule == "choice-typo"


def test_a_hidden_status_is_read_for_the_cross_checks() -> None:
    """The hidden-marks status still means done: the row's done date needs no other finding,
    and a blank done date is still owed."""
    assert [f.rule for f in one_row("measures", {"status": "ดำเนินการแล้ว\u200e", "done_date": None})] == [
        "hidden-marks", "done-needs-date"]


@pytest.mark.parametrize(("value", "year"), [(2567, 2567), (2024, 2024), ("พ.ศ. 2567", 2567), ("ปี ๒๕๖๘", 2568)])
def test_a_year_in_a_date_column_is_called_a_year(value: Any, year: int) -> None:
    thai = only("measures", {"due_date": value})
    english = only("measures", {"due_date": value}, "en")
    assert thai.rule == "date-year-only"
    assert f"เป็นปี ({year}) ไม่ใช่วันที่" in thai.message and "2450" not in thai.message
    assert "is a year" in english.message
    be = year if year > 2400 else year + 543
    assert f"15/03/{be}" in thai.suggestion


def test_9999_typed_as_text_is_quoted_as_typed_and_the_reference_has_its_space() -> None:
    text = only("measures", {"due_date": "31/12/9999"})
    assert "31/12/9999" in text.message and "9456" not in text.message
    old = only("measures", {"done_date": "15/03/2010"})
    assert "ห่างจากปีงบประมาณ 2567 เกิน 5 ปี" in old.message


@pytest.mark.parametrize("link", ["https://www.example.go.th/ita/1 ดูหน้า 3", "https://a.go.th/1 (ไฟล์ PDF)"])
def test_a_link_followed_by_words_is_not_told_to_start_with_http(link: str) -> None:
    thai = only("measures", {"evidence_url": link})
    english = only("measures", {"evidence_url": link}, "en")
    assert "ต้องขึ้นต้นด้วย" not in thai.message and "มีข้อความหรือช่องว่างปนอยู่กับลิงก์" in thai.message
    assert "must start" not in english.message and "words or spaces beside the link" in english.message
    assert "หมายเหตุ" in thai.suggestion


def test_a_link_without_a_scheme_is_told_so() -> None:
    assert "ไม่มี https:// ข้างหน้า" in only("measures", {"evidence_url": "www.example.go.th/ita/1"}).message


def test_a_zero_width_space_in_a_link_is_named_and_the_clean_link_given() -> None:
    finding = only("measures", {"evidence_url": "https://www.example.go.th/\u200bita/1"})
    assert finding.rule == "url" and "U+200B (ช่องว่างความกว้างศูนย์)" in finding.message
    assert finding.suggestion.endswith("https://www.example.go.th/ita/1")


def test_a_right_to_left_override_in_free_text_is_named() -> None:
    finding = only("complaints", {"subject": "ถนนชำรุด\u202eหน้าบ้าน"}, "en")
    assert finding.rule == "control-chars" and "U+202E (right-to-left override)" in finding.message


def test_a_zero_width_space_in_thai_free_text_is_normal() -> None:
    assert one_row("complaints", {"subject": "ถนน\u200bชำรุด\u200bหน้าบ้าน"}) == []


@pytest.mark.parametrize(("answer", "level"), [("มาก ที่สุด", 5), ("น้อย ที่สุด", 1), ("ปาน  กลาง", 3)])
def test_a_likert_answer_with_a_space_is_read_scored_and_warned(answer: str, level: int) -> None:
    finding = only("responses", {"q1": answer})
    assert (finding.rule, finding.severity) == ("likert-spacing", "warning")
    assert f"ระบบอ่านเป็น '{LABELS_TH[level]}' (ระดับ {level}) และนับในคะแนนแล้ว" in finding.message
    layout = SCHEMA["responses"]
    row = {**CLEAN["responses"][1], "q1": answer}
    grid = [layout.headers(), [row.get(c.key) for c in layout.columns]]
    answers = read_answers(SETTINGS, to_table(layout, grid))
    q1 = answers.columns(["q1"])[0]
    assert answers.levels[0, q1] == level and not answers.unscorable[0, q1]


def test_a_time_of_25_00_says_the_time_not_the_calendar() -> None:
    finding = only("responses", {"timestamp": "15/03/2567 25:00:00"})
    assert finding.rule == "time-impossible" and "ชั่วโมงต้องเป็น 0–23" in finding.message
    assert "เดือนที่ 13" not in finding.message


def test_a_weekday_that_does_not_fit_names_both_days() -> None:
    thai = only("measures", {"done_date": "วันเสาร์ที่ 15 มีนาคม 2567"})
    english = only("measures", {"done_date": "วันเสาร์ที่ 15 มีนาคม 2567"}, "en")
    assert "ระบุว่าเป็นวันเสาร์ แต่วันที่ 15/03/2567 ตรงกับวันศุกร์" in thai.message
    assert "names a Saturday, but 2024-03-15 is a Friday" in english.message


def test_a_number_far_beyond_the_plan_says_the_limit() -> None:
    finding = only("measures", {"measure_no": 10**30})
    assert "มากเกินกว่าจะเป็นเลขที่มาตรการ (แผนมีไม่เกิน 99)" in finding.message


def test_a_late_step_said_to_be_on_time_quotes_the_words_and_both_dates() -> None:
    finding = only("measures", {"due_date": "31/03/2567", "done_date": "05/04/2567",
                                "result": "ดำเนินการแล้วเสร็จตามกำหนด"})
    assert "เขียนว่า 'ตามกำหนด' แต่วันที่แล้วเสร็จ 05/04/2567 อยู่หลังกำหนดแล้วเสร็จ 31/03/2567" in finding.message


# ---------------------------------------------------------------- complaint ids that carry a year


def test_the_issues_complaint_id_of_2567_received_in_fiscal_year_2568_is_flagged() -> None:
    """ร.012/2567 received on 15 January 2568: fiscal year 2568 and calendar year 2568."""
    today = dt.date(2025, 3, 1)
    row = {**CLEAN["complaints"][1], "complaint_id": "ร.012/2567", "received_date": "15/01/2568",
           "ack_date": "16/01/2568", "closed_date": "20/01/2568"}
    layout = SCHEMA["complaints"]
    grid = [layout.headers(), *([r.get(c.key) for c in layout.columns] for r in [CLEAN["complaints"][0], row])]
    found = validate_table(to_table(layout, grid), today, "th")
    assert [(f.row, f.column_key, f.rule) for f in found] == [(3, "complaint_id", "id-year")]
    assert "เลขที่ 'ร.012/2567' เป็นของปี 2567 แต่รับเรื่องวันที่ 15/01/2568" in found[0].message
    assert "ปีงบประมาณ 2568" in found[0].message and "ของปี 2568" in found[0].suggestion


@pytest.mark.parametrize(("ident", "received"), [
    ("ร.012/2567", "15/11/2567"),  # fiscal year 2568, calendar year 2567: registers number by either
    ("ร.012/2568", "15/11/2567"),
    ("ร68-001", "15/11/2567"),
])
def test_a_complaint_id_of_the_calendar_or_fiscal_year_is_fine(ident: str, received: str) -> None:
    today = dt.date(2025, 1, 10)
    row = {**CLEAN["complaints"][1], "complaint_id": ident, "received_date": received,
           "ack_date": received, "closed_date": received}
    layout = SCHEMA["complaints"]
    grid = [layout.headers(), [row.get(c.key) for c in layout.columns]]
    assert validate_table(to_table(layout, grid), today, "th") == []


# ---------------------------------------------------------------- one mistake, one finding


@pytest.mark.parametrize(("sheet", "changes", "expected"), [
    # a done date in the future on a step not started: the date is the finding
    ("measures", {"status": "ยังไม่ดำเนินการ", "done_date": "15/05/2567"}, [("done_date", "date-future")]),
    # a year alone on a step in progress: the unreadable date, not the status clash
    ("measures", {"status": "อยู่ระหว่างดำเนินการ", "done_date": 2567}, [("done_date", "date-year-only")]),
    # a misspelt status promises nothing: no evidence or result is owed
    ("measures", {"status": "ดำเนนการแล้ว", "evidence_url": None, "result": "-"}, [("status", "choice-typo")]),
    # a bad link is the link's finding, not "no evidence"
    ("measures", {"evidence_url": "ดูในแฟ้ม"}, [("evidence_url", "url")]),
    # a measure number of 10^30 is not also a row id mismatch
    ("measures", {"measure_no": 10**30}, [("measure_no", "number-range")]),
    # a fiscal year in CE is the era finding, not a row id mismatch
    ("measures", {"fiscal_year": 2024}, [("fiscal_year", "wrong-era")]),
    # a result that looks like a formula is not also a placeholder
    ("measures", {"result": "-ไม่มี"}, [("result", "formula-like")]),
    # a closing date before the received date: the order, not the status
    ("complaints", {"status": "รับเรื่องแล้ว", "closed_date": "28/02/2567", "ack_date": None},
     [("closed_date", "date-order")]),
    # a duplicate complaint id is not also an id-year finding
    ("complaints", {"complaint_id": "ร67-001", "received_date": "05/03/2567"}, [("complaint_id", "duplicate-id")]),
    # an outcome of only a zero-width space on a closed complaint: the outcome is missing
    ("complaints", {"outcome": "\u200b"}, [("outcome", "closed-needs-outcome")]),
    # a Likert answer "มาก ที่สุด (5)" is a number beside a label: read, nothing to say
    ("responses", {"q1": "มาก ที่สุด (5)"}, []),
])
def test_the_new_checks_add_no_second_finding(sheet: str, changes: dict[str, Any],
                                              expected: list[tuple[str, str]]) -> None:
    assert [(f.column_key, f.rule) for f in one_row(sheet, changes)] == expected


def test_a_row_repeated_whole_is_one_duplicate_id_not_also_a_duplicate_step() -> None:
    first = CLEAN["measures"][0]
    found = findings_for("measures", [first, {**first}])
    assert [(f.row, f.column_key, f.rule) for f in found] == [(3, "row_id", "duplicate-id")]


# ---------------------------------------------------------------- a column twice


def test_a_second_status_column_is_named_and_the_first_one_is_read() -> None:
    layout = SCHEMA["measures"]
    header = [*layout.headers(), "สถานะ "]
    rows = [[r.get(c.key) for c in layout.columns] + ["ยังไม่ดำเนินการ"] for r in CLEAN["measures"]]
    table = to_table(layout, [header, *rows])
    thai = validate_table(table, TODAY, "th")
    english = validate_table(table, TODAY, "en")
    assert [(f.row, f.column_key, f.rule, f.severity) for f in thai] == [
        (None, "status", "duplicate-column", "warning")]
    assert "คอลัมน์ J และ O" in thai[0].message and "ระบบอ่านเฉพาะคอลัมน์ J" in thai[0].message
    assert "column O is ignored" in english[0].message
    # the first one is read: both rows are done, so their done dates raise nothing
    assert table.values("status") == ["ดำเนินการแล้ว", "ดำเนินการแล้ว"]


def test_an_english_header_beside_its_thai_one_is_the_same_column_twice() -> None:
    layout = SCHEMA["complaints"]
    header = [*layout.headers(), "Status"]
    rows = [[r.get(c.key) for c in layout.columns] + [None] for r in CLEAN["complaints"]]
    found = validate_table(to_table(layout, [header, *rows]), TODAY, "en")
    assert [(f.column_key, f.rule) for f in found] == [("status", "duplicate-column")]
    from openpyxl.utils import get_column_letter

    status, extra = layout.headers().index(layout.column("status").th) + 1, len(header)
    assert f"columns {get_column_letter(status)} and {get_column_letter(extra)}" in found[0].message


# ---------------------------------------------------------------- parsers (hypothesis)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2039, 12, 31))


@given(day=days, thai_digits=st.booleans(), abbr=st.booleans(), short_name=st.booleans())
def test_a_date_with_its_weekday_reads_back(day: dt.date, thai_digits: bool, abbr: bool, short_name: bool) -> None:
    weekday = WEEKDAYS_TH[day.weekday()]
    if short_name and weekday == "พฤหัสบดี":
        weekday = "พฤหัส"
    month = (MONTHS_ABBR if abbr else MONTHS_FULL)[day.month - 1]
    text = f"วัน{weekday}ที่ {day.day} {month} {be_year(day.year)}"
    text = to_thai_digits(text) if thai_digits else text
    assert parse_date(text) == day
    assert weekday_named(text) == day.weekday()
    assert parse_cell(SCHEMA["measures"].column("done_date"), text).problem is None


@given(day=days, other=st.integers(min_value=1, max_value=6))
def test_a_wrong_weekday_is_read_by_the_date_and_warned(day: dt.date, other: int) -> None:
    wrong = WEEKDAYS_TH[(day.weekday() + other) % 7]
    parsed = parse_cell(SCHEMA["measures"].column("done_date"), f"วัน{wrong}ที่ {day.day}/{day.month}/{be_year(day.year)}")
    assert parsed.value == day and parsed.problem is not None and parsed.problem.rule.id == "date-weekday"


@given(day=days, sep=st.sampled_from(["/", ".", " / "]), pad=st.booleans(), be=st.booleans())
def test_a_year_first_date_reads_back(day: dt.date, sep: str, pad: bool, be: bool) -> None:
    year = be_year(day.year) if be else day.year
    month, dd = (f"{day.month:02d}", f"{day.day:02d}") if pad else (str(day.month), str(day.day))
    assert parse_date(f"{year}{sep}{month}{sep}{dd}") == day


@given(year=st.one_of(st.integers(1900, 2100), st.integers(2443, 2643)), form=st.sampled_from(
    ["{y}", "พ.ศ. {y}", "ปี {y}", "ค.ศ.{y}", "ปีงบประมาณ {y}"]), thai=st.booleans(), as_number=st.booleans())
def test_a_year_alone_is_never_a_date(year: int, form: str, thai: bool, as_number: bool) -> None:
    text = form.format(y=year)
    value: Any = float(year) if as_number else (to_thai_digits(text) if thai else text)
    assert year_alone(value) == year
    with pytest.raises(DateParseError) as err:
        parse_date(value)
    assert err.value.reason == "year"


@given(day=days, hour=st.integers(24, 99), minute=st.integers(0, 59))
def test_an_hour_past_23_is_a_bad_time_not_a_bad_day(day: dt.date, hour: int, minute: int) -> None:
    with pytest.raises(DateParseError) as err:
        parse_datetime(f"{day.day}/{day.month}/{be_year(day.year)} {hour}:{minute:02d}:00")
    assert err.value.reason == "time"


@given(level=st.sampled_from([5, 4, 3, 2, 1]), data=st.data())
def test_a_likert_label_with_spaces_inside_reads_the_same_level(level: int, data: st.DataObject) -> None:
    label = LABELS_TH[level]
    cut = data.draw(st.integers(1, len(label) - 1))
    spaces = data.draw(st.sampled_from([" ", "  ", "\u00a0"]))
    spaced = label[:cut] + spaces + label[cut:]
    assert parse_likert(spaced) == level
    assert spaced_label(spaced) == label
    assert parse_likert(label) == level and spaced_label(label) is None


_MARKS = st.sampled_from(["\u200b", "\u200e", "\u200f", "\u202b", "\u202c", "\ufeff", "\x07", "\u2066"])


@given(choice=st.sampled_from([c.th for c in SCHEMA["measures"].column("status").choices]), data=st.data())
def test_a_status_with_hidden_marks_is_read_as_what_it_shows(choice: str, data: st.DataObject) -> None:
    where = data.draw(st.integers(0, len(choice)))
    mark = data.draw(_MARKS)
    column = SCHEMA["measures"].column("status")
    parsed = parse_cell(column, choice[:where] + mark + choice[where:])
    assert parsed.value == parse_cell(column, choice).value
    assert parsed.problem is not None and parsed.problem.rule.id == "hidden-marks"


_TEXTS = st.sampled_from(["-", ".", " - ", "ไม่มี", "N/A", "n a", "none", "\u200b-", "", " ", None, 7, 1.5,
                          "ขอให้ซ่อมไฟ", "ร67-001", "-x", "ไม่มีไฟ", "ไม่ระบุ\u200b"])


@given(st.lists(st.tuples(_TEXTS, _TEXTS), min_size=1, max_size=12))
def test_required_placeholders_are_found_as_the_per_row_definition_finds_them(cells: list[tuple[Any, Any]]) -> None:
    # required_texts tests each distinct cell once and visits only rows with a placeholder;
    # the definition is needs_text on every row and every required text column, in order.
    from automation.validation_sheet import SheetCheck

    rows = [{**CLEAN["complaints"][0], "complaint_id": ident, "subject": subject} for ident, subject in cells]
    table = to_table(SCHEMA["complaints"], grid_for("complaints", rows))
    fast, slow = SheetCheck(table, TODAY, "th"), SheetCheck(table, TODAY, "th")
    fast.required_texts()
    keys = [c.key for c in slow.layout.columns if c.required and c.type == "text" and slow.present(c.key)]
    for row in slow.rows:
        for key in keys:
            slow.needs_text(row, key)
    assert [(f.row, f.column_key, f.message) for f in fast.found] == \
        [(f.row, f.column_key, f.message) for f in slow.found]
