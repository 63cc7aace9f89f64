"""A column's distinct cells typed at once, exactly as typing each on its own would type it.

`type_cell` is the definition: `automation.cells.parse_cell`, plus the problems validation
reports for the cell. `type_distinct` types a column's distinct cells with it, except where
a column's type allows a quicker path that gives the same result without the call: a
timestamp that is already a datetime, a date cell, text with nothing suspicious in it (no
invisible mark, control character or formula-like start, not over-long). A distinct cell
such a path takes is clean: its value, no problem, its lenient reading the value itself. The
hypothesis tests hold every path to `type_cell`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from automation.cells import (
    FORMULA_START,
    LAST_CE_YEAR,
    MAX_CELL_CHARS,
    SUSPECT_CHARS,
    Parsed,
    Problem,
    content_problems,
    parse_cell,
    plain_value,
    shift_year,
)
from automation.schema import Column
from automation.thaidate import DateParseError, parse_date, parse_datetime
from automation.validation_rules import DateImplausible, RequiredCell, WrongEra

# Cell types plain_value hands back unchanged: most cells skip the call.
_AS_IS = frozenset({str, int, bool, float, dt.datetime, dt.date, dt.time, type(None)})


def plain_values(values: list[Any]) -> list[Any]:
    """plain_value of each value (pandas' Timestamp/NaT/numpy undone), most cells as they are."""
    return [v if v.__class__ in _AS_IS else plain_value(v) for v in values]


@dataclass(frozen=True)
class TypedCell:
    """One distinct cell value typed for its column; shared by every row holding that value."""

    parsed: Parsed
    problems: tuple[Problem, ...] = ()  # what validation reports, in its order
    lenient: Any = None  # date columns: the date with a BE year read as BE


def type_cell(column: Column, raw: Any) -> TypedCell:
    """The per-cell definition: parse_cell, plus the problems validation reports for the cell."""
    parsed = parse_cell(column, raw)
    if parsed.blank:
        return TypedCell(parsed, (Problem(RequiredCell),) if column.required else ())
    problems = () if parsed.problem is None else (parsed.problem,)
    if column.type == "text":
        problems += tuple(content_problems(raw))
    lenient = parsed.value
    if column.type in ("date", "datetime") and parsed.value is None and parsed.problem is not None \
            and parsed.problem.rule in (WrongEra, DateImplausible):
        lenient = _be_date(column, raw)
    return TypedCell(parsed, problems, lenient)


def _be_date(column: Column, raw: Any) -> Any:
    """A date whose year is a BE year (validation's WrongEra / a far placeholder), as CE."""
    try:
        day = parse_datetime(raw) if column.type == "datetime" else parse_date(raw)
    except (DateParseError, ValueError, TypeError, OverflowError):
        return None
    if day.year <= 2400:
        return None
    if column.type == "datetime":  # a timestamp on 29 Feb of a BE year no leap year in CE: none
        try:
            return day.replace(year=day.year - 543)
        except ValueError:
            return None
    return shift_year(day, -543)


def clean_cell(value: Any) -> TypedCell:
    """The typing of a distinct cell a quick path took: its value, nothing wrong."""
    return TypedCell(Parsed(value), (), value)


@dataclass
class DistinctTyping:
    """A column's distinct cells typed: per distinct cell its value and whether it is blank,
    and its TypedCell where it is not clean (None: clean, see clean_cell)."""

    values: list[Any]
    blanks: list[bool]
    cells: list[TypedCell | None]


def type_distinct(column: Column, uniques: list[Any]) -> DistinctTyping:
    """Each distinct cell (as the sheet holds it) typed for `column`, as type_cell would."""
    plain = plain_values(uniques)
    quick = _QUICK.get(column.type)
    values = quick(plain) if quick is not None else [_SLOW] * len(plain)
    cells: list[TypedCell | None] = [None] * len(plain)
    blanks = [False] * len(plain)
    for d, value in enumerate(values):
        if value is _SLOW:
            cell = type_cell(column, plain[d])
            values[d], blanks[d], cells[d] = cell.parsed.value, cell.parsed.blank, cell
    return DistinctTyping(values, blanks, cells)


_SLOW = object()  # a distinct cell the quick path leaves to type_cell


def _timestamps(values: list[Any]) -> list[Any]:
    # parse_datetime hands a datetime back as it is; a BE year (> 2400) is a problem.
    return [v if v.__class__ is dt.datetime and v.year <= LAST_CE_YEAR else _SLOW for v in values]


def _dates(values: list[Any]) -> list[Any]:
    # parse_date: a datetime's date, a date as it is; a BE year (> 2400) is a problem.
    return [(v.date() if v.__class__ is dt.datetime else v)
            if (v.__class__ is dt.datetime or v.__class__ is dt.date) and v.year <= LAST_CE_YEAR else _SLOW
            for v in values]


def _texts(values: list[Any]) -> list[Any]:
    # parse_cell strips text; content_problems finds nothing in text without a suspect
    # character, a formula-like start or too many characters; blank text goes to type_cell.
    out = []
    for v in values:
        if v.__class__ is str and len(v) <= MAX_CELL_CHARS and SUSPECT_CHARS.search(v) is None:
            shown = v.strip()
            if shown and shown[0] not in FORMULA_START:
                out.append(shown)
                continue
        out.append(_SLOW)
    return out


_QUICK = {"datetime": _timestamps, "date": _dates, "text": _texts}
