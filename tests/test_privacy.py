"""Personal data never reaches what is published: phones, e-mails, national ids, private columns."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.privacy import PLACEHOLDERS, mask_pii, public_record
from automation.settings import Settings
from automation.thaidate import to_thai_digits

PHONE = PLACEHOLDERS["th"]["phone"]
NID = PLACEHOLDERS["th"]["id"]
EMAIL = PLACEHOLDERS["th"]["email"]


@pytest.mark.parametrize(
    "number",
    [
        "081-234-5678", "0812345678", "081 234 5678", "081.234.5678", "08-1234-5678",
        "0812-345-678", "02-123-4567", "021234567", "02 123 4567", "(081) 234-5678",
        "(02) 123 4567", "+66 81 234 5678", "+66812345678", "+66-2-123-4567",
        "+66 (0) 81 234 5678", "0066 81 234 5678", "๐๘๑-๒๓๔-๕๖๗๘", "๐๒-๑๒๓-๔๕๖๗",
    ],
)  # fmt: skip
def test_every_common_thai_phone_form_is_masked(number: str) -> None:
    text = f"ติดต่อกลับที่ {number} ด้วยครับ"
    masked = mask_pii(text)
    assert masked == f"ติดต่อกลับที่ {PHONE} ด้วยครับ"


@pytest.mark.parametrize(
    "nid", ["1-2345-67890-12-3", "1234567890123", "1 2345 67890 12 3", "๑-๒๓๔๕-๖๗๘๙๐-๑๒-๓"]
)
def test_a_13_digit_national_id_is_masked_with_or_without_dashes(nid: str) -> None:
    assert mask_pii(f"เลขบัตรประชาชน {nid} ค่ะ") == f"เลขบัตรประชาชน {NID} ค่ะ"


def test_e_mail_addresses_are_masked() -> None:
    masked = mask_pii("ส่งผลมาที่ somchai.j+ita@mail.example.co.th หรือ A_B@gmail.com นะคะ")
    assert masked == f"ส่งผลมาที่ {EMAIL} หรือ {EMAIL} นะคะ"


def test_a_phone_followed_by_a_small_number_is_still_masked() -> None:
    assert mask_pii("โทร 081-234-5678 2 ครั้งแล้ว") == f"โทร {PHONE} 2 ครั้งแล้ว"


@pytest.mark.parametrize(
    "text",
    [
        "วันที่ 01.10.2566 เวลา 08.30 น.", "เปิด 08.30-16.30 น.", "ค่าธรรมเนียม 1,500 บาท",
        "สายด่วนศูนย์ดำรงธรรม 1567", "บ้านเลขที่ 123/45 หมู่ 5", "15/03/2567", "ปี 2566 และ 2567",
        "ถนนสาย 3012 ชำรุด", "รอคิว 45 นาที",
    ],
)  # fmt: skip
def test_dates_amounts_hotlines_and_addresses_are_left_alone(text: str) -> None:
    assert mask_pii(text) == text


def test_placeholders_follow_the_language() -> None:
    assert mask_pii("call 0812345678", lang="en") == "call [phone number]"


_digit = st.integers(0, 9).map(str)


@st.composite
def thai_mobiles(draw: st.DrawFn) -> str:
    """A Thai mobile number in one of the shapes people type, Arabic or Thai digits."""
    body = "0" + draw(st.sampled_from("689")) + "".join(draw(st.lists(_digit, min_size=8, max_size=8)))
    sep = draw(st.sampled_from(["", "-", " ", "."]))
    shape = draw(st.sampled_from(["3-3-4", "2-4-4", "4-3-3"]))
    cuts = [int(x) for x in shape.split("-")]
    parts = [body[: cuts[0]], body[cuts[0] : cuts[0] + cuts[1]], body[cuts[0] + cuts[1] :]]
    number = sep.join(parts)
    if draw(st.booleans()):
        number = "+66 " + number[1:].lstrip(sep)
    return to_thai_digits(number) if draw(st.booleans()) else number


@hsettings(max_examples=150, deadline=None)
@given(thai_mobiles(), st.sampled_from(["โทร ", "ติดต่อ", "เบอร์: ", "ได้ที่ ", "("]),
       st.sampled_from([" ครับ", "ค่ะ", "", ")", " 2 ครั้ง"]))  # fmt: skip
def test_generated_mobile_numbers_never_survive_masking(number: str, before: str, after: str) -> None:
    masked = mask_pii(before + number + after)
    assert PHONE in masked
    digits_left = re.sub(r"[^0-9๐-๙]", "", masked)
    assert len(digits_left) <= 1  # at most the "2" of "2 ครั้ง"


def test_public_record_drops_private_columns_and_masks_text(settings: Settings) -> None:
    record = {
        "complaint_id": "ร67-001",
        "complainant": "นายสมชาย ใจดี",
        "contact": "081-234-5678",
        "subject": "ขอให้ซ่อมถนน โทรกลับ 089 999 1234",
        "received_date": None,
    }
    public = public_record(record, settings)
    assert set(public) == {"complaint_id", "subject", "received_date"}
    assert public["subject"] == f"ขอให้ซ่อมถนน โทรกลับ {PHONE}"
    assert public["complaint_id"] == "ร67-001"
    assert record["complainant"] == "นายสมชาย ใจดี"  # the staff's record itself is untouched


def test_public_record_knows_private_columns_by_their_thai_header(settings: Settings) -> None:
    public = public_record({"ชื่อผู้ร้องเรียน": "นางมาลี มีสุข", "ข้อมูลติดต่อ": "x@y.co.th", "สถานะ": "ยุติเรื่อง"},
                           settings)  # fmt: skip
    assert public == {"สถานะ": "ยุติเรื่อง"}


def test_configured_private_columns_are_respected(settings: Settings) -> None:
    private = settings.privacy.model_copy(update={"private_columns": ["complainant", "contact", "outcome"]})
    custom = settings.model_copy(update={"privacy": private})
    assert "outcome" not in public_record({"outcome": "แจ้งผู้ร้องแล้ว", "status": "closed"}, custom)


@hsettings(max_examples=100, deadline=None)
@given(st.lists(_digit, min_size=13, max_size=13), st.sampled_from(["", "-", " "]), st.booleans())
def test_generated_national_ids_never_survive_masking(ds: list[str], sep: str, thai: bool) -> None:
    raw = "".join(ds)
    nid = sep.join([raw[0], raw[1:5], raw[5:10], raw[10:12], raw[12]])
    nid = to_thai_digits(nid) if thai else nid
    masked = mask_pii(f"บัตรประชาชนเลขที่ {nid} ครับ")
    assert masked == f"บัตรประชาชนเลขที่ {NID} ครับ"


@hsettings(max_examples=100, deadline=None)
@given(st.dates(), st.integers(0, 23), st.integers(0, 59), st.sampled_from([".", "/", "-"]), st.booleans())
def test_generated_dates_and_times_are_never_mistaken_for_phones(
    day: object, hour: int, minute: int, sep: str, thai: bool
) -> None:
    text = f"มาเมื่อ {day.day:02d}{sep}{day.month:02d}{sep}{day.year + 543} {hour:02d}.{minute:02d} น."  # type: ignore[attr-defined]
    text = to_thai_digits(text) if thai else text
    assert mask_pii(text) == text


# ---------------------------------------------------------------- private values in public text


@pytest.fixture(scope="module")
def demo_privacy(_demo_template: object) -> object:
    """The public-report Privacy of the demo workbook: every complainant's name and contact."""
    from pathlib import Path

    from automation.reports.context import Privacy
    from automation.schema import build_schema
    from automation.settings import load_settings
    from automation.tables import load_tables
    from automation.workbook.xlsx import XlsxWorkbook

    book = Path(str(_demo_template))
    settings = load_settings(book.parent / "config" / "settings.toml")
    return Privacy(settings, load_tables(XlsxWorkbook(book), build_schema(settings)), public=True, lang="th")


def _scrub_every_value(privacy: object, text: str) -> str:
    """The plain definition: try every private value, longest first, on the text so far."""
    from automation.privacy import mask_pii

    text = mask_pii(text, "th")
    for value in privacy.values:  # type: ignore[attr-defined]
        text = text.replace(value, "[ปกปิด]")
    return text


@hsettings(max_examples=300, deadline=None)
@given(data=st.data())
def test_scrub_hides_exactly_what_trying_every_private_value_would(demo_privacy: object, data: st.DataObject) -> None:
    values = demo_privacy.values  # type: ignore[attr-defined]
    assert len(values) > 20
    pieces = st.one_of(st.sampled_from(values), st.sampled_from(values).map(lambda v: v[: len(v) // 2 + 1]),
                       st.text(alphabet="กขคสมชายใจดี 0123456789๐๑๒-", max_size=8))
    text = "".join(data.draw(st.lists(pieces, max_size=6)))
    assert demo_privacy.scrub(text) == _scrub_every_value(demo_privacy, text)  # type: ignore[attr-defined]
