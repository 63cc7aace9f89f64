"""Settings: the shipped file loads; every mistake is one line naming file, key and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from automation.cli import main
from automation.settings import ConfigError, load_settings

PROJECT = Path(__file__).resolve().parent.parent


def test_shipped_settings_load_with_paths_relative_to_the_file() -> None:
    s = load_settings()
    assert s.office.name.startswith("องค์การบริหารส่วนตำบล")
    assert s.workbook.backend == "xlsx"
    assert s.workbook_path == (PROJECT / "data" / "demo.xlsx").resolve()
    assert s.run.timezone == "Asia/Bangkok"
    assert {u.name for u in s.units} >= {"กองคลัง", "สำนักงานปลัด อบต."}
    assert s.survey.questions[0].label == "ขั้นตอนการให้บริการไม่ยุ่งยากซับซ้อน"


def _config_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (PROJECT / "config" / "settings.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "settings.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('digits = "thai"', 'digits = "roman"', "key 'run.digits' = 'roman' is not valid; expected 'thai' or 'arabic'"),
        ('backend = "xlsx"', 'backend = "excel"', "key 'workbook.backend' = 'excel'"),
        ('timezone = "Asia/Bangkok"', 'timezone = "Mars/Olympus"', "a time zone name such as Asia/Bangkok"),
        ('check_time = "07:30"', 'check_time = "7.30am"', "key 'schedule.check_time' = '7.30am'"),
        ("bands = [4.21, 3.41, 2.61, 1.81]", "bands = [1.81, 2.61]", "four descending cut points"),
        ("smtp_port = 587", "smtp_port = 99999", "key 'delivery.smtp_port' = 99999"),
        ('[office]\nname = "', '[office]\nnmae = "', "key 'office.nmae' is not a known setting; did you mean 'name'?"),
        ('name = "องค์การบริหารส่วนตำบลบ้านสวน"\n', "", "key 'office.name' is missing"),
        ("[office]", "[ofice]", "key 'ofice' is not a known setting; did you mean 'office'?"),
        ("min_n = 30", "min_n = 30\nminimum = 5", "key 'survey.minimum' is not a known setting"),
        ("min_n = 30", "min_n = 30\nminimun = 5", "did you mean 'min_n'? expected one of: timestamp_headers,"),
        ("ack_days = 3", "ack_dys = 3", "key 'deadlines.complaint_default.ack_dys' is not a known setting"),
        ("min_n = 30", 'min_n = "thirty"', "key 'survey.min_n' = 'thirty' is not valid; expected a valid integer"),
        ("smtp_port = 587", "smtp_port = true", "key 'delivery.smtp_port' = true is not valid; expected a valid integer"),
        ("min_n = 30", "min_n = 29.5", "key 'survey.min_n' = 29.5 is not valid; expected a valid integer"),
        ('path = "../data/demo.xlsx"', "path = 5", "key 'workbook.path' = 5 is not valid; expected a path as text"),
        ('[workbook]\nbackend = "xlsx"', 'workbook = "x"\n[workbook_]\nbackend = "xlsx"',
         "key 'run.workbook' is not a known setting"),
        ('aspect = "process"', 'aspect = "proces"',
         "key 'survey.questions[1].aspect' = 'proces' is not valid; expected one of the [survey.aspects] keys: process,"),
        ('key = "q2"', 'key = "q1"', "key 'survey.questions[2].key' = 'q1' is not valid; expected a key no other"),
        ('name = "กองช่าง"', 'name = "กองคลัง"', "key 'units[3].name' = 'กองคลัง' is not valid; expected a name no other"),
        ("[deadlines.complaint_limits.corruption]", "[deadlines.complaint_limits.corrupt]",
         "key 'deadlines.complaint_limits.corrupt' is not a known setting; expected a complaint category: "),
        ('path = "../data/demo.xlsx"', 'path = "../data/demo.ods"',
         "key 'workbook.path' = '"),
        ('output_dir = "../output"', 'output_dir = "settings.toml"', "key 'run.output_dir' = '"),
        ('language = "th"', 'language = "th', "not valid TOML"),
    ],
)
def test_a_mistake_is_one_line_naming_the_key(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = _config_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert expected in message


def test_a_workbook_path_that_is_not_an_xlsx_file_is_named(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'path = "../data/demo.xlsx"', 'path = "../data/demo.ods"')
    with pytest.raises(ConfigError, match=r"demo\.ods' is not valid; expected a file name ending in \.xlsx"):
        load_settings(path)
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(ConfigError, match=r"^--workbook .*folder\.xlsx: not valid; expected an \.xlsx file, not a folder"):
        load_settings(PROJECT / "config" / "settings.toml", workbook__path=str(tmp_path / "folder.xlsx"))


def test_an_output_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'output_dir = "../output"', 'output_dir = "settings.toml"')
    with pytest.raises(ConfigError, match=r"key 'run\.output_dir' = '.*settings\.toml' is not valid; expected a folder"):
        load_settings(path)


def test_every_kind_of_mistake_exits_2_with_one_line_from_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from automation.cli import COMMANDS, build_parser

    build_parser()
    for sub in "abcde":
        (tmp_path / sub).mkdir()
    broken = {
        "syntax": _config_with(tmp_path / "a", 'language = "th"', 'language = "th'),
        "unknown": _config_with(tmp_path / "b", "min_n = 30", "min_n = 30\nminimum = 5"),
        "type": _config_with(tmp_path / "c", "min_n = 30", 'min_n = "thirty"'),
        "enum": _config_with(tmp_path / "d", 'digits = "thai"', 'digits = "roman"'),
        "path": _config_with(tmp_path / "e", 'path = "../data/demo.xlsx"', 'path = "../data"'),
        "missing": tmp_path / "none.toml",
    }
    for name in sorted(COMMANDS):
        for kind, config in broken.items():
            code = main([name, "--config", str(config)] + (["x.txt"] if name == "import-plan" else []))
            err = capsys.readouterr().err
            assert code == 2, (name, kind)
            assert err.count("\n") == 1 and err.startswith(f"error: {config}"), (name, kind, err)


def test_list_positions_are_counted_from_one(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'aspect = "channels"', 'aspect = 7')
    with pytest.raises(ConfigError, match=r"survey\.questions\[3\]\.aspect"):
        load_settings(path)


def test_the_cli_prints_one_line_and_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config_with(tmp_path, 'digits = "thai"', 'digits = "roman"')
    assert main(["schema", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: ") and "run.digits" in err


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_overrides_pin_today(tmp_path: Path) -> None:
    import datetime as dt

    shutil.copy(PROJECT / "config" / "settings.toml", tmp_path / "s.toml")
    s = load_settings(tmp_path / "s.toml", run__today=dt.date(2024, 4, 1))
    assert s.today() == dt.date(2024, 4, 1)


def test_an_unexpected_failure_is_one_line_not_a_traceback(
    settings_path_with_broken_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deadlines", "--config", str(settings_path_with_broken_workbook)]) in (1, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: ") and err.count("\n") == 1


@pytest.fixture
def settings_path_with_broken_workbook(tmp_path: Path) -> Path:
    """A workbook path that is a folder: reading it fails in a way no check foresees."""
    (tmp_path / "book.xlsx").mkdir()
    return _config_with(tmp_path, 'path = "../data/demo.xlsx"', f'path = "{tmp_path / "book.xlsx"}"')
