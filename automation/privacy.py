"""Personal data kept out of what the public (and e-mail) sees.

Citizens type their phone number, e-mail address or even their national id into free-text
fields ("ติดต่อกลับที่ 081-234-5678"). Everything published — comments in the satisfaction
report, complaint subjects on the public page — passes through `mask_pii`; whole private
columns (the complainant's name and contact) are dropped by `public_record`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from automation.thaidate import to_arabic_digits

if TYPE_CHECKING:
    from automation.settings import Settings

_D = "[0-9๐-๙]"  # a digit, Arabic or Thai: citizens type both
_SEP = r"[ \-.]"  # what people put between digit groups: 081-234-5678, 081 234 5678, 081.234.5678
_NOT_DIGIT_BEFORE = r"(?<![0-9๐-๙])"
_NOT_DIGIT_AFTER = r"(?![0-9๐-๙])"

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# +66 (or 0066) then the number without its leading 0, sometimes "+66 (0) 81 ...": unmistakable.
INTERNATIONAL_PHONE = re.compile(
    rf"{_NOT_DIGIT_BEFORE}(?:\+\s*|[0๐]{{2}}\s*)[6๖]{{2}}{_SEP}?(?:\(\s*[0๐]\s*\){_SEP}?)?"
    rf"[1-9๑-๙](?:{_SEP}?{_D}){{7,8}}{_NOT_DIGIT_AFTER}"
)
BRACKETED_PHONE = re.compile(rf"\(\s*[0๐]{_D}{{1,2}}\s*\)\s*{_D}{{3,4}}{_SEP}?{_D}{{3,4}}{_NOT_DIGIT_AFTER}")
# Runs of digit groups joined by single separators ("หมู่ 5 081-234-5678 2 ครั้ง" is one run of
# five groups). Within a run, only a stretch of groups shaped the way people write a phone
# number or a national id is masked: "01.10.2566 08.30" (a date and a time) has no such
# stretch, "081-234-5678" inside the run above has.
DIGIT_RUN = re.compile(rf"{_NOT_DIGIT_BEFORE}{_D}+(?:{_SEP}{_D}+)*")
_GROUP = re.compile(rf"{_D}+")
# 13-digit national id: 1-2345-67890-12-3 or 1234567890123 (spaces instead of dashes alike).
ID_SHAPES = {(13,), (1, 4, 5, 2, 1)}
# Mobiles are 10 digits, 0 then 6/8/9 (081-234-5678, 08-1234-5678, 0812-345-678, 081-2345678);
# landlines 9 digits, 0 then 2-7 (02-123-4567, 053-123-456, 02-1234567).
MOBILE_SHAPES = {(10,), (3, 3, 4), (2, 4, 4), (4, 3, 3), (3, 7), (3, 4, 3)}
LANDLINE_SHAPES = {(9,), (2, 3, 4), (3, 3, 3), (2, 7), (1, 4, 4)}

PLACEHOLDERS = {
    "th": {"id": "[เลขประจำตัวประชาชน]", "phone": "[หมายเลขโทรศัพท์]", "email": "[อีเมล]"},
    "en": {"id": "[national id]", "phone": "[phone number]", "email": "[e-mail]"},
}


def _kind(groups: list[str]) -> str | None:
    """'id', 'phone' or None for a stretch of digit groups."""
    shape = tuple(len(g) for g in groups)
    digits = to_arabic_digits("".join(groups))
    if shape in ID_SHAPES:
        return "id"
    if shape in MOBILE_SHAPES and digits[0] == "0" and digits[1] in "689":
        return "phone"
    if shape in LANDLINE_SHAPES and digits[0] == "0" and digits[1] in "234567":
        return "phone"
    return None


def _mask_run(run: str, words: dict[str, str]) -> str:
    groups = list(_GROUP.finditer(run))
    out, done, i = [], 0, 0
    while i < len(groups):
        for j in range(min(len(groups), i + 5), i, -1):  # the longest stretch first
            kind = _kind([g[0] for g in groups[i:j]])
            if kind:
                out += [run[done : groups[i].start()], words[kind]]
                done, i = groups[j - 1].end(), j
                break
        else:
            i += 1
    return "".join([*out, run[done:]])


def mask_pii(text: str, lang: str = "th") -> str:
    """`text` with phone numbers, e-mail addresses and 13-digit national ids replaced by a
    placeholder that says what was there ("[หมายเลขโทรศัพท์]"), so a reader knows something
    was removed and nothing of it remains (not even the last digits)."""
    if not text:
        return text
    words = PLACEHOLDERS["en" if lang == "en" else "th"]
    text = EMAIL.sub(words["email"], text)
    text = INTERNATIONAL_PHONE.sub(words["phone"], text)
    text = BRACKETED_PHONE.sub(words["phone"], text)
    return DIGIT_RUN.sub(lambda m: _mask_run(m[0], words), text)


def private_keys(settings: Settings) -> set[str]:
    """Every name a private column may go by in a record: its key and its Thai/English header."""
    from automation.schema import build_schema, normalize_header

    names = {normalize_header(k) for k in settings.privacy.private_columns}
    for sheet in build_schema(settings).sheets.values():
        for col in sheet.columns:
            if col.private or normalize_header(col.key) in names:
                names.update(normalize_header(n) for n in (col.key, col.th, col.en))
    return names


def public_record(record: dict[str, Any], settings: Settings, lang: str = "th") -> dict[str, Any]:
    """A copy of `record` fit to publish: private columns dropped, PII in the text masked.

    The columns named in `settings.privacy.private_columns` (and those the schema marks private)
    are dropped whether the record is keyed by column key or by header; text in the other
    columns is masked too, because citizens put phone numbers into any free-text field.
    """
    from automation.schema import normalize_header

    hidden = private_keys(settings)
    return {
        key: mask_pii(value, lang) if isinstance(value, str) else value
        for key, value in record.items()
        if normalize_header(key) not in hidden
    }
