"""Google errors a new office meets in its first hour are one line each: an address nobody
answers at, an address without http(s)://, a server that answers 404 with nothing, a whole
Sheets URL pasted where the id goes, and [gsheets] filled in while the backend is still xlsx.
Real parts: the loopback Sheets emulator (token endpoint and API), a real HTTP server that
answers an empty 404, a closed port."""

from __future__ import annotations

import http.server
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.cli import main
from automation.settings import ConfigError, Settings, load_settings
from automation.sheets_emulator import SheetsEmulator

BOT = "ita-bot@demo-project.iam.gserviceaccount.com"


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def key_file(emulator: SheetsEmulator, tmp_path: Path) -> Path:
    return emulator.write_service_account_key(tmp_path / "service-account.json", BOT)


def google_config(settings: Settings, *, sid: str, key: Path, base_url: str, backend: str = "gsheets") -> str:
    """The settings file edited as a person would, with quick retries."""
    text = settings.source.read_text(encoding="utf-8")
    for old, new in [
        ('backend = "xlsx"', f'backend = "{backend}"'),
        ('spreadsheet_id = ""', f'spreadsheet_id = "{sid}"'),
        ('# credentials_file = "/etc/automation/service-account.json"', f'credentials_file = "{key}"'),
        ('api_base_url = ""', f'api_base_url = "{base_url}"'),
        ("max_attempts = 5", "max_attempts = 3"),
        ("deadline_seconds = 120", "deadline_seconds = 5"),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    settings.source.write_text(text, encoding="utf-8")
    return str(settings.source)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_api_address_is_one_short_line_without_retry_noise(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file, base_url=f"http://127.0.0.1:{port}")
    assert main(["validate", "--dry-run", "--config", config]) == 2
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()  # no WARNING lines before it
    assert line.startswith("error: Google Sheets ไม่ตอบเมื่ออ่านรายชื่อแผ่นงาน ลอง 3 ครั้ง")
    assert f"เชื่อมต่อ 127.0.0.1:{port} ไม่ได้" in line and "ตรวจ [gsheets] api_base_url" in line
    assert "ยังไม่ได้เขียนอะไรเพิ่ม รอบถัดไปจะลองใหม่เอง" in line
    assert "HTTPConnectionPool" not in line and "includeGridData" not in line
    assert len(line) < 300


def test_the_retries_show_with_verbose_and_each_api_call_is_logged(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file,
                           base_url=f"http://127.0.0.1:{closed_port()}")
    assert main(["validate", "--dry-run", "--verbose", "--config", config]) == 2
    err = capsys.readouterr().err
    assert "Google Sheets API call 1: read sheet list" in err
    assert "retry 1 in" in err
    assert "urllib3" not in err


def test_an_address_without_http_is_refused_by_the_config_check(settings: Settings, key_file: Path) -> None:
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file, base_url="127.0.0.1:8765")
    with pytest.raises(ConfigError) as error:
        load_settings(config)
    message = str(error.value)
    assert '[gsheets] api_base_url = "127.0.0.1:8765" ไม่ถูกต้อง' in message
    assert "http://" in message


class _EmptyNotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def empty_404_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EmptyNotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_empty_404_is_a_plain_line_about_the_address(
    settings: Settings, key_file: Path, empty_404_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The key's token endpoint is the emulator's; the API address is a server that is not Sheets.
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file, base_url=empty_404_server)
    assert main(["validate", "--dry-run", "--config", config]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "เซิร์ฟเวอร์ตอบ 404 (ไม่พบ) โดยไม่มีคำอธิบาย" in line and 'api_base_url = ""' in line
    assert "-1" not in line and "invalid JSON" not in line


def test_a_whole_sheets_url_in_spreadsheet_id_gives_its_id_with_a_note(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, demo_workbook: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sid = emulator.import_xlsx(demo_workbook, shared_with=[BOT], title="ITA อบต.บ้านสวน")
    url = f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0"
    config = google_config(settings, sid=url, key=key_file, base_url=emulator.url)
    assert main(["validate", "--dry-run", "--config", config, "--today", "2024-04-20"]) == 0
    captured = capsys.readouterr()
    assert f"warning: [gsheets] spreadsheet_id is a whole address; using the id in it, {sid}" in captured.err
    assert "พบประเด็น" in captured.out


def test_something_else_with_slashes_in_spreadsheet_id_is_refused(settings: Settings, key_file: Path) -> None:
    config = google_config(settings, sid="drive/folder/abc", key=key_file, base_url="")
    with pytest.raises(ConfigError, match=r"\[gsheets\] spreadsheet_id = \"drive/folder/abc\".*docs\.google\.com/spreadsheets/d/<ID>/edit"):
        load_settings(config)


def test_gsheets_filled_in_while_the_backend_is_xlsx_is_a_warning(
    settings: Settings, demo_workbook: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file, base_url="", backend="xlsx")
    assert main(["deadlines", "--config", config, "--today", "2024-04-20"]) == 0
    err = capsys.readouterr().err
    assert 'backend = "xlsx"' in err and 'backend = "gsheets"' in err and str(demo_workbook) in err
    # Not when the person chose the file on the command line, nor for commands without a workbook.
    assert main(["deadlines", "--config", config, "--today", "2024-04-20", "--workbook", str(demo_workbook)]) == 0
    assert "spreadsheet_id" not in capsys.readouterr().err
    assert main(["rules", "--config", config]) == 0
    assert "spreadsheet_id" not in capsys.readouterr().err


def test_library_debug_noise_stays_out_of_verbose(caplog: pytest.LogCaptureFixture) -> None:
    from automation.cli import setup_cli_logging

    undo = setup_cli_logging(verbose=True)
    try:
        assert logging.getLogger("automation.pipeline").isEnabledFor(logging.DEBUG)
        for name in ("matplotlib.font_manager", "PIL.PngImagePlugin", "urllib3.connectionpool"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
        assert not logging.getLogger("urllib3.connectionpool").isEnabledFor(logging.WARNING)
    finally:
        undo()
    assert not logging.getLogger("automation.pipeline").isEnabledFor(logging.DEBUG)  # as it was


# ---------------------------------------------------------------- Thai first, English on request


def test_an_unshared_spreadsheet_is_one_thai_line_with_the_address_and_the_share_button(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, demo_workbook: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Every office's first hour: the sheet is not shared with the service account yet.
    import subprocess
    import sys

    sid = emulator.import_xlsx(demo_workbook, shared_with=[], title="ITA อบต.บ้านสวน")
    config = google_config(settings, sid=sid, key=key_file, base_url=emulator.url)
    project = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(project / "main.py"), "validate", "--dry-run", "--config", config],
                          capture_output=True, text=True, timeout=120, cwd=project)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"error: สเปรดชีต {sid}: บัญชีบริการยังไม่ได้รับสิทธิ์เปิดสเปรดชีตนี้ — เปิดสเปรดชีตใน Google Sheets "
        f"กดปุ่ม แชร์ (มุมขวาบน) ใส่อีเมล {BOT} เลือกสิทธิ์ ผู้แก้ไข แล้วกด ส่ง จากนั้นสั่งใหม่ "
        f"(access denied: share it with {BOT} as Editor)\n")
    assert main(["validate", "--dry-run", "--lang", "en", "--config", config]) == 2  # English on request
    assert capsys.readouterr().err == (f"error: spreadsheet {sid}: access denied; share it with {BOT} as Editor "
                                       "(Share button in Google Sheets)\n")


def test_no_credentials_and_an_empty_id_are_thai_lines_through_the_cli(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess
    import sys

    monkeypatch.delenv("GOOGLE_SERVICE_ACCOUNT_JSON", raising=False)
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file, base_url=emulator.url)
    text = Path(config).read_text(encoding="utf-8").replace(f'credentials_file = "{key_file}"',
                                                            '# credentials_file = ""')
    Path(config).write_text(text, encoding="utf-8")
    project = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in __import__("os").environ.items() if k != "GOOGLE_SERVICE_ACCOUNT_JSON"}
    done = subprocess.run([sys.executable, str(project / "main.py"), "validate", "--dry-run", "--config", config],
                          capture_output=True, text=True, timeout=120, cwd=project, env=env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: {config}: ยังไม่ได้ตั้งกุญแจของบัญชีบริการ Google — ใส่ใต้ [gsheets] เช่น "
                                  'credentials_file = "/etc/automation/service-account.json"')
    assert done.stderr.endswith("(no Google credentials)\n") and "Traceback" not in done.stderr

    Path(config).write_text(text.replace('spreadsheet_id = "1AbCdEfGhIjKlMnOp"', 'spreadsheet_id = ""'),
                            encoding="utf-8")
    assert main(["validate", "--dry-run", "--config", config]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {config}: [gsheets] spreadsheet_id ยังว่าง — คัดลอกรหัสจากที่อยู่ของชีต")
    assert 'เช่น spreadsheet_id = "1AbCdEfGhIjKlMnOp"' in line


def test_a_broken_key_in_the_environment_names_the_variable_in_thai(
    settings: Settings, emulator: SheetsEmulator, key_file: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = google_config(settings, sid="1AbCdEfGhIjKlMnOp", key=key_file, base_url=emulator.url)
    text = Path(config).read_text(encoding="utf-8").replace(f'credentials_file = "{key_file}"',
                                                            '# credentials_file = ""')
    Path(config).write_text(text, encoding="utf-8")
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", '{"type": "service_account", "private_key": "SECRET')
    assert main(["validate", "--dry-run", "--config", config]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: ตัวแปร GOOGLE_SERVICE_ACCOUNT_JSON: กุญแจ JSON ไม่ใช่ JSON ที่ถูกต้อง (บรรทัด 1)")
    assert "แล้วใส่เนื้อหาทั้งไฟล์ในตัวแปร GOOGLE_SERVICE_ACCOUNT_JSON" in line and "SECRET" not in line
    assert line.endswith("(GOOGLE_SERVICE_ACCOUNT_JSON: unusable service-account key, not valid JSON)")


@pytest.mark.parametrize(("fault", "thai", "english"), [
    ({"match": "/token", "status": 400}, "ขอสิทธิ์เข้าใช้จาก Google ไม่ได้", "could not get a Google access token"),
    ({"status": 401}, "Google ไม่รับกุญแจของบัญชีบริการ (401) — ดาวน์โหลดกุญแจ JSON ใหม่",
     "Google rejected the credentials"),
    ({"status": 400}, "Google Sheets ไม่ยอมอ่านรายชื่อแผ่นงาน (HTTP 400", "Google Sheets refused 'read sheet list'"),
])
def test_google_refusing_the_key_or_the_call_is_thai_first(
    fault: dict[str, object], thai: str, english: str, settings: Settings, emulator: SheetsEmulator,
    key_file: Path, demo_workbook: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    sid = emulator.import_xlsx(demo_workbook, shared_with=[BOT], title="ITA อบต.บ้านสวน")
    config = google_config(settings, sid=sid, key=key_file, base_url=emulator.url)
    match = fault.pop("match", None)
    emulator.inject_fault(match, times=99, **fault)  # type: ignore[arg-type]
    assert main(["validate", "--dry-run", "--config", config]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert thai in line and f"({english}" in line and "Traceback" not in line
    assert main(["validate", "--dry-run", "--lang", "en", "--config", config]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {english}") and "ไม่" not in line
