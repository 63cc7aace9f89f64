"""LINE's webhook: how an office finds the id of each unit's LINE group.

The office adds its bot to a unit's LINE group. LINE then posts a *join* event to the
webhook; someone in the group types `id` and the bot answers with the group's id, to be put in
that unit's `line_to`. Every request is checked with the SDK's `WebhookParser` against the
channel secret (`X-Line-Signature`, an HMAC of the body): a request that is not from LINE is
answered 400 and changes nothing. The chats met are kept in the state (`line_chats`) and
listed by `status`.

`serve` runs this endpoint beside the schedule when the channel secret's variable is set;
`./ita line-webhook` runs it alone. It listens on `[line] webhook_host:webhook_port`
at `/line/webhook`; LINE needs an https URL, so put a reverse proxy or a tunnel in front.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from automation.line import access_token
from automation.settings import Settings
from automation.state import State

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/line/webhook"
_KIND_TH = {"group": "กลุ่ม", "room": "ห้องแชต", "user": "ผู้ใช้"}  # as the log names a chat to staff
ID_WORDS = {"id", "ไอดี", "รหัสกลุ่ม"}


@dataclass
class WebhookOutcome:
    status: int
    chats: list[tuple[str, str, str]] = field(default_factory=list)  # (chat id, kind, event)
    replies: list[tuple[str, str]] = field(default_factory=list)  # (reply token, text)


def _chat(source: Any) -> tuple[str, str] | None:
    """(id, kind) of the chat an event came from."""
    if source is None:
        return None
    for attr, kind in (("group_id", "group"), ("room_id", "room"), ("user_id", "user")):
        value = getattr(source, attr, None)
        if value:
            return str(value), kind
    return None


def id_reply(chat_id: str, kind: str) -> str:
    where = {"group": "กลุ่มนี้", "room": "ห้องแชตนี้", "user": "คุณ"}[kind]
    setting = "line_to ของหน่วยงานในการตั้งค่า [[units]] (หรือ [line] coordinator_to)"
    return f"รหัส LINE ของ{where}:\n{chat_id}\n\nคัดลอกรหัสนี้ไปใส่ที่ {setting}"


def handle(secret: str, body: str, signature: str) -> WebhookOutcome:
    """Check and read one webhook request: the chats it tells of and the replies it needs."""
    from linebot.v3.exceptions import InvalidSignatureError
    from linebot.v3.webhook import WebhookParser
    from linebot.v3.webhooks import (
        FollowEvent,
        JoinEvent,
        LeaveEvent,
        MessageEvent,
        TextMessageContent,
        UnfollowEvent,
    )

    try:
        events = WebhookParser(secret).parse(body, signature)
    except InvalidSignatureError:
        return WebhookOutcome(400)
    except (ValueError, KeyError, TypeError):
        return WebhookOutcome(400)  # signed, but not a webhook body
    outcome = WebhookOutcome(200)
    for event in events:
        chat = _chat(getattr(event, "source", None))
        if chat is None:
            continue
        chat_id, kind = chat
        if isinstance(event, JoinEvent):
            outcome.chats.append((chat_id, kind, "join"))
            outcome.replies.append((event.reply_token, "สวัสดีครับ บอทแจ้งเตือนงานมาตรการเข้ากลุ่มแล้ว\n\n"
                                    + id_reply(chat_id, kind)))
        elif isinstance(event, FollowEvent):
            outcome.chats.append((chat_id, kind, "follow"))
        elif isinstance(event, (LeaveEvent, UnfollowEvent)):
            outcome.chats.append((chat_id, kind, "leave"))
        elif isinstance(event, MessageEvent):
            outcome.chats.append((chat_id, kind, "message"))
            message = event.message
            if isinstance(message, TextMessageContent) and message.text.strip().lower() in ID_WORDS \
                    and event.reply_token:
                outcome.replies.append((event.reply_token, id_reply(chat_id, kind)))
    return outcome


def _reply(settings: Settings, token: str, text: str) -> None:
    """A reply through the SDK (replies are free of the monthly quota). A failure is logged only."""
    from linebot.v3.messaging import (
        ApiClient,
        ApiException,
        Configuration,
        MessagingApi,
        ReplyMessageRequest,
        TextMessage,
    )

    bearer = access_token(settings)
    if not bearer:
        log.warning("LINE webhook: ตอบในแชตไม่ได้ — ยังไม่ได้ตั้ง token ในตัวแปร %s (cannot answer: no token)",
                    settings.line.access_token_env)
        return
    config = Configuration(host=settings.line.api_base_url, access_token=bearer)
    config.retries = 0
    try:
        with ApiClient(config) as client:
            MessagingApi(client).reply_message(
                ReplyMessageRequest(reply_token=token, messages=[TextMessage(text=text)]),
                _request_timeout=settings.line.timeout_seconds)
    except (ApiException, OSError, Exception) as exc:  # an answer in a chat is a courtesy
        log.warning("LINE webhook: ตอบในแชตไม่สำเร็จ (reply failed: %s: %s)", type(exc).__name__,
                    str(exc).splitlines()[0])


class WebhookServer:
    """The webhook endpoint on its own thread (a ThreadingHTTPServer)."""

    def __init__(self, settings: Settings, secret: str, host: str | None = None, port: int | None = None) -> None:
        self.settings = settings
        self.secret = secret
        tz = ZoneInfo(settings.run.timezone)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("webhook: " + format, *args)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(min(length, 1_000_000))
                if self.path.split("?")[0] != WEBHOOK_PATH:
                    self._answer(404, b'{"message":"not found"}')
                    return
                try:
                    body = raw.decode("utf-8")
                except UnicodeDecodeError:
                    self._answer(400, b'{"message":"not UTF-8"}')
                    return
                outcome = handle(server.secret, body, self.headers.get("X-Line-Signature", ""))
                if outcome.status != 200:
                    log.warning("LINE webhook: ปฏิเสธคำขอที่ลายเซ็นไม่ถูกต้อง จาก %s — ถ้ามาจาก LINE จริง ให้ตรวจ "
                                "channel secret ในตัวแปร %s (wrong signature refused)", self.client_address[0],
                                server.settings.line.channel_secret_env)
                    self._answer(400, b'{"message":"invalid signature"}')
                    return
                server.record(outcome, dt.datetime.now(tz))  # a quick local write, in the order received
                self._answer(200, b"{}")  # LINE wants a quick 200: the answers in the chat follow
                server.reply(outcome)

            def _answer(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer((host or settings.line.webhook_host,
                                          settings.line.webhook_port if port is None else port), Handler)
        # Requests in progress finish on stop (server_close joins them): an answer already
        # promised to a group is still sent when the service is asked to stop.
        self.httpd.daemon_threads = False
        self.httpd.block_on_close = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="line-webhook", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{WEBHOOK_PATH}"

    def record(self, outcome: WebhookOutcome, now: dt.datetime) -> None:
        # Its own connection: SQLite connections stay on the thread that made them.
        with State(self.settings.state_path, self.settings.run.language) as state:
            for chat_id, kind, event in outcome.chats:
                state.line_chat_seen(chat_id, kind, event, now)
                if event == "join":
                    log.info("LINE: the bot joined %s %s; put this id in the unit's line_to", kind, chat_id)
                elif event == "leave":
                    log.warning("LINE: บอทออกจาก%s %s แล้ว (หรือถูกนำออก) — ข้อความถึง%sนี้จะส่งไม่ได้ "
                                "(the bot left)", _KIND_TH.get(kind, kind), chat_id, _KIND_TH.get(kind, kind))

    def reply(self, outcome: WebhookOutcome) -> None:
        for token, text in outcome.replies:
            _reply(self.settings, token, text)

    def start(self) -> WebhookServer:
        self.thread.start()
        log.info("LINE webhook listening on %s", self.url)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
