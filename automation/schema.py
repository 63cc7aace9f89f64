"""The sheet layouts, as data.

Every other module asks this one which sheets exist, what their columns are called in Thai
and English, what type each holds and which values a choice column allows. Nothing else
knows a column letter: columns are found by header, whatever order staff put them in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

# The vocabulary is re-exported: the schema speaks it.
from automation.vocabulary import (
    CADENCE,
    CATEGORIES,
    CHANNELS,
    COMPLAINT_STATUS,
    GENDERS,
    SEVERITIES,
    STEP_STATUS,
    Choice,
)

if TYPE_CHECKING:
    from automation.settings import Settings


ColumnType = Literal["text", "int", "date", "datetime", "url", "choice", "likert"]

# Who writes a column: staff type it, the plan importer fills it, citizens answer it through
# the form, or the service owns it. The service writes only "plan" and "service" columns.
Owner = Literal["staff", "plan", "citizen", "service"]


@dataclass(frozen=True)
class Column:
    key: str
    th: str
    en: str
    type: ColumnType = "text"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    owner: Owner = "staff"
    private: bool = False
    width: int = 18

    def header(self, lang: str = "th") -> str:
        return self.en if lang == "en" else self.th

    def choice_for(self, value: str) -> Choice | None:
        """The choice a typed value means exactly (label, English label, key or alias); Thai
        and Arabic digits are the same digits ("รอบ 6 เดือน…" is "รอบ ๖ เดือน…")."""
        return self._choice_index.get(normalize_header(value).translate(_ARABIC_DIGITS))

    @functools.cached_property
    def _choice_index(self) -> dict[str, Choice]:
        """Every normalised name of every choice, the first choice winning a shared name; built
        once per column, because validation and scoring ask about every cell (100,000s of rows)."""
        index: dict[str, Choice] = {}
        for choice in self.choices:
            for name in (choice.th, choice.en, choice.key, *choice.aliases):
                index.setdefault(normalize_header(name).translate(_ARABIC_DIGITS), choice)
        return index


@dataclass(frozen=True)
class SheetSchema:
    key: str
    title: str
    title_en: str
    columns: tuple[Column, ...]
    # staff: people type it (validated, noted); service: the service rewrites it; form: a
    # Google Form writes it (read only, never validated or noted).
    owner: Literal["staff", "service", "form"] = "staff"
    id_column: str | None = None

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key} has no column {key!r}")

    def headers(self, lang: str = "th") -> list[str]:
        return [col.header(lang) for col in self.columns]


@dataclass(frozen=True)
class Schema:
    sheets: dict[str, SheetSchema]

    def __getitem__(self, key: str) -> SheetSchema:
        return self.sheets[key]

    @property
    def staff_sheets(self) -> list[SheetSchema]:
        return [s for s in self.sheets.values() if s.owner == "staff"]

    def as_dict(self) -> dict[str, Any]:
        return {
            key: {
                "title": sheet.title,
                "title_en": sheet.title_en,
                "owner": sheet.owner,
                "id_column": sheet.id_column,
                "columns": [
                    {
                        "key": c.key,
                        "header_th": c.th,
                        "header_en": c.en,
                        "type": c.type,
                        "required": c.required,
                        "owner": c.owner,
                        "private": c.private,
                        "allowed": [ch.th for ch in c.choices],
                        "allowed_keys": [ch.key for ch in c.choices],
                    }
                    for c in sheet.columns
                ],
            }
            for key, sheet in self.sheets.items()
        }


# Zero-width spaces and joiners, word joiner, BOM, soft hyphen, direction marks and embeddings:
# invisible on screen, pasted in from web pages, PDFs and chat apps.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def normalize_header(text: Any) -> str:
    """Compare headers as a person reads them: case, NBSP, zero-width and spacing ignored."""
    value = unicodedata.normalize("NFC", str(text if text is not None else ""))
    value = _INVISIBLE.sub("", value).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", value).strip().casefold()


def compact(text: Any) -> str:
    """Thai text with every space removed: PDF line wraps leave stray spaces inside words."""
    return re.sub(r"\s+", "", normalize_header(text))


def unit_choices(settings: Settings) -> tuple[Choice, ...]:
    return tuple(Choice(u.name, u.name, u.name, tuple(u.aliases)) for u in settings.units)


def measures_sheet(settings: Settings) -> SheetSchema:
    units = unit_choices(settings)
    return SheetSchema(
        "measures",
        settings.sheets.measures,
        "Measures",
        (
            Column("row_id", "รหัสแถว", "Row ID", required=True, owner="plan", width=14),
            Column("fiscal_year", "ปีงบประมาณ", "Fiscal year", "int", True, owner="plan", width=10),
            Column("measure_no", "มาตรการที่", "Measure no.", "int", True, owner="plan", width=10),
            Column("measure", "มาตรการ", "Measure", required=True, owner="plan", width=50),
            Column("step_no", "ขั้นตอนที่", "Step no.", "int", True, owner="plan", width=10),
            Column("step", "ขั้นตอนหรือวิธีการ", "Step", required=True, owner="plan", width=50),
            Column("unit", "ผู้รับผิดชอบ", "Responsible unit", "choice", True, units, "plan", width=24),
            Column("cadence", "การกำกับติดตาม", "Monitoring", "choice", True, CADENCE, "plan", width=24),
            Column("due_date", "กำหนดแล้วเสร็จ", "Due date", "date"),
            Column("status", "สถานะ", "Status", "choice", True, STEP_STATUS, width=20),
            Column("done_date", "วันที่ดำเนินการแล้วเสร็จ", "Done date", "date"),
            Column("evidence_url", "ลิงก์หลักฐาน", "Evidence link", "url", width=30),
            Column("result", "ผลการดำเนินการ", "Result", width=40),
            Column("note", "หมายเหตุ", "Note", width=24),
        ),
        id_column="row_id",
    )


def complaints_sheet(settings: Settings) -> SheetSchema:
    units = unit_choices(settings)
    return SheetSchema(
        "complaints",
        settings.sheets.complaints,
        "Complaints",
        (
            Column("complaint_id", "เลขที่รับเรื่อง", "Complaint ID", required=True, width=14),
            Column("received_date", "วันที่รับเรื่อง", "Received", "date", True),
            Column("channel", "ช่องทาง", "Channel", "choice", True, CHANNELS, width=20),
            Column("complainant", "ชื่อผู้ร้องเรียน", "Complainant", private=True, width=22),
            Column("contact", "ข้อมูลติดต่อ", "Contact", private=True, width=22),
            Column("subject", "เรื่องที่ร้องเรียน", "Subject", required=True, width=44),
            Column("category", "ประเภทเรื่อง", "Category", "choice", True, CATEGORIES, width=30),
            Column("unit", "หน่วยงานที่รับผิดชอบ", "Responsible unit", "choice", True, units, width=24),
            Column("status", "สถานะ", "Status", "choice", True, COMPLAINT_STATUS, width=18),
            Column("ack_date", "วันที่แจ้งรับเรื่อง", "Acknowledged", "date"),
            Column("closed_date", "วันที่ยุติเรื่อง", "Closed", "date"),
            Column("outcome", "ผลการดำเนินการ", "Outcome", width=40),
            # Filled by the complaint-form intake on the rows it adds; blank on typed rows.
            Column("routing", "การส่งต่อ", "Routing", owner="service", width=22),
            Column("form_key", "รหัสแบบฟอร์ม", "Form response", owner="service", width=26),
        ),
        id_column="complaint_id",
    )


COORDINATOR_ONLY = Choice("coordinator_only", "ผู้ประสานงานเท่านั้น", "Coordinator only")


def complaint_form_sheet(settings: Settings, key: str = "complaint_form") -> SheetSchema:
    """A complaint form's responses sheet, as the form writes it: timestamp first, then the
    columns `[complaint_form]` names. The corruption form (`key="corruption_form"`) asks the
    same questions."""
    form = settings.complaint_form
    units = unit_choices(settings)
    ts = form.timestamp_headers
    cols: list[Column] = [Column("timestamp", ts[0], ts[-1], "datetime", True, owner="citizen", width=20)]
    optional = (
        ("name", form.name_column, "Name", "text", (), True),
        ("email", form.email_column, "E-mail", "text", (), True),
        ("phone", form.phone_column, "Phone", "text", (), True),
        ("channel", form.channel_column, "Channel", "choice", CHANNELS, False),
        ("category", form.category_column, "Category", "choice", CATEGORIES, False),
        ("unit", form.unit_column, "Unit concerned", "choice", units, False),
    )
    for col_key, header, en, kind, choices, private in optional:
        if header:
            cols.append(Column(col_key, header, en, kind, False, choices, "citizen", private, width=24))  # type: ignore[arg-type]
    cols.append(Column("subject", form.subject_column, "Subject", required=True, owner="citizen", width=44))
    if form.details_column:
        cols.append(Column("details", form.details_column, "Details", owner="citizen", private=True, width=50))
    if form.consent_column:
        cols.append(Column("consent", form.consent_column, "Consent", owner="citizen", width=30))
    title = settings.sheets.corruption_form if key == "corruption_form" else settings.sheets.complaint_form
    en = "Corruption form responses" if key == "corruption_form" else "Complaint form responses"
    return SheetSchema(key, title, en, tuple(cols), owner="form")


def responses_sheet(settings: Settings) -> SheetSchema:
    """The form's own layout: timestamp first, then the columns config names."""
    survey = settings.survey
    points = tuple(
        Choice(p.key, p.form_value or p.name, p.form_value or p.name) for p in survey.service_points
    )
    ts = survey.timestamp_headers
    cols: list[Column] = [
        Column("timestamp", ts[0], ts[-1], "datetime", True, owner="citizen", width=20)
    ]
    if survey.service_point_column:
        kind = "choice" if points else "text"
        cols.append(
            Column("service_point", survey.service_point_column, "Service point", kind,
                   bool(points), points, "citizen", width=24)
        )
    if survey.gender_column:
        cols.append(Column("gender", survey.gender_column, "Gender", "choice", False, GENDERS,
                           "citizen", width=10))
    if survey.age_column:
        cols.append(Column("age", survey.age_column, "Age", owner="citizen", width=12))
    for q in survey.questions:
        cols.append(Column(q.key, q.column, q.key, "likert", owner="citizen", width=16))
    if survey.comment_column:
        cols.append(Column("comment", survey.comment_column, "Comment", owner="citizen", width=40))
    return SheetSchema("responses", settings.sheets.responses, "Form Responses 1", tuple(cols))


FINDING_COLUMNS = (
    Column("severity", "ระดับ", "Severity", "choice", True, SEVERITIES, "service", width=12),
    Column("sheet", "ชีต", "Sheet", owner="service", width=16),
    Column("row", "แถว", "Row", "int", owner="service", width=8),
    Column("row_id", "รหัสรายการ", "Row ID", owner="service", width=14),
    Column("column", "คอลัมน์", "Column", owner="service", width=20),
    Column("value", "ค่าที่พบ", "Value", owner="service", width=24),
    Column("rule", "รหัสกฎ", "Rule", owner="service", width=16),
    Column("message", "ปัญหาที่พบ", "Problem", owner="service", width=50),
    Column("suggestion", "วิธีแก้ไข", "How to fix", owner="service", width=40),
    Column("unit", "หน่วยงาน", "Unit", owner="service", width=20),
    Column("first_seen", "พบครั้งแรก", "First seen", "date", owner="service", width=12),
    Column("last_seen", "พบล่าสุด", "Last seen", "date", owner="service", width=12),
)


def findings_sheet(settings: Settings) -> SheetSchema:
    return SheetSchema("findings", settings.sheets.findings, "Findings", FINDING_COLUMNS, "service")


SUMMARY_COLUMNS = (
    Column("topic", "หัวข้อ", "Topic", owner="service", width=40),
    Column("item", "รายการ", "Item", owner="service", width=36),
    Column("value", "ค่า", "Value", owner="service", width=12),
    Column("note", "หมายเหตุ", "Note", owner="service", width=50),
)


def summary_sheet(settings: Settings) -> SheetSchema:
    return SheetSchema("summary", settings.sheets.summary, "Summary", SUMMARY_COLUMNS, "service")


def build_schema(settings: Settings) -> Schema:
    sheets = [
        measures_sheet(settings),
        complaints_sheet(settings),
        responses_sheet(settings),
        findings_sheet(settings),
        summary_sheet(settings),
    ]
    for key in ("complaint_form", "corruption_form"):
        if getattr(settings.sheets, key):
            sheets.append(complaint_form_sheet(settings, key))
    return Schema({s.key: s for s in sheets})


@dataclass
class HeaderMatch:
    """Where each schema column sits in a sheet's header row (0-based), and what is off."""

    positions: dict[str, int] = field(default_factory=dict)
    missing: list[Column] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    # Columns found under a header that differs from every name of the column only by
    # spacing, case or invisible marks: key -> the header as typed (a warning says so).
    variants: dict[str, str] = field(default_factory=dict)


def match_headers(sheet: SheetSchema, header_row: list[Any]) -> HeaderMatch:
    """Find each column by its Thai header, English header or key, in any order."""
    found: dict[str, int] = {}
    # A space typed or pasted inside a header ("วันที่ รับเรื่อง", an NBSP from a web page) is
    # still the same header: Thai headers have no meaningful inner spaces, so spaces are
    # dropped on a second look. Exact matches are tried first so that no column takes a
    # header another column names exactly.
    spaceless: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        name = normalize_header(cell)
        if not name:
            continue
        found.setdefault(name, index)
        spaceless.setdefault(name.replace(" ", ""), index)
    match = HeaderMatch()
    used: set[int] = set()
    pending: list[Column] = []
    for col in sheet.columns:
        if not _take(col, found, used, match, spaced=True):
            pending.append(col)
    for col in pending:
        if not _take(col, spaceless, used, match, spaced=False):
            match.missing.append(col)
    match.unknown = [
        str(cell) for i, cell in enumerate(header_row) if i not in used and normalize_header(cell)
    ]
    for col in sheet.columns:
        index = match.positions.get(col.key)
        if index is not None:
            typed = str(header_row[index])
            if typed not in (col.th, col.en, col.key) and unicodedata.normalize("NFC", typed) not in (col.th, col.en):
                match.variants[col.key] = typed
    return match


def _take(col: Column, names: dict[str, int], used: set[int], match: HeaderMatch, spaced: bool) -> bool:
    for name in (col.th, col.en, col.key):
        wanted = normalize_header(name) if spaced else normalize_header(name).replace(" ", "")
        index = names.get(wanted)
        if index is not None and index not in used:
            match.positions[col.key] = index
            used.add(index)
            return True
    return False
