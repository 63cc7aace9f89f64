"""Satisfaction scores from the Google Form responses sheet, as Thai survey reports give them.

Per question, per aspect, overall and per service point: n, count and % at each level,
mean, S.D., satisfaction % (mean ÷ 5 × 100), share of 4–5 answers, interpretation band and
a 95% confidence interval; plus the trend against earlier rounds, service statistics and
the themed comments.

How the figures are computed (the README repeats this for staff):
- A response belongs to a round when its timestamp's date falls within round.start..end.
- Blank answers are no answer. Answers that are not a 1–5 level (LikertError) are left out
  and counted in `ScoreReport.excluded` per question, so n visibly shrinks; validation
  reports them as findings, this module does not.
- Aspect, overall and service-point figures POOL the individual answers: n is the number
  of answers, the mean is the mean of all of them, as Thai survey reports do.
- S.D. is the SAMPLE standard deviation (divisor n − 1), which is what these reports print.
- The confidence interval and the trend test take the respondent as the unit: one person's
  answers to ten questions are not ten independent observations. The standard error of a
  pooled mean is the ratio (cluster) estimator Σ(yᵢ − x̄·mᵢ)² / (R(R−1)·m̄²) over respondents
  i (yᵢ their answer sum, mᵢ their answer count, R respondents); for a single question
  (mᵢ = 1) it is exactly s/√n. The interval is x̄ ± t(0.975, R−1)·SE, kept within 1..5.
- `small_n` is set when fewer than settings.survey.min_n people answered the group.

The figures of one group and the comparison of two rounds live in automation.group_scores.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from automation.answers import WORDS, Answers, read_answers
from automation.comments import Theme, theme_comments
from automation.group_scores import (
    Change,
    GroupScore,
    compare,
    score_levels,
)
from automation.settings import Settings
from automation.stage import RunContext, StageResult
from automation.tables import SheetTable
from automation.thaidate import FiscalRound, round_to_report

ASPECTS_EN = {
    "process": "Service process", "channels": "Service channels", "staff": "Staff",
    "facilities": "Facilities", "quality": "Quality of service",
}  # fmt: skip


@dataclass
class TrendRow:
    key: str
    label: str
    previous: Change | None  # against round.previous(); None when either side has no answers
    last_year: Change | None  # against round.same_round_last_year()

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label,
            "previous": self.previous.as_json() if self.previous else None,
            "last_year": self.last_year.as_json() if self.last_year else None,
        }  # fmt: skip


@dataclass
class Trend:
    overall: TrendRow
    aspects: list[TrendRow] = field(default_factory=list)

    @property
    def previous(self) -> Change | None:
        return self.overall.previous

    @property
    def last_year(self) -> Change | None:
        return self.overall.last_year


@dataclass
class Response:
    """One form submission: its scored answers and who answered, as the sheet gives them."""

    row: int
    when: dt.datetime
    answers: dict[str, int]  # question key -> 1..5, scored answers only
    unscorable: dict[str, Any]  # question key -> the raw value that is not a level
    service_point: str  # a configured key, "form:<text>" for an unlisted one, "unstated"
    service_label: str
    gender: str
    age: str
    comment: Any


@dataclass
class ScoreReport:
    round: FiscalRound
    lang: str
    responses: int  # submissions dated within the round
    overall: GroupScore
    aspects: list[GroupScore]
    questions: list[GroupScore]
    service_points: list[GroupScore]
    trend: Trend
    monthly: list[tuple[dt.date, int]]  # first day of each month of the round so far, responses
    by_service: list[tuple[str, int]]
    by_gender: list[tuple[str, int]]
    by_age: list[tuple[str, int]]
    comments: list[Theme]
    excluded: dict[str, int]  # question key -> answers left out as not a 1-5 level
    undated: int  # rows whose timestamp is not a date (in no round at all)
    min_n: int

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    def groups(self) -> list[GroupScore]:
        return [self.overall, *self.aspects, *self.questions, *self.service_points]

    def as_json(self) -> dict[str, Any]:
        return {
            "round": {
                "fiscal_year": self.round.fiscal_year, "kind": self.round.kind,
                "label": self.round.label(self.lang, "arabic"),
                "start": self.round.start.isoformat(), "end": self.round.end.isoformat(),
            },
            "responses": self.responses, "min_n": self.min_n,
            "overall": self.overall.as_json(),
            "aspects": [g.as_json() for g in self.aspects],
            "questions": [g.as_json() for g in self.questions],
            "service_points": [g.as_json() for g in self.service_points],
            "trend": {
                "overall": self.trend.overall.as_json(),
                "aspects": [row.as_json() for row in self.trend.aspects],
            },
            "monthly": [{"month": m.strftime("%Y-%m"), "count": c} for m, c in self.monthly],
            "by_service": [{"name": k, "count": c} for k, c in self.by_service],
            "by_gender": [{"name": k, "count": c} for k, c in self.by_gender],
            "by_age": [{"name": k, "count": c} for k, c in self.by_age],
            "comments": [t.as_json() for t in self.comments],
            "excluded": self.excluded, "excluded_total": self.excluded_total,
            "undated": self.undated,
        }  # fmt: skip


# ---------------------------------------------------------------- reading the sheet


def typed_answers(settings: Settings, responses: SheetTable, lang: str = "th") -> Answers:
    """The responses sheet typed for scoring (automation.answers), once per table: a full run
    scores the round due and, for the reports, other rounds, from the same 100,000s of rows."""
    return responses.once("answers", (settings, lang), lambda: read_answers(settings, responses, lang))


def read_responses(settings: Settings, responses: SheetTable, lang: str = "th") -> tuple[list[Response], int]:
    """Every dated response row, typed, one object each; and how many rows have no readable
    timestamp. For callers that want rows; the scores themselves use the arrays."""
    a = typed_answers(settings, responses, lang)
    out = []
    for i in range(len(a.rows)):
        answers = {key: int(a.levels[i, q]) for q, key in enumerate(a.keys) if a.levels[i, q]}
        unscorable = {key: a.raw[(i, q)] for q, key in enumerate(a.keys) if a.unscorable[i, q]}
        out.append(Response(int(a.rows[i]), a.when[i], answers, unscorable, a.point_key[i], a.point_label[i],
                            a.gender[i], a.age[i], a.comment[i]))  # fmt: skip
    return out, a.undated


# ---------------------------------------------------------------- the report


def compute_scores(
    settings: Settings,
    responses: SheetTable,
    round: FiscalRound,  # shadows round(): the interface others code against names it so
    lang: str = "th",
    today: dt.date | None = None,
) -> ScoreReport:
    """Every figure of the satisfaction report for one round (see the module docstring);
    computed once per run for each round (the stage, the summary and the reports share it)."""
    return responses.once("scores", (settings, round, lang, today),
                          lambda: _scores(settings, responses, round, lang, today))


def _scores(settings: Settings, responses: SheetTable, round: FiscalRound, lang: str, today: dt.date | None
            ) -> ScoreReport:  # fmt: skip
    answers = typed_answers(settings, responses, lang)
    mask = answers.in_round(round)
    levels = answers.levels[mask]  # the round's responses, in sheet order
    survey = settings.survey
    everything = answers.columns(_all_keys(settings))
    questions = [
        score_levels(q.key, q.label, levels[:, [i]], settings, lang, "question")
        for q, i in zip(survey.questions, everything, strict=True)
    ]  # fmt: skip
    overall, shared = _headline(settings, responses, round, lang)
    aspects = list(shared)  # the report's own list: the trend of later rounds reads the shared one
    points = _point_groups(settings, answers, mask, lang)
    service_points = [
        score_levels(key, label, levels[members][:, everything], settings, lang, "service_point")
        for key, label, members in points
    ]
    excluded = answers.unscorable[mask].sum(axis=0)
    return ScoreReport(
        round=round, lang=lang, responses=int(mask.sum()), overall=overall, aspects=aspects,
        questions=questions, service_points=service_points,
        trend=_trend(settings, responses, round, overall, aspects, lang),
        monthly=_monthly(answers, mask, round, today or settings.today()),
        by_service=[(label, int(members.sum())) for _key, label, members in points],
        by_gender=_tally(answers.gender[mask]),
        by_age=sorted(_tally(answers.age[mask]), key=lambda kv: _age_order(kv[0])),
        comments=theme_comments(answers.comment[mask].tolist(), lang),
        excluded={key: int(excluded[q]) for q, key in enumerate(answers.keys) if excluded[q]},
        undated=answers.undated, min_n=survey.min_n,
    )  # fmt: skip


def _headline(settings: Settings, responses: SheetTable, rnd: FiscalRound, lang: str
              ) -> tuple[GroupScore, list[GroupScore]]:  # fmt: skip
    """The round's overall and aspect figures, once per run for each round: its own report and
    the trend of the rounds after it (previous round, same round next year) share them."""

    def compute() -> tuple[GroupScore, list[GroupScore]]:
        answers = typed_answers(settings, responses, lang)
        levels = answers.levels[answers.in_round(rnd)]
        everything = answers.columns(_all_keys(settings))
        overall = score_levels("overall", WORDS["overall"][lang], levels[:, everything], settings, lang, "overall")
        return overall, _aspect_scores(settings, answers, levels, lang)

    return responses.once("headline_scores", (settings, rnd, lang), compute)


def _all_keys(settings: Settings) -> list[str]:
    return [q.key for q in settings.survey.questions]


def _aspect_keys(settings: Settings) -> list[tuple[str, str, list[str]]]:
    """(aspect key, Thai name, question keys) in config order; aspects without questions skipped."""
    survey = settings.survey
    order = list(survey.aspects) + [q.aspect for q in survey.questions if q.aspect not in survey.aspects]
    out = []
    for key in dict.fromkeys(order):
        members = [q.key for q in survey.questions if q.aspect == key]
        if members:
            out.append((key, survey.aspects.get(key, key), members))
    return out


def _aspect_label(key: str, name: str, lang: str) -> str:
    return ASPECTS_EN.get(key, key) if lang == "en" else name


def _aspect_scores(settings: Settings, answers: Answers, levels: np.ndarray, lang: str) -> list[GroupScore]:
    return [
        score_levels(key, _aspect_label(key, name, lang), levels[:, answers.columns(members)], settings, lang,
                     "aspect")
        for key, name, members in _aspect_keys(settings)
    ]  # fmt: skip


OTHER_POINT = {"th": "อื่น ๆ", "en": "Other"}


def _point_groups(settings: Settings, answers: Answers, mask: np.ndarray,
                  lang: str = "th") -> list[tuple[str, str, np.ndarray]]:
    """(key, label, mask over the round's responses) per service point: configured points
    first (even with no responses), then every unlisted answer pooled as "อื่น ๆ", then unstated.

    Unlisted answers are pooled, never shown as typed: a form's "อื่นๆ: …" box is free text
    ("อื่นๆ นายทดสอบ โทร 089…"), and a label the office does not control must not become a
    table row or a chart label."""
    keys = answers.point_key[mask]
    labels = answers.point_label[mask]
    groups = [(p.key, p.form_value or p.name, keys == p.key) for p in settings.survey.service_points]
    configured = {p.key for p in settings.survey.service_points}
    unlisted = np.array([k not in configured and k != "unstated" for k in keys.tolist()], dtype=bool)
    if unlisted.any():
        groups.append(("other", OTHER_POINT["en" if lang == "en" else "th"], unlisted))
    unstated = keys == "unstated"
    if unstated.any():
        groups.append(("unstated", labels[np.argmax(unstated)], unstated))
    return groups


def _first_seen(values: np.ndarray) -> list[tuple[Any, int]]:
    """Each distinct value with the index of its first occurrence, in order of appearance."""
    first: dict[Any, int] = {}
    for i, value in enumerate(values.tolist()):
        first.setdefault(value, i)
    return list(first.items())


def _trend(settings: Settings, responses: SheetTable, rnd: FiscalRound, overall: GroupScore,
           aspects: list[GroupScore], lang: str) -> Trend:  # fmt: skip
    others = {"previous": rnd.previous(), "last_year": rnd.same_round_last_year()}
    past = {name: _headline(settings, responses, other, lang) for name, other in others.items()}

    def row(this: GroupScore, index: int | None) -> TrendRow:
        changes = {name: compare(this, past[name][0] if index is None else past[name][1][index], others[name])
                   for name in others}  # fmt: skip
        return TrendRow(this.key, this.label, changes["previous"], changes["last_year"])

    return Trend(row(overall, None), [row(a, i) for i, a in enumerate(aspects)])


def _monthly(answers: Answers, mask: np.ndarray, rnd: FiscalRound, today: dt.date) -> list[tuple[dt.date, int]]:
    """Responses per month of the round, up to the month of `today` (or of the latest response);
    months without any show 0; a round not yet begun has no months."""
    counts = month_counts(answers.days[mask])
    last = min(rnd.end, max(today, *counts) if counts else today)
    month, out = rnd.start.replace(day=1), []
    while month <= last:
        out.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


_EPOCH = dt.date(1970, 1, 1).toordinal()  # day 0 of numpy's datetime64


def month_counts(days: np.ndarray) -> dict[dt.date, int]:
    """{first day of the month: how many of the dates (ordinals) fall in it}, earliest first:
    numpy's month arithmetic over the ordinals, not a date object per response."""
    months, counts = np.unique((days - _EPOCH).astype("datetime64[D]").astype("datetime64[M]"), return_counts=True)
    return dict(zip(months.astype("datetime64[D]").tolist(), counts.tolist(), strict=True))


def _tally(values: np.ndarray) -> list[tuple[str, int]]:
    return list(Counter(values.tolist()).most_common())


def _age_order(label: str) -> tuple[int, int, str]:
    """Age groups youngest first: "ต่ำกว่า 20 ปี" < "20-39 ปี" < "60 ปีขึ้นไป"; others last."""
    import re

    from automation.thaidate import to_arabic_digits

    text = to_arabic_digits(label)
    m = re.search(r"\d+", text)
    if not m:
        return (10_000, 0, label)
    under = any(w in text.casefold() for w in ("ต่ำกว่า", "น้อยกว่า", "under", "below", "<"))
    return (int(m[0]), 0 if under else 1, label)


# ---------------------------------------------------------------- the pipeline stage


def stage(ctx: RunContext) -> StageResult:
    """Scores of the round being reported; the ScoreReport goes to ctx.figures["satisfaction"]."""
    rnd = round_to_report(ctx.today, ctx.settings.deadlines.report_grace_days)
    report = compute_scores(ctx.settings, ctx.tables["responses"], rnd, ctx.lang, ctx.today)
    ctx.figures["satisfaction"] = report
    overall = report.overall
    return StageResult(
        "satisfaction",
        figures={
            "round": f"{rnd.kind} {rnd.fiscal_year}",
            "responses": report.responses,
            "n": overall.n,
            "mean": None if overall.mean is None else round(overall.mean, 2),
            "percent": None if overall.percent is None else round(overall.percent, 2),
        },
    )
