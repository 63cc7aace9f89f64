"""`./ita import-plan FILE`: the plan document becomes the measures sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from automation.cli import arguments, command, print_json
from automation.commands import fiscal_year_argument, recorded_run
from automation.plan import PlanError, parse_plan
from automation.plan_sheet import PlanImport, merge_plan
from automation.schema import SheetSchema, build_schema
from automation.settings import Settings
from automation.tables import to_table
from automation.workbook import open_workbook

TEXT = {
    "add": {"th": "+ {row_id} (แถว {row}) เพิ่มขั้นตอน: {new}", "en": "+ {row_id} (row {row}) new step: {new}"},
    "update": {"th": "~ {row_id} (แถว {row}) {column}: «{old}» → «{new}»",
               "en": "~ {row_id} (row {row}) {column}: «{old}» → «{new}»"},
    "vanished": {"th": "! {row_id} (แถว {row}) ไม่อยู่ในแผนแล้ว — คงแถวไว้ ไม่ลบ",
                 "en": "! {row_id} (row {row}) is no longer in the plan; the row is kept"},
    "summary": {"th": "แผนปีงบประมาณ {fy}: {measures} มาตรการ {steps} ขั้นตอน — เพิ่ม {add} แถว "
                      "แก้ไข {update} ช่อง ไม่อยู่ในแผน {vanished} แถว ไม่เปลี่ยนแปลง {unchanged} แถว",
                "en": "plan for fiscal year {fy}: {measures} measures, {steps} steps; {add} rows added, "
                      "{update} cells updated, {vanished} rows no longer in the plan, {unchanged} rows unchanged"},
    "new_sheet": {"th": "สร้างชีต «{sheet}»", "en": "sheet «{sheet}» created"},
    "dry_run": {"th": "ทดลองเท่านั้น (--dry-run): ยังไม่ได้บันทึกลงชีต «{sheet}»",
                "en": "dry run: nothing written to sheet «{sheet}»"},
    "saved": {"th": "บันทึกลงชีต «{sheet}» แล้ว", "en": "written to sheet «{sheet}»"},
    "nothing": {"th": "ชีต «{sheet}» ตรงกับแผนอยู่แล้ว", "en": "sheet «{sheet}» already matches the plan"},
}


def _t(key: str, lang: str, **params: object) -> str:
    return TEXT[key]["en" if lang == "en" else "th"].format(**params)


def _short(value: object, width: int = 70) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def report_lines(result: PlanImport, lang: str, layout: SheetSchema) -> list[str]:
    """The change list, one line per added row, updated cell or vanished row."""
    headers = {c.key: c.header(lang) for c in layout.columns}
    lines = []
    for change in result.changes:
        column = headers.get(change.column or "", change.column)
        lines.append(_t(change.kind, lang, row_id=change.row_id, row=change.row, column=column,
                        old=_short(change.old), new=_short(change.new)))
    plan = result.plan
    lines.append(_t("summary", lang, fy=plan.fiscal_year, measures=len(plan.measures), steps=plan.step_count,
                    add=result.count("add"), update=result.count("update"),
                    vanished=result.count("vanished"), unchanged=result.unchanged))
    return lines


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE",
                   help="the plan: .txt (tab-separated text from a PDF) or .docx (a Word table)")
    p.add_argument("--fiscal-year", type=fiscal_year_argument, metavar="N",
                   help="fiscal year of the plan, BE (2563, ๒๕๖๓) or CE (2020) "
                        "(default: the year in the plan's title)")
    p.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    p.add_argument("--json", action="store_true",
                   help="print the plan read from FILE as JSON (the change list goes to stderr)")


@command("import-plan", "Import the integrity-measures plan (.txt from a PDF or .docx) into the measures sheet",
         "Reads the plan's table (มาตรการ · ขั้นตอนหรือวิธีการ · ผู้รับผิดชอบ · การกำกับติดตาม) and "
         "fills the measures sheet with one row per step, keyed fiscal year-measure-step. Only the "
         "plan's own columns are written; status, dates, evidence, results and notes that staff "
         "typed are never touched. New steps are added, steps no longer in the plan are reported "
         "and kept. A plan that cannot be read exactly stops with one line naming the row.")
@arguments(_args)
def cmd_import_plan(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.run.language
    layout = build_schema(settings)["measures"]
    try:
        plan = parse_plan(Path(args.file), settings, fiscal_year=args.fiscal_year, lang=lang)
    except PlanError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2
    book = open_workbook(settings)
    local_file_missing = settings.workbook.backend == "xlsx" and not settings.workbook_path.exists()
    grid = None if local_file_missing else book.read([layout.title]).get(layout.title)
    # A missing sheet is provisioned (headers in schema order) before writing; until then
    # the import is planned against exactly that empty sheet.
    table = to_table(layout, grid if grid is not None else [layout.headers(lang)])
    try:
        result = merge_plan(plan, table, settings, lang)
    except PlanError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2

    if args.json:
        print_json(plan.as_json())
    out: TextIO = sys.stderr if args.json else sys.stdout
    for note in plan.problems:
        print(note, file=out)
    for line in report_lines(result, lang, layout):
        print(line, file=out)
    if args.dry_run:
        print(_t("dry_run", lang, sheet=layout.title), file=out)
        return 0
    with recorded_run(settings, "import-plan") as record:  # a run that writes is history (`status`)
        record.counts = {"added": result.count("add"), "updated": result.count("update")}
        if grid is None:
            book.provision([layout], lang)
            print(_t("new_sheet", lang, sheet=layout.title), file=out)
        if result.writes.is_empty():
            print(_t("nothing", lang, sheet=layout.title), file=out)
        else:
            book.apply(result.writes)
            print(_t("saved", lang, sheet=layout.title), file=out)
        record.api_calls = book.api_calls
    return 0
