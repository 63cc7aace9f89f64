"""Progress on the integrity measures of one fiscal year, from the measures sheet.

A measure is done when every step that still counts (not cancelled) is done; in progress when
any step has started; otherwise not started. Statuses are read as staff typed them, through the
schema's choices, so "ดำเนินการแล้ว " and "เสร็จสิ้น" both mean done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from automation.cells import shift_year
from automation.schema import Column
from automation.tables import ROW, SheetTable
from automation.thaidate import DateParseError, parse_date, to_arabic_digits

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


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, int) or value.is_integer() else None  # inf/NaN: None
    text = to_arabic_digits(str(value)).strip().removesuffix(".0")
    return int(text) if text.isdigit() else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value != value:  # blank, NaN or pandas' NaT (which is unequal to itself)
        return None
    try:
        day = parse_date(value)
    except DateParseError:
        return None
    if day.year > 2400:  # a BE year in a real date cell (validation flags the era): read it as BE
        return shift_year(day, -543)
    return day


def _choice_label(column: Column, value: Any, lang: str) -> tuple[str | None, str]:
    text = _text(value)
    choice = column.choice_for(text) if text else None
    return (choice.key, choice.label(lang)) if choice else (None, text)


def measure_progress(
    table: SheetTable, fiscal_year: int, lang: str = "th", as_of: dt.date | None = None
) -> MeasureProgress:
    """The measures and steps of `fiscal_year`, in plan order.

    With `as_of`, a step counts as done only if its done date is on or before that day (or it
    has none): how far the plan had got when the round closed. A step done later was in
    progress then; its later result and evidence belong to a later report (`done_later`).
    """
    layout = table.layout
    status_col, unit_col = layout.column("status"), layout.column("unit")
    measures: dict[int, MeasureRow] = {}
    for rec in table.records():
        if _int(rec.get("fiscal_year")) != fiscal_year:
            continue
        measure_no = _int(rec.get("measure_no")) or 0
        step_no = _int(rec.get("step_no")) or 0
        status, status_label = _choice_label(status_col, rec.get("status"), lang)
        unit_key, unit = _choice_label(unit_col, rec.get("unit"), lang)
        done_date = _date(rec.get("done_date"))
        if status is None:
            status, status_label = UNKNOWN, UNKNOWN_LABEL["en" if lang == "en" else "th"]
        done_later = bool(status == DONE and as_of and done_date and done_date > as_of)
        if done_later:  # on the as-of day it was still being worked on
            status, status_label = IN_PROGRESS, status_col.choice_for(IN_PROGRESS).label(lang)  # type: ignore[union-attr]
        step = StepRow(
            row=int(rec[ROW]), row_id=_text(rec.get("row_id")), measure_no=measure_no,
            measure=_text(rec.get("measure")), step_no=step_no, step=_text(rec.get("step")),
            unit=unit_key or unit, status=status, status_label=status_label, done_date=done_date,
            result=_text(rec.get("result")), evidence_url=_text(rec.get("evidence_url")),
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
