"""E-mail out of the service: an outbox in SQLite, SMTP delivery, a copy in the output folder.

A message is composed once (`queue`), under an idempotency key such as
`digest:กองคลัง:2024-04-22`: its exact bytes go into the outbox and into
`<output_dir>/mail/<date>/`, and a second `queue` with the same key changes nothing, so a job
that runs again never mails twice. `deliver` sends what is pending; a message the server
refuses or loses with a dropped connection stays pending and goes out, byte for byte the same
(same Message-ID), on a later attempt. Attempts back off (30 minutes, doubling, at most a day
apart), so `[delivery] max_attempts` (default 30) spans about four weeks; then the message is
marked failed (it is still in the output folder, and `status` lists it). An unreachable
server, or one that rejects the login, counts no attempt: the messages wait 15 minutes and
nothing is given up while the server is simply down.

Limit of SMTP itself: if the connection drops after the server accepted the message but
before its reply arrives, the retry delivers a second copy; the stable Message-ID lets mail
clients recognise it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

from automation.settings import ConfigError, Settings
from automation.state import FAILED, LOCAL, PENDING, OutboxItem, State

log = logging.getLogger(__name__)
SMTP_POLICY = policy.default.clone(linesep="\r\n")
RETRY_FIRST = dt.timedelta(minutes=30)  # after a failed attempt; doubles each time…
RETRY_LONGEST = dt.timedelta(days=1)  # …up to a day
UNREACHABLE_RETRY = dt.timedelta(minutes=15)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a message waits after its `attempts`-th failed attempt."""
    return min(RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 16), RETRY_LONGEST)


# Messages to a citizen (a complaint's acknowledgement) carry their own personal data: they
# get no copy in the output folder, and logs and `status` do not show their address.
PRIVATE_KINDS = frozenset({"ack"})


def shown_recipients(kind: str, recipients: list[str], lang: str = "th") -> str:
    if kind in PRIVATE_KINDS:
        return (f"[{len(recipients)} complainant address(es)]" if lang == "en"
                else f"[ที่อยู่อีเมลผู้ร้องเรียน {len(recipients)} ราย]")
    return ", ".join(recipients)


@dataclass
class Mail:
    key: str  # idempotency key: the same key is queued (and sent) at most once
    kind: str  # digest | report | reminder | ack | …
    to: list[str]
    subject: str
    body: str
    attachments: list[Path] = field(default_factory=list)
    private: bool = False  # to a citizen about themselves: no folder copy (see PRIVATE_KINDS)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    pending: int = 0
    error: str = ""  # why the server could not be reached, if it could not


def smtp_enabled(settings: Settings) -> bool:
    return bool(settings.delivery.smtp_host)


def message_id(key: str, sender: str) -> str:
    """The same key always gives the same Message-ID, so a retried copy is recognisable."""
    domain = sender.rpartition("@")[2] or "automation.local"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


class _EncodedSubject(str):
    """A non-ASCII Subject folded by `email.header.Header`, which keeps every space inside an
    encoded word. Python 3.11's own folding can put the space between two encoded words
    outside them, and readers drop such whitespace (RFC 2047 §6.2): "วันที่ ๓๐" arrived as
    "วันที่๓๐". `EmailMessage` takes an object with `name` and `fold` as a ready header."""

    name = "Subject"

    def fold(self, *, policy: Policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def compose(settings: Settings, mail: Mail, now: dt.datetime) -> EmailMessage:
    """A UTF-8 message: Thai subject (RFC 2047), Thai plain-text body, files attached."""
    sender = settings.delivery.sender or "automation@localhost"
    msg = EmailMessage()
    msg["From"] = sender
    if mail.to:
        msg["To"] = ", ".join(mail.to)
    msg["Subject"] = mail.subject if mail.subject.isascii() else _EncodedSubject(mail.subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(mail.key, sender)
    msg["X-Automation-Key"] = hashlib.sha256(mail.key.encode()).hexdigest()[:16]
    # base64: Thai is 3 bytes a character, so long lines could pass SMTP's 998-byte limit, and
    # not every server takes 8-bit bodies.
    msg.set_content(mail.body, charset="utf-8", cte="base64")
    for path in mail.attachments:
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def _file_name(key: str) -> str:
    # Keys carry Thai unit names: keep them readable, drop only what a file name cannot hold.
    return re.sub(r'[\\/:*?"<>|\s]+', "_", key).strip("_")[:150] + ".eml"


def queue(settings: Settings, state: State, mail: Mail, now: dt.datetime) -> bool:
    """Put a message in the outbox and the output folder, once. False if the key was known."""
    if state.outbox_item(mail.key) is not None:
        return False
    # CRLF line ends: smtplib sends bytes exactly as given, and SMTP requires CRLF.
    eml = compose(settings, mail, now).as_bytes(policy=SMTP_POLICY)
    copy: Path | str = ""
    if not (mail.private or mail.kind in PRIVATE_KINDS):
        folder = settings.output_dir / "mail" / now.date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / _file_name(mail.key)
        copy.write_bytes(eml)
    # No server or no address: the folder copy is the delivery.
    status = PENDING if smtp_enabled(settings) and mail.to else LOCAL
    added = state.outbox_add(key=mail.key, kind=mail.kind, recipients=list(mail.to), subject=mail.subject,
                             created=now, status=status, eml=eml, copy_path=str(copy))
    if added:
        log.info("queued %s → %s (%s)", mail.kind,
                 shown_recipients(mail.kind, mail.to, settings.run.language) or "output folder",
                 mail.subject)
    return added


def _credentials(settings: Settings) -> tuple[str, str] | None:
    d = settings.delivery
    user = os.environ.get(d.username_env, "")
    if not user:
        return None
    password = os.environ.get(d.password_env)
    if password is None:
        raise ConfigError(
            f"{d.username_env} is set but {d.password_env} is not; set the SMTP password there"
            if settings.run.language == "en" else
            f"{d.password_env}: ยังไม่ได้ตั้งรหัสผ่าน SMTP ทั้งที่ตั้งชื่อผู้ใช้ใน {d.username_env} ไว้แล้ว — "
            f"ตั้งตัวแปรสภาพแวดล้อมนี้ด้วย เช่น export {d.password_env}=\"app password\" "
            f"({d.username_env} is set but {d.password_env} is not)")
    return user, password


@lru_cache(maxsize=1)
def _system_tls() -> ssl.SSLContext:
    """Certificates checked against the system's CAs (loading them is slow: once per process)."""
    return ssl.create_default_context()


def connect(settings: Settings, ssl_context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """An open, authenticated SMTP session as `[delivery]` describes it."""
    d = settings.delivery
    if not d.sender:
        raise ConfigError(
            "[delivery] sender is empty; set the From address e-mail is sent as" if settings.run.language == "en"
            else f"{settings.source}: [delivery] sender ว่างอยู่ — ใส่ที่อยู่อีเมลที่ใช้เป็นผู้ส่ง "
                 "เช่น sender = \"ita@example.go.th\" (the From address is empty)")
    timeout = d.timeout_seconds
    smtp: smtplib.SMTP
    if d.smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(d.smtp_host, d.smtp_port, timeout=timeout, context=ssl_context or _system_tls())
    else:
        smtp = smtplib.SMTP(d.smtp_host, d.smtp_port, timeout=timeout)
    try:
        smtp.ehlo()
        if d.smtp_security == "starttls":
            smtp.starttls(context=ssl_context or _system_tls())
            smtp.ehlo()
        creds = _credentials(settings)
        if creds:
            warn_clear_text_login(settings)
            try:
                smtp.login(*creds)
            except UnicodeEncodeError:
                raise ConfigError(
                    f"{d.username_env}/{d.password_env}: SMTP login takes ASCII characters "
                    "only; use an ASCII user name and password (an app password)" if settings.run.language == "en"
                    else f"{d.username_env}/{d.password_env}: ชื่อผู้ใช้และรหัสผ่าน SMTP มีอักษรไทยไม่ได้ — "
                         "ใช้รหัสผ่านสำหรับแอป (app password) ที่ผู้ให้บริการอีเมลออกให้ ซึ่งเป็นอักษรอังกฤษและตัวเลข "
                         "(SMTP login takes ASCII characters only)") from None
    except BaseException:
        smtp.close()
        raise
    return smtp


def reminder_due_date(settings: Settings, key: str) -> dt.date | None:
    """The report due date a reminder (key `reminder:<year>:<round>:<days>:<who>`) is about."""
    from automation.thaidate import FiscalRound

    parts = key.split(":")
    if len(parts) < 4 or parts[0] != "reminder" or not parts[1].isdigit() or parts[2] not in ("h1", "annual"):
        return None
    round_ = FiscalRound.parse(parts[2], int(parts[1]))
    return round_.end + dt.timedelta(days=settings.deadlines.report_grace_days)


def expire_stale(settings: Settings, state: State, now: dt.datetime) -> list[str]:
    """Reminders still waiting (e-mail or LINE) after the report they announce was due are not
    sent: "the report is due in 3 days" arriving in July, once the server works again, would
    only mislead. They are marked expired, with why, and `status` lists them. Returns their keys."""
    expired = []
    for item in state.outbox(PENDING):
        due = reminder_due_date(settings, item.key) if item.kind == "reminder" else None
        if due is not None and now.date() > due:
            # The words are read back by `status` (in either language): keep their form.
            state.outbox_expire(item.key, f"expired: the report was due {due.isoformat()}"
                                          + (f"; last error: {item.last_error}" if item.last_error else ""))
            expired.append(item.key)
    if expired:
        log.warning("%d reminder(s) not sent: the report they announce is already due (%s)"
                    if settings.run.language == "en" else
                    "ไม่ส่งข้อความเตือน %d ฉบับ เพราะเลยวันส่งรายงานที่เตือนไปแล้ว (%s) (reminders expired)",
                    len(expired), ", ".join(expired))
    return expired


_CLEAR_TEXT_WARNED: set[tuple[str, int]] = set()


def warn_clear_text_login(settings: Settings) -> bool:
    """smtp_security = "none" with a login: the user name and password cross the network
    readable by anyone on the way. Allowed (an office relay on its own network), never silent:
    one warning per server and process."""
    d = settings.delivery
    if d.smtp_security != "none" or not d.smtp_host or not os.environ.get(d.username_env):
        return False
    server = (d.smtp_host, d.smtp_port)
    if server not in _CLEAR_TEXT_WARNED:
        _CLEAR_TEXT_WARNED.add(server)
        log.warning("[delivery] smtp_security = \"none\" with a login (%s): the user name and password go to "
                    "%s:%d in clear text; use \"starttls\" (port 587) or \"ssl\" (port 465) unless the server "
                    "is on the office's own network" if settings.run.language == "en" else
                    "[delivery] smtp_security = \"none\" แต่มีการล็อกอิน (%s): ชื่อผู้ใช้และรหัสผ่านส่งไปยัง %s:%d "
                    "แบบไม่เข้ารหัส (clear text) — ใช้ smtp_security = \"starttls\" (พอร์ต 587) หรือ \"ssl\" "
                    "(พอร์ต 465) เว้นแต่เซิร์ฟเวอร์อยู่ในเครือข่ายของสำนักงานเอง", d.username_env, d.smtp_host,
                    d.smtp_port)
    return True


def deliver(settings: Settings, state: State, now: dt.datetime,
            ssl_context: ssl.SSLContext | None = None) -> DeliveryReport:
    """Send every pending message that is due, over one SMTP session. Never raises for a mail problem."""
    report = DeliveryReport()
    expire_stale(settings, state, now)
    waiting = state.outbox_due(now)
    if not waiting or not smtp_enabled(settings):
        report.pending = len(waiting)
        return report
    try:
        smtp = connect(settings, ssl_context)
    except (OSError, smtplib.SMTPException, ConfigError) as exc:
        # The server is unreachable or would not let us in: no message was tried, none is charged.
        report.error = smtp_problem(settings, exc)
        report.pending = len(waiting)
        state.outbox_defer([i.key for i in waiting], now + UNREACHABLE_RETRY, report.error)
        if settings.run.language == "en":
            log.warning("SMTP %s:%s unavailable, %d message(s) wait: %s", settings.delivery.smtp_host,
                        settings.delivery.smtp_port, len(waiting), report.error)
        else:
            log.warning("อีเมล %d ฉบับยังรอส่ง (ลองใหม่ใน 15 นาที): %s", len(waiting), report.error)
        return report
    try:
        for i, item in enumerate(waiting):
            try:
                refused = smtp.sendmail(settings.delivery.sender, item.recipients, item.eml)
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                # The session is gone: charge this message, leave the rest for next time.
                _failed(settings, state, item, exc, now, report)
                report.pending += len(waiting) - i - 1
                return report
            except smtplib.SMTPException as exc:
                _failed(settings, state, item, exc, now, report)
                try:
                    smtp.rset()
                except (smtplib.SMTPException, OSError):
                    report.pending += len(waiting) - i - 1
                    return report
                continue
            note = ((f"refused by server: {', '.join(sorted(refused))}" if settings.run.language == "en" else
                     f"เซิร์ฟเวอร์ไม่รับผู้รับบางราย: {', '.join(sorted(refused))}") if refused else "")
            state.outbox_sent(item.key, now, note)
            report.sent += 1
            log.info("sent %s to %s", item.kind, shown_recipients(item.kind, item.recipients, settings.run.language))
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return report


def _failed(settings: Settings, state: State, item: OutboxItem, exc: BaseException, now: dt.datetime,
            report: DeliveryReport) -> None:
    key, max_attempts, en = item.key, settings.delivery.max_attempts, settings.run.language == "en"
    error = smtp_problem(settings, exc, private=item.kind in PRIVATE_KINDS)
    status = state.outbox_attempt_failed(key, error, max_attempts, now + retry_delay(item.attempts + 1))
    report.failed_attempts += 1
    if status == FAILED:
        report.gave_up += 1
        log.error("gave up on message %s after %d attempts: %s" if en else
                  "เลิกส่งอีเมล %s หลังพยายาม %d ครั้ง: %s", key, max_attempts, error)
    else:
        report.pending += 1
        log.warning("message %s not delivered, will retry: %s" if en else
                    "อีเมล %s ยังส่งไม่ได้ ระบบจะลองใหม่: %s", key, error)


# ---------------------------------------------------------------- what went wrong, in words


def smtp_problem(settings: Settings, exc: BaseException, *, private: bool = False) -> str:
    """One line for the outbox, the log and `status`: what the server did and what to change,
    Thai first with the server's own words in brackets (English alone with [run] language =
    "en", as before). `private`: a complainant's message, whose addresses are never shown."""
    technical = _technical(exc, private)
    if settings.run.language == "en":
        return technical
    if isinstance(exc, ConfigError):  # said in Thai where it was raised
        return str(exc)
    d = settings.delivery
    server = f"{d.smtp_host}:{d.smtp_port}"
    ports = 'ใช้ smtp_security = "starttls" กับพอร์ต 587 หรือ "ssl" กับพอร์ต 465'
    retry = "ระบบจะลองส่งใหม่เอง"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        what = (f"เซิร์ฟเวอร์อีเมล {server} ไม่รับชื่อผู้ใช้หรือรหัสผ่าน — ตรวจค่าในตัวแปร {d.username_env} และ "
                f"{d.password_env} (Gmail และ Microsoft 365 ต้องใช้รหัสผ่านสำหรับแอป หรือ app password)")
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        what = ("เซิร์ฟเวอร์อีเมลไม่รับที่อยู่อีเมลของผู้ร้องเรียน — ที่อยู่ที่ผู้ร้องเรียนกรอกในแบบฟอร์มอาจพิมพ์ผิด "
                "ให้ติดต่อผู้ร้องเรียนทางอื่นแทน" if private else
                f"เซิร์ฟเวอร์อีเมลไม่รับที่อยู่ผู้รับ {', '.join(sorted(exc.recipients))} — ตรวจที่อยู่อีเมลในการตั้งค่า "
                "(coordinator_email หรือ email ของหน่วยงานใน [[units]])")
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        what = (f"เซิร์ฟเวอร์อีเมลไม่รับผู้ส่ง {d.sender} — ตั้ง [delivery] sender เป็นที่อยู่อีเมลของบัญชีที่ใช้ล็อกอิน "
                "เช่น sender = \"ita@example.go.th\"")
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        what = f"เซิร์ฟเวอร์อีเมล {server} ไม่รองรับวิธีเชื่อมต่อหรือล็อกอินที่ตั้งไว้ — ตรวจ smtp_security: {ports}"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        what = f"เซิร์ฟเวอร์อีเมล {server} ตัดการเชื่อมต่อ — {retry}"
    elif isinstance(exc, smtplib.SMTPDataError):
        what = (f"เซิร์ฟเวอร์อีเมลไม่รับข้อความนี้ (รหัส {exc.smtp_code}) — {retry} ถ้ายังไม่ผ่านให้แจ้งผู้ดูแลอีเมล "
                "พร้อมข้อความในวงเล็บ")
    elif isinstance(exc, smtplib.SMTPResponseException):
        what = (f"เซิร์ฟเวอร์อีเมล {server} ตอบปฏิเสธ (รหัส {exc.smtp_code}) — {retry} ถ้ายังไม่ผ่านให้แจ้งผู้ดูแลอีเมล "
                "พร้อมข้อความในวงเล็บ")
    elif isinstance(exc, ssl.SSLCertVerificationError):
        what = (f"ใบรับรองความปลอดภัยของ {d.smtp_host} ตรวจไม่ผ่าน — ตรวจว่า smtp_host เป็นชื่อเต็มของเซิร์ฟเวอร์ "
                "ตามที่ผู้ให้บริการอีเมลกำหนด เช่น smtp_host = \"smtp.gmail.com\"")
    elif isinstance(exc, ssl.SSLError):
        what = f"เชื่อมต่อแบบเข้ารหัสกับ {server} ไม่สำเร็จ — smtp_security อาจไม่ตรงกับพอร์ต: {ports}"
    elif isinstance(exc, socket.gaierror):
        what = (f"ไม่พบเซิร์ฟเวอร์อีเมลชื่อ {d.smtp_host} — ตรวจการสะกด [delivery] smtp_host และการเชื่อมต่ออินเทอร์เน็ต "
                f"{retry}")
    elif isinstance(exc, ConnectionRefusedError):
        what = (f"เซิร์ฟเวอร์อีเมล {server} ไม่รับการเชื่อมต่อ — ตรวจ [delivery] smtp_host และ smtp_port "
                f"(ปกติ 587 หรือ 465) {retry}")
    elif isinstance(exc, TimeoutError):
        what = (f"เซิร์ฟเวอร์อีเมล {server} ไม่ตอบภายใน {d.timeout_seconds} วินาที — ตรวจ smtp_host, smtp_port "
                f"และไฟร์วอลล์ของสำนักงาน {retry}")
    else:
        what = f"ติดต่อเซิร์ฟเวอร์อีเมล {server} ไม่ได้ — {retry}"
    return f"{what} ({technical})"


def _technical(exc: BaseException, private: bool) -> str:
    """The error as the server or the system said it, on one line ("SMTPDataError: 554 5.7.1 …")."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = {} if private else exc.recipients
        said = "; ".join(f"{who}: {code} {_text(msg)}" for who, (code, msg) in answers.items())
        text = said or f"{len(exc.recipients)} recipient(s)"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = str(exc)
    if private:  # a server may quote the address it refuses
        text = re.sub(r"\S+@\S+", "…", text)
    return " ".join(f"{type(exc).__name__}: {text}".split())[:300]


def _text(said: bytes | str) -> str:
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
