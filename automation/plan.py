"""The integrity-measures plan: from the document an office receives to measures and steps.

Plans arrive as a Word table or as text extracted from a PDF (tab-separated cells). Both
become the same `RawTable` of rows of four cells — มาตรการ · ขั้นตอนหรือวิธีการ ·
ผู้รับผิดชอบ · การกำกับติดตาม — and one builder turns that into a `Plan`. The builder
survives what page breaks and line wraps do to a table: repeated headers, continuation rows
whose first cell is empty (more steps, or the rest of a step cut at the break), several
numbered steps in one cell, Thai digits, stray spaces inside Thai words. What it cannot
read with certainty (an unknown unit or cadence, a step out of order) is a `PlanError`
naming the row, never a guess.

`automation.plan_sheet.merge_plan` turns a Plan into the changes that bring the measures
sheet up to date without touching a cell staff own. The rows both readers produce, and
the errors naming a row, live in `automation.plan_table` (re-exported here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automation.plan_docx import read_docx_rows
from automation.plan_table import DIGITS as _D
from automation.plan_table import (
    PlanError,
    RawTable,
    Where,
    plan_message,
    read_text_rows,
)
from automation.schema import CADENCE, compact, normalize_header
from automation.thaidate import to_arabic_digits, to_thai_digits

if TYPE_CHECKING:
    from automation.settings import Settings

# A numbered step starts at the beginning of a cell or after a space: "๑." "๒)" "3.";
# a digit right after the mark is a decimal or "๑.๑" sub-number, not a new step.
STEP_MARK = re.compile(rf"(?:^|(?<=\s))([{_D}]{{1,2}})\s?[.)](?![{_D}])\s*")
MEASURE_MARK = re.compile(rf"^([{_D}]{{1,3}})\s?[.)](?![{_D}])\s*")
_YEAR = re.compile(r"(?:พ\.?ศ\.?|ปีงบประมาณ)(\d{4})")

# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Step:
    no: int
    text: str


@dataclass
class Measure:
    no: int
    title: str
    unit: str  # the office's canonical unit name (settings.units)
    cadence: str  # a CADENCE key: "semiannual" | "year_end"
    steps: list[Step]
    where: Where = field(default=Where(), compare=False)


@dataclass
class Plan:
    fiscal_year: int
    measures: list[Measure]
    # Things worth telling the user that do not stop the import (the fiscal year given
    # on the command line differs from the title's, …), already in the user's language.
    problems: list[str] = field(default_factory=list)

    @property
    def step_count(self) -> int:
        return sum(len(m.steps) for m in self.measures)

    def as_json(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "measures": [
                {"no": m.no, "title": m.title, "unit": m.unit, "cadence": m.cadence,
                 "steps": [{"no": s.no, "text": s.text} for s in m.steps]}
                for m in self.measures
            ],
        }


def row_id(fiscal_year: int, measure_no: int, step_no: int) -> str:
    """The stable key of a step's row: re-importing finds the same row again."""
    return f"{fiscal_year}-{measure_no:02d}-{step_no:02d}"


# ---------------------------------------------------------------- units and cadences


def _unit_key(text: str) -> str:
    key = compact(text).replace("องค์การบริหารส่วนตำบล", "อบต")
    return key.replace("อบต.", "อบต").rstrip(".")


def resolve_unit(text: str, settings: Settings) -> str | None:
    """The office's canonical unit for a name as a plan or a person spells it, or None."""
    wanted = _unit_key(text)
    if not wanted:
        return None
    for unit in settings.units:
        if any(_unit_key(name) == wanted for name in (unit.name, *unit.aliases)):
            return unit.name
    return None


def resolve_cadence(text: str) -> str | None:
    """"semiannual" (report at 6 months and at year end) or "year_end", whatever the line
    wraps did to the wording; None when the cell says something else."""
    choice = next((c for c in CADENCE if normalize_header(text) in
                   {normalize_header(n) for n in (c.th, c.en, c.key, *c.aliases)}), None)
    if choice:
        return choice.key
    key = to_thai_digits(compact(text))
    six_months = "๖เดือน" in key
    year = "ประจำปี" in key or "สิ้นปี" in key
    if six_months and year:
        return "semiannual"
    if year:
        return "year_end"
    return None


def cadence_label(key: str) -> str:
    return next(c.th for c in CADENCE if c.key == key)


# ---------------------------------------------------------------- building the plan


def split_steps(text: str) -> tuple[str, list[tuple[int, str]]]:
    """A cell's text before its first numbered step, and its numbered steps in order."""
    marks = list(STEP_MARK.finditer(text))
    if not marks:
        return text.strip(), []
    lead = text[: marks[0].start()].strip()
    steps = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(text)
        steps.append((int(to_arabic_digits(mark.group(1))), text[mark.end(): end].strip()))
    return lead, steps


@dataclass
class _Draft:
    no: int
    title: str
    where: Where
    unit: str
    cadence: str
    steps: list[list[Any]] = field(default_factory=list)  # [no, text]


def _join(old: str, more: str) -> str:
    """Text cut by a page break: the rest follows after the space a line wrap leaves."""
    return f"{old} {more}".strip() if more else old


def _add_steps(draft: _Draft, text: str, where: Where, lang: str) -> None:
    lead, steps = split_steps(text)
    if lead:
        if draft.steps:
            draft.steps[-1][1] = _join(draft.steps[-1][1], lead)  # the rest of a cut step
        elif steps and steps[0][0] == 1:
            raise PlanError("text_before_step", where, lang, measure=draft.no, text=lead[:40])
        else:
            draft.steps.append([1, lead])  # a measure with one step, unnumbered
    for no, step_text in steps:
        expected = len(draft.steps) + 1
        if no != expected:
            raise PlanError("step_order", where, lang, measure=draft.no, no=no, expected=expected)
        if not step_text:
            raise PlanError("empty_step", where, lang, measure=draft.no, no=no)
        draft.steps.append([no, step_text])


def _merge_cell(old: str, more: str) -> str:
    # A unit or cadence cut at a page break continues on the next page; one repeated
    # in full on the next page is the same cell again.
    if not more or compact(more) == compact(old):
        return old
    return _join(old, more)


def build_plan(
    table: RawTable,
    settings: Settings,
    fiscal_year: int | None = None,
    lang: str = "th",
    unit_fallback: str | None = None,
) -> Plan:
    """Measures and steps from the raw rows. `unit_fallback` (the demo only) stands in for
    a unit the settings do not know instead of stopping the import."""
    drafts: list[_Draft] = []
    for row in table.rows:
        first, steps_cell, unit_cell, cadence_cell = row.cells
        mark = MEASURE_MARK.match(first)
        if mark:
            no = int(to_arabic_digits(mark.group(1)))
            if drafts and no <= drafts[-1].no:
                raise PlanError("measure_order", row.where, lang, no=no, prev=drafts[-1].no)
            drafts.append(_Draft(no, first[mark.end():].strip(), row.where, unit_cell, cadence_cell))
        elif not drafts:
            key = "orphan_row" if not first else "measure_no_number"
            raise PlanError(key, row.where, lang, text=first[:60])
        elif first and row.after_break:
            drafts[-1].title = _join(drafts[-1].title, first)  # a title cut at a page break
        elif first:
            raise PlanError("measure_no_number", row.where, lang, text=first[:60])
        draft = drafts[-1]
        if not mark:
            draft.unit = _merge_cell(draft.unit, unit_cell)
            draft.cadence = _merge_cell(draft.cadence, cadence_cell)
        if steps_cell:
            _add_steps(draft, steps_cell, row.where, lang)

    if not drafts:
        # Importing nothing would list every row of the sheet as gone from the plan.
        raise PlanError("no_measures", None, lang)
    measures: list[Measure] = []
    problems: list[tuple[str, Where, dict[str, Any]]] = []
    for d in drafts:
        if not d.title:
            raise PlanError("no_title", d.where, lang, no=d.no)
        if not d.steps:
            raise PlanError("no_steps", d.where, lang, measure=d.no)
        unit = resolve_unit(d.unit, settings) or (unit_fallback if d.unit else None)
        if unit is None:
            problems.append(("unknown_unit" if d.unit else "missing_unit", d.where,
                             {"measure": d.no, "value": d.unit}))
        cadence = resolve_cadence(d.cadence)
        if cadence is None:
            problems.append(("unknown_cadence" if d.cadence else "missing_cadence", d.where,
                             {"measure": d.no, "value": d.cadence}))
        measures.append(Measure(d.no, d.title, unit or "", cadence or "",
                                [Step(no, text) for no, text in d.steps], d.where))
    if problems:
        key, where, params = problems[0]
        error = PlanError(key, where, lang, **params)
        error.problems = problems
        raise error

    notes: list[str] = []
    title_year = plan_title_year(table.title_text)
    if fiscal_year is None:
        if title_year is None:
            raise PlanError("no_fiscal_year", None, lang)
        fiscal_year = title_year
    elif title_year is not None and title_year != fiscal_year:
        notes.append(plan_message("fy_override", lang, used=fiscal_year, title=title_year))
    return Plan(fiscal_year, measures, notes)


def plan_title_year(lines: list[str]) -> int | None:
    """The BE fiscal year the plan's title names ("ประจำปี พ.ศ.๒๕๖๓"), if any."""
    for line in lines:
        for found in _YEAR.finditer(to_arabic_digits(compact(line))):
            year = int(found.group(1))
            if 2400 <= year < 2700:
                return year
    return None


def parse_plan(
    source: str | Path,
    settings: Settings,
    fiscal_year: int | None = None,
    lang: str = "th",
    unit_fallback: str | None = None,
) -> Plan:
    """A plan from a file (.txt or .docx, given as a Path) or from text (given as a str)."""
    if isinstance(source, str):
        return build_plan(read_text_rows(source, lang), settings, fiscal_year, lang, unit_fallback)
    path = Path(source)
    if not path.is_file():
        raise PlanError("file_missing", None, lang, path=path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        table = read_docx_rows(path, lang)
    elif suffix in (".txt", ".text", ".tsv"):
        table = read_text_rows(_read_text(path, lang), lang)
    else:
        raise PlanError("file_type", None, lang, path=path)
    return build_plan(table, settings, fiscal_year, lang, unit_fallback)


def _read_text(path: Path, lang: str) -> str:
    data = path.read_bytes()
    # UTF-8 first; Thai Windows (cp874/TIS-620) is what older extraction tools write.
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanError("unreadable", None, lang, path=path, detail="not UTF-8 or TIS-620 text")


# ---------------------------------------------------------------- into the measures sheet


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan-owned cells of each step's row, keyed by schema column."""
    return [
        {"row_id": row_id(plan.fiscal_year, m.no, s.no), "fiscal_year": plan.fiscal_year,
         "measure_no": m.no, "measure": m.title, "step_no": s.no, "step": s.text,
         "unit": m.unit, "cadence": cadence_label(m.cadence)}
        for m in plan.measures
        for s in m.steps
    ]
