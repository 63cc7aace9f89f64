"""Regenerate the README's picture of a report page: docs/report-page.png.

    .venv/bin/python scripts/report_image.py [--out docs/report-page.png] [--page N]

Builds the demo workbook in a temporary folder (seed 2567, as of 20 April 2024), drafts the
round-1 report of FY 2567 with the shipped templates, prints it to PDF through LibreOffice
and draws one page (by default the first page of the step-by-step table) as a small PNG.
Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = dt.date(2024, 4, 20)
STEP_TABLE = "รายละเอียดผลการดำเนินการรายขั้นตอน"


def _squeezed(text: str) -> str:
    # pdftotext may put a Thai mark after a space or a line break: compare base letters only.
    return re.sub("[\\s\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", "", text)


def _page_with(pdf: Path, text: str) -> int:
    """The first page whose text holds `text` (compared by its letters)."""
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(pages.split("\f"), start=1):
        if _squeezed(text) in _squeezed(page):
            return number
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw one page of the demo report as a PNG for the README")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-page.png")
    parser.add_argument("--page", type=int, help="page number (default: where the step table starts)")
    args = parser.parse_args(argv)
    if not shutil.which("pdftoppm"):
        print("error: pdftoppm is not installed (apt-get install poppler-utils)", file=sys.stderr)
        return 2
    from automation.demo import build_demo_workbook
    from automation.reports import build_report
    from automation.reports.pdf import PdfUnavailable, write_pdf
    from automation.schema import build_schema
    from automation.settings import load_settings
    from automation.tables import load_tables
    from automation.thaidate import FiscalRound
    from automation.workbook.xlsx import XlsxWorkbook

    with tempfile.TemporaryDirectory(prefix="report-image-") as work:
        root = Path(work)
        (root / "config").mkdir()
        shutil.copy(ROOT / "config" / "settings.toml", root / "config" / "settings.toml")
        settings = load_settings(root / "config" / "settings.toml", run__today=DAY,
                                 report__template_dir=str(ROOT / "templates"))
        settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
        build_demo_workbook(settings, settings.workbook_path, seed=2567, today=DAY)
        tables = load_tables(XlsxWorkbook(settings.workbook_path), build_schema(settings))
        docx = build_report(settings, tables, FiscalRound(2567, "h1"), DAY)
        try:
            pdf = write_pdf(docx)
        except PdfUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        page = args.page or _page_with(pdf, STEP_TABLE)
        stem = root / "page"
        subprocess.run(["pdftoppm", "-r", "56", "-png", "-gray", "-singlefile", "-f", str(page), "-l", str(page),
                        str(pdf), str(stem)], check=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), args.out)
    print(f"{args.out} (page {page})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
