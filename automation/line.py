"""LINE out of the service: push messages through the official SDK (`linebot.v3.messaging`),
from the same SQLite outbox as e-mail, once and only once.

A message is queued once under its idempotency key (`line:digest:กองคลัง:2024-04-22`) with
the exact push request (JSON) and a UUID, its *retry key*, made once and kept. Every attempt
sends that request with `X-Line-Retry-Key: <uuid>`, so when an answer is lost (a dropped
connection, a 5xx) the retry cannot deliver it twice: LINE answers 409 to a retry key it has
already accepted, and that message counts as sent. LINE honours a retry key for 24 hours
after the first attempt, so a message whose fate became unknown is not tried after
`RETRY_KEY_LIFETIME` (it could arrive twice); `[line] max_attempts` at most 24, a minute
doubling to an hour apart, keeps ordinary retries well inside that window.

Answers, and what happens:
- 200: sent. 409 (the retry key was already accepted): sent.
- 429: rate limited: the message waits `Retry-After` (or the back-off); LINE's "monthly
  limit" 429 is the quota used up: one clear line, like 401/403.
- 5xx, a dropped connection, a timeout: the attempt counts, the message may have arrived
  (its retry key settles it), it is tried again after the back-off.
- 400: LINE will never accept this request (a wrong group id, a bot not in the group): the
  message is given up at once, with one Thai line naming the target, in the log and `status`.
- 401 (bad token), 403 (the channel may not push), the monthly quota: every message due
  would get the same answer, so each is charged one attempt and waits; after
  `[line] max_attempts` they are given up, not retried forever.
- LINE unreachable (connection refused): no attempt counts; everything waits 15 minutes.

A copy of every LINE text is kept in `<output_dir>/line/<date>/` as e-mail's are in `mail/`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass
from typing import Any

from automation.settings import Settings
from automation.state import FAILED, LINE, PENDING, OutboxItem, State

log = logging.getLogger(__name__)

TEXT_LIMIT = 5000  # characters in one text message (the Messaging API's limit)
MESSAGES_LIMIT = 5  # text messages in one push request
RETRY_FIRST = dt.timedelta(minutes=1)  # after a failed attempt; doubles each time…
RETRY_LONGEST = dt.timedelta(hours=1)  # …up to an hour
RETRY_AFTER_LONGEST = dt.timedelta(hours=1)  # a Retry-After longer than this is capped
UNREACHABLE_RETRY = dt.timedelta(minutes=15)
# LINE remembers an accepted retry key for 24 hours; stop an hour short of that.
RETRY_KEY_LIFETIME = dt.timedelta(hours=23)
KEY_PREFIX = "line:"


@dataclass
class LineMessage:
    key: str  # idempotency key shared with the e-mail of the same message (prefixed in the outbox)
    kind: str  # digest | report | reminder | …
    to: str  # a LINE user (U…), group (C…) or room (R…) id
    title: str  # for `status` and the log: what this message is
    text: str


@dataclass
class LineReport:
    sent: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    pending: int = 0
    error: str = ""  # why nothing could be tried, or the channel-wide problem of this round


def line_targets(settings: Settings) -> list[str]:
    return [t for t in (settings.line.coordinator_to, *(u.line_to for u in settings.units)) if t]


def line_enabled(settings: Settings) -> bool:
    """LINE is used once any recipient has a LINE target."""
    return bool(line_targets(settings))


def access_token(settings: Settings) -> str:
    return os.environ.get(settings.line.access_token_env, "").strip()


def channel_secret(settings: Settings) -> str:
    return os.environ.get(settings.line.channel_secret_env, "").strip()


def missing_token_line(settings: Settings, why: str = "") -> str:
    """No access token while messages must go out by LINE; `why`: what makes it needed now."""
    env = settings.line.access_token_env
    return (f"{env}: ยังไม่ได้ตั้ง channel access token ของ LINE{why} — ออก token ใน LINE Developers console "
            f"แท็บ Messaging API แล้วใส่ในตัวแปรสภาพแวดล้อมนี้ เช่น export {env}=\"…\" (the LINE access token is not set)")


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a LINE message waits after its `attempts`-th failed attempt."""
    return min(RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 16), RETRY_LONGEST)


# ---------------------------------------------------------------- composing


def split_text(text: str, limit: int = TEXT_LIMIT, parts: int = MESSAGES_LIMIT) -> list[str]:
    """The text as at most `parts` messages of at most `limit` characters, cut between lines
    (a line longer than a message is cut between words); what does not fit in `parts`
    messages is dropped, and the last message says so."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > limit:  # one very long line: cut at the last space that fits
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces = [line[:cut].rstrip(), line[cut:].lstrip()]
            if current:
                chunks.append(current)
                current = ""
            chunks.append(pieces[0])
            line = pieces[1]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    chunks = [c.strip("\n") for c in chunks if c.strip()]
    if len(chunks) > parts:
        note = "\n… (ข้อความยาวเกินกว่าที่ LINE ส่งได้ ดูฉบับเต็มในอีเมลหรือในตาราง)"
        chunks = chunks[:parts]
        chunks[-1] = chunks[-1][: limit - len(note)] + note
    return chunks


def push_request(to: str, text: str) -> dict[str, Any]:
    """The JSON body of the push: what the outbox keeps and every attempt sends."""
    return {"to": to, "messages": [{"type": "text", "text": part} for part in split_text(text)]}


def _file_name(key: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", key).strip("_")[:150] + ".txt"


def queue_line(settings: Settings, state: State, message: LineMessage, now: dt.datetime) -> bool:
    """Put a LINE message in the outbox (and its text in the output folder), once."""
    key = KEY_PREFIX + message.key
    if state.outbox_item(key) is not None:
        return False
    body = push_request(message.to, message.text)
    folder = settings.output_dir / "line" / now.date().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / _file_name(message.key)
    copy.write_text(f"ถึง: {message.to}\n\n" + "\n\n---\n\n".join(m["text"] for m in body["messages"]) + "\n",
                    encoding="utf-8")
    added = state.outbox_add(key=key, kind=message.kind, recipients=[message.to], subject=message.title,
                             created=now, status=PENDING, eml=json.dumps(body, ensure_ascii=False).encode(),
                             copy_path=str(copy), channel=LINE, retry_key=str(uuid.uuid4()))
    if added:
        log.info("queued LINE %s → %s (%s)", message.kind, message.to, message.title)
    return added


# ---------------------------------------------------------------- answers


def _body_message(exc: Any) -> str:
    """LINE's own words from an error answer: `message` and the details' messages."""
    try:
        data = json.loads(exc.body or b"{}")
    except (ValueError, TypeError):
        return str(exc.body or "")[:200]
    details = "; ".join(str(d.get("message", "")) + (f" ({d['property']})" if d.get("property") else "")
                        for d in data.get("details") or [] if isinstance(d, dict))
    return " ".join((str(data.get("message", "")) + (f": {details}" if details else "")).split())


def _header(exc: Any, name: str) -> str:
    headers = exc.headers or {}
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def rejection_line(settings: Settings, status: int, to: str, said: str) -> str:
    """One Thai line a person can act on, for an answer LINE will give again."""
    if status == 401:
        return (f"LINE ไม่รับ channel access token (401): token ในตัวแปร {settings.line.access_token_env} "
                f"ผิดหรือหมดอายุ ออก token ใหม่ใน LINE Developers console แท็บ Messaging API ({said})")
    if status == 403:
        return (f"LINE ไม่อนุญาตให้บัญชีนี้ส่งข้อความ (403): ตรวจว่า channel เป็น Messaging API ของบัญชี LINE OA "
                f"ของสำนักงาน และแผนบริการส่งข้อความ push ได้ ({said})")
    if status == 429:
        return (f"โควตาข้อความ LINE ของเดือนนี้หมดแล้ว (429): ข้อความจะส่งได้อีกเมื่อขึ้นเดือนใหม่ "
                f"หรือเมื่อเพิ่มแผนบริการใน LINE Official Account Manager ({said})")
    kind = {"C": "กลุ่ม", "R": "ห้องแชต", "U": "ผู้ใช้"}.get(to[:1], "ปลายทาง")
    return (f"LINE ไม่รับข้อความถึง{kind} {to} (400): รหัสไม่ถูกต้อง หรือบอทไม่ได้อยู่ใน{kind}นั้น "
            f"(หรือผู้ใช้ยังไม่ได้เพิ่มบอทเป็นเพื่อน) แก้ line_to ในการตั้งค่า หรือเชิญบอทเข้ากลุ่มแล้วพิมพ์ id "
            f"ในกลุ่มเพื่อดูรหัส ({said})")


def _monthly_limit(said: str) -> bool:
    return "monthly limit" in said.lower()


# ---------------------------------------------------------------- delivering


def deliver_line(settings: Settings, state: State, now: dt.datetime) -> LineReport:
    """Push every LINE message that is due. Never raises for a LINE problem."""
    from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi, PushMessageRequest
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    from urllib3.exceptions import HTTPError as Urllib3Error

    report = LineReport()
    waiting = state.outbox_due(now, LINE)
    if not waiting:
        return report
    token = access_token(settings)
    if not token:
        report.error, report.pending = missing_token_line(settings), len(waiting)
        state.outbox_defer([i.key for i in waiting], now + UNREACHABLE_RETRY, report.error)
        log.error("LINE: ข้อความ %d ฉบับรอส่ง: %s", len(waiting), report.error)
        return report
    config = Configuration(host=settings.line.api_base_url, access_token=token)
    config.retries = 0  # urllib3 would retry a lost POST on its own, without our accounting
    timeout = settings.line.timeout_seconds
    with ApiClient(config) as client:
        api = MessagingApi(client)
        for i, item in enumerate(waiting):
            rest = waiting[i + 1:]
            if item.uncertain_since and now - item.uncertain_since > RETRY_KEY_LIFETIME:
                _give_up(state, item, "ไม่ได้รับคำตอบจาก LINE ภายใน ๒๔ ชั่วโมง: หยุดส่งเพื่อไม่ให้ข้อความซ้ำ "
                                      "(LINE จำ retry key ไว้เพียง ๒๔ ชั่วโมง) อาจส่งถึงแล้วหรือไม่ก็ได้ "
                                      f"ดูฉบับในโฟลเดอร์ {item.copy_path}", report)
                continue
            request = PushMessageRequest.from_dict(json.loads(item.eml))
            try:
                api.push_message(request, x_line_retry_key=item.retry_key, _request_timeout=timeout)
            except ApiException as exc:
                status, said = int(exc.status or 0), _body_message(exc)
                if status == 409:
                    # A retry of a request LINE already accepted (its first answer was lost).
                    accepted = _header(exc, "x-line-accepted-request-id")
                    _sent(state, item, now, report, note=f"409: accepted earlier {accepted} ({said})")
                elif status == 429 and not _monthly_limit(said):
                    wait = _retry_after(exc) or retry_delay(item.attempts + 1)
                    _failed(settings, state, item, f"LINE ให้รอก่อนส่ง (429 Too Many Requests) {said}", now,
                            report, wait=wait)
                    _wait(state, rest, now + wait, "รอตาม Retry-After ของ LINE", report)
                    return report
                elif status in (401, 403) or status == 429:
                    line = rejection_line(settings, status, item.recipients[0], said)
                    report.error = line
                    log.error("LINE: %s", line)
                    for each in (item, *rest):  # every message would get this answer: each waits, charged
                        _failed(settings, state, each, line, now, report, quiet=True)
                    return report
                elif 400 <= status < 500:
                    _give_up(state, item, rejection_line(settings, status, item.recipients[0], said), report)
                else:  # 5xx: LINE may or may not have taken it; the retry key settles that later
                    state.outbox_uncertain(item.key, now)
                    _failed(settings, state, item, f"LINE ขัดข้องชั่วคราว ({status} {exc.reason or ''}) {said}".strip(),
                            now, report)
                    _wait(state, rest, now + retry_delay(1), "LINE ขัดข้องชั่วคราว", report)
                    return report
            except (Urllib3Error, OSError) as exc:
                if _never_connected(exc, (NewConnectionError, ConnectTimeoutError, ConnectionRefusedError)):
                    report.error = f"ติดต่อ LINE ที่ {settings.line.api_base_url} ไม่ได้ ({_root_cause(exc)})"
                    log.warning("LINE: %s — ข้อความ %d ฉบับรอส่ง ระบบจะลองใหม่ใน 15 นาที", report.error, len(waiting) - i)
                    _wait(state, [item, *rest], now + UNREACHABLE_RETRY, report.error, report)
                    return report
                # The request may have arrived before the connection went: the retry key settles it.
                state.outbox_uncertain(item.key, now)
                _failed(settings, state, item, f"การเชื่อมต่อกับ LINE ขาดระหว่างส่ง ({_root_cause(exc)})",
                        now, report)
                _wait(state, rest, now + retry_delay(1), "การเชื่อมต่อกับ LINE ขาด", report)
                return report
            else:
                _sent(state, item, now, report)
    return report


def _never_connected(exc: BaseException, refused: tuple[type, ...]) -> bool:
    """True when no byte of the request can have reached LINE (refused, or no connection made)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, refused):
            return True
        reason = getattr(seen, "reason", None)
        seen = reason if isinstance(reason, BaseException) else (seen.__cause__ or seen.__context__)
    return False


def _root_cause(exc: BaseException) -> str:
    """The innermost reason of a urllib3/socket error, on one line ("ConnectionRefusedError: …")."""
    seen, last = exc, exc
    for _ in range(8):
        reason = getattr(seen, "reason", None)
        nxt = reason if isinstance(reason, BaseException) else (seen.__cause__ or seen.__context__)
        if nxt is None:
            break
        last = seen = nxt
    text = " ".join(str(last).split()) or type(last).__name__
    return f"{type(last).__name__}: {text}"[:200]


def _retry_after(exc: Any) -> dt.timedelta | None:
    value = _header(exc, "retry-after").strip()
    if value.isdigit():
        return min(dt.timedelta(seconds=int(value)), RETRY_AFTER_LONGEST)
    return None


def _sent(state: State, item: OutboxItem, now: dt.datetime, report: LineReport, note: str = "") -> None:
    state.outbox_sent(item.key, now, note)
    report.sent += 1
    log.info("sent LINE %s to %s%s", item.kind, ", ".join(item.recipients), f" ({note})" if note else "")


def _wait(state: State, items: list[OutboxItem], until: dt.datetime, why: str, report: LineReport) -> None:
    """Not tried this round: no attempt charged."""
    if items:
        state.outbox_defer([i.key for i in items], until, why)
        report.pending += len(items)


def _give_up(state: State, item: OutboxItem, error: str, report: LineReport) -> None:
    state.outbox_give_up(item.key, error)
    report.failed_attempts += 1
    report.gave_up += 1
    log.error("LINE: เลิกส่งข้อความ %s: %s", item.key, error)


def _failed(settings: Settings, state: State, item: OutboxItem, error: str, now: dt.datetime, report: LineReport,
            wait: dt.timedelta | None = None, quiet: bool = False) -> None:
    max_attempts = settings.line.max_attempts
    status = state.outbox_attempt_failed(item.key, error, max_attempts,
                                         now + (wait or retry_delay(item.attempts + 1)))
    report.failed_attempts += 1
    if status == FAILED:
        report.gave_up += 1
        log.error("LINE: เลิกส่งข้อความ %s หลังพยายาม %d ครั้ง: %s", item.key, max_attempts, error)
    else:
        report.pending += 1
        if not quiet:
            log.warning("LINE: ข้อความ %s ยังส่งไม่ได้ ระบบจะลองใหม่: %s", item.key, error)
