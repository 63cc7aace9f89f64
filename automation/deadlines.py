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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from automation.checkpoints import Checkpoint, judge
from automation.complaint_timelines import (
    ComplaintTimeline,
    Judged,
    complaint_timelines,
    frozen_record,
    judged,
    text_value,
    timeline_columns,
)
from automation.deadline_items import (  # the rules are re-exported: jobs and the catalogue name them here
    KIND_ORDER,
    NO_UNIT,
    DeadlineItem,
    DueSoon,  # noqa: F401
    Overdue,  # noqa: F401
    make_finding,
    oldest_first,
    short_text,
)
from automation.findings import Finding, sort_findings
from automation.schema import CATEGORIES
from automation.settings import Settings
from automation.stage import RunContext, StageResult
from automation.tables import SheetTable, Tables
from automation.thaidate import FiscalRound
from automation.typed_tables import NOT_GIVEN, OTHER, typed_table
from automation.workdays import WorkCalendar

DONE = frozenset({"done", "cancelled"})
STARTED = frozenset({"in_progress", "done", "cancelled"})


_MEASURE_STATE = {
    "round1": {"th": "ยังไม่มีขั้นตอนใดเริ่มดำเนินการ", "en": "has no step started"},
    "year_end": {"th": "ยังไม่มีขั้นตอนใดดำเนินการแล้วเสร็จ", "en": "has no step done"},
}
@dataclass
class DeadlineReport:
    """Every deadline judged on `today`. The complaints' items are made when asked for: the
    stage, the summary and the reports need only the few that are owed (ComplaintDeadlines)."""

    today: dt.date
    steps: list[DeadlineItem]  # the measures sheet's steps and measures
    findings: list[Finding] = field(default_factory=list)
    owed_complaints: ComplaintDeadlines | None = None
    dated: bool = False  # statuses as they stood on `today` (see compute_deadlines)

    @cached_property
    def items(self) -> list[DeadlineItem]:
        """Every item, oldest due date first: the plan's, and one per complaint whose dates can be read."""
        return oldest_first(self.steps + (self.owed_complaints.items() if self.owed_complaints else []))

    @cached_property
    def complaints(self) -> list[ComplaintTimeline]:
        """Every complaint whose received date can be read, judged on `today`, in sheet order."""
        return self.owed_complaints.timelines() if self.owed_complaints else []

    @cached_property
    def _owed(self) -> list[DeadlineItem]:
        """The items overdue or due soon, oldest due date first."""
        owed = self.owed_complaints.owed if self.owed_complaints else []
        return oldest_first([i for i in self.steps if i.status != "ok"] + owed)

    @property
    def overdue(self) -> list[DeadlineItem]:
        return [i for i in self._owed if i.status == "overdue"]

    @property
    def due_soon(self) -> list[DeadlineItem]:
        return [i for i in self._owed if i.status == "due_soon"]

    def with_status(self, status: str) -> list[DeadlineItem]:
        """The items of one status, oldest due date first: `[i for i in items if i.status == status]`,
        without making every complaint's item for overdue or due soon."""
        return [i for i in (self.items if status == "ok" else self._owed) if i.status == status]

    def received_dates(self) -> dict[int, dt.date]:
        """Each complaint's received date by its sheet row: `{t.row: t.received for t in complaints}`,
        from the columns (no timeline made)."""
        if not self.owed_complaints:
            return {}
        cases = self.owed_complaints.judged.cases
        return dict(zip(cases.text["row"].tolist(), timeline_columns(self.owed_complaints.judged, np.arange(
            len(cases)), ["received"])["received"], strict=True))

    def by_unit(self) -> dict[str, list[DeadlineItem]]:
        """What each unit owes (overdue and due soon), oldest due date first; units A-Z."""
        owed: dict[str, list[DeadlineItem]] = {}
        for item in self._owed:
            owed.setdefault(item.unit, []).append(item)
        return dict(sorted(owed.items()))

    def counts(self) -> dict[str, dict[str, int]]:
        """Items per kind and status; kinds in the order they first come in `items`."""
        table: dict[str, dict[str, int]] = {}
        first: dict[str, tuple[dt.date, int]] = {}
        for item in self.steps:
            row = table.setdefault(item.kind, {"overdue": 0, "due_soon": 0, "ok": 0})
            row[item.status] += 1
            first[item.kind] = min(first.get(item.kind, (dt.date.max, 0)), (item.due_date, KIND_ORDER[item.kind]))
        if self.owed_complaints and (found := self.owed_complaints.counts()) is not None:
            table["complaint"], first["complaint"] = found
        return {kind: table[kind] for kind in sorted(table, key=first.__getitem__)}

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "counts": self.counts(),
            "overdue": len(self.overdue),
            "due_soon": len(self.due_soon),
            "by_unit": {unit: [i.item_id for i in items] for unit, items in self.by_unit().items()},
            "items": [i.as_json() for i in self.items],
        }


# ---------------------------------------------------------------- reading cells


# Fiscal years whose checkpoints are on the calendar (BE 9999 = CE 9456); validation names
# anything implausible, deadlines only must not fall off the end of `datetime.date`.
_FISCAL_YEARS = range(2401, 10000)


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
            "step", step.row_id or f"row {step.row}", short_text(step.step), step.unit, point.deadline,
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
            "measure", f"{fy}-{number:02d}" if number is not None else f"{fy}-{short_text(first.measure, 20)}",
            short_text(first.measure), units.most_common(1)[0][0], point.deadline, status, late, left,
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
        return f"Step {s} of measure {m}, FY {fy} ({short_text(step.step, 40)})"
    return f"ขั้นตอนที่ {s} ของมาตรการที่ {m} ปีงบประมาณ {fy} ({short_text(step.step, 40)})"


def _step_finding(table: SheetTable, step: StepRecord, item: DeadlineItem, lang: str) -> Finding:
    col = table.layout.column("status")
    return make_finding(item, lang, sheet=table.title, row=step.row, column=col.header(lang),
                 value=step.status_text or None, row_id=step.row_id, column_key="status",
                 col_number=table.column_number("status"), label=_step_label(step, lang))


def _measure_finding(table: SheetTable, first: StepRecord, item: DeadlineItem, lang: str) -> Finding:
    col = table.layout.column("measure")
    number = first.measure_no if first.measure_no is not None else "?"
    if lang == "en":
        label = f"Measure {number}, FY {item.fiscal_year} ({short_text(first.measure, 40)})"
    else:
        label = f"มาตรการที่ {number} ปีงบประมาณ {item.fiscal_year} ({short_text(first.measure, 40)})"
    return make_finding(item, lang, sheet=table.title, row=first.row, column=col.header(lang),
                 value=first.measure or None, row_id=item.item_id, column_key="measure",
                 col_number=table.column_number("measure"), label=label,
                 state=_MEASURE_STATE[item.checkpoint][lang])


# ---------------------------------------------------------------- complaints


@dataclass(frozen=True)
class ComplaintDeadlines:
    """The complaints' deadlines on a day: the judged columns, and as items only those owed."""

    judged: Judged
    titles: np.ndarray  # object: each case's item title
    readable: np.ndarray  # indices of the cases whose dates can all be read (the others get no item)
    owed: list[DeadlineItem]  # the readable ones overdue or due soon, in sheet order
    timelines: Callable[[], list[ComplaintTimeline]]

    def items(self) -> list[DeadlineItem]:
        return complaint_items(self.judged, self.titles, self.readable)

    def counts(self) -> tuple[dict[str, int], tuple[dt.date, int]] | None:
        """(items per status, (earliest due date, kind order)), None without an item."""
        if not len(self.readable):
            return None
        status = self.judged.status[self.readable]
        counts = {key: int((status == key).sum()) for key in ("overdue", "due_soon", "ok")}
        return counts, (dt.date.fromordinal(int(self.judged.due_date[self.readable].min())), KIND_ORDER["complaint"])


_ITEM_FIELDS = ["complaint_id", "row", "unit", "due_date", "status", "days_late", "days_left", "checkpoint"]


def complaint_items(j: Judged, titles: np.ndarray, which: np.ndarray) -> list[DeadlineItem]:
    """The judged complaints at the indices `which` as deadline items, from the columns; built
    without the frozen dataclass's per-field __init__ (frozen_record): 10,000 complaints a day."""
    columns = timeline_columns(j, which, _ITEM_FIELDS)
    return [frozen_record(DeadlineItem, {
        "kind": "complaint", "item_id": cid or f"row {row}", "title": title, "unit": unit, "due_date": due,
        "status": status, "days_late": late, "days_left": left, "checkpoint": point, "sheet_key": "complaints",
        "row": row, "fiscal_year": None,
    }) for cid, row, unit, due, status, late, left, point, title in zip(
        *columns.values(), titles[which].tolist(), strict=True)]  # fmt: skip


def complaint_deadlines(
    settings: Settings, table: SheetTable, today: dt.date, lang: str = "th",
    calendar: WorkCalendar | None = None, dated: bool = False,
) -> tuple[ComplaintDeadlines, list[Finding]]:
    j = judged(settings, table, today, calendar, dated)
    labels = {c.key: c.label(lang) for c in CATEGORIES}
    cases = j.cases
    titles = table.once("complaint_titles", (settings, lang, calendar), lambda: np.fromiter(
        (short_text(s) or labels.get(k, "") for s, k in zip(cases.text["subject"].tolist(), cases.category.tolist(),
                                                         strict=True)), dtype=object, count=len(cases)))  # fmt: skip
    # A complaint with a date that cannot be read gets no item: validation reports the date, and
    # guessing here could flag a closed complaint.
    readable = np.flatnonzero([not bad for bad in cases.text["unreadable"].tolist()])
    owed_at = readable[j.status[readable] != "ok"]
    owed = complaint_items(j, titles, owed_at)
    findings = []
    for item, complaint_id, category_key in zip(owed, cases.text["complaint_id"][owed_at].tolist(),
                                                cases.category[owed_at].tolist(), strict=True):
        key = "ack_date" if item.checkpoint == "acknowledge" else "closed_date"
        if table.column_number(key) is None:
            key = "status"
        category = labels.get(category_key)
        if lang == "en":
            label = f"Complaint {item.item_id}" + (f" ({category})" if category else "")
        else:
            label = f"เรื่องร้องเรียนเลขที่ {item.item_id}" + (f" ({category})" if category else "")
        findings.append(
            make_finding(item, lang, sheet=table.title, row=item.row, column=table.layout.column(key).header(lang),
                  value=None, row_id=complaint_id, column_key=key, col_number=table.column_number(key),
                  label=label)
        )
    timelines = (lambda: complaint_timelines(settings, table, today, calendar, dated=dated))  # noqa: E731
    return ComplaintDeadlines(j, titles, readable, owed, timelines), findings


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
    steps: list[DeadlineItem] = []
    findings: list[Finding] = []
    owed_complaints = None
    measures = tables["measures"]
    if measures.present and all(k in measures.match.positions for k in ("status", "cadence")):
        steps, found = measure_deadlines(settings, measures, today, lang, dated)
        findings += found
    complaints = tables["complaints"]
    if complaints.present and "received_date" in complaints.match.positions:
        owed_complaints, found = complaint_deadlines(settings, complaints, today, lang, dated=dated)
        findings += found
    return DeadlineReport(today, steps, sort_findings(findings), owed_complaints, dated)


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
