"""Satisfaction scored from arrays gives exactly the figures of the per-answer definition.

compute_scores types each distinct cell value once (automation.answers) and scores numpy
matrices (score_levels); score_group with one Python list per respondent is the plain
definition. These tests hold the two to the same bits on generated data: any speed-up that
changes a figure, a count, an order or a label fails here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.group_scores import score_group, score_levels
from automation.likert import LikertError, parse_likert
from automation.satisfaction import (
    _aspect_keys,
    _point_groups,
    compute_scores,
    read_responses,
    typed_answers,
)
from automation.schema import responses_sheet
from automation.settings import Settings
from automation.tables import ROW, to_table
from automation.thaidate import DateParseError, FiscalRound, parse_datetime, to_serial
from tests.test_satisfaction import small_survey

H1 = FiscalRound(2567, "h1")
SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Cells as forms and staff leave them: levels as numbers, text, Thai digits and labels;
# look-alikes that are equal as dict keys but not the same answer (1, 1.0, True); blanks,
# NaN, not-a-level answers, and text that only starts with a level digit.
ANSWER = st.sampled_from([
    1, 2, 3, 4, 5, 1.0, 5.0, 2.5, 0, 6, True, False, float("nan"), None, "", "  ",
    "5", "๕", "4.0", "มากที่สุด", "มาก", "ปานกลาง", "น้อย", "น้อยที่สุด", "ดีมาก", "พอใช้",
    "3 - ปานกลาง", "(5) มากที่สุด", "4/5", "15", "พึงพอใจมาก", "satisfied", "x",
])  # fmt: skip
STAMP = st.one_of(
    st.datetimes(min_value=dt.datetime(2022, 10, 1), max_value=dt.datetime(2024, 9, 30)),
    st.dates(min_value=dt.date(2023, 9, 1), max_value=dt.date(2024, 4, 30)).map(lambda d: to_serial(d) + 0.25),
    st.dates(min_value=dt.date(2023, 9, 1), max_value=dt.date(2024, 4, 30)).map(
        lambda d: f"{d.day}/{d.month}/{d.year + 543} 10:00:00"),
    st.datetimes(min_value=dt.datetime(2566, 10, 1), max_value=dt.datetime(2567, 3, 28)),  # a BE year in a date cell
    st.sampled_from(["ไม่ทราบ", None, "31/2/2567", 10**9]),
)  # fmt: skip
POINT = st.sampled_from(["งานทะเบียนและบัตร", "งานจัดเก็บภาษี", "งานใหม่", "งานใหม่ ", "งาน ใหม่", "งานใหม่\u200b",
                         None, "", 7])  # fmt: skip
GENDER = st.sampled_from(["หญิง", "ชาย", "female", "อื่น ๆ", None, ""])
AGE = st.sampled_from(["20-39 ปี", "ต่ำกว่า 20 ปี", "60 ปีขึ้นไป", None, 40])
COMMENT = st.sampled_from([None, "ดีมากครับ", "รอนาน", "โทร 081-234-5678", "=HYPERLINK(1)"])
ROWS = st.lists(st.tuples(STAMP, POINT, GENDER, AGE, ANSWER, ANSWER, ANSWER, COMMENT).map(list), max_size=40)


def table(settings: Settings, rows: list[list[Any]]) -> Any:
    layout = responses_sheet(settings)
    return to_table(layout, [layout.headers("th"), *rows])


@given(matrix=st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), max_size=60), min_n=st.integers(1, 5))
@hsettings(**SLOW)
def test_score_levels_equals_the_per_respondent_definition_bit_for_bit(
    settings: Settings, matrix: list[list[int]], min_n: int
) -> None:
    s = small_survey(settings, min_n)
    levels = np.array(matrix, dtype=np.int8).reshape(len(matrix), 3)
    lists = [[a for a in row if a] for row in matrix]
    # Dataclass equality compares the floats exactly: mean, S.D., S.E. and interval alike.
    assert score_levels("k", "L", levels, s, kind="aspect") == score_group("k", "L", lists, s, kind="aspect")


def test_the_standard_error_adds_in_python_order_on_a_large_group(settings: Settings) -> None:
    # 100,000 respondents: enough for numpy's pairwise sum to differ from a left-to-right one.
    rng = np.random.default_rng(2567)
    levels = rng.integers(0, 6, size=(100_000, 4)).astype(np.int8)
    lists = [[int(a) for a in row if a] for row in levels]
    assert score_levels("o", "O", levels, settings, kind="overall") == score_group("o", "O", lists, settings,
                                                                                    kind="overall")


def reference_rows(settings: Settings, sheet: Any) -> list[tuple[Any, ...]]:
    """The responses read row by row, one parse per cell: what read_responses must give."""
    keys = [q.key for q in settings.survey.questions]
    out = []
    for rec in sheet.records():
        try:
            when = parse_datetime(rec.get("timestamp"))
        except (DateParseError, ValueError, TypeError, OverflowError):
            continue
        if when.year > 2400:
            try:
                when = when.replace(year=when.year - 543)
            except ValueError:
                continue
        answers, unscorable = {}, {}
        for key in keys:
            try:
                level = parse_likert(rec.get(key))
            except LikertError:
                unscorable[key] = rec.get(key)
                continue
            if level is not None:
                answers[key] = level
        out.append((rec[ROW], when, answers, unscorable, rec.get("comment")))
    return out


@given(rows=ROWS)
@hsettings(max_examples=150, **SLOW)
def test_each_distinct_value_typed_once_reads_every_row_as_a_per_cell_parse_would(
    settings: Settings, rows: list[list[Any]]
) -> None:
    s = small_survey(settings)
    sheet = table(s, rows)
    got, undated = read_responses(s, sheet)
    want = reference_rows(s, sheet)
    assert [(r.row, r.when, r.answers, r.unscorable) for r in got] == [w[:4] for w in want]
    assert [repr(r.comment) for r in got] == [repr(w[4]) for w in want]  # repr: NaN == NaN
    assert undated == len(sheet.frame) - len(want)
    for r in got:
        assert type(r.row) is int and all(type(v) is int for v in r.answers.values())


@given(rows=ROWS, min_n=st.integers(1, 4))
@hsettings(max_examples=150, **SLOW)
def test_every_group_of_the_report_equals_score_group_over_its_respondents(
    settings: Settings, rows: list[list[Any]], min_n: int
) -> None:
    s = small_survey(settings, min_n)
    sheet = table(s, rows)
    report = compute_scores(s, sheet, H1, today=dt.date(2024, 4, 20))
    people, _ = read_responses(s, sheet)
    inside = [r for r in people if H1.contains(r.when.date())]
    keys = [q.key for q in s.survey.questions]

    def pooled(members: list[Any], qkeys: list[str]) -> list[list[int]]:
        return [[r.answers[k] for k in qkeys if k in r.answers] for r in members]

    assert report.responses == len(inside)
    assert report.questions == [score_group(k, q.label, pooled(inside, [k]), s) for k, q in
                                zip(keys, s.survey.questions, strict=True)]  # fmt: skip
    assert report.overall == score_group("overall", "ภาพรวม", pooled(inside, keys), s, kind="overall")
    assert report.aspects == [score_group(k, name, pooled(inside, members), s, kind="aspect")
                              for k, name, members in _aspect_keys(s)]  # fmt: skip
    groups = _point_groups(s, typed_answers(s, sheet), typed_answers(s, sheet).in_round(H1))
    for (key, label, _mask), score in zip(groups, report.service_points, strict=True):
        configured = {p.key for p in s.survey.service_points}
        members = [r for r in inside if r.service_point == key or (
            key == "other" and r.service_point not in configured and r.service_point != "unstated")]
        assert score == score_group(key, label, pooled(members, keys), s, kind="service_point")
        assert label == (next((p.form_value or p.name for p in s.survey.service_points if p.key == key), None)
                         or ("อื่น ๆ" if key == "other" else members[0].service_label))  # unlisted: pooled
    assert sum(c for _label, c in report.by_service) == len(inside)
    assert report.excluded == {k: n for k in keys if (n := sum(k in r.unscorable for r in inside))}
    assert sorted(report.by_gender) == sorted((g, sum(r.gender == g for r in inside))
                                              for g in {r.gender for r in inside})  # fmt: skip
    assert all(not math.isnan(g.mean) for g in report.groups() if g.mean is not None)


@given(rows=ROWS)
@hsettings(max_examples=60, **SLOW)
def test_the_trend_compares_with_the_other_rounds_own_figures(settings: Settings, rows: list[list[Any]]) -> None:
    # The overall and aspect figures of a round are computed once per run and shared with the
    # trend of the rounds after it: the same as each round's figures computed on their own.
    from automation.group_scores import compare

    s = small_survey(settings)
    report = compute_scores(s, table(s, rows), H1, today=dt.date(2024, 4, 20))
    for name, other in (("previous", H1.previous()), ("last_year", H1.same_round_last_year())):
        alone = compute_scores(s, table(s, rows), other, today=dt.date(2024, 4, 20))  # a fresh table: no sharing
        assert getattr(report.trend.overall, name) == compare(report.overall, alone.overall, other)
        assert [getattr(row, name) for row in report.trend.aspects] == [
            compare(this, that, other) for this, that in zip(report.aspects, alone.aspects, strict=True)]
