"""A plan into the measures sheet: the cell writes that bring the sheet in line with the
plan, and the list of what changes.

Rows are found by their stable id (fiscal year-measure-step), wherever staff moved them.
Only plan-owned columns are ever written; a brand-new row also gets the status "not
started". Rows the plan no longer has are reported and kept: deleting a row would lose
what staff wrote in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from automation.plan import Plan, PlanError, plan_rows, resolve_cadence, resolve_unit
from automation.schema import STEP_STATUS
from automation.tables import ROW, SheetTable
from automation.thaidate import to_arabic_digits
from automation.workbook import CellWrite, Changes

if TYPE_CHECKING:
    from automation.settings import Settings


@dataclass(frozen=True)
class RowChange:
    kind: str  # "add" | "update" | "vanished"
    row_id: str
    row: int  # sheet row (1-based)
    column: str | None = None  # schema key, for updates
    old: Any = None
    new: Any = None


@dataclass
class PlanImport:
    """What importing a plan does to the measures sheet, and the writes that do it."""

    plan: Plan
    sheet: str
    changes: list[RowChange]
    unchanged: int
    writes: Changes

    def count(self, kind: str) -> int:
        return sum(c.kind == kind for c in self.changes)


def _same(key: str, old: Any, new: Any, settings: Settings) -> bool:
    if old is None:
        return new is None
    text = str(old).strip()
    if key in ("fiscal_year", "measure_no", "step_no"):
        try:
            return int(float(to_arabic_digits(text))) == new
        except ValueError:
            return False
    if key == "unit":
        return resolve_unit(text, settings) == new
    if key == "cadence":
        return resolve_cadence(text) == resolve_cadence(new)
    return " ".join(text.split()) == " ".join(str(new).split())


def merge_plan(plan: Plan, table: SheetTable, settings: Settings, lang: str = "th") -> PlanImport:
    """The writes that bring the measures sheet in line with the plan. Only plan-owned
    columns are written; a new row also gets the status "not started". Rows of the same
    fiscal year that the plan no longer has are reported and kept."""
    layout = table.layout
    plan_keys = [c.key for c in layout.columns if c.owner == "plan"]
    positions = {key: table.column_number(key) for key in plan_keys}
    missing = [layout.column(k).header(lang) for k, pos in positions.items() if pos is None]
    if missing:
        raise PlanError("sheet_columns", None, lang, sheet=layout.title, columns=", ".join(missing))
    status_col = table.column_number("status")
    not_started = next(c.th for c in STEP_STATUS if c.key == "not_started")

    existing: dict[str, dict[str, Any]] = {}
    last_row = table.header_row  # new steps go below the headers (title rows may sit above them)
    for record in table.records():
        last_row = max(last_row, int(record[ROW]))
        if record["row_id"] is not None:
            existing.setdefault(str(record["row_id"]).strip(), record)

    changes: list[RowChange] = []
    cells: list[CellWrite] = []
    unchanged = 0
    wanted = plan_rows(plan)
    for values in wanted:
        rid = values["row_id"]
        record = existing.get(rid)
        if record is None:
            last_row += 1
            cells += [CellWrite(layout.title, last_row, positions[k], values[k]) for k in plan_keys]
            changes.append(RowChange("add", rid, last_row, None, None, values["step"]))
            if status_col:
                cells.append(CellWrite(layout.title, last_row, status_col, not_started))
            continue
        row = int(record[ROW])
        differs = [k for k in plan_keys if k != "row_id" and not _same(k, record[k], values[k], settings)]
        for key in differs:
            cells.append(CellWrite(layout.title, row, positions[key], values[key]))
            changes.append(RowChange("update", rid, row, key, record[key], values[key]))
        unchanged += not differs

    planned = {v["row_id"] for v in wanted}
    prefix = f"{plan.fiscal_year}-"
    for rid, record in existing.items():
        if rid.startswith(prefix) and rid not in planned:
            changes.append(RowChange("vanished", rid, int(record[ROW])))
    return PlanImport(plan, layout.title, changes, unchanged, Changes(cells=cells))
