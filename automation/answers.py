"""The Google Form responses sheet typed once, column by column, as numpy arrays.

A large office has 100,000s of responses with ten Likert answers each, but a form offers a
handful of distinct answers: each distinct cell value of a column is typed once (parse_likert,
the service-point and gender choices) and the rows get its result. Scoring then works on the
arrays (automation.satisfaction) instead of one Python object per response.

What a value means is exactly what satisfaction has always read from it: blank answers are
no answer, an answer that is not a 1-5 level is kept as "unscorable" with its raw value, a
row whose timestamp is not a date is in no round (counted as undated).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from automation.cells import each_distinct
from automation.likert import LikertError, parse_likert
from automation.schema import GENDERS, Column, normalize_header
from automation.settings import Settings
from automation.tables import ROW, SheetTable
from automation.thaidate import DateParseError, FiscalRound, parse_datetime

WORDS = {
    "overall": {"th": "ภาพรวม", "en": "Overall"},
    "unstated": {"th": "ไม่ระบุ", "en": "Not stated"},
}
_UNSCORABLE = -1  # code of an answer that is not a level (its raw value is kept in `raw`)


@dataclass(frozen=True)
class Answers:
    """Every dated response row, in sheet order; row i of each array is the same response."""

    keys: tuple[str, ...]  # question keys, the columns of `levels`
    rows: np.ndarray  # sheet row numbers
    when: list[dt.datetime]  # the timestamps (a BE year in a date cell read as BE)
    days: np.ndarray  # the timestamps' dates as ordinals, to pick a round's rows quickly
    levels: np.ndarray  # (rows, questions) int8: 1..5, 0 = no scored answer
    unscorable: np.ndarray  # (rows, questions) bool: an answer that is not a level
    raw: dict[tuple[int, int], Any]  # (row index, question index) -> the unscorable value
    point_key: np.ndarray  # object: a configured key, "form:<text>" for an unlisted one, "unstated"
    point_label: np.ndarray  # object: the label shown for the row's service point
    gender: np.ndarray  # object: the gender label, or "not stated"
    age: np.ndarray  # object: the age group as typed, or "not stated"
    comment: np.ndarray  # object: the comment cell as the sheet holds it
    undated: int  # rows whose timestamp is not a date

    def in_round(self, rnd: FiscalRound) -> np.ndarray:
        """Boolean mask of the responses whose date falls within the round (start..end)."""
        return (self.days >= rnd.start.toordinal()) & (self.days <= rnd.end.toordinal())

    def columns(self, keys: Iterable[str]) -> list[int]:
        index = {k: i for i, k in enumerate(self.keys)}
        return [index[k] for k in keys]


def read_answers(settings: Settings, responses: SheetTable, lang: str = "th") -> Answers:
    """The responses sheet typed for scoring (see the module docstring)."""
    keys = tuple(q.key for q in settings.survey.questions)
    stamps = responses.values("timestamp")
    when, dated_rows = _timestamps(stamps)
    dated = np.array(dated_rows, dtype=np.intp)
    point_col = next((c for c in responses.layout.columns if c.key == "service_point"), None)
    gender_col = Column("gender", "", "", "choice", choices=GENDERS)
    points = each_distinct(responses.values("service_point"), lambda v: _service_point(point_col, v, lang))
    columns = [responses.values(k) for k in keys]
    codes = [each_distinct(values, _level_code) for values in columns]
    matrix = np.array(codes, dtype=np.int8).T.reshape(len(stamps), len(keys))[dated]
    raw = {}
    for i, q in zip(*np.nonzero(matrix == _UNSCORABLE), strict=True):
        raw[(int(i), int(q))] = columns[q][dated[i]]
    pick = (lambda values: _objects(values)[dated])  # noqa: E731
    return Answers(
        keys=keys,
        rows=np.array(responses.values(ROW), dtype=np.int64)[dated],
        when=when,
        days=np.array([w.toordinal() for w in when], dtype=np.int64),
        levels=np.where(matrix > 0, matrix, 0).astype(np.int8),
        unscorable=matrix == _UNSCORABLE,
        raw=raw,
        point_key=pick([p[0] for p in points]),
        point_label=pick([p[1] for p in points]),
        gender=pick(each_distinct(responses.values("gender"), lambda v: _choice_label(gender_col, v, lang))),
        age=pick(each_distinct(responses.values("age"), lambda v: _text(v) or WORDS["unstated"][lang])),
        comment=pick(responses.values("comment")),
        undated=len(stamps) - len(dated),
    )  # fmt: skip


def _objects(values: list[Any]) -> np.ndarray:
    # fromiter, not np.array(list): that would turn a list of equal-length tuples into 2-D.
    return np.fromiter(values, dtype=object, count=len(values))


def _level_code(value: Any) -> int:
    try:
        level = parse_likert(value)
    except LikertError:
        return _UNSCORABLE
    return 0 if level is None else level


def _timestamps(values: list[Any]) -> tuple[list[dt.datetime], list[int]]:
    """The readable timestamps and the indices of their rows; the others are undated."""
    when, dated = [], []
    for i, value in enumerate(values):
        try:
            stamp = parse_datetime(value)
        except (DateParseError, ValueError, TypeError, OverflowError):
            continue  # validation reports the bad timestamp; no round can count it
        if stamp.year > 2400:  # a BE year in a date cell (validation flags the era): read it as BE
            try:
                stamp = stamp.replace(year=stamp.year - 543)
            except ValueError:  # 29 Feb of a BE year that is no leap year in CE
                continue
        when.append(stamp)
        dated.append(i)
    return when, dated


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _service_point(col: Column | None, value: Any, lang: str) -> tuple[str, str]:
    text = _text(value)
    if not text:
        return "unstated", WORDS["unstated"][lang]
    choice = col.choice_for(text) if col and col.choices else None
    if choice:
        return choice.key, choice.th
    return f"form:{normalize_header(text)}", text  # a point the form has but config lacks


def _choice_label(col: Column, value: Any, lang: str) -> str:
    text = _text(value)
    if not text:
        return WORDS["unstated"][lang]
    choice = col.choice_for(text)
    return choice.label(lang) if choice else text
