"""Personal data kept out of what the public (and e-mail) sees.

Citizens type their phone number, e-mail address or even their national id into free-text
fields ("ติดต่อกลับที่ 081-234-5678"). Everything published — comments in the satisfaction
report, complaint subjects on the public page — passes through `mask_pii`; whole private
columns (the complainant's name and contact) are dropped by `public_record`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
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


# ---------------------------------------------------------------- people in free text
#
# Phones, e-mails and ids have shapes; names do not. A name is found by what stands before it
# (a title or form of address: นาย, น.ส., คุณ, ร.ต.อ. …), by being one the office listed
# (`[privacy] staff_names`, the signer) or a value of a private column (a complainant's name),
# and then only as whole words: Thai has no spaces, so word boundaries come from pythainlp's
# dictionary segmentation (offline), with its lists of Thai given and family names added so
# "คุณสมชายบอกว่า" splits as คุณ|สมชาย|บอก|ว่า.

PEOPLE_PLACEHOLDERS = {
    "th": {"name": "[ชื่อ]", "house": "[บ้านเลขที่]", "village": "[หมู่]", "line": "[ไอดีไลน์]",
           "withheld": "[ปกปิด]"},
    "en": {"name": "[name]", "house": "[house no.]", "village": "[village no.]", "line": "[LINE id]",
           "withheld": "[withheld]"},
}

# Titles after which a name always follows (a letter never starts "นางสาวสวย"…). Dotted forms
# are matched as written; the undotted ones must be whole words ("นายก", "คุณภาพ", "คุณธรรม"
# are words of their own, not a title and a name).
STRONG_TITLES = (
    "นางสาว", "นาง", "นาย", "น.ส.", "นส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง", "ว่าที่ร้อยตรี",
    "ว่าที่ ร.ต.", "ว่าที่ร.ต.", "พล.ต.อ.", "พล.ต.ท.", "พล.ต.ต.", "พ.ต.อ.", "พ.ต.ท.", "พ.ต.ต.", "ร.ต.อ.",
    "ร.ต.ท.", "ร.ต.ต.", "ด.ต.", "จ.ส.ต.", "จ.ส.ท.", "จ.ส.อ.", "ส.ต.ต.", "ส.ต.ท.", "ส.ต.อ.", "ส.อ.", "ส.ท.",
    "ส.ต.", "จ.ส.", "พ.อ.", "พ.ท.", "พ.ต.", "ร.อ.", "ร.ท.", "ร.ต.", "อส.", "ดร.", "ผศ.", "รศ.", "นพ.", "พญ.",
    "Mr.", "Mrs.", "Ms.", "Miss", "Mr", "Mrs", "Ms",
)  # fmt: skip
# Forms of address and offices a name may or may not follow ("คุณครับ", "กำนันตำบลนี้"): the
# next word is a name only if it is a known Thai name or no dictionary word.
WEAK_TITLES = (
    "คุณ", "ผู้ใหญ่", "ผู้ใหญ่บ้าน", "กำนัน", "ผอ.", "ผู้อำนวยการ", "สจ.", "ส.อบต.", "อสม.", "ครู", "หมอ",
    "ลุง", "ป้า", "น้า", "ยาย", "พี่", "น้อง", "Khun", "khun", "K.",
)  # fmt: skip
# Words that end a name or show none follows: particles, verbs, roles, the service's own words.
_DOMAIN_STOP = {
    "ครับ", "ค่ะ", "คะ", "จ้า", "จ้ะ", "นะ", "ฮะ", "บอก", "ว่า", "แจ้ง", "โทร", "ติดต่อ", "มา", "ไป", "ได้",
    "ให้", "ช่วย", "ขอ", "ร้องเรียน", "บริการ", "ให้บริการ", "เจ้าหน้าที่", "พนักงาน", "มาก", "ดีมาก", "ไม่", "ยัง", "ก็", "จะ", "ที่", "ซึ่ง", "และ", "กับ", "ของ", "เป็น", "คือ", "อยู่", "บ้าน",
    "เลขที่", "หมู่", "ตำบล", "อำเภอ", "จังหวัด", "กอง", "งาน", "สำนัก", "ฝ่าย", "ส่วน", "หัวหน้า",
    "ปลัด", "นายช่าง", "ช่าง", "โยธา", "ครู", "หมอ", "ป้า", "ลุง", "ยาย", "พี่", "น้อง", "แม่", "พ่อ",
    "ทุก", "คน", "ท่าน", "ทั้งหลาย", "ทุกท่าน", "เรียก", "รับ", "เงิน", "ผู้", "เขา", "เธอ", "ตำแหน่ง",
    "ขอบคุณ", "ขอบใจ", "ยินดี", "ๆ", "ฯ", "อบต.", "อบต", "the", "and", "is", "was", "from", "at", "of", "in", "to",
}  # fmt: skip
# Words that describe the service (the comment themes' keywords and the like): after a form of
# address ("ผู้ใหญ่บ้านยิ้มแย้ม", "คุณครูใจดี") they are praise, not a name, even where a family
# name is spelt the same (ใจดี and ยิ้มแย้ม are both).
SERVICE_WORDS = frozenset({
    "สุภาพ", "พูดจา", "อัธยาศัย", "ยิ้มแย้ม", "มารยาท", "บริการดี", "ใจดี", "เอาใจใส่", "รวดเร็ว", "เร็ว",
    "ช้า", "ล่าช้า", "รอนาน", "นาน", "สะอาด", "สกปรก", "ดีมาก", "ดี", "เก่ง", "ขยัน", "น่ารัก", "ใส่ใจ",
    "แจ่มใส", "เป็นกันเอง", "ชัดเจน", "ทันใจ", "สะดวก",
})  # fmt: skip
# Values of private columns that identify nobody: never masked wherever they turn up.
NOT_SPECIFIC = {
    "ไม่มี", "ไม่ระบุ", "ไม่ทราบ", "ไม่ประสงค์ออกนาม", "ไม่ประสงค์ระบุ", "ไม่ประสงค์ระบุชื่อ",
    "ไม่ประสงค์ระบุตัวตน", "ไม่ต้องการระบุ", "ผู้ไม่ประสงค์ออกนาม", "ไม่แจ้ง", "ไม่มีข้อมูล", "บัตรสนเท่ห์",
    "ชาวบ้าน", "ประชาชน", "ผู้ร้อง", "none", "n/a", "na", "nil", "anonymous", "unknown", "-",
}  # fmt: skip
MIN_PRIVATE_CHARS = 4  # a private value shorter than this ("สม", "ดี") is too common to mask

_THAI = "\u0e01-\u0e4e"  # Thai letters, vowels and tone marks (not digits, not ฯ ๆ)
_LETTERS = re.compile(rf"[{_THAI}]+|[A-Za-z]+")  # one script: a change of script is a word boundary
_WORDISH = re.compile(rf"[{_THAI}A-Za-z.]+")
_SPACES = re.compile(r"[ \t\u00a0]{1,3}")
_ALL_TITLES = sorted({*STRONG_TITLES, *WEAK_TITLES}, key=len, reverse=True)
TITLE = re.compile("|".join(re.escape(t) for t in _ALL_TITLES))
_N = rf"{_D}+(?:\s*/\s*{_D}+)?"  # 12, 12/3, ๑๒/๓
# บ้านเลขที่ ๑๒/๓; เลขที่ 12/3 or a bare 12/3 only where an address goes on (หมู่, ม., ซอย, ถนน…).
HOUSE = re.compile(
    rf"(?P<word>บ้านเลขที่|บ้าน\s*เลขที่|ที่อยู่|เลขที่(?=\s*{_N}\s*(?:หมู่|ม\.|ซ\.|ซอย|ถ\.|ถนน|ต\.|ตำบล)))"
    rf"\s*(?P<no>{_N}){_NOT_DIGIT_AFTER}(?!\s*/)"
    rf"|{_NOT_DIGIT_BEFORE}(?<![/.:\-])(?P<bare>{_D}+\s*/\s*{_D}+){_NOT_DIGIT_AFTER}(?=\s*(?:หมู่|ม\.))"
)
# หมู่ ๔ / หมู่ที่ 4 / ม.4 right after a house number (the village alone names a place, not a person).
VILLAGE = re.compile(rf"(?P<word>\s*(?:หมู่(?:ที่|บ้าน)?|ม\.)\s*)(?P<no>{_D}{{1,3}}){_NOT_DIGIT_AFTER}")
# LINE: "@somchai99" anywhere (e-mails are masked before), or an id after the word LINE/ไลน์/ไอดี.
HANDLE = re.compile(r"(?<![A-Za-z0-9._%+\-])@[A-Za-z0-9._\-]{3,}")
LINE_ID = re.compile(
    r"(?P<word>(?:ไอดี\s*ไลน์|ไลน์\s*ไอดี|ไลน์\s*id|ไลน์|ไอดี)\s*[:：=]?\s*"
    r"|(?<![A-Za-z0-9])(?:line\s*id|id\s*line|line|id)(?:\s*[:：=]\s*|\s+))"  # English: a separator
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9._\-]{3,})",
    re.IGNORECASE,
)
def _is_line_id(m: re.Match[str]) -> bool:
    """An id after the word LINE: one said to be an id ("LINE: x", "ไอดีไลน์ x") or one shaped
    like an id (digits, dots, underscores: "somchai99"); not a plain word ("LINE online")."""
    if m["id"].casefold() in _NOT_LINE_IDS:
        return False
    said = re.search(r"[:：=]|id|ไอดี", m["word"], re.IGNORECASE)
    return bool(said or re.search(r"[0-9._\-]", m["id"]))


_NOT_LINE_IDS = {"official", "group", "groups", "chat", "account", "app", "application", "oa", "notify", "line"}


@lru_cache(maxsize=1)
def _words() -> tuple[Any, frozenset[str], frozenset[str], frozenset[str]] | None:
    """(tokenizer dictionary, Thai names, dictionary words, stop words), or None without pythainlp."""
    try:
        from pythainlp.corpus import thai_stopwords

        from automation import thaiwords
    except Exception:  # pragma: no cover - pythainlp is a dependency; without it: spaces only
        return None
    words, names = thaiwords.word_lists()  # pythainlp's thai_words() and Thai names, as read
    stop = frozenset(thai_stopwords() | _DOMAIN_STOP | set(_ALL_TITLES))
    # The segmenting dictionary as a set, not a trie: the same words found, a fifth of the cost.
    return thaiwords.with_names(), names, words, stop


EVERYDAY = 2000  # a word seen this often in the Thai National Corpus is read as a word, not a name


@lru_cache(maxsize=1)
def _everyday_words() -> frozenset[str]:
    """Frequent Thai words (pythainlp's bundled TNC frequencies): after a weak title (คุณ,
    ผู้ใหญ่บ้าน) such a word is prose, even where the names list has it too (คุณภาพ)."""
    try:
        from automation import thaiwords

        return thaiwords.frequent_words(EVERYDAY)  # kept in a cache file: the corpus parse is ~0.17 s
    except Exception:  # pragma: no cover - the file ships with pythainlp; without it, no such rule
        return frozenset()


@lru_cache(maxsize=4096)
def _tokens(chunk: str) -> tuple[str, ...]:
    """Words of a run of letters (pythainlp newmm, its dictionary plus Thai names)."""
    known = _words()
    if known is None:
        return (chunk,)
    from pythainlp.tokenize import word_tokenize

    return tuple(t for t in word_tokenize(chunk, custom_dict=known[0], keep_whitespace=False) if t)


def _is_name(tokens: list[str], one_word: bool) -> bool:
    """Words that read as a name: a known Thai name, starting with one, or containing a piece
    that is no dictionary word; with `one_word` (a family name after นาย, น.ส.…) also a single
    longer dictionary word ("นายสมชาย เข้มแข็ง"); never everyday prose ("คุณสมชาย ตอบช้า",
    "อส.สมพงษ์ ยืนเฝ้าจุดตรวจ")."""
    known = _words()
    if known is None or not tokens:
        return bool(tokens)
    _trie, names, words, _stop = known
    run = "".join(tokens)
    if run in names or tokens[0] in names:
        return True
    if any(t not in names and t.casefold() not in words for t in tokens):
        return True
    return one_word and len(tokens) == 1 and len(run) >= 4


def _stops(token: str) -> bool:
    known = _words()
    return token.casefold() in (known[3] if known else _DOMAIN_STOP)


_DEPENDENT = re.compile("[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]")  # vowels and marks that end a syllable


def _known_name_prefix(chunk: str, names: frozenset[str]) -> str:
    """The longest Thai name the letters start with, cut at a whole syllable ("สมศรีมา…" gives
    สมศรี: the segmenter alone would say สม|ศรีมา), but not the start of a longer dictionary word
    ("ที่จอดรถ" does not start with a name "ที่")."""
    known = _words()
    words = known[2] if known else frozenset()
    inside: dict[int, tuple[int, str]] = {}  # offset -> (start, word) of the word it falls in
    at = 0
    for token in _tokens(chunk):
        for i in range(at + 1, at + len(token)):
            inside[i] = (at, token)
        at += len(token)
    for end in range(min(len(chunk), 24), 1, -1):
        prefix = chunk[:end]
        if prefix not in names or _stops(prefix) or (end < len(chunk) and _DEPENDENT.match(chunk[end])):
            continue
        spanning = inside.get(end)  # the word the name would end inside, if it ends inside one
        if spanning is not None and spanning[1] in words:
            continue
        return prefix
    return ""


def _name_run(text: str, start: int, strong: bool, family: bool = False) -> int:
    """End of the name that starts at `start` (a given name, or with `family` the family name
    after it), or `start` if none: a known Thai name, or an unlisted one up to a stop word.
    After a strong title (นาย, น.ส.) the words are the name unless they read as prose; after a
    weak one (คุณ, ลุง) they must read as a name (`_is_name`)."""
    letters = _LETTERS.match(text, start)
    if not letters:
        return start
    chunk = letters[0]
    if text[letters.end() : letters.end() + 1] == "." and not chunk.isascii():
        return start  # Thai letters then a dot are an abbreviation (อบต., จนท.), not a name
    tokens = _tokens(chunk)
    if not tokens or _stops(tokens[0]):
        return start
    known = _words()
    names = known[1] if known else frozenset()
    if chunk.isascii() and not re.fullmatch(r"[A-Z][a-z]+", tokens[0]):
        return start  # an English name is Capitalised: not "LINE", "online", "OA"
    given = "" if family else _known_name_prefix(chunk, names)
    if not strong and not family and (tokens[0] in SERVICE_WORDS or (given or tokens[0]) in _everyday_words()):
        return start  # "ผู้ใหญ่บ้านคุณภาพ…": a frequent word, though some family is named so
    if given:
        # A known given name, maybe glued to a known family name ("สมชายใจดี"); then prose.
        rest = _known_name_prefix(chunk[len(given):], names)
        if len(rest) >= 3 and not _stops(rest):
            given += rest
        return start + len(given)
    taken: list[str] = []
    for token in tokens:  # an unlisted name falls apart into pieces: take them up to a stop word
        if _stops(token) and taken:
            break
        taken.append(token)
    run = "".join(taken)
    # After นาย, น.ส.… a short word standing alone is the family name even when made of
    # dictionary words, as most are (ศรี|วงศ์, ระบบ|ดี); a long run is prose.
    surname_shaped = family and strong and run == chunk and len(taken) <= 3 and len(run) <= 14
    if (family or not strong) and not surname_shaped and not _is_name(taken, one_word=family and strong):
        return start
    return start + len(run)


def _title_is_word(text: str, m: re.Match[str]) -> bool:
    """A title counts only as a word of its own: not the start of นายก, คุณภาพ, ผู้ใหญ่บ้าน…"""
    title = m[0]
    before = text[m.start() - 1] if m.start() else " "
    if "." in title:  # dotted: may follow a word ("ติดต่อจากร.ต.อ."), not continue an abbreviation
        two_before = text[m.start() - 2] if m.start() > 1 else " "
        return before != "." and two_before != "." and not (before.isascii() and before.isalnum())
    if title.isascii():
        after = text[m.end()] if m.end() < len(text) else " "
        return not before.isalpha() and (after in " .\u00a0")
    # Segment the letters around it and ask whether it is a whole word there.
    lo = m.start()
    while lo and re.match(rf"[{_THAI}]", text[lo - 1]):
        lo -= 1
    run = _WORDISH.match(text, lo)  # with dots: "นายกอบต." segments as นายก|อบต.
    chunk = run[0] if run else title
    cuts, at = {0}, 0
    for token in _tokens(chunk):
        at += len(token)
        cuts.add(at)
    return (m.start() - lo) in cuts and (m.end() - lo) in cuts


def _title_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in TITLE.finditer(text):
        if not _title_is_word(text, m):
            continue
        strong = m[0] in STRONG_TITLES
        gap = _SPACES.match(text, m.end())
        start = gap.end() if gap else m.end()
        end = _name_run(text, start, strong)
        if end == start:
            continue
        gap = _SPACES.match(text, end)
        if gap and end == _LETTERS.match(text, start).end():  # type: ignore[union-attr]
            family = _name_run(text, gap.end(), strong, family=True)
            if family > gap.end():
                end = family
        spans.append((start, end))
    return spans


def _whole_word_at(text: str, start: int, end: int) -> bool:
    """Does text[start:end] begin and end on word boundaries?"""
    for edge in (start, end):
        left = text[edge - 1] if edge else " "
        right = text[edge] if edge < len(text) else " "
        if not (_LETTERS.match(left) and _LETTERS.match(right)) or left.isascii() != right.isascii():
            continue  # a space, digit, punctuation or a change of script: a boundary
        lo = edge
        while lo and _LETTERS.match(text[lo - 1]) and text[lo - 1].isascii() == left.isascii():
            lo -= 1
        run = _LETTERS.match(text, lo)
        cuts, at = {0}, 0
        for token in _tokens(run[0] if run else ""):
            at += len(token)
            cuts.add(at)
        if edge - lo not in cuts:
            return False
    return True


def specific_enough(value: str) -> bool:
    """Whether a private value (a name, a contact) identifies someone enough to be masked
    wherever it turns up: not "ไม่มี", "-", "ไม่ระบุ", nor a short or everyday word."""
    value = " ".join(value.split())
    compact = value.replace(" ", "")
    if len(compact) < MIN_PRIVATE_CHARS or value.casefold() in NOT_SPECIFIC or not _LETTERS.search(value):
        return bool(re.fullmatch(r"[0-9๐-๙\-+ ().]{9,}", value))  # a phone number is specific
    if " " in value:
        return True  # a given and a family name
    known = _words()
    if known is None:
        return True
    _trie, names, words, _stop = known
    tokens = _tokens(compact)
    if all(_stops(t) for t in tokens):
        return False
    return compact in names or compact.casefold() not in words


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters with "…", never inside a placeholder ("[ชื่อ]")
    nor between a Thai letter and its vowel or tone mark; `limit` <= 0 means no limit."""
    if limit <= 0 or len(text) <= limit:
        return text
    cut = limit - 1
    opening = text.rfind("[", 0, cut)
    if opening != -1 and text.find("]", opening) >= cut:
        cut = opening  # the placeholder would be cut: leave it out whole
    while cut and unicodedata.category(text[cut]) == "Mn":  # a vowel or tone mark: keep it with its letter
        cut -= 1
    return text[:cut].rstrip() + "…"


MEMO_LIMIT = 50_000  # texts a masker remembers it has masked


@dataclass(frozen=True)
class PeopleMasker:
    """Masks people in free text: see `mask_people`. Build once (`from_settings`), use often."""

    names: tuple[str, ...] = ()  # staff and other known names, masked as whole words
    lang: str = "th"
    limit: int = 0  # shorten longer texts to this many characters; 0: never
    withheld: tuple[str, ...] = ()  # private column values (complainants): "[ปกปิด]"

    @classmethod
    def from_settings(cls, settings: Settings, lang: str | None = None,
                      private_values: Iterable[str] = ()) -> PeopleMasker:
        names = [*settings.privacy.staff_names, settings.office.signer_name]
        return cls(
            names=_longest_first(n for n in names if n and specific_enough(n)),
            lang=lang or settings.run.language,
            limit=settings.privacy.max_text_chars,
            withheld=_longest_first(v for v in private_values if v and specific_enough(v)),
        )

    def mask(self, text: str, limit: int | None = None) -> str:
        if not text:
            return text
        # The same words come back again and again (a unit on every overdue row, a comment
        # thousands of people typed): each is masked once by this masker.
        memo = self._memo
        done = memo.get((text, limit))
        if done is None:
            if len(memo) >= MEMO_LIMIT:  # a long-running service meets ever new texts
                memo.clear()
            done = memo[(text, limit)] = self._mask(text, limit)
        return done

    def _mask(self, text: str, limit: int | None) -> str:
        words = PEOPLE_PLACEHOLDERS["en" if self.lang == "en" else "th"]
        text = mask_pii(text, self.lang)
        text = HANDLE.sub(words["line"], text)
        text = LINE_ID.sub(lambda m: m["word"] + words["line"] if _is_line_id(m) else m[0], text)
        text = _mask_addresses(text, words)
        text = _replace_whole(text, self.withheld, words["withheld"], self._withheld_index)
        text = _replace_whole(text, self.names, words["name"], self._names_index)
        text = _replace_spans(text, _title_spans(text), words["name"])
        return shorten(text, self.limit if limit is None else limit)

    __call__ = mask

    @cached_property
    def _memo(self) -> dict[tuple[str, int | None], str]:
        return {}

    @cached_property
    def _withheld_index(self) -> dict[str, list[int]]:
        return _index(self.withheld)

    @cached_property
    def _names_index(self) -> dict[str, list[int]]:
        return _index(self.names)


def _longest_first(values: Iterable[str]) -> tuple[str, ...]:
    unique = {" ".join(v.split()) for v in values}
    forms = {f for v in unique for f in (v, to_arabic_digits(v), _thai_digits(v))}
    return tuple(sorted(forms, key=lambda v: (-len(v), v)))


def _thai_digits(text: str) -> str:
    from automation.thaidate import to_thai_digits

    return to_thai_digits(text)


def _mask_addresses(text: str, words: dict[str, str]) -> str:
    out, done = [], 0
    for m in HOUSE.finditer(text):
        no = "no" if m["no"] else "bare"
        out += [text[done : m.start(no)], words["house"]]
        done = m.end(no)
        village = VILLAGE.match(text, done)
        if village:
            out += [text[done : village.start("no")], words["village"]]
            done = village.end("no")
    return "".join([*out, text[done:]])


_PREFIX = 3  # values are looked up by their first characters: a text is checked only against
# the values that could start somewhere in it (an office has thousands of complainants' names)


def _index(values: tuple[str, ...]) -> dict[str, list[int]]:
    by_prefix: dict[str, list[int]] = {}
    for i, value in enumerate(values):
        by_prefix.setdefault(value[:_PREFIX], []).append(i)
    return by_prefix


@lru_cache(maxsize=20_000)
def _pattern(value: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(p) for p in value.split()))


def _replace_whole(text: str, values: tuple[str, ...], word: str,
                   by_prefix: dict[str, list[int]] | None = None) -> str:
    """Each value, longest first, where it stands as whole words (a space inside it may be
    several in the text); never inside a longer word ("สมชาย" is not masked in "สมชายหาด")."""
    if not values:
        return text
    by_prefix = by_prefix if by_prefix is not None else _index(values)
    starts = {text[i : i + _PREFIX] for i in range(len(text) - _PREFIX + 1)}
    candidates = sorted({i for start in starts for i in by_prefix.get(start, ())})
    spans: list[tuple[int, int]] = []
    taken = [False] * len(text)
    for i in candidates:  # in the values' order: longest first
        for start, end in _occurrences(values[i], text):
            if any(taken[start:end]) or not _whole_word_at(text, start, end):
                continue
            spans.append((start, end))
            taken[start:end] = [True] * (end - start)
    return _replace_spans(text, spans, word)


def _occurrences(value: str, text: str) -> list[tuple[int, int]]:
    """Where `value` stands in `text`, left to right, not overlapping (as its pattern finds it).
    Most candidates do not occur at all: plain `in` says so without compiling a pattern."""
    parts = value.split()
    if not parts or any(part not in text for part in parts):
        return []
    if len(parts) > 1:  # a space inside the value may be several in the text
        return [m.span() for m in _pattern(value).finditer(text)]
    found, at = [], text.find(value)
    while at != -1:
        found.append((at, at + len(value)))
        at = text.find(value, at + len(value))
    return found


def _replace_spans(text: str, spans: list[tuple[int, int]], word: str) -> str:
    out, done = [], 0
    for start, end in sorted(spans):
        if start < done:
            continue
        out += [text[done:start], word]
        done = end
    return "".join([*out, text[done:]])


def mask_people(text: str, settings: Settings | None = None, *, lang: str | None = None,
                names: Iterable[str] = (), limit: int | None = None) -> str:
    """`text` fit for an e-mail, a LINE message or the internal report: people masked.

    Masks, each as a whole word and with a placeholder saying what was there:
    - names after a Thai title or form of address (นาย, นาง, นางสาว, น.ส., ด.ช., ด.ญ., คุณ,
      ผู้ใหญ่, กำนัน, ผอ., ร.ต.อ., พ.ต.ท., จ.ส.อ., อส., …), with or without a space, the name being
      the next one or two words: "นายวิชัย ศรีสุข" -> "นาย[ชื่อ]";
    - the names listed in `[privacy] staff_names` and the report's signer, and `names` (e.g. the
      complainants' names from the workbook), only when specific enough (see `specific_enough`);
    - house and village numbers ("บ้านเลขที่ ๑๒/๓ หมู่ ๔"), LINE ids and @handles;
    - phone numbers, e-mail addresses and national ids (`mask_pii`).
    Then shortens the text to `limit` characters (default `[privacy] max_text_chars`; 0: no
    limit) with "…", never cutting a placeholder. Text with nobody in it comes back unchanged.
    `lang` picks the placeholders' language (default `[run] language`).
    """
    if not text:
        return text
    if settings is None:
        masker = _plain_masker(lang or "th", tuple(names))
    else:
        masker = _settings_masker(settings, lang or settings.run.language, tuple(names))
    return masker.mask(text, limit)


@lru_cache(maxsize=32)
def _plain_masker(lang: str, names: tuple[str, ...]) -> PeopleMasker:
    return PeopleMasker(names=_longest_first(n for n in names if n and specific_enough(n)), lang=lang)


_MASKERS: dict[tuple[int, str, tuple[str, ...]], tuple[Settings, PeopleMasker]] = {}


def _settings_masker(settings: Settings, lang: str, names: tuple[str, ...]) -> PeopleMasker:
    key = (id(settings), lang, names)
    cached = _MASKERS.get(key)
    if cached is None or cached[0] is not settings:
        if len(_MASKERS) > 64:
            _MASKERS.clear()
        base = PeopleMasker.from_settings(settings, lang)
        masker = PeopleMasker(names=_longest_first([*base.names, *(n for n in names if specific_enough(n))]),
                              lang=lang, limit=base.limit)
        cached = _MASKERS[key] = (settings, masker)
    return cached[1]
