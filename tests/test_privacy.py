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


_FILLERS = ["แจ้งว่า", "ร้องเรียนเรื่องถนนชำรุด", "โทรมาสอบถาม", "ขอให้ตรวจสอบ", "ครับ", "ไม่มีที่จอดรถ"]


@hsettings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_private_value_typed_as_words_is_withheld_and_the_words_around_it_kept(
        demo_privacy: object, data: st.DataObject) -> None:
    values = demo_privacy.values  # type: ignore[attr-defined]
    assert len(values) > 20
    chosen = data.draw(st.lists(st.sampled_from(values), min_size=1, max_size=4))
    fillers = [data.draw(st.sampled_from(_FILLERS)) for _ in chosen]
    text = " ".join(f"{filler} {value}" for filler, value in zip(fillers, chosen, strict=True))
    scrubbed = demo_privacy.scrub(text)  # type: ignore[attr-defined]
    assert not [v for v in chosen if v in scrubbed]
    assert all(filler in scrubbed for filler in fillers)


def test_private_values_that_identify_nobody_are_never_withheld(demo_privacy: object) -> None:
    """The demo's contacts include "ไม่มี" and "-": masking those everywhere once turned
    "ไม่มีที่จอดรถ" into "[ปกปิด]ที่จอดรถ"."""
    values = demo_privacy.values  # type: ignore[attr-defined]
    assert not {"ไม่มี", "-", "ไม่ระบุ"} & set(values)
    text = "ไม่มีที่จอดรถ ห้องน้ำไม่มีสบู่"
    assert demo_privacy.scrub(text) == text  # type: ignore[attr-defined]


# ---------------------------------------------------------------- people in free text (mask_people)

from automation.privacy import PEOPLE_PLACEHOLDERS, mask_people, shorten, specific_enough  # noqa: E402

NAME = PEOPLE_PLACEHOLDERS["th"]["name"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("ผมชื่อนายวิชัย ศรีสุข บ้านเลขที่ ๑๒/๓ หมู่ ๔ ครับ",
         f"ผมชื่อนาย{NAME} บ้านเลขที่ [บ้านเลขที่] หมู่ [หมู่] ครับ"),
        ("คุณสมชาย ใจดี", f"คุณ{NAME}"),
        ("น.ส.จันทร์เพ็ญ แสงดี", f"น.ส.{NAME}"),
        ("คุณสมชายบอกว่าบริการดี", f"คุณ{NAME}บอกว่าบริการดี"),
        ("ด.ญ.สมศรี มีสุข มาขอทุน", f"ด.ญ.{NAME} มาขอทุน"),
        ("ร.ต.อ. สมชาย เข้มแข็ง", f"ร.ต.อ. {NAME}"),
        ("ติดต่อไลน์ @somchai99", "ติดต่อไลน์ [ไอดีไลน์]"),
        ("line id: somchai_99 ครับ", "line id: [ไอดีไลน์] ครับ"),
        ("อยู่ 45/2 ม.3 ต.บ้านสวน", "อยู่ [บ้านเลขที่] ม.[หมู่] ต.บ้านสวน"),
    ],
)  # fmt: skip
def test_names_after_titles_addresses_and_line_ids_are_masked(text: str, masked: str) -> None:
    assert mask_people(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "ไม่มีที่จอดรถ ห้องน้ำไม่มีสบู่", "คุณภาพการบริการดีมาก", "นายกอบต.ลงพื้นที่เร็ว", "คุณธรรมและความโปร่งใส",
        "ผู้ใหญ่บ้านหมู่ 4 ช่วยเหลือดี", "ถนนหมู่ 5 ชำรุด", "เลขที่หนังสือ 123/2567", "ส่งเรื่องทาง LINE ได้สะดวก",
        "ไลน์ official ของ อบต.", "พี่ๆเจ้าหน้าที่ยิ้มแย้ม", "คุณครูใจดี", "นายช่างโยธามาตรวจแล้ว",
    ],
)  # fmt: skip
def test_text_with_nobody_in_it_comes_back_unchanged(text: str) -> None:
    assert mask_people(text) == text


def test_staff_names_from_the_settings_are_masked_without_a_title(settings: Settings) -> None:
    assert "สมชาย ใจร้าย" in settings.privacy.staff_names
    assert mask_people("สมชาย ใจร้าย พูดจาไม่ดี", settings) == f"{NAME} พูดจาไม่ดี"
    assert mask_people("สมชาย  ใจร้ายพูดไม่ดี", settings) == f"{NAME}พูดไม่ดี"


@pytest.mark.parametrize("value", ["ไม่มี", "-", "ไม่ระบุ", "ดี", "ชาวบ้าน", "ห้องน้ำ", "ไม่ประสงค์ออกนาม"])
def test_values_that_identify_nobody_are_not_specific_enough(value: str) -> None:
    assert not specific_enough(value)
    assert mask_people("ไม่มีที่จอดรถ ห้องน้ำไม่มีสบู่ ชาวบ้านรอนาน", names=[value]) == (
        "ไม่มีที่จอดรถ ห้องน้ำไม่มีสบู่ ชาวบ้านรอนาน")


def test_a_complainants_name_is_masked_only_as_whole_words() -> None:
    assert mask_people("ผู้ร้องสมหญิง รักดี แจ้งว่า", names=["สมหญิง รักดี"]) == f"ผู้ร้อง{NAME} แจ้งว่า"
    assert mask_people("สมหญิงรักดีมาก", names=["สมหญิง รักดี"]) == "สมหญิงรักดีมาก"  # no space: not the name typed


def test_shortening_never_cuts_a_placeholder_nor_a_vowel_from_its_letter() -> None:
    text = "เลขบัตร 1-2345-67890-12-3 ค่ะ"
    for limit in range(1, 40):
        short = mask_people(text, limit=limit)
        assert len(short) <= max(limit, 1)
        assert short.count("[") == short.count("]")
    assert shorten("ก ที่ที่ที่", 4) == "ก…"  # not "ก ที…" (a vowel torn from its letter)
    assert shorten("ที่" * 10, 4) == "ที่…"


def test_long_free_text_is_shortened_to_the_configured_length(settings: Settings) -> None:
    short = mask_people("ห้องน้ำสกปรก " * 500, settings)
    assert len(short) <= settings.privacy.max_text_chars and short.endswith("…")


def test_placeholders_follow_the_language_for_names() -> None:
    assert mask_people("นางมาลี มีสุข called", lang="en") == "นาง[name] called"
