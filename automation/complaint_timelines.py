"""Each complaint's dates, due dates and standing: read once per run, judged per day.

The rules (per category limits, `settings.complaint_limit(category)`):
- Due to acknowledge = received + ack_days; due to close = received + close_days, counted
  in calendar days or Thai working days (`basis`; see automation.workdays).
- Acknowledged: an acknowledgement date, a closed date, or status in progress / closed /
  referred. Closed: a closed date, or status closed (ยุติเรื่อง) or referred (ส่งต่อ).
- An open complaint is overdue when the day it is judged on is after the due date of the
  first obligation it has not met; due soon within `[deadlines] complaint_due_soon_days`
  calendar days. A complaint closed after its due date is "closed late" (see
  automation.complaints), not an open overdue item.
- days_open and days_to_close count in the category's basis (to compare with its limit);
  days_late and days_left count calendar days from the due date, like measures.

What does not depend on the day (`ComplaintCase`: the typed cells, the due dates in working
days) is worked out once per run from the typed complaints sheet and shared by deadlines,
the complaint statistics of every round, the summary and the reports; `complaint_timelines`
judges those cases as of a day, once per day asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from automation.checkpoints import Checkpoint, Status, judge
from automation.privacy import mask_pii
from automation.settings import Settings
from automation.tables import SheetTable
from automation.typed_tables import typed_table
from automation.workdays import WorkCalendar

COMPLAINT_CLOSED = frozenset({"closed", "referred"})


@dataclass(frozen=True)
class ComplaintCase:
    """What a complaint's row says, typed, with its due dates: the same on every day."""

    complaint_id: str
    row: int
    received: dt.date
    subject: str  # staff's summary, with phone numbers, e-mails and ids masked
    channel: str  # choice key, NOT_GIVEN or OTHER
    category: str
    status_key: str
    unit: str  # configured unit name, or the cell's text when it names no unit
    unit_key: str  # unit name, NOT_GIVEN or OTHER
    basis: str
    ack_due: dt.date
    close_due: dt.date
    ack_date: dt.date | None
    closed_date: dt.date | None
    unreadable: tuple[str, ...] = ()  # date columns that could not be read (treated as blank)


@dataclass(frozen=True, kw_only=True)
class ComplaintTimeline(ComplaintCase):
    """One complaint's dates and figures as of `today` (see the module docstring): its case, with
    status and dates as they stood that day, and what they mean."""

    acknowledged: bool
    closed: bool
    days_open: int | None  # in `basis`, received → closed date or today; None if closed undated
    days_to_close: int | None  # in `basis`, when closed with a date
    checkpoint: str  # acknowledge | close
    due_date: dt.date
    status: Status
    days_late: int  # calendar days an open complaint is past due_date
    days_left: int | None
    closed_late_days: int  # calendar days a closed complaint was closed after close_due

    @property
    def closed_late(self) -> bool:
        return self.closed_late_days > 0


# What a timeline takes over from its case unchanged (the status and the dates are judged anew).
_CASE_FIELDS = [f for f in fields(ComplaintCase) if f.name not in ("status_key", "ack_date", "closed_date")]


def text_value(value: object) -> str:
    return "" if value is None else str(value).strip()


def unit_name(unit_key: str, raw: object) -> str:
    """The configured unit a cell names (aliases included), else the cell's own text."""
    return unit_key if unit_key not in ("", "?") else text_value(raw)


def complaint_cases(settings: Settings, table: SheetTable, calendar: WorkCalendar | None = None
                    ) -> list[ComplaintCase]:  # fmt: skip
    """Every complaint whose received date can be read, typed, with its due dates; worked out
    once per table (and settings) and kept with the table."""
    return table.once("complaint_cases", (settings, calendar),
                      lambda: _complaint_cases(settings, table, calendar or WorkCalendar(settings)))


def _complaint_cases(settings: Settings, table: SheetTable, calendar: WorkCalendar) -> list[ComplaintCase]:
    typed = typed_table(table)
    received_col, ack_col, closed_col = typed["received_date"], typed["ack_date"], typed["closed_date"]
    category_col, status_col = typed["category"], typed["status"]
    channel_col, unit_col = typed["channel"], typed["unit"]
    ids, subjects = typed["complaint_id"], typed["subject"]
    unit_raw: list[object] | None = None  # the unit cells' own text, only when one names no unit
    out = []
    for i, row in enumerate(typed.rows):
        received, ok = received_col.date(i)
        if received is None or not ok:
            continue
        ack_date, ack_ok = ack_col.date(i)
        closed_date, closed_ok = closed_col.date(i)
        unreadable = tuple(k for k, good in (("ack_date", ack_ok), ("closed_date", closed_ok)) if not good)
        category, status_key, unit_key = category_col.choice(i), status_col.choice(i), unit_col.choice(i)
        limit = settings.complaint_limit(category)
        basis = limit.basis
        if unit_key in ("", "?") and unit_raw is None:
            unit_raw = typed.raw("unit")
        out.append(
            ComplaintCase(
                complaint_id=text_value(ids.value(i)), row=row, received=received,
                subject=mask_pii(text_value(subjects.value(i))), channel=channel_col.choice(i),
                category=category, status_key=status_key,
                unit=unit_name(unit_key, unit_raw[i] if unit_raw is not None else None), unit_key=unit_key,
                basis=basis, ack_due=calendar.add_days(received, limit.ack_days, basis),
                close_due=calendar.add_days(received, limit.close_days, basis),
                ack_date=ack_date, closed_date=closed_date, unreadable=unreadable,
            )
        )
    return out


def complaint_timelines(
    settings: Settings, table: SheetTable, today: dt.date, calendar: WorkCalendar | None = None,
    dated: bool = False,
) -> list[ComplaintTimeline]:
    """Every complaint whose received date can be read, judged as of `today`; once per day.

    `dated`: as things stood on `today` — an acknowledgement or closing dated later had not
    happened yet (a report on a closed round reads the same whenever it is drafted)."""
    return table.once("complaint_timelines", (settings, calendar, today, dated),
                      lambda: _judged(settings, table, today, calendar, dated))


def _judged(settings: Settings, table: SheetTable, today: dt.date, given: WorkCalendar | None,
            dated: bool) -> list[ComplaintTimeline]:
    cases = complaint_cases(settings, table, given)  # the run's one reading of the sheet
    calendar = given or WorkCalendar(settings)
    soon = settings.deadlines.complaint_due_soon_days
    out = []
    for c in cases:
        status_key, ack_date, closed_date = c.status_key, c.ack_date, c.closed_date
        if dated:
            status_key, ack_date, closed_date = _status_on(status_key, ack_date, closed_date, today)
        closed = closed_date is not None or status_key in COMPLAINT_CLOSED
        acknowledged = closed or ack_date is not None or status_key == "in_progress"
        days_to_close = calendar.days_between(c.received, closed_date, c.basis) if closed_date else None
        days_open = days_to_close if closed else calendar.days_between(c.received, today, c.basis)
        points = [Checkpoint("close", c.close_due, frozenset({"closed"}))]
        if not acknowledged:
            points.insert(0, Checkpoint("acknowledge", c.ack_due, frozenset({"closed"})))
        point, status, late, left = judge(points, "closed" if closed else "open", today, soon)
        out.append(
            ComplaintTimeline(
                **{f.name: getattr(c, f.name) for f in _CASE_FIELDS},
                status_key=status_key, ack_date=ack_date, closed_date=closed_date, acknowledged=acknowledged,
                closed=closed, days_open=days_open, days_to_close=days_to_close,
                checkpoint=point.name, due_date=point.deadline, status=status, days_late=late,
                days_left=left, closed_late_days=max(0, (closed_date - c.close_due).days) if closed_date else 0,
            )
        )
    return out


def _status_on(
    status: str, ack_date: dt.date | None, closed_date: dt.date | None, day: dt.date
) -> tuple[str, dt.date | None, dt.date | None]:
    """A complaint's status and dates as they stood on `day`: what is dated later had not
    happened. An undated status is taken as it stands (nothing says when it changed)."""
    if closed_date is not None and closed_date > day:
        closed_date = None
        status = "in_progress" if ack_date is not None and ack_date <= day else "received"
    if ack_date is not None and ack_date > day:
        ack_date = None
        if status == "in_progress":
            status = "received"
    return status, ack_date, closed_date
