"""The Google Form responses sheet typed once, column by column, as numpy arrays.

A large office has 100,000s of responses with ten Likert answers each, but a form offers a
handful of distinct answers: the sheet's typed table (automation.typed_tables) typed each
distinct cell value of a column once, and here the rows get its level, date or choice. Scoring then works on the
arrays (automation.satisfaction) instead of one Python object per response.

What a value means is exactly what satisfaction has always read from it: blank answers are
no answer, an answer that is not a 1-5 level is kept as "unscorable" with its raw value, a
row whose timestamp is not a date is in no round (counted as undated).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from automation.schema import Choice, normalize_header
from automation.settings import Settings
from automation.tables import SheetTable
from automation.thaidate import FiscalRound
from automation.typed_tables import TypedTable, typed_table

T = TypeVar("T")

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
    """The responses sheet typed for scoring (see the module docstring), from its typed table.

    Everything is worked out once per distinct cell of a column and reaches the rows by numpy
    takes (TypedColumn.per_distinct_array): no Python step per row and answer."""
    keys = tuple(q.key for q in settings.survey.questions)
    typed = typed_table(responses)
    n = len(typed)
    if "timestamp" in typed.columns:
        lenient = typed["timestamp"].lenients()  # nearly every timestamp is its own: per row
        stamps = _objects(lenient)
        ordinals = np.fromiter((-1 if v is None else v.toordinal() for v in lenient), dtype=np.int64, count=n)
    else:
        stamps, ordinals = np.full(n, None, dtype=object), np.full(n, -1, dtype=np.int64)
    dated = np.flatnonzero(ordinals >= 0)  # a date's ordinal is at least 1
    codes = [typed.likert_codes(k) if k in typed.columns else np.zeros(n, dtype=np.int8) for k in keys]
    matrix = (np.stack(codes, axis=1) if codes else np.zeros((n, 0), dtype=np.int8))[dated]
    unscorable = matrix == _UNSCORABLE
    raw = {}
    for q in np.flatnonzero(unscorable.any(axis=0)).tolist():  # only the few cells that are not a level
        at = np.flatnonzero(unscorable[:, q])
        for i, value in zip(at.tolist(), typed.raw_at(keys[q], dated[at]), strict=True):
            raw[(i, q)] = value
    return Answers(
        keys=keys,
        rows=np.array(typed.rows, dtype=np.int64)[dated],
        when=stamps[dated].tolist(),
        days=ordinals[dated],
        levels=np.where(matrix > 0, matrix, 0).astype(np.int8),
        unscorable=unscorable,
        raw=raw,
        point_key=_labels(typed, "service_point", lambda choice, text: _service_point(choice, text, lang)[0])[dated],
        point_label=_labels(typed, "service_point", lambda choice, text: _service_point(choice, text, lang)[1])[dated],
        gender=_labels(typed, "gender", lambda choice, text: _choice_label(choice, text, lang))[dated],
        age=_age(typed, responses, lang)[dated],
        comment=_objects(responses.values_at("comment", dated)),
        undated=n - len(dated),
    )  # fmt: skip


def _labels(typed: TypedTable, key: str, label: Callable[[Choice | None, str], T]) -> np.ndarray:
    """label(the configured choice a cell means, or None and the cell's text) once per distinct
    cell of a column, per row (an object array); a column the layout lacks is all blank."""
    if key not in typed.columns:
        return _objects([label(None, "")] * len(typed))
    column = typed[key]
    choices = {c.key: c for c in column.column.choices} if column.column.type == "choice" else {}

    def choice_of(value: Any) -> Choice | None:
        return choices.get(value) if value is not None else None

    # The cells' own text, read only for the distinct cells that name no configured choice.
    firsts = column.per_first_row(lambda i: -1 if choice_of(column.value(i)) is not None else i, np.int64)
    need = np.unique(firsts[firsts >= 0]).tolist()
    raw = dict(zip(need, typed.raw_at(key, need), strict=True))

    def of(i: int) -> T:
        choice = choice_of(column.value(i))
        return label(choice, "") if choice is not None else label(None, _text(raw[i]))

    return column.per_first_row(of)


def _age(typed: TypedTable, responses: SheetTable, lang: str) -> np.ndarray:
    """The age group as typed (spaces collapsed), or "not stated", per row: once per distinct cell."""
    unstated = WORDS["unstated"][lang]
    if "age" not in typed.columns:
        return _objects([_text(v) or unstated for v in responses.values("age")])
    column = typed["age"]
    first = np.unique(column.per_first_row(lambda i: i, np.int64)).tolist()
    texts = {i: _text(v) or unstated for i, v in zip(first, responses.values_at("age", first), strict=True)}
    return column.per_first_row(texts.__getitem__)


def _objects(values: list[Any]) -> np.ndarray:
    # fromiter, not np.array(list): that would turn a list of equal-length tuples into 2-D.
    return np.fromiter(values, dtype=object, count=len(values))


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _service_point(choice: Choice | None, text: str, lang: str) -> tuple[str, str]:
    """(key, label) of a row's service point: a configured point by its key and Thai name, a
    point the form has but config lacks by its text ("form:<text>")."""
    if choice is not None:
        return choice.key, choice.th
    if not text:
        return "unstated", WORDS["unstated"][lang]
    return f"form:{normalize_header(text)}", text


def _choice_label(choice: Choice | None, text: str, lang: str) -> str:
    if choice is not None:
        return choice.label(lang)
    return text or WORDS["unstated"][lang]
