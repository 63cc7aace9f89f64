"""Comments from the form: cleaned, de-duplicated, masked and grouped into themes by Thai words."""

from __future__ import annotations

from automation.comments import OTHER, THEMES, clean_comment, theme_comments, themes_of, tokenizer
from automation.demo import COMMENTS
from automation.privacy import PLACEHOLDERS


def _themes(values: list[object]) -> dict[str, list[str]]:
    return {t.key: [c.text for c in t.comments] for t in theme_comments(values)}


def test_pythainlp_tokenizer_runs_offline_with_the_default_engine() -> None:
    tokenize = tokenizer()
    assert tokenize is not None
    assert tokenize("ที่จอดรถไม่พอ") == ["ที่จอดรถ", "ไม่", "พอ"]


def test_real_thai_comments_land_in_their_themes() -> None:
    cases = {
        "เจ้าหน้าที่พูดจาสุภาพ ยิ้มแย้มแจ่มใส": "staff",
        "รอนานมากกว่าจะได้รับบริการ": "speed",
        "บริการรวดเร็ว ขอบคุณครับ": "speed",
        "ที่จอดรถไม่พอ": "place",
        "ห้องน้ำควรสะอาดกว่านี้": "place",
        "อยากให้มีบริการออนไลน์ ไม่ต้องเดินทางมา": "online",
        "ป้ายบอกทางไม่ชัดเจน": "signage",
        "ขอให้พัฒนาต่อไป": "other",
    }
    for text, theme in cases.items():
        assert themes_of(text) == [theme], text


def test_one_comment_may_touch_several_themes() -> None:
    assert themes_of("เจ้าหน้าที่สุภาพ แต่รอคิวนาน และที่จอดรถน้อย") == ["staff", "speed", "place"]


def test_keywords_match_whole_words_not_pieces_of_other_words() -> None:
    # "รอ" (wait) is inside "รอบ" (round) and "ช้า" (slow) inside "ช้าง" (elephant): neither is
    # about waiting or speed, which substring matching would wrongly claim.
    assert themes_of("รอบหน้าขอให้จัดกิจกรรมอีก") == [OTHER.key]
    assert themes_of("มีช้างป่าเข้ามาในหมู่บ้าน") == [OTHER.key]


def test_cleaning_removes_control_characters_and_extra_spaces() -> None:
    assert clean_comment("  ที่จอดรถ\u200bไม่พอ\t\r\n ครับ \x07") == "ที่จอดรถไม่พอ ครับ"


def test_no_comment_answers_are_not_comments() -> None:
    for value in (None, "", "   ", "-", "ไม่มี", "ไม่มีครับ", "ไม่มีข้อเสนอแนะค่ะ", "N/A", "..."):
        assert clean_comment(value) == ""
    assert theme_comments([None, "-", "ไม่มีค่ะ"]) == []


def test_the_same_comment_typed_differently_is_counted_once_with_its_count() -> None:
    themes = theme_comments(["ที่จอดรถไม่พอ", "ที่จอดรถ ไม่พอ!!", " ที่จอดรถไม่พอ ", "ห้องน้ำสกปรก"])
    place = next(t for t in themes if t.key == "place")
    assert [(c.text, c.count) for c in place.comments] == [("ที่จอดรถไม่พอ", 3), ("ห้องน้ำสกปรก", 1)]
    assert place.count == 4


def test_phone_numbers_in_comments_are_masked_and_merged() -> None:
    themes = _themes(["ติดต่อกลับที่ 081-234-5678 ด้วยครับ", "ติดต่อกลับที่ 089 111 2222 ด้วยครับ"])
    phone = PLACEHOLDERS["th"]["phone"]
    assert themes == {"other": [f"ติดต่อกลับที่ {phone} ด้วยครับ"]}


def test_the_demo_comments_cover_every_theme() -> None:
    keys = [t.key for t in theme_comments(COMMENTS)]
    assert keys == [rule.key for rule in THEMES] + [OTHER.key]


def test_theme_labels_follow_the_language() -> None:
    en = theme_comments(["ที่จอดรถไม่พอ"], lang="en")
    assert [t.label for t in en] == ["Premises and facilities"]
