"""A loopback LINE Messaging API for tests and trials: the push and reply endpoints speaking
LINE's JSON, so the official SDK can be driven without an account or a quota.

What it checks, as LINE does: the bearer token (401), the request body's schema (400 with
LINE's `details`), the target (400 for a group the bot is not in, when `groups` is set), the
`X-Line-Retry-Key` (a UUID; a key already accepted answers 409 with
`X-Line-Accepted-Request-Id`), and a monthly quota (429 "You have reached your monthly
limit."). Tests may script the next answers: "500", "429:<seconds>" (with Retry-After),
"400", "401", "403", or "drop" (the request is accepted and delivered, then the connection
is closed with no answer: the lost-answer case retry keys exist for).

`./ita line-emulator` runs it on 127.0.0.1 for a trial; set `[line] api_base_url` to
the URL it prints and the token variable to its token.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_TARGET = re.compile(r"[UCR][0-9a-f]{32}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_MESSAGE_TYPES = {"text", "sticker", "image", "video", "audio", "location", "imagemap", "template", "flex"}


@dataclass
class Delivered:
    to: str
    texts: list[str]
    retry_key: str
    request_id: str


@dataclass
class LineEmulator:
    token: str = "emulator-channel-access-token"
    groups: set[str] | None = None  # the chats the bot is in; None: any well-formed id
    monthly_quota: int | None = None  # push messages LINE allows this month
    delivered: list[Delivered] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)  # every push seen, answered or not
    script: list[str] = field(default_factory=list)  # the next answers, consumed one per push
    _accepted: dict[str, str] = field(default_factory=dict)  # retry key -> request id
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -------------------------------------------------------- the HTTP side

    def start(self, port: int = 0) -> LineEmulator:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, headers, body = emulator.answer(self.path, dict(self.headers.items()), raw)
                if status == 0:  # "drop": accepted, then no answer at all
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Line-Request-Id", str(uuid.uuid4()))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def __enter__(self) -> LineEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -------------------------------------------------------- the Messaging API

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
        """(status, extra headers, JSON body); status 0 means: close without answering."""
        lower = {k.lower(): v for k, v in headers.items()}
        if lower.get("authorization") != f"Bearer {self.token}":
            return 401, {}, {"message": "Authentication failed. Confirm that the access token in the "
                                        "authorization header is valid."}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {}, {"message": "The request body could not be parsed as JSON"}
        if path == "/v2/bot/message/push":
            return self._push(lower, body)
        if path == "/v2/bot/message/reply":
            return self._reply(body)
        return 404, {}, {"message": "Not found"}

    def _push(self, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._lock:
            retry_key = headers.get("x-line-retry-key", "")
            self.requests.append({"body": body, "retry_key": retry_key})
            problems = _schema_problems(body, "to")
            if retry_key and not _UUID.fullmatch(retry_key):
                problems.append({"message": "The retry key must be a UUID", "property": "X-Line-Retry-Key"})
            if problems:
                return 400, {}, {"message": f"The request body has {len(problems)} error(s)", "details": problems}
            if retry_key in self._accepted:
                request_id = self._accepted[retry_key]
                return 409, {"X-Line-Accepted-Request-Id": request_id}, {
                    "message": "The retry key is already accepted", "sentMessages": []}
            scripted = self.script.pop(0) if self.script else ""
            if scripted.startswith("429"):
                seconds = scripted.partition(":")[2] or "60"
                return 429, {"Retry-After": seconds}, {"message": "The API rate limit has been exceeded. "
                                                                   "Try again later."}
            if scripted in ("400", "401", "403", "500", "502"):
                return int(scripted), {}, {"message": {"400": "The property, 'to', in the request body is invalid",
                                                       "401": "Authentication failed",
                                                       "403": "Access to this API is not available for your account",
                                                       }.get(scripted, "Internal server error")}
            to = body["to"]
            if self.groups is not None and to not in self.groups:
                return 400, {}, {"message": "The property, 'to', in the request body is invalid (line: -, column: -)"}
            if self.monthly_quota is not None and len(self.delivered) >= self.monthly_quota:
                return 429, {}, {"message": "You have reached your monthly limit."}
            request_id = str(uuid.uuid4())
            if retry_key:
                self._accepted[retry_key] = request_id
            self.delivered.append(Delivered(to, [m.get("text", "") for m in body["messages"]], retry_key, request_id))
            if scripted == "drop":
                return 0, {}, {}
            return 200, {}, {"sentMessages": [{"id": str(461230966842064897 + len(self.delivered) * 7 + i),
                                               "quoteToken": uuid.uuid4().hex} for i in range(len(body["messages"]))]}

    def _reply(self, body: Any) -> tuple[int, dict[str, str], dict[str, Any]]:
        problems = _schema_problems(body, "replyToken")
        if problems:
            return 400, {}, {"message": f"The request body has {len(problems)} error(s)", "details": problems}
        with self._lock:
            self.replies.append(body)
        return 200, {}, {"sentMessages": [{"id": "1", "quoteToken": uuid.uuid4().hex}]}

    def texts_to(self, target: str) -> list[str]:
        return ["\n".join(d.texts) for d in self.delivered if d.to == target]


def _schema_problems(body: Any, addressed_by: str) -> list[dict[str, str]]:
    """LINE's checks of a push/reply body, as `details` entries."""
    if not isinstance(body, dict):
        return [{"message": "Must be an object", "property": ""}]
    problems = []
    known = {"to", "messages", "notificationDisabled", "customAggregationUnits"} if addressed_by == "to" \
        else {"replyToken", "messages", "notificationDisabled"}
    for key in body:
        if key not in known:
            problems.append({"message": "Unknown property", "property": key})
    target = body.get(addressed_by)
    if not isinstance(target, str) or not target:
        problems.append({"message": "May not be empty", "property": addressed_by})
    elif addressed_by == "to" and not _TARGET.fullmatch(target):
        problems.append({"message": "The property, 'to', in the request body is invalid", "property": "to"})
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        problems.append({"message": "Size must be between 1 and 5", "property": "messages"})
        return problems
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("type") not in _MESSAGE_TYPES:
            problems.append({"message": "Must be one of the message types", "property": f"messages[{i}].type"})
        elif m["type"] == "text":
            text = m.get("text")
            if not isinstance(text, str) or not text:
                problems.append({"message": "May not be empty", "property": f"messages[{i}].text"})
            elif len(text) > 5000:
                problems.append({"message": "Length must be between 0 and 5000", "property": f"messages[{i}].text"})
    if "notificationDisabled" in body and not isinstance(body["notificationDisabled"], bool):
        problems.append({"message": "Must be a boolean", "property": "notificationDisabled"})
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="line-emulator", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--token", default=LineEmulator.token)
    args = parser.parse_args(argv)
    emulator = LineEmulator(token=args.token).start(args.port)
    print(f"LINE Messaging API emulator on {emulator.url}\n"
          f"  [line] api_base_url = \"{emulator.url}\"\n"
          f"  export LINE_CHANNEL_ACCESS_TOKEN=\"{args.token}\"\n"
          "Messages it receives are printed here. Ctrl-C stops it.", flush=True)
    seen = 0
    stop = threading.Event()
    try:
        while not stop.wait(0.5):
            for d in emulator.delivered[seen:]:
                print(f"\n→ {d.to} (retry key {d.retry_key or '-'})\n" + "\n---\n".join(d.texts), flush=True)
            seen = len(emulator.delivered)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0
