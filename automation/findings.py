"""Findings: what the service tells staff, and the catalogue of rules that produce them.

Each kind of finding is a small `Rule` class with an id, a Thai and English title and message
templates filled with the row and column position (the frictionless-py pattern). Rules
register themselves, so `./ita rules` and the README list them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from automation.schema import FINDING_COLUMNS
from automation.workbook import CellNote, Grid

if TYPE_CHECKING:
    from automation.schema import Schema

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
RULES: dict[str, type[Rule]] = {}


@dataclass(frozen=True)
class Finding:
    sheet: str  # sheet title as staff see it
    row: int | None  # sheet row number, None for a finding about a whole sheet or measure
    column: str  # the column's header as staff see it ("" when not about one cell)
    value: Any
    rule: str
    severity: Severity
    message: str
    suggestion: str = ""
    row_id: str = ""
    unit: str = ""
    sheet_key: str = ""
    column_key: str = ""
    col_number: int | None = None  # 1-based position for the cell note
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What makes a finding 'the same one' from run to run, even when rows move."""
        where = self.row_id or str(self.row or "")
        return (self.sheet_key or self.sheet, where, self.column_key or self.column, self.rule)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_seen", "last_seen"):
            data[key] = data[key].isoformat() if data[key] else None
        value = data["value"]
        if isinstance(value, (dt.date, dt.datetime)):
            data["value"] = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            data["value"] = str(value)
        return data


class Rule:
    """One kind of finding. Subclasses set the class attributes; `make` fills the template.

    Templates may use {sheet}, {row}, {column}, {value} and any keyword given to `make`.
    """

    id: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    title: ClassVar[dict[str, str]]  # {"th": ..., "en": ...}
    template: ClassVar[dict[str, str]]
    fix: ClassVar[dict[str, str]] = {"th": "", "en": ""}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            if cls.id in RULES:
                raise ValueError(f"rule id {cls.id!r} defined twice")
            RULES[cls.id] = cls

    @classmethod
    def make(
        cls,
        *,
        sheet: str,
        row: int | None = None,
        column: str = "",
        value: Any = None,
        lang: str = "th",
        row_id: str = "",
        unit: str = "",
        sheet_key: str = "",
        column_key: str = "",
        col_number: int | None = None,
        severity: Severity | None = None,
        **params: Any,
    ) -> Finding:
        shown = "" if value is None else str(value)
        if len(shown) > 80:
            shown = shown[:77] + "…"
        values = {"sheet": sheet, "row": row, "column": column, "value": shown, **params}
        lang = lang if lang in cls.template else "th"
        return Finding(
            sheet=sheet,
            row=row,
            column=column,
            value=value,
            rule=cls.id,
            severity=severity or cls.severity,
            message=cls.template[lang].format(**values),
            suggestion=cls.fix.get(lang, "").format(**values),
            row_id=str(row_id or ""),
            unit=unit or "",
            sheet_key=sheet_key,
            column_key=column_key,
            col_number=col_number,
        )


def catalogue(lang: str = "th") -> list[dict[str, str]]:
    return [
        {
            "rule": r.id,
            "severity": r.severity,
            "title": r.title.get(lang, r.title["th"]),
            "template": r.template.get(lang, r.template["th"]),
        }
        for r in sorted(RULES.values(), key=lambda r: r.id)
    ]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], f.sheet, f.row or 0, f.column, f.rule),
    )


@dataclass
class StampedFindings:
    findings: list[Finding]
    new: list[Finding] = field(default_factory=list)
    resolved: int = 0


def stamp(
    findings: list[Finding], previous: list[dict[str, Any]], today: dt.date, schema: Schema | None = None
) -> StampedFindings:
    """Carry each finding's first-seen date over from the last findings sheet.

    With the schema, a column is known by its key, not by the header text the last run wrote,
    so a run in the other language (`--lang en`) still recognises every finding.
    """
    from automation.thaidate import DateParseError, parse_date

    keys = _column_keys(schema) if schema is not None else {}

    def column_of(sheet: str, text: str) -> str:
        return keys.get((sheet, text), text)

    seen: dict[tuple[str, str, str, str], dt.date] = {}
    for row in previous:
        sheet = str(row.get("sheet") or "")
        ident = (
            sheet,
            str(row.get("row_id") or row.get("row") or ""),
            column_of(sheet, str(row.get("column") or "")),
            str(row.get("rule") or ""),
        )
        try:
            seen[ident] = parse_date(row.get("first_seen"))
        except DateParseError:
            continue
    stamped, new = [], []
    current = set()
    for f in findings:
        column = f.column_key if keys and f.column_key else column_of(f.sheet, f.column)
        ident = (f.sheet, f.row_id or str(f.row or ""), column, f.rule)
        current.add(ident)
        first = seen.get(ident)
        if first is None:
            first = today
            new.append(f)
        stamped.append(replace(f, first_seen=first, last_seen=today))
    resolved = sum(1 for ident in seen if ident not in current)
    return StampedFindings(sort_findings(stamped), new, resolved)


def _column_keys(schema: Schema) -> dict[tuple[str, str], str]:
    """(sheet title, header in either language) -> column key, for the staff sheets."""
    keys: dict[tuple[str, str], str] = {}
    for layout in schema.staff_sheets:
        for col in layout.columns:
            for text in (col.th, col.en):
                keys.setdefault((layout.title, text), col.key)
    return keys


def findings_grid(findings: list[Finding], lang: str = "th", digit_style: str = "arabic") -> Grid:
    """The findings sheet as written: a header row, then one row per finding."""
    from automation.schema import SEVERITIES

    labels = {c.key: c.label(lang) for c in SEVERITIES}
    grid: Grid = [[c.header(lang) for c in FINDING_COLUMNS]]
    for f in findings:
        value = f.value
        if isinstance(value, dt.datetime):
            value = value.isoformat(sep=" ")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        grid.append(
            [
                labels[f.severity],
                f.sheet,
                f.row if f.row is not None else "",
                f.row_id,
                f.column,
                "" if value is None else value,
                f.rule,
                f.message,
                f.suggestion,
                f.unit,
                f.first_seen.isoformat() if f.first_seen else "",
                f.last_seen.isoformat() if f.last_seen else "",
            ]
        )
    return grid


def cell_notes(findings: list[Finding]) -> dict[str, list[CellNote]]:
    """One note per offending cell (several findings on a cell share it)."""
    texts: dict[tuple[str, int, int], list[str]] = {}
    for f in findings:
        if f.row is None or f.col_number is None:
            continue
        line = f.message + (f" — {f.suggestion}" if f.suggestion else "")
        texts.setdefault((f.sheet, f.row, f.col_number), []).append(line)
    notes: dict[str, list[CellNote]] = {}
    for (sheet, row, col), lines in sorted(texts.items()):
        notes.setdefault(sheet, []).append(CellNote(sheet, row, col, "\n".join(lines)))
    return notes
