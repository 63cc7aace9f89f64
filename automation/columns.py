"""A sheet's columns as their distinct cells and a code per row: what typing works on.

A column of 100,000 form answers holds a handful of distinct answers; a register column a few
hundred statuses or dates. Coding the columns once, right after reading (pandas hashes every
cell in C, row by row, in the order the cells sit in memory), lets typing and validation do
their work once per distinct cell and pick rows out with numpy, and lets a table hold one
object per distinct value rather than one per cell (the grid's own cells can then be freed).

Equal is not always the same cell: 1, 1.0 and True are equal, and so are "#N/A" typed as
text and a formula's #N/A result (a CellError). Cells group by class and value, exactly as
`automation.cells.each_distinct` keys them. Where one distinct value would not stand for every
cell equal to it (0.0 and -0.0 are equal; so are two datetimes of one instant in different
time zones), the column keeps its own cells as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Classes whose equal values are the same cell: one distinct object can stand for them all.
_INTERCHANGEABLE = frozenset({str, int, bool, dt.date, type(None)})
# Classes that never equal a value of another class of this set: a sheet holding only these
# needs no class kept beside each value (datetime and date are never equal, nor are str and int).
_APART = frozenset({str, int, float, dt.datetime, dt.date, dt.time, type(None)})
_APART_FAMILIES = ({int, float},)  # ...except these: 1 == 1.0


@dataclass
class Coded:
    """One column: per row the index of its distinct cell in `uniques`, -1 for an empty cell
    (None, NaN, NaT); `cells`, when kept, the column's own cells (None where empty)."""

    codes: np.ndarray  # intp, one per row
    uniques: list[Any]  # each distinct cell once (class and value), the first one met
    cells: np.ndarray | None = None  # object; kept where a distinct cell would not stand for all
    classes: frozenset[type] = frozenset()  # the classes of the distinct cells

    def __len__(self) -> int:
        return len(self.codes)

    def raw(self) -> np.ndarray:
        """The cells, None where empty, as an object array (one object per distinct cell
        unless the column keeps its own)."""
        if self.cells is not None:
            return self.cells
        values = np.empty(len(self.uniques) + 1, dtype=object)
        values[:-1] = _objects(self.uniques)
        return values[self.codes]  # -1 takes the last: None

    def taken(self, rows: np.ndarray) -> Coded:
        """The column at these rows only (the same distinct cells)."""
        return Coded(self.codes[rows], self.uniques, None if self.cells is None else self.cells[rows], self.classes)

    def emptied(self, distinct: list[int]) -> Coded:
        """The column with these distinct cells read as empty (a blank string is no answer),
        renumbered to the distinct cells left."""
        if not distinct:
            return self
        gone = np.zeros(len(self.uniques) + 1, dtype=bool)  # the last: -1, already empty
        gone[distinct] = True
        gone[-1] = True
        renumber = np.cumsum(~gone) - 1
        renumber[gone] = -1
        codes = renumber[self.codes]
        cells = None if self.cells is None else np.where(codes >= 0, self.cells, None)
        uniques = [u for i, u in enumerate(self.uniques) if not gone[i]]
        return Coded(codes, uniques, cells, frozenset(map(type, uniques)))


def _objects(values: Any) -> np.ndarray:
    # fromiter, not np.array(list): that would turn a list of equal-length tuples into 2-D.
    return np.fromiter(values, dtype=object, count=len(values))


def code_values(values: list[Any]) -> Coded:
    """One column of cells, coded."""
    return code_columns(_objects(values).reshape(-1, 1))[0]


def code_columns(cells: np.ndarray) -> list[Coded]:
    """Each column of a 2-D object array (rows x columns), coded."""
    rows, width = cells.shape
    flat = np.ascontiguousarray(cells).ravel()  # row by row: the order the cells sit in memory
    try:
        codes, uniques = pd.factorize(flat)
    except TypeError:  # an unhashable cell: each column on its own, by hand
        return [_code_by_hand(cells[:, j]) for j in range(width)]
    if not _never_equal(set(map(type, flat))):
        # Equal values of different classes (1 and 1.0, "#N/A" and a CellError) are told
        # apart: the group is (value, class), as each_distinct keys a cell.
        kinds, classes = pd.factorize(_objects(list(map(type, flat))))
        both = np.where(codes < 0, -1, codes * len(classes) + kinds)
        codes, first = _factorize_ints(both)
        uniques = flat[first]
    codes = codes.reshape(rows, width)
    return [_column(codes[:, j], uniques, cells[:, j]) for j in range(width)]


def _never_equal(classes: list[type]) -> bool:
    present = set(classes)
    return present <= _APART and not any(len(present & family) > 1 for family in _APART_FAMILIES)


def _factorize_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of non-negative int values in order of first appearance (-1 stays -1), and each
    code's first index."""
    valid = values >= 0
    positions = np.flatnonzero(valid)
    sub, distinct = pd.factorize(values[valid])
    codes = np.full(len(values), -1, dtype=np.intp)
    codes[positions] = sub
    first = np.empty(len(distinct), dtype=np.intp)
    first[sub[::-1]] = positions[::-1]  # assigned from the last back: each code keeps its first
    return codes, first


def _column(codes: np.ndarray, uniques: np.ndarray, cells: np.ndarray) -> Coded:
    """One column's codes renumbered to its own distinct cells."""
    present = codes >= 0
    used = np.flatnonzero(np.bincount(codes[present], minlength=len(uniques)))
    local = np.full(len(uniques) + 1, -1, dtype=np.intp)  # the last: -1 stays -1
    local[used] = np.arange(len(used), dtype=np.intp)
    own = local[codes]
    distinct = uniques[used].tolist() if len(used) else []
    classes = frozenset(map(type, distinct))  # each class's cells have a distinct cell of their own
    kept = None if classes <= _INTERCHANGEABLE else np.where(present, cells, None)  # NaN, NaT: None
    return Coded(own, distinct, kept, classes)


def _code_by_hand(cells: np.ndarray) -> Coded:
    """The definition, cell by cell: (class, value) keys; an unhashable cell is its own."""
    seen: dict[Any, int] = {}
    uniques: list[Any] = []
    codes = np.empty(len(cells), dtype=np.intp)
    for i, value in enumerate(cells.tolist()):
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            codes[i] = -1
            continue
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            code = seen.get(key)
        except TypeError:
            code, key = None, None
        if code is None:
            code = len(uniques)
            uniques.append(value)
            if key is not None:
                seen[key] = code
        codes[i] = code
    kept = np.where(codes >= 0, cells, None)
    return Coded(codes, uniques, kept, frozenset(map(type, uniques)))
