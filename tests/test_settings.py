"""Settings: the shipped file loads; every mistake is one line naming file, key and fix."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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
        ('digits = "thai"', 'digits = "roman"',
         '[run] digits = "roman" ไม่ถูกต้อง — ต้องเป็น "thai" หรือ "arabic" (run.digits: expected "thai" or "arabic")'),
        ('backend = "xlsx"', 'backend = "excel"', '[workbook] backend = "excel" ไม่ถูกต้อง'),
        ('timezone = "Asia/Bangkok"', 'timezone = "Mars/Olympus"',
         'ต้องเป็นชื่อเขตเวลาแบบสากล เช่น timezone = "Asia/Bangkok"'),
        ('check_time = "07:30"', 'check_time = "7.30am"',
         '[schedule] check_time = "7.30am" ไม่ถูกต้อง — ต้องเป็นเวลาแบบ ชั่วโมง:นาที'),
        ("bands = [4.21, 3.41, 2.61, 1.81]", "bands = [1.81, 2.61]",
         "[survey] bands = [1.81, 2.61] ไม่ถูกต้อง — ต้องเป็นเกณฑ์ 4 ค่า เรียงจากมากไปน้อย "
         "เช่น bands = [4.21, 3.41, 2.61, 1.81]"),
        ("bands = [4.21, 3.41, 2.61, 1.81]", 'bands = [4.21, "สาม", 2.61, 1.81]',
         '[survey] bands ค่าที่ 2 = "สาม" ไม่ถูกต้อง — ต้องเป็นตัวเลข'),
        ("smtp_port = 587", "smtp_port = 99999",
         "[delivery] smtp_port = 99999 ไม่ถูกต้อง — ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 65535 เช่น smtp_port = 587"),
        ('[office]\nname = "', '[office]\nnmae = "',
         "[office] ไม่รู้จักชื่อ nmae — ถ้าหมายถึง name ให้แก้เป็น name"),
        ('name = "องค์การบริหารส่วนตำบลบ้านสวน"\n', "",
         '[office] ยังไม่มี name — เพิ่มบรรทัด name = "…" ไว้ใต้ [office] (missing key office.name)'),
        ("[office]", "[ofice]", "ไม่รู้จักหัวข้อ [ofice] — ถ้าหมายถึง [office] ให้แก้หัวข้อเป็น [office]"),
        ("min_n = 30", "min_n = 30\nminimum = 5", "[survey] ไม่รู้จักชื่อ minimum — ชื่อที่ใช้ได้ใน [survey] คือ"),
        ("min_n = 30", "min_n = 30\nminimun = 5",
         "ถ้าหมายถึง min_n ให้แก้เป็น min_n ชื่อที่ใช้ได้ใน [survey] คือ timestamp_headers,"),
        ("ack_days = 3", "ack_dys = 3", "[deadlines.complaint_default] ไม่รู้จักชื่อ ack_dys"),
        ("min_n = 30", 'min_n = "thirty"',
         '[survey] min_n = "thirty" ไม่ถูกต้อง — ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป พิมพ์โดยไม่ใส่เครื่องหมายคำพูด '
         "เช่น min_n = 30"),
        ("smtp_port = 587", "smtp_port = true", "[delivery] smtp_port = true ไม่ถูกต้อง — ต้องเป็นจำนวนเต็ม"),
        ("min_n = 30", "min_n = 29.5", "[survey] min_n = 29.5 ไม่ถูกต้อง — ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป ไม่มีทศนิยม"),
        ('path = "../data/demo.xlsx"', "path = 5",
         '[workbook] path = 5 ไม่ถูกต้อง — ต้องเป็นที่อยู่ไฟล์หรือโฟลเดอร์ในเครื่องหมายคำพูด เช่น path = "../data/demo.xlsx"'),
        ('[workbook]\nbackend = "xlsx"', 'workbook = "x"\n[workbook_]\nbackend = "xlsx"',
         "[run] ไม่รู้จักชื่อ workbook"),
        ('aspect = "process"', 'aspect = "proces"',
         '[[survey.questions]] ชุดที่ 1 aspect = "proces" ไม่ถูกต้อง — ต้องเป็นชื่อที่มีใน [survey.aspects] คือ "process",'),
        ('key = "q2"', 'key = "q1"', '[[survey.questions]] ชุดที่ 2 key = "q1" ซ้ำกับชุดที่ 1 — '),
        ('name = "กองช่าง"', 'name = "กองคลัง"', '[[units]] ชุดที่ 3 name = "กองคลัง" ซ้ำกับชุดที่ 2 — '),
        ("[deadlines.complaint_limits.corruption]", "[deadlines.complaint_limits.corrupt]",
         "ไม่รู้จักหัวข้อ [deadlines.complaint_limits.corrupt] — ถ้าหมายถึง corruption ให้แก้เป็น "
         "[deadlines.complaint_limits.corruption] ชื่อท้ายหัวข้อต้องเป็นประเภทเรื่องร้องเรียน"),
        ('path = "../data/demo.xlsx"', 'path = "../data/demo.ods"',
         '[workbook] path = "../data/demo.ods" ('),
        ('output_dir = "../output"', 'output_dir = "settings.toml"', '[run] output_dir = "settings.toml" ('),
        ('language = "th"', 'language = "th',
         'เปิดเครื่องหมายคำพูดแล้วไม่ได้ปิด: language = "th — '),
        ('language = "th"', 'language = ไทย', "เขียนไม่ถูกรูปแบบ: language = ไทย — "),
        ('language = "th"', 'language = "th"\nlanguage = "en"', "ชื่อหรือหัวข้อนี้มีอยู่แล้วข้างบน: language = \"en\" — "),
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
    with pytest.raises(ConfigError, match=r'demo\.ods" \(.*demo\.ods\) ไม่ใช่ไฟล์ \.xlsx — ต้องเป็นชื่อไฟล์'
                                          r'ที่ลงท้ายด้วย \.xlsx เช่น path = "\.\./data/demo\.xlsx"'):
        load_settings(path)
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(ConfigError, match=r"^--workbook .*folder\.xlsx: เป็นโฟลเดอร์ ไม่ใช่ไฟล์ — ต้องเป็นไฟล์สมุดงาน "
                                          r"\.xlsx เช่น --workbook data/office\.xlsx \(a folder, not an \.xlsx file\)$"):
        load_settings(PROJECT / "config" / "settings.toml", workbook__path=str(tmp_path / "folder.xlsx"))


def test_an_output_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'output_dir = "../output"', 'output_dir = "settings.toml"')
    with pytest.raises(ConfigError, match=r'\[run\] output_dir = "settings\.toml" \(.*settings\.toml\) เป็นไฟล์ '
                                          r'ไม่ใช่โฟลเดอร์ — ต้องเป็นโฟลเดอร์ เช่น output_dir = "\.\./output"'):
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
    assert capsys.readouterr().err == (f"error: {tmp_path / 'nope.toml'}: ไม่พบไฟล์ตั้งค่า — ตรวจชื่อไฟล์และโฟลเดอร์ "
                                       "หรือระบุไฟล์ด้วย --config เช่น --config config/settings.toml "
                                       "(settings file not found)\n")


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


# ---------------------------------------------------------------- each class of mistake, as a clerk sees it

THAI = re.compile(r"[\u0e00-\u0e7f]")


def _mistakes(tmp_path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """A config (or option) per class of mistake → (the command's extra arguments, what its line names)."""
    (tmp_path / "book.xlsx").mkdir()
    folders = {name: tmp_path / name for name in ("toml", "unknown", "value", "missing", "duplicate", "path")}
    for folder in folders.values():
        folder.mkdir()
    shipped = PROJECT / "config" / "settings.toml"
    return {
        "missing-file": (["--config", str(tmp_path / "nope.toml")], [str(tmp_path / "nope.toml"), "ไม่พบไฟล์ตั้งค่า"]),
        "bad-toml": (["--config", str(_config_with(folders["toml"], 'language = "th"', 'language = "th'))],
                     ["บรรทัดที่", 'language = "th', "เครื่องหมายคำพูด"]),
        "unknown-key": (["--config", str(_config_with(folders["unknown"], "min_n = 30", "min_n = 30\nminimun = 5"))],
                        ["[survey]", "minimun", "ถ้าหมายถึง min_n"]),
        "bad-value": (["--config", str(_config_with(folders["value"], 'digits = "thai"', 'digits = "roman"'))],
                      ["[run] digits", '"roman"', '"thai" หรือ "arabic"']),
        "missing-key": (["--config", str(_config_with(folders["missing"], 'name = "องค์การบริหารส่วนตำบลบ้านสวน"\n', ""))],
                        ["[office]", "ยังไม่มี name"]),
        "duplicate-question-key": (["--config", str(_config_with(folders["duplicate"], 'key = "q2"', 'key = "q1"'))],
                                   ["[[survey.questions]] ชุดที่ 2 key", '"q1"', "ซ้ำกับชุดที่ 1"]),
        "bad-path-kind": (["--config", str(_config_with(folders["path"], 'output_dir = "../output"',
                                                          'output_dir = "settings.toml"'))],
                          ["[run] output_dir", '"settings.toml"', "ไม่ใช่โฟลเดอร์"]),
        "workbook-folder": (["--config", str(shipped), "--workbook", str(tmp_path / "book.xlsx")],
                            [f"--workbook {tmp_path / 'book.xlsx'}", "เป็นโฟลเดอร์"]),
    }


def _one_thai_line(err: str, names: list[str]) -> None:
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    line = err.removeprefix("error: ").rstrip("\n")
    thai, _, gloss = line.rpartition(" (")
    assert THAI.search(thai) and " — " in thai, line  # what is wrong — what to do, in Thai
    assert gloss.endswith(")") and not THAI.search(gloss.split("(")[0]), line  # a short English gloss last
    for name in names:
        assert name in line, (name, line)


def test_each_class_of_settings_mistake_is_one_thai_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind, (argv, names) in _mistakes(tmp_path).items():
        assert main(["validate", *argv]) == 2, kind
        _one_thai_line(capsys.readouterr().err, names)


@pytest.mark.parametrize("kind", ["missing-file", "unknown-key", "workbook-folder"])
def test_the_real_command_line_prints_the_same_one_line(tmp_path: Path, kind: str) -> None:
    """Through ./ita as a clerk types it: one line on stderr, exit 2, nothing on stdout."""
    argv, names = _mistakes(tmp_path)[kind]
    env = {**os.environ, "ITA_PYTHON": sys.executable, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([str(PROJECT / "ita"), "validate", *argv], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    _one_thai_line(done.stderr, names)


def test_a_toml_mistake_names_its_line_as_typed_without_its_comment(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'language = "th"', 'language = "th')
    number = next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                  if line.startswith('language = "th'))
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert f': บรรทัดที่ {number} เปิดเครื่องหมายคำพูดแล้วไม่ได้ปิด: language = "th — ใส่ "' in str(info.value)
    assert "# th | en" not in str(info.value)


def test_a_windows_path_with_single_backslashes_gets_the_fix(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'path = "../data/demo.xlsx"', 'path = "C:\\ita\\data\\office.xlsx"')
    with pytest.raises(ConfigError, match=r'มี \\ ในข้อความ: path = "C:\\ita.*ให้เขียนด้วย / แทน'):
        load_settings(path)


def test_a_file_saved_in_another_encoding_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes((PROJECT / "config" / "settings.toml").read_text(encoding="utf-8").encode("tis-620", errors="replace"))
    with pytest.raises(ConfigError, match=r"ไม่ได้บันทึกแบบ UTF-8 .* \(not UTF-8 text\)$"):
        load_settings(path)


def test_a_missing_table_says_what_it_needs(tmp_path: Path) -> None:
    text = (PROJECT / "config" / "settings.toml").read_text(encoding="utf-8")
    path = tmp_path / "settings.toml"
    path.write_text(re.sub(r"(?ms)^\[\[units\]\].*?(?=^\[(?!\[units))", "", text), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ยังไม่มี \[\[units\]\] — เพิ่ม \[\[units\]\] อย่างน้อยหนึ่งชุด ซึ่งต้องมี name"):
        load_settings(path)
