"""`python main.py report` (the Word draft) and `python main.py page` (the public results page)."""

from __future__ import annotations

import argparse
from pathlib import Path

from automation.cli import _ensure_demo_workbook, arguments, command
from automation.settings import ConfigError, Settings
from automation.tables import Tables
from automation.thaidate import FiscalRound, fiscal_year_of, round_to_report, to_arabic_digits


def _fiscal_year(text: str) -> int:
    """A BE fiscal year, typed in Arabic or Thai digits (2567 or ๒๕๖๗)."""
    value = to_arabic_digits(text.strip())
    if not value.isdigit() or not 2400 <= int(value) <= 2800:
        raise argparse.ArgumentTypeError(f"'{text}' is not a fiscal year in BE, e.g. 2567")
    return int(value)


def _round_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--round", choices=["h1", "annual"],
                   help="h1: the 6-month round (1 Oct-31 Mar); annual: the whole fiscal year (default: the round due)")
    p.add_argument("--fiscal-year", type=_fiscal_year, help="fiscal year in BE, e.g. 2567 (default: the round due)")


def _round(args: argparse.Namespace, settings: Settings) -> FiscalRound:
    today = settings.today()
    if not (args.round or args.fiscal_year):
        return round_to_report(today, settings.deadlines.report_grace_days)
    return FiscalRound.parse(args.round or "annual", args.fiscal_year or fiscal_year_of(today))


def _tables(settings: Settings) -> Tables:
    from automation.schema import build_schema
    from automation.tables import load_tables
    from automation.workbook import open_workbook

    _ensure_demo_workbook(settings)
    return load_tables(open_workbook(settings), build_schema(settings))


def _report_args(p: argparse.ArgumentParser) -> None:
    _round_args(p)
    p.add_argument("--out", type=Path,
                   help="where to write the .docx (default: output folder, ita-report-<FY>-<round>.docx)")
    p.add_argument("--public", action="store_true",
                   help="the edition for publishing: complainants' names and contacts and private columns left out")


@command("report", "Draft the 6-month or annual report as a Word file (.docx)",
         "Fills templates/report.docx with the round's figures: title page, summary, measures "
         "table, overdue items by unit, satisfaction tables and charts, complaint statistics "
         "(corruption separately) and a signature block. Thai or Arabic digits and Buddhist-Era "
         "dates follow the settings. Re-running overwrites the same file.")
@arguments(_report_args)
def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from automation.reports import build_report

    round_ = _round(args, settings)
    out = args.out
    if out is not None and out.suffix.lower() != ".docx":
        raise ConfigError(f"--out {out}: the report is a Word file; give a path ending in .docx")
    path = build_report(settings, _tables(settings), round_, settings.today(), out=out, public=args.public,
                        lang=settings.run.language)
    print(path)
    return 0


def _page_args(p: argparse.ArgumentParser) -> None:
    _round_args(p)
    p.add_argument("--out", type=Path, help="folder for index.html and its pictures (default: output/public)")


@command("page", "Build the public results page (index.html with its charts) for the office website",
         "Writes one static HTML page with the round's satisfaction results and complaint "
         "statistics, readable on a phone, with no external resources. Complainants' names, "
         "contacts and private columns never appear; comments are masked.")
@arguments(_page_args)
def cmd_page(args: argparse.Namespace, settings: Settings) -> int:
    from automation.reports import build_public_page

    path = build_public_page(settings, _tables(settings), _round(args, settings), settings.today(),
                             out_dir=args.out, lang=settings.run.language)
    print(path)
    return 0
