"""One run of the service: read the workbook, run every stage, write findings back.

A run is a plain function, called the same way by the CLI, the tests and the scheduler.
Each stage is a pure function of the `RunContext`; a stage that fails is reported in the
summary and the run goes on, so one bad stage never costs staff their other findings.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.findings import Finding, cell_notes, findings_grid, stamp
from automation.progress import step
from automation.schema import build_schema
from automation.settings import ConfigError, Settings
from automation.stage import RunContext, Stage, StageResult
from automation.tables import load_tables
from automation.typed_tables import type_tables
from automation.workbook import Changes, Workbook, WorkbookError, open_workbook

log = logging.getLogger(__name__)




def check_stages() -> list[Stage]:
    """The stages that produce findings. A partial run (`validate`) still runs all of them,
    because the findings sheet and the notes are rewritten whole each time."""
    from automation import deadlines, validation

    return [validation.stage, deadlines.stage]


def default_stages() -> list[Stage]:
    """The stages of a full run, in order; later stages may read earlier stages' figures."""
    from automation import complaints, reports, satisfaction

    # The report stage stays last: it reads every earlier stage's figures.
    return [*check_stages(), satisfaction.stage, complaints.stage, reports.stage]


@dataclass
class RunSummary:
    today: dt.date
    workbook: str
    stages: list[StageResult]
    findings: list[Finding]
    new_findings: int
    resolved_findings: int
    api_calls: int
    seconds: float
    written: bool

    @property
    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {k: counts.get(k, 0) for k in ("error", "warning", "info")}

    @property
    def outputs(self) -> list[str]:
        return [path for s in self.stages for path in s.outputs]

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "workbook": self.workbook,
            "findings": {
                "total": len(self.findings),
                "by_severity": self.by_severity,
                "new": self.new_findings,
                "resolved": self.resolved_findings,
            },
            "stages": {
                s.name: {
                    "findings": len(s.findings),
                    "figures": s.figures,
                    "outputs": s.outputs,
                    "seconds": round(s.seconds, 3),
                    "error": s.error,
                }
                for s in self.stages
            },
            "outputs": self.outputs,
            "api_calls": self.api_calls,
            "seconds": round(self.seconds, 3),
            "written": self.written,
        }


def run_stage(stage: Stage, ctx: RunContext) -> StageResult:
    name = getattr(stage, "__module__", "stage").rsplit(".", 1)[-1]
    started = time.perf_counter()
    try:
        with step(_step_words(name, ctx.lang)):
            result = stage(ctx)
    except Exception as exc:
        _log_part_failed(name, exc, ctx.lang)
        result = StageResult(name, error=f"{type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - started
    return result


def _collector_paused(run: Callable[..., RunSummary]) -> Callable[..., RunSummary]:
    """Python's cycle collector off for one run, and no full collection after it.

    A run allocates millions of objects that live to its end (cells, typed columns, findings)
    and the collector would rescan them again and again: a fifth of a 100,000-row run. The
    run's own data forms no reference cycle (tests/test_memory.py), so reference counting frees
    it when the run returns. With the collector off nothing allocated during the run has left
    the youngest generation, so one young collection afterwards finds the few cycles libraries
    left (cheap: only what is still alive is looked at); what survives it (modules, caches,
    the summary) is long-lived, and gc.freeze() keeps the collector from rescanning it after
    every run (a full collection of seconds at a large office)."""

    @functools.wraps(run)
    def paused(*args: Any, **kwargs: Any) -> RunSummary:
        was_on = gc.isenabled()  # a run inside a run (or another thread's) leaves it as it found it
        gc.disable()
        try:
            if kwargs.get("stages") is None:
                # Off for the first run's imports too: the ~150,000 objects matplotlib and the
                # report modules make, none of them garbage, cost a full collection of the
                # whole heap (~0.05 s) while they are made; what garbage they leave is young
                # and goes in the young collection below.
                _import_outputs()
            return run(*args, **kwargs)
        finally:
            if was_on:
                gc.collect(0)
                gc.freeze()
                gc.enable()

    return paused


def _intake_lock(settings: Settings) -> Any:
    from automation.acknowledge import intake_lock

    return intake_lock(settings)


def _import_outputs() -> None:
    """The report modules imported before the run, not inside it: matplotlib's first import
    (through pyparsing) leaves exception cycles that hold the frames that imported it, and a
    frame of the run holds the run's tables until a collection finds the cycle."""
    import automation.reports.context
    import automation.reports.docx
    import automation.reports.page  # noqa: F401


@_collector_paused
def run_once(
    settings: Settings,
    workbook: Workbook | None = None,
    *,
    today: dt.date | None = None,
    stages: list[Stage] | None = None,
    write: bool = True,
    only_sheet: str | None = None,
) -> RunSummary:
    started = time.perf_counter()
    workbook = workbook or open_workbook(settings)
    schema = build_schema(settings)
    today = today or settings.today()
    lang = settings.run.language
    from automation import intake

    taking_in = write and intake.configured(settings)

    # With a complaint form, the read that decides which responses are new and the write that
    # appends them are one critical section: two runs at once never append a response twice.
    # (acknowledge brings mail and the state database: imported only by a run that takes in.)
    with _intake_lock(settings) if taking_in else nullcontext():
        with step(_step_words("read", lang, workbook.label)):
            tables = load_tables(workbook, schema)
        ctx = RunContext(settings, schema, tables, today, lang)
        # New form responses join the register first, so every stage counts them.
        taken, intake_result = _take_in(ctx) if taking_in else (None, None)
        # Type every staff sheet once, right after reading: the stages read these typed columns
        # (kept with each table), none parses a cell again.
        type_tables(tables, [layout.key for layout in schema.staff_sheets])
        checks, drafts = _split_drafts(stages or default_stages())
        results = [run_stage(stage, ctx) for stage in checks]
        if intake_result is not None:  # listed after the stages (they already counted its rows)
            results.append(intake_result)
        found = [f for r in results for f in r.findings]
        if only_sheet:
            found = [f for f in found if f.sheet_key == only_sheet]
        stamped = stamp(found, tables["findings"].records(), today, schema)
        writing: Background | None = None
        if write:
            changes = findings_changes(ctx, stamped.findings)
            if taken is not None:
                changes.append = {schema["complaints"].title: taken.rows} if taken.rows else {}
                changes.cells += taken.cells
            # The drafts need nothing the write changes, nor the write anything the drafts
            # make: the workbook is written while the reports are drafted. On Google Sheets
            # the client would otherwise sit idle while Google applies the batch (seconds at
            # a large office); the write's own CPU (JSON, zip compression) shares the rest.
            writing = Background(lambda: _write(workbook, changes, lang), name="ita-write")
        try:
            drafted = [run_stage(stage, ctx) for stage in drafts]
        finally:
            if writing is not None:
                writing.wait()  # a write's error is the run's, raised once the drafts are done
        results[len(checks):len(checks)] = drafted  # in stage order, the intake's result last
        if taken is not None:
            _acknowledge(ctx, taken)
    return RunSummary(
        today=today,
        workbook=workbook.label,
        stages=results,
        findings=stamped.findings,
        new_findings=len(stamped.new),
        resolved_findings=stamped.resolved,
        api_calls=workbook.api_calls,
        seconds=time.perf_counter() - started,
        written=write,
    )


def _split_drafts(stages: list[Stage]) -> tuple[list[Stage], list[Stage]]:
    """The stages whose findings and figures the write needs, and the trailing ones that only
    draft files (`drafts_only`: no findings, nothing the summary sheet shows)."""
    cut = len(stages)
    while cut and getattr(stages[cut - 1], "drafts_only", False):
        cut -= 1
    return stages[:cut], stages[cut:]


def _write(workbook: Workbook, changes: Changes, lang: str) -> None:
    with step(_step_words("write", lang)):
        workbook.apply(changes)


class Background:
    """One piece of work on its own thread; `wait` joins it and raises what it raised."""

    def __init__(self, work: Callable[[], None], name: str) -> None:
        self._error: BaseException | None = None
        self._work = work
        self._thread = threading.Thread(target=self._run, name=name)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _take_in(ctx: RunContext) -> tuple[Any, StageResult]:
    """New form responses as register rows (automation.intake), counted in this run's figures."""
    from automation import intake
    from automation.acknowledge import remembered
    from automation.state import State

    began = time.perf_counter()
    try:
        with State(ctx.settings.state_path) as state:
            known, acknowledged = remembered(state)
        forms = [ctx.tables[k] for k in intake.FORMS if k in ctx.schema.sheets]
        taken = intake.take_in(ctx.settings, ctx.tables["complaints"], forms, known=known,
                               acknowledged=acknowledged, lang=ctx.lang)
    except Exception as exc:  # like any stage: one failing part never costs staff the others
        _log_part_failed("intake", exc, ctx.lang)
        return None, StageResult("intake", error=f"{type(exc).__name__}: {exc}",
                                 seconds=time.perf_counter() - began)
    ctx.tables.sheets["complaints"] = intake.with_appended(ctx.tables["complaints"], taken)
    return taken, StageResult("intake", taken.findings, taken.as_json(), seconds=time.perf_counter() - began)


def _acknowledge(ctx: RunContext, taken: Any) -> None:
    """After the rows are written: remember them and queue the acknowledgements owed."""
    import datetime as _dt
    from zoneinfo import ZoneInfo

    from automation.acknowledge import after_append
    from automation.state import State

    now = _dt.datetime.now(ZoneInfo(ctx.settings.run.timezone))
    if now.date() != ctx.today:  # a pinned day (tests, re-runs): that day, at this time
        now = _dt.datetime.combine(ctx.today, now.timetz())
    with State(ctx.settings.state_path) as state:
        after_append(ctx.settings, state, taken, now, ctx.lang)


# What --verbose and the terminal's spinner call each step of a run.
STEP_WORDS = {
    "read": ("อ่านสมุดงาน {label}", "reading {label}"),
    "validation": ("ตรวจสอบข้อมูล", "validation"),
    "deadlines": ("คำนวณกำหนดเวลา", "deadlines"),
    "satisfaction": ("คำนวณความพึงพอใจ", "satisfaction scores"),
    "complaints": ("สถิติเรื่องร้องเรียน", "complaint statistics"),
    "reports": ("ร่างรายงานและหน้าเผยแพร่", "drafting the reports and the public page"),
    "write": ("บันทึกผลการตรวจสอบลงสมุดงาน", "writing the findings into the workbook"),
    "intake": ("รับเรื่องร้องเรียนจากแบบฟอร์ม", "taking in complaints from the forms"),
}


def _log_part_failed(name: str, exc: Exception, lang: str) -> None:
    """One part of a run failed and the others went on: its first log line says so in the run's
    language (Thai with a short gloss); a known problem (the workbook, a setting) is its own
    line, anything else is a bug and the traceback follows for whoever looks after the service."""
    known = isinstance(exc, (ConfigError, WorkbookError))
    said = " ".join((str(exc) if known else f"{type(exc).__name__}: {exc}").split())
    what = _step_words(name, lang)
    if lang == "en":
        line = f"stage {name} failed: {said}; the rest of the run went on"
    else:
        after = "" if known else " ถ้าเกิดซ้ำให้ส่งบันทึกส่วนนี้ให้ผู้ดูแลระบบ"
        line = (f"ขั้นตอน «{what}» ({name}) ไม่สำเร็จ: {said} — ขั้นตอนอื่นของรอบนี้ทำต่อจนเสร็จ{after} "
                f"(stage {name} failed; the rest of the run went on)")
    log.error("%s%s", line, "" if known else "\n" + traceback.format_exc().rstrip())


def _step_words(name: str, lang: str, label: str = "") -> str:
    th, en = STEP_WORDS.get(name, (name, name))
    return (en if lang == "en" else th).format(label=label)


SUMMARY_FIGURES = ("deadlines", "satisfaction", "complaints")


def findings_changes(ctx: RunContext, findings: list[Finding]) -> Changes:
    """The findings sheet rewritten whole, and the notes on every staff sheet made current;
    after a full run also the summary sheet (a partial run lacks its figures, so keeps it)."""
    from automation.dashboard import dashboard_grid

    notes = cell_notes(findings)
    present = [t.title for t in ctx.tables.sheets.values() if t.present and t.layout.owner == "staff"]
    replace = {ctx.schema["findings"].title: findings_grid(findings, ctx.lang)}
    if all(key in ctx.figures for key in SUMMARY_FIGURES):
        replace[ctx.schema["summary"].title] = dashboard_grid(ctx.today, findings, ctx.figures, ctx.lang)
    return Changes(replace=replace, notes={title: notes.get(title, []) for title in present})


def summary_text(summary: RunSummary, lang: str = "th", settings: Settings | None = None) -> str:
    """The one-screen summary a person reads after a run; it ends with where to look.
    With `settings`, Thai figures follow `[run] digits` (paths and ids stay as they are)."""
    from automation.thaidate import digits

    style = settings.run.digits if settings is not None and lang != "en" else "arabic"
    sev = summary.by_severity
    if lang == "en":
        lines = [
            f"Run of {summary.today.isoformat()} on {summary.workbook}",
            f"Findings: {len(summary.findings)} (errors {sev['error']}, warnings "
            f"{sev['warning']}, info {sev['info']}); new {summary.new_findings}, "
            f"resolved since last run {summary.resolved_findings}",
        ]
    else:
        from automation.thaidate import format_thai_date

        lines = [
            f"ผลการตรวจสอบวันที่ {format_thai_date(summary.today, style)} ({summary.workbook})",
            digits(f"พบประเด็น {len(summary.findings)} รายการ (ต้องแก้ไข {sev['error']}, "
                   f"ควรตรวจสอบ {sev['warning']}, แจ้งให้ทราบ {sev['info']}) "
                   f"ใหม่ {summary.new_findings} รายการ แก้ไขแล้วตั้งแต่ครั้งก่อน {summary.resolved_findings} รายการ",
                   style),
        ]
    for stage in summary.stages:
        lines.append("  - " + digits(_stage_line(stage, lang), style))
    if summary.api_calls:
        calls = "Google Sheets API calls" if lang == "en" else "เรียกใช้ Google Sheets API"
        lines.append(f"{calls}: {summary.api_calls}" if lang == "en"
                     else digits(f"{calls}: {summary.api_calls} ครั้ง", style))
    lines.append(f"{summary.seconds:.2f} s" if lang == "en"
                 else digits(f"ใช้เวลา {summary.seconds:.2f} วินาที", style))
    lines += _where_to_look(summary, lang, settings)
    return "\n".join(lines)


def _where_to_look(summary: RunSummary, lang: str, settings: Settings | None) -> list[str]:
    """The findings sheet by name and how to open it, then every draft's path: a person
    who has just run the job should not have to guess where its results went."""
    en = lang == "en"
    lines = ["", "Where to look:" if en else "ดูผลได้ที่:"]
    if settings is not None:
        sheet = settings.sheets.findings
        if not summary.written:
            lines.append(f"  nothing written (--dry-run): sheet «{sheet}» is as the last run left it" if en else
                         f"  ทดลองเท่านั้น (--dry-run) ชีต «{sheet}» ยังเป็นผลของครั้งก่อน")
        elif settings.workbook.backend == "gsheets":
            base = (settings.gsheets.api_base_url or "https://docs.google.com").rstrip("/")
            url = f"{base}/spreadsheets/d/{settings.gsheets.spreadsheet_id}/edit"
            lines.append(f"  findings: sheet «{sheet}» of the spreadsheet {url}" if en else
                         f"  ผลการตรวจสอบ: ชีต «{sheet}» ใน Google Sheets {url}")
        else:
            book = settings.workbook_path
            lines.append(f"  findings: sheet «{sheet}» in {book} (open it in Excel or LibreOffice Calc; "
                         "each flagged cell has a note)" if en else
                         f"  ผลการตรวจสอบ: ชีต «{sheet}» ในไฟล์ {book} (เปิดด้วย Excel หรือ LibreOffice Calc "
                         "ช่องที่มีปัญหามีบันทึกย่อกำกับ)")
    drafts = [Path(p) for p in summary.outputs]
    heading = "  drafts:" if en else "  ร่างรายงานและหน้าเผยแพร่:"
    if drafts:
        lines.append(heading)
        lines += [f"    {path}" for path in drafts]
    return lines


# How each stage's headline figures read in the summary; other figures stay in --json.
STAGE_LINES = {
    "th": {
        "validation": "ตรวจสอบข้อมูล: พบ {findings} รายการ",
        "deadlines": "กำหนดเวลา: เกินกำหนด {overdue} รายการ{overdue_units} ใกล้ครบกำหนด {due_soon} รายการ",
        "satisfaction": "ความพึงพอใจ {round}: ผู้ตอบ {responses} คน ค่าเฉลี่ย {mean} (ร้อยละ {percent})",
        "complaints": "เรื่องร้องเรียน{round_label}: {total} เรื่อง ยุติแล้ว {closed} ค้าง {open} เกินกำหนด {overdue}",
        "reports": "ร่างรายงาน {reports} ฉบับ",
        "intake": "รับเรื่องร้องเรียนจากแบบฟอร์ม {added} เรื่อง (เรื่องทุจริต {corruption} เรื่อง)",
        "satisfaction-empty": "ความพึงพอใจ {round}: ยังไม่มีผู้ตอบแบบประเมิน",
    },
    "en": {
        "validation": "validation: {findings} findings",
        "deadlines": "deadlines: {overdue} overdue{overdue_units}, {due_soon} due soon",
        "satisfaction": "satisfaction {round}: {responses} respondents, mean {mean} ({percent}%)",
        "complaints": "complaints: {total} received, {closed} closed, {open} open, {overdue} overdue",
        "reports": "{reports} report drafts",
        "intake": "complaint form: {added} new complaints ({corruption} of corruption)",
        "satisfaction-empty": "satisfaction {round}: no responses yet",
    },
}


def _stage_line(stage: StageResult, lang: str) -> str:
    if stage.error:
        failed = "ล้มเหลว" if lang == "th" else "FAILED"
        return f"{stage.name}: {failed} ({stage.error})"
    values = {"findings": len(stage.findings), **stage.figures}
    if isinstance(values.get("round_label"), str):
        values["round_label"] = " " + values["round_label"]
    name = stage.name
    if name == "satisfaction":
        values["round"] = _round_words(values.get("round"), lang)
    if name == "satisfaction" and not values.get("responses"):
        name = "satisfaction-empty"
    template = STAGE_LINES.get(lang, STAGE_LINES["th"]).get(name)
    try:
        return template.format(**values) if template else _plain(stage)
    except (KeyError, IndexError, ValueError):
        return _plain(stage)


def _round_words(round_key: Any, lang: str) -> Any:
    """"h1 2567" (the JSON's key for a round) as a person reads it: "ปีงบประมาณ พ.ศ. 2567 รอบ 6 เดือน"."""
    from automation.thaidate import FiscalRound

    kind, _, year = str(round_key).partition(" ")
    if kind not in ("h1", "annual") or not year.isdigit():
        return round_key
    return FiscalRound.parse(kind, int(year)).label(lang, "arabic")


def _plain(stage: StageResult) -> str:
    figures = ", ".join(f"{k}={v}" for k, v in stage.figures.items() if not isinstance(v, (dict, list)))
    return f"{stage.name}: {len(stage.findings)}" + (f" ({figures})" if figures else "")
