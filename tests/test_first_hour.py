"""The first hour of a new office: no demo data made behind its back, history it can see,
a summary that says where to look, arguments typed the way the sheets accept them."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

import pytest

from automation.cli import COMMANDS, build_parser, main
from automation.commands import fiscal_year_argument
from automation.settings import DEFAULT_CONFIG, Settings

TODAY = "2024-04-20"


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@pytest.mark.parametrize("name", ["run", "deadlines", "complaints", "report", "page", "validate", "scores"])
@pytest.mark.parametrize("shipped_config", [False, True])
def test_a_mistyped_workbook_path_is_not_found_and_makes_no_demo_data(
    settings: Settings, demo_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    name: str, shipped_config: bool,
) -> None:
    typo = tmp_path / "data" / "demoo.xlsx"
    config = DEFAULT_CONFIG if shipped_config else settings.source
    before = _files(settings.output_dir) | _files(DEFAULT_CONFIG.parent.parent / "output")
    code = main([name, "--config", str(config), "--workbook", str(typo), "--today", TODAY])
    err = capsys.readouterr().err
    assert code == 2
    assert not typo.exists()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(typo) in lines[0] and "ไม่พบสมุดงาน" in lines[0] and "init --workbook" in lines[0]
    assert "Traceback" not in err
    after = _files(settings.output_dir) | _files(DEFAULT_CONFIG.parent.parent / "output")
    assert after == before  # the office's drafts were not overwritten with demo figures


def test_the_not_found_line_is_english_with_lang_en(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "nope.xlsx"
    assert main(["deadlines", "--config", str(settings.source), "--workbook", str(typo), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{typo}: workbook not found" in err and "ไม่พบ" not in err


def test_every_run_that_writes_is_in_status_history(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(settings.source)
    assert main(["run", "--config", config, "--today", TODAY]) == 0
    assert main(["run", "--config", config, "--today", TODAY]) == 0
    assert main(["validate", "--config", config, "--today", TODAY]) == 0
    assert main(["run", "--dry-run", "--config", config, "--today", TODAY]) == 0  # writes nothing: no history
    capsys.readouterr()
    assert main(["status", "--config", config, "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    jobs = [r["job"] for r in data["runs"]]
    assert jobs == ["validate", "run", "run"]
    newest_run = data["runs"][1]
    assert newest_run["outcome"] == "ok" and newest_run["counts"]["findings"] > 0
    assert main(["status", "--config", config]) == 0
    text = capsys.readouterr().out
    assert "(ยังไม่มี)" not in text
    assert "ตรวจสอบทั้งหมด (คำสั่ง run): สำเร็จ" in text


def test_the_run_summary_ends_with_the_findings_sheet_and_the_drafts(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--config", str(settings.source), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    tail = out[out.index("ดูผลได้ที่:"):]
    assert f"ชีต «{settings.sheets.findings}» ในไฟล์ {demo_workbook}" in tail
    assert "Excel หรือ LibreOffice Calc" in tail
    drafts = [line.strip() for line in tail.splitlines() if line.startswith("    ")]
    assert any(d.endswith("ita-report-2567-h1.docx") for d in drafts), drafts
    assert all(Path(d).is_file() for d in drafts)
    assert main(["run", "--dry-run", "--config", str(settings.source), "--today", TODAY, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Where to look:" in out and "nothing written (--dry-run)" in out


def test_thai_digits_setting_reaches_the_run_summary_and_validate_count(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert settings.run.digits == "thai"
    assert main(["validate", "--dry-run", "--config", str(settings.source), "--today", TODAY]) == 0
    captured = capsys.readouterr()
    count_line = captured.out.strip().splitlines()[-1]
    assert count_line.startswith("พบประเด็น ") and not any(ch.isascii() and ch.isdigit() for ch in count_line)
    assert captured.err == ""  # the count is output, on stdout with the findings
    assert main(["run", "--dry-run", "--config", str(settings.source), "--today", TODAY]) == 0
    summary = capsys.readouterr().out.splitlines()
    assert summary[0].startswith("ผลการตรวจสอบวันที่ ๒๐ เมษายน ๒๕๖๗")
    assert summary[1].startswith("พบประเด็น ") and not any(c in "0123456789" for c in summary[1])


def test_each_validate_line_names_the_sheet_and_row_once(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--dry-run", "--config", str(settings.source), "--today", TODAY]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[:-1]
    assert lines
    for line in lines:
        sheet = next(t for t in (settings.sheets.measures, settings.sheets.complaints, settings.sheets.responses,
                                 settings.sheets.findings, settings.sheets.summary) if t in line)
        assert line.count(sheet) == 1, line
        row = re.search(r"แถว (\d+)", line)
        assert row is None or line.count(row.group(0) + " ") + line.count(row.group(0) + ":") == 1, line


@pytest.mark.parametrize(("typed", "year"), [("67", 2567), ("๖๗", 2567), ("24", 2567), ("2567", 2567)])
def test_a_short_fiscal_year_reads_as_the_sheets_read_it(typed: str, year: int) -> None:
    assert fiscal_year_argument(typed) == year


@pytest.mark.parametrize("typed", ["15/03/2567", "2024-03-15", "15 มี.ค. 67", "๑๕/๐๓/๒๕๖๗"])
def test_today_may_be_typed_as_the_sheets_accept_dates(typed: str) -> None:
    args = build_parser().parse_args(["deadlines", "--today", typed])
    assert args.today == dt.date(2024, 3, 15)


def test_a_date_that_is_not_one_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["deadlines", "--today", "31/02/2567"])
    assert stop.value.code == 2
    assert "15/03/2567" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "option"), [("emulator", "--workbook"), ("emulator", "--today"),
                                              ("status", "--workbook"), ("schema", "--today"),
                                              ("rules", "--workbook"), ("qr", "--workbook"),
                                              ("line-emulator", "--workbook"), ("line-webhook", "--today")])
def test_options_that_mean_nothing_to_a_command_are_not_offered(name: str, option: str) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[name]
    assert option not in sub._option_string_actions


def test_top_level_help_has_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "./ita run" in out
    assert "exit codes:" in out
    for code in ("0  done", "1  error-severity", "2  a usage"):
        assert code in out
    assert set(COMMANDS) <= set(out.split())


def test_argument_errors_are_usage_errors() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        fiscal_year_argument("๖")


def _emulator_once(config: Path) -> str:
    """`./ita emulator` started as a person starts it, read up to 'Ctrl-C to stop.', then stopped."""
    import signal
    import subprocess
    import sys

    project = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, str(project / "main.py"), "emulator", "--port", "0",
                             "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C to stop."):
                break
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    return "".join(lines)


def test_the_emulator_keeps_its_key_in_state_and_its_spreadsheet_id_across_restarts(settings: Settings) -> None:
    first = _emulator_once(settings.source)
    key = settings.state_path.parent / "key.json"
    assert key.is_file() and (settings.state_path.parent / "sheets-emulator.json").is_file()
    assert f'credentials_file = "{key}"' in first
    assert 'backend = "gsheets"' in first  # the settings block says so: without it the run stays on xlsx
    sid = re.search(r'spreadsheet_id = "([^"]+)"', first)
    assert sid
    again = _emulator_once(settings.source)
    assert f'spreadsheet_id = "{sid.group(1)}"' in again


def test_make_emulator_is_the_emulator_command_with_its_defaults() -> None:
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nemulator:", 1)[1].splitlines()[1].strip()
    assert recipe == "$(BIN)/python main.py emulator --port 8765"


def test_verbose_shows_each_step_with_its_time_and_no_library_debug(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--dry-run", "--verbose", "--config", str(settings.source), "--today", TODAY]) == 0
    err = capsys.readouterr().err
    for words in ("อ่านสมุดงาน", "ตรวจสอบข้อมูล", "คำนวณกำหนดเวลา", "คำนวณความพึงพอใจ", "ร่างรายงานและหน้าเผยแพร่"):
        assert re.search(rf"automation.progress: {words}[^\n]*: \d+\.\d\d s", err), words
    assert "matplotlib" not in err and "findfont" not in err and "PIL" not in err


class _Terminal:
    """A stream that says it is a terminal, as stderr is when a person runs a command."""

    def __init__(self) -> None:
        import io

        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def test_a_terminal_gets_a_spinner_per_step_and_pipes_or_json_get_none(
    settings: Settings, demo_workbook: Path
) -> None:
    import io

    from automation import progress

    terminal = _Terminal()
    assert progress.wanted(terminal, machine_output=False)  # type: ignore[arg-type]
    assert not progress.wanted(terminal, machine_output=True)  # type: ignore[arg-type]
    assert not progress.wanted(io.StringIO(), machine_output=False)
    with progress.TerminalProgress(terminal):  # type: ignore[arg-type]
        from automation.pipeline import run_once

        run_once(settings, write=False)
    shown = terminal.buffer.getvalue()
    assert "ตรวจสอบข้อมูล" in shown and "ร่างรายงานและหน้าเผยแพร่" in shown
    assert progress._reporter is None  # removed again when the command ends


def test_a_second_ctrl_c_stops_serve_without_waiting_for_the_job(settings: Settings) -> None:
    """Real SIGINTs: the first asks for a clean stop after the job, the second stops at once."""
    import signal
    import threading
    from zoneinfo import ZoneInfo

    from automation import jobs
    from automation.scheduler import FakeClock, JobSpec, Service, stop_on_signals
    from automation.state import State

    bangkok = ZoneInfo("Asia/Bangkok")
    ran: list[str] = []

    def long_job(ctx: jobs.JobContext) -> jobs.JobOutcome:
        signal.raise_signal(signal.SIGINT)  # the person presses Ctrl-C: finish this job, then stop…
        ran.append("first Ctrl-C: still running")
        signal.raise_signal(signal.SIGINT)  # …and again: no more waiting
        ran.append("never")
        return jobs.JobOutcome()

    clock = FakeClock(dt.datetime(2024, 6, 10, 7, 0, tzinfo=bangkok))
    stop = threading.Event()
    restore = stop_on_signals(stop)
    try:
        with State(settings.state_path) as state, pytest.raises(KeyboardInterrupt):
            Service(settings, state, clock, specs=[JobSpec("long", long_job, "07:30", "workdays")]).serve(
                stop, until=dt.datetime(2024, 6, 12, tzinfo=bangkok))
    finally:
        restore()
    assert ran == ["first Ctrl-C: still running"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers put back


def test_report_out_takes_a_folder_as_page_and_qr_do(
    settings: Settings, demo_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "drafts"
    typed = str(folder) + "/"  # a folder that does not exist yet, said with the trailing /
    assert main(["report", "--config", str(settings.source), "--today", TODAY, "--round", "h1",
                 "--out", typed]) == 0
    assert capsys.readouterr().out.strip() == str(folder / "ita-report-2567-h1.docx")
    assert (folder / "ita-report-2567-h1.docx").is_file()
    assert main(["report", "--config", str(settings.source), "--today", TODAY, "--round", "annual",
                 "--public", "--out", str(folder)]) == 0  # an existing folder, without the /
    # --round alone: the most recent annual round that has closed (FY 2566), not the one running
    assert capsys.readouterr().out.strip() == str(folder / "ita-report-2566-annual-public.docx")
    assert main(["report", "--config", str(settings.source), "--today", TODAY, "--out",
                 str(tmp_path / "report.pdf")]) == 2
    assert "ใส่ชื่อไฟล์ที่ลงท้ายด้วย .docx หรือโฟลเดอร์ที่ลงท้ายด้วย /" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["scores", "complaints", "report", "page"])
def test_a_round_without_any_data_is_warned_about(
    settings: Settings, demo_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    extra = ["--out", str(tmp_path) + "/"] if name in ("report", "page") else []
    assert main([name, "--config", str(settings.source), "--today", TODAY, "--fiscal-year", "2599", *extra]) == 0
    err = capsys.readouterr().err
    assert "คำเตือน: ไม่มี" in err and "เลยในปีงบประมาณ พ.ศ. ๒๕๙๙" in err and "--fiscal-year" in err
    assert main([name, "--config", str(settings.source), "--today", TODAY, "--fiscal-year", "67", "--round",
                 "annual", *extra]) == 0
    assert "คำเตือน" not in capsys.readouterr().err  # the demo's year has data


def test_tests_leave_their_pictures_outside_the_users_output_folder() -> None:
    from tests import test_public_page, test_reports
    from tests.conftest import TEST_ARTIFACTS

    project_output = (Path(__file__).resolve().parent.parent / "output").resolve()
    for module in (test_reports, test_public_page):
        assert module.ARTIFACTS == TEST_ARTIFACTS
    assert project_output not in TEST_ARTIFACTS.resolve().parents and TEST_ARTIFACTS.resolve() != project_output


def test_an_imported_plan_is_history_too(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    plan = Path(__file__).resolve().parent.parent / "data" / "plan-2563.txt"
    assert main(["import-plan", str(plan), "--dry-run", "--config", str(settings.source)]) == 0  # writes nothing
    assert main(["import-plan", str(plan), "--config", str(settings.source)]) == 0
    capsys.readouterr()
    assert main(["status", "--json", "--config", str(settings.source)]) == 0
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert run["job"] == "import-plan" and run["outcome"] == "ok" and run["counts"]["added"] > 0
    assert main(["status", "--config", str(settings.source)]) == 0
    assert "นำเข้าแผน (คำสั่ง import-plan): สำเร็จ (เพิ่มแถว" in capsys.readouterr().out


THAI_DIGITS = set("๐๑๒๓๔๕๖๗๘๙")


@pytest.mark.parametrize(("argv", "line_with_a_count"), [
    (["deadlines"], "เลยกำหนด "),
    (["complaints", "--round", "h1"], "ทั้งหมด "),
    (["scores", "--round", "h1"], "ผู้ตอบแบบประเมิน "),
    (["validate", "--dry-run"], "พบประเด็น "),
    (["run", "--dry-run"], "พบประเด็น "),
])
def test_every_command_prints_its_figures_in_the_offices_digits(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
    line_with_a_count: str,
) -> None:
    assert settings.run.digits == "thai"
    assert main([*argv, "--config", str(settings.source), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith(line_with_a_count))
    assert THAI_DIGITS & set(line) and not any(c in "0123456789" for c in line), line
    assert main([*argv, "--config", str(settings.source), "--today", TODAY, "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    first = next(x for x in english if x.strip())  # the heading: a date or a count, never staff text
    assert not THAI_DIGITS & set(first) and any(c.isdigit() for c in first), first  # English: Arabic digits
