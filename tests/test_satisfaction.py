"""Satisfaction scores: exact figures on hand-computed tables and on generated data, rounds,
small-n marking, trend, service statistics, masked comments, the stage and the command."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation.cli import main
from automation.pipeline import RunContext, run_once
from automation.satisfaction import ScoreReport, compute_scores, stage
from automation.schema import build_schema, responses_sheet
from automation.settings import Question, ServicePoint, Settings
from automation.student_t import t_cdf, t_quantile, welch_df
from automation.tables import SheetTable, load_tables, to_table
from automation.thaidate import FiscalRound, parse_datetime, round_to_report, to_serial
from automation.workbook.xlsx import XlsxWorkbook

H1 = FiscalRound(2567, "h1")  # 1 Oct 2023 - 31 Mar 2024
GRID = "ความพึงพอใจ [{}]"


def small_survey(settings: Settings, min_n: int = 3) -> Settings:
    """Three questions in two aspects, two service points: small enough to compute by hand."""
    survey = settings.survey.model_copy(update={
        "questions": [
            Question(key="q1", column=GRID.format("เจ้าหน้าที่สุภาพ"), aspect="staff"),
            Question(key="q2", column=GRID.format("เจ้าหน้าที่เต็มใจให้บริการ"), aspect="staff"),
            Question(key="q3", column=GRID.format("สถานที่สะอาด"), aspect="facilities"),
        ],
        "service_points": [
            ServicePoint(key="registry", name="งานทะเบียนและบัตร"),
            ServicePoint(key="tax", name="งานจัดเก็บภาษี"),
        ],
        "min_n": min_n,
    })  # fmt: skip
    return settings.model_copy(update={"survey": survey})


def table(settings: Settings, rows: list[list[Any]]) -> SheetTable:
    """A responses sheet as the form writes it: header row, then one row per submission.

    Row layout: timestamp, service point, gender, age, q1, q2, q3, comment.
    """
    layout = responses_sheet(settings)
    return to_table(layout, [layout.headers("th"), *rows])


def row(when: Any, q1: Any, q2: Any, q3: Any, point: str = "งานทะเบียนและบัตร", gender: str = "หญิง",
        age: str = "20-39 ปี", comment: str | None = None) -> list[Any]:  # fmt: skip
    return [when, point, gender, age, q1, q2, q3, comment]


# Five responses in round 1 of FY 2567, timestamps in every form a sheet gives them, plus one
# just after the round and one with no readable timestamp.
HAND_ROWS = [
    row(dt.datetime(2023, 10, 1, 0, 0), "มากที่สุด", "มาก", 4),  # R1: a date cell, the round's first minute
    row(to_serial(dt.date(2023, 11, 2)) + 0.5, 4, "4", "ปานกลาง"),  # R2: a serial number
    row("15/11/2023 10:15:00", "๔", 5, "ดีมาก", point="งานจัดเก็บภาษี"),  # R3: CE text; q3 unscorable
    row("20/12/2566, 9:30:00", "3 - ปานกลาง", None, "มากที่สุด", point="งานจัดเก็บภาษี"),  # R4: BE; q2 blank
    row("31/3/2567 23:59:59", 5, "พึงพอใจปานกลาง", "มาก"),  # R5: the round's last second
    row(dt.datetime(2024, 4, 1, 8, 0), 1, 1, 1),  # after the round: must not count
    row("ไม่ทราบ", 1, 1, 1),  # no readable timestamp: in no round
]
# Scored answers per respondent in the round:
#   R1 q1=5 q2=4 q3=4   R2 q1=4 q2=4 q3=3   R3 q1=4 q2=5 (q3 excluded)
#   R4 q1=3 (q2 blank) q3=5   R5 q1=5 q2=3 q3=4


@pytest.fixture
def hand(settings: Settings) -> tuple[Settings, ScoreReport]:
    s = small_survey(settings)
    return s, compute_scores(s, table(s, HAND_ROWS), H1)


def test_question_figures_match_the_hand_computation(hand: tuple[Settings, ScoreReport]) -> None:
    _s, report = hand
    q1 = report.questions[0]
    # q1 = 5, 4, 4, 3, 5: n 5, sum 21, mean 21/5 = 4.2
    # deviations .8 -.2 -.2 -1.2 .8 -> squares .64 .04 .04 1.44 .64 = 2.8; sample var 2.8/4 = .7
    assert q1.n == 5
    assert q1.counts == {5: 2, 4: 2, 3: 1, 2: 0, 1: 0}
    assert q1.percents == {5: 40.0, 4: 40.0, 3: 20.0, 2: 0.0, 1: 0.0}
    assert q1.mean == pytest.approx(21 / 5)
    assert q1.sd == pytest.approx(math.sqrt(2.8 / 4))
    assert q1.percent == pytest.approx(21 / 5 / 5 * 100)  # 84.0
    assert q1.top2_share == pytest.approx(4 / 5 * 100)  # four of five answers are 4 or 5
    assert q1.band == "มาก"  # 4.20 is below the 4.21 cut of มากที่สุด
    # CI: se = s/sqrt(n) = sqrt(.7/5); t(0.975, 4) = 2.776445; 4.2 - 2.776445 * .374166 = 3.161155
    assert q1.ci_low == pytest.approx(4.2 - 2.7764451052 * math.sqrt(0.7 / 5))
    assert q1.ci_high == 5.0  # 4.2 + 1.0388 = 5.24 is kept within the 1..5 scale
    assert q1.label == "เจ้าหน้าที่สุภาพ"  # the [Row] of the grid question


def test_blank_and_unscorable_answers_are_left_out_visibly(hand: tuple[Settings, ScoreReport]) -> None:
    _s, report = hand
    q2, q3 = report.questions[1], report.questions[2]
    # q2 = 4, 4, 5, 3 (R4 blank): mean 16/4 = 4.0; squares 0 0 1 1 -> var 2/3
    assert (q2.n, q2.mean, q2.sd) == (4, 4.0, pytest.approx(math.sqrt(2 / 3)))
    # q3 = 4, 3, 5, 4 ("ดีมาก" of R3 excluded): mean 16/4 = 4.0
    assert (q3.n, q3.mean) == (4, 4.0)
    assert report.excluded == {"q3": 1}
    assert report.excluded_total == 1
    assert report.undated == 1


def test_aspect_pools_the_answers_and_its_interval_counts_respondents(hand: tuple[Settings, ScoreReport]) -> None:
    _s, report = hand
    staff = report.aspects[0]
    assert (staff.key, staff.label, staff.kind) == ("staff", "ด้านเจ้าหน้าที่ผู้ให้บริการ", "aspect")
    # q1 and q2 pooled: 5 4 | 4 4 | 4 5 | 3 | 5 3 -> n 9, sum 37, sum of squares 157
    assert staff.n == 9 and staff.respondents == 5
    assert staff.mean == pytest.approx(37 / 9)
    assert staff.sd == pytest.approx(math.sqrt((157 - 37**2 / 9) / 8))  # .781736
    # Respondent sums y = 9 8 9 3 8, answer counts m = 2 2 2 1 2, m-bar = 9/5;
    # residuals y - mean*m: 7/9, -2/9, 7/9, -10/9, -2/9 -> squares sum (49+4+49+100+4)/81 = 206/81
    se = math.sqrt((206 / 81) / (5 * 4 * (9 / 5) ** 2))  # .198108
    assert staff.se == pytest.approx(se)
    assert staff.ci_low == pytest.approx(37 / 9 - 2.7764451052 * se)  # 3.561074
    assert staff.ci_high == pytest.approx(37 / 9 + 2.7764451052 * se)  # 4.661148


def test_overall_and_service_points_pool_every_answer(hand: tuple[Settings, ScoreReport]) -> None:
    _s, report = hand
    overall = report.overall
    # 13 scored answers: q1 21 + q2 16 + q3 16 = 53; 4s and 5s: q1 4 + q2 3 + q3 3 = 10
    assert (overall.n, overall.respondents) == (13, 5)
    assert overall.mean == pytest.approx(53 / 13)
    assert overall.percent == pytest.approx(53 / 13 / 5 * 100)
    assert overall.top2_share == pytest.approx(10 / 13 * 100)
    registry, tax = report.service_points
    # registry: R1 R2 R5 = 5 4 4 | 4 4 3 | 5 3 4 = 36 over 9; tax: R3 R4 = 4 5 | 3 5 = 17 over 4
    assert (registry.n, registry.mean, registry.respondents) == (9, 4.0, 3)
    assert (tax.n, tax.mean, tax.respondents) == (4, 17 / 4, 2)


def test_a_group_answered_by_fewer_people_than_min_n_is_marked(hand: tuple[Settings, ScoreReport]) -> None:
    s, report = hand
    registry, tax = report.service_points
    assert s.survey.min_n == 3
    assert not registry.small_n  # three people
    assert tax.small_n  # two people: below min_n
    # The aspect has nine answers but five people; small_n judges people, not answers.
    bigger = small_survey(s, min_n=6)
    again = compute_scores(bigger, table(bigger, HAND_ROWS), H1)
    assert again.aspects[0].n == 9 and again.aspects[0].small_n


def test_service_statistics_count_responses_per_month_point_gender_and_age(
    hand: tuple[Settings, ScoreReport],
) -> None:
    _s, report = hand
    assert report.responses == 5
    assert report.monthly == [
        (dt.date(2023, 10, 1), 1), (dt.date(2023, 11, 1), 2), (dt.date(2023, 12, 1), 1),
        (dt.date(2024, 1, 1), 0), (dt.date(2024, 2, 1), 0), (dt.date(2024, 3, 1), 1),
    ]  # fmt: skip
    assert report.by_service == [("งานทะเบียนและบัตร", 3), ("งานจัดเก็บภาษี", 2)]
    assert report.by_gender == [("หญิง", 5)]
    assert report.by_age == [("20-39 ปี", 5)]


def test_age_groups_come_youngest_first_and_unlisted_points_are_pooled_as_other(settings: Settings) -> None:
    s = small_survey(settings)
    rows = [
        row("2/10/2566 10:00", 5, 5, 5, age="60 ปีขึ้นไป"),
        row("3/10/2566 10:00", 4, 4, 4, age="ต่ำกว่า 20 ปี", point="งานป้องกันภัย"),
        row("4/10/2566 10:00", 3, 3, 3, age="20-39 ปี", point=""),
        row("5/10/2566 10:00", 3, 3, 3, age="", gender="ชาย"),
    ]
    report = compute_scores(s, table(s, rows), H1)
    assert [a for a, _ in report.by_age] == ["ต่ำกว่า 20 ปี", "20-39 ปี", "60 ปีขึ้นไป", "ไม่ระบุ"]
    assert report.by_service == [("งานทะเบียนและบัตร", 2), ("งานจัดเก็บภาษี", 0), ("อื่น ๆ", 1),
                                 ("ไม่ระบุ", 1)]  # fmt: skip
    assert [g.n for g in report.service_points] == [6, 0, 3, 3]


def test_a_date_cell_holding_a_be_year_is_read_as_be(settings: Settings) -> None:
    s = small_survey(settings)
    rows = [
        row(dt.datetime(2567, 1, 15, 9), 4, 4, 4),  # BE 2567 in a date cell: 15 Jan 2024, in round 1
        row(dt.datetime(2567, 6, 15, 9), 2, 2, 2),  # 15 Jun 2024: after round 1
    ]
    report = compute_scores(s, table(s, rows), H1)
    assert report.responses == 1 and report.overall.mean == 4.0
    assert report.monthly[3] == (dt.date(2024, 1, 1), 1)


def test_a_round_with_no_answers_gives_empty_figures_not_errors(settings: Settings) -> None:
    s = small_survey(settings)
    report = compute_scores(s, table(s, HAND_ROWS), FiscalRound(2570, "h1"))
    assert report.responses == 0 and report.overall.n == 0
    assert report.overall.mean is None and report.overall.sd is None and report.overall.ci_low is None
    assert report.overall.small_n and report.overall.band == ""
    assert report.monthly == []  # the round has not begun on the pinned today
    assert report.trend.previous is None and report.trend.last_year is None
    assert json.loads(json.dumps(report.as_json()))["overall"]["mean"] is None


def test_a_missing_responses_sheet_gives_empty_figures(settings: Settings) -> None:
    layout = responses_sheet(settings)
    report = compute_scores(settings, to_table(layout, None), H1)
    assert report.responses == 0 and [q.n for q in report.questions] == [0] * len(settings.survey.questions)


def test_trend_says_whether_a_change_exceeds_the_noise(settings: Settings) -> None:
    s = small_survey(settings, min_n=1)
    now = [row(f"{d}/11/2566 10:00", a, None, None) for d, a in zip(range(1, 5), [5, 4, 5, 4], strict=True)]
    before = [row(f"{d}/11/2565 10:00", a, None, None) for d, a in zip(range(1, 7), [3, 2, 3, 2, 3, 2], strict=True)]
    report = compute_scores(s, table(s, now + before), H1)
    change = report.trend.last_year
    assert change is not None and change.against == FiscalRound(2566, "h1")
    # this: 5 4 5 4 mean 4.5, s² 1/3, se² = (1/3)/4; before: 3 2 3 2 3 2 mean 2.5, s² .3, se² .3/6
    v1, v2 = (1 / 3) / 4, 0.3 / 6
    assert change.change == pytest.approx(2.0)
    assert change.se == pytest.approx(math.sqrt(v1 + v2))
    assert change.df == pytest.approx((v1 + v2) ** 2 / (v1**2 / 3 + v2**2 / 5))  # Welch: 6.3158
    assert change.significant is True  # 2.0 > t(0.975, 6.3)·0.365 = 0.88
    # The previous round (annual FY 2566) holds the same earlier answers: the same comparison.
    assert report.trend.previous is not None and report.trend.previous.change == pytest.approx(2.0)


def test_trend_within_the_noise_and_without_data(settings: Settings) -> None:
    s = small_survey(settings, min_n=1)
    now = [row(f"{d}/11/2566 10:00", a, None, None) for d, a in zip(range(1, 5), [5, 3, 4, 4], strict=True)]
    before = [row(f"{d}/11/2565 10:00", a, None, None) for d, a in zip(range(1, 5), [4, 4, 5, 3], strict=True)]
    report = compute_scores(s, table(s, now + before), H1)
    assert report.trend.last_year is not None
    assert report.trend.last_year.change == pytest.approx(0.0)
    assert report.trend.last_year.significant is False
    alone = compute_scores(s, table(s, now), H1)
    assert alone.trend.previous is None and alone.trend.last_year is None


# ---------------------------------------------------------------- generated data


answer = st.one_of(st.none(), st.integers(1, 5))
respondents = st.lists(st.tuples(answer, answer, answer), min_size=0, max_size=40)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=respondents)
def test_figures_equal_an_independent_computation(settings: Settings, data: list[tuple[Any, ...]]) -> None:
    s = small_survey(settings, min_n=10)
    rows = [row(dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=i), *answers) for i, answers in enumerate(data)]
    report = compute_scores(s, table(s, rows), H1)
    for index, got in enumerate(report.questions):
        values = [a[index] for a in data if a[index] is not None]
        assert got.n == len(values)
        assert got.counts == {level: values.count(level) for level in (5, 4, 3, 2, 1)}
        assert got.small_n == (len(values) < 10)
        if values:
            assert got.mean == pytest.approx(statistics.mean(values))
            assert got.top2_share == pytest.approx(sum(v >= 4 for v in values) / len(values) * 100)
        if len(values) > 1:
            assert got.sd == pytest.approx(statistics.stdev(values))
            # For a single question the respondent-based standard error is the textbook s/√n.
            assert got.se == pytest.approx(statistics.stdev(values) / math.sqrt(len(values)))
    pooled = [v for a in data for v in a if v is not None]
    assert report.overall.n == len(pooled)
    assert report.overall.respondents == sum(any(v is not None for v in a) for a in data)
    if len(pooled) > 1:
        assert report.overall.mean == pytest.approx(statistics.mean(pooled))
        assert report.overall.sd == pytest.approx(statistics.stdev(pooled))


LEVEL_FORMS = {
    5: ["มากที่สุด", 5, 5.0, "5", "๕", "5 - มากที่สุด", "พึงพอใจมากที่สุด", "(5) มากที่สุด"],
    4: ["มาก", 4, "4", "๔", "มาก (4)", "ความพึงพอใจมาก"],
    3: ["ปานกลาง", 3, "3.0", "๓", "3 ปานกลาง"],
    2: ["น้อย", 2, "2", "๒"],
    1: ["น้อยที่สุด", 1, "1", "๑", "1 - น้อยที่สุด"],
}
NOT_LEVELS = ["ดีมาก", 7, 0, "abc", "5 - น้อย", 3.5]


@st.composite
def typed_answer(draw: st.DrawFn) -> tuple[int | None, Any]:
    """(the level meant or None for junk, the value as a form or a person stored it)."""
    if draw(st.integers(0, 9)) == 0:
        return None, draw(st.sampled_from(NOT_LEVELS))
    level = draw(st.integers(1, 5))
    return level, draw(st.sampled_from(LEVEL_FORMS[level]))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(typed_answer(), min_size=1, max_size=30))
def test_answers_in_every_stored_form_are_scored_and_junk_is_counted(
    settings: Settings, data: list[tuple[int | None, Any]]
) -> None:
    s = small_survey(settings)
    rows = [row(dt.datetime(2024, 2, 1, 9) + dt.timedelta(minutes=i), value, None, None)
            for i, (_level, value) in enumerate(data)]  # fmt: skip
    report = compute_scores(s, table(s, rows), H1)
    meant = [level for level, _value in data if level is not None]
    junk = len(data) - len(meant)
    q1 = report.questions[0]
    assert q1.n == len(meant)
    assert q1.counts == {level: Counter(meant)[level] for level in (5, 4, 3, 2, 1)}
    assert report.excluded == ({"q1": junk} if junk else {})


# ---------------------------------------------------------------- Student's t


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [  # published table values (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2)
        (0.975, 1, 12.706), (0.975, 2, 4.303), (0.975, 3, 3.182), (0.975, 4, 2.776), (0.975, 10, 2.228),
        (0.975, 29, 2.045), (0.975, 30, 2.042), (0.975, 100, 1.984), (0.95, 5, 2.015), (0.995, 20, 2.845),
        (0.90, 7, 1.415), (0.975, 1e9, 1.960),
    ],
)  # fmt: skip
def test_t_quantile_matches_published_tables(p: float, df: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=5e-4)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, abs=5e-4)


def test_t_quantile_inverts_the_cdf_and_closed_forms() -> None:
    for df in (1, 2, 3.5, 17, 250):
        for p in (0.6, 0.9, 0.975, 0.999):
            assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)
    # Closed forms: df 1 is Cauchy, tan(pi(p - 1/2)); df 2 is (2p - 1)/sqrt(2p(1 - p)).
    assert t_quantile(0.975, 1) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-9)
    assert t_quantile(0.975, 2) == pytest.approx(0.95 / math.sqrt(2 * 0.975 * 0.025), rel=1e-9)


def test_welch_degrees_of_freedom() -> None:
    # Equal variances and sizes: df = 2(n - 1). se² = s²/n with s² = 2, n = 10 on both sides.
    assert welch_df(math.sqrt(0.2), 9, math.sqrt(0.2), 9) == pytest.approx(18)


# ---------------------------------------------------------------- the demo, the stage, the command


@pytest.fixture
def demo_tables(settings: Settings, demo_workbook: Path) -> Any:
    return load_tables(XlsxWorkbook(demo_workbook), build_schema(settings))


def test_demo_responses_give_every_table(settings: Settings, demo_tables: Any) -> None:
    report = compute_scores(settings, demo_tables["responses"], H1)
    assert report.responses > 0
    assert [a.key for a in report.aspects] == list(settings.survey.aspects)
    assert [q.key for q in report.questions] == [q.key for q in settings.survey.questions]
    assert [p.key for p in report.service_points] == [p.key for p in settings.survey.service_points]
    assert sum(c for _m, c in report.monthly) == report.responses == sum(c for _n, c in report.by_service)
    assert [m for m, _c in report.monthly] == [dt.date(2023, m, 1) for m in (10, 11, 12)] + [
        dt.date(2024, m, 1) for m in (1, 2, 3)
    ]
    assert report.overall.n == sum(q.n for q in report.questions) == sum(a.n for a in report.aspects)
    assert report.trend.previous is not None and report.trend.last_year is not None
    assert {t.key for t in report.comments} >= {"staff", "speed", "place", "online", "signage"}


def test_demo_unscorable_answer_is_excluded_in_its_round(settings: Settings, demo_tables: Any) -> None:
    # The demo plants "ดีมาก" in an early response of FY 2566 (and one response rating nothing).
    rnd = FiscalRound(2566, "h1")
    report = compute_scores(settings, demo_tables["responses"], rnd)
    first = settings.survey.questions[0].key
    assert report.excluded == {first: 1}
    in_round = [r for r in demo_tables["responses"].records() if rnd.contains(parse_datetime(r["timestamp"]).date())]
    answered = sum(r[first] is not None for r in in_round)
    assert report.responses == len(in_round)
    assert report.questions[0].n == answered - 1


def test_demo_service_points_with_few_answers_are_marked(settings: Settings, demo_tables: Any) -> None:
    counts = sorted(p.respondents for p in compute_scores(settings, demo_tables["responses"], H1).service_points)
    middle = counts[len(counts) // 2]
    survey = settings.survey.model_copy(update={"min_n": middle})
    strict = settings.model_copy(update={"survey": survey})
    points = compute_scores(strict, demo_tables["responses"], H1).service_points
    assert any(p.small_n for p in points) and not all(p.small_n for p in points)
    assert all(p.small_n == (p.respondents < middle) for p in points)


def test_the_demo_phone_number_never_reaches_the_report(settings: Settings, demo_tables: Any) -> None:
    from automation.demo import COMMENTS

    planted = next(c for c in COMMENTS if "081-234-5678" in c)
    raw = [r["comment"] for r in demo_tables["responses"].records()]
    assert planted in raw  # the demo does hold it
    for rnd in (H1, FiscalRound(2566, "annual"), FiscalRound(2567, "annual")):
        for lang in ("th", "en"):
            text = json.dumps(compute_scores(settings, demo_tables["responses"], rnd, lang).as_json(),
                              ensure_ascii=False)  # fmt: skip
            assert "081-234-5678" not in text and "0812345678" not in text


def test_stage_puts_the_report_of_the_round_due_into_the_figures(settings: Settings, demo_tables: Any) -> None:
    today = dt.date(2024, 4, 20)
    ctx = RunContext(settings, build_schema(settings), demo_tables, today, "th")
    result = stage(ctx)
    report = ctx.figures["satisfaction"]
    assert isinstance(report, ScoreReport)
    assert report.round == round_to_report(today, settings.deadlines.report_grace_days) == H1
    assert result.figures["n"] == report.overall.n
    assert result.figures["mean"] == round(report.overall.mean, 2)
    assert result.figures["percent"] == round(report.overall.percent, 2)


def test_a_full_run_includes_the_satisfaction_stage(settings: Settings, demo_workbook: Path) -> None:
    summary = run_once(settings, write=False, stages=[stage])
    assert [(s.name, s.error) for s in summary.stages] == [("satisfaction", "")]
    assert summary.stages[0].figures["responses"] > 0


def _cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def test_scores_command_prints_thai_tables(settings: Settings, demo_workbook: Path) -> None:
    code, text = _cli("scores", "--config", str(settings.source), "--today", "2024-04-20")
    assert code == 0
    assert "ปีงบประมาณ พ.ศ. ๒๕๖๗ รอบ ๖ เดือน" in text  # [run] digits = "thai"
    for heading in ("ภาพรวม", "รายด้าน", "รายข้อ", "รายจุดบริการ", "แนวโน้ม", "รายเดือน"):
        assert heading in text
    assert "081-234-5678" not in text


def test_the_printed_tables_show_people_beside_answers_so_the_few_mark_makes_sense(
    hand: tuple[Settings, ScoreReport],
) -> None:
    from automation.commands.scores import render

    _s, report = hand
    lines = render(report).splitlines()
    tax = next(line for line in lines if line.endswith("งานจัดเก็บภาษี") and "." in line)
    registry = next(line for line in lines if line.endswith("งานทะเบียนและบัตร") and "." in line)
    assert tax.split()[:3] == ["2*", "4", "4.25"]  # two people (below min_n 3), four answers
    assert registry.split()[:3] == ["3", "9", "4.00"]  # three people: not marked
    assert "ผู้ตอบ" in next(line for line in lines if "เฉลี่ย" in line and "S.D." in line)


def test_scores_command_json_gives_every_group(settings: Settings, demo_workbook: Path) -> None:
    code, text = _cli("scores", "--config", str(settings.source), "--today", "2024-04-20",
                      "--round", "h1", "--fiscal-year", "2566", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(text)
    assert (data["round"]["fiscal_year"], data["round"]["kind"]) == (2566, "h1")
    groups = [data["overall"], *data["aspects"], *data["questions"], *data["service_points"]]
    keys = {"n", "mean", "sd", "percent", "top2_share", "band", "ci_low", "ci_high", "counts", "small_n"}
    assert all(keys <= set(g) for g in groups)
    assert sum(data["overall"]["counts"].values()) == data["overall"]["n"]
    assert data["excluded_total"] == 1


def test_scores_command_reads_a_ce_fiscal_year_and_english(settings: Settings, demo_workbook: Path) -> None:
    code, text = _cli("scores", "--config", str(settings.source), "--today", "2024-04-20",
                      "--round", "annual", "--fiscal-year", "2023", "--lang", "en")  # fmt: skip
    assert code == 0
    assert "fiscal year 2566 BE, annual round" in text and "Overall" in text
