"""The responses sheet's checks, column-wise (automation.validation_responses), name exactly
the rows, in exactly the order, that checking every row as the per-row definition does gives:
far and future timestamps, responses rating nothing, the same answers sent twice."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import automation.validation_responses as responses
from automation.cells import Problem
from automation.schema import responses_sheet
from automation.settings import Settings
from automation.tables import to_table
from automation.validation_rules import DuplicateResponse, NoRatings
from automation.validation_sheet import RowCheck, SheetCheck, today_reference
from tests.test_satisfaction import small_survey
from tests.test_satisfaction_arrays import STAMP

TODAY = dt.date(2024, 4, 20)
BASE = dt.datetime(2024, 3, 1, 9, 0)
# Timestamps seconds to minutes apart (sent twice?), far ones, future ones, and the rest.
NEAR = st.integers(0, 400).map(lambda s: BASE + dt.timedelta(seconds=s))
WHEN = st.one_of(NEAR, NEAR, STAMP, st.sampled_from([dt.datetime(2014, 1, 1), dt.datetime(2024, 4, 21, 8),
                                                     dt.datetime(2029, 5, 1), dt.datetime(2567, 3, 1, 9)]))
ANSWER = st.sampled_from([5, 5.0, "5", "๕", "มากที่สุด", "มากที่สุด ", None, "", 4, True])
TEXT = st.sampled_from(["งานทะเบียนและบัตร", "งานทะเบียนและบัตร ", None, 7, 7.0, "หญิง"])
ROW = st.tuples(WHEN, TEXT, TEXT, TEXT, ANSWER, ANSWER, ANSWER, TEXT).map(list)


def per_row(check: SheetCheck) -> None:
    """The definition: every row looked at, as validation did before it worked column-wise."""
    ratings = [c.key for c in check.layout.columns if c.type == "likert" and check.present(c.key)]
    if check.present("timestamp"):
        for row in check.rows:
            check.check_dates(row, ("timestamp",), TODAY, TODAY, today_reference(), future=("timestamp",))
    scored = []
    for row in check.rows:
        if ratings and all(row.record.get(k) is None for k in ratings):
            check.emit(Problem(NoRatings), row, ratings[0], None)
        else:
            scored.append(row)
    keys = [c.key for c in check.layout.columns if c.key != "timestamp" and check.present(c.key)]
    groups: dict[tuple[str, ...], list[RowCheck]] = {}
    for row in scored:
        if isinstance(row.clean("timestamp"), dt.datetime):
            groups.setdefault(tuple(responses._answer(row.record.get(k)) for k in keys), []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r.value("timestamp"), r.number))
        for before, after in pairwise(group):
            gap = after.value("timestamp") - before.value("timestamp")
            if gap <= responses.DUPLICATE_WINDOW:
                params = {"first_row": before.number, "seconds": int(gap.total_seconds())}
                check.emit(Problem(DuplicateResponse, params), after, "timestamp", after.record.get("timestamp"))


def findings(settings: Settings, rows: list[list[Any]], check_sheet: Any, drop: int | None) -> list[str]:
    layout = responses_sheet(settings)
    header = layout.headers("th")
    if drop is not None:
        header = [h for i, h in enumerate(header) if i != drop]
        rows = [[v for i, v in enumerate(r) if i != drop] for r in rows]
    check = SheetCheck(to_table(layout, [header, *rows]), TODAY, "th")
    check.type_cells()
    check_sheet(check)
    return [f"{f.rule}|{f.row}|{f.column}|{f.value}|{f.message}|{f.row_id}" for f in check.found]


@given(rows=st.lists(ROW, max_size=40), drop=st.one_of(st.none(), st.integers(0, 7)))
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_column_wise_checks_name_what_checking_every_row_names(
    settings: Settings, rows: list[list[Any]], drop: int | None
) -> None:
    survey = small_survey(settings)
    assert findings(survey, rows, responses.check_responses, drop) == findings(survey, rows, per_row, drop)
