"""Typed settings loaded from `config/settings.toml`.

Every mistake in the file becomes one `ConfigError` line naming the file, the key, the bad
value and what is expected; the CLI prints it and exits 2.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import tomllib
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

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
            raise ValueError("a time zone name such as Asia/Bangkok") from None
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
            raise ValueError("empty (Google itself) or a web address starting with http:// or https://, "
                             "e.g. http://127.0.0.1:8765 for the bundled emulator")
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
            raise ValueError("the id from the sheet's address: docs.google.com/spreadsheets/d/<ID>/edit")
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
        raise ValueError("a LINE group id (C and 32 hex digits) or user id (U…), as the bot answers "
                         "'id' in the group; or \"\" for none")
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
            raise ValueError("four descending cut points such as [4.21, 3.41, 2.61, 1.81]")
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
            raise ValueError("a format holding {n}, e.g. \"ร.{n:03d}/{fiscal_year}\"")
        try:
            value.format(n=1, fiscal_year=2567, yy=67)
        except (KeyError, IndexError, ValueError):
            raise ValueError("a format using only {n}, {fiscal_year} and {yy}, "
                             "e.g. \"ร.{n:03d}/{fiscal_year}\"") from None
        return value

    @field_validator("default_channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        from automation.vocabulary import CHANNELS

        names = {n for c in CHANNELS for n in (c.key, c.th, c.en, *c.aliases)}
        if value not in names:
            raise ValueError(f"one of the channels: {', '.join(c.th for c in CHANNELS)}")
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
                raise ValueError("people's names of 4 letters or more, such as \"สมชาย ใจร้าย\" "
                                 f"(\"{name}\" is too short to mask safely)")
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
    def _env_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError("the NAME of an environment variable, such as LINE_CHANNEL_ACCESS_TOKEN "
                             "(the token itself goes in the environment, not in this file)")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        url = urlsplit(value.strip())
        loopback = url.hostname in ("127.0.0.1", "localhost", "::1")
        if url.scheme not in ("http", "https") or not url.hostname or (url.scheme == "http" and not loopback):
            raise ValueError("https://api.line.me, or an http:// URL on 127.0.0.1 for the loopback server "
                             "(the token is never sent unencrypted elsewhere)")
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
            raise ValueError("a time of day as HH:MM, e.g. 07:30") from None
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


def _key_path(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """`units.2.name` style location, with list positions counted from 1 like a person would."""
    parts: list[str] = []
    for item in loc:
        parts.append(f"[{item + 1}]" if isinstance(item, int) else f".{item}")
    return "".join(parts).lstrip(".").replace(".[", "[")


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


def _unknown_key(source: Path, loc: tuple[Any, ...], data: dict[str, Any]) -> ConfigError:
    key = _key_path(loc, data)
    model = _model_at(loc[:-1])
    known = [k for k in (model.model_fields if model else {}) if k != "source"]
    near = difflib.get_close_matches(str(loc[-1]), known, n=1)
    hint = f"did you mean '{near[0]}'? " if near else ""
    listing = f"; {hint}expected one of: {', '.join(known)}" if known else "; check its spelling"
    return ConfigError(f"{source}: key '{key}' is not a known setting{listing}")


# Pydantic's wording where it does not read as "what is expected".
_EXPECTED = {
    "path_type": "a path as text, such as \"../data/demo.xlsx\"",
    "model_type": "a table of settings",
    "model_attributes_type": "a table of settings",
}


def _invalid(where: str, key: str, value: Any, expected: str) -> ConfigError:
    shown = str(value).lower() if isinstance(value, bool) else repr(value)  # as the TOML file has it
    return ConfigError(f"{where}: key '{key}' = {shown} is not valid; expected {expected}")


def load_settings(path: Path | str | None = None, **overrides: Any) -> Settings:
    """Read and check a settings file. `overrides` are dotted keys, e.g. run__today=date."""
    source = Path(path) if path else DEFAULT_CONFIG
    if not source.is_file():
        what = "is a folder, not a file" if source.is_dir() else "file not found"
        raise ConfigError(f"{source}: {what}; pass --config with a settings.toml path")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc}); fix the syntax there") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot be read ({exc.strerror}); check its permissions") from None
    for dotted, value in overrides.items():
        section, _, key = dotted.partition("__")
        table = data.setdefault(section, {})
        if not isinstance(table, dict):
            raise _invalid(str(source), section, table, f"a table [{section}]")
        table[key] = value
    data["source"] = source.resolve()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also leaves the real one missing: naming the misspelling (with the
        # likely fix) helps more than naming the key that seems absent.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        key = _key_path(err["loc"], data)
        if err["type"] == "missing":
            raise ConfigError(f"{source}: key '{key}' is missing; add it") from None
        if err["type"] == "extra_forbidden":
            raise _unknown_key(source, err["loc"], data) from None
        value = _lookup(data, err["loc"])
        expected = _EXPECTED.get(err["type"]) or (
            err["msg"].removeprefix("Value error, ").removeprefix("Input should be "))
        raise _invalid(str(source), key, value, expected) from None
    _check_together(settings, data, source)
    _check_paths(settings, source, from_cli={k for k in overrides if k == "workbook__path"})
    return settings


def _check_together(settings: Settings, data: dict[str, Any], source: Path) -> None:
    """What one key cannot check alone: names that must refer to other keys, and keys that
    must be unique (a second question with the same key would silently replace the first)."""
    survey = settings.survey
    aspects = list(survey.aspects)
    seen_keys: set[str] = set()
    seen_columns: set[str] = set()
    for i, q in enumerate(survey.questions, start=1):
        where = f"survey.questions[{i}]"
        if q.aspect not in survey.aspects:
            raise _invalid(str(source), f"{where}.aspect", q.aspect,
                           f"one of the [survey.aspects] keys: {', '.join(aspects)}")
        if q.key in seen_keys:
            raise _invalid(str(source), f"{where}.key", q.key, "a key no other question uses")
        if q.column in seen_columns:
            raise _invalid(str(source), f"{where}.column", q.column, "a column no other question uses")
        seen_keys.add(q.key)
        seen_columns.add(q.column)
    names: set[str] = set()
    for i, unit in enumerate(settings.units, start=1):
        if unit.name in names:
            raise _invalid(str(source), f"units[{i}].name", unit.name, "a name no other unit has")
        names.add(unit.name)
    points: set[str] = set()
    for i, point in enumerate(survey.service_points, start=1):
        if point.key in points:
            raise _invalid(str(source), f"survey.service_points[{i}].key", point.key,
                           "a key no other service point uses")
        points.add(point.key)
    from automation.vocabulary import CATEGORIES

    categories = [c.key for c in CATEGORIES]
    for name in settings.deadlines.complaint_limits:
        if name not in categories:
            raise ConfigError(
                f"{source}: key 'deadlines.complaint_limits.{name}' is not a known setting; "
                f"expected a complaint category: {', '.join(categories)}")


def _check_paths(settings: Settings, source: Path, from_cli: set[str]) -> None:
    """A path that exists as the wrong kind of thing is a settings mistake, caught here
    rather than as an error half-way through a run."""
    def fail(key: str, value: Path, expected: str) -> ConfigError:
        if key == "workbook.path" and "workbook__path" in from_cli:
            return ConfigError(f"--workbook {value}: not valid; expected {expected}")
        return _invalid(str(source), key, str(value), expected)

    book = settings.workbook_path
    if settings.workbook.backend == "xlsx":
        if book.is_dir():
            raise fail("workbook.path", book, "an .xlsx file, not a folder")
        if book.suffix.lower() not in (".xlsx", ".xlsm"):
            raise fail("workbook.path", book, "a file name ending in .xlsx")
    for key, folder in (("run.output_dir", settings.output_dir),
                        ("report.template_dir", settings.resolve(settings.report.template_dir))):
        if folder.exists() and not folder.is_dir():
            raise fail(key, folder, "a folder, but it is a file")
    if settings.state_path.is_dir():
        raise fail("state.path", settings.state_path, "a file path, not a folder")
