"""The figures of one group of Likert answers, and whether two rounds' means differ.

A group is a question, an aspect, the overall score or a service point: n, count and % at
each level, mean, sample S.D., satisfaction %, share of 4–5 answers, interpretation band, and
a 95% confidence interval with the respondent as the unit (automation.satisfaction's
docstring says how, for staff). `score_group` is the plain definition, one Python list per
respondent; `score_levels` gives the same bits from a level matrix (tests hold them equal).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from automation.likert import LEVELS, band
from automation.settings import Settings
from automation.student_t import t_quantile, welch_df
from automation.thaidate import FiscalRound


@dataclass
class GroupScore:
    key: str
    label: str
    n: int  # scored answers (pooled over questions for aspects, overall, service points)
    counts: dict[int, int]  # level 5..1 -> answers
    percents: dict[int, float]  # level 5..1 -> % of n
    mean: float | None
    sd: float | None  # sample S.D. (n - 1) of the answers
    percent: float | None  # satisfaction %: mean / 5 * 100
    top2_share: float | None  # % of answers at 4 or 5
    band: str  # interpretation of the mean ("มากที่สุด" ...); "" without answers
    ci_low: float | None
    ci_high: float | None
    small_n: bool
    kind: str = "question"  # overall | aspect | question | service_point
    respondents: int = 0  # people with at least one scored answer in the group
    se: float | None = None  # standard error of the mean, respondents as the unit

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "key": self.key, "label": self.label, "kind": self.kind, "n": self.n,
            "respondents": self.respondents, "mean": r(self.mean), "sd": r(self.sd),
            "percent": r(self.percent), "top2_share": r(self.top2_share), "band": self.band,
            "ci_low": r(self.ci_low), "ci_high": r(self.ci_high), "small_n": self.small_n,
            "counts": {str(k): v for k, v in self.counts.items()},
            "percents": {str(k): r(v) for k, v in self.percents.items()},
        }  # fmt: skip


@dataclass
class Change:
    """This round's mean against another round's, and whether the change exceeds the noise."""

    against: FiscalRound
    this_mean: float
    other_mean: float
    change: float
    se: float | None  # of the difference; None when a side has fewer than two respondents
    df: float | None  # Welch-Satterthwaite degrees of freedom
    significant: bool | None  # |change| > t(0.975, df)·se (Welch); None when it cannot be told
    this_respondents: int
    other_respondents: int

    def as_json(self) -> dict[str, Any]:
        r = (lambda x: None if x is None else round(x, 4))  # noqa: E731
        return {
            "against": {"fiscal_year": self.against.fiscal_year, "kind": self.against.kind},
            "this_mean": r(self.this_mean), "other_mean": r(self.other_mean),
            "change": r(self.change), "se": r(self.se), "df": r(self.df),
            "significant": self.significant, "this_respondents": self.this_respondents,
            "other_respondents": self.other_respondents,
        }  # fmt: skip


def score_group(
    key: str,
    label: str,
    per_respondent: Iterable[list[int]],
    settings: Settings,
    lang: str = "th",
    kind: str = "question",
) -> GroupScore:
    """The figures of one group from each respondent's scored answers to its questions.

    The plain definition, one Python list per respondent; compute_scores uses score_levels,
    which gives exactly the same figures from a matrix (tests/test_satisfaction_speed.py).
    """
    clusters = [answers for answers in per_respondent if answers]
    counts = Counter(a for c in clusters for a in c)
    level_counts = {level: counts.get(level, 0) for level in LEVELS}
    return _group_score(key, label, level_counts, len(clusters), lambda mean: cluster_se(clusters, mean),
                        settings, lang, kind)  # fmt: skip


def score_levels(
    key: str, label: str, levels: np.ndarray, settings: Settings, lang: str = "th", kind: str = "question"
) -> GroupScore:
    """score_group's figures from a (respondents × questions) matrix of levels, 0 for no answer.

    numpy instead of a Python list per respondent: 100,000s of respondents take milliseconds.
    """
    answered = (levels > 0).sum(axis=1)
    sums = levels.sum(axis=1, dtype=np.int64)  # a blank is 0: it adds nothing
    keep = answered > 0  # respondents who answered none of the group's questions are not in it
    # order="K": a column selection (levels[:, [2, 5]]) is laid out column-first; counting needs no copy.
    tally = np.bincount(levels.ravel(order="K"), minlength=6)
    level_counts = {level: int(tally[level]) for level in LEVELS}
    return _group_score(key, label, level_counts, int(keep.sum()),
                        lambda mean: cluster_se_arrays(sums[keep], answered[keep], mean),
                        settings, lang, kind)  # fmt: skip


def _group_score(
    key: str, label: str, level_counts: dict[int, int], people: int, se_of: Callable[[float], float | None],
    settings: Settings, lang: str, kind: str,
) -> GroupScore:
    n = sum(level_counts.values())
    percents = {level: (c / n * 100 if n else 0.0) for level, c in level_counts.items()}
    small = people < settings.survey.min_n
    if not n:
        return GroupScore(key, label, 0, level_counts, percents, None, None, None, None, "",
                          None, None, small, kind, 0, None)  # fmt: skip
    # From the level counts in exact integers (statistics.stdev's exact fractions take seconds
    # on 100,000s of answers); the sample S.D. (n - 1), as reports print it.
    total = sum(level * c for level, c in level_counts.items())
    squares = sum(level * level * c for level, c in level_counts.items())
    mean = total / n
    sd = math.sqrt((n * squares - total * total) / (n * (n - 1))) if n > 1 else None
    se = se_of(mean)
    ci_low = ci_high = None
    if se is not None:
        half = t_quantile(0.975, people - 1) * se
        # The mean of 1-5 answers cannot leave 1..5, so neither can a sensible interval.
        ci_low, ci_high = clamp(mean - half, 1.0, 5.0), clamp(mean + half, 1.0, 5.0)
    return GroupScore(
        key, label, n, level_counts, percents, mean, sd, mean / 5 * 100,
        (level_counts[5] + level_counts[4]) / n * 100,
        band(mean, settings.survey.bands).label(lang), ci_low, ci_high, small, kind, people, se,
    )  # fmt: skip


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def cluster_se(clusters: list[list[int]], mean: float) -> float | None:
    """Standard error of a pooled mean with respondents as the unit (ratio estimator).

    For one answer per respondent it equals the textbook s/√n. None below two respondents.
    """
    people = len(clusters)
    if people < 2:
        return None
    m_bar = sum(len(c) for c in clusters) / people
    spread = sum((sum(c) - mean * len(c)) ** 2 for c in clusters)
    return math.sqrt(spread / (people * (people - 1) * m_bar**2))


def cluster_se_arrays(sums: np.ndarray, sizes: np.ndarray, mean: float) -> float | None:
    """cluster_se from each respondent's answer sum and count, bit for bit the same number.

    The same float operations in the same order: np.cumsum adds left to right as Python's
    sum() does (np.sum's pairwise order would differ in the last bits, and a figure shown at
    the edge of a rounding step, or a test at the edge of significance, could then change).
    """
    people = len(sums)
    if people < 2:
        return None
    m_bar = int(sizes.sum()) / people
    terms = (sums.astype(np.float64) - mean * sizes.astype(np.float64)) ** 2
    spread = float(np.cumsum(terms)[-1])
    return math.sqrt(spread / (people * (people - 1) * m_bar**2))


def compare(this: GroupScore, other: GroupScore, against: FiscalRound) -> Change | None:
    """Welch's t test of two rounds' means (respondents as the unit); None without data.

    When the other round is this annual round's own first half the two share responses;
    the test then treats them as independent, which makes it cautious (less often significant).
    """
    if this.mean is None or other.mean is None:
        return None
    diff = this.mean - other.mean
    se = df = significant = None
    if this.se is not None and other.se is not None:
        se = math.hypot(this.se, other.se)
        if se == 0:
            significant = diff != 0  # both rounds unanimous: any difference is real
        else:
            df = welch_df(this.se, this.respondents - 1, other.se, other.respondents - 1)
            significant = abs(diff) > t_quantile(0.975, df) * se
    return Change(against, this.mean, other.mean, diff, se, df, significant,
                  this.respondents, other.respondents)  # fmt: skip
