"""What the feature commands share: the round a person means by --round and --fiscal-year."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from automation.commands import chosen_round, fiscal_year_argument
from automation.settings import Settings
from automation.thaidate import FiscalRound


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
        ("annual", None, FiscalRound(2567, "annual")),
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
