"""Progress on the integrity measures of one fiscal year, from the measures sheet.

A measure is done when every step that still counts (not cancelled) is done; in progress when
any step has started; otherwise not started. Cells are read from the typed sheet
(automation.typed_tables), as validation reads them, so "ดำเนินการแล้ว " and "เสร็จสิ้น" both mean
done; computed once per run for each fiscal year and as-of day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from automation.tables import SheetTable
from automation.typed_tables import typed_table

DONE, IN_PROGRESS, NOT_STARTED, CANCELLED, UNKNOWN = "done", "in_progress", "not_started", "cancelled", "unknown"
MEASURE_STATUS = {
    "th": {DONE: "ดำเนินการแล้ว", IN_PROGRESS: "อยู่ระหว่างดำเนินการ", NOT_STARTED: "ยังไม่ดำเนินการ"},
    "en": {DONE: "Done", IN_PROGRESS: "In progress", NOT_STARTED: "Not started"},
}
UNKNOWN_LABEL = {"th": "ไม่ระบุสถานะ", "en": "No valid status"}


@dataclass
class StepRow:
    row: int  # sheet row, so a reader can find it
    row_id: str
    measure_no: int
    measure: str
    step_no: int
    step: str
    unit: str
    status: str  # done | in_progress | not_started | cancelled | unknown
    status_label: str
    done_date: dt.date | None
    result: str
    evidence_url: str
    done_later: bool = False  # marked done, but dated after the as-of day: not done then


@dataclass
class MeasureRow:
    no: int
    title: str
    units: list[str]
    steps: list[StepRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)

    @property
    def counted(self) -> list[StepRow]:
        return [s for s in self.steps if s.status != CANCELLED]

    @property
    def status(self) -> str:
        counted = self.counted
        if counted and all(s.status == DONE for s in counted):
            return DONE
        if any(s.status in (DONE, IN_PROGRESS) for s in counted):
            return IN_PROGRESS
        return NOT_STARTED


@dataclass
class MeasureProgress:
    fiscal_year: int
    measures: list[MeasureRow]

    @property
    def steps(self) -> list[StepRow]:
        return [s for m in self.measures for s in m.steps]

    def steps_with(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)

    @property
    def steps_counted(self) -> int:
        return sum(1 for s in self.steps if s.status != CANCELLED)

    def measures_with(self, status: str) -> int:
        return sum(1 for m in self.measures if m.status == status)

    @property
    def done_share(self) -> float | None:
        """Share of counted steps done (0..1), None when the year has no steps."""
        counted = self.steps_counted
        return self.steps_with(DONE) / counted if counted else None

    def as_json(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "measures": len(self.measures),
            "measures_done": self.measures_with(DONE),
            "measures_in_progress": self.measures_with(IN_PROGRESS),
            "measures_not_started": self.measures_with(NOT_STARTED),
            "steps": self.steps_counted,
            "steps_done": self.steps_with(DONE),
            "steps_in_progress": self.steps_with(IN_PROGRESS),
            "steps_not_started": self.steps_with(NOT_STARTED),
            "steps_unknown": self.steps_with(UNKNOWN),
        }


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def measure_progress(
    table: SheetTable, fiscal_year: int, lang: str = "th", as_of: dt.date | None = None
) -> MeasureProgress:
    """The measures and steps of `fiscal_year`, in plan order.

    With `as_of`, a step counts as done only if its done date is on or before that day (or it
    has none): how far the plan had got when the round closed. A step done later was in
    progress then; its later result and evidence belong to a later report (`done_later`).
    """
    return table.once("measure_progress", (fiscal_year, lang, as_of),
                      lambda: _progress(table, fiscal_year, lang, as_of))


def _progress(table: SheetTable, fiscal_year: int, lang: str, as_of: dt.date | None) -> MeasureProgress:
    typed = typed_table(table)
    labels = {c.key: c.label(lang) for c in table.layout.column("status").choices}
    years, statuses, units = typed["fiscal_year"], typed["status"], typed["unit"]
    raw: dict[str, list[Any]] = {}  # a cell's own text, only where it is wanted as typed

    def own_text(key: str, i: int) -> str:
        if key not in raw:
            raw[key] = typed.raw(key)
        value = raw[key][i]
        return str(int(value)) if isinstance(value, float) and value.is_integer() else _text(value)

    measures: dict[int, MeasureRow] = {}
    for i, row in enumerate(typed.rows):
        if years.value(i) != fiscal_year:
            continue
        measure_no = typed["measure_no"].value(i) or 0
        step_no = typed["step_no"].value(i) or 0
        status = statuses.value(i)
        status_label = labels[status] if status is not None else ""
        unit = units.value(i) if units.value(i) is not None else own_text("unit", i)
        # A done date with a BE year (validation names the era) still dates the step.
        done_date = typed["done_date"].lenient(i)
        if status is None:
            status, status_label = UNKNOWN, UNKNOWN_LABEL["en" if lang == "en" else "th"]
        done_later = bool(status == DONE and as_of and done_date and done_date > as_of)
        if done_later:  # on the as-of day it was still being worked on
            status, status_label = IN_PROGRESS, labels[IN_PROGRESS]
        step = StepRow(
            row=row, row_id=_text(typed["row_id"].value(i)), measure_no=measure_no,
            measure=_text(typed["measure"].value(i)), step_no=step_no, step=_text(typed["step"].value(i)),
            unit=unit, status=status, status_label=status_label, done_date=done_date,
            result=_text(typed["result"].value(i)),
            evidence_url=own_text("evidence_url", i),  # as typed, even a link validation flags
            done_later=done_later,
        )
        measure = measures.setdefault(measure_no, MeasureRow(measure_no, step.measure, []))
        measure.title = measure.title or step.measure
        if step.unit and step.unit not in measure.units:
            measure.units.append(step.unit)
        measure.steps.append(step)
    for measure in measures.values():
        measure.steps.sort(key=lambda s: (s.step_no, s.row))
    return MeasureProgress(fiscal_year, [measures[k] for k in sorted(measures)])
