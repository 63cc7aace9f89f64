"""Feature commands: each module registers its own CLI commands with @command when imported.

What several commands share lives here: choosing the reporting round from --round and
--fiscal-year, the words of a mistyped command line, and reading the workbook's tables.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import logging
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from automation.settings import Settings
from automation.tables import Tables
from automation.thaidate import FiscalRound, be_year, latest_round, round_to_report, to_arabic_digits
from automation.workbook import WorkbookError

# How the README and every message name the program: the wrapper at the repository's root
# runs main.py with the project's own .venv (building it first when it is missing).
PROG = "./ita"


def fiscal_year_argument(text: str) -> int:
    """A fiscal year as typed: BE (2567, ๒๕๖๗, 67) or CE (2024, 24, read as its BE fiscal
    year 2567). Two digits read as the sheets read them: 40-99 BE, 00-39 CE."""
    value = to_arabic_digits(text.strip())
    if value.isdigit() and len(value) == 2:
        short = int(value)
        value = str(2500 + short if short >= 40 else 2000 + short)
    if not value.isdigit() or not (1900 <= int(value) <= 2100 or 2400 <= int(value) <= 2700):
        raise argparse.ArgumentTypeError(f"{text}: ไม่ใช่ปีงบประมาณ — พิมพ์ปี พ.ศ. เช่น 2567 หรือ 67 "
                                         "(not a fiscal year)")
    year = int(value)
    return year if year > 2400 else be_year(year)


class Parser(argparse.ArgumentParser):
    """argparse, with its usage mistakes said as the command line's other errors are: one line,
    Thai first with a short English gloss, exit 2, and the --help to read (not a usage block
    in English). Its subcommands' parsers are of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {usage_mistake(self.prog, message)}\n")


_THAI = re.compile(r"[\u0e00-\u0e7f]")


def usage_mistake(prog: str, message: str) -> str:
    """One of argparse's messages (its wording as of Python 3.11-3.13) as a line a clerk acts on."""
    see = f"ดูวิธีใช้ด้วย {prog} --help"
    found = re.fullmatch(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)", message)
    if found:
        option, typed, listed = found.groups()
        choices = [c.strip().strip("'") for c in listed.split(",")]
        near = difflib.get_close_matches(typed, choices, n=1)
        if option == "COMMAND":
            guess = f"ถ้าหมายถึง {prog} {near[0]} ให้พิมพ์แบบนั้น " if near else ""
            return f"{prog} {typed}: ไม่มีคำสั่งนี้ — {guess}คำสั่งที่มีคือ {', '.join(choices)} (unknown command)"
        allowed = choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} หรือ {choices[-1]}"
        return f"{option} {typed}: ไม่มีตัวเลือกนี้ — ใช้ได้เฉพาะ {allowed} (invalid choice)"
    found = re.fullmatch(r"argument (\S+): invalid (\w+) value: '(.*)'", message)
    if found:
        option, kind, typed = found.groups()
        number = "จำนวนเต็ม" if kind == "int" else "ตัวเลข"
        return f"{option} {typed}: ไม่ใช่{number} — ใส่เป็นเลขอารบิก {see} (invalid {kind} value)"
    found = re.fullmatch(r"argument (\S+): (.*)", message)
    if found and _THAI.search(found.group(2)):  # the project's own type checks (--today, --fiscal-year)
        return f"{found.group(1)} {found.group(2)}"
    if found and found.group(2).startswith("expected "):
        option = found.group(1).split("/")[0]
        return f"{option}: ยังไม่ได้ใส่ค่าต่อท้าย — ใส่ค่าหลัง {option} {see} ({found.group(2)})"
    if found and found.group(2).startswith("ignored explicit argument"):
        option = found.group(1).split("/")[0]
        return f"{option}: ไม่ต้องมีค่าต่อท้าย — พิมพ์ {option} อย่างเดียว (ignored explicit argument)"
    found = re.fullmatch(r"unrecognized arguments: (.*)", message)
    if found:
        return (f"{prog}: ไม่รู้จัก {found.group(1)} — ตรวจการสะกด หรือ{see} "
                f"(unrecognized arguments: {found.group(1)})")
    found = re.fullmatch(r"the following arguments are required: (.*)", message)
    if found:
        return f"{prog}: ยังไม่ได้ระบุ {found.group(1)} — {see} (required: {found.group(1)})"
    found = re.fullmatch(r"ambiguous option: (\S+) could match (.*)", message)
    if found:
        return (f"{prog}: {found.group(1)} ย่อจนไม่รู้ว่าหมายถึงตัวเลือกใด — พิมพ์ชื่อเต็ม คือ {found.group(2)} "
                "(ambiguous option)")
    return f"{prog}: พิมพ์คำสั่งไม่ถูกต้อง — {see} ({message})"


def round_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--round", choices=["h1", "annual"],
                   help="h1 = the 6-month round (1 Oct-31 Mar), annual = the whole fiscal year "
                        "(default: the round whose report is due; --round alone: the most recent "
                        "round of that kind that has closed)")  # fmt: skip
    p.add_argument("--fiscal-year", type=fiscal_year_argument, metavar="N",
                   help="fiscal year, BE (2567) or CE (2024) (default: the round due)")


def chosen_round(args: argparse.Namespace, settings: Settings) -> FiscalRound:
    """--round/--fiscal-year. Neither: the round whose report is due (the scheduled run's).
    --round alone: the most recent round of that kind that has closed (thaidate.latest_round),
    not the one of today's fiscal year, which in December or in October has no data yet.
    --fiscal-year alone: the due round's kind in that year."""
    today = settings.today()
    grace = settings.deadlines.report_grace_days
    due = round_to_report(today, grace)
    if args.fiscal_year is None:
        return due if args.round is None else latest_round(args.round, today, grace)
    return FiscalRound.parse(args.round or due.kind, args.fiscal_year)


def say_round(settings: Settings, round_: FiscalRound) -> None:
    """Which round a command drafts and the day its figures stand on (the round's last day once
    it has closed, as the report states it), one line on stderr: stdout keeps the path alone."""
    from automation.reports.figures import report_day
    from automation.thaidate import format_date

    as_of = report_day(settings, round_, settings.today())
    lang = settings.run.language
    style = "arabic" if lang == "en" else settings.run.digits
    label = round_.label(lang, style)  # type: ignore[arg-type]
    day = format_date(as_of, lang, style)  # type: ignore[arg-type]
    print(f"{label}, figures as of {day}" if lang == "en" else f"{label} ข้อมูล ณ วันที่ {day}",
          file=sys.stderr)


def read_tables(settings: Settings) -> Tables:
    """Every sheet of the configured workbook (the demo one is built on first use)."""
    from automation.progress import step
    from automation.schema import build_schema
    from automation.tables import load_tables
    from automation.workbook import open_workbook

    ensure_workbook(settings)
    book = open_workbook(settings)
    with step(("reading " if settings.run.language == "en" else "อ่านสมุดงาน ") + book.label):
        return load_tables(book, build_schema(settings))


def ensure_workbook(settings: Settings, required: bool = True) -> None:
    """Only the embedded demo workbook (the shipped settings' own path) is built on first use,
    so `make run` works at once; any other missing .xlsx is a mistyped path or a workbook
    not made yet, and building demo data there would pass fake figures off as the office's.
    `required=False` builds the demo the same way but leaves a missing file to the caller."""
    from automation.settings import DEFAULT_CONFIG, EMBEDDED_DEMO_WORKBOOK

    path = settings.workbook_path
    if settings.workbook.backend != "xlsx" or path.exists():
        return
    english = settings.run.language == "en"
    if settings.source == DEFAULT_CONFIG.resolve() and path == EMBEDDED_DEMO_WORKBOOK:
        from automation.demo import build_demo_workbook

        build_demo_workbook(settings, path)
        print(f"demo workbook created: {path}" if english else f"สร้างสมุดงานตัวอย่างแล้ว: {path}",
              file=sys.stderr)
        return
    if not required:  # `serve`: the check job reports the missing file at its slot, and retries
        return
    raise WorkbookError(
        f"{path}: workbook not found; check the path, or create a new workbook with "
        f"`{PROG} init --workbook {path}`" if english else
        f"{path}: ไม่พบสมุดงาน — ตรวจชื่อไฟล์และโฟลเดอร์ หรือสร้างสมุดงานใหม่ด้วย "
        f"{PROG} init --workbook {path} (workbook not found)")


@dataclass
class RunRecord:
    """What a command that writes tells the run history (`status` lists it)."""

    counts: dict[str, Any] = field(default_factory=dict)
    api_calls: int = 0
    outcome: str = "ok"
    error: str = ""


@contextlib.contextmanager
def recorded_run(settings: Settings, job: str) -> Iterator[RunRecord]:
    """Every run that writes is history, whichever command made it (not only `serve`'s jobs):
    the run is recorded in the state file with its outcome, counts and API calls. A state
    file that cannot be written costs the record only, never the run."""
    from zoneinfo import ZoneInfo

    from automation.settings import ConfigError
    from automation.state import State

    zone = ZoneInfo(settings.run.timezone)
    started = dt.datetime.now(zone)
    record = RunRecord()
    try:
        yield record
    except Exception as exc:
        record.outcome, record.error = "failed", str(exc) or type(exc).__name__
        raise
    finally:
        try:
            with State(settings.state_path, settings.run.language) as state:
                run_id = state.start_run(job, started)
                state.finish_run(run_id, dt.datetime.now(zone), record.outcome, record.counts,
                                 record.api_calls, record.error)
        except (ConfigError, OSError, sqlite3.Error) as exc:
            logging.getLogger("automation.history").warning(
                "run not recorded in the state file: %s" if settings.run.language == "en" else
                "ไม่ได้บันทึกการทำงานครั้งนี้ลงในประวัติที่ status แสดง (run not recorded): %s", exc)


def run_counts(summary: Any) -> dict[str, int]:
    """A run's counts as `status` shows them, the same keys as the scheduled check's."""
    severities = summary.by_severity
    return {"findings": len(summary.findings), "new": summary.new_findings,
            "resolved": summary.resolved_findings, "errors": severities["error"],
            "warnings": severities["warning"], "stage_errors": sum(1 for s in summary.stages if s.error)}


def screen_digits(text: str, settings: Settings) -> str:
    """Text the service composed (counts, figures, dates) in the office's digits, Thai only:
    `[run] digits` applies to what is printed as to the documents. Never pass it values
    staff typed, ids or paths: those are shown as they are, to be found and typed back."""
    from automation.thaidate import digits

    return digits(text, settings.run.digits) if settings.run.language != "en" else text


def warn_empty_round(settings: Settings, round_: FiscalRound, *, responses: int | None = None,
                     complaints: int | None = None) -> bool:
    """A round with no data at all (a mistyped --fiscal-year 2599, a round not begun) says so on
    stderr: an empty table or a report of zeros looks too much like a real result."""
    given = [n for n in (responses, complaints) if n is not None]
    if not given or any(given):
        return False
    lang = settings.run.language
    label = round_.label(lang, settings.run.digits if lang != "en" else "arabic")
    what = {(True, False): ("no satisfaction responses", "ไม่มีคำตอบแบบประเมิน"),
            (False, True): ("no complaints", "ไม่มีเรื่องร้องเรียน"),
            (True, True): ("no satisfaction responses and no complaints", "ไม่มีคำตอบแบบประเมินและไม่มีเรื่องร้องเรียน")}[
        (responses is not None, complaints is not None)]
    from automation.cells import show_date

    dates = f"{show_date(round_.start, lang)} – {show_date(round_.end, lang)}"
    print(f"warning: {what[0]} at all in {label} ({dates}); check --fiscal-year and --round" if lang == "en" else
          f"คำเตือน: {what[1]}เลยใน{label} ({dates}) ตรวจ --fiscal-year และ --round", file=sys.stderr)
    return True
