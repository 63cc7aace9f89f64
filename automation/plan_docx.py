"""Reading a plan from a Word file: its four-column table becomes the same raw rows the
text reader gives (automation.plan_table), so one builder (automation.plan) handles both.

Word plans split their table across pages in two ways: one long table whose header row
repeats, or a new table per page with its own header. Both are read as one table. A cell
merged down over several rows (the measure beside each of its steps) counts as empty in
the rows below its first, exactly like a continuation row of the text form.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from automation.plan_table import PlanError, RawTable, RowCollector, Where


def _cell_text(tc: object, parent: Table) -> str:
    # Each step is often its own paragraph; a space between them is what the text form has.
    return " ".join(Paragraph(p, parent).text for p in tc.iter(qn("w:p")))  # type: ignore[attr-defined]


def _row_cells(tr: object, table: Table) -> list[str]:
    cells: list[str] = []
    for tc in tr.tc_lst:  # type: ignore[attr-defined]
        text = "" if tc.vMerge == "continue" else _cell_text(tc, table)
        cells.append(text)
        cells.extend([""] * (tc.grid_span - 1))  # keep later cells under their column
    return cells


def read_docx_rows(path: Path, lang: str = "th") -> RawTable:
    """The plan table's rows from a .docx, with the paragraphs before it as its title."""
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanError("unreadable", None, lang, path=path, detail=type(exc).__name__) from None
    rows = RowCollector(lang)
    number = 0
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p") and not rows.started:
            text = Paragraph(element, document).text.strip()
            if text:
                rows.table.title_text.append(text)
        elif element.tag == qn("w:tbl"):
            number += 1
            table = Table(element, document)
            if not _four_columns(table):
                if rows.started:
                    break  # a table after the plan (signatures, notes) is not part of it
                # A layout table before the plan (letterhead, title box) is only its title.
                rows.table.title_text += [" ".join(_row_cells(tr, table)) for tr in element.tr_lst]
                continue
            for r, tr in enumerate(element.tr_lst, start=1):
                rows.add(Where(table=number, row=r), _row_cells(tr, table))
            if rows.started:
                rows.after_break = True  # the next table starts on a new page
    return rows.finish()


def _four_columns(table: Table) -> bool:
    return any(len(_row_cells(tr, table)) == 4 for tr in table._tbl.tr_lst)
