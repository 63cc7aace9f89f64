"""What each scheduled job does. The scheduler decides *when*; these are plain functions of a
`JobContext` (settings, state, the moment, the heavy parts) that return a `JobOutcome`.

- check: the whole pipeline run (validation, deadlines, scores, findings written back); the
  finding set is kept in the state for "new since the last check";
- digest: one e-mail per unit listing what it owes (overdue and due-soon steps, measures and
  complaints) and the sheet entries it must fix; a unit without an address (ทุกส่วนราชการ, a
  unit that has none yet) has its digest sent to the coordinator, who chases that work;
- report: when a round has closed, the draft report (.docx) goes to the coordinator, once;
- reminders: N days before a report is due (round end + report_grace_days), the
  coordinator (with the units that still have overdue work) and the units are reminded, once
  per threshold.

Every message is queued with an idempotency key, so re-running a job (a retry, a catch-up)
never mails anyone twice. Every free text an e-mail quotes (a complaint's subject, a step's
title, a finding's message) passes through `automation.privacy.mask_people`: names after
titles, the listed staff, addresses, LINE ids, phones, e-mails and ids masked, and a
complainant's name withheld even from inside a subject. Findings on the private columns (the
complainant, their contact) are not quoted unless `[privacy] allow_private_in_email`. The report
mail attaches the internal draft, which masks people the same way.

LINE (`automation.line`): a recipient with a LINE target (`line_to` of a unit, `[line]
coordinator_to`) also gets each message as a short Thai text for a phone — counts first, then
the oldest overdue items, then where to look — and the e-mail as well unless its
`email_too`/`coordinator_email_too` is false. LINE texts carry no finding's quoted value and
are always scrubbed: a complainant's name or contact never goes to LINE, whatever
`allow_private_in_email` says.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automation.delivery import Mail, queue
from automation.line import LineMessage, line_enabled, queue_line
from automation.settings import Settings, Unit
from automation.state import State
from automation.tables import Tables
from automation.thaidate import FiscalRound, digits, format_date, round_to_report

log = logging.getLogger(__name__)


@dataclass
class CheckResult:
    """What the scheduler keeps of a pipeline run."""

    findings: list[Any]  # automation.findings.Finding
    api_calls: int = 0
    stage_errors: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)


def _real_check(settings: Settings, today: dt.date) -> CheckResult:
    from automation.pipeline import run_once

    summary = run_once(settings, today=today)
    return CheckResult(
        findings=summary.findings,
        api_calls=summary.api_calls,
        stage_errors=[f"{s.name}: {s.error}" for s in summary.stages if s.error],
        outputs=summary.outputs,
    )


def _real_tables(settings: Settings) -> tuple[Tables, int]:
    from automation.schema import build_schema
    from automation.tables import load_tables
    from automation.workbook import open_workbook

    workbook = open_workbook(settings)
    tables = load_tables(workbook, build_schema(settings))
    return tables, workbook.api_calls


def _real_owed(settings: Settings, tables: Tables, today: dt.date, lang: str) -> dict[str, list[Any]]:
    from automation.deadlines import compute_deadlines

    return compute_deadlines(settings, tables, today, lang=lang).by_unit()


def _real_draft(settings: Settings, tables: Tables, round_: FiscalRound, today: dt.date, out: Path | None,
                public: bool, lang: str) -> Path:
    from automation.reports import build_report

    return build_report(settings, tables, round_, today, out=out, public=public, lang=lang)


@dataclass
class Deps:
    """The heavy parts a job calls. Tests replace one only where its cost is beside the point."""

    run_check: Callable[[Settings, dt.date], CheckResult] = _real_check
    load_tables: Callable[[Settings], tuple[Tables, int]] = _real_tables
    owed_by_unit: Callable[[Settings, Tables, dt.date, str], dict[str, list[Any]]] = _real_owed
    # (settings, tables, round, today, out or None for the reports' own name, public, lang) -> .docx
    draft_report: Callable[[Settings, Tables, FiscalRound, dt.date, Path | None, bool, str], Path] = _real_draft


@dataclass
class JobContext:
    settings: Settings
    state: State
    now: dt.datetime  # aware, in the office's time zone
    deps: Deps = field(default_factory=Deps)
    # Set once the tables are read: removes complainants' names and contacts from any text.
    privacy: Any = None  # automation.reports.figures.Privacy
    line_privacy: Any = None  # the same for LINE, set whatever allow_private_in_email says

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def lang(self) -> str:
        return self.settings.run.language

    def send(self, mail: Mail) -> bool:
        """Queue a message (and its output-folder copy); False if its key was queued before."""
        return queue(self.settings, self.state, mail, self.now)

    def send_line(self, message: LineMessage) -> bool:
        """Queue a LINE message (and its text's copy); False if its key was queued before."""
        return queue_line(self.settings, self.state, message, self.now)


@dataclass
class JobOutcome:
    counts: dict[str, int] = field(default_factory=dict)
    api_calls: int = 0
    skipped: bool = False  # nothing to do this time (not a failure)
    note: str = ""


# ---------------------------------------------------------------- wording

_T: dict[str, dict[str, str]] = {
    "th": {
        "kind.step": "ขั้นตอน", "kind.measure": "มาตรการ", "kind.complaint": "เรื่องร้องเรียน",
        "overdue": "เกินกำหนดแล้ว", "due_soon": "ใกล้ครบกำหนด", "fix": "ข้อมูลในตารางที่ต้องแก้ไข",
        "items": "รายการ", "due": "กำหนด", "late": "เกินมา {n} วัน", "row": "แถว",
        "private": "ข้อมูลส่วนบุคคลของผู้ร้องเรียน (ไม่แสดงในอีเมล)",
        "more": "  … และอีก {n} รายการ (ดูทั้งหมดในชีต {sheet})", "more_owed": "  … และอีก {n} รายการ",
        "digest.subject": "สรุปงานที่ต้องดำเนินการประจำสัปดาห์ {unit} ({date})",
        "digest.intro": "เรียน {unit}\n\nสรุปงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส และเรื่องร้องเรียน "
                        "ที่ {unit} ต้องดำเนินการ ข้อมูล ณ วันที่ {date}",
        "digest.outro": "กรุณาดำเนินการและบันทึกผลในตารางที่ใช้ร่วมกัน",
        "digest.via_coordinator": "(ส่งถึงผู้ประสานงาน เนื่องจาก {unit} ไม่มีอีเมลในการตั้งค่า [[units]])",
        "report.subject": "ร่างรายงานผลการดำเนินการตามมาตรการ {round} ({office})",
        "report.body": "เรียน ผู้ประสานงาน\n\nรอบการรายงาน {round} ({start} – {end}) สิ้นสุดแล้ว "
                       "ระบบได้จัดทำร่างรายงานแนบมาพร้อมนี้ ({file})\nกำหนดส่งรายงาน: {due}",
        "report.fix": "ประเด็นข้อมูลที่ยังต้องแก้ไข (ตรวจครั้งล่าสุด): {n} รายการ",
        "report.owed": "งานที่เกินกำหนดของแต่ละหน่วยงาน:",
        "reminder.subject": "แจ้งเตือน: รายงาน{round} ครบกำหนดส่งวันที่ {due} (อีก {days} วัน)",
        "reminder.unit": "เรียน {unit}\n\nรายงานผลการดำเนินการตามมาตรการ {round} ครบกำหนดส่งวันที่ {due} "
                         "(อีก {days} วัน) กรุณารายงานผลและความก้าวหน้าของมาตรการที่รับผิดชอบในตาราง"
                         "ที่ใช้ร่วมกันให้ครบถ้วนก่อนวันดังกล่าว",
        "reminder.coordinator": "เรียน ผู้ประสานงาน\n\nรายงานผลการดำเนินการตามมาตรการ {round} ครบกำหนดส่ง"
                                "วันที่ {due} (อีก {days} วัน)",
        "signature": "-- \nอีเมลอัตโนมัติจากระบบติดตามมาตรการ {office}",
        "line.digest.title": "สรุปงานประจำสัปดาห์ {unit}",
        "line.asof": "ข้อมูล ณ วันที่ {date}",
        "line.via_coordinator": "(ส่งถึงผู้ประสานงาน เนื่องจาก {unit} ไม่มีช่องทางรับข้อความในการตั้งค่า)",
        "line.oldest": "เกินกำหนดนานที่สุด:", "line.soonest": "ใกล้ครบกำหนดที่สุด:",
        "line.fix": "ข้อมูลที่ต้องแก้ไข (ดูคำอธิบายในชีต {sheet}):", "line.column": "ช่อง",
        "line.where": "ดูรายละเอียดและบันทึกผลที่:", "line.file": "ไฟล์ {name} (ชีต {sheet})",
        "line.footer": "— {office} (ข้อความอัตโนมัติ)",
        "line.reminder.unit": "{unit}: กรุณาบันทึกผลและความก้าวหน้าของมาตรการที่รับผิดชอบในตารางให้ครบ"
                              "ก่อนวันดังกล่าว",
        "line.reminder.owed": "งานของ {unit} ที่เกินกำหนดแล้ว {n} รายการ",
        "line.report.title": "ร่างรายงาน{round} จัดทำแล้ว", "line.report.due": "กำหนดส่งรายงาน: {due}",
        "line.report.mailed": "ไฟล์ร่างรายงาน {file} ส่งทางอีเมลถึง {to} แล้ว",
        "line.report.folder": "ไฟล์ร่างรายงาน {file} อยู่ในโฟลเดอร์ผลลัพธ์ของระบบ",
    },
    "en": {
        "kind.step": "Step", "kind.measure": "Measure", "kind.complaint": "Complaint",
        "overdue": "Overdue", "due_soon": "Due soon", "fix": "Sheet entries to fix",
        "items": "item(s)", "due": "due", "late": "{n} days late", "row": "row",
        "private": "complainant's personal data (not shown in e-mail)",
        "more": "  … and {n} more (see the sheet {sheet})", "more_owed": "  … and {n} more",
        "digest.subject": "Weekly to-do digest for {unit} ({date})",
        "digest.intro": "To {unit}\n\nWhat {unit} owes on the integrity measures and complaints, as of {date}",
        "digest.outro": "Please act and record the results in the shared sheets.",
        "digest.via_coordinator": "(Sent to the coordinator: {unit} has no e-mail address in [[units]].)",
        "report.subject": "Draft report on the integrity measures, {round} ({office})",
        "report.body": "To the coordinator\n\nThe {round} ({start} – {end}) has closed. The draft report is "
                       "attached ({file}).\nReport due: {due}",
        "report.fix": "Sheet entries still to fix (last check): {n}",
        "report.owed": "Overdue work per unit:",
        "reminder.subject": "Reminder: the {round} report is due on {due} ({days} days left)",
        "reminder.unit": "To {unit}\n\nThe report on the integrity measures, {round}, is due on {due} "
                         "({days} days left). Please record the results and progress of your measures in "
                         "the shared sheet before then.",
        "reminder.coordinator": "To the coordinator\n\nThe report on the integrity measures, {round}, is due "
                                "on {due} ({days} days left).",
        "signature": "-- \nAutomatic e-mail from the measures service of {office}",
        "line.digest.title": "Weekly to-do for {unit}",
        "line.asof": "As of {date}",
        "line.via_coordinator": "(Sent to the coordinator: {unit} has no address or LINE target.)",
        "line.oldest": "Longest overdue:", "line.soonest": "Due soonest:",
        "line.fix": "Entries to fix (explained in the sheet {sheet}):", "line.column": "column",
        "line.where": "Details, and where to record results:", "line.file": "file {name} (sheet {sheet})",
        "line.footer": "— {office} (automatic message)",
        "line.reminder.unit": "{unit}: please record the results and progress of your measures in the sheet "
                              "before then.",
        "line.reminder.owed": "{unit} has {n} overdue item(s)",
        "line.report.title": "The {round} draft report is ready", "line.report.due": "Report due: {due}",
        "line.report.mailed": "The draft {file} was e-mailed to {to}",
        "line.report.folder": "The draft {file} is in the service's output folder",
    },
}


def _t(ctx: JobContext, key: str, **values: Any) -> str:
    table = _T["en" if ctx.lang == "en" else "th"]
    return table[key].format(**values)


def _num(ctx: JobContext, n: int) -> str:
    return digits(str(n), ctx.settings.run.digits) if ctx.lang != "en" else str(n)


def _date(ctx: JobContext, day: dt.date) -> str:
    return format_date(day, ctx.lang, ctx.settings.run.digits)


def _office(ctx: JobContext) -> str:
    office = ctx.settings.office
    return (office.name_en if ctx.lang == "en" and office.name_en else office.short_name or office.name)


def _private_text(ctx: JobContext, text: str) -> str:
    """Free text bound for an e-mail, people masked (mask_people), and any private column's
    value (a complainant's name typed into a subject) withheld once the tables are read."""
    if not text:
        return text
    if ctx.privacy is not None:
        return str(ctx.privacy.scrub(text))
    from automation.privacy import mask_people

    return mask_people(text, ctx.settings, lang=ctx.lang)


def _know_private_values(ctx: JobContext, tables: Tables) -> None:
    from automation.reports.figures import Privacy

    ctx.privacy = Privacy(ctx.settings, tables, public=False, lang=ctx.lang)
    if line_enabled(ctx.settings):  # LINE never carries private data, whatever e-mail may
        ctx.line_privacy = ctx.privacy


def _line_text(ctx: JobContext, text: str, limit: int | None = None) -> str:
    """Free text bound for LINE, always masked: the workbook's private values (complainants'
    names and contacts) removed, then people masked as `privacy.mask_people` does for every
    message (names after Thai titles, staff names, house numbers, LINE ids, phones, e-mails)."""
    from automation.privacy import mask_people

    if not text:
        return text
    if ctx.line_privacy is not None:  # the workbook's private values known: withheld too
        return str(ctx.line_privacy.masker.mask(text, limit))
    return mask_people(text, ctx.settings, lang=ctx.lang, limit=limit)


def _is_private_column(ctx: JobContext, finding: dict[str, Any]) -> bool:
    from automation.privacy import private_keys
    from automation.schema import normalize_header

    hidden = private_keys(ctx.settings)
    return any(normalize_header(str(finding.get(k) or "")) in hidden for k in ("column_key", "column"))


# ---------------------------------------------------------------- check


def finding_record(finding: Any) -> dict[str, Any]:
    """What the state keeps of a finding: enough to tell new from old and to mail a unit."""
    data = finding.as_json()
    data["identity"] = "|".join(finding.identity)
    return data


def check(ctx: JobContext) -> JobOutcome:
    """The daily run: validation, deadlines and the rest of the pipeline, findings written back."""
    result = ctx.deps.run_check(ctx.settings, ctx.today)
    delta = ctx.state.replace_findings((finding_record(f) for f in result.findings), ctx.now)
    severities = [f.severity for f in result.findings]
    for error in result.stage_errors:
        log.warning("check: stage failed: %s" if ctx.lang == "en" else
                    "งานตรวจสอบ: มีขั้นตอนที่ไม่สำเร็จ (ขั้นตอนอื่นทำต่อแล้ว) — %s (stage failed)", error)
    return JobOutcome(
        counts={
            "findings": delta.total, "new": delta.new, "resolved": delta.resolved,
            "errors": severities.count("error"), "warnings": severities.count("warning"),
            "stage_errors": len(result.stage_errors),
        },
        api_calls=result.api_calls,
    )


# ---------------------------------------------------------------- digest


def _entries_to_fix(ctx: JobContext) -> list[dict[str, Any]]:
    """The last check's findings without the overdue/due-soon notes: the mails list late work
    on its own, from the deadlines, so it is not told twice (once as "to fix")."""
    from automation.deadlines import DueSoon, Overdue

    return [f for f in ctx.state.last_findings() if f.get("rule") not in (Overdue.id, DueSoon.id)]


def _item_line(ctx: JobContext, index: int, item: Any) -> str:
    kind = _t(ctx, f"kind.{getattr(item, 'kind', 'step')}") if getattr(item, "kind", "") in (
        "step", "measure", "complaint") else str(getattr(item, "kind", ""))
    ident = str(getattr(item, "item_id", "") or "")
    title = _private_text(ctx, str(getattr(item, "title", "") or ""))
    line = f"  {_num(ctx, index)}. {kind} {ident}: {title}".replace("  :", ":")
    due = getattr(item, "due_date", None)
    if isinstance(due, dt.date):
        line += f" — {_t(ctx, 'due')} {_date(ctx, due)}"
    late = getattr(item, "days_late", 0) or 0
    if getattr(item, "status", "") == "overdue" and late > 0:
        line += f" ({_t(ctx, 'late', n=_num(ctx, late))})"
    return line


def _finding_line(ctx: JobContext, f: dict[str, Any]) -> str:
    where = f"{f.get('sheet', '')}"
    if f.get("row"):
        where += f" {_t(ctx, 'row')} {_num(ctx, int(f['row']))}"
    if f.get("column"):
        where += f" [{f['column']}]"
    if _is_private_column(ctx, f) and not ctx.settings.privacy.allow_private_in_email:
        return f"  - {where}: {_t(ctx, 'private')}"  # the message quotes the value: leave it out entirely
    message = _private_text(ctx, str(f.get("message") or ""))
    # Rule messages usually name the sheet, row and column already.
    return f"  - {message}" if f.get("sheet") and str(f["sheet"]) in message else f"  - {where}: {message}"


DIGEST_LIMIT = 30  # lines per section: the full list is in the sheets, the e-mail says how many more


def digest_body(ctx: JobContext, unit: Unit, owed: list[Any], findings: list[dict[str, Any]]) -> str:
    lines = [_t(ctx, "digest.intro", unit=unit.name, date=_date(ctx, ctx.today)), ""]
    if not unit.email and not unit.line_to and ctx.settings.delivery.coordinator_email:
        lines += [_t(ctx, "digest.via_coordinator", unit=unit.name), ""]
    for status in ("overdue", "due_soon"):
        items = [i for i in owed if getattr(i, "status", "") == status]
        if items:
            lines.append(f"{_t(ctx, status)} {_num(ctx, len(items))} {_t(ctx, 'items')}")
            lines += [_item_line(ctx, n, item) for n, item in enumerate(items[:DIGEST_LIMIT], 1)]
            if len(items) > DIGEST_LIMIT:
                lines.append(_t(ctx, "more_owed", n=_num(ctx, len(items) - DIGEST_LIMIT)))
            lines.append("")
    if findings:
        lines.append(f"{_t(ctx, 'fix')} {_num(ctx, len(findings))} {_t(ctx, 'items')}")
        lines += [_finding_line(ctx, f) for f in findings[:DIGEST_LIMIT]]
        if len(findings) > DIGEST_LIMIT:
            lines.append(_t(ctx, "more", n=_num(ctx, len(findings) - DIGEST_LIMIT),
                            sheet=ctx.settings.sheets.findings))
        lines.append("")
    lines += [_t(ctx, "digest.outro"), "", _t(ctx, "signature", office=_office(ctx))]
    return "\n".join(lines)


@dataclass(frozen=True)
class Route:
    """Where one recipient's message goes: e-mail addresses (may be empty: the output folder
    only) unless `email` is False, and a LINE target when there is one."""

    email: bool
    to: list[str]
    line_to: str
    via_coordinator: bool = False


def coordinator_route(settings: Settings) -> Route:
    line = settings.line
    address = settings.delivery.coordinator_email
    return Route(email=not line.coordinator_to or line.coordinator_email_too, to=[address] if address else [],
                 line_to=line.coordinator_to)


def unit_route(settings: Settings, unit: Unit) -> Route | None:
    """The unit's own channels; None when it has neither an address nor a LINE target."""
    if not unit.email and not unit.line_to:
        return None
    return Route(email=bool(unit.email) and (not unit.line_to or unit.email_too),
                 to=[unit.email] if unit.email else [], line_to=unit.line_to)


def _digest_route(ctx: JobContext, unit: Unit) -> Route:
    """The unit's channels; without any the coordinator's, so work owed by nobody in
    particular (ทุกส่วนราชการ) still reaches someone who will chase it."""
    route = unit_route(ctx.settings, unit)
    if route is not None:
        return route
    coordinator = coordinator_route(ctx.settings)
    return Route(coordinator.email, coordinator.to, coordinator.line_to, via_coordinator=True)


def _digest_recipients(ctx: JobContext, unit: Unit) -> list[str]:
    return _digest_route(ctx, unit).to


def sheet_link(settings: Settings, lang: str = "th") -> str:
    """Where a reader looks: the Google Sheet's address, or the workbook file and its findings sheet."""
    if settings.workbook.backend == "gsheets" and settings.gsheets.spreadsheet_id:
        return f"https://docs.google.com/spreadsheets/d/{settings.gsheets.spreadsheet_id}/edit"
    table = _T["en" if lang == "en" else "th"]
    return table["line.file"].format(name=settings.workbook_path.name, sheet=settings.sheets.findings)


LINE_ITEMS = 5  # overdue items a LINE digest names: the oldest; the rest are counted
LINE_TITLE = 70  # characters of an item's title on a phone
LINE_FINDINGS = 3  # sheet entries to fix a LINE digest points at; the rest are counted


def _line_item(ctx: JobContext, index: int, item: Any) -> str:
    kind = str(getattr(item, "kind", "") or "")
    kind = _t(ctx, f"kind.{kind}") if kind in ("step", "measure", "complaint") else kind
    ident = str(getattr(item, "item_id", "") or "")
    title = _line_text(ctx, " ".join(str(getattr(item, "title", "") or "").split()), limit=LINE_TITLE)
    line = f"{_num(ctx, index)}. {kind} {ident}: {title}".replace(" :", ":")
    late = getattr(item, "days_late", 0) or 0
    due = getattr(item, "due_date", None)
    if getattr(item, "status", "") == "overdue" and late > 0:
        line += f" ({_t(ctx, 'late', n=_num(ctx, late))})"
    elif isinstance(due, dt.date):
        line += f" ({_t(ctx, 'due')} {_date(ctx, due)})"
    return line


def _line_footer(ctx: JobContext) -> list[str]:
    return ["", _t(ctx, "line.where"), sheet_link(ctx.settings, ctx.lang), "",
            _t(ctx, "line.footer", office=_office(ctx))]


def line_digest_text(ctx: JobContext, unit: Unit, owed: list[Any], findings: list[dict[str, Any]],
                     via_coordinator: bool = False) -> str:
    """A digest for a phone: how many, then the oldest overdue items, then where to look. No
    finding is quoted (a value may be a complainant's contact): the sheet has them."""
    overdue = sorted((i for i in owed if getattr(i, "status", "") == "overdue"),
                     key=lambda i: -(getattr(i, "days_late", 0) or 0))
    soon = sorted((i for i in owed if getattr(i, "status", "") == "due_soon"),
                  key=lambda i: getattr(i, "due_date", None) or dt.date.max)
    lines = [_t(ctx, "line.digest.title", unit=unit.name), _t(ctx, "line.asof", date=_date(ctx, ctx.today))]
    if via_coordinator:
        lines.append(_t(ctx, "line.via_coordinator", unit=unit.name))
    lines.append("")
    for label, n in (("overdue", len(overdue)), ("due_soon", len(soon)), ("fix", len(findings))):
        if n:
            lines.append(f"• {_t(ctx, label)} {_num(ctx, n)} {_t(ctx, 'items')}")
    listed, heading = (overdue, "line.oldest") if overdue else (soon, "line.soonest")
    if listed:
        lines += ["", _t(ctx, heading)]
        lines += [_line_item(ctx, n, item) for n, item in enumerate(listed[:LINE_ITEMS], 1)]
        if len(listed) > LINE_ITEMS:
            lines.append(_t(ctx, "more_owed", n=_num(ctx, len(listed) - LINE_ITEMS)).strip())
    if findings:  # where, never what: a finding's message may quote a complainant's contact
        lines += ["", _t(ctx, "line.fix", sheet=ctx.settings.sheets.findings)]
        for f in findings[:LINE_FINDINGS]:
            where = str(f.get("sheet") or "")
            if f.get("row"):
                where += f" {_t(ctx, 'row')} {_num(ctx, int(f['row']))}"
            if f.get("column"):
                where += f" {_t(ctx, 'line.column')} {f['column']}"
            lines.append(f"- {where}")
        if len(findings) > LINE_FINDINGS:
            lines.append(_t(ctx, "more_owed", n=_num(ctx, len(findings) - LINE_FINDINGS)).strip())
    return "\n".join(lines + _line_footer(ctx))


def digest(ctx: JobContext) -> JobOutcome:
    """One message per unit with what it owes (e-mail, LINE or both); a unit that owes nothing gets none."""
    tables, api_calls = ctx.deps.load_tables(ctx.settings)
    _know_private_values(ctx, tables)
    owed = ctx.deps.owed_by_unit(ctx.settings, tables, ctx.today, ctx.lang)
    findings = [f for f in _entries_to_fix(ctx) if f.get("severity") in ("error", "warning")]
    # A corruption complaint goes to the coordinator only, never to the unit it concerns.
    secret, findings = _coordinator_only(tables, findings)
    queued = units = lined = 0
    kept: list[Any] = []
    for unit in ctx.settings.units:
        items = [i for i in owed.get(unit.name, []) if getattr(i, "status", "") in ("overdue", "due_soon")]
        kept += [i for i in items if secret(i)]
        items = [i for i in items if not secret(i)]
        own = [f for f in findings if f.get("unit") == unit.name]
        if not items and not own:
            continue
        units += 1
        route = _digest_route(ctx, unit)
        key = f"digest:{unit.name}:{ctx.today.isoformat()}"
        subject = _t(ctx, "digest.subject", unit=unit.name, date=_date(ctx, ctx.today))
        if route.email:
            queued += ctx.send(Mail(key=key, kind="digest", to=route.to, subject=subject,
                                    body=digest_body(ctx, unit, items, own)))
        if route.line_to:
            lined += ctx.send_line(LineMessage(key=key, kind="digest", to=route.line_to, title=subject,
                                               text=line_digest_text(ctx, unit, items, own, route.via_coordinator)))
    kept_findings = [f for f in _entries_to_fix(ctx) if f.get("severity") in ("error", "warning") and secret(f)]
    if kept or kept_findings:  # by e-mail only: a LINE group is read by the units too
        queued += ctx.send(_coordinator_digest(ctx, kept, kept_findings))
    counts = {"units": units, "queued": queued}
    if line_enabled(ctx.settings):
        counts["line"] = lined
    return JobOutcome(counts=counts, api_calls=api_calls)


_COORDINATOR_ONLY = {"th": "ผู้ประสานงาน: เรื่องร้องเรียนการทุจริต (ไม่ส่งถึงหน่วยงานที่ถูกร้องเรียน)",
                     "en": "Coordinator: corruption complaints (never sent to the unit concerned)"}


def _coordinator_only(tables: Tables, findings: list[dict[str, Any]]) -> tuple[Callable[[Any], bool], list[dict[str, Any]]]:
    """Which owed items and findings concern a coordinator-only complaint, and the findings
    left for the units."""
    from automation.intake import coordinator_only_rows

    rows = coordinator_only_rows(tables["complaints"])

    def secret(item: Any) -> bool:
        get = item.get if isinstance(item, dict) else lambda k: getattr(item, k, None)
        return get("sheet_key") == "complaints" and get("row") in rows

    return secret, [f for f in findings if not secret(f)]


def _coordinator_digest(ctx: JobContext, items: list[Any], findings: list[dict[str, Any]]) -> Mail:
    coordinator = ctx.settings.delivery.coordinator_email
    who = Unit(name=_COORDINATOR_ONLY["en" if ctx.lang == "en" else "th"], email=coordinator)
    return Mail(
        key=f"digest:coordinator-only:{ctx.today.isoformat()}",
        kind="corruption-digest",  # its own message, never folded into a unit's digest
        to=[coordinator] if coordinator else [],
        subject=_t(ctx, "digest.subject", unit=who.name, date=_date(ctx, ctx.today)),
        body=digest_body(ctx, who, items, findings),
    )


# ---------------------------------------------------------------- report


def report_due(settings: Settings, round_: FiscalRound) -> dt.date:
    return round_.end + dt.timedelta(days=settings.deadlines.report_grace_days)


def closed_round(settings: Settings, today: dt.date) -> FiscalRound | None:
    """The round whose report is being prepared: closed, and its report not yet due-and-past."""
    round_ = round_to_report(today, settings.deadlines.report_grace_days)
    return round_ if round_.end < today else None


def report(ctx: JobContext) -> JobOutcome:
    """When a round has closed: draft its report and send it to the coordinator, once (by
    e-mail with the draft attached; on LINE a notice saying where the draft is)."""
    round_ = closed_round(ctx.settings, ctx.today)
    if round_ is None:
        return JobOutcome(skipped=True, note="no round has just closed")
    mark = f"report:{round_.fiscal_year}:{round_.kind}"
    if ctx.state.marked(mark):
        return JobOutcome(skipped=True, note=f"{mark} already drafted")
    tables, api_calls = ctx.deps.load_tables(ctx.settings)
    # The internal draft, to edit and send on: it masks people as every e-mail does (the
    # public edition, counts only, would be no draft to work from).
    path = ctx.deps.draft_report(ctx.settings, tables, round_, ctx.today, None, False, ctx.lang)
    label = round_.label(ctx.lang, ctx.settings.run.digits)
    due = _date(ctx, report_due(ctx.settings, round_))
    lines = [
        _t(ctx, "report.body", round=label, start=_date(ctx, round_.start), end=_date(ctx, round_.end),
           file=path.name, due=due),
        "",
    ]
    to_fix = [f for f in _entries_to_fix(ctx) if f.get("severity") == "error"]
    lines.append(_t(ctx, "report.fix", n=_num(ctx, len(to_fix))))
    late = _overdue_counts(ctx, tables)
    lines += _owed_summary(ctx, late)
    lines += ["", _t(ctx, "signature", office=_office(ctx))]
    route = coordinator_route(ctx.settings)
    coordinator = ctx.settings.delivery.coordinator_email
    counts = {"reports": 1, "queued": 0}
    if route.email:
        counts["queued"] = int(ctx.send(Mail(
            key=f"report:{round_.fiscal_year}:{round_.kind}:{coordinator}",
            kind="report",
            to=route.to,
            subject=_t(ctx, "report.subject", round=label, office=_office(ctx)),
            body="\n".join(lines),
            attachments=[path],
        )))
    if route.line_to:
        where = (_t(ctx, "line.report.mailed", file=path.name, to=coordinator) if route.email and coordinator
                 else _t(ctx, "line.report.folder", file=path.name))
        text = [_t(ctx, "line.report.title", round=label), _t(ctx, "line.report.due", due=due), "",
                f"• {_t(ctx, 'report.fix', n=_num(ctx, len(to_fix)))}",
                *[f"• {unit}: {_t(ctx, 'overdue')} {_num(ctx, n)} {_t(ctx, 'items')}" for unit, n in late.items()],
                "", where, *_line_footer(ctx)]
        counts["line"] = int(ctx.send_line(LineMessage(
            key=f"report:{round_.fiscal_year}:{round_.kind}:{route.line_to}", kind="report", to=route.line_to,
            title=_t(ctx, "report.subject", round=label, office=_office(ctx)), text="\n".join(text))))
    ctx.state.mark(mark, ctx.now)
    return JobOutcome(counts=counts, api_calls=api_calls)


def _overdue_counts(ctx: JobContext, tables: Tables) -> dict[str, int]:
    """Overdue items per unit (units with none left out); empty when they cannot be computed."""
    try:
        owed = ctx.deps.owed_by_unit(ctx.settings, tables, ctx.today, ctx.lang)
    except Exception as exc:  # the summary is a courtesy: the message still goes out without it
        log.warning("message without the overdue summary: %s: %s" if ctx.lang == "en" else
                    "ส่งข้อความโดยไม่มีสรุปงานเกินกำหนด เพราะคำนวณไม่ได้ (%s: %s)", type(exc).__name__, exc)
        return {}
    late = {unit: sum(1 for i in items if getattr(i, "status", "") == "overdue") for unit, items in owed.items()}
    return {unit: n for unit, n in late.items() if n}


def _owed_summary(ctx: JobContext, late: dict[str, int]) -> list[str]:
    """'unit: n overdue' lines; nothing when no unit is late."""
    lines = [f"  - {unit}: {_t(ctx, 'overdue')} {_num(ctx, n)} {_t(ctx, 'items')}" for unit, n in late.items()]
    return [_t(ctx, "report.owed"), *lines] if lines else []


# ---------------------------------------------------------------- reminders


def reminder_threshold(settings: Settings, today: dt.date) -> tuple[FiscalRound, int] | None:
    """The (round, N) whose "N days before the due date" reminder is owed today: the closest
    threshold already reached. After downtime the most urgent one only, not every one missed."""
    round_ = closed_round(settings, today)
    if round_ is None:
        return None
    due = report_due(settings, round_)
    if today > due:
        return None
    reached = [n for n in settings.schedule.reminder_days_before if today >= due - dt.timedelta(days=n)]
    return (round_, min(reached)) if reached else None


def reminders(ctx: JobContext) -> JobOutcome:
    """N days before a report is due: the coordinator and every unit with an address, once."""
    found = reminder_threshold(ctx.settings, ctx.today)
    if found is None:
        return JobOutcome(skipped=True, note="no reminder due")
    round_, threshold = found
    mark = f"reminder:{round_.fiscal_year}:{round_.kind}:{threshold}"
    if ctx.state.marked(mark):
        return JobOutcome(skipped=True, note=f"{mark} already sent")
    due = report_due(ctx.settings, round_)
    days_left = (due - ctx.today).days
    values = {"round": round_.label(ctx.lang, ctx.settings.run.digits), "due": _date(ctx, due),
              "days": _num(ctx, days_left)}
    subject = _t(ctx, "reminder.subject", **values)
    signature = _t(ctx, "signature", office=_office(ctx))
    queued = lined = 0
    tables, api_calls = ctx.deps.load_tables(ctx.settings)
    late = _overdue_counts(ctx, tables)
    owed = "\n".join(_owed_summary(ctx, late))
    body = f"{_t(ctx, 'reminder.coordinator', **values)}\n\n{owed + chr(10) * 2 if owed else ''}{signature}"
    route = coordinator_route(ctx.settings)
    if route.email:
        queued += ctx.send(Mail(key=f"{mark}:coordinator", kind="reminder", to=route.to, subject=subject, body=body))
    if route.line_to:
        text = [subject, "", *[f"• {_t(ctx, 'line.reminder.owed', unit=u, n=_num(ctx, n))}" for u, n in late.items()],
                *_line_footer(ctx)]
        lined += ctx.send_line(LineMessage(key=f"{mark}:coordinator", kind="reminder", to=route.line_to,
                                           title=subject, text="\n".join(text)))
    for unit in ctx.settings.units:
        own = unit_route(ctx.settings, unit)
        if own is None:
            continue
        if own.email:
            body = f"{_t(ctx, 'reminder.unit', unit=unit.name, **values)}\n\n{signature}"
            queued += ctx.send(Mail(key=f"{mark}:{unit.name}", kind="reminder", to=own.to,
                                    subject=subject, body=body))
        if own.line_to:
            text = [subject, ""]
            if late.get(unit.name):
                text.append(f"• {_t(ctx, 'line.reminder.owed', unit=unit.name, n=_num(ctx, late[unit.name]))}")
            text += [_t(ctx, "line.reminder.unit", unit=unit.name), *_line_footer(ctx)]
            lined += ctx.send_line(LineMessage(key=f"{mark}:{unit.name}", kind="reminder", to=own.line_to,
                                               title=subject, text="\n".join(text)))
    ctx.state.mark(mark, ctx.now)
    counts = {"threshold": threshold, "queued": queued}
    if line_enabled(ctx.settings):
        counts["line"] = lined
    return JobOutcome(counts=counts, api_calls=api_calls)
