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

What does not depend on the day (`Cases`: the typed cells, the due dates in working days) is
worked out once per run from the typed complaints sheet, as columns (numpy arrays, one entry
per complaint), and shared by deadlines, the complaint statistics of every round, the summary
and the reports. `judged` judges every case as of a day at once, with numpy, once per day
asked for (`Judged`, the statistics read it); `complaint_timelines` hands the same as one
`ComplaintTimeline` per complaint to whatever lists complaints. `timeline_of` is the plain
definition, one complaint at a time (tests hold the columns to it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import numpy as np

from automation.checkpoints import Checkpoint, Status, judge
from automation.privacy import mask_pii
from automation.settings import Settings
from automation.tables import SheetTable
from automation.typed_tables import TypedColumn, typed_table
from automation.workdays import WorkCalendar

COMPLAINT_CLOSED = frozenset({"closed", "referred"})
NO_DAY = 0  # the ordinal of no date (a real date's ordinal is at least 1)
_EPOCH = dt.date(1970, 1, 1).toordinal()  # day 0 of numpy's datetime64
T = TypeVar("T")


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
_CASE_FIELDS = [f.name for f in fields(ComplaintCase) if f.name not in ("status_key", "ack_date", "closed_date")]
_TIMELINE_FIELDS = [f.name for f in fields(ComplaintTimeline)]


def text_value(value: object) -> str:
    return "" if value is None else str(value).strip()


def unit_name(unit_key: str, raw: object) -> str:
    """The configured unit a cell names (aliases included), else the cell's own text."""
    return unit_key if unit_key not in ("", "?") else text_value(raw)


# ---------------------------------------------------------------- the cases, once per run


@dataclass(frozen=True)
class Cases:
    """Every complaint whose received date can be read, as columns in sheet order: entry i of
    each is the same complaint. Dates are day ordinals (NO_DAY: none)."""

    text: dict[str, np.ndarray]  # complaint_id, row, subject, channel, category, unit, unit_key, basis, unreadable
    received: np.ndarray
    ack_due: np.ndarray
    close_due: np.ndarray
    ack_date: np.ndarray
    closed_date: np.ndarray
    status_key: np.ndarray  # object: the status's choice key
    category: np.ndarray  # object
    working: np.ndarray  # bool: the category's limits count working days
    days_to_close: np.ndarray  # in the case's basis, received → closed date (where there is one)
    sheet_rows: int  # rows in the sheet, dated or not

    def __len__(self) -> int:
        return len(self.received)


def complaint_cases(settings: Settings, table: SheetTable, calendar: WorkCalendar | None = None) -> Cases:
    """Every complaint whose received date can be read, typed, with its due dates; worked out
    once per table (and settings) and kept with the table."""
    return table.once("complaint_cases", (settings, calendar),
                      lambda: _complaint_cases(settings, table, calendar or run_calendar(settings, table)))


def run_calendar(settings: Settings, table: SheetTable) -> WorkCalendar:
    """The settings' working-day calendar, one per run (its years' holidays worked out once)."""
    return table.once("work_calendar", (settings,), lambda: WorkCalendar(settings))


def _complaint_cases(settings: Settings, table: SheetTable, calendar: WorkCalendar) -> Cases:
    typed = typed_table(table)
    received_col = typed["received_date"]
    received = _per_cell(received_col, lambda i: _ordinal(received_col.date(i)[0]), np.int64)
    keep = np.flatnonzero(received != NO_DAY)  # a blank or unreadable received date: no case
    received = received[keep]

    def column(key: str, value: Callable[[TypedColumn, int], Any]) -> np.ndarray:
        col = typed[key]
        return _per_cell(col, lambda i: value(col, i))[keep]

    def date_of(key: str) -> tuple[np.ndarray, np.ndarray]:  # (ordinals, readable)
        col = typed[key]
        return (_per_cell(col, lambda i: _ordinal(col.date(i)[0]), np.int64)[keep],
                _per_cell(col, lambda i: col.date(i)[1], bool)[keep])

    ack_date, ack_ok = date_of("ack_date")
    closed_date, closed_ok = date_of("closed_date")
    category = column("category", TypedColumn.choice)
    unit_key = column("unit", TypedColumn.choice)
    unit_col = typed["unit"]
    # The unit cell's own text, only for the distinct cells that name no configured unit.
    firsts = _per_cell(unit_col, lambda i: i if unit_col.choice(i) in ("", "?") else -1, np.int64)
    need = np.unique(firsts[firsts >= 0]).tolist()
    unit_text = dict(zip(need, typed.raw_at("unit", need), strict=True))
    unit = _per_cell(unit_col, lambda i: unit_name(unit_col.choice(i), unit_text.get(i)))[keep]
    limits = {key: settings.complaint_limit(key) for key in set(category.tolist())}
    basis = np.array([limits[c].basis for c in category.tolist()], dtype=object)
    working = basis == "working"
    ack_due, close_due = received.copy(), received.copy()
    for key, limit in limits.items():
        mine = category == key
        ack_due[mine] = calendar.add_days_to(received[mine], limit.ack_days, limit.basis)
        close_due[mine] = calendar.add_days_to(received[mine], limit.close_days, limit.basis)
    unreadable = [tuple(k for k, good in (("ack_date", a), ("closed_date", c)) if not good)
                  for a, c in zip(ack_ok.tolist(), closed_ok.tolist(), strict=True)]
    return Cases(
        text={
            "complaint_id": column("complaint_id", lambda c, i: text_value(c.value(i))),
            "row": np.array(typed.rows, dtype=np.int64)[keep],
            "subject": column("subject", lambda c, i: mask_pii(text_value(c.value(i)))),
            "channel": column("channel", TypedColumn.choice),
            "category": category, "unit": unit, "unit_key": unit_key, "basis": basis,
            "unreadable": np.fromiter(unreadable, dtype=object, count=len(unreadable)),
        },
        received=received, ack_due=ack_due, close_due=close_due, ack_date=ack_date, closed_date=closed_date,
        status_key=column("status", TypedColumn.choice), category=category, working=working,
        days_to_close=days_between(calendar, received, closed_date, working),
        sheet_rows=len(typed),
    )  # fmt: skip


def no_cases() -> Cases:
    """The cases of a register without a complaint (or without its sheet)."""
    days, nothing = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    text = {key: nothing for key in ("complaint_id", "subject", "channel", "category", "unit", "unit_key", "basis",
                                     "unreadable")}  # fmt: skip
    return Cases(text={**text, "row": days}, received=days, ack_due=days, close_due=days, ack_date=days,
                 closed_date=days, status_key=nothing, category=nothing, working=np.zeros(0, dtype=bool),
                 days_to_close=days, sheet_rows=0)  # fmt: skip


def _per_cell(column: TypedColumn, value: Callable[[int], Any], dtype: Any = object) -> np.ndarray:
    """value(first row of the cell) for each distinct cell of the column, per row."""
    return column.per_first_row(value, dtype)


def _ordinal(day: dt.date | None) -> int:
    return NO_DAY if day is None else day.toordinal()


def days_between(calendar: WorkCalendar, a: np.ndarray, b: np.ndarray, working: np.ndarray | bool) -> np.ndarray:
    """calendar.days_between(a, b, basis) pair by pair (ordinals; working: the basis is working
    days); where b is NO_DAY the entry is meaningless (callers mask it)."""
    plain = b - a
    working = np.broadcast_to(np.asarray(working, dtype=bool), a.shape)
    if not working.any():
        return plain
    pick = working & (b != NO_DAY)
    out = plain.copy()
    out[pick] = calendar.working_days_between_days(a[pick], b[pick])
    return out


# ---------------------------------------------------------------- as of a day


@dataclass(frozen=True)
class Judged:
    """Every case as of one day, as columns (the rules are in the module docstring)."""

    cases: Cases
    today: dt.date
    status_key: np.ndarray  # object: the status as it stood that day
    ack_date: np.ndarray  # ordinals, as they stood that day
    closed_date: np.ndarray
    closed: np.ndarray  # bool
    acknowledged: np.ndarray  # bool
    on_ack: np.ndarray  # bool: the acknowledgement is the checkpoint that governs (else closing)
    due_date: np.ndarray
    status: np.ndarray  # object: overdue | due_soon | ok
    days_late: np.ndarray
    days_left: np.ndarray  # where the status is due_soon or ok and the case is open
    days_open: np.ndarray  # where the case is open, or closed with a date
    closed_late_days: np.ndarray

    def __len__(self) -> int:
        return len(self.status)


def judged(settings: Settings, table: SheetTable, today: dt.date, calendar: WorkCalendar | None = None,
           dated: bool = False) -> Judged:  # fmt: skip
    """Every complaint whose received date can be read, judged as of `today`; once per day.

    `dated`: as things stood on `today` — an acknowledgement or closing dated later had not
    happened yet (a report on a closed round reads the same whenever it is drafted)."""
    return table.once("complaint_judged", (settings, calendar, today, dated),
                      lambda: _judged(settings, table, today, calendar, dated))


def _judged(settings: Settings, table: SheetTable, today: dt.date, given: WorkCalendar | None,
            dated: bool) -> Judged:
    cases = complaint_cases(settings, table, given)  # the run's one reading of the sheet
    calendar = given or run_calendar(settings, table)
    return judge_cases(cases, today, calendar, settings.deadlines.complaint_due_soon_days, dated)


def judge_cases(cases: Cases, today: dt.date, calendar: WorkCalendar, soon: int, dated: bool = False) -> Judged:
    """Every case as of `today` at once (see timeline_of for the same, one case at a time)."""
    day = today.toordinal()
    status_key, ack, closed_date = cases.status_key, cases.ack_date, cases.closed_date
    if dated:  # _status_on, for every case at once
        later = closed_date > day
        acked = (ack != NO_DAY) & (ack <= day)
        closed_date = np.where(later, NO_DAY, closed_date)
        status_key = np.where(later, np.where(acked, "in_progress", "received"), status_key).astype(object)
        ack_later = ack > day
        ack = np.where(ack_later, NO_DAY, ack)
        status_key = np.where(ack_later & (status_key == "in_progress"), "received", status_key).astype(object)
    has_closed_date = closed_date != NO_DAY
    closed = has_closed_date | _isin(status_key, COMPLAINT_CLOSED)
    acknowledged = closed | (ack != NO_DAY) | (status_key == "in_progress")
    # judge(): a closed complaint has met both checkpoints (its closing governs, ok); an open one
    # owes the earlier of acknowledging (if not yet) and closing, the acknowledgement on a tie.
    on_ack = ~acknowledged & (cases.ack_due <= cases.close_due)
    due = np.where(on_ack, cases.ack_due, cases.close_due)
    late = day - due
    status = np.where(closed, "ok", np.where(late > 0, "overdue", np.where(-late <= soon, "due_soon", "ok")))
    waiting = days_between(calendar, cases.received, np.full_like(cases.received, day), cases.working)
    return Judged(
        cases=cases, today=today, status_key=status_key, ack_date=ack, closed_date=closed_date, closed=closed,
        acknowledged=acknowledged, on_ack=on_ack, due_date=due, status=status.astype(object),
        days_late=np.where(~closed & (late > 0), late, 0), days_left=-late,
        days_open=np.where(closed, cases.days_to_close, waiting),
        closed_late_days=np.where(has_closed_date, np.maximum(0, closed_date - cases.close_due), 0),
    )  # fmt: skip


def _isin(values: np.ndarray, keys: frozenset[str]) -> np.ndarray:
    out = np.zeros(len(values), dtype=bool)
    for key in keys:
        out |= values == key
    return out


def complaint_timelines(
    settings: Settings, table: SheetTable, today: dt.date, calendar: WorkCalendar | None = None,
    dated: bool = False,
) -> list[ComplaintTimeline]:
    """Every complaint whose received date can be read, judged as of `today` (see `judged`),
    one ComplaintTimeline each, in sheet order; once per day."""
    return table.once("complaint_timelines", (settings, calendar, today, dated),
                      lambda: timelines_of(judged(settings, table, today, calendar, dated)))


def timelines_received(settings: Settings, table: SheetTable, today: dt.date, start: dt.date, end: dt.date,
                       calendar: WorkCalendar | None = None, dated: bool = False) -> list[ComplaintTimeline]:  # fmt: skip
    """complaint_timelines' complaints received from `start` to `end` (both included), in sheet
    order, made only for those (a page's fiscal year, not the register's five years)."""
    j = judged(settings, table, today, calendar, dated)
    received = j.cases.received
    return timelines_of(j, np.flatnonzero((received >= start.toordinal()) & (received <= end.toordinal())))


def timelines_of(j: Judged, which: np.ndarray | None = None) -> list[ComplaintTimeline]:
    """The judged cases (or those at the indices `which`) as ComplaintTimelines, in that order."""
    columns = timeline_columns(j, np.arange(len(j)) if which is None else which, _TIMELINE_FIELDS)
    return [frozen_record(ComplaintTimeline, dict(zip(_TIMELINE_FIELDS, values, strict=True)))
            for values in zip(*columns.values(), strict=True)]


def timeline_columns(j: Judged, which: np.ndarray, names: list[str]) -> dict[str, list[Any]]:
    """The named ComplaintTimeline fields of the judged cases at the indices `which`, as lists of
    the values a timeline holds (dates as dates, None where a timeline has None)."""
    pick = np.asarray(which, dtype=np.intp)
    c = j.cases
    closed, dated_close = j.closed[pick], j.closed_date[pick] != NO_DAY
    made: dict[str, Callable[[], list[Any]]] = {
        "received": lambda: _dates(c.received[pick]), "ack_due": lambda: _dates(c.ack_due[pick]),
        "close_due": lambda: _dates(c.close_due[pick]), "status_key": lambda: j.status_key[pick].tolist(),
        "ack_date": lambda: _dates(j.ack_date[pick]), "closed_date": lambda: _dates(j.closed_date[pick]),
        "acknowledged": lambda: j.acknowledged[pick].tolist(), "closed": lambda: closed.tolist(),
        "days_open": lambda: _where(j.days_open[pick], ~closed | dated_close),
        "days_to_close": lambda: _where(c.days_to_close[pick], dated_close),
        "checkpoint": lambda: np.where(j.on_ack[pick], "acknowledge", "close").astype(object).tolist(),
        "due_date": lambda: _dates(j.due_date[pick]), "status": lambda: j.status[pick].tolist(),
        "days_late": lambda: j.days_late[pick].tolist(),
        "days_left": lambda: _where(j.days_left[pick], ~closed & (j.status[pick] != "overdue")),
        "closed_late_days": lambda: j.closed_late_days[pick].tolist(),
    }  # fmt: skip
    return {name: c.text[name][pick].tolist() if name in c.text else made[name]() for name in names}


def _where(values: np.ndarray, keep: np.ndarray) -> list[Any]:
    """The values as Python ints where `keep`, None elsewhere."""
    return [v if k else None for v, k in zip(values.tolist(), keep.tolist(), strict=True)]


def _dates(ordinals: np.ndarray) -> list[dt.date | None]:
    """Ordinals as dates (NO_DAY as None), by numpy's datetime64 rather than one call per day."""
    days = (ordinals - _EPOCH).astype("datetime64[D]").astype(object)
    days[ordinals == NO_DAY] = None
    return days.tolist()  # type: ignore[no-any-return]


def frozen_record(cls: type[T], values: dict[str, Any]) -> T:
    """A frozen dataclass from ALL its field values, without its __init__: that sets each field
    through object.__setattr__ (8 µs for a timeline's 25; 10,000 complaints a day asked for).
    The object is the same, field for field, as the one __init__ makes, for a class without
    __post_init__ or slots (tests compare them)."""
    made = object.__new__(cls)
    made.__dict__.update(values)
    return made


# ---------------------------------------------------------------- the plain definition


def timeline_of(case: ComplaintCase, today: dt.date, calendar: WorkCalendar, soon: int,
                dated: bool = False) -> ComplaintTimeline:  # fmt: skip
    """One complaint judged as of `today`, one Python step after another: the definition the
    columns above compute for every complaint at once (tests hold them equal)."""
    status_key, ack_date, closed_date = case.status_key, case.ack_date, case.closed_date
    if dated:
        status_key, ack_date, closed_date = _status_on(status_key, ack_date, closed_date, today)
    closed = closed_date is not None or status_key in COMPLAINT_CLOSED
    acknowledged = closed or ack_date is not None or status_key == "in_progress"
    days_to_close = calendar.days_between(case.received, closed_date, case.basis) if closed_date else None
    days_open = days_to_close if closed else calendar.days_between(case.received, today, case.basis)
    points = [Checkpoint("close", case.close_due, frozenset({"closed"}))]
    if not acknowledged:
        points.insert(0, Checkpoint("acknowledge", case.ack_due, frozenset({"closed"})))
    point, status, late, left = judge(points, "closed" if closed else "open", today, soon)
    return ComplaintTimeline(
        **{name: getattr(case, name) for name in _CASE_FIELDS},
        status_key=status_key, ack_date=ack_date, closed_date=closed_date, acknowledged=acknowledged,
        closed=closed, days_open=days_open, days_to_close=days_to_close,
        checkpoint=point.name, due_date=point.deadline, status=status, days_late=late,
        days_left=left, closed_late_days=max(0, (closed_date - case.close_due).days) if closed_date else 0,
    )  # fmt: skip


def cases_of(cases: Cases) -> list[ComplaintCase]:
    """The columns as one ComplaintCase per complaint (for timeline_of and the tests)."""
    j_dates = {key: _dates(getattr(cases, key)) for key in ("received", "ack_due", "close_due", "ack_date",
                                                            "closed_date")}  # fmt: skip
    out = []
    for i in range(len(cases)):
        values = {key: column[i].item() if key == "row" else column[i] for key, column in cases.text.items()}
        values.update({key: dates[i] for key, dates in j_dates.items()}, status_key=cases.status_key[i])
        out.append(ComplaintCase(**values))
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
