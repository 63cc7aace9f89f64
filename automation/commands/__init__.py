"""Feature commands: each module registers its own CLI commands with @command when imported.

What several commands share lives here: choosing the reporting round from --round and
--fiscal-year, and reading the workbook's tables.
"""

from __future__ import annotations

import argparse

from automation.settings import Settings
from automation.tables import Tables
from automation.thaidate import FiscalRound, be_year, fiscal_year_of, round_to_report, to_arabic_digits


def fiscal_year_argument(text: str) -> int:
    """A fiscal year as typed: BE (2567, ๒๕๖๗) or CE (2024, read as its BE fiscal year 2567)."""
    value = to_arabic_digits(text.strip())
    if not value.isdigit() or not (1900 <= int(value) <= 2100 or 2400 <= int(value) <= 2700):
        raise argparse.ArgumentTypeError(f"'{text}' is not a fiscal year, e.g. 2567")
    year = int(value)
    return year if year > 2400 else be_year(year)


def round_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--round", choices=["h1", "annual"],
                   help="h1 = the 6-month round (1 Oct-31 Mar), annual = the whole fiscal year "
                        "(default: the round whose report is due)")  # fmt: skip
    p.add_argument("--fiscal-year", type=fiscal_year_argument, metavar="N",
                   help="fiscal year, BE (2567) or CE (2024) (default: the round due)")


def chosen_round(args: argparse.Namespace, settings: Settings) -> FiscalRound:
    """--round/--fiscal-year; what is missing comes from the round whose report is due."""
    today = settings.today()
    due = round_to_report(today, settings.deadlines.report_grace_days)
    if args.round is None and args.fiscal_year is None:
        return due
    year = args.fiscal_year
    if year is None:
        year = due.fiscal_year if args.round is None else fiscal_year_of(today)
    return FiscalRound.parse(args.round or due.kind, year)


def read_tables(settings: Settings) -> Tables:
    """Every sheet of the configured workbook (the demo one is built on first use)."""
    from automation.cli import _ensure_demo_workbook
    from automation.schema import build_schema
    from automation.tables import load_tables
    from automation.workbook import open_workbook

    _ensure_demo_workbook(settings)
    return load_tables(open_workbook(settings), build_schema(settings))
