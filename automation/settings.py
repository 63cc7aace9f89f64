"""Typed settings loaded from `config/settings.toml`.

Every mistake in the file becomes one `ConfigError` line naming the file, the key as the
file writes it, the value as typed and what is valid (Thai first, a short English gloss: see
automation/settings_messages.py); the CLI prints it and exits 2.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo

from automation import settings_messages as words
from automation.settings_messages import Expected

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "settings.toml"
# The only workbook the service builds by itself (from the demo generator) when it is missing.
EMBEDDED_DEMO_WORKBOOK = (PROJECT_ROOT / "data" / "demo.xlsx").resolve()


# docs.google.com/spreadsheets/d/<ID>/edit#gid=0 (also /u/1/d/<ID>, and the emulator's URLs)
SPREADSHEET_URL = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]{10,})")


class ConfigError(Exception):
    """A configuration or credential problem, phrased as one line a person can act on."""


class _Section(BaseModel):
    # A misspelt key must be an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid")


class Office(_Section):
    name: str
    name_en: str = ""
    short_name: str = ""
    district: str = ""
    province: str = ""
    executive_title: str = "นายกองค์การบริหารส่วนตำบล"
    signer_name: str = ""
    signer_position: str = ""
    coordinator_unit: str = ""


class Run(_Section):
    language: Literal["th", "en"] = "th"
    digits: Literal["thai", "arabic"] = "thai"
    timezone: str = "Asia/Bangkok"
    today: dt.date | None = None  # pin "today" for tests and re-runs of a past day
    output_dir: Path = Path("../output")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise Expected("ต้องเป็นชื่อเขตเวลาแบบสากล", "a time zone name such as Asia/Bangkok",
                           '"Asia/Bangkok"') from None
        return value


class WorkbookSettings(_Section):
    backend: Literal["xlsx", "gsheets"] = "xlsx"
    path: Path = Path("../data/demo.xlsx")


class SheetTitles(_Section):
    measures: str = "มาตรการ"
    complaints: str = "เรื่องร้องเรียน"
    responses: str = "การตอบแบบฟอร์ม 1"
    findings: str = "ผลการตรวจสอบ"
    summary: str = "ภาพรวม"
    # The complaint Google Form's responses sheet, and the corruption form's (empty: none).
    complaint_form: str = ""
    corruption_form: str = ""


class GSheets(_Section):
    spreadsheet_id: str = ""
    credentials_file: Path | None = None
    credentials_env: str = "GOOGLE_SERVICE_ACCOUNT_JSON"
    api_base_url: str = ""  # empty: Google itself; a loopback URL: the bundled emulator
    max_attempts: StrictInt = Field(5, ge=1, le=20)
    deadline_seconds: float = Field(120, gt=0)
    timeout_seconds: float = Field(30, gt=0)
    # Reads and writes each, per service account (Google allows 60 a minute per user); 0: no pacing.
    max_requests_per_minute: StrictInt = Field(60, ge=0)

    @field_validator("api_base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """Checked here, not as an InvalidSchema half-way through a run."""
        from urllib.parse import urlsplit

        text = value.strip()
        if not text:
            return text
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Expected("ต้องเว้นว่างไว้ (ใช้ Google โดยตรง) หรือเป็นที่อยู่เว็บที่ขึ้นต้นด้วย http:// "
                           "หรือ https:// ถ้าใช้ตัวจำลองที่มากับระบบ",
                           "empty, or an address starting with http:// or https://",
                           '"http://127.0.0.1:8765"')
        return text

    @field_validator("spreadsheet_id")
    @classmethod
    def _bare_id(cls, value: str) -> str:
        """A whole Sheets URL pasted in (the commonest slip): the id is the part after /d/."""
        text = value.strip()
        found = SPREADSHEET_URL.search(text)
        if found:
            logging.getLogger("automation.settings").warning(
                "[gsheets] spreadsheet_id is a whole address; using the id in it, %s "
                "(put only that part in the settings)", found.group(1))
            return found.group(1)
        if "/" in text or " " in text:
            raise Expected("ต้องเป็นรหัสของชีตอย่างเดียว คือส่วนที่อยู่หลัง /d/ ในที่อยู่ของชีต "
                           "docs.google.com/spreadsheets/d/<ID>/edit",
                           "the id from the sheet's address")
        return text


class Unit(_Section):
    name: str
    aliases: list[str] = []
    email: str = ""
    line_to: str = ""  # a LINE user id (U…) or group id (C…): the unit's messages go there
    email_too: bool = True  # with line_to: the e-mail goes to `email` as well

    @field_validator("line_to")
    @classmethod
    def _line_target(cls, value: str) -> str:
        return _line_id(value)


_LINE_ID = re.compile(r"[UCR][0-9a-f]{32}")


def _line_id(value: str) -> str:
    value = value.strip()
    if value and not _LINE_ID.fullmatch(value):
        raise Expected("ต้องเป็นรหัสกลุ่ม LINE (C ตามด้วยเลขฐานสิบหก 32 ตัว) หรือรหัสผู้ใช้ (U…) "
                       "ตามที่บอตตอบเมื่อพิมพ์ id ในกลุ่ม หรือ \"\" ถ้าไม่ส่งทาง LINE",
                       "a LINE group id (C…) or user id (U…), or \"\"")
    return value


class ComplaintLimit(_Section):
    ack_days: StrictInt = Field(3, ge=0)
    close_days: StrictInt = Field(15, ge=1)
    basis: Literal["calendar", "working"] = "calendar"


class Deadlines(_Section):
    report_grace_days: StrictInt = Field(30, ge=0)
    due_soon_days: StrictInt = Field(14, ge=0)
    complaint_due_soon_days: StrictInt = Field(2, ge=0)  # complaints' limits are short: a smaller window
    office_days_off: list[dt.date] = []
    complaint_default: ComplaintLimit = ComplaintLimit()
    complaint_limits: dict[str, ComplaintLimit] = {}


class Question(_Section):
    key: str
    column: str
    aspect: str
    text: str = ""

    @property
    def label(self) -> str:
        """The question's wording: explicit text, else the `[Row]` of a grid column."""
        if self.text:
            return self.text
        if "[" in self.column and self.column.rstrip().endswith("]"):
            return self.column[self.column.index("[") + 1 : self.column.rstrip().rindex("]")]
        return self.column


class ServicePoint(_Section):
    key: str
    name: str
    form_value: str = ""  # what the form stores; defaults to the name


class Survey(_Section):
    timestamp_headers: list[str] = ["ประทับเวลา", "Timestamp"]
    service_point_column: str = ""
    gender_column: str = ""
    age_column: str = ""
    comment_column: str = ""
    questions: list[Question]
    aspects: dict[str, str]
    service_points: list[ServicePoint] = []
    bands: list[float] = [4.21, 3.41, 2.61, 1.81]
    min_n: StrictInt = Field(30, ge=1)
    form_url_template: str = ""
    # The form's short link (Google Forms: Send → link → Shorten URL, https://forms.gle/…),
    # printed under each poster's QR code for people who cannot scan; empty: the form's address.
    form_short_url: str = ""

    @field_validator("bands")
    @classmethod
    def _descending(cls, value: list[float]) -> list[float]:
        if len(value) != 4 or sorted(value, reverse=True) != value:
            raise Expected("ต้องเป็นเกณฑ์ 4 ค่า เรียงจากมากไปน้อย", "four descending cut points",
                           "[4.21, 3.41, 2.61, 1.81]")
        return value


class ComplaintForm(_Section):
    """The complaint form(s): which column is which question, and how the register row looks.

    Both forms (the general one and the separate corruption one) have the same questions;
    every answer of the corruption form is a corruption complaint whatever its category."""

    # The register's id for a new complaint: n numbers complaints within a fiscal year;
    # fiscal_year is the BE year (2567), yy its last two digits (67).
    id_format: str = "ร.{n:03d}/{fiscal_year}"
    # Responses sent before this day are left to staff (an office that typed its earlier form
    # complaints by hand sets the day it starts the intake); none: every response.
    since: dt.date | None = None
    timestamp_headers: list[str] = ["ประทับเวลา", "Timestamp"]
    subject_column: str = "เรื่องที่ร้องเรียน"
    category_column: str = ""  # empty: every complaint is a general one (or a corruption one)
    channel_column: str = ""  # empty: every complaint came by default_channel
    default_channel: str = "เว็บไซต์"
    unit_column: str = ""  # the unit the complaint concerns; empty: the coordinator's unit
    details_column: str = ""  # stays in the form: the register holds the subject only
    name_column: str = ""
    email_column: str = ""
    phone_column: str = ""
    consent_column: str = ""  # no consent column: no acknowledgement is ever sent
    consent_answers: list[str] = ["ยินยอม", "ยอมรับ", "Yes", "I agree"]
    form_url: str = ""  # the form's link, for the complaint poster
    corruption_form_url: str = ""
    status_url: str = ""  # where citizens follow their case (the public page's address)
    # The public lookup lists corruption complaints (id and status only) when true.
    public_corruption_status: bool = False

    @field_validator("id_format")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if "{n" not in value:
            raise Expected("ต้องมี {n} (ลำดับที่ของเรื่อง) อยู่ในรูปแบบ", "a format holding {n}",
                           '"ร.{n:03d}/{fiscal_year}"')
        try:
            value.format(n=1, fiscal_year=2567, yy=67)
        except (KeyError, IndexError, ValueError):
            raise Expected("ใช้ได้เฉพาะ {n} (ลำดับที่) {fiscal_year} (ปีงบประมาณ พ.ศ.) และ {yy} "
                           "(ปีงบประมาณ 2 หลักท้าย)", "only {n}, {fiscal_year} and {yy}",
                           '"ร.{n:03d}/{fiscal_year}"') from None
        return value

    @field_validator("default_channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        from automation.vocabulary import CHANNELS

        names = {n for c in CHANNELS for n in (c.key, c.th, c.en, *c.aliases)}
        if value not in names:
            raise Expected(f"ต้องเป็นช่องทางหนึ่งในนี้ คือ {', '.join(c.th for c in CHANNELS)}",
                           "one of the channels", '"เว็บไซต์"')
        return value


class Privacy(_Section):
    private_columns: list[str] = ["complainant", "contact"]
    allow_private_in_email: bool = False
    # People whose names are masked in e-mail, LINE and the internal report even without a
    # title before them ("สมชาย ใจร้าย"): staff, executives, village heads.
    staff_names: list[str] = []
    max_text_chars: StrictInt = Field(300, ge=0)  # free text quoted in a report or message; 0: whole

    @field_validator("staff_names")
    @classmethod
    def _whole_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if len("".join(name.split())) < 4:
                raise Expected(f"ต้องเป็นชื่อคนยาว 4 ตัวอักษรขึ้นไป (\"{name}\" สั้นเกินไป "
                               "ปิดชื่อได้ไม่ปลอดภัย)", "names of 4 letters or more",
                               '["สมชาย ใจร้าย"]')
        return [" ".join(name.split()) for name in value]


class Report(_Section):
    font: str = "TH SarabunPSK"
    font_size: StrictInt = Field(16, ge=8, le=32)
    template_dir: Path = Path("../templates")
    page_numbers: Literal["top", "bottom", "none"] = "top"  # "- ๒ -", centred, none on the title page
    pdf: bool = False  # `report` also writes the PDF through LibreOffice (as --pdf does)


class Delivery(_Section):
    smtp_host: str = ""
    smtp_port: StrictInt = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: str = "SMTP_USERNAME"
    password_env: str = "SMTP_PASSWORD"
    sender: str = ""
    coordinator_email: str = ""
    max_attempts: StrictInt = Field(30, ge=1, le=1000)  # failed attempts (backing off to a day apart) before giving up
    timeout_seconds: float = Field(30, gt=0)


class Line(_Section):
    """LINE Messaging API delivery (an Official Account the office owns), beside e-mail."""

    api_base_url: str = "https://api.line.me"  # a loopback URL (http://127.0.0.1:…) for tests and trials
    access_token_env: str = "LINE_CHANNEL_ACCESS_TOKEN"  # the NAME of the variable, never the token
    channel_secret_env: str = "LINE_CHANNEL_SECRET"  # the NAME of the variable holding the secret
    coordinator_to: str = ""  # the coordinator's LINE user or group id
    coordinator_email_too: bool = True  # with coordinator_to: e-mail the coordinator as well
    webhook_host: str = "127.0.0.1"
    webhook_port: StrictInt = Field(8088, ge=1, le=65535)
    max_attempts: StrictInt = Field(12, ge=1, le=24)  # retries stay inside the retry key's 24 hours
    timeout_seconds: float = Field(30, gt=0)

    @field_validator("coordinator_to")
    @classmethod
    def _target(cls, value: str) -> str:
        return _line_id(value)

    @field_validator("access_token_env", "channel_secret_env")
    @classmethod
    def _env_name(cls, value: str, info: ValidationInfo) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            default = cls.model_fields[str(info.field_name)].default
            raise Expected("ต้องเป็นชื่อของตัวแปรสภาพแวดล้อม (environment variable) ส่วนตัวโทเคนหรือ"
                           "รหัสลับให้ใส่ไว้ในตัวแปรนั้น ไม่ใส่ในไฟล์นี้",
                           "the NAME of an environment variable, not the token", f'"{default}"',
                           secret=True)
        return value

    @field_validator("api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        url = urlsplit(value.strip())
        loopback = url.hostname in ("127.0.0.1", "localhost", "::1")
        if url.scheme not in ("http", "https") or not url.hostname or (url.scheme == "http" and not loopback):
            raise Expected("ต้องเป็น https://api.line.me หรือที่อยู่ http:// บน 127.0.0.1 สำหรับทดสอบ "
                           "(ระบบไม่ส่งโทเคนแบบไม่เข้ารหัสไปที่อื่น)",
                           "https://api.line.me, or http:// on 127.0.0.1", '"https://api.line.me"')
        return value.strip().rstrip("/")


class Schedule(_Section):
    check_time: str = "07:30"
    digest_day: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "monday"
    digest_time: str = "08:00"
    reminder_days_before: list[int] = [14, 3]
    skip_holidays: bool = True  # checks, report drafts and reminders only on Thai working days
    catch_up: bool = True  # after downtime, run each missed job once on start

    @field_validator("check_time", "digest_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        try:
            dt.time.fromisoformat(value)
        except ValueError:
            raise Expected("ต้องเป็นเวลาแบบ ชั่วโมง:นาที (นับแบบ 24 ชั่วโมง) ในเครื่องหมายคำพูด",
                           "a time of day as HH:MM", '"07:30"') from None
        return value


class State(_Section):
    path: Path = Path("../state/automation.sqlite")


class LogSettings(_Section):
    json_lines: bool = False  # JSON lines instead of readable lines (stderr and file)
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_bytes: StrictInt = Field(1_000_000, ge=10_000)  # the log file rotates at this size
    backup_count: StrictInt = Field(5, ge=0)


class Settings(_Section):
    office: Office
    run: Run = Run()
    workbook: WorkbookSettings = WorkbookSettings()
    sheets: SheetTitles = SheetTitles()
    gsheets: GSheets = GSheets()
    units: list[Unit]
    deadlines: Deadlines = Deadlines()
    survey: Survey
    complaint_form: ComplaintForm = ComplaintForm()
    privacy: Privacy = Privacy()
    report: Report = Report()
    delivery: Delivery = Delivery()
    line: Line = Line()
    schedule: Schedule = Schedule()
    state: State = State()
    logging: LogSettings = LogSettings()
    source: Path = DEFAULT_CONFIG  # the file these settings came from

    def resolve(self, path: Path) -> Path:
        """Relative paths in the file are relative to the file's own folder."""
        return path if path.is_absolute() else (self.source.parent / path).resolve()

    @property
    def workbook_path(self) -> Path:
        return self.resolve(self.workbook.path)

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.run.output_dir)

    @property
    def state_path(self) -> Path:
        return self.resolve(self.state.path)

    def today(self) -> dt.date:
        if self.run.today:
            return self.run.today
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(self.run.timezone)).date()

    def complaint_limit(self, category: str) -> ComplaintLimit:
        return self.deadlines.complaint_limits.get(category, self.deadlines.complaint_default)


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    for item in loc:
        try:
            data = data[item]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The settings section a location points into (for listing the keys it knows)."""
    kind: Any = Settings
    for item in loc:
        if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(item, str):
            field = kind.model_fields.get(item)
            if field is None:
                return None
            kind = field.annotation
        elif get_origin(kind) in (list, dict):
            kind = get_args(kind)[-1]  # a list position or a table's own key
        else:
            return None
        if get_origin(kind) in (Union, UnionType):
            kind = next((a for a in get_args(kind) if a is not type(None)), kind)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _field_at(loc: tuple[Any, ...]) -> FieldInfo | None:
    """The field a location names (or, for a list item, the list's field): its type, bounds and
    default say what is valid there."""
    last = max((i for i, item in enumerate(loc) if isinstance(item, str)), default=None)
    if last is None:
        return None
    model = _model_at(loc[:last])
    return model.model_fields.get(loc[last]) if model else None


def _unknown_key(source: Path, loc: tuple[Any, ...], data: dict[str, Any]) -> ConfigError:
    model = _model_at(loc[:-1])
    known = [k for k in (model.model_fields if model else {}) if k != "source"]
    return ConfigError(words.unknown(source, loc, _lookup(data, loc), known))


def load_settings(path: Path | str | None = None, **overrides: Any) -> Settings:
    """Read and check a settings file. `overrides` are dotted keys, e.g. run__today=date."""
    source = Path(path) if path else DEFAULT_CONFIG
    if not source.is_file():
        raise ConfigError(words.a_folder(source) if source.is_dir() else words.not_found(source))
    try:
        text = source.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(words.bad_toml(source, str(exc), text)) from None
    except UnicodeDecodeError:
        raise ConfigError(words.not_utf8(source)) from None
    except OSError as exc:
        raise ConfigError(words.unreadable(source, exc.strerror or str(exc))) from None
    for dotted, value in overrides.items():
        section, _, key = dotted.partition("__")
        table = data.setdefault(section, {})
        if not isinstance(table, dict):
            raise ConfigError(words.invalid(source, (section,), table, *words.expected(
                {"type": "model_type", "loc": (section,)}, table, None)[:2]))
        table[key] = value
    data["source"] = source.resolve()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also leaves the real one missing: naming the misspelling (with the
        # likely fix) helps more than naming the key that seems absent.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(err["loc"])
        if err["type"] == "missing":
            raise ConfigError(words.missing(source, loc, _field_at(loc))) from None
        if err["type"] == "extra_forbidden":
            raise _unknown_key(source, loc, data) from None
        value = _lookup(data, loc)
        th, en, example, secret = words.expected(err, value, _field_at(loc))
        raise ConfigError(words.invalid(source, loc, value, th, en, example, secret=secret)) from None
    _check_together(settings, source)
    _check_paths(settings, source, from_cli={k for k in overrides if k == "workbook__path"})
    return settings


def _check_together(settings: Settings, source: Path) -> None:
    """What one key cannot check alone: names that must refer to other keys, and keys that
    must be unique (a second question with the same key would silently replace the first)."""
    survey = settings.survey
    aspects = list(survey.aspects)
    first_key: dict[str, int] = {}
    first_column: dict[str, int] = {}
    for i, q in enumerate(survey.questions):
        where = ("survey", "questions", i)
        if q.aspect not in survey.aspects:
            raise ConfigError(words.not_one_of(source, (*where, "aspect"), q.aspect, aspects, "[survey.aspects]",
                                               "expected a [survey.aspects] key"))
        if q.key in first_key:
            raise ConfigError(words.duplicate(
                source, (*where, "key"), q.key, first_key[q.key],
                "คำถามแต่ละข้อต้องมี key ไม่ซ้ำกัน ให้เปลี่ยนเป็นชื่ออื่นที่ยังไม่มีข้อใดใช้", "duplicate key"))
        if q.column in first_column:
            raise ConfigError(words.duplicate(
                source, (*where, "column"), q.column, first_column[q.column],
                "คำถามแต่ละข้อต้องอ่านคนละคอลัมน์ ตรวจให้ตรงกับหัวคอลัมน์ในชีตคำตอบของฟอร์ม",
                "duplicate column"))
        first_key.setdefault(q.key, i + 1)
        first_column.setdefault(q.column, i + 1)
    first_name: dict[str, int] = {}
    for i, unit in enumerate(settings.units):
        if unit.name in first_name:
            raise ConfigError(words.duplicate(
                source, ("units", i, "name"), unit.name, first_name[unit.name],
                "แต่ละหน่วยงานต้องมีชื่อไม่ซ้ำกัน ชื่อเรียกอื่นของหน่วยงานเดียวกันให้ใส่ใน aliases ของชุดแรก",
                "duplicate unit name"))
        first_name[unit.name] = i + 1
    first_point: dict[str, int] = {}
    for i, point in enumerate(survey.service_points):
        if point.key in first_point:
            raise ConfigError(words.duplicate(
                source, ("survey", "service_points", i, "key"), point.key, first_point[point.key],
                "แต่ละจุดบริการต้องมี key ไม่ซ้ำกัน ให้เปลี่ยนเป็นชื่ออื่น", "duplicate key"))
        first_point[point.key] = i + 1
    from automation.vocabulary import CATEGORIES

    categories = [c.key for c in CATEGORIES]
    for name in settings.deadlines.complaint_limits:
        if name not in categories:
            raise ConfigError(words.unknown_category(
                source, ("deadlines", "complaint_limits", name), [(c.key, c.th) for c in CATEGORIES]))


def _check_paths(settings: Settings, source: Path, from_cli: set[str]) -> None:
    """A path that exists as the wrong kind of thing is a settings mistake, caught here
    rather than as an error half-way through a run."""
    def fail(loc: tuple[str, str], written: Path, resolved: Path, problem: str, th: str, example: str,
             en: str, tip: str = "") -> ConfigError:
        if loc == ("workbook", "path") and "workbook__path" in from_cli:
            return ConfigError(words.wrong_kind_option("--workbook", resolved, problem, th,
                                                       "data/office.xlsx", en, tip))
        return ConfigError(words.wrong_kind(source, loc, written, resolved, problem, th, example, en, tip))

    book = settings.workbook_path
    if settings.workbook.backend == "xlsx":
        written = settings.workbook.path
        if book.is_dir():
            raise fail(("workbook", "path"), written, book, "เป็นโฟลเดอร์ ไม่ใช่ไฟล์",
                       "ต้องเป็นไฟล์สมุดงาน .xlsx", '"../data/demo.xlsx"', "a folder, not an .xlsx file")
        if book.suffix.lower() not in (".xlsx", ".xlsm"):
            raise fail(("workbook", "path"), written, book, "ไม่ใช่ไฟล์ .xlsx",
                       "ต้องเป็นชื่อไฟล์ที่ลงท้ายด้วย .xlsx", '"../data/demo.xlsx"', "not an .xlsx file",
                       "ถ้าเป็นไฟล์ .xls หรือ .ods ให้เปิดแล้วบันทึกเป็น (Save As) ชนิด Excel Workbook (.xlsx) ก่อน")
    for loc, written, default in ((("run", "output_dir"), settings.run.output_dir, "../output"),
                                  (("report", "template_dir"), settings.report.template_dir, "../templates")):
        folder = settings.resolve(written)
        if folder.exists() and not folder.is_dir():
            raise fail(loc, written, folder, "เป็นไฟล์ ไม่ใช่โฟลเดอร์", "ต้องเป็นโฟลเดอร์", f'"{default}"',
                       "a file, not a folder")
    if settings.state_path.is_dir():
        raise fail(("state", "path"), settings.state.path, settings.state_path, "เป็นโฟลเดอร์ ไม่ใช่ไฟล์",
                   "ต้องเป็นชื่อไฟล์ (ระบบสร้างให้เองถ้ายังไม่มี)", '"../state/automation.sqlite"',
                   "a folder, not a file")
