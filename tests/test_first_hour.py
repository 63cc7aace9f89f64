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
                                              ("rules", "--workbook"), ("qr", "--workbook")])
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
