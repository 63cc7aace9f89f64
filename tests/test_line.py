"""LINE delivery: the official SDK (line-bot-sdk v3) against a loopback Messaging API that
checks the token, the body's schema and the retry key; every answer LINE gives (200, 400, 401,
403, 409, 429, 500, a dropped connection, the monthly quota); the webhook with correctly and
wrongly signed requests; a fiscal year delivering every digest once on LINE and on e-mail;
`serve` on the demo; and no complainant's name or contact on LINE."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import sqlite3
import threading
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation import jobs
from automation.cli import main
from automation.line import (
    MESSAGES_LIMIT,
    RETRY_KEY_LIFETIME,
    TEXT_LIMIT,
    LineMessage,
    deliver_line,
    queue_line,
    split_text,
)
from automation.line_emulator import LineEmulator
from automation.line_webhook import WebhookServer
from automation.scheduler import FakeClock, Service
from automation.settings import ConfigError, Settings, load_settings
from automation.state import FAILED, LINE, LOCAL, PENDING, SENT, State
from automation.tables import Tables
from tests.test_delivery import NAME, PHONE, MailCatcher, private_case, with_smtp
from tests.test_scheduler import FY_END, FY_START, demo_owed, year_deps  # noqa: F401 - demo_owed is a fixture

BKK = ZoneInfo("Asia/Bangkok")
NOW = dt.datetime(2024, 4, 22, 8, 0, tzinfo=BKK)
TOKEN_ENV = "LINE_CHANNEL_ACCESS_TOKEN"
SECRET = "8f3c0d1e2b4a59687a6b5c4d3e2f1a0b"
FINANCE_GROUP = "C" + "4f1c2d3e" * 4  # กองคลัง's LINE group
WORKS_GROUP = "C" + "9a8b7c6d" * 4  # กองช่าง's
COORDINATOR = "U" + "1234abcd" * 4  # the coordinator's own LINE account


def with_line(settings: Settings, url: str, **line: Any) -> Settings:
    """The settings with [line] pointed at the loopback server, two units and the coordinator on LINE."""
    units = [u.model_copy(update={"line_to": {"กองคลัง": FINANCE_GROUP, "กองช่าง": WORKS_GROUP}.get(u.name, "")})
             for u in settings.units]
    section = settings.line.model_copy(update={"api_base_url": url, "coordinator_to": COORDINATOR, **line})
    return settings.model_copy(update={"line": section, "units": units})


@pytest.fixture
def line_server(monkeypatch: pytest.MonkeyPatch) -> Any:
    with LineEmulator() as server:
        monkeypatch.setenv(TOKEN_ENV, server.token)
        yield server


def a_message(key: str = "digest:กองคลัง:2024-04-22", to: str = FINANCE_GROUP, text: str = "") -> LineMessage:
    return LineMessage(key=key, kind="digest", to=to, title="สรุปงาน กองคลัง",
                       text=text or "สรุปงานประจำสัปดาห์ กองคลัง\n• เกินกำหนดแล้ว ๒ รายการ")


# ---------------------------------------------------------------- pushing, answer by answer


def test_a_message_reaches_the_group_once_with_the_bearer_token_and_its_retry_key(settings: Settings,
                                                                                line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    with State(s.state_path) as state:
        assert queue_line(s, state, a_message(), NOW)
        assert not queue_line(s, state, a_message(), NOW)  # the same key is queued once
        report = deliver_line(s, state, NOW)
        again = deliver_line(s, state, NOW + dt.timedelta(hours=1))
        (item,) = state.outbox(channel=LINE)
    assert (report.sent, again.sent) == (1, 0)
    assert item.status == SENT and item.recipients == [FINANCE_GROUP] and item.key == "line:digest:กองคลัง:2024-04-22"
    (delivered,) = line_server.delivered
    assert delivered.to == FINANCE_GROUP and delivered.texts == ["สรุปงานประจำสัปดาห์ กองคลัง\n• เกินกำหนดแล้ว ๒ รายการ"]
    assert delivered.retry_key == item.retry_key and len(item.retry_key) == 36
    assert Path(item.copy_path).read_text(encoding="utf-8").startswith(f"ถึง: {FINANCE_GROUP}")
    sent_body = line_server.requests[0]["body"]  # the outbox keeps the exact request (the SDK adds a default)
    assert {k: v for k, v in sent_body.items() if k != "notificationDisabled"} == json.loads(item.eml)


def test_an_answer_lost_after_line_accepted_the_message_is_sent_once_thanks_to_the_retry_key(
        settings: Settings, line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    line_server.script = ["drop"]  # accepted and delivered, then the connection closes with no answer
    with State(s.state_path) as state:
        queue_line(s, state, a_message(), NOW)
        first = deliver_line(s, state, NOW)
        waiting = state.outbox(channel=LINE)[0]
        assert deliver_line(s, state, NOW).sent == 0  # not due yet: it waits its back-off
        second = deliver_line(s, state, waiting.next_attempt)  # type: ignore[arg-type]
        (item,) = state.outbox(channel=LINE)
    assert first.sent == 0 and waiting.status == PENDING and waiting.uncertain_since == NOW
    assert "ขาดระหว่างส่ง" in waiting.last_error
    assert second.sent == 1 and item.status == SENT and item.attempts == 2 and item.last_error.startswith("409")
    assert len(line_server.delivered) == 1  # the retry was answered 409, not delivered again
    assert [r["retry_key"] for r in line_server.requests] == [item.retry_key] * 2


def test_429_waits_for_retry_after_and_500_backs_off_then_both_go_out(settings: Settings,
                                                                      line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    line_server.script = ["429:120", "500"]
    with State(s.state_path) as state:
        queue_line(s, state, a_message("digest:a:2024-04-22"), NOW)
        queue_line(s, state, a_message("digest:b:2024-04-22", to=WORKS_GROUP), NOW)
        limited = deliver_line(s, state, NOW)
        a, b = state.outbox(channel=LINE)
        assert a.next_attempt == NOW + dt.timedelta(seconds=120) and a.attempts == 1 and "429" in a.last_error
        assert b.attempts == 0 and b.next_attempt == a.next_attempt  # not tried: LINE asked us to wait
        later = NOW + dt.timedelta(seconds=120)
        failing = deliver_line(s, state, later)
        a, b = state.outbox(channel=LINE)
        assert a.attempts == 2 and "500" in a.last_error and a.next_attempt == later + dt.timedelta(minutes=2)
        assert a.uncertain_since == later  # a 500 may hide an accepted message
        done = deliver_line(s, state, later + dt.timedelta(minutes=2))
        statuses = [i.status for i in state.outbox(channel=LINE)]
    assert (limited.sent, failing.sent, done.sent) == (0, 0, 2) and statuses == [SENT, SENT]
    assert sorted(d.to for d in line_server.delivered) == sorted([FINANCE_GROUP, WORKS_GROUP])


def test_a_group_the_bot_is_not_in_is_given_up_at_once_with_one_thai_line(settings: Settings,
                                                                          line_server: LineEmulator,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    from automation.commands.service import status_data, status_text

    s = with_line(settings, line_server.url)
    line_server.groups = {FINANCE_GROUP}  # the bot was never added to กองช่าง's group
    with State(s.state_path) as state:
        queue_line(s, state, a_message("digest:กองช่าง:2024-04-22", to=WORKS_GROUP), NOW)
        queue_line(s, state, a_message(), NOW)
        report = deliver_line(s, state, NOW)
        retried = deliver_line(s, state, NOW + dt.timedelta(days=1))
        finance, works = state.outbox(channel=LINE)  # in key order: กองคลัง, กองช่าง
    assert works.recipients == [WORKS_GROUP]
    assert (report.sent, report.gave_up, retried.failed_attempts) == (1, 1, 0)
    assert works.status == FAILED and works.attempts == 1 and finance.status == SENT
    assert works.last_error.startswith(f"LINE ไม่รับข้อความถึงกลุ่ม {WORKS_GROUP} (400): รหัสไม่ถูกต้อง "
                                       "หรือบอทไม่ได้อยู่ในกลุ่มนั้น")
    assert "\n" not in works.last_error and works.last_error in caplog.text
    text = status_text(status_data(s, clock=FakeClock(NOW)), s, "th")
    assert "LINE: รอส่ง ๐, ส่งแล้ว ๑, เก็บในโฟลเดอร์เท่านั้น ๐, ส่งไม่สำเร็จ (เลิกส่ง) ๑" in text
    assert f"  ! สรุปงาน กองคลัง → {WORKS_GROUP}: ส่งไม่สำเร็จ (เลิกส่ง), พยายาม ๑ ครั้ง, LINE ไม่รับข้อความ" in text


def test_a_wrong_token_is_one_thai_line_and_is_not_retried_forever(settings: Settings, line_server: LineEmulator,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    s = with_line(settings, line_server.url, max_attempts=3)
    monkeypatch.setenv(TOKEN_ENV, "an-old-token-that-was-reissued")
    moment = NOW
    with State(s.state_path) as state:
        queue_line(s, state, a_message("digest:a:2024-04-22"), NOW)
        queue_line(s, state, a_message("digest:b:2024-04-22"), NOW)
        rounds = []
        for _ in range(6):
            rounds.append(deliver_line(s, state, moment))
            moment += dt.timedelta(hours=2)
        items = state.outbox(channel=LINE)
    assert rounds[0].error.startswith(f"LINE ไม่รับ channel access token (401): token ในตัวแปร {TOKEN_ENV} ผิดหรือหมดอายุ")
    assert [i.status for i in items] == [FAILED, FAILED] and [i.attempts for i in items] == [3, 3]
    assert sum(r.failed_attempts for r in rounds) == 6 and not rounds[-1].failed_attempts
    assert line_server.delivered == []


@pytest.mark.parametrize(("scripted", "quota", "start"), [
    ("403", None, "LINE ไม่อนุญาตให้บัญชีนี้ส่งข้อความ (403)"),
    ("", 0, "โควตาข้อความ LINE ของเดือนนี้หมดแล้ว (429)"),
], ids=["forbidden", "monthly-quota"])
def test_a_forbidden_channel_or_a_used_up_quota_charges_every_waiting_message_once(
        settings: Settings, line_server: LineEmulator, scripted: str, quota: int | None, start: str) -> None:
    s = with_line(settings, line_server.url)
    line_server.script = [scripted] if scripted else []
    line_server.monthly_quota = quota
    with State(s.state_path) as state:
        for k in ("a", "b", "c"):
            queue_line(s, state, a_message(f"digest:{k}:2024-04-22"), NOW)
        report = deliver_line(s, state, NOW)
        items = state.outbox(channel=LINE)
    assert report.error.startswith(start) and report.failed_attempts == 3 and report.sent == 0
    assert all(i.status == PENDING and i.attempts == 1 and i.last_error == report.error for i in items)
    assert len(line_server.requests) == 1  # one request told it all: the others were not sent to be refused


def test_line_unreachable_charges_no_attempt(settings: Settings, line_server: LineEmulator) -> None:
    s = with_line(settings, "http://127.0.0.1:9")  # nothing listens on the discard port
    with State(s.state_path) as state:
        queue_line(s, state, a_message(), NOW)
        report = deliver_line(s, state, NOW)
        (item,) = state.outbox(channel=LINE)
    assert report.error.startswith("ติดต่อ LINE ที่ http://127.0.0.1:9 ไม่ได้")
    assert item.attempts == 0 and item.status == PENDING and item.next_attempt == NOW + dt.timedelta(minutes=15)


def test_a_message_whose_fate_is_unknown_is_not_tried_after_the_retry_key_expires(
        settings: Settings, line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    line_server.script = ["500"]
    with State(s.state_path) as state:
        queue_line(s, state, a_message(), NOW)
        deliver_line(s, state, NOW)
        late = deliver_line(s, state, NOW + RETRY_KEY_LIFETIME + dt.timedelta(minutes=1))  # the service was down
        (item,) = state.outbox(channel=LINE)
    assert late.gave_up == 1 and item.status == FAILED and "๒๔ ชั่วโมง" in item.last_error
    assert len(line_server.requests) == 1


def test_without_the_token_variable_messages_wait_and_serve_refuses_to_start(
        settings: Settings, line_server: LineEmulator, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    s = with_line(settings, line_server.url)
    with State(s.state_path) as state:
        queue_line(s, state, a_message(), NOW)
        report = deliver_line(s, state, NOW)
        (item,) = state.outbox(channel=LINE)
    assert report.error == (f"{TOKEN_ENV}: ยังไม่ได้ตั้ง channel access token ของ LINE — ออก token ใน LINE Developers "
                            f"console แท็บ Messaging API แล้วใส่ในตัวแปรสภาพแวดล้อมนี้ เช่น export {TOKEN_ENV}=\"…\" "
                            "(the LINE access token is not set)")
    assert item.attempts == 0
    config = settings.source
    config.write_text(config.read_text(encoding="utf-8").replace('coordinator_to = ""',
                                                                  f'coordinator_to = "{COORDINATOR}"'),
                      encoding="utf-8")
    assert main(["serve", "--once", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith(f"error: {TOKEN_ENV}: ยังไม่ได้ตั้ง channel access token ของ LINE ทั้งที่ตั้งผู้รับทาง LINE "
                          "(line_to หรือ coordinator_to) ไว้แล้ว — ออก token")
    assert main(["serve", "--once", "--config", str(config), "--lang", "en"]) == 2  # English on request
    assert capsys.readouterr().err.startswith("error: [line] targets are set but the channel access token is not")


def test_the_line_commands_say_a_missing_secret_and_a_taken_port_in_thai(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    config = str(settings.source)
    assert main(["line-webhook", "--config", config]) == 2
    assert capsys.readouterr().err == (
        "error: LINE_CHANNEL_SECRET: ยังไม่ได้ตั้ง channel secret ของ LINE — คัดลอก Channel secret จาก LINE Developers "
        "console แท็บ Basic settings มาใส่ในตัวแปรสภาพแวดล้อมนี้ เช่น export LINE_CHANNEL_SECRET=\"…\" "
        "(the LINE channel secret is not set)\n")
    monkeypatch.setenv("LINE_CHANNEL_SECRET", SECRET)
    with socket.socket() as taken:  # another program listens there
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["line-webhook", "--config", config, "--port", str(port)]) == 2
        err = capsys.readouterr().err  # the port typed, not [line] webhook_port's
        assert err.startswith(f"error: --port {port}: มีโปรแกรมอื่นใช้พอร์ตนี้อยู่ (127.0.0.1: Address already in use) "
                              f"— เลือกพอร์ตอื่นที่ว่าง เช่น --port {port + 1} (cannot listen)"), err
        assert main(["line-emulator", "--config", config, "--port", str(port)]) == 2
        assert capsys.readouterr().err.startswith(f"error: --port {port}: มีโปรแกรมอื่นใช้พอร์ตนี้อยู่")
        assert main(["line-emulator", "--config", config, "--port", str(port), "--lang", "en"]) == 2
        assert capsys.readouterr().err.startswith(f"error: --port {port}: cannot listen on 127.0.0.1")


# ---------------------------------------------------------------- the loopback server itself


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_loopback_server_checks_the_token_the_schema_and_the_retry_key(line_server: LineEmulator) -> None:
    push = f"{line_server.url}/v2/bot/message/push"
    auth = {"Authorization": f"Bearer {line_server.token}", "Content-Type": "application/json"}
    ok = json.dumps({"to": FINANCE_GROUP, "messages": [{"type": "text", "text": "ทดสอบ"}]}).encode()
    assert _post(push, ok, {**auth, "Authorization": "Bearer wrong"})[0] == 401
    status, body = _post(push, json.dumps({"to": "not-an-id", "messages": [{"type": "text", "text": "x" * 5001}] * 6,
                                           "extra": 1}).encode(), auth)
    assert status == 400 and {d["property"] for d in body["details"]} == {"to", "messages", "extra"}
    status, body = _post(push, json.dumps({"to": FINANCE_GROUP, "messages": [{"type": "text", "text": "x" * 5001}]})
                         .encode(), auth)
    assert status == 400 and body["details"] == [{"message": "Length must be between 0 and 5000",
                                                  "property": "messages[0].text"}]
    assert _post(push, ok, {**auth, "X-Line-Retry-Key": "not-a-uuid"})[0] == 400
    key = {"X-Line-Retry-Key": "123e4567-e89b-12d3-a456-426614174000"}
    assert _post(push, ok, {**auth, **key})[0] == 200
    assert _post(push, ok, {**auth, **key})[0] == 409
    assert len(line_server.delivered) == 1


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Zl", "Zp", "Cc")), max_size=3000),
                max_size=12))
def test_any_text_fits_line_limits_and_a_text_that_fits_is_kept_whole(lines: list[str]) -> None:
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) <= MESSAGES_LIMIT and all(0 < len(p) <= TEXT_LIMIT for p in parts)
    if len(text) <= TEXT_LIMIT and text.strip("\n"):
        assert parts == [text.strip("\n")]


def test_a_very_long_digest_is_split_between_lines_and_shortened_past_five_messages() -> None:
    rows = [f"{n}. ขั้นตอน 3.{n}: เผยแพร่ประกาศจัดซื้อจัดจ้างประจำเดือน (เกินมา {n} วัน)" for n in range(1, 2000)]
    parts = split_text("\n".join(rows))
    assert len(parts) == MESSAGES_LIMIT and all(len(p) <= TEXT_LIMIT for p in parts)
    assert all(line in rows for p in parts[:-1] for line in p.splitlines())  # no line cut in two
    assert parts[-1].endswith("ดูฉบับเต็มในอีเมลหรือในตาราง)")


# ---------------------------------------------------------------- the webhook


def signed(body: str, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()


def event(kind: str, group: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "mode": "active", "timestamp": 1713751200000,
            "source": {"type": "group", "groupId": group, **({"userId": "U" + "5" * 32} if kind == "message" else {})},
            "webhookEventId": "01HW2Y5N9R3JQ7C6K8M2V4X1ZB", "deliveryContext": {"isRedelivery": False}, **extra}


def test_the_webhook_records_a_join_and_answers_id_with_the_group_id(settings: Settings,
                                                                     line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    joined = json.dumps({"destination": "U" + "0" * 32, "events": [event("join", WORKS_GROUP, replyToken="r-join")]})
    asked = json.dumps({"destination": "U" + "0" * 32, "events": [
        event("message", WORKS_GROUP, replyToken="r-id",
              message={"type": "text", "id": "468789577898262530", "text": " ID ", "quoteToken": "q1"}),
        event("message", WORKS_GROUP, replyToken="r-chat",
              message={"type": "text", "id": "468789577898262531", "text": "สวัสดีค่ะ", "quoteToken": "q2"})]})
    with WebhookServer(s, SECRET, port=0) as hook:
        headers = {"Content-Type": "application/json"}
        assert _post(hook.url, joined.encode(), {**headers, "X-Line-Signature": signed(joined)})[0] == 200
        assert _post(hook.url, asked.encode(), {**headers, "X-Line-Signature": signed(asked)})[0] == 200
    with State(s.state_path) as state:
        (chat,) = state.line_chats()
    assert (chat.id, chat.kind, chat.event) == (WORKS_GROUP, "group", "message")
    replies = {r["replyToken"]: r["messages"][0]["text"] for r in line_server.replies}
    assert sorted(replies) == ["r-id", "r-join"]  # "สวัสดีค่ะ" is not a question for the bot
    answer = replies["r-id"]
    assert answer.startswith(f"รหัส LINE ของกลุ่มนี้:\n{WORKS_GROUP}\n") and "line_to" in answer


def test_a_wrongly_signed_or_unsigned_request_is_refused_and_changes_nothing(settings: Settings,
                                                                            line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event("join", WORKS_GROUP, replyToken="r")]})
    with WebhookServer(s, SECRET, port=0) as hook:
        wrong_secret = _post(hook.url, body.encode(), {"X-Line-Signature": signed(body, "another-channel-secret")})
        unsigned = _post(hook.url, body.encode(), {})
        tampered = _post(hook.url, body.replace(WORKS_GROUP, FINANCE_GROUP).encode(),
                         {"X-Line-Signature": signed(body)})
    assert [wrong_secret[0], unsigned[0], tampered[0]] == [400, 400, 400]
    with State(s.state_path) as state:
        assert state.line_chats() == []
    assert line_server.replies == []


# ---------------------------------------------------------------- settings and state


@pytest.mark.parametrize(("edit", "expected"), [
    (('[[units]]\nname = "กองคลัง"', '[[units]]\nname = "กองคลัง"\nline_to = "กลุ่มกองคลัง"'),
     '[[units]] ชุดที่ 2 line_to = "กลุ่มกองคลัง" ไม่ถูกต้อง — ต้องเป็นรหัสกลุ่ม LINE'),
    (('coordinator_to = ""', 'coordinator_to = "C123"'), '[line] coordinator_to = "C123" ไม่ถูกต้อง'),
    (('access_token_env = "LINE_CHANNEL_ACCESS_TOKEN"', 'access_token_env = "eyJhbGciOi.J9+/x="'),
     '[line] access_token_env = "eyJhbG…" ไม่ถูกต้อง — ต้องเป็นชื่อของตัวแปรสภาพแวดล้อม'),  # the token not shown whole
    (('api_base_url = "https://api.line.me"', 'api_base_url = "http://api.line.me"'),
     '[line] api_base_url = "http://api.line.me" ไม่ถูกต้อง — ต้องเป็น https://api.line.me หรือที่อยู่ http:// บน 127.0.0.1'),
    (('webhook_port = 8088', 'webhook_port = 80880'), "[line] webhook_port = 80880 ไม่ถูกต้อง"),
    (('max_attempts = 12 ', 'max_attempts = 48 '), "[line] max_attempts = 48 ไม่ถูกต้อง — ต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 24"),
    (('coordinator_email_too = true', 'coordinator_emial_too = true'),
     "[line] ไม่รู้จักชื่อ coordinator_emial_too — ถ้าหมายถึง coordinator_email_too ให้แก้เป็น coordinator_email_too"),
], ids=["unit-target", "coordinator-target", "token-not-its-name", "plain-http", "port", "attempts", "misspelt"])
def test_every_line_setting_is_checked_at_start_with_one_line(settings: Settings, edit: tuple[str, str],
                                                              expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = settings.source
    text = config.read_text(encoding="utf-8")
    assert edit[0] in text
    config.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert expected in str(caught.value) and "\n" not in str(caught.value)
    assert "J9+/x=" not in str(caught.value)  # a token pasted in is never printed (or logged) whole
    assert main(["status", "--config", str(config)]) == 2
    assert expected in capsys.readouterr().err


def test_a_state_file_from_before_line_keeps_its_mail_and_learns_the_channel(tmp_path: Path) -> None:
    path = tmp_path / "automation.sqlite"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE outbox (key TEXT PRIMARY KEY, kind TEXT NOT NULL, recipients TEXT NOT NULL,
            subject TEXT NOT NULL, created TEXT NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', sent_at TEXT,
            next_attempt TEXT, copy_path TEXT NOT NULL DEFAULT '', eml BLOB NOT NULL);
        INSERT INTO outbox (key, kind, recipients, subject, created, status, eml)
            VALUES ('digest:กองคลัง:2024-04-15', 'digest', '["finance@example.go.th"]', 'สรุปงาน',
                    '2024-04-15T08:00:00+07:00', 'pending', X'46726f6d');
    """)
    old.commit()
    old.close()
    with State(path) as state:
        (item,) = state.outbox()
        version = state.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        due_mail = state.outbox_due(NOW)
        due_line = state.outbox_due(NOW, LINE)
    assert (item.key, item.channel, item.retry_key, item.eml) == ("digest:กองคลัง:2024-04-15", "email", "", b"From")
    assert version == "2" and [i.key for i in due_mail] == [item.key] and due_line == []


# ---------------------------------------------------------------- jobs: routing, wording, privacy


def test_the_complainants_name_and_contact_never_go_to_line_even_where_e_mail_may_carry_them(
        settings: Settings) -> None:
    allowed = settings.model_copy(update={"privacy": settings.privacy.model_copy(
        update={"allow_private_in_email": True})})
    ctx, owed, findings = private_case(allowed)
    text = jobs.line_digest_text(ctx, allowed.units[2], owed, findings)
    mail = jobs.digest_body(ctx, allowed.units[2], owed, findings)
    ctx.state.close()
    assert "ข้อมูลส่วนบุคคล" not in mail  # the office allowed e-mail to list the finding (people masked)…
    assert PHONE not in mail and NAME not in mail
    assert PHONE not in text and NAME not in text  # …LINE never carries it either
    assert "R-2567-014" in text and "ถนนชำรุดหน้าบ้าน" in text and "(เกินมา ๑๒ วัน)" in text
    assert "• ข้อมูลในตารางที่ต้องแก้ไข ๑ รายการ" in text


def test_a_name_after_a_thai_title_typed_into_a_complaint_is_masked_on_line(settings: Settings) -> None:
    """Not every name is in the complainant column: staff type "นางสมศรี มีสุข แจ้งว่า…" into the
    subject. LINE texts pass through privacy.mask_people as every message does."""
    ctx, owed, findings = private_case(settings)
    owed[0].title = "นางสมศรี มีสุข บ้านเลขที่ 45/2 หมู่ 3 แจ้งว่าไฟฟ้าส่องสว่างดับทั้งซอย"
    text = jobs.line_digest_text(ctx, settings.units[2], owed, findings)
    ctx.state.close()
    assert "สมศรี" not in text and "45/2" not in text
    assert "แจ้งว่าไฟฟ้าส่องสว่าง" in text


def test_the_line_digest_reads_counts_first_then_the_oldest_overdue_then_where_to_look(
        settings: Settings, demo_workbook: Path, line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url)
    palad = s.units[0].model_copy(update={"line_to": "C" + "7" * 32})
    s = s.model_copy(update={"units": [palad, *s.units[1:]]})
    with State(s.state_path) as state:
        service = Service(s, state, FakeClock(dt.datetime(2024, 4, 22, 8, 0, tzinfo=BKK)))
        service.run_now("check")
        service.run_now("digest")
    (text,) = line_server.texts_to(palad.line_to)
    print(text)
    lines = text.splitlines()
    assert lines[:2] == [f"สรุปงานประจำสัปดาห์ {palad.name}", "ข้อมูล ณ วันที่ ๒๒ เมษายน ๒๕๖๗"]
    assert lines[3].startswith("• เกินกำหนดแล้ว ")
    listed = lines[lines.index("เกินกำหนดนานที่สุด:") + 1:lines.index("ดูรายละเอียดและบันทึกผลที่:") - 1]
    days = [int(line.rsplit("เกินมา ", 1)[1].split()[0].translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
            for line in listed if "เกินมา" in line]
    assert days and days == sorted(days, reverse=True)  # the oldest first
    assert lines[-3:] == ["ไฟล์ demo.xlsx (ชีต ผลการตรวจสอบ)", "", "— อบต.บ้านสวน (ข้อความอัตโนมัติ)"]
    assert len(text) < 1500  # a phone screen or two, not the e-mail's full list


def test_a_unit_on_line_only_gets_no_e_mail_and_a_unit_without_any_channel_goes_to_the_coordinator(
        settings: Settings, demo_workbook: Path, line_server: LineEmulator) -> None:
    s = with_line(settings, line_server.url, coordinator_email_too=False)
    s = s.model_copy(update={"units": [u.model_copy(update={"email_too": False}) if u.name == "กองช่าง" else u
                                       for u in s.units]})
    with State(s.state_path) as state:
        service = Service(s, state, FakeClock(dt.datetime(2024, 4, 22, 8, 0, tzinfo=BKK)))
        service.run_now("check")
        service.run_now("digest")
        outbox = state.outbox()
    mail_keys = {m.key for m in outbox if m.channel == "email"}
    line_to = {m.key: m.recipients for m in outbox if m.channel == LINE}
    assert "digest:กองช่าง:2024-04-22" not in mail_keys and line_to["line:digest:กองช่าง:2024-04-22"] == [WORKS_GROUP]
    # ทุกส่วนราชการ has no address and no LINE target: the coordinator, who is on LINE only, hears of it there.
    assert line_to["line:digest:ทุกส่วนราชการ:2024-04-22"] == [COORDINATOR]
    assert "digest:ทุกส่วนราชการ:2024-04-22" not in mail_keys
    (via,) = line_server.texts_to(COORDINATOR)
    assert "(ส่งถึงผู้ประสานงาน เนื่องจาก ทุกส่วนราชการ ไม่มีช่องทางรับข้อความในการตั้งค่า)" in via
    assert all(m.status in (SENT, LOCAL) for m in outbox if m.channel == LINE)


# ---------------------------------------------------------------- a year, and serve on the demo


def test_a_fiscal_year_delivers_every_message_once_on_line_and_on_e_mail(
        settings: Settings, demo_owed: tuple[Tables, dict[str, list[Any]]], line_server: LineEmulator) -> None:  # noqa: F811
    tables, owed = demo_owed
    stop = threading.Event()
    clock = FakeClock(FY_START)
    with MailCatcher() as smtp:
        s = with_line(with_smtp(settings, smtp.port), line_server.url)
        with State(s.state_path) as state:
            service = Service(s, state, clock, deps=year_deps(tables, owed))
            service.serve(stop, until=dt.datetime(2024, 1, 8, 0, 0, tzinfo=BKK))
            # A bad month for LINE: lost answers after acceptance, overload, rate limits.
            line_server.script = ["drop", "500", "429:90", "drop", "502", "drop"] * 3
            service.serve(stop, until=dt.datetime(2024, 2, 5, 0, 0, tzinfo=BKK))
            service.serve(stop, until=FY_END)
            outbox = state.outbox()
            digests = [r for r in state.runs("digest", limit=None) if r.outcome == "ok"]
    lines = [m for m in outbox if m.channel == LINE]
    mails = [m for m in outbox if m.channel == "email"]
    assert not line_server.script  # every scripted trouble happened
    assert {m.status for m in lines} == {SENT} and any(m.attempts > 1 for m in lines)
    assert any(m.last_error.startswith("409") for m in lines)  # some were settled by their retry key
    # Once on LINE: one delivery per message, under the message's own retry key.
    delivered = Counter(d.retry_key for d in line_server.delivered)
    assert set(delivered.values()) == {1} and set(delivered) == {m.retry_key for m in lines}
    # Once by e-mail too, for every recipient whose e-mail goes as well.
    assert {m.status for m in mails} <= {SENT, LOCAL} and any(m.kind == "digest" for m in mails)
    assert Counter(Counter(smtp.message_ids()).values()) == Counter({1: len([m for m in mails if m.status == SENT])})
    # Every digest a LINE unit owed reached its group; every weekly digest day had them.
    line_digests = {m.key.removeprefix("line:") for m in lines if m.kind == "digest"}
    mail_digests = {m.key for m in mails if m.kind == "digest"}
    on_line = {u.name for u in s.units if u.line_to} | {u.name for u in s.units if not u.email and not u.line_to}
    assert line_digests == {k for k in mail_digests if k.split(":")[1] in on_line}
    mondays = [FY_START.date() + dt.timedelta(days=i) for i in range((FY_END.date() - FY_START.date()).days + 1)]
    assert [r.started.date() for r in reversed(digests)] == [d for d in mondays if d.weekday() == 0]
    assert {m.kind for m in lines} == {"digest", "report", "reminder"}
    assert sum(1 for m in lines if m.kind == "report") == 3


def test_serve_on_the_demo_with_line_on_the_loopback_server_delivers_the_weeks_digests_once(
        settings: Settings, demo_workbook: Path, line_server: LineEmulator) -> None:
    config = settings.source
    text = config.read_text(encoding="utf-8")
    text = text.replace('api_base_url = "https://api.line.me"', f'api_base_url = "{line_server.url}"')
    text = text.replace('coordinator_to = ""', f'coordinator_to = "{COORDINATOR}"')
    text = text.replace('email = "finance@example.go.th"\n', f'email = "finance@example.go.th"\nline_to = "{FINANCE_GROUP}"\n')
    text = text.replace('email = "works@example.go.th"\n', f'email = "works@example.go.th"\nline_to = "{WORKS_GROUP}"\n')
    config.write_text(text, encoding="utf-8")
    monday = ["--today", "2024-04-22", "--config", str(config)]
    assert main(["serve", "--job", "check", *monday]) == 0
    assert main(["serve", "--job", "digest", *monday]) == 0
    assert main(["serve", "--job", "digest", *monday]) == 0  # run again (a retry, a catch-up): nothing doubles
    assert main(["serve", "--once", *monday]) == 0
    s = load_settings(config)
    with State(s.state_path) as state:
        lines = [m for m in state.outbox(channel=LINE) if m.kind == "digest"]
    assert lines and {m.status for m in lines} == {SENT}
    assert Counter(d.to for d in line_server.delivered) == Counter(m.recipients[0] for m in lines)
    assert len(line_server.delivered) == len(lines) == len({m.key for m in lines})
    for m in lines:
        print(f"---- {m.recipients[0]}\n" + Path(m.copy_path).read_text(encoding="utf-8"))
    complaints = jobs._real_tables(s)[0]["complaints"].records()
    private = {str(r[k]) for r in complaints for k in ("complainant", "contact") if r.get(k)}
    assert private and not [p for d in line_server.delivered for t in d.texts for p in private if p in t]


def test_serve_answers_the_webhook_while_it_runs_when_the_channel_secret_is_set(
        settings: Settings, demo_workbook: Path, line_server: LineEmulator) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:  # a free port for the webhook
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = settings.source
    text = config.read_text(encoding="utf-8")
    text = text.replace('api_base_url = "https://api.line.me"', f'api_base_url = "{line_server.url}"')
    config.write_text(text.replace("webhook_port = 8088", f"webhook_port = {port}"), encoding="utf-8")
    project = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(project), "LINE_CHANNEL_SECRET": SECRET}
    proc = subprocess.Popen([sys.executable, "main.py", "serve", "--config", str(config)], cwd=project, env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "service started" in line:
                break
        body = json.dumps({"destination": "U" + "0" * 32, "events": [event("join", WORKS_GROUP, replyToken="r")]})
        url = f"http://127.0.0.1:{port}/line/webhook"
        assert _post(url, body.encode(), {"X-Line-Signature": signed(body)})[0] == 200
        assert _post(url, body.encode(), {"X-Line-Signature": signed(body, "not-the-secret")})[0] == 400
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with State(load_settings(config).state_path) as state:
        assert [(c.id, c.event) for c in state.line_chats()] == [(WORKS_GROUP, "join")]
    assert [r["replyToken"] for r in line_server.replies] == ["r"]
    from automation.commands.service import status_data, status_text

    shown = status_text(status_data(load_settings(config), clock=FakeClock(NOW)), load_settings(config), "th")
    assert f"  กลุ่ม {WORKS_GROUP} (บอทเข้ากลุ่ม, " in shown
