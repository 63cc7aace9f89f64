"""Mail an office sets up in its first hour: a login sent in clear text is warned about, and
a reminder that waited past its report's due date expires instead of arriving months late.
A real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from automation import delivery
from automation.commands.service import status_data, status_text
from automation.delivery import Mail, deliver, queue, warn_clear_text_login
from automation.settings import Settings
from automation.state import EXPIRED, PENDING, SENT, State
from tests.test_delivery import MailCatcher, with_smtp

PROJECT = Path(__file__).resolve().parent.parent
BANGKOK = ZoneInfo("Asia/Bangkok")
APRIL = dt.datetime(2024, 4, 17, 7, 30, tzinfo=BANGKOK)  # 13 days before round 1's report is due (30 April)


def reminder(who: str = "coordinator", days: int = 14) -> Mail:
    return Mail(key=f"reminder:2567:h1:{days}:{who}", kind="reminder", to=["coordinator@example.go.th"],
                subject="แจ้งเตือน: รายงานรอบ ๖ เดือน ครบกำหนดส่ง ๓๐ เมษายน ๒๕๖๗",
                body="เรียน ผู้ประสานงาน\n\nรายงานรอบ ๖ เดือน ครบกำหนดส่งในอีก ๑๓ วัน")


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    delivery._CLEAR_TEXT_WARNED.clear()


def test_a_login_over_an_unencrypted_connection_is_warned_about(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SMTP_USERNAME", "ita-bot@example.go.th")
    monkeypatch.setenv("SMTP_PASSWORD", "app-password")
    with MailCatcher() as server, State(settings.state_path) as state, \
            caplog.at_level(logging.WARNING, logger="automation.delivery"):
        s = with_smtp(settings, server.port, "none")
        queue(s, state, reminder(), APRIL)
        deliver(s, state, APRIL)
    warnings = [r.getMessage() for r in caplog.records if "clear text" in r.getMessage()]
    assert len(warnings) == 1
    assert 'smtp_security = "none"' in warnings[0] and f"127.0.0.1:{server.port}" in warnings[0]
    assert "app-password" not in warnings[0]  # the warning never carries the secret


def test_no_warning_over_tls_or_without_a_login(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    s = with_smtp(settings, 2525, "none")
    monkeypatch.delenv("SMTP_USERNAME", raising=False)
    assert not warn_clear_text_login(s)  # an office relay without a login: nothing to leak
    monkeypatch.setenv("SMTP_USERNAME", "ita-bot@example.go.th")
    assert warn_clear_text_login(s)
    assert not warn_clear_text_login(with_smtp(settings, 587, "starttls"))
    assert not warn_clear_text_login(with_smtp(settings, 465, "ssl"))


def test_a_reminder_still_waiting_after_the_due_date_expires_and_status_says_so(settings: Settings) -> None:
    with MailCatcher() as gone:
        dead_port = gone.port
    with State(settings.state_path) as state:
        s = with_smtp(settings, dead_port)  # the server is down all April
        queue(s, state, reminder(), APRIL)
        queue(s, state, Mail(key="digest:กองคลัง:2024-04-22", kind="digest", to=["finance@example.go.th"],
                             subject="สรุปงาน", body="เกินกำหนด ๒ รายการ"), APRIL)
        assert deliver(s, state, APRIL).error
        assert {i.status for i in state.outbox()} == {PENDING}
    july = dt.datetime(2024, 7, 1, 9, 0, tzinfo=BANGKOK)
    with MailCatcher() as server, State(settings.state_path) as state:
        s = with_smtp(settings, server.port)  # SMTP works again in July
        report = deliver(s, state, july)
        items = {i.key: i for i in state.outbox()}
        subjects = [r.message["Subject"] for r in server.received]
    assert report.sent == 1 and subjects == ["สรุปงาน"]  # the digest still goes; the reminder does not
    expired = items["reminder:2567:h1:14:coordinator"]
    assert expired.status == EXPIRED and "2024-04-30" in expired.last_error
    assert items["digest:กองคลัง:2024-04-22"].status == SENT
    data = status_data(s, clock=None)
    assert data["mail"][EXPIRED] == 1
    text = status_text(data, s, "th")
    line = next(x for x in text.splitlines() if x.startswith("  ! แจ้งเตือน"))
    assert "หมดอายุ ไม่ส่งแล้ว" in line and "เลยวันส่งรายงาน (2024-04-30)" in line
    assert "expired, not sent" in status_text(data, s, "en")


def test_a_reminder_before_its_due_date_is_sent(settings: Settings) -> None:
    with MailCatcher() as server, State(settings.state_path) as state:
        s = with_smtp(settings, server.port)
        queue(s, state, reminder(days=3), APRIL)
        report = deliver(s, state, dt.datetime(2024, 4, 30, 16, 0, tzinfo=BANGKOK))  # the due day itself
        (item,) = state.outbox()
    assert report.sent == 1 and item.status == SENT


def test_status_says_why_mail_waits_while_the_server_cannot_be_reached(settings: Settings) -> None:
    with MailCatcher() as gone:
        dead_port = gone.port
    with State(settings.state_path) as state:
        s = with_smtp(settings, dead_port)
        queue(s, state, reminder(), APRIL)
        deliver(s, state, APRIL)  # refused connection: no attempt counted, the error kept
        (item,) = state.outbox()
    assert item.attempts == 0 and "Connection refused" in item.last_error
    text = status_text(status_data(s), s, "th")
    line = next(x for x in text.splitlines() if x.startswith("  ! "))
    assert "รอส่ง" in line and (f"ยังส่งไม่ได้: เซิร์ฟเวอร์อีเมล 127.0.0.1:{dead_port} ไม่รับการเชื่อมต่อ — ตรวจ [delivery] "
                                "smtp_host และ smtp_port (ปกติ 587 หรือ 465) ระบบจะลองส่งใหม่เอง "
                                "(ConnectionRefusedError: [Errno 111] Connection refused)") in line


def test_a_clerk_reads_why_mail_waits_in_thai_through_the_real_command_line(settings: Settings) -> None:
    """./ita serve --once with the SMTP server down, then ./ita status, as a clerk types them:
    the log line and the status line say in Thai what to check; the system's words stay in brackets."""
    with MailCatcher() as gone:
        dead_port = gone.port
    config = settings.source
    config.write_text(config.read_text(encoding="utf-8")
                      .replace('smtp_host = ""', 'smtp_host = "127.0.0.1"')
                      .replace("smtp_port = 587", f"smtp_port = {dead_port}"), encoding="utf-8")
    with State(settings.state_path) as state:
        queue(with_smtp(settings, dead_port), state, Mail(key="digest:กองคลัง:2024-04-22", kind="digest",
              to=["finance@example.go.th"], subject="สรุปงานประจำสัปดาห์", body="เกินกำหนด ๒ รายการ"), APRIL)
    env = {**os.environ, "ITA_PYTHON": sys.executable}
    refused = f"เซิร์ฟเวอร์อีเมล 127.0.0.1:{dead_port} ไม่รับการเชื่อมต่อ — ตรวจ [delivery] smtp_host และ smtp_port"

    def ita(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["./ita", *argv, "--config", str(config)], cwd=PROJECT, env=env,
                              capture_output=True, text=True, timeout=120)

    served = ita("serve", "--once")
    assert served.returncode == 0 and "Traceback" not in served.stderr
    assert f"WARNING delivery: อีเมล 1 ฉบับยังรอส่ง (ลองใหม่ใน 15 นาที): {refused}" in served.stderr
    status = ita("status")
    line = next(x for x in status.stdout.splitlines() if x.startswith("  ! "))
    assert line.startswith(f"  ! สรุปงานประจำสัปดาห์ → finance@example.go.th: รอส่ง, ยังส่งไม่ได้: {refused}"), line
    assert line.endswith("(ConnectionRefusedError: [Errno 111] Connection refused)")
