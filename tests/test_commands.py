"""What the feature commands share: the round a person means by --round and --fiscal-year."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from automation.commands import chosen_round, fiscal_year_argument
from automation.settings import Settings
from automation.thaidate import FiscalRound


@pytest.mark.parametrize(("argv", "line"), [
    (["scores", "--round", "h3"], "--round h3: ไม่มีตัวเลือกนี้ — ใช้ได้เฉพาะ h1 หรือ annual (invalid choice)"),
    (["validate", "--lang", "fr"], "--lang fr: ไม่มีตัวเลือกนี้ — ใช้ได้เฉพาะ th หรือ en (invalid choice)"),
    (["validate", "--today", "31/02/2567"],
     "--today 31/02/2567: อ่านเป็นวันที่ไม่ได้ — พิมพ์แบบ 2024-03-15 หรือ 15/03/2567 (not a date)"),
    (["scores", "--fiscal-year", "abc"],
     "--fiscal-year abc: ไม่ใช่ปีงบประมาณ — พิมพ์ปี พ.ศ. เช่น 2567 หรือ 67 (not a fiscal year)"),
    (["valdate"], "./ita valdate: ไม่มีคำสั่งนี้ — ถ้าหมายถึง ./ita validate ให้พิมพ์แบบนั้น คำสั่งที่มีคือ run, validate,"),
    (["validate", "--bogus"], "./ita validate: ไม่รู้จัก --bogus — ตรวจการสะกด หรือดูวิธีใช้ด้วย ./ita validate --help"),
    (["import-plan"], "./ita import-plan: ยังไม่ได้ระบุ FILE — ดูวิธีใช้ด้วย ./ita import-plan --help (required: FILE)"),
    (["validate", "--config"], "--config: ยังไม่ได้ใส่ค่าต่อท้าย — ใส่ค่าหลัง --config ดูวิธีใช้ด้วย ./ita validate --help"),
    (["status", "--runs", "ten"], "--runs ten: ไม่ใช่จำนวนเต็ม — ใส่เป็นเลขอารบิก"),
    (["validate", "--json=yes"], "--json: ไม่ต้องมีค่าต่อท้าย — พิมพ์ --json อย่างเดียว"),
], ids=["round", "lang", "today", "fiscal-year", "command", "unknown-option", "required", "no-value", "int", "flag"])
def test_a_mistyped_command_line_is_one_thai_line_and_exit_2(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not argparse's usage block in English: one line as the other errors read, the fix in it."""
    from automation.cli import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "usage:" not in captured.err
    assert captured.err.startswith(f"error: {line}"), captured.err


@pytest.mark.parametrize(("typed", "year"), [("2567", 2567), ("๒๕๖๗", 2567), ("2024", 2567), (" 2566 ", 2566)])
def test_a_fiscal_year_may_be_typed_in_be_ce_or_thai_digits(typed: str, year: int) -> None:
    assert fiscal_year_argument(typed) == year


@pytest.mark.parametrize("typed", ["6", "567", "สองห้าหกเจ็ด", "3000", ""])
def test_anything_else_is_a_usage_error(typed: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        fiscal_year_argument(typed)


@pytest.mark.parametrize(
    ("round_", "year", "expected"),
    [
        (None, None, FiscalRound(2567, "h1")),  # 20 April 2567: round 1 closed 20 days ago
        ("annual", None, FiscalRound(2566, "annual")),  # the year that closed, not the one running
        ("h1", None, FiscalRound(2567, "h1")),  # closed 20 days ago: the round due, too
        (None, 2566, FiscalRound(2566, "h1")),
        ("annual", 2566, FiscalRound(2566, "annual")),
    ],
)
def test_what_is_not_given_comes_from_the_round_due(
    settings: Settings, round_: str | None, year: int | None, expected: FiscalRound
) -> None:
    assert settings.today() == dt.date(2024, 4, 20)
    args = argparse.Namespace(round=round_, fiscal_year=year)
    assert chosen_round(args, settings) == expected


def test_help_explains_itself_and_a_bare_or_wrong_command_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from automation.cli import COMMANDS, main

    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "Integrity and transparency service" in out
    assert all(name in out for name in COMMANDS)
    for name, cmd in COMMANDS.items():
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0
        out = capsys.readouterr().out
        assert "--config" in out and ("--workbook" in out) == cmd.uses_workbook, name
        assert " ".join(cmd.description.split()[:3]) in " ".join(out.split()), name
    assert main([]) == 2  # no command: the help, and the exit code of a usage error
    assert "COMMAND" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["no-such-command"])
    assert stop.value.code == 2


@pytest.mark.parametrize(("argv", "line"), [
    (["report", "--out", "report.pdf"], "--out report.pdf: รายงานเป็นไฟล์ Word — ใส่ชื่อไฟล์ที่ลงท้ายด้วย .docx"),
    (["serve", "--today", "2024-04-20"], "--today หรือ [run] today: วันที่กำหนดเองใช้ได้กับ serve --once หรือ --job เท่านั้น"),
], ids=["report-out", "serve-today"])
def test_an_option_that_does_not_fit_the_command_is_one_thai_line(
    settings: Settings, argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from automation.cli import main

    assert main([*argv, "--config", str(settings.source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {line}") and err.count("\n") == 1, err
    assert main([*argv, "--config", str(settings.source), "--lang", "en"]) == 2  # English on request
    assert "ไม่" not in capsys.readouterr().err


def test_an_unexpected_error_is_one_thai_line_saying_what_to_do_and_exit_1(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug, not a bad file or setting: exit 1 (a failed run), not 2; one line, never a traceback."""
    from automation.cli import COMMANDS, main

    def broken(args: object, settings: Settings) -> int:
        raise KeyError("units")

    monkeypatch.setattr(COMMANDS["schema"], "handler", broken)
    assert main(["schema", "--config", str(settings.source)]) == 1
    assert capsys.readouterr().err == ("error: เกิดข้อผิดพลาดที่ไม่คาดไว้ (KeyError: 'units') — สั่งคำสั่งเดิมอีกครั้งโดยเติม "
                                       "--verbose เพื่อดูรายละเอียด แล้วส่งให้ผู้ดูแลระบบ (unexpected error)\n")
    assert main(["schema", "--config", str(settings.source), "--lang", "en"]) == 1
    assert capsys.readouterr().err == "error: KeyError: 'units'; run again with --verbose for details\n"


def test_a_plan_file_that_is_not_there_is_one_thai_line(settings: Settings, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from automation.cli import main

    typo = tmp_path / "plan-2567.docx"
    assert main(["import-plan", str(typo), "--config", str(settings.source)]) == 2
    assert capsys.readouterr().err == (f"error: {typo}: ไม่พบไฟล์ — ตรวจชื่อไฟล์และโฟลเดอร์ "
                                       "เช่น ./ita import-plan data/plan-2567.docx (file not found)\n")
