"""The Thai calendar: digits, Buddhist Era years, month names, fiscal years and rounds.

Staff type dates every way a person can (15/03/2567, 15/3/24, 15 มี.ค. 67, ๑๕ มีนาคม ๒๕๖๗,
2024-03-15) and spreadsheets also hold real date cells and serial numbers. `parse_date`
accepts all of them and says clearly why it cannot when it cannot.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

BE_OFFSET = 543
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
WEEKDAYS_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")  # Monday first, as date.weekday()
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# Spreadsheet day serials count from 1899-12-30 (Lotus 1-2-3's leap-year bug baked in).
SERIAL_EPOCH = dt.date(1899, 12, 30)

Digits = Literal["thai", "arabic"]
RoundKind = Literal["h1", "annual"]


class DateParseError(ValueError):
    """A value that is not a date; `reason` is 'format', 'impossible', 'time' (a clock such as
    25:00 on a real day) or 'year' (a year alone, 2567 or "พ.ศ. 2567", where a date belongs)."""

    def __init__(self, value: Any, reason: str, detail: str = "") -> None:
        self.value = value
        self.reason = reason
        super().__init__(detail or f"{value!r}: {reason}")


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def digits(text: str, style: Digits) -> str:
    """Render the digits of `text` in the office's chosen style."""
    return to_thai_digits(text) if style == "thai" else to_arabic_digits(text)


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def _month_key(name: str) -> str:
    return re.sub(r"[\s.]", "", name)


_MONTH_LOOKUP: dict[str, int] = {}
for _i, (_full, _abbr, _en) in enumerate(zip(MONTHS_FULL, MONTHS_ABBR, MONTHS_EN, strict=True), start=1):
    _MONTH_LOOKUP[_month_key(_full)] = _i
    _MONTH_LOOKUP[_month_key(_abbr)] = _i
    _MONTH_LOOKUP[_en.lower()] = _i
    _MONTH_LOOKUP[_en[:3].lower()] = _i

# "2567/03/15": year first with slashes or dots, as some Thai systems export (never Y/D/M).
_YMD = re.compile(r"^(\d{4})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\s*([^\d\s][^\d]*?)\s*(\d{2}|\d{4})$")
_TIME_TAIL = re.compile(r"[,\s]+(?:เวลา\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*น\.)?$")
# ISO 8601 with a time ("2024-03-15T09:30:00.000+07:00", as CSV exports and scripts write it):
# the T (or space) stays one space and fractions and zone are dropped, so the usual time tail applies.
_ISO_T = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[T ](\d{1,2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$")
# "วันศุกร์ที่ 15 มีนาคม 2567", as letters write dates: the weekday is dropped here (cells checks
# it against the day); "วันที่", "พ.ศ." and "ค.ศ." are noise too.
_WEEKDAY = re.compile(r"^(?:วัน)?(" + "|".join(sorted((*WEEKDAYS_TH, "พฤหัส"), key=len, reverse=True))
                      + r")(?:\s*ที่)?\s*")
_NOISE = re.compile(r"^(?:วันที่|วัน)\s*|พ\.?\s*ศ\.?\s*|ค\.?\s*ศ\.?\s*")
_YEAR_ALONE = re.compile(r"^(?:ปี(?:งบประมาณ)?\s*)?(?:(?:พ\.?\s*ศ|ค\.?\s*ศ)\.?\s*)?(\d{4})$")
# Marks nobody sees that a paste from a web page, a PDF or a right-to-left chat leaves in a cell.
HIDDEN_MARKS = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def expand_year(year_text: str) -> int:
    """A typed year as a CE year: 4 digits > 2400 are BE; 2 digits 40-99 are BE, 00-39 CE.

    Thai offices write short BE years ("67"); a short CE year ("24") also occurs. The cut at
    40 keeps both readable for any date this product will meet (BE 2540-2599, CE 2000-2039).
    """
    year = int(year_text)
    if len(year_text) == 2:
        return ce_year(2500 + year) if year >= 40 else 2000 + year
    return ce_year(year) if year > 2400 else year


def year_alone(value: Any) -> int | None:
    """The year when a date cell holds only a year (2567, 2024.0, "พ.ศ. ๒๕๖๗", "ปี 2567").

    As a day serial 2567 is 11 January 1907, which no office means: it is a year typed where
    the date belongs. Years 1900-2100 CE and 2443-2643 BE are recognised.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        value = int(value)
    if isinstance(value, int):
        year = value
    elif isinstance(value, str):
        m = _YEAR_ALONE.match(re.sub(r"\s+", " ", HIDDEN_MARKS.sub("", to_arabic_digits(value))).strip())
        if m is None:
            return None
        year = int(m[1])
    else:
        return None
    return year if 1900 <= year <= 2100 or 2443 <= year <= 2643 else None


def weekday_named(value: Any) -> int | None:
    """The weekday (0 = Monday) a date text names ("วันศุกร์ที่ 15 มีนาคม 2567" -> 4), or None."""
    if not isinstance(value, str):
        return None
    m = _WEEKDAY.match(value.strip())
    if m is None:
        return None
    name = "พฤหัสบดี" if m[1] == "พฤหัส" else m[1]
    return WEEKDAYS_TH.index(name)


def _build(year: int, month: int, day: int, value: Any) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateParseError(value, "impossible", f"{value!r}: {exc}") from None


def from_serial(serial: float) -> dt.datetime:
    if not math.isfinite(serial) or not 1 <= serial < 2958466:
        raise DateParseError(serial, "format", f"{serial!r} is not a day serial number")
    return dt.datetime.combine(SERIAL_EPOCH, dt.time()) + dt.timedelta(days=float(serial))


def to_serial(day: dt.date) -> int:
    return (day - SERIAL_EPOCH).days


def parse_date(value: Any) -> dt.date:
    """Any date form staff or a spreadsheet produce, as a CE `date`.

    Raises DateParseError (reason 'format' or 'impossible') for anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp, without importing pandas here
        return value.to_pydatetime().date()
    if isinstance(value, bool) or value is None:
        raise DateParseError(value, "format", f"{value!r} is not a date")
    if year_alone(value) is not None:
        raise DateParseError(value, "year", f"{value!r} is a year, not a date")
    if isinstance(value, (int, float)):
        return from_serial(float(value)).date()
    if not isinstance(value, str):
        raise DateParseError(value, "format", f"{value!r} is not a date")
    text = _ISO_T.sub(r"\1 \2", HIDDEN_MARKS.sub("", to_arabic_digits(value)).strip())
    text = _TIME_TAIL.sub("", text)
    text = _WEEKDAY.sub("", text)
    text = _NOISE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise DateParseError(value, "format", "empty")
    if m := _ISO.match(text) or _YMD.match(text):
        return _build(expand_year(m[1]), int(m[2]), int(m[3]), value)
    if m := _NUMERIC.match(text):
        return _build(expand_year(m[3]), int(m[2]), int(m[1]), value)
    if m := _WORDS.match(text):
        month = _MONTH_LOOKUP.get(_month_key(m[2]).lower())
        if month is None:
            raise DateParseError(value, "format", f"{m[2]!r} is not a month name")
        return _build(expand_year(m[3]), month, int(m[1]), value)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return from_serial(float(text)).date()
    raise DateParseError(value, "format", f"{value!r} is not a date")


def parse_datetime(value: Any) -> dt.datetime:
    """A timestamp (Google Forms' first column): a cell, a serial or text with a time part."""
    if isinstance(value, dt.datetime):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if year_alone(value) is not None:
            raise DateParseError(value, "year", f"{value!r} is a year, not a timestamp")
        return from_serial(float(value))
    day = parse_date(value)
    clock = dt.time()
    if isinstance(value, str):
        text = _ISO_T.sub(r"\1 \2", HIDDEN_MARKS.sub("", to_arabic_digits(value)).strip())
        m = re.search(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*น\.)?\s*$", text)
        if m and (m.start() > 0 and not _ISO.match(text)):
            try:
                clock = dt.time(int(m[1]), int(m[2]), int(m[3] or 0))
            except ValueError:
                raise DateParseError(value, "time", f"{value!r}: no such time of day") from None
    return dt.datetime.combine(day, clock)


def format_thai_date(
    day: dt.date, digit_style: Digits = "thai", month: Literal["full", "abbr"] = "full"
) -> str:
    """'๓๑ มีนาคม ๒๕๖๗': day, month name, BE year, as official documents write it."""
    names = MONTHS_FULL if month == "full" else MONTHS_ABBR
    text = f"{day.day} {names[day.month - 1]} {be_year(day.year)}"
    return digits(text, digit_style)


def format_date(day: dt.date, lang: str = "th", digit_style: Digits = "thai") -> str:
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return format_thai_date(day, digit_style)


def fiscal_year_of(day: dt.date) -> int:
    """The BE fiscal year a day falls in: FY 2567 = 1 Oct 2023 - 30 Sep 2024."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


@dataclass(frozen=True, order=True)
class FiscalRound:
    """A reporting round: round 1 (h1, 1 Oct - 31 Mar) or the whole fiscal year (annual)."""

    fiscal_year: int  # BE
    kind: RoundKind = "annual"

    @property
    def start(self) -> dt.date:
        return dt.date(ce_year(self.fiscal_year) - 1, 10, 1)

    @property
    def end(self) -> dt.date:
        ce = ce_year(self.fiscal_year)
        return dt.date(ce, 3, 31) if self.kind == "h1" else dt.date(ce, 9, 30)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> FiscalRound:
        """The round reported just before this one (annual of last year precedes h1)."""
        if self.kind == "annual":
            return FiscalRound(self.fiscal_year, "h1")
        return FiscalRound(self.fiscal_year - 1, "annual")

    def same_round_last_year(self) -> FiscalRound:
        return FiscalRound(self.fiscal_year - 1, self.kind)

    def label(self, lang: str = "th", digit_style: Digits = "thai") -> str:
        if lang == "en":
            part = "6-month round" if self.kind == "h1" else "annual round"
            return f"fiscal year {self.fiscal_year} BE, {part}"
        part = "รอบ ๖ เดือน" if self.kind == "h1" else "รอบ ๑๒ เดือน"
        return digits(f"ปีงบประมาณ พ.ศ. {self.fiscal_year} {part}", digit_style)

    @classmethod
    def parse(cls, kind: str, fiscal_year: int) -> FiscalRound:
        if kind not in ("h1", "annual"):
            raise ValueError(f"round must be h1 or annual, not {kind!r}")
        return cls(fiscal_year, kind)  # type: ignore[arg-type]


def round_to_report(today: dt.date, grace_days: int = 30) -> FiscalRound:
    """The round whose report is being drafted on `today`: the one that closed most recently,
    while within the grace period after it closed; otherwise the round in progress."""
    fy = fiscal_year_of(today)
    last_annual = FiscalRound(fy - 1, "annual")
    h1 = FiscalRound(fy, "h1")
    if today <= h1.end:
        if (today - last_annual.end).days <= grace_days:
            return last_annual
        return h1
    if (today - h1.end).days <= grace_days:
        return h1
    return FiscalRound(fy, "annual")


def latest_round(kind: str, today: dt.date, grace_days: int = 30) -> FiscalRound:
    """The round of `kind` a coordinator means by --round alone: the most recent one that has
    closed (its last day is past), whose report is the one being prepared or already sent.
    Never the round of that kind still running: in December the annual round is the year that
    ended on 30 September, not the one begun on 1 October with no data yet. The scheduled run's
    round (round_to_report) agrees whenever it is of that kind and closed, i.e. within the
    grace days after its end; the scheduled run's draft of a round still running is what the
    commands give without --round."""
    due = round_to_report(today, grace_days)
    if due.kind == kind and due.end < today:
        return due
    round = FiscalRound.parse(kind, fiscal_year_of(today))
    while round.end >= today:
        round = round.same_round_last_year()
    return round
