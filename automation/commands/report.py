"""`python main.py report` (the Word draft) and `python main.py page` (the public results page)."""

from __future__ import annotations

import argparse
from pathlib import Path

from automation.cli import arguments, command
from automation.commands import chosen_round, read_tables, round_arguments
from automation.settings import ConfigError, Settings


def _report_args(p: argparse.ArgumentParser) -> None:
    round_arguments(p)
    p.add_argument("--out", type=Path,
                   help="where to write the .docx (default: output folder, ita-report-<FY>-<round>.docx)")
    p.add_argument("--public", action="store_true",
                   help="the edition for publishing: complainants' names and contacts and private columns left out")
    p.add_argument("--pdf", action="store_true",
                   help="also write the PDF beside it through LibreOffice (or set [report] pdf = true)")


@command("report", "Draft the 6-month or annual report as a Word file (.docx)",
         "Fills templates/report.docx with the round's figures: title page, summary, measures "
         "table, overdue items by unit, satisfaction tables and charts, complaint statistics "
         "(corruption separately) and a signature block. Thai or Arabic digits and Buddhist-Era "
         "dates follow the settings. Re-running overwrites the same file.")
@arguments(_report_args)
def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from automation.reports import build_report

    round_ = chosen_round(args, settings)
    out = args.out
    if out is not None and out.suffix.lower() != ".docx":
        raise ConfigError(f"--out {out}: the report is a Word file; give a path ending in .docx")
    path = build_report(settings, read_tables(settings), round_, settings.today(), out=out, public=args.public,
                        lang=settings.run.language)
    print(path)
    if args.pdf or settings.report.pdf:
        from automation.reports.pdf import write_pdf

        print(write_pdf(path))  # no LibreOffice: one line saying so, exit 2; the .docx stays
    return 0


def _page_args(p: argparse.ArgumentParser) -> None:
    round_arguments(p)
    p.add_argument("--out", type=Path, help="folder for index.html and its pictures (default: output/public)")


@command("page", "Build the public results page (index.html with its charts) for the office website",
         "Writes one static HTML page with the round's satisfaction results and complaint "
         "statistics, readable on a phone, with no external resources. Complainants' names, "
         "contacts and private columns never appear; comments are masked.")
@arguments(_page_args)
def cmd_page(args: argparse.Namespace, settings: Settings) -> int:
    from automation.reports import build_public_page

    path = build_public_page(settings, read_tables(settings), chosen_round(args, settings), settings.today(),
                             out_dir=args.out, lang=settings.run.language)
    print(path)
    return 0
