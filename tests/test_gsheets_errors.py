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
    assert line.startswith("error: Google Sheets did not answer")
    assert f"cannot connect to 127.0.0.1:{port}" in line and "check [gsheets] api_base_url" in line
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
    assert "404 (not found) with no explanation" in line and "api_base_url" in line
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
