"""Checks of the form responses sheet, column-wise: a timestamp far away or in the future, a
response that rates nothing, the same answers sent twice within DUPLICATE_WINDOW.

At 100,000s of responses, numpy picks the rows a check could name (a distinct timestamp far
from today, a row with every rating empty, rows whose answers are all the same as another's);
each such row is then checked exactly as the per-row definition checks it, in sheet order.
"""

from __future__ import annotations

import datetime as dt
import functools
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from automation.cells import PLAUSIBLE_YEARS, Problem
from automation.schema import normalize_header
from automation.thaidate import to_arabic_digits
from automation.typed_cells import plain_values
from automation.validation_rules import DuplicateResponse, NoRatings
from automation.validation_sheet import RowCheck, SheetCheck, today_reference

# Google Forms sometimes records one tap on "send" twice, seconds apart; two people giving
# identical answers within two minutes at one counter is rare enough to ask staff about.
DUPLICATE_WINDOW = dt.timedelta(minutes=2)


def check_responses(check: SheetCheck) -> None:
    ratings = [c.key for c in check.layout.columns if c.type == "likert" and check.present(c.key)]
    if check.present("timestamp"):
        now = check.today
        for row in check.rows_at(timestamps_to_check(check)):
            check.check_dates(row, ("timestamp",), now, now, today_reference(), future=("timestamp",))
    unrated = np.zeros(len(check), dtype=bool)
    if ratings:
        unrated[:] = True
        for key in ratings:  # no rating cell holds anything, not even something unreadable
            unrated &= check.table.coded(key).codes < 0
        for row in check.rows_at(np.flatnonzero(unrated)):
            check.emit(Problem(NoRatings), row, ratings[0], None)
    check_duplicate_responses(check, ~unrated)


def timestamps_to_check(check: SheetCheck) -> np.ndarray:
    """Rows whose timestamp may be implausibly far from today or in the future (a superset:
    check_dates decides). Other timestamps are not looked at."""
    column = check.typed["timestamp"]
    span = dt.timedelta(days=round(PLAUSIBLE_YEARS * 365.25))
    early = dt.datetime.combine(check.today - span, dt.time())
    late = dt.datetime.combine(check.today + dt.timedelta(days=1), dt.time())  # tomorrow on: future
    suspect = [d for d, v in enumerate(column._values)
               if v is not None and (v.__class__ is not dt.datetime or v < early or v >= late)]
    return np.flatnonzero(np.isin(column.codes, suspect)) if suspect else np.zeros(0, dtype=np.intp)


@functools.lru_cache(maxsize=65536, typed=True)  # a form has few distinct answers, and 100,000s of rows
def _answer(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_arabic_digits(normalize_header(value))


def check_duplicate_responses(check: SheetCheck, scored: np.ndarray) -> None:
    """Identical answers with timestamps at most DUPLICATE_WINDOW apart: a form sent twice.
    Rows are grouped by their answers' codes (each distinct cell's answer text, numbered);
    only groups of two or more rows are looked at."""
    if not check.present("timestamp"):
        return
    keys = [c.key for c in check.layout.columns if c.key != "timestamp" and check.present(c.key)]
    stamps = check.typed["timestamp"]
    dated = [v.__class__ is dt.datetime or isinstance(v, dt.datetime) for v in stamps._values]
    eligible = scored & np.array(dated, dtype=bool)[stamps.codes] & ~check.flagged("timestamp")
    candidates = np.flatnonzero(eligible)
    if len(candidates) < 2:
        return
    answers = pd.DataFrame({key: _answer_codes(check, key)[candidates] for key in keys}, copy=False)
    same = answers.duplicated(keep=False).to_numpy() if keys else np.ones(len(candidates), dtype=bool)
    groups: dict[tuple[int, ...], list[RowCheck]] = {}
    values = answers.to_numpy()[same]
    for i, answer in zip(candidates[same].tolist(), map(tuple, values.tolist()), strict=True):
        row = check.row(i)
        if isinstance(row.clean("timestamp"), dt.datetime):
            groups.setdefault(answer, []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r.value("timestamp"), r.number))
        for before, after in pairwise(group):
            gap = after.value("timestamp") - before.value("timestamp")
            if gap <= DUPLICATE_WINDOW:
                params = {"first_row": before.number, "seconds": int(gap.total_seconds())}
                check.emit(Problem(DuplicateResponse, params), after, "timestamp", after.record.get("timestamp"))


def _answer_codes(check: SheetCheck, key: str) -> np.ndarray:
    """Per row, the number of its answer text in `key` (rows with equal answers, equal numbers)."""
    coded = check.table.coded(key)
    texts = [_answer(v) for v in plain_values([*coded.uniques, None])]
    numbers, _ = pd.factorize(np.array(texts, dtype=object))
    if coded.cells is not None:  # a column keeping its own cells: numbered cell by cell
        cells = plain_values(coded.cells.tolist())
        numbers_of = dict(zip(texts, numbers.tolist(), strict=True))
        return np.array([numbers_of.setdefault(_answer(v), len(numbers_of)) for v in cells], dtype=np.intp)
    return numbers[coded.codes]  # -1: the last, None
