"""Deadlines: which steps, measures and complaints are late or due soon, and for which unit.

The rules, precisely (every date is inclusive: nothing is late on its due day itself):

Steps of the measures sheet
- A step with its own `due_date` owes "done" by that date. No grace is added: it is a date
  staff chose themselves.
- Otherwise the measure's cadence sets checkpoints in the step's fiscal year (FY 2567 =
  1 Oct 2023 - 30 Sep 2024), each moved later by `[deadlines] report_grace_days`, because
  what is owed is a line in the report, which is due that long after the round closes:
  * `semiannual` (รอบ ๖ เดือนและประจำปี): round 1 closes 31 March. By 31 March + grace the
    step must be *started*: status อยู่ระหว่างดำเนินการ or ดำเนินการแล้ว. A step still
    ยังไม่ดำเนินการ (or blank) after that is "overdue at the round-1 checkpoint". By
    30 September + grace it must be *done* (ดำเนินการแล้ว).
  * `year_end` (ณ สิ้นปีงบประมาณ): done by 30 September + grace.
- Cancelled (ยกเลิก) steps owe nothing. Status is judged as it stands today: a step that was
  started late is no longer overdue at round 1 once its status says it has started.
- The item's due date is the earliest checkpoint the step has not met yet. It is overdue
  when today is after that date (days late = calendar days since it), due soon when the
  date is at most `[deadlines] due_soon_days` calendar days away, else ok. A step that has
  met every checkpoint is ok, dated by its last checkpoint.
- A row whose fiscal year, cadence, due date or status cannot be read is left to the
  validation checks: it gets no deadline (a blank status counts as not started).

Measures
- Steps group into a measure by fiscal year and measure number. A measure with a cadence
  is flagged on its own (kind "measure") when, at a checkpoint above, *none* of its steps
  has met it: no step started by round 1 + grace, or no step done by year end + grace.
  A measure whose steps are all cancelled owes nothing.

Complaints: the rules are in automation.complaint_timelines (each complaint's due dates and
standing); this module turns the open ones into deadline items and findings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from automation.checkpoints import Checkpoint, Status, judge
from automation.complaint_timelines import ComplaintTimeline, complaint_timelines, frozen_record, text_value
from automation.findings import Finding, Rule, sort_findings
from automation.schema import CATEGORIES
from automation.settings import Settings
from automation.stage import RunContext, StageResult
from automation.tables import SheetTable, Tables
from automation.thaidate import FiscalRound, format_date
from automation.typed_tables import NOT_GIVEN, OTHER, typed_table
from automation.workdays import WorkCalendar

Kind = Literal["step", "measure", "complaint"]
DONE = frozenset({"done", "cancelled"})
STARTED = frozenset({"in_progress", "done", "cancelled"})


class Overdue(Rule):
    id = "overdue"
    severity = "error"
    title = {"th": "เลยกำหนด", "en": "Overdue"}
    template = {
        "th": "{item} {state} เลย{deadline} ({due}) มาแล้ว {days} วัน — ผู้รับผิดชอบ: {owner}",
        "en": "{item} {state}; {days_text} past the {deadline} ({due}) — responsible: {owner}",
    }
    fix = {"th": "{action}", "en": "{action}"}


class DueSoon(Rule):
    id = "due_soon"
    severity = "info"
    title = {"th": "ใกล้ครบกำหนด", "en": "Due soon"}
    template = {
        "th": "{item} {state} ครบ{deadline} ({due}) {when} — ผู้รับผิดชอบ: {owner}",
        "en": "{item} {state}; the {deadline} ({due}) is {when} — responsible: {owner}",
    }
    fix = {"th": "{action}", "en": "{action}"}


# Wording per checkpoint: what is missing, which deadline, and what to do.
_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "due_date": {
        "th": {"state": "ยังไม่แล้วเสร็จ", "deadline": "กำหนดแล้วเสร็จ",
               "action": "ดำเนินการให้แล้วเสร็จ แล้วเปลี่ยนสถานะเป็น 'ดำเนินการแล้ว' พร้อมวันที่และลิงก์หลักฐาน"},
        "en": {"state": "is not done", "deadline": "due date",
               "action": "Finish it, then set the status to Done with the date and an evidence link"},
    },
    "round1": {
        "th": {"state": "ยังไม่เริ่มดำเนินการ", "deadline": "กำหนดรายงานความก้าวหน้ารอบ ๖ เดือน",
               "action": "เริ่มดำเนินการและเปลี่ยนสถานะเป็น 'อยู่ระหว่างดำเนินการ' หรือ 'ดำเนินการแล้ว'"},
        "en": {"state": "has not started", "deadline": "6-month progress report deadline",
               "action": "Start it and set the status to In progress or Done"},
    },
    "year_end": {
        "th": {"state": "ยังไม่แล้วเสร็จ", "deadline": "กำหนดรายงานผล ณ สิ้นปีงบประมาณ",
               "action": "ดำเนินการให้แล้วเสร็จ แล้วเปลี่ยนสถานะเป็น 'ดำเนินการแล้ว' พร้อมวันที่และลิงก์หลักฐาน"},
        "en": {"state": "is not done", "deadline": "fiscal-year-end report deadline",
               "action": "Finish it, then set the status to Done with the date and an evidence link"},
    },
    "acknowledge": {
        "th": {"state": "ยังไม่แจ้งรับเรื่อง", "deadline": "กำหนดแจ้งรับเรื่อง",
               "action": "แจ้งผู้ร้องว่าได้รับเรื่องแล้ว และกรอก 'วันที่แจ้งรับเรื่อง'"},
        "en": {"state": "is not acknowledged", "deadline": "acknowledgement deadline",
               "action": "Tell the complainant it was received and fill in the Acknowledged date"},
    },
    "close": {
        "th": {"state": "ยังไม่ยุติเรื่อง", "deadline": "กำหนดแจ้งผลและยุติเรื่อง",
               "action": "แจ้งผลแก่ผู้ร้อง ยุติเรื่อง และกรอก 'วันที่ยุติเรื่อง'"},
        "en": {"state": "is not closed", "deadline": "closing deadline",
               "action": "Tell the complainant the outcome, close it and fill in the Closed date"},
    },
}
_MEASURE_STATE = {
    "round1": {"th": "ยังไม่มีขั้นตอนใดเริ่มดำเนินการ", "en": "has no step started"},
    "year_end": {"th": "ยังไม่มีขั้นตอนใดดำเนินการแล้วเสร็จ", "en": "has no step done"},
}
NO_UNIT = {"th": "ไม่ระบุหน่วยงาน", "en": "no unit given"}


@dataclass(frozen=True)
class DeadlineItem:
    kind: Kind
    item_id: str
    title: str
    unit: str  # the unit's configured name ("" when the sheet names none)
    due_date: dt.date
    status: Status
    days_late: int = 0  # calendar days past due_date (overdue items only)
    days_left: int | None = None  # calendar days until due_date (items still owed, not overdue)
    checkpoint: str = ""  # due_date | round1 | year_end | acknowledge | close
    sheet_key: str = ""
    row: int | None = None
    fiscal_year: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("item_id")
        data["due_date"] = self.due_date.isoformat()
        return data


@dataclass
class DeadlineReport:
    today: dt.date
    items: list[DeadlineItem]
    findings: list[Finding] = field(default_factory=list)
    complaints: list[ComplaintTimeline] = field(default_factory=list)
    dated: bool = False  # statuses as they stood on `today` (see compute_deadlines)

    @property
    def overdue(self) -> list[DeadlineItem]:
        return _oldest_first([i for i in self.items if i.status == "overdue"])

    @property
    def due_soon(self) -> list[DeadlineItem]:
        return _oldest_first([i for i in self.items if i.status == "due_soon"])

    def by_unit(self) -> dict[str, list[DeadlineItem]]:
        """What each unit owes (overdue and due soon), oldest due date first; units A-Z."""
        owed: dict[str, list[DeadlineItem]] = {}
        for item in _oldest_first([i for i in self.items if i.status != "ok"]):
            owed.setdefault(item.unit, []).append(item)
        return dict(sorted(owed.items()))

    def counts(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for item in self.items:
            row = table.setdefault(item.kind, {"overdue": 0, "due_soon": 0, "ok": 0})
            row[item.status] += 1
        return table

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "counts": self.counts(),
            "overdue": len(self.overdue),
            "due_soon": len(self.due_soon),
            "by_unit": {unit: [i.item_id for i in items] for unit, items in self.by_unit().items()},
            "items": [i.as_json() for i in _oldest_first(self.items)],
        }


_KIND_ORDER = {"measure": 0, "step": 1, "complaint": 2}  # a measure heads its own late steps


def _oldest_first(items: list[DeadlineItem]) -> list[DeadlineItem]:
    return sorted(items, key=lambda i: (i.due_date, _KIND_ORDER[i.kind], i.unit, i.item_id))


# ---------------------------------------------------------------- reading cells


# Fiscal years whose checkpoints are on the calendar (BE 9999 = CE 9456); validation names
# anything implausible, deadlines only must not fall off the end of `datetime.date`.
_FISCAL_YEARS = range(2401, 10000)


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- measures


@dataclass(frozen=True)
class StepRecord:
    row: int
    row_id: str
    fiscal_year: int | None
    measure_no: int | None
    measure: str
    step_no: int | None
    step: str
    unit: str
    cadence: str  # choice key or NOT_GIVEN/OTHER
    due_date: dt.date | None
    status: str  # choice key; a blank status is "not_started"
    status_text: str


def read_steps(table: SheetTable, as_of: dt.date | None = None) -> list[StepRecord]:
    """Steps whose deadline can be worked out, from the typed sheet (automation.typed_tables):
    a row whose due date or status cannot be read is left to validation and skipped.

    With `as_of`, statuses are read as they stood that day: a step whose done date is later
    had not been finished then (it counts as in progress), so a report on a closed round
    does not change with the day it is drafted."""
    typed = typed_table(table)
    due_col, status_col, cadence_col = typed["due_date"], typed["status"], typed["cadence"]
    unit_col, year_col, done_col = typed["unit"], typed["fiscal_year"], typed["done_date"]
    raw: dict[str, list[Any]] = {}  # a cell's own text, read only for the rows that need it

    def raw_text(key: str, i: int) -> str:
        if key not in raw:
            raw[key] = typed.raw(key)
        return text_value(raw[key][i])

    steps = []
    for i, row in enumerate(typed.rows):
        due, ok = due_col.date(i)
        status = status_col.choice(i) or "not_started"
        if as_of is not None and status == "done":
            done = done_col.date(i)[0]
            if done is not None and done > as_of:
                status = "in_progress"
        if not ok or status == OTHER:
            continue
        fy = year_col.value(i) if year_col.value(i) in _FISCAL_YEARS else None
        cadence = cadence_col.choice(i)
        if due is None and (fy is None or cadence in (NOT_GIVEN, OTHER)):
            continue
        unit_key = unit_col.choice(i)
        steps.append(
            StepRecord(
                row=row, row_id=text_value(typed["row_id"].value(i)), fiscal_year=fy,
                measure_no=typed["measure_no"].value(i), measure=text_value(typed["measure"].value(i)),
                step_no=typed["step_no"].value(i), step=text_value(typed["step"].value(i)),
                unit=unit_key if unit_key not in (NOT_GIVEN, OTHER) else raw_text("unit", i),
                cadence=cadence, due_date=due, status=status, status_text=raw_text("status", i),
            )
        )
    return steps


def cadence_checkpoints(fiscal_year: int, cadence: str, grace_days: int) -> list[Checkpoint]:
    grace = dt.timedelta(days=grace_days)
    round1 = Checkpoint("round1", FiscalRound(fiscal_year, "h1").end + grace, STARTED)
    year_end = Checkpoint("year_end", FiscalRound(fiscal_year, "annual").end + grace, DONE)
    return [round1, year_end] if cadence == "semiannual" else [year_end]


def step_checkpoints(step: StepRecord, grace_days: int) -> list[Checkpoint]:
    if step.due_date is not None:
        return [Checkpoint("due_date", step.due_date, DONE)]
    assert step.fiscal_year is not None  # read_steps keeps only steps with a year or a date
    return cadence_checkpoints(step.fiscal_year, step.cadence, grace_days)


def _measure_status(steps: list[StepRecord]) -> str:
    """The measure's progress: done if any step is done, started if any is, cancelled if all are."""
    live = [s.status for s in steps if s.status != "cancelled"]
    if not live:
        return "cancelled"
    for key in ("done", "in_progress"):
        if key in live:
            return key
    return "not_started"


def measure_deadlines(
    settings: Settings, table: SheetTable, today: dt.date, lang: str = "th", dated: bool = False
) -> tuple[list[DeadlineItem], list[Finding]]:
    dl = settings.deadlines
    items: list[DeadlineItem] = []
    findings: list[Finding] = []
    steps = read_steps(table, today if dated else None)
    groups: dict[tuple[int | None, Any], list[StepRecord]] = {}
    for step in steps:
        point, status, late, left = judge(step_checkpoints(step, dl.report_grace_days), step.status,
                                          today, dl.due_soon_days)
        item = DeadlineItem(
            "step", step.row_id or f"row {step.row}", _short(step.step), step.unit, point.deadline,
            status, late, left, point.name, "measures", step.row, step.fiscal_year,
        )
        items.append(item)
        if status != "ok":
            findings.append(_step_finding(table, step, item, lang))
        groups.setdefault((step.fiscal_year, step.measure_no or step.measure), []).append(step)
    for (fy, _), group in groups.items():
        cadence = next((s.cadence for s in group if s.cadence not in (NOT_GIVEN, OTHER)), None)
        if fy is None or fy < 2400 or cadence is None:
            continue
        first = min(group, key=lambda s: s.row)
        point, status, late, left = judge(cadence_checkpoints(fy, cadence, dl.report_grace_days),
                                          _measure_status(group), today, dl.due_soon_days)
        units = Counter(s.unit for s in group)
        number = first.measure_no
        item = DeadlineItem(
            "measure", f"{fy}-{number:02d}" if number is not None else f"{fy}-{_short(first.measure, 20)}",
            _short(first.measure), units.most_common(1)[0][0], point.deadline, status, late, left,
            point.name, "measures", first.row, fy,
        )
        items.append(item)
        if status == "overdue":  # steps already carry their own due-soon notes
            findings.append(_measure_finding(table, first, item, lang))
    return items, findings


def _step_label(step: StepRecord, lang: str) -> str:
    s = step.step_no if step.step_no is not None else "?"
    m = step.measure_no if step.measure_no is not None else "?"
    fy = step.fiscal_year or "?"
    if lang == "en":
        return f"Step {s} of measure {m}, FY {fy} ({_short(step.step, 40)})"
    return f"ขั้นตอนที่ {s} ของมาตรการที่ {m} ปีงบประมาณ {fy} ({_short(step.step, 40)})"


def _step_finding(table: SheetTable, step: StepRecord, item: DeadlineItem, lang: str) -> Finding:
    col = table.layout.column("status")
    return _make(item, lang, sheet=table.title, row=step.row, column=col.header(lang),
                 value=step.status_text or None, row_id=step.row_id, column_key="status",
                 col_number=table.column_number("status"), label=_step_label(step, lang))


def _measure_finding(table: SheetTable, first: StepRecord, item: DeadlineItem, lang: str) -> Finding:
    col = table.layout.column("measure")
    number = first.measure_no if first.measure_no is not None else "?"
    if lang == "en":
        label = f"Measure {number}, FY {item.fiscal_year} ({_short(first.measure, 40)})"
    else:
        label = f"มาตรการที่ {number} ปีงบประมาณ {item.fiscal_year} ({_short(first.measure, 40)})"
    return _make(item, lang, sheet=table.title, row=first.row, column=col.header(lang),
                 value=first.measure or None, row_id=item.item_id, column_key="measure",
                 col_number=table.column_number("measure"), label=label,
                 state=_MEASURE_STATE[item.checkpoint][lang])


def _make(item: DeadlineItem, lang: str, *, label: str, state: str | None = None, **where: Any) -> Finding:
    lang = "en" if lang == "en" else "th"
    words = _WORDS[item.checkpoint][lang]
    rule: type[Rule] = Overdue if item.status == "overdue" else DueSoon
    days = item.days_late if item.status == "overdue" else (item.days_left or 0)
    if lang == "en":
        days_text = f"{days} day" + ("" if days == 1 else "s")
        when = "today" if days == 0 else f"in {days_text}"
    else:
        days_text = f"{days} วัน"
        when = "วันนี้" if days == 0 else f"ในอีก {days} วัน"
    return rule.make(
        lang=lang, unit=item.unit, sheet_key=item.sheet_key, item=label,
        state=state or words["state"], deadline=words["deadline"], action=words["action"],
        due=format_date(item.due_date, lang, "arabic"), days=days, days_text=days_text, when=when,
        owner=item.unit or NO_UNIT[lang], **where,
    )


# ---------------------------------------------------------------- complaints


def complaint_deadlines(
    settings: Settings, table: SheetTable, today: dt.date, lang: str = "th",
    calendar: WorkCalendar | None = None, dated: bool = False,
) -> tuple[list[DeadlineItem], list[Finding], list[ComplaintTimeline]]:
    timelines = complaint_timelines(settings, table, today, calendar, dated=dated)
    labels = {c.key: c.label(lang) for c in CATEGORIES}
    titles = table.once("complaint_titles", (settings, lang, calendar), lambda: [
        _short(t.subject) or labels.get(t.category, "") for t in timelines])  # the same on every day
    items, findings = [], []
    for t, title in zip(timelines, titles, strict=True):
        if t.unreadable:
            continue  # validation reports the date; guessing here could flag a closed complaint
        # Built like complaint_timelines' records (frozen_record): 10,000 complaints a day asked for.
        item = frozen_record(DeadlineItem, {
            "kind": "complaint", "item_id": t.complaint_id or f"row {t.row}", "title": title, "unit": t.unit,
            "due_date": t.due_date, "status": t.status, "days_late": t.days_late, "days_left": t.days_left,
            "checkpoint": t.checkpoint, "sheet_key": "complaints", "row": t.row, "fiscal_year": None})
        items.append(item)
        if t.status == "ok":
            continue
        key = "ack_date" if t.checkpoint == "acknowledge" else "closed_date"
        if table.column_number(key) is None:
            key = "status"
        category = labels.get(t.category)
        if lang == "en":
            label = f"Complaint {item.item_id}" + (f" ({category})" if category else "")
        else:
            label = f"เรื่องร้องเรียนเลขที่ {item.item_id}" + (f" ({category})" if category else "")
        findings.append(
            _make(item, lang, sheet=table.title, row=t.row, column=table.layout.column(key).header(lang),
                  value=None, row_id=t.complaint_id, column_key=key, col_number=table.column_number(key),
                  label=label)
        )
    return items, findings, timelines


# ---------------------------------------------------------------- the report and the stage


def compute_deadlines(
    settings: Settings, tables: Tables, today: dt.date, lang: str = "th", dated: bool = False
) -> DeadlineReport:
    """Every deadline judged on `today`; `dated`: with statuses as they stood that day (done,
    acknowledged and closed dates after it had not happened yet), for a report on a past day.
    Computed once per run for each day (the stage, the summary and the reports share it)."""
    return tables["measures"].once("deadlines", (settings, tables["complaints"], today, lang, dated),
                                   lambda: _compute_deadlines(settings, tables, today, lang, dated))


def _compute_deadlines(settings: Settings, tables: Tables, today: dt.date, lang: str, dated: bool
                       ) -> DeadlineReport:  # fmt: skip
    items: list[DeadlineItem] = []
    findings: list[Finding] = []
    timelines: list[ComplaintTimeline] = []
    measures = tables["measures"]
    if measures.present and all(k in measures.match.positions for k in ("status", "cadence")):
        found_items, found = measure_deadlines(settings, measures, today, lang, dated)
        items += found_items
        findings += found
    complaints = tables["complaints"]
    if complaints.present and "received_date" in complaints.match.positions:
        found_items, found, timelines = complaint_deadlines(settings, complaints, today, lang, dated=dated)
        items += found_items
        findings += found
    return DeadlineReport(today, _oldest_first(items), sort_findings(findings), timelines, dated)


def stage(ctx: RunContext) -> StageResult:
    report = compute_deadlines(ctx.settings, ctx.tables, ctx.today, ctx.lang)
    ctx.figures["deadlines"] = report
    owed = report.by_unit()
    overdue_units = {u: sum(i.status == "overdue" for i in items) for u, items in owed.items()}
    lang = "en" if ctx.lang == "en" else "th"
    summary = ", ".join(f"{u or NO_UNIT[lang]} {n}" for u, n in overdue_units.items() if n)
    figures: dict[str, Any] = {
        "overdue": len(report.overdue),
        "due_soon": len(report.due_soon),
        "overdue_by_unit": summary,
        # for the run's one-screen summary: who owes the overdue items, or nothing
        "overdue_units": f" ({summary})" if summary else "",
        "counts": report.counts(),
    }
    return StageResult("deadlines", report.findings, figures)
