"""One interface to the office's workbook, whichever backend holds it.

Domain code sees grids of raw cell values and hands back `Changes`; only the backends know
openpyxl or gspread. The interface itself lives in `automation.workbook.base`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automation.workbook.base import (
    NOTE_MARK,
    CellNote,
    CellWrite,
    Changes,
    Grid,
    Workbook,
    WorkbookError,
)

if TYPE_CHECKING:
    from automation.settings import Settings

__all__ = ["NOTE_MARK", "CellNote", "CellWrite", "Changes", "Grid", "Workbook", "WorkbookError", "open_workbook"]


def open_workbook(settings: Settings) -> Workbook:
    """The backend the settings ask for."""
    if settings.workbook.backend == "gsheets":
        from automation.workbook.gsheets import GoogleSheetsWorkbook

        return GoogleSheetsWorkbook.from_settings(settings)
    from automation.workbook.xlsx import XlsxWorkbook

    return XlsxWorkbook(settings.workbook_path)
