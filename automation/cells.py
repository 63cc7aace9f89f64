"""Typing one cell from its schema column, and saying what is wrong with it.

`parse_cell(column, value)` is the one place a raw cell becomes a typed value: a choice key,
a `date`, a `datetime`, a whole number, a Likert level 5..1, a link or text. It never raises;
a cell it cannot trust comes back with a `Problem` (a rule from the catalogue and the values
its message needs), so validation turns it into a finding and other modules simply skip it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from automation.findings import Rule, Severity
from automation.likert import LikertError, parse_likert, spaced_label
from automation.schema import Choice, Column, compact, normalize_header
from automation.thaidate import (
    HIDDEN_MARKS,
    WEEKDAYS_TH,
    DateParseError,
    be_year,
    parse_date,
    parse_datetime,
    to_arabic_digits,
    weekday_named,
    year_alone,
)
from automation.validation_rules import (
    ChoiceAlias,
    ChoiceSpacing,
    ChoiceTypo,
    ControlCharacters,
    DateFormat,
    DateImplausible,
    DateImpossible,
    DateWeekday,
    DateYearOnly,
    FormulaError,
    FormulaLike,
    HiddenMarks,
    LikertSpacing,
    NotInteger,
    NotLikert,
    NotUrl,
    TimeImpossible,
    TooLong,
    UnknownChoice,
    WrongEra,
)
from automation.workbook.base import CellError

MAX_CELL_CHARS = 2000  # longer text is almost always a paste gone wrong
PLAUSIBLE_YEARS = 5  # a date further than this from today (or the row's fiscal year) is suspect
MAX_VALUE_CHARS = 500  # how much of a value the findings sheet repeats

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks are fine
_PHONE_OR_NUMBER = re.compile(r"[+\-]?[\d\s().,/#*\-]*\d[\d\s().,/#*\-]*")
_DASHES = re.compile(r"[-–—\s]+")  # "-" alone means "none" in Thai forms
# "@bansuan ติดต่อทางไลน์": a LINE or Facebook id. "@" matters to a spreadsheet only before a
# function call, a sheet reference or a DDE link.
_HANDLE = re.compile(r"@[^(!|]*")
_THAI_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")  # vowels above/below, tone marks
_SARA_AM_APART = "\u0e4d\u0e32"  # ํ + า: looks exactly like ำ (U+0E33) but is two characters
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # reorder what staff see
# What could make text a problem or a blank: invisible marks, control and bidi characters.
# Text with none of them is typed by strip() alone (automation.typed_cells' quick path).
SUSPECT_CHARS = re.compile("|".join(p.pattern for p in (HIDDEN_MARKS, _CONTROL, _BIDI)))
FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet reads a cell starting so as a formula
LAST_CE_YEAR = 2400  # a later year in a date cell is a BE year: no office date is after CE 2400
# What each hidden mark is, in words a clerk can act on (U+ codes alone mean nothing to them).
_MARK_NAMES = {
    0x00AD: ("ขีดแบ่งคำที่ซ่อนอยู่", "soft hyphen"),
    0x061C: ("เครื่องหมายทิศทางอักษรอาหรับ", "Arabic letter mark"),
    0x180E: ("ช่องว่างสระมองโกเลีย", "Mongolian vowel separator"),
    0x200B: ("ช่องว่างความกว้างศูนย์", "zero-width space"),
    0x200C: ("ตัวคั่นความกว้างศูนย์", "zero-width non-joiner"),
    0x200D: ("ตัวเชื่อมความกว้างศูนย์", "zero-width joiner"),
    0x200E: ("เครื่องหมายทิศทางซ้ายไปขวา", "left-to-right mark"),
    0x200F: ("เครื่องหมายทิศทางขวาไปซ้าย", "right-to-left mark"),
    0x202A: ("คำสั่งฝังทิศทางซ้ายไปขวา", "left-to-right embedding"),
    0x202B: ("คำสั่งฝังทิศทางขวาไปซ้าย", "right-to-left embedding"),
    0x202C: ("คำสั่งจบการกำหนดทิศทาง", "pop directional formatting"),
    0x202D: ("คำสั่งบังคับทิศทางซ้ายไปขวา", "left-to-right override"),
    0x202E: ("คำสั่งบังคับกลับทิศข้อความเป็นขวาไปซ้าย", "right-to-left override"),
    0x2060: ("ตัวเชื่อมคำที่มองไม่เห็น", "word joiner"),
    0x2066: ("คำสั่งแยกทิศทางซ้ายไปขวา", "left-to-right isolate"),
    0x2067: ("คำสั่งแยกทิศทางขวาไปซ้าย", "right-to-left isolate"),
    0x2068: ("คำสั่งแยกทิศทางตามข้อความ", "first-strong isolate"),
    0x2069: ("คำสั่งจบการแยกทิศทาง", "pop directional isolate"),
    0xFEFF: ("เครื่องหมาย BOM ความกว้างศูนย์", "zero-width no-break space (BOM)"),
}


# ---------------------------------------------------------------- typing one cell


@dataclass(frozen=True)
class Problem:
    """What is wrong with a cell: a rule and the values its message needs.

    A param may be a date (shown per language) or {"th": ..., "en": ...}.
    """

    rule: type[Rule]
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None


@dataclass(frozen=True)
class Parsed:
    """A typed cell value; None when blank or when it cannot be trusted (see `problem`).

    Choices parse to the choice key, dates to `date`, timestamps to `datetime`, Likert to 5..1.
    A warning-level problem (extra spaces, an alias) keeps the value.
    """

    value: Any = None
    problem: Problem | None = None
    blank: bool = False


def is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or type(value).__name__ == "NaTType"  # pandas' blank date
        # A cell of only invisible marks (a zero-width space) looks empty and means nothing.
        or (isinstance(value, str) and not _CONTROL.sub("", HIDDEN_MARKS.sub("", value)).strip())
    )


def hidden_marks(text: str) -> list[str]:
    """The invisible characters in `text`, in order of first appearance (no tab or line break)."""
    return list(dict.fromkeys(HIDDEN_MARKS.findall(text) + _CONTROL.findall(text)))


def name_marks(marks: list[str]) -> dict[str, str]:
    """'U+200E (เครื่องหมายทิศทางซ้ายไปขวา)' and its English: what each hidden mark is."""
    th, en = [], []
    for mark in marks:
        name = _MARK_NAMES.get(ord(mark), ("อักขระควบคุม", "control character"))
        th.append(f"U+{ord(mark):04X} ({name[0]})")
        en.append(f"U+{ord(mark):04X} ({name[1]})")
    return {"th": ", ".join(th), "en": ", ".join(en)}


def describe_marks(marks: list[str], sara_am: bool = False) -> dict[str, str]:
    """'อักขระที่มองไม่เห็น U+200E (เครื่องหมายทิศทางซ้ายไปขวา)' and its English, for a message."""
    names = name_marks(marks)
    parts_th = [f"อักขระที่มองไม่เห็น {names['th']}"] if marks else []
    parts_en = [f"invisible characters {names['en']}"] if marks else []
    if sara_am:
        parts_th.append("สระอำที่พิมพ์แยกเป็น ํ + า (U+0E4D U+0E32)")
        parts_en.append("a sara am typed as two characters, ํ + า (U+0E4D U+0E32)")
    return {"th": " และ".join(parts_th), "en": " and ".join(parts_en)}


def unhide(text: str) -> tuple[str, dict[str, str] | None]:
    """`text` as it looks (invisible marks dropped, ํ + า joined into ำ) and what was hidden,
    or (text, None) when nothing was."""
    marks = hidden_marks(text)
    sara_am = _SARA_AM_APART in text
    if not marks and not sara_am:
        return text, None
    shown = _CONTROL.sub("", HIDDEN_MARKS.sub("", text)).replace(_SARA_AM_APART, "\u0e33")
    return shown, describe_marks(marks, sara_am)


def _hidden(read: Any, detail: dict[str, str]) -> Problem:
    shown = str(read)
    return Problem(HiddenMarks, {"detail": detail, "read": shown if len(shown) <= 80 else shown[:79] + "…"})


def plain_value(value: Any) -> Any:
    """A cell value as the workbook gave it, undoing pandas' wrapping (Timestamp, NaT, numpy)."""
    if is_blank(value) and not isinstance(value, str):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


T = TypeVar("T")


def each_distinct(values: list[Any], typed: Callable[[Any], T]) -> list[T]:
    """typed(v) for every value, computed once per distinct value (for pure `typed` only).

    A sheet column of 100,000 rows holds a handful of distinct answers or choices. Keyed by
    type as well as value (1, 1.0 and True are equal as dict keys but not the same cell);
    strings, nearly every cell, by value alone: a str never equals a (type, value) tuple.
    """
    seen: dict[Any, T] = {}
    out = []
    for value in values:
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            result = seen[key]
        except KeyError:
            result = seen[key] = typed(value)
        except TypeError:  # an unhashable cell value: type it on its own
            result = typed(value)
        out.append(result)
    return out


def parse_cell(column: Column, value: Any) -> Parsed:
    """Type one cell as its schema column says; never raises."""
    if is_blank(value):
        return Parsed(blank=True)
    if isinstance(value, CellError):  # a formula's result the cell shows as #REF!, #N/A...
        return Parsed(problem=Problem(FormulaError))
    if column.type in ("date", "url") and isinstance(value, str) and _DASHES.fullmatch(value):
        return Parsed(blank=True)  # "-" is how Thai forms write "none (yet)": a blank date or link
    parser = _PARSERS.get(column.type, _parse_text)
    return parser(column, value)


def _parse_text(column: Column, value: Any) -> Parsed:
    if isinstance(value, float) and value.is_integer():
        return Parsed(str(int(value)))
    if isinstance(value, dt.datetime):
        return Parsed(value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return Parsed(value.isoformat())
    return Parsed(str(value).strip())


def _parse_int(column: Column, value: Any) -> Parsed:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        shown, detail = unhide(value)
        text = to_arabic_digits(shown).strip().replace(",", "")
        if re.fullmatch(r"\+?\d+(?:\.0*)?", text):
            number = int(float(text)) if len(text) < 18 else int(text.split(".")[0])
        if number is not None and number >= 1 and detail is not None:
            return Parsed(number, _hidden(number, detail))
    if number is None or number < 1:
        return Parsed(problem=Problem(NotInteger))
    return Parsed(number)


_DATE_ERRORS: dict[str, type[Rule]] = {"impossible": DateImpossible, "time": TimeImpossible}


def _parse_date(column: Column, value: Any) -> Parsed:
    try:
        day: dt.date = parse_datetime(value) if column.type == "datetime" else parse_date(value)
    except DateParseError as exc:
        if exc.reason == "year":
            year = year_alone(value) or 0
            be = year if year > 2400 else be_year(year)
            return Parsed(problem=Problem(DateYearOnly, {"year": year, "be": be, "ce": be - 543}))
        return Parsed(problem=Problem(_DATE_ERRORS.get(exc.reason, DateFormat)))
    except (ValueError, OverflowError, TypeError):
        return Parsed(problem=Problem(DateFormat))
    if day.year > LAST_CE_YEAR:  # a BE year in a real date cell
        if day.year - 543 > LAST_CE_YEAR:  # 31/12/9999 is a placeholder, not an era mix-up
            reference = {"th": "วันนี้", "en": "today"}
            if isinstance(value, str):  # text keeps its typed year: "31/12/9999", not CE 9456
                typed: Any = unhide(value.strip())[0]
            else:  # a date cell shows its own year
                typed = {"th": f"{day.day:02d}/{day.month:02d}/{day.year}", "en": day.isoformat()}
            return Parsed(problem=Problem(DateImplausible, {"date": typed, "years": PLAUSIBLE_YEARS,
                                                            "reference": reference}))
        return Parsed(problem=wrong_era_date(day, shift_year(day, -543)))
    if isinstance(value, str):
        named = weekday_named(value)
        if named is not None and named != day.weekday():
            params = {"named": _weekday(named), "actual": _weekday(day.weekday()), "date": day}
            return Parsed(day, Problem(DateWeekday, params))
        shown, detail = unhide(value)
        if detail is not None:
            return Parsed(day, _hidden(shown.strip(), detail))
    return Parsed(day)


_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday(number: int) -> dict[str, str]:
    return {"th": WEEKDAYS_TH[number], "en": _WEEKDAYS_EN[number]}


def wrong_era_date(day: dt.date, corrected: dt.date | None) -> Problem:
    detail = {"th": f"อ่านได้เป็นปี ค.ศ. {day.year} ซึ่งเป็นไปไม่ได้", "en": f"read as CE year {day.year}"}
    fixed: Any = {"th": "วันที่ที่ถูกต้อง", "en": "the right date"}
    if corrected is not None:
        fixed = {
            "th": f"{show_date(corrected, 'th')} (ตรงกับ ค.ศ. {show_date(corrected, 'en')})",
            "en": f"{show_date(corrected, 'en')} (BE {show_date(corrected, 'th')})",
        }
    return Problem(WrongEra, {"detail": detail, "corrected": fixed})


def _is_link(text: str) -> bool:
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        return False
    good_host = "." in host.strip(".") or host == "localhost"
    return parts.scheme in ("http", "https") and good_host and not re.search(r"\s", text)


_NO_SCHEME = {"th": "ไม่มี https:// ข้างหน้า", "en": "it has no https:// in front"}
_WORDS_BESIDE = {"th": "มีข้อความหรือช่องว่างปนอยู่กับลิงก์", "en": "it has words or spaces beside the link"}
_NOT_HTTP = {"th": "ต้องขึ้นต้นด้วย http:// หรือ https:// ตามด้วยชื่อเว็บไซต์",
             "en": "it must start with http:// or https:// and a site name"}


def _parse_url(column: Column, value: Any) -> Parsed:
    text = str(value).strip()
    shown, detail = unhide(text)
    if detail is not None:  # a zero-width space inside a link: it looks right and opens nothing
        reason = {"th": f"มี{detail['th']} อยู่ในลิงก์", "en": f"it holds {detail['en']}"}
        hint = {"th": f"ลบลิงก์เดิมแล้วพิมพ์หรือคัดลอกจากแถบที่อยู่ของเบราว์เซอร์ใหม่: {shown}",
                "en": f"Delete the link and type or copy it again from the browser's address bar: {shown}"}
        return Parsed(problem=Problem(NotUrl, {"hint": hint, "reason": reason}))
    # Evidence often has several links, one per line or separated by spaces or commas; the
    # reports list each one. Only links, though: words beside them belong in the note.
    parts = [p for p in re.split(r"[\s,]+", text) if p]
    if parts and all(_is_link(p) for p in parts):
        return Parsed(text)
    bare = next((p for p in parts if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", p)), None)
    reason = _NOT_HTTP
    if bare is not None and (len(parts) == 1 or not _is_link(bare)):
        reason = _NO_SCHEME
        hint = {"th": f"เติม https:// ข้างหน้า: https://{bare}", "en": f"Add https:// in front: https://{bare}"}
    elif any(_is_link(p) for p in parts):
        reason = _WORDS_BESIDE
        hint = {
            "th": "ลิงก์ต้องไม่มีช่องว่างคั่นกลาง และช่องนี้ใส่ได้เฉพาะลิงก์ (หลายลิงก์ให้ขึ้นบรรทัดใหม่) "
            "คำอธิบายให้ย้ายไปไว้ที่ช่อง 'หมายเหตุ'",
            "en": "A link cannot hold spaces, and only links go here (one per line for several); "
            "move any words to the Note column",
        }
    else:
        hint = {
            "th": "ใส่ลิงก์ของหลักฐานที่เผยแพร่แล้ว เช่น https://www.example.go.th/… "
            "(เอกสารในแฟ้มให้อัปโหลดขึ้นเว็บไซต์ก่อน)",
            "en": "Put the link of the published evidence, e.g. https://www.example.go.th/… "
            "(upload paper files to the website first)",
        }
    return Parsed(problem=Problem(NotUrl, {"hint": hint, "reason": reason}))


def _label(choice: Choice) -> dict[str, str]:
    """How to name a choice in a suggestion: the value staff type, explained in English."""
    return {"th": choice.th, "en": choice.th if choice.th == choice.en else f"{choice.th} ({choice.en})"}


def _choice_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SPACES = {"th": "มีช่องว่างเกินหรือขาด", "en": "has extra or missing spaces"}
_DIGITS = {"th": "ใช้ตัวเลขต่างแบบจากรายการ (เลขไทย/เลขอารบิก)", "en": "uses other digits than the list (Thai/Arabic)"}
_CASE = {"th": "ใช้ตัวพิมพ์เล็ก/ใหญ่ต่างจากรายการ", "en": "differs from the list in upper/lower case"}
_AND = {"th": "และ", "en": "and"}
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")  # zero-width characters a paste leaves


def _variant_of(text: str, choice: Choice) -> dict[str, str] | None:
    """How a value that means a choice's label differs from it, or None when it is an alias."""
    labels = (choice.th, choice.en)
    visible = _INVISIBLE.sub("", text).replace("\u00a0", " ")
    collapsed = " ".join(visible.split())
    if normalize_header(text) in (normalize_header(n) for n in labels):
        spaces, case = collapsed != text, collapsed not in labels
        if spaces and case:
            return {lang: f"{_SPACES[lang]} {_AND[lang]} {_CASE[lang]}" for lang in ("th", "en")}
        return _CASE if case else _SPACES
    if to_arabic_digits(normalize_header(text)) in (to_arabic_digits(normalize_header(n)) for n in labels):
        return _DIGITS
    return None


def _parse_choice(column: Column, value: Any) -> Parsed:
    text = _choice_text(value)
    for choice in column.choices:
        if text in (choice.th, choice.en):
            return Parsed(choice.key)
    citizen = column.owner == "citizen"  # a form's own options are not the office's to rename
    shown, detail = unhide(text)
    if detail is not None:
        # Looks identical, so "misspelt" would send staff hunting for a typo they cannot see:
        # read it as what it shows and say what is hidden. A real typo besides stays the finding.
        inner = _parse_choice_text(column, shown, citizen)
        if inner.value is None or citizen:
            return inner if inner.value is None else Parsed(inner.value)
        choice = next(c for c in column.choices if c.key == inner.value)
        return Parsed(choice.key, _hidden(choice.th, detail))
    return _parse_choice_text(column, text, citizen)


def _parse_choice_text(column: Column, text: str, citizen: bool) -> Parsed:
    for choice in column.choices:
        if text in (choice.th, choice.en):
            return Parsed(choice.key)
    hit = column.choice_for(text)
    if hit is not None:
        label = _label(hit)
        if citizen:
            return Parsed(hit.key)
        detail = _variant_of(text, hit)
        if detail is not None:
            return Parsed(hit.key, Problem(ChoiceSpacing, {"suggested": label, "detail": detail}))
        severity: Severity = "warning" if column.key == "unit" else "info"  # units route findings
        return Parsed(hit.key, Problem(ChoiceAlias, {"suggested": label}, severity))
    names = {}
    for choice in column.choices:
        for name in (choice.th, choice.en, *choice.aliases):
            names.setdefault(to_arabic_digits(compact(name)), choice)
    wanted = to_arabic_digits(compact(text))
    near = names.get(wanted)  # the right word with stray spaces inside it (a PDF wrap)
    if near is not None:
        label = _label(near)
        return Parsed(near.key, None if citizen else Problem(ChoiceSpacing, {"suggested": label, "detail": _SPACES}))
    bare = {_THAI_MARKS.sub("", name): choice for name, choice in names.items()}
    near = bare.get(_THAI_MARKS.sub("", wanted))
    if near is None and wanted:
        close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.75)
        near = names[close[0]] if close else None
    if near is not None:
        return Parsed(problem=Problem(ChoiceTypo, {"suggested": _label(near)}))
    allowed = {
        "th": ", ".join(c.th for c in column.choices),
        "en": ", ".join(_label(c)["en"] for c in column.choices),
    }
    return Parsed(problem=Problem(UnknownChoice, {"allowed": allowed}))


def _parse_likert(column: Column, value: Any) -> Parsed:
    try:
        level = parse_likert(value)
    except (LikertError, ValueError, OverflowError, TypeError):
        return Parsed(problem=Problem(NotLikert))
    label = spaced_label(value) if level is not None else None
    if label is not None:
        return Parsed(level, Problem(LikertSpacing, {"label": label, "level": level}))
    return Parsed(level, blank=level is None)


_PARSERS = {
    "text": _parse_text,
    "int": _parse_int,
    "date": _parse_date,
    "datetime": _parse_date,
    "url": _parse_url,
    "choice": _parse_choice,
    "likert": _parse_likert,
}


def content_problems(value: Any) -> list[Problem]:
    """Suspicious text, citizen's or staff's: formula-like starts, control characters, length."""
    if not isinstance(value, str):
        return []
    found = []
    start = value.lstrip()
    if start[:1] in FORMULA_START and not (
        _PHONE_OR_NUMBER.fullmatch(start) or _DASHES.fullmatch(start) or _HANDLE.fullmatch(start)
    ):
        found.append(Problem(FormulaLike, {"char": start[0]}))
    # Bidi controls (U+202E turns "txt.exe" into "exe.txt" on screen) count with the control
    # characters; zero-width spaces do not: Thai text uses them as word-break hints.
    controls = sorted(set(_CONTROL.findall(value)) | set(_BIDI.findall(value)))
    if controls:
        found.append(Problem(ControlCharacters, {"codes": name_marks(controls)}))
    if len(value) > MAX_CELL_CHARS:
        found.append(Problem(TooLong, {"length": len(value), "limit": MAX_CELL_CHARS}))
    return found


def shift_year(day: dt.date, years: int) -> dt.date | None:
    """The same day `years` years away (29 Feb becomes 28 Feb); None beyond the calendar."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        try:
            return day.replace(year=day.year + years, day=28)
        except ValueError:
            return None


def date_problem(day: dt.date, low: dt.date, high: dt.date, reference: dict[str, str]) -> Problem | None:
    """A date implausibly far from [low, high]; when ±543 years brings it close, the era is wrong."""
    span = dt.timedelta(days=round(PLAUSIBLE_YEARS * 365.25))
    plain = day.date() if isinstance(day, dt.datetime) else day

    def far(d: dt.date) -> bool:
        return d < low - span or d > high + span

    if not far(plain):
        return None
    for years in (-543, 543):
        corrected = shift_year(day, years)
        if corrected is not None and not far(corrected.date() if isinstance(corrected, dt.datetime) else corrected):
            return wrong_era_date(day, corrected)
    return Problem(DateImplausible, {"date": day, "years": PLAUSIBLE_YEARS, "reference": reference})


def show_date(value: dt.date, lang: str) -> str:
    """A date as staff type it in Thai (15/03/2567, BE) or as ISO in English."""
    if isinstance(value, dt.datetime):
        clock = value.strftime(" %H:%M:%S") if value.time() != dt.time() else ""
        return show_date(value.date(), lang) + clock
    if lang == "en":
        return value.isoformat()
    return f"{value.day:02d}/{value.month:02d}/{be_year(value.year)}"


def display_value(value: Any) -> Any:
    """The value as the findings sheet repeats it: visible, not too long, dates as dates."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        value = _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", value)
        # Marks nobody sees are shown by their code, or the value would look faultless.
        value = HIDDEN_MARKS.sub(lambda m: f"\\u{ord(m[0]):04x}", value)
        if len(value) > MAX_VALUE_CHARS:
            value = value[: MAX_VALUE_CHARS - 1] + "…"
    return value
