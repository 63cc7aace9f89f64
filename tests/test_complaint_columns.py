"""Complaints judged as columns give exactly what judging one complaint at a time gives.

automation.complaint_timelines reads the register once into columns (numpy arrays) and judges
every complaint as of a day at once; the complaint statistics count from those columns, and
the working-day calendar counts and adds days for arrays of days. The plain definitions are
one Python step per complaint (timeline_of, the per-row reading below, the statistics over
timelines below, WorkCalendar's own methods); these tests hold the columns to them on
generated registers, with calendar and working-day limits, limits of 0 days and days off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.complaint_timelines import (
    ComplaintCase,
    ComplaintTimeline,
    cases_of,
    complaint_cases,
    complaint_timelines,
    frozen_record,
    text_value,
    timeline_of,
    timelines_received,
    unit_name,
)
from automation.complaints import CORRUPTION, complaint_statistics
from automation.deadline_items import DeadlineItem, oldest_first, short_text
from automation.deadlines import compute_deadlines
from automation.privacy import mask_pii
from automation.schema import CATEGORIES
from automation.settings import Settings, load_settings
from automation.tables import SheetTable
from automation.thaidate import FiscalRound
from automation.typed_tables import typed_table
from automation.workdays import WorkCalendar
from tests.test_typed_tables import COMPLAINT_ROW, MEASURE_ROW, tables_of

SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DAYS = st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 3, 31))
LIMITS = st.sampled_from([
    None,  # the shipped limits: calendar days, corruption in working days
    {"ack_days": 3, "close_days": 15, "basis": "working"},
    {"ack_days": 0, "close_days": 1, "basis": "working"},
    {"ack_days": 0, "close_days": 7, "basis": "calendar"},
    {"ack_days": 5, "close_days": 5, "basis": "working"},  # a tie: the acknowledgement governs
    {"ack_days": 9, "close_days": 2, "basis": "calendar"},
])  # fmt: skip


def settings_with(settings: Settings, limit: dict[str, Any] | None, days_off: list[dt.date]) -> Settings:
    extra: dict[str, Any] = {"deadlines__office_days_off": days_off}
    if limit is not None:
        extra["deadlines__complaint_default"] = limit
    return load_settings(Path(settings.source), run__today=dt.date(2024, 4, 20), **extra)


def cases_row_by_row(settings: Settings, table: SheetTable, calendar: WorkCalendar) -> list[ComplaintCase]:
    """The register read one row at a time (what complaint_cases read before it read columns)."""
    typed = typed_table(table)
    unit_raw = typed.raw("unit")
    out = []
    for i, row in enumerate(typed.rows):
        received, ok = typed["received_date"].date(i)
        if received is None or not ok:
            continue
        ack_date, ack_ok = typed["ack_date"].date(i)
        closed_date, closed_ok = typed["closed_date"].date(i)
        category, unit_key = typed["category"].choice(i), typed["unit"].choice(i)
        limit = settings.complaint_limit(category)
        out.append(ComplaintCase(
            complaint_id=text_value(typed["complaint_id"].value(i)), row=row, received=received,
            subject=mask_pii(text_value(typed["subject"].value(i))), channel=typed["channel"].choice(i),
            category=category, status_key=typed["status"].choice(i), unit=unit_name(unit_key, unit_raw[i]),
            unit_key=unit_key, basis=limit.basis, ack_due=calendar.add_days(received, limit.ack_days, limit.basis),
            close_due=calendar.add_days(received, limit.close_days, limit.basis), ack_date=ack_date,
            closed_date=closed_date,
            unreadable=tuple(k for k, good in (("ack_date", ack_ok), ("closed_date", closed_ok)) if not good),
        ))  # fmt: skip
    return out


def statistics_one_by_one(settings: Settings, timelines: list[ComplaintTimeline], rnd: FiscalRound,
                          calendar: WorkCalendar) -> dict[str, Any]:  # fmt: skip
    """The statistics' counts and days to close over one timeline after another."""

    def figures(rows: list[ComplaintTimeline], basis: str) -> dict[str, Any]:
        days = [calendar.days_between(t.received, t.closed_date, basis) for t in rows if t.closed_date]
        closed = [t for t in rows if t.closed]
        return {
            "total": len(rows), "closed": len(closed), "open": len(rows) - len(closed),
            "overdue": sum(t.status == "overdue" for t in rows),
            "closed_on_time": sum(1 for t in closed if t.closed_date and not t.closed_late),
            "closed_late": sum(t.closed_late for t in closed),
            "mean": statistics.fmean(days) if days else None,
            "median": float(statistics.median(days)) if days else None,
            "by": [sorted((getattr(t, k) for t in rows), key=str) for k in ("channel", "category", "status_key",
                                                                          "unit_key")],
        }  # fmt: skip

    rows = [t for t in timelines if rnd.contains(t.received)]
    return {
        "all": figures(rows, settings.deadlines.complaint_default.basis),
        "corruption": figures([t for t in rows if t.category == CORRUPTION], settings.complaint_limit(CORRUPTION).basis),
        "carried": sorted((t for t in timelines if t.received < rnd.start and not t.closed),
                          key=lambda t: (t.received, t.complaint_id)),
        "first": min((t.received for t in timelines), default=None),
    }  # fmt: skip


def stats_figures(stats: Any, layout: Any) -> dict[str, Any]:
    def expand(pairs: list[tuple[str, int]], key: str) -> list[str]:
        names = {c.label("th"): c.key for c in layout.column(key).choices}
        names.update({"อื่น ๆ": "?", "ไม่ระบุ": ""})
        return sorted((names[label] for label, n in pairs for _ in range(n)), key=str)

    def figures(s: Any) -> dict[str, Any]:
        return {"total": s.total, "closed": s.closed, "open": s.open, "overdue": s.overdue,
                "closed_on_time": s.closed_on_time, "closed_late": s.closed_late,
                "mean": s.mean_days_to_close, "median": s.median_days_to_close,
                "by": [expand(s.by_channel, "channel"), expand(s.by_category, "category"),
                       expand(s.by_status, "status"), expand(s.by_unit, "unit")]}  # fmt: skip

    return {"all": figures(stats), "corruption": figures(stats.corruption), "carried": stats.carried_over,
            "first": stats.first_received}


@given(rows=st.lists(COMPLAINT_ROW, max_size=30), days=st.lists(DAYS, min_size=1, max_size=3), limit=LIMITS,
       days_off=st.lists(DAYS, max_size=3))
@hsettings(max_examples=80, **SLOW)
def test_columns_judge_every_complaint_as_one_by_one_does(
    settings: Settings, rows: list[list[Any]], days: list[dt.date], limit: dict[str, Any] | None,
    days_off: list[dt.date],
) -> None:
    s = settings_with(settings, limit, days_off)
    table = tables_of(s, [], rows)["complaints"]
    calendar = WorkCalendar(s)
    cases = cases_row_by_row(s, table, calendar)
    assert cases_of(complaint_cases(s, table)) == cases
    soon = s.deadlines.complaint_due_soon_days
    # Days at the edges too: on a due date, one day after it, at the edge of "due soon".
    edges = {due + dt.timedelta(days=k) for c in cases[:2] for due in (c.ack_due, c.close_due)
             for k in (-soon - 1, -soon, 0, 1)}
    for day in [*days, *sorted(edges)[:6]]:
        for dated in (False, True):
            want = [timeline_of(c, day, calendar, soon, dated) for c in cases]
            got = complaint_timelines(s, table, day, dated=dated)
            assert got == want
            assert [dataclasses.asdict(t) for t in got] == [dataclasses.asdict(t) for t in want]
            assert [type(v) for t in got for v in vars(t).values()] == [type(v) for t in want for v in vars(t).values()]
            start = dt.date(2023, 10, 1)
            assert timelines_received(s, table, day, start, day, dated=dated) == [
                t for t in want if start <= t.received <= day]
        for rnd in (FiscalRound(2567, "h1"), FiscalRound(2567, "annual"), FiscalRound(2566, "annual")):
            got_stats = stats_figures(complaint_statistics(s, table, rnd, day), table.layout)
            want_stats = statistics_one_by_one(s, [timeline_of(c, day, calendar, soon, True) for c in cases], rnd,
                                               calendar)
            assert got_stats == want_stats


def report_item_by_item(settings: Settings, tables: Any, day: dt.date, dated: bool) -> dict[str, Any]:
    """The deadline report's views over every item, made one DeadlineItem per complaint (the
    report makes only the owed ones unless every item is asked for)."""
    steps = compute_deadlines(settings, tables, day, dated=dated).steps
    labels = {c.key: c.label("th") for c in CATEGORIES}
    complaints = [
        DeadlineItem("complaint", t.complaint_id or f"row {t.row}", short_text(t.subject) or labels.get(t.category, ""),
                     t.unit, t.due_date, t.status, t.days_late, t.days_left, t.checkpoint, "complaints", t.row)
        for t in complaint_timelines(settings, tables["complaints"], day, dated=dated) if not t.unreadable
    ]  # fmt: skip
    items = oldest_first(steps + complaints)
    by_unit: dict[str, list[DeadlineItem]] = {}
    for item in oldest_first([i for i in items if i.status != "ok"]):
        by_unit.setdefault(item.unit, []).append(item)
    counts: dict[str, dict[str, int]] = {}
    for item in items:
        counts.setdefault(item.kind, {"overdue": 0, "due_soon": 0, "ok": 0})[item.status] += 1
    return {"items": items, "overdue": oldest_first([i for i in items if i.status == "overdue"]),
            "due_soon": oldest_first([i for i in items if i.status == "due_soon"]),
            "by_unit": list(sorted(by_unit.items())), "counts": list(counts.items())}


@given(measures=st.lists(MEASURE_ROW, max_size=12), rows=st.lists(COMPLAINT_ROW, max_size=25), day=DAYS,
       dated=st.booleans())
@hsettings(max_examples=60, **SLOW)
def test_the_deadline_report_gives_what_every_item_made_gives(
    settings: Settings, measures: list[list[Any]], rows: list[list[Any]], day: dt.date, dated: bool
) -> None:
    tables = tables_of(settings, measures, rows)
    want = report_item_by_item(settings, tables, day, dated)
    report = compute_deadlines(settings, tables, day, dated=dated)
    # The views asked before the items are made, as the stage asks them; then every item.
    assert list(report.counts().items()) == want["counts"]
    assert list(report.by_unit().items()) == want["by_unit"]
    assert (report.overdue, report.due_soon) == (want["overdue"], want["due_soon"])
    assert [report.with_status(key) for key in ("overdue", "due_soon")] == [want["overdue"], want["due_soon"]]
    assert report.received_dates() == {t.row: t.received for t in report.complaints}
    assert report.items == want["items"]
    assert report.with_status("ok") == [i for i in want["items"] if i.status == "ok"]
    assert report.as_json()["items"] == [i.as_json() for i in want["items"]]


@given(rows=st.lists(COMPLAINT_ROW, max_size=20), day=DAYS)
@hsettings(max_examples=30, **SLOW)
def test_deadline_items_built_without_init_equal_those_init_builds(
    settings: Settings, rows: list[list[Any]], day: dt.date
) -> None:
    tables = tables_of(settings, [], rows)
    for item in compute_deadlines(settings, tables, day).items:
        made = DeadlineItem(**{f.name: getattr(item, f.name) for f in dataclasses.fields(DeadlineItem)})
        assert item == made and vars(item) == vars(made) and hash(item) == hash(made)


def test_a_record_without_init_is_the_one_init_makes() -> None:
    values = {f.name: i for i, f in enumerate(dataclasses.fields(DeadlineItem))}
    assert frozen_record(DeadlineItem, values) == DeadlineItem(**values)
    assert vars(frozen_record(DeadlineItem, values)) == vars(DeadlineItem(**values))


@given(pairs=st.lists(st.tuples(DAYS, DAYS), max_size=30), n=st.integers(0, 40),
       days_off=st.lists(DAYS, max_size=5))
@hsettings(max_examples=100, deadline=None)
def test_the_calendar_counts_and_adds_arrays_of_days_as_day_by_day(
    pairs: list[tuple[dt.date, dt.date]], n: int, days_off: list[dt.date]
) -> None:
    calendar = WorkCalendar(office_days_off=days_off)
    a = np.array([x.toordinal() for x, _ in pairs], dtype=np.int64)
    b = np.array([y.toordinal() for _, y in pairs], dtype=np.int64)
    assert calendar.working_days_between_days(a, b).tolist() == [calendar.working_days_between(x, y) for x, y in pairs]
    for basis in ("working", "calendar"):
        got = calendar.add_days_to(a, n, basis).tolist()
        assert got == [calendar.add_days(x, n, basis).toordinal() for x, _ in pairs]
