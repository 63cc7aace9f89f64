"""The command line: `./ita COMMAND` (main.py in the project's .venv). Each command is a thin edge over the core.

Exit codes: 0 done; 1 error-severity findings with --strict, or a failed run;
2 a usage, configuration, credential or workbook problem (one line, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation import progress
from automation.commands import PROG, Parser, ensure_workbook
from automation.settings import ConfigError, Settings, load_settings
from automation.workbook import WorkbookError

Handler = Callable[[argparse.Namespace, Settings], int]


EPILOG = f"""\
examples:
  {PROG} run                                  the whole job once on the configured workbook
  {PROG} run --workbook data/office.xlsx      the same on another .xlsx file
  {PROG} validate --lang en                   only the checks, findings in English
  {PROG} scores --round h1 --fiscal-year 2567 satisfaction figures of a round
  {PROG} report --out output/                 the Word draft of the round due
  {PROG} status                               the service's recent runs, next jobs and mail
  {PROG} COMMAND --help                       the options of one command

exit codes:
  0  done
  1  error-severity findings with --strict, or a stage of the run failed
  2  a usage, configuration, credential or workbook problem (one line on stderr)
"""


@dataclass
class Command:
    name: str
    help: str
    description: str
    handler: Handler
    configure: Callable[[argparse.ArgumentParser], None] | None = None
    uses_workbook: bool = True  # offers --workbook only where a workbook is read or written
    uses_today: bool = True  # offers --today only where the day changes the result


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, description: str = "", *, workbook: bool = True,
            today: bool = True) -> Callable[..., Any]:
    """Register a CLI command; `help` is the one-line summary, `description` the long text;
    `workbook`/`today`: whether --workbook and --today mean something to it."""

    def wrap(fn: Handler) -> Handler:
        COMMANDS[name] = Command(name, help, description or help, fn, getattr(fn, "configure", None),
                                 workbook, today)
        return fn

    return wrap


def arguments(configure: Callable[[argparse.ArgumentParser], None]) -> Callable[[Handler], Handler]:
    def wrap(fn: Handler) -> Handler:
        fn.configure = configure  # type: ignore[attr-defined]
        return fn

    return wrap


def _date(text: str) -> dt.date:
    """A day as the sheets accept it: 2024-03-15, 15/03/2567, 15 มี.ค. 67, ๑๕/๐๓/๒๕๖๗."""
    from automation.thaidate import parse_date

    try:
        return parse_date(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text}: อ่านเป็นวันที่ไม่ได้ — พิมพ์แบบ 2024-03-15 หรือ 15/03/2567 (not a date)") from None


def _common(parser: argparse.ArgumentParser, cmd: Command) -> None:
    parser.add_argument("--config", type=Path, help="settings file (default config/settings.toml)")
    if cmd.uses_workbook:
        parser.add_argument("--workbook", type=Path,
                            help="local .xlsx workbook to use instead of the configured one")
    parser.add_argument("--lang", choices=["th", "en"], help="language of messages (default from settings)")
    if cmd.uses_today:
        parser.add_argument("--today", type=_date,
                            help="pretend today is this date (2024-03-15 or 15/03/2567)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="show each stage as it runs, with its time (and Google API calls)")


def build_parser() -> argparse.ArgumentParser:
    _load_feature_commands()
    parser = Parser(
        prog=PROG,
        description=(
            "Integrity and transparency service for a Thai local office (อบต.): validates the "
            "measures, complaints and satisfaction sheets, flags overdue work, computes scores "
            "and drafts the 6-month and annual reports."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.description)
        _common(p, cmd)
        if cmd.configure:
            cmd.configure(p)
        p.set_defaults(handler=cmd.handler)
    return parser


def settings_for(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "workbook", None) is not None:
        overrides["workbook__path"] = str(Path(args.workbook).resolve())
        overrides["workbook__backend"] = "xlsx"
    if getattr(args, "lang", None):
        overrides["run__language"] = args.lang
    if getattr(args, "today", None):
        overrides["run__today"] = args.today
    return load_settings(args.config, **overrides)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command's own parser, whose --help lists the options it has
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    undo_logging = setup_cli_logging(args.verbose)
    lang = getattr(args, "lang", None)  # the settings' [run] language once they are read
    try:
        settings = settings_for(args)
        lang = settings.run.language
        if COMMANDS[args.command].uses_workbook and getattr(args, "workbook", None) is None:
            _warn_unused_gsheets(settings)
        if progress.wanted(sys.stderr, machine_output=bool(getattr(args, "json", False))) and not args.verbose:
            with progress.TerminalProgress():
                return args.handler(args, settings)
        return args.handler(args, settings)
    except (ConfigError, WorkbookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except Exception as exc:  # the last resort: one line, details with --verbose
        logging.getLogger("automation").debug("unexpected error", exc_info=True)
        said = " ".join(f"{type(exc).__name__}: {exc}".split())
        if lang == "en":
            hint = "" if args.verbose else "; run again with --verbose for details"
            print(f"error: {said}{hint}", file=sys.stderr)
        else:
            hint = ("ส่งข้อความข้างบนให้ผู้ดูแลระบบ" if args.verbose else
                    "สั่งคำสั่งเดิมอีกครั้งโดยเติม --verbose เพื่อดูรายละเอียด แล้วส่งให้ผู้ดูแลระบบ")
            print(f"error: เกิดข้อผิดพลาดที่ไม่คาดไว้ ({said}) — {hint} (unexpected error)", file=sys.stderr)
        return 1
    finally:
        undo_logging()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes (not the stream of the moment the
    handler was made), so a command run in-process after another (tests, tools) never writes
    to a closed stream."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


class _CliFormatter(logging.Formatter):
    """`warning: …` as the command line's own lines read; with --verbose, time and source too."""

    def __init__(self, verbose: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose else None)
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        if self.verbose:
            return super().format(record)
        return f"{record.levelname.lower()}: {record.getMessage()}"


def setup_cli_logging(verbose: bool) -> Callable[[], None]:
    """The service's own loggers at DEBUG with --verbose (each step as it runs, with its time,
    and every Google API call); libraries stay at WARNING whatever the flag, since their
    debug output (matplotlib's font manager alone writes hundreds of lines) drowns the
    service's. urllib3's retry warnings are left out: the service's one-line error says
    what happened once every attempt has failed."""
    from automation.logs import quiet_libraries

    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)  # only the command line's own: a host's handlers (pytest's) stay
    handler = _StderrHandler()
    handler.setFormatter(_CliFormatter(verbose))
    root.addHandler(handler)
    previous_level = root.level
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("automation").setLevel(logging.NOTSET)  # follows the root, as setup_logging expects
    quiet_libraries()

    def undo() -> None:
        """For callers in the same process (tests, tools): their logging as it was."""
        root.removeHandler(handler)
        root.setLevel(previous_level)

    return undo


def _warn_unused_gsheets(settings: Settings) -> None:
    """[gsheets] filled in while the backend is still xlsx: the run would quietly use the
    local file, and the office would think it checked its Google spreadsheet."""
    if settings.workbook.backend == "xlsx" and settings.gsheets.spreadsheet_id.strip():
        print(f"warning: [gsheets] spreadsheet_id is set but [workbook] backend = \"xlsx\": using the local "
              f"file {settings.workbook_path}; set backend = \"gsheets\" in {settings.source} to use the "
              "Google spreadsheet" if settings.run.language == "en" else
              f"คำเตือน: ตั้งค่า [gsheets] spreadsheet_id ไว้ แต่ [workbook] backend = \"xlsx\" จึงใช้ไฟล์ "
              f"{settings.workbook_path} ในเครื่อง หากต้องการใช้ Google Sheets ให้ตั้ง backend = \"gsheets\" "
              f"ใน {settings.source}", file=sys.stderr)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# ---------------------------------------------------------------- commands


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="run once and exit (the default for run)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when error-severity findings exist")
    p.add_argument("--dry-run", action="store_true", help="compute everything, write nothing")


@command("run", "Run the whole job once: validate, deadlines, scores, reports, write findings",
         "Reads every sheet, runs all checks, rewrites the findings sheet and cell notes, "
         "drafts the report that is due and prints a summary.")
@arguments(_run_args)
def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from automation.commands import recorded_run, run_counts
    from automation.pipeline import run_once, summary_text

    ensure_workbook(settings)
    if args.dry_run:
        summary = run_once(settings, write=False)
    else:
        with recorded_run(settings, "run") as record:
            summary = run_once(settings, write=True)
            record.counts, record.api_calls = run_counts(summary), summary.api_calls
            if any(s.error for s in summary.stages):
                record.outcome = "failed"
                record.error = "; ".join(f"{s.name}: {s.error}" for s in summary.stages if s.error)
        # The last run's figures, for the coordinator's tools and for `status`-like checks.
        settings.output_dir.mkdir(parents=True, exist_ok=True)
        (settings.output_dir / "run-summary.json").write_text(
            json.dumps(summary.as_json(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    if args.json:
        print_json(summary.as_json())
    else:
        print(summary_text(summary, settings.run.language, settings))
    if any(s.error for s in summary.stages):
        return 1
    return 1 if args.strict and summary.by_severity["error"] else 0




def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sheet", choices=["measures", "complaints", "responses"], help="validate one sheet only")
    p.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    p.add_argument("--strict", action="store_true", help="exit 1 when error-severity findings exist")
    p.add_argument("--dry-run", action="store_true", help="do not write the findings sheet or notes")


@command("validate", "Validate the staff sheets and write the findings sheet and cell notes")
@arguments(_validate_args)
def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from automation.commands import recorded_run, run_counts
    from automation.pipeline import check_stages, run_once

    # Every sheet is checked and written even with --sheet, and the deadline checks run too:
    # the findings sheet and notes are rewritten whole, so a partial set would drop the
    # others' findings and reset their first-seen dates. --sheet and the listing narrow
    # what is printed to validation's own findings.
    ensure_workbook(settings)
    if args.dry_run:
        summary = run_once(settings, stages=check_stages(), write=False)
    else:
        with recorded_run(settings, "validate") as record:
            summary = run_once(settings, stages=check_stages(), write=True)
            record.counts, record.api_calls = run_counts(summary), summary.api_calls
    summary.findings = [f for f in summary.findings if f.rule not in ("overdue", "due_soon")]
    if args.sheet:
        summary.findings = [f for f in summary.findings if f.sheet_key == args.sheet]
    keys = ("sheet", "row", "row_id", "column", "value", "rule", "severity", "message", "suggestion")
    if args.json:
        print_json([{k: f.as_json()[k] for k in (*keys, "first_seen", "last_seen")} for f in summary.findings])
    else:
        from automation.commands import screen_digits
        from automation.schema import SEVERITIES

        lang = settings.run.language
        severity = {c.key: c.label(lang) for c in SEVERITIES}
        for f in summary.findings:
            print(f"{severity[f.severity]}: {finding_place(f, lang)}{f.message}"
                  + (f" → {f.suggestion}" if f.suggestion else ""))
        count = len(summary.findings)
        print(f"{count} finding{'' if count == 1 else 's'}" if lang == "en"
              else screen_digits(f"พบประเด็น {count} รายการ", settings))
    return 1 if args.strict and summary.by_severity["error"] else 0


def finding_place(finding: Any, lang: str) -> str:
    """"sheet row N [column]: " before a finding's message, unless the message already names
    the sheet (most do: "ชีต 'มาตรการ' แถว 2 ช่อง …"), so each line says it once."""
    if f"'{finding.sheet}'" in finding.message or f"«{finding.sheet}»" in finding.message:
        return ""
    row_word = "row" if lang == "en" else "แถว"
    return (f"{finding.sheet}" + (f" {row_word} {finding.row}" if finding.row else "")
            + (f" [{finding.column}]" if finding.column else "") + ": ")


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the schema as JSON")


@command("schema", "Print the sheet layouts: sheets, columns, headers, types, allowed values",
         workbook=False, today=False)
@arguments(_schema_args)
def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from automation.schema import build_schema

    data = build_schema(settings).as_dict()
    if args.json:
        print_json(data)
        return 0
    for key, sheet in data.items():
        print(f"{key}: '{sheet['title']}' ({sheet['owner']})")
        for col in sheet["columns"]:
            allowed = f" — {', '.join(col['allowed'])}" if col["allowed"] else ""
            req = " *" if col["required"] else ""
            print(f"  {col['header_th']} / {col['header_en']} [{col['key']}: {col['type']}]{req}{allowed}")
    return 0


def _init_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=["xlsx", "gsheets"], help="which backend to provision")


@command("init", "Create a new workbook (or add missing sheets) with headers and dropdowns",
         "Creates the workbook with every sheet, Thai headers, frozen header rows, column widths "
         "and dropdowns on choice columns. Refuses to overwrite an existing .xlsx file; on "
         "Google Sheets it only adds what is missing.")
@arguments(_init_args)
def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from automation.schema import build_schema
    from automation.workbook import open_workbook

    if args.backend:
        settings = settings.model_copy(update={"workbook": settings.workbook.model_copy(update={"backend": args.backend})})
    if settings.workbook.backend == "xlsx" and settings.workbook_path.exists():
        path = settings.workbook_path
        print(f"error: {path} already exists; init never overwrites a workbook"
              if settings.run.language == "en" else
              f"error: {path}: มีสมุดงานนี้อยู่แล้ว — init ไม่เขียนทับสมุดงานเดิม ถ้าจะสร้างใหม่ให้ใช้ชื่อไฟล์อื่น "
              f"เช่น --workbook {path.with_name(path.stem + '-new' + path.suffix)} (already exists)",
              file=sys.stderr)
        return 2
    schema = build_schema(settings)
    added = open_workbook(settings).provision(list(schema.sheets.values()), settings.run.language)
    for title in added:
        print(f"added sheet: {title}")
    return 0


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="where to write the demo workbook (default: the configured path)")
    p.add_argument("--seed", type=int, default=2567, help="random seed (same seed, same workbook)")
    p.add_argument("--force", action="store_true", help="replace an existing file")


@command("demo", "Build the demo workbook: a plan, complaints and survey answers with a few mistakes")
@arguments(_demo_args)
def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from automation.demo import build_demo_workbook

    out = args.out or settings.workbook_path
    if out.exists() and not args.force:
        print(f"error: {out} already exists; add --force to replace it" if settings.run.language == "en" else
              f"error: {out}: มีไฟล์นี้อยู่แล้ว — ถ้าจะสร้างสมุดงานตัวอย่างทับไฟล์นี้ให้เติม --force (already exists)",
              file=sys.stderr)
        return 2
    out.unlink(missing_ok=True)
    build_demo_workbook(settings, out, seed=args.seed)
    print(out)
    return 0


@command("rules", "List every validation rule with its id, severity and message", workbook=False, today=False)
@arguments(_schema_args)
def cmd_rules(args: argparse.Namespace, settings: Settings) -> int:
    from automation.findings import catalogue

    _import_rule_modules()
    rows = catalogue(settings.run.language)
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['rule']:24} {row['severity']:8} {row['title']}")
    return 0


def _import_rule_modules() -> None:
    for module in RULE_MODULES:
        __import__(module)


# Modules that define Rule classes; importing them fills the catalogue.
RULE_MODULES = ["automation.validation", "automation.validation_rules", "automation.deadlines"]


def _load_feature_commands() -> None:
    """Feature modules register their own commands with @command when imported."""
    for module in FEATURE_COMMAND_MODULES:
        __import__(module)


# Modules whose import registers more commands (each feature owns its command code).
FEATURE_COMMAND_MODULES: list[str] = ["automation.commands.scores", "automation.commands.deadlines",
                                      "automation.commands.plan", "automation.commands.report",
                                      "automation.commands.service", "automation.commands.emulator",
                                      "automation.commands.line"]


_ensure_demo_workbook = ensure_workbook  # the name other modules imported first
