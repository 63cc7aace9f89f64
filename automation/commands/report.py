"""`./ita report` (the Word draft) and `./ita page` (the public results page)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from automation.cli import arguments, command
from automation.commands import chosen_round, read_tables, round_arguments, say_round, warn_empty_round
from automation.progress import step
from automation.settings import ConfigError, Settings
from automation.thaidate import FiscalRound


class _OutPath(type(Path())):  # type: ignore[misc]
    """--out as typed: Path drops a trailing '/', which is how a person says "this folder"."""

    folder_meant: bool = False

    def __new__(cls, text: str) -> _OutPath:
        path = super().__new__(cls, text)
        path.folder_meant = text.endswith(("/", "\\"))
        return path


def report_path(out: Path | None, round_: FiscalRound, public: bool, lang: str) -> Path | None:
    """--out as the report's file: a .docx path as it is; a folder (existing, or typed with a
    trailing /) gets the usual file name inside it, as `page` and `qr` take a folder."""
    from automation.reports import report_filename

    if out is None:
        return None
    if out.is_dir() or getattr(out, "folder_meant", False):
        return out / report_filename(round_, public, lang)
    if out.suffix.lower() != ".docx":
        raise ConfigError(f"--out {out}: the report is a Word file; give a path ending in .docx, "
                          "or a folder ending in /" if lang == "en" else
                          f"--out {out}: รายงานเป็นไฟล์ Word — ใส่ชื่อไฟล์ที่ลงท้ายด้วย .docx หรือโฟลเดอร์ที่ลงท้ายด้วย / "
                          "เช่น --out output/ (the report is a .docx file)")
    return out


def _report_args(p: argparse.ArgumentParser) -> None:
    round_arguments(p)
    p.add_argument("--out", type=_OutPath,
                   help="a .docx path, or a folder (output/) for ita-report-<FY>-<round>.docx in it "
                        "(default: the output folder)")
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
    out = report_path(args.out, round_, args.public, settings.run.language)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
    tables = read_tables(settings)
    _warn_if_nothing(settings, tables, round_)
    say_round(settings, round_)
    with step("drafting the report" if settings.run.language == "en" else "ร่างรายงาน"):
        path = build_report(settings, tables, round_, settings.today(), out=out, public=args.public,
                            lang=settings.run.language)
    print(path)
    if args.pdf or settings.report.pdf:
        from automation.reports.pdf import write_pdf

        print(write_pdf(path, lang=settings.run.language))  # no LibreOffice: one line saying so, exit 2; the .docx stays
    return 0


def _warn_if_nothing(settings: Settings, tables: Any, round_: FiscalRound) -> None:
    """A report of a round with no responses and no complaints at all is a mistyped year."""
    from automation.complaints import complaint_statistics
    from automation.satisfaction import compute_scores

    lang = settings.run.language
    responses = compute_scores(settings, tables["responses"], round_, lang).responses
    complaints = 0 if responses else complaint_statistics(settings, tables["complaints"], round_,
                                                          settings.today(), lang).total
    warn_empty_round(settings, round_, responses=responses, complaints=complaints)


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

    tables = read_tables(settings)
    round_ = chosen_round(args, settings)
    _warn_if_nothing(settings, tables, round_)
    say_round(settings, round_)
    with step("building the public page" if settings.run.language == "en" else "สร้างหน้าเผยแพร่"):
        path = build_public_page(settings, tables, round_, settings.today(),
                                 out_dir=args.out, lang=settings.run.language)
    print(path)
    return 0
