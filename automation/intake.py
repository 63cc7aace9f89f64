"""Complaints from a Google Form into the complaints register.

`take_in` is a pure function of the run's typed tables: every response of the complaint form
(and of the separate corruption form, if the office has one) that is not in the register yet
becomes one register row, in the register's own column order:

    เลขที่รับเรื่อง   the office's format (`[complaint_form] id_format`), numbered on from the
                     register's highest number of the response's fiscal year
    วันที่รับเรื่อง    the form's timestamp
    ช่องทาง          the form's answer, else `default_channel` (เว็บไซต์)
    เรื่องที่ร้องเรียน / ประเภทเรื่อง   from the form (the corruption form: always การทุจริตฯ)
    หน่วยงานที่รับผิดชอบ   the unit the form names; a corruption complaint: the coordinator's unit
    สถานะ            รับเรื่องแล้ว
    การส่งต่อ         ผู้ประสานงานเท่านั้น for a corruption complaint (never in a unit's digest)
    รหัสแบบฟอร์ม      the response's key: its timestamp and a hash of its answers

The key column is what makes intake idempotent by construction: a response is "in" when a
register row carries its key (or the state remembers appending it, so a row staff deleted
stays deleted). The complainant's name, e-mail, phone and details stay in the form's sheet:
nothing of them is copied into the register.

The service owns only the rows it appended, and only while nobody has changed them: it
fills the acknowledgement date of such a row once the acknowledgement e-mail was accepted by
the SMTP server, and never writes a row a person has edited (or typed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from automation.cells import is_blank, parse_cell
from automation.findings import Finding, Rule
from automation.schema import COORDINATOR_ONLY, Column, normalize_header
from automation.settings import Settings
from automation.tables import ROW, SheetTable
from automation.thaidate import fiscal_year_of, to_arabic_digits
from automation.vocabulary import CATEGORIES, CHANNELS, COMPLAINT_STATUS, Choice
from automation.workbook import CellWrite

FORMS = ("complaint_form", "corruption_form")
CORRUPTION = "corruption"
RECEIVED = next(c for c in COMPLAINT_STATUS if c.key == "received")
GENERAL = next(c for c in CATEGORIES if c.key == "general")


# ---------------------------------------------------------------- findings


class ResponseUnreadable(Rule):
    id = "form-response-unreadable"
    severity = "warning"
    title = {"th": "รับคำร้องจากแบบฟอร์มไม่ได้", "en": "Form response not taken in"}
    template = {
        "th": "ชีต '{sheet}' แถว {row}: {why} จึงยังไม่ได้รับเข้าทะเบียนเรื่องร้องเรียน",
        "en": "Sheet '{sheet}' row {row}: {why}, so it is not in the complaints register yet",
    }
    fix = {
        "th": "ตรวจสอบแถวนี้ในชีตคำตอบของแบบฟอร์ม แล้วกรอกเรื่องร้องเรียนลงทะเบียนเองหากเป็นเรื่องจริง",
        "en": "Check this row of the form's sheet and enter the complaint by hand if it is genuine",
    }


class ServiceColumnAdded(Rule):
    id = "register-column-added"
    severity = "info"
    title = {"th": "เพิ่มคอลัมน์ของระบบในทะเบียน", "en": "Service column added to the register"}
    template = {
        "th": "เพิ่มคอลัมน์ '{column}' ในชีต '{sheet}' เพื่อรับเรื่องจากแบบฟอร์ม เริ่มรับเรื่องในรอบถัดไป",
        "en": "Added the column '{column}' to '{sheet}' for the form intake; intake starts with the next run",
    }
    fix = {
        "th": "ไม่ต้องแก้ไข และอย่าแก้ไขค่าในคอลัมน์นี้",
        "en": "Nothing to do; do not edit this column",
    }


# ---------------------------------------------------------------- what a response is


@dataclass(frozen=True)
class Response:
    form: str  # complaint_form | corruption_form
    sheet: str
    row: int
    key: str  # "2024-04-19T14:05:31#a1b2c3d4": what the register's form_key column holds
    received: dt.datetime
    channel: Choice
    category: Choice
    subject: str
    unit: str
    name: str
    email: str
    consent: bool

    @property
    def corruption(self) -> bool:
        return self.category.key == CORRUPTION


@dataclass(frozen=True)
class NewComplaint:
    complaint_id: str
    response: Response


@dataclass(frozen=True)
class ServiceRow:
    """A register row that carries a form key, as it stands now."""

    row: int
    key: str
    complaint_id: str
    ack_blank: bool
    untouched: bool  # exactly what the service appended (ack date aside)
    response: Response | None  # None when the response is no longer in the form's sheet


@dataclass
class Intake:
    rows: list[list[Any]] = field(default_factory=list)  # register rows to append
    added: list[NewComplaint] = field(default_factory=list)
    cells: list[CellWrite] = field(default_factory=list)  # service headers, acknowledgement dates
    findings: list[Finding] = field(default_factory=list)
    service_rows: list[ServiceRow] = field(default_factory=list)
    first_row: int = 2  # the sheet row the first appended row is expected on

    def as_json(self) -> dict[str, Any]:
        return {"added": len(self.added), "ids": [c.complaint_id for c in self.added],
                "corruption": sum(c.response.corruption for c in self.added),
                "ack_dates": sum(1 for c in self.cells if c.row > 1)}


def configured(settings: Settings) -> bool:
    return bool(settings.sheets.complaint_form or settings.sheets.corruption_form)


def _text(value: Any) -> str:
    """A cell as plain text, the same from both backends (12.0 and 12 alike)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _to_second(moment: dt.datetime) -> dt.datetime:
    """Serials read back from Sheets carry float noise: the nearest whole second."""
    return (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def response_key(form: str, received: dt.datetime, record: dict[str, Any], columns: list[Column]) -> str:
    answers = "\x1f".join(_text(record.get(c.key)) for c in columns if c.key != "timestamp")
    digest = hashlib.sha256(f"{form}\x1e{answers}".encode()).hexdigest()[:10]
    return f"{_to_second(received).isoformat()}#{digest}"


def _consented(settings: Settings, value: Any) -> bool:
    answer = normalize_header(value)
    return bool(answer) and any(answer.startswith(normalize_header(a)) for a in settings.complaint_form.consent_answers)


def _choice(column: Column | None, value: Any, fallback: Choice) -> Choice:
    if column is None or is_blank(value):
        return fallback
    parsed = parse_cell(column, value)
    found = next((c for c in column.choices if c.key == parsed.value), None)
    return found or column.choice_for(str(value)) or fallback


def coordinator_unit(settings: Settings) -> str:
    """The unit a corruption complaint is registered under: the coordinator's."""
    wanted = normalize_header(settings.office.coordinator_unit)
    for unit in settings.units:
        if wanted and wanted in {normalize_header(n) for n in (unit.name, *unit.aliases)}:
            return unit.name
    return settings.units[0].name if settings.units else settings.office.coordinator_unit


def read_responses(settings: Settings, table: SheetTable, lang: str = "th") -> tuple[list[Response], list[Finding]]:
    """The form's rows as responses; a row that cannot be taken in is a finding instead."""
    if not table.present:
        return [], []
    layout = table.layout
    cols = {c.key: c for c in layout.columns}
    default_channel = next(c for c in CHANNELS if settings.complaint_form.default_channel in (c.key, c.th, c.en, *c.aliases))
    corruption = table.layout.key == "corruption_form" or None
    responses: list[Response] = []
    findings: list[Finding] = []
    for record in table.records():
        row = int(record[ROW])
        stamp = parse_cell(cols["timestamp"], record.get("timestamp"))
        subject = _text(record.get("subject"))
        why = None
        if not isinstance(stamp.value, dt.datetime):
            why = {"th": "อ่านวันเวลาที่ส่งแบบฟอร์มไม่ได้", "en": "its timestamp cannot be read"}
        elif not subject:
            why = {"th": "ไม่มีเรื่องที่ร้องเรียน", "en": "it has no subject"}
        if why is not None:
            findings.append(ResponseUnreadable.make(
                sheet=layout.title, row=row, lang=lang, sheet_key=layout.key,
                column=cols["timestamp"].header(lang), value=record.get("timestamp"),
                why=why["en" if lang == "en" else "th"]))
            continue
        category = _choice(cols.get("category"), record.get("category"), GENERAL)
        if corruption:
            category = next(c for c in CATEGORIES if c.key == CORRUPTION)
        unit_choice = _choice(cols.get("unit"), record.get("unit"), Choice("", "", ""))
        responses.append(Response(
            form=layout.key, sheet=layout.title, row=row,
            key=response_key(layout.key, stamp.value, record, list(layout.columns)),
            received=_to_second(stamp.value),
            channel=_choice(cols.get("channel"), record.get("channel"), default_channel),
            category=category,
            subject=subject,
            unit=coordinator_unit(settings) if category.key == CORRUPTION or not unit_choice.key else unit_choice.th,
            name=_text(record.get("name")),
            email=_text(record.get("email")),
            consent=_consented(settings, record.get("consent")) if "consent" in cols else False,
        ))
    return responses, findings


# ---------------------------------------------------------------- the register's ids


def _id_pattern(id_format: str, fiscal_year: int) -> re.Pattern[str]:
    """A regex for ids of one fiscal year in the office's format, capturing n."""
    parts = []
    for literal, name, spec, _conv in string.Formatter().parse(id_format):
        parts.append(re.escape(re.sub(r"\s+", "", literal)))
        if name == "n":
            parts.append(r"(?P<n>\d+)")
        elif name == "fiscal_year":
            parts.append(re.escape(format(fiscal_year, spec or "")))
        elif name == "yy":
            parts.append(re.escape(format(fiscal_year % 100, spec or "")))
    return re.compile("".join(parts))


def _plain_id(value: Any) -> str:
    return re.sub(r"\s+", "", to_arabic_digits(_text(value)))


def make_id(settings: Settings, fiscal_year: int, n: int) -> str:
    return settings.complaint_form.id_format.format(n=n, fiscal_year=fiscal_year, yy=fiscal_year % 100)


def highest_numbers(settings: Settings, ids: list[Any], fiscal_years: set[int]) -> dict[int, int]:
    """The highest n in the register per fiscal year (0 when none), whoever typed the id."""
    out = {}
    for fy in fiscal_years:
        pattern = _id_pattern(settings.complaint_form.id_format, fy)
        found = [int(m["n"]) for v in ids if (m := pattern.fullmatch(_plain_id(v)))]
        out[fy] = max(found, default=0)
    return out


# ---------------------------------------------------------------- the register's rows


def register_values(response: Response, complaint_id: str) -> dict[str, Any]:
    """The register row the service writes for a response, by column key."""
    return {
        "complaint_id": complaint_id,
        "received_date": response.received,
        "channel": response.channel.th,
        "subject": response.subject,
        "category": response.category.th,
        "unit": response.unit,
        "status": RECEIVED.th,
        "routing": COORDINATOR_ONLY.th if response.corruption else None,
        "form_key": response.key,
    }


def _same(now: Any, wrote: Any) -> bool:
    if isinstance(wrote, dt.datetime):
        try:
            return isinstance(now, dt.datetime) and _to_second(now) == wrote
        except (TypeError, ValueError):
            return False
    return _text(now) == _text(wrote)


def untouched(record: dict[str, Any], response: Response, keys: list[str]) -> bool:
    """Does the row hold exactly what the service appended (its acknowledgement date aside)?"""
    wrote = register_values(response, _text(record.get("complaint_id")))
    return all(_same(record.get(k), wrote.get(k)) for k in keys if k != "ack_date")


def take_in(
    settings: Settings,
    register: SheetTable,
    forms: list[SheetTable],
    *,
    known: set[str] = frozenset(),  # type: ignore[assignment]
    acknowledged: dict[str, dt.date] | None = None,
    lang: str = "th",
) -> Intake:
    """The rows to append for new responses, and the acknowledgement dates now known.

    `known`: keys the state remembers appending (a row staff deleted stays deleted);
    `acknowledged`: key -> the day its acknowledgement e-mail was accepted by the server.
    """
    result = Intake()
    responses: list[Response] = []
    for table in forms:
        got, findings = read_responses(settings, table, lang)
        responses += got
        result.findings += findings
    if not register.present:
        return result  # validation reports the missing sheet
    if not any(table.present for table in forms):
        return result  # no form tab yet: the register is left exactly as it is
    positions = register.match.positions
    missing = [c for c in register.layout.columns if c.owner == "service" and c.key not in positions]
    if missing:
        # The service's own columns go right of the last header; rows follow on the next run,
        # once a read can see the key column (no row is ever appended without its key).
        last = max((i for i, v in enumerate(register.header) if not is_blank(v)), default=-1)
        for offset, col in enumerate(missing, start=2):
            result.cells.append(CellWrite(register.title, 1, last + offset, col.header(lang)))
            result.findings.append(ServiceColumnAdded.make(
                sheet=register.title, row=1, column=col.header(lang), lang=lang, sheet_key="complaints",
                column_key=col.key))
        return result
    by_key = {r.key: r for r in responses}
    records = register.records()
    keys = [c.key for c in register.layout.columns]
    in_register = set()
    acknowledged = acknowledged or {}
    for record in records:
        key = _text(record.get("form_key"))
        if not key:
            continue
        in_register.add(key)
        response = by_key.get(key)
        row = ServiceRow(int(record[ROW]), key, _text(record.get("complaint_id")), is_blank(record.get("ack_date")),
                         response is not None and untouched(record, response, keys), response)
        result.service_rows.append(row)
        if row.untouched and row.ack_blank and key in acknowledged:
            result.cells.append(CellWrite(register.title, row.row, positions["ack_date"] + 1, acknowledged[key]))
    since = settings.complaint_form.since
    new = sorted((r for r in responses if r.key not in in_register and r.key not in known
                  and (since is None or r.received.date() >= since)),
                 key=lambda r: (r.received, r.form, r.row))
    if not new:
        return result
    numbers = highest_numbers(settings, [r.get("complaint_id") for r in records],
                              {fiscal_year_of(r.received.date()) for r in new})
    width = max(positions.values()) + 1
    for response in dict((r.key, r) for r in new).values():  # the same answers sent twice in a second: once
        fy = fiscal_year_of(response.received.date())
        numbers[fy] += 1
        complaint_id = make_id(settings, fy, numbers[fy])
        row: list[Any] = [None] * width
        for key, value in register_values(response, complaint_id).items():
            row[positions[key]] = value
        result.rows.append(row)
        result.added.append(NewComplaint(complaint_id, response))
    result.first_row = max((int(r[ROW]) for r in records), default=1) + 1
    return result


def with_appended(register: SheetTable, intake: Intake) -> SheetTable:
    """The register as it reads once the new rows are in, so this run's deadlines, statistics
    and reports already count them."""
    if not intake.rows:
        return register
    import pandas as pd

    from automation.tables import to_table

    extra = to_table(register.layout, [list(register.header), *intake.rows]).frame
    extra[ROW] = [intake.first_row + i for i in range(len(extra))]
    frame = pd.concat([register.frame, extra], ignore_index=True) if len(register.frame) else extra
    return SheetTable(register.layout, True, register.header, register.match, frame)


def coordinator_only_rows(register: SheetTable) -> set[int]:
    """Sheet rows of complaints only the coordinator may be told about: a corruption category
    (typed by staff or taken in from a form) or the intake's coordinator-only mark."""
    if not register.present or not len(register.frame):
        return set()
    category = register.layout.column("category")
    routing = register.layout.column("routing") if "routing" in register.match.positions else None
    rows = set()
    for record in register.records():
        value = record.get("category")
        corrupt = not is_blank(value) and parse_cell(category, value).value == CORRUPTION
        marked = routing is not None and not is_blank(record.get("routing")) and \
            normalize_header(record.get("routing")) in {normalize_header(n) for n in
                                                        (COORDINATOR_ONLY.th, COORDINATOR_ONLY.en)}
        if corrupt or marked:
            rows.add(int(record[ROW]))
    return rows
