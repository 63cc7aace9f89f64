"""Complaint statistics for a round: the 6- and 12-month figures the office publishes.

A complaint belongs to a round when its received date falls within round.start..round.end
(a row whose received date cannot be read belongs to none and is counted as `unreadable`).
Counts go by channel, category, status and unit, listing every known value (zeros
included, in the sheet's order) and then "other" (a value not in the list) and "not given"
(a blank cell) when there are any.

- As of: the figures are as things stood on the day given (`today`): a closing or
  acknowledgement dated after it had not happened yet; an undated status is taken as it
  stands. The reports pass the round's last day, so a report drafted in April, in August or
  a year later gives the same figures; `complaints` and the run's summary count as of today.
- closed: the office had finished with it (a closed date, or status ยุติเรื่อง / ส่งต่อ);
  open: the rest. overdue: open and past a due date on the as-of day (automation.deadlines);
  closed_late: closed after its category's closing limit; closed_on_time: closed by it.
- Time to close (mean, median) is measured in the basis of `[deadlines.complaint_default]`
  (calendar or Thai working days), over complaints closed with a readable closed date; the
  corruption figures use the corruption category's own basis. `basis` says which.
- Corruption complaints (category การทุจริตและประพฤติมิชอบ) are also counted on their own,
  for the ITA, in `corruption`.
- carried_over: complaints received before the round began (an earlier fiscal year) and
  still open on the as-of day. They are named on their own, never in the round's counts.

The statistics never read the complainant's name or contact: only the columns above.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from automation.complaint_timelines import (
    NO_DAY,
    ComplaintTimeline,
    Judged,
    days_between,
    judge_cases,
    judged,
    no_cases,
    run_calendar,
    timelines_of,
)
from automation.schema import Choice
from automation.settings import Settings
from automation.stage import RunContext, StageResult
from automation.tables import SheetTable
from automation.thaidate import FiscalRound, round_to_report
from automation.typed_tables import NOT_GIVEN, OTHER
from automation.workdays import WorkCalendar

CORRUPTION = "corruption"
_EXTRA = {OTHER: {"th": "อื่น ๆ", "en": "Other"}, NOT_GIVEN: {"th": "ไม่ระบุ", "en": "Not given"}}


@dataclass
class ComplaintStats:
    round: FiscalRound
    today: dt.date
    basis: str  # calendar | working: the unit of the days-to-close figures
    total: int
    by_channel: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    closed: int
    open: int
    overdue: int
    closed_on_time: int
    closed_late: int
    mean_days_to_close: float | None
    median_days_to_close: float | None
    corruption: ComplaintStats | None = None
    unreadable: int = 0  # rows in the sheet whose received date could not be read
    carried_over: list[ComplaintTimeline] = field(default_factory=list)  # earlier years, still open
    first_received: dt.date | None = None  # the register's earliest complaint: how far back it goes

    def as_json(self) -> dict[str, Any]:
        def pairs(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
            return [{"label": label, "count": count} for label, count in rows]

        def days(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        data: dict[str, Any] = {
            "round": {"fiscal_year": self.round.fiscal_year, "kind": self.round.kind,
                      "start": self.round.start.isoformat(), "end": self.round.end.isoformat()},
            "today": self.today.isoformat(),
            "total": self.total,
            "closed": self.closed,
            "open": self.open,
            "overdue": self.overdue,
            "closed_on_time": self.closed_on_time,
            "closed_late": self.closed_late,
            "basis": self.basis,
            "mean_days_to_close": days(self.mean_days_to_close),
            "median_days_to_close": days(self.median_days_to_close),
            "unreadable": self.unreadable,
            "by_channel": pairs(self.by_channel),
            "by_category": pairs(self.by_category),
            "by_status": pairs(self.by_status),
            "by_unit": pairs(self.by_unit),
            "carried_over": [{"id": t.complaint_id, "received": t.received.isoformat(),
                              "overdue": t.status == "overdue"} for t in self.carried_over],
        }
        if self.corruption is not None:
            data["corruption"] = self.corruption.as_json()
        return data


def _counts(keys: Counter[str], choices: tuple[Choice, ...], lang: str) -> list[tuple[str, int]]:
    rows = [(c.label(lang), keys.get(c.key, 0)) for c in choices]
    for extra in (OTHER, NOT_GIVEN):
        if extra in keys:
            rows.append((_EXTRA[extra]["en" if lang == "en" else "th"], keys[extra]))
    return rows


def _stats(
    table: SheetTable, j: Judged, rows: np.ndarray, round: FiscalRound, today: dt.date, lang: str, basis: str,
    calendar: WorkCalendar,
) -> ComplaintStats:
    """The figures of the judged complaints at the indices `rows`, from the judgement's columns."""
    layout, cases = table.layout, j.cases
    closed = j.closed[rows]
    dated = j.closed_date[rows] != NO_DAY
    closed_days = j.closed_date[rows][dated]
    days = days_between(calendar, cases.received[rows][dated], closed_days, basis == "working").tolist()
    late = closed & (j.closed_late_days[rows] > 0)

    def counts(values: np.ndarray, key: str) -> list[tuple[str, int]]:
        return _counts(Counter(values[rows].tolist()), layout.column(key).choices, lang)

    return ComplaintStats(
        round=round, today=today, basis=basis, total=len(rows),
        by_channel=counts(cases.text["channel"], "channel"),
        by_category=counts(cases.category, "category"),
        by_status=counts(j.status_key, "status"),
        by_unit=counts(cases.text["unit_key"], "unit"),
        closed=int(closed.sum()), open=len(rows) - int(closed.sum()),
        overdue=int((j.status[rows] == "overdue").sum()),
        closed_on_time=int((closed & dated & ~late).sum()),
        closed_late=int(late.sum()),
        mean_days_to_close=statistics.fmean(days) if days else None,
        median_days_to_close=float(statistics.median(days)) if days else None,
    )  # fmt: skip


def complaint_statistics(
    settings: Settings, complaints: SheetTable, round: FiscalRound, today: dt.date, lang: str = "th",
    calendar: WorkCalendar | None = None,
) -> ComplaintStats:
    """The round's complaint figures as they stood on `today`, with the corruption complaints
    also on their own and the open ones of earlier years named. A report passes its round's
    last day (automation.reports.figures.report_day). Computed once per run for each round
    and day: the stage, the summary and the reports share them."""
    return complaints.once("complaint_statistics", (settings, round, today, lang, calendar),
                           lambda: _statistics(settings, complaints, round, today, lang, calendar))


def _statistics(settings: Settings, complaints: SheetTable, round: FiscalRound, today: dt.date, lang: str,
                calendar: WorkCalendar | None) -> ComplaintStats:
    # The judgement with the caller's calendar (None: the settings' own), so that every round's
    # statistics share the run's one reading of the sheet.
    counting = calendar or run_calendar(settings, complaints)
    j = (judged(settings, complaints, today, calendar, dated=True) if complaints.present else
         judge_cases(no_cases(), today, counting, settings.deadlines.complaint_due_soon_days))
    received = j.cases.received
    inside = np.flatnonzero((received >= round.start.toordinal()) & (received <= round.end.toordinal()))
    stats = _stats(complaints, j, inside, round, today, lang, settings.deadlines.complaint_default.basis, counting)
    corrupt = inside[j.cases.category[inside] == CORRUPTION]
    stats.corruption = _stats(complaints, j, corrupt, round, today, lang,
                              settings.complaint_limit(CORRUPTION).basis, counting)
    stats.unreadable = len(complaints.frame) - len(j)
    stats.first_received = dt.date.fromordinal(int(received.min())) if len(received) else None
    earlier = np.flatnonzero((received < round.start.toordinal()) & ~j.closed)
    stats.carried_over = sorted(timelines_of(j, earlier), key=lambda t: (t.received, t.complaint_id))
    return stats


def stage(ctx: RunContext) -> StageResult:
    """Statistics for the round whose report is being drafted now."""
    round = round_to_report(ctx.today, ctx.settings.deadlines.report_grace_days)
    stats = complaint_statistics(ctx.settings, ctx.tables["complaints"], round, ctx.today, ctx.lang)
    ctx.figures["complaints"] = stats
    return StageResult("complaints", [], {"round_label": round.label(ctx.lang, "arabic"), **stats.as_json()})
