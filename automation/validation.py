"""Validation of the staff sheets: every bad entry becomes a precise finding in plain Thai."""

from __future__ import annotations

from automation.findings import Finding, Rule
from automation.pipeline import RunContext, StageResult
from automation.tables import ROW, SheetTable


class MissingSheet(Rule):
    id = "missing-sheet"
    title = {"th": "ไม่พบชีต", "en": "Sheet missing"}
    template = {
        "th": "ไม่พบชีต '{sheet}' ในสมุดงาน",
        "en": "The workbook has no sheet '{sheet}'",
    }
    fix = {
        "th": "เพิ่มชีตชื่อ '{sheet}' (คำสั่ง python main.py init) หรือแก้ชื่อชีตใน config/settings.toml",
        "en": "Add a sheet named '{sheet}' (python main.py init) or fix its title in settings",
    }


class MissingColumn(Rule):
    id = "missing-column"
    title = {"th": "ไม่พบหัวคอลัมน์", "en": "Column missing"}
    template = {
        "th": "ชีต '{sheet}' ไม่มีคอลัมน์ '{column}'",
        "en": "Sheet '{sheet}' has no column '{column}'",
    }
    fix = {
        "th": "เพิ่มหัวคอลัมน์ '{column}' ในแถวที่ 1 (ห้ามเปลี่ยนชื่อหัวคอลัมน์)",
        "en": "Add the header '{column}' in row 1 (do not rename headers)",
    }


class RequiredCell(Rule):
    id = "required"
    title = {"th": "ช่องที่ต้องกรอก", "en": "Required cell"}
    template = {
        "th": "ชีต '{sheet}' แถว {row} ช่อง '{column}' ว่าง ต้องกรอกข้อมูล",
        "en": "Sheet '{sheet}' row {row}: '{column}' is empty but required",
    }
    fix = {"th": "กรอก '{column}' ให้ครบ", "en": "Fill in '{column}'"}


def structure_findings(table: SheetTable, lang: str) -> list[Finding]:
    layout = table.layout
    if not table.present:
        return [MissingSheet.make(sheet=layout.title, lang=lang, sheet_key=layout.key)]
    return [
        MissingColumn.make(
            sheet=layout.title, column=col.header(lang), lang=lang,
            sheet_key=layout.key, column_key=col.key, severity="error" if col.required else "warning",
        )
        for col in table.match.missing
    ]


def required_findings(table: SheetTable, lang: str) -> list[Finding]:
    layout = table.layout
    found = []
    id_key = layout.id_column
    for record in table.records():
        for col in layout.columns:
            if not col.required or col.key not in table.match.positions:
                continue
            if record.get(col.key) is None:
                found.append(
                    RequiredCell.make(
                        sheet=layout.title, row=record[ROW], column=col.header(lang), lang=lang,
                        row_id=record.get(id_key) or "" if id_key else "", sheet_key=layout.key,
                        column_key=col.key, col_number=table.column_number(col.key),
                        unit=str(record.get("unit") or ""),
                    )
                )
    return found


def validate_tables(ctx: RunContext) -> list[Finding]:
    found: list[Finding] = []
    for layout in ctx.schema.staff_sheets:
        table = ctx.tables[layout.key]
        found += structure_findings(table, ctx.lang)
        if table.present:
            found += required_findings(table, ctx.lang)
    return found


def stage(ctx: RunContext) -> StageResult:
    found = validate_tables(ctx)
    rows = {key: len(ctx.tables[key].frame) for key in ("measures", "complaints", "responses")}
    return StageResult("validation", found, {"rows": rows})
