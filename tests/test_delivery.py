"""E-mail delivery against a real SMTP server (aiosmtpd) on 127.0.0.1: accepted, refused,
dropped, unreachable, STARTTLS with login, implicit TLS; and no private data in e-mail."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from automation import jobs
from automation.delivery import SMTP_POLICY, Mail, compose, deliver, message_id, queue, smtp_problem
from automation.findings import Finding
from automation.settings import Settings, load_settings
from automation.state import FAILED, LOCAL, PENDING, SENT, State

BKK = ZoneInfo("Asia/Bangkok")
SHIPPED = load_settings()
NOW = dt.datetime(2024, 4, 22, 8, 0, tzinfo=BKK)
SUBJECT = "สรุปงานที่ต้องดำเนินการประจำสัปดาห์ กองคลัง (๒๒ เมษายน ๒๕๖๗)"
BODY = "เรียน กองคลัง\n\nเกินกำหนดแล้ว ๒ รายการ\n  ๑. ขั้นตอน 3.1: เผยแพร่ประกาศจัดซื้อจัดจ้าง"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    authenticated: bool

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


class MailCatcher:
    """A real aiosmtpd server on 127.0.0.1, port chosen by the OS, in its own event-loop thread.

    mode: "accept" stores each message; "refuse" answers DATA with 554; "drop" closes the
    connection instead of answering DATA.
    """

    def __init__(self, *, tls_context: ssl.SSLContext | None = None, implicit_tls: ssl.SSLContext | None = None,
                 credentials: tuple[str, str] | None = None) -> None:
        self.mode = "accept"
        self.received: list[Received] = []
        self.tls_context, self.implicit_tls, self.credentials = tls_context, implicit_tls, credentials
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.credentials is not None and (
            data.login.decode(), data.password.decode()) == self.credentials
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        if self.mode == "refuse":
            return "554 5.7.1 Message refused (test)"
        if self.mode == "drop":
            server.transport.abort()  # type: ignore[union-attr]
            return "421 gone"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                      bool(session.authenticated)))
        return "250 OK"

    def _protocol(self) -> SMTP:
        return SMTP(self, hostname="localhost", tls_context=self.tls_context,
                    require_starttls=self.tls_context is not None,
                    authenticator=self._authenticate if self.credentials else None,
                    auth_required=self.credentials is not None)

    def __enter__(self) -> MailCatcher:
        self.thread.start()
        create = self.loop.create_server(self._protocol, "127.0.0.1", 0, ssl=self.implicit_tls)
        self.server = asyncio.run_coroutine_threadsafe(create, self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        asyncio.run_coroutine_threadsafe(self.server.wait_closed(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def message_ids(self) -> list[str]:
        return [r.message["Message-ID"] for r in self.received]


def with_smtp(settings: Settings, port: int, security: str = "none", **extra: Any) -> Settings:
    delivery = settings.delivery.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port,
                                                    "smtp_security": security, **extra})
    return settings.model_copy(update={"delivery": delivery})


def report_docx(folder: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส")
    path = folder / "ita-report-2567-h1-public.docx"
    document.save(str(path))
    return path


def a_mail(key: str = "digest:กองคลัง:2024-04-22", attachments: list[Path] | None = None) -> Mail:
    return Mail(key=key, kind="digest", to=["finance@example.go.th"], subject=SUBJECT, body=BODY,
                attachments=attachments or [])


def test_a_thai_message_with_the_report_attached_arrives_once(settings: Settings, tmp_path: Path) -> None:
    attachment = report_docx(tmp_path)
    with MailCatcher() as server, State(settings.state_path) as state:
        s = with_smtp(settings, server.port)
        assert queue(s, state, a_mail(attachments=[attachment]), NOW) is True
        first = deliver(s, state, NOW)
        assert queue(s, state, a_mail(attachments=[attachment]), NOW) is False  # same key: never queued twice
        again = deliver(s, state, NOW + dt.timedelta(hours=1))
        (got,) = server.received
        item = state.outbox_item("digest:กองคลัง:2024-04-22")
    assert (first.sent, again.sent) == (1, 0)
    assert item is not None and item.status == SENT and item.attempts == 1
    msg = got.message
    assert got.rcpt_tos == ["finance@example.go.th"] and got.mail_from == s.delivery.sender
    assert msg["Subject"] == SUBJECT and msg["From"] == s.delivery.sender
    assert msg["Message-ID"] == message_id("digest:กองคลัง:2024-04-22", s.delivery.sender)
    assert msg.get_body(("plain",)).get_content().strip() == BODY  # type: ignore[union-attr]
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == attachment.name
    assert part.get_content() == attachment.read_bytes()
    # The output folder always gets a copy, identical to what was sent.
    assert Path(item.copy_path).read_bytes() == got.data


REMINDER = "แจ้งเตือน: รายงานปีงบประมาณ พ.ศ. ๒๕๖๗ รอบ ๖ เดือน ครบกำหนดส่งวันที่ ๓๐ เมษายน ๒๕๖๗ (อีก ๘ วัน)"


def test_a_long_thai_subject_arrives_with_every_space(settings: Settings) -> None:
    """A subject long enough to be folded over several encoded words keeps the space between
    them (Python's own folding puts it outside an encoded word, where readers drop it)."""
    with MailCatcher() as server, State(settings.state_path) as state:
        s = with_smtp(settings, server.port)
        queue(s, state, Mail(key="reminder:2567:h1:14:กองช่าง", kind="reminder", to=["works@example.go.th"],
                             subject=REMINDER, body=BODY), NOW)
        deliver(s, state, NOW)
        (got,) = server.received
    assert got.message["Subject"] == REMINDER
    assert all(len(line) <= 78 for line in got.data.split(b"\r\n\r\n")[0].split(b"\r\n"))


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["ครบกำหนดส่งวันที่", "๓๐", "เมษายน", "(อีก", "๘", "วัน)", "กองการศึกษา", "Report",
                                 "due", "-", ":", "พ.ศ.", "๒๕๖๗"]), min_size=1, max_size=30).map(" ".join)
       | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=200)
       .filter(lambda t: t == t.strip() and "  " not in t))
def test_any_subject_survives_composing_and_reading_back(subject: str) -> None:
    mail = Mail(key="k", kind="digest", to=["a@example.go.th"], subject=subject, body="x")
    raw = compose(SHIPPED, mail, NOW).as_bytes(policy=SMTP_POLICY)
    assert email.message_from_bytes(raw, policy=policy.default)["Subject"] == subject


def test_a_non_ascii_password_is_one_clear_line_not_a_crash(settings: Settings, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    server_tls, client_tls = tls_pair(tmp_path)
    monkeypatch.setenv("SMTP_USERNAME", "ita-bot")
    monkeypatch.setenv("SMTP_PASSWORD", "รหัสผ่าน")  # smtplib's AUTH cannot encode it
    with MailCatcher(tls_context=server_tls, credentials=("ita-bot", "x")) as server, \
            State(settings.state_path) as state:
        s = with_smtp(settings, server.port, "starttls")
        queue(s, state, a_mail(), NOW)
        report = deliver(s, state, NOW, ssl_context=client_tls)
        (item,) = state.outbox()
    assert report.error == ("SMTP_USERNAME/SMTP_PASSWORD: ชื่อผู้ใช้และรหัสผ่าน SMTP มีอักษรไทยไม่ได้ — ใช้รหัสผ่านสำหรับแอป "
                            "(app password) ที่ผู้ให้บริการอีเมลออกให้ ซึ่งเป็นอักษรอังกฤษและตัวเลข "
                            "(SMTP login takes ASCII characters only)")
    assert (item.status, item.attempts) == (PENDING, 0)


def test_a_login_the_server_refuses_says_in_thai_which_variables_to_check(
        settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `status` and the log show a clerk: the variables to check and Gmail's app password,
    with the server's own answer in brackets for whoever looks after the mail server."""
    server_tls, client_tls = tls_pair(tmp_path)
    monkeypatch.setenv("SMTP_USERNAME", "ita-bot")
    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    with MailCatcher(tls_context=server_tls, credentials=("ita-bot", "right")) as server, \
            State(settings.state_path) as state:
        s = with_smtp(settings, server.port, "starttls")
        queue(s, state, a_mail(), NOW)
        report = deliver(s, state, NOW, ssl_context=client_tls)
        (item,) = state.outbox()
        english = deliver(s.model_copy(update={"run": s.run.model_copy(update={"language": "en"})}), state,
                          NOW + dt.timedelta(hours=1), ssl_context=client_tls)
    assert report.error.startswith(f"เซิร์ฟเวอร์อีเมล 127.0.0.1:{server.port} ไม่รับชื่อผู้ใช้หรือรหัสผ่าน — ตรวจค่าในตัวแปร "
                                   "SMTP_USERNAME และ SMTP_PASSWORD (Gmail และ Microsoft 365 ต้องใช้รหัสผ่านสำหรับแอป")
    assert report.error.endswith("(SMTPAuthenticationError: 535 5.7.8 Authentication credentials invalid)")
    assert item.last_error == report.error and (item.status, item.attempts) == (PENDING, 0)
    assert english.error == "SMTPAuthenticationError: 535 5.7.8 Authentication credentials invalid"


def test_a_message_the_server_refuses_is_one_thai_line_with_the_server_s_answer(settings: Settings) -> None:
    with MailCatcher() as server, State(settings.state_path) as state:
        server.mode = "refuse"
        s = with_smtp(settings, server.port)
        queue(s, state, a_mail(), NOW)
        deliver(s, state, NOW)
        (item,) = state.outbox()
    assert item.last_error == ("เซิร์ฟเวอร์อีเมลไม่รับข้อความนี้ (รหัส 554) — ระบบจะลองส่งใหม่เอง ถ้ายังไม่ผ่านให้แจ้งผู้ดูแลอีเมล "
                               "พร้อมข้อความในวงเล็บ (SMTPDataError: 554 5.7.1 Message refused (test))")


def test_a_complainant_s_address_the_server_refuses_is_not_shown() -> None:
    refused = smtplib.SMTPRecipientsRefused({"citizen@example.com": (550, b"5.1.1 <citizen@example.com> unknown")})
    line = smtp_problem(SHIPPED, refused, private=True)
    assert "citizen" not in line and line.startswith("เซิร์ฟเวอร์อีเมลไม่รับที่อยู่อีเมลของผู้ร้องเรียน — ")
    assert "citizen@example.com: 550" in smtp_problem(SHIPPED, refused)  # a unit's own address is shown
    quoted = smtplib.SMTPDataError(550, b"5.7.1 <citizen@example.com>: mailbox full")
    assert "citizen" not in smtp_problem(SHIPPED, quoted, private=True)


@pytest.mark.parametrize("failure", ["refuse", "drop"])
def test_a_refused_or_dropped_message_stays_in_the_outbox_and_goes_out_once_later(
    settings: Settings, failure: str
) -> None:
    with MailCatcher() as server, State(settings.state_path) as state:
        s = with_smtp(settings, server.port)
        queue(s, state, a_mail(), NOW)
        queue(s, state, a_mail("digest:กองช่าง:2024-04-22"), NOW)
        server.mode = failure
        failed = deliver(s, state, NOW)
        waiting = state.outbox(PENDING)
        server.mode = "accept"
        later = deliver(s, state, NOW + dt.timedelta(days=1))
        after = deliver(s, state, NOW + dt.timedelta(days=2))
        ids = server.message_ids()
    assert failed.sent == 0 and failed.failed_attempts >= 1
    assert len(waiting) == 2 and waiting[0].attempts == 1 and waiting[0].last_error
    assert (later.sent, after.sent) == (2, 0)
    assert sorted(ids) == sorted({message_id(k, s.delivery.sender)
                                  for k in ("digest:กองคลัง:2024-04-22", "digest:กองช่าง:2024-04-22")})


def test_an_unreachable_server_charges_no_attempt(settings: Settings) -> None:
    with MailCatcher() as server:
        port = server.port
    with State(settings.state_path) as state:  # the server is gone: nothing listens on its port
        s = with_smtp(settings, port, max_attempts=1)
        queue(s, state, a_mail(), NOW)
        report = deliver(s, state, NOW)
        (item,) = state.outbox()
    assert report.sent == 0 and report.error and report.pending == 1
    assert (item.status, item.attempts) == (PENDING, 0)


def test_a_message_refused_max_attempts_times_is_marked_failed_and_kept_in_the_folder(settings: Settings) -> None:
    with MailCatcher() as server, State(settings.state_path) as state:
        server.mode = "refuse"
        s = with_smtp(settings, server.port, max_attempts=2)
        queue(s, state, a_mail(), NOW)
        deliver(s, state, NOW)
        last = deliver(s, state, NOW + dt.timedelta(days=1))
        server.mode = "accept"
        deliver(s, state, NOW + dt.timedelta(days=2))
        (item,) = state.outbox()
        received = len(server.received)
    assert last.gave_up == 1 and item.status == FAILED and "554" in item.last_error
    assert received == 0  # a failed message is not retried behind the office's back…
    copy = email.message_from_bytes(Path(item.copy_path).read_bytes(), policy=policy.default)
    assert copy["Subject"] == SUBJECT  # …and it is not lost either


def test_without_an_smtp_host_the_output_folder_is_the_delivery(settings: Settings) -> None:
    with State(settings.state_path) as state:
        queue(settings, state, a_mail(), NOW)
        report = deliver(settings, state, NOW)
        (item,) = state.outbox()
    assert item.status == LOCAL and report.sent == 0
    assert Path(item.copy_path).parent == settings.output_dir / "mail" / "2024-04-22"
    copy = email.message_from_bytes(Path(item.copy_path).read_bytes(), policy=policy.default)
    assert copy["Subject"] == SUBJECT and copy.get_body(("plain",)).get_content().strip() == BODY  # type: ignore[union-attr]


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def tls_pair(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = self_signed(folder)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return server, ssl.create_default_context(cafile=str(cert))


def test_starttls_with_login_from_environment_variables(settings: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    server_tls, client_tls = tls_pair(tmp_path)
    monkeypatch.setenv("SMTP_USERNAME", "ita-bot")
    monkeypatch.setenv("SMTP_PASSWORD", "app-password-2567")
    with MailCatcher(tls_context=server_tls, credentials=("ita-bot", "app-password-2567")) as server, \
            State(settings.state_path) as state:
        s = with_smtp(settings, server.port, "starttls")
        queue(s, state, a_mail(), NOW)
        report = deliver(s, state, NOW, ssl_context=client_tls)
        (got,) = server.received
    assert report.sent == 1 and got.authenticated and got.message["Subject"] == SUBJECT


def test_a_wrong_password_is_a_server_problem_not_a_lost_message(settings: Settings, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    server_tls, client_tls = tls_pair(tmp_path)
    monkeypatch.setenv("SMTP_USERNAME", "ita-bot")
    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    with MailCatcher(tls_context=server_tls, credentials=("ita-bot", "right")) as server, \
            State(settings.state_path) as state:
        s = with_smtp(settings, server.port, "starttls")
        queue(s, state, a_mail(), NOW)
        report = deliver(s, state, NOW, ssl_context=client_tls)
        (item,) = state.outbox()
    assert report.sent == 0 and "Authentication" in report.error
    assert (item.status, item.attempts) == (PENDING, 0)


def test_implicit_tls_on_the_ssl_port(settings: Settings, tmp_path: Path) -> None:
    server_tls, client_tls = tls_pair(tmp_path)
    with MailCatcher(implicit_tls=server_tls) as server, State(settings.state_path) as state:
        s = with_smtp(settings, server.port, "ssl")
        queue(s, state, a_mail(), NOW)
        report = deliver(s, state, NOW, ssl_context=client_tls)
    assert report.sent == 1 and len(server.received) == 1


# ---------------------------------------------------------------- privacy in e-mail


@dataclass
class Owed:
    kind: str
    item_id: str
    title: str
    unit: str
    due_date: dt.date
    status: str
    days_late: int = 0


PHONE, NAME = "081-234-5678", "นายสมชาย ใจร้อน"


def private_case(settings: Settings) -> tuple[jobs.JobContext, list[Owed], list[dict[str, Any]]]:
    unit = settings.units[2]
    owed = [Owed("complaint", "R-2567-014", f"ถนนชำรุดหน้าบ้าน แจ้งกลับที่ {PHONE}", unit.name,
                 dt.date(2024, 4, 10), "overdue", 12)]
    contact = Finding(sheet="เรื่องร้องเรียน", row=9, column="ข้อมูลติดต่อ", value=PHONE, rule="contact.format",
                      severity="warning", message=f"ข้อมูลติดต่อ '{PHONE} {NAME}' ไม่ใช่หมายเลขโทรศัพท์หรืออีเมล",
                      unit=unit.name, sheet_key="complaints", column_key="contact")
    state = State(settings.state_path)
    ctx = jobs.JobContext(settings, state, NOW)
    return ctx, owed, [jobs.finding_record(contact)]


def test_a_digest_keeps_the_complainants_contact_out_of_e_mail(settings: Settings) -> None:
    ctx, owed, findings = private_case(settings)
    body = jobs.digest_body(ctx, settings.units[2], owed, findings)
    ctx.state.close()
    assert PHONE not in body and NAME not in body
    assert "R-2567-014" in body and "ถนนชำรุดหน้าบ้าน" in body  # the work itself is still there
    assert "ข้อมูลส่วนบุคคล" in body  # the reader is told something was left out


def test_config_may_let_e_mail_list_findings_on_private_columns_with_people_still_masked(
        settings: Settings) -> None:
    allowed = settings.model_copy(update={"privacy": settings.privacy.model_copy(
        update={"allow_private_in_email": True})})
    ctx, owed, findings = private_case(allowed)
    body = jobs.digest_body(ctx, allowed.units[2], owed, findings)
    ctx.state.close()
    assert "ข้อมูลส่วนบุคคล" not in body  # the finding is listed, not summarised away…
    assert "ไม่ใช่หมายเลขโทรศัพท์หรืออีเมล" in body and "[หมายเลขโทรศัพท์] นาย[ชื่อ]" in body
    assert PHONE not in body and "สมชาย" not in body  # …but every e-mail masks people


def test_a_long_digest_lists_the_first_entries_and_says_how_many_more(settings: Settings) -> None:
    unit = settings.units[1]
    findings = [jobs.finding_record(Finding(
        sheet="มาตรการ", row=row, column="กำหนดเสร็จ", value="32/01/2567", rule="date.impossible", severity="error",
        message=f"ชีต 'มาตรการ' แถว {row} ช่อง 'กำหนดเสร็จ': วันที่ 32/01/2567 ไม่มีอยู่จริง", unit=unit.name,
        sheet_key="measures", column_key="due_date")) for row in range(2, 2 + jobs.DIGEST_LIMIT + 12)]
    with State(settings.state_path) as state:
        body = jobs.digest_body(jobs.JobContext(settings, state, NOW), unit, [], findings)
    listed = [line for line in body.splitlines() if line.startswith("  - ")]
    assert len(listed) == jobs.DIGEST_LIMIT
    assert listed[0] == f"  - {findings[0]['message']}"  # the message names its place: not repeated
    assert "และอีก ๑๒ รายการ" in body and settings.sheets.findings in body
    assert f"ข้อมูลในตารางที่ต้องแก้ไข {len(findings)}".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in body


def test_a_finding_about_the_responsible_unit_is_not_hidden_as_private(settings: Settings) -> None:
    """Only the complainant and their contact are private: a misspelt unit in the plan or in a
    complaint is shown to the unit that must fix it."""
    unit = settings.units[1]
    findings = [jobs.finding_record(Finding(
        sheet=sheet, row=5, column=column, value="กองการคลังฯ", rule="choice.unknown", severity="error",
        message=f"ชีต '{sheet}' แถว 5 ช่อง '{column}': 'กองการคลังฯ' ไม่อยู่ในรายชื่อหน่วยงาน", unit=unit.name,
        sheet_key=key, column_key=col_key)) for sheet, key, column, col_key in (
            ("มาตรการ", "measures", "ผู้รับผิดชอบ", "unit"), ("มาตรการ", "measures", "การกำกับติดตาม", "cadence"),
            ("เรื่องร้องเรียน", "complaints", "หน่วยงานที่รับผิดชอบ", "unit"))]
    with State(settings.state_path) as state:
        body = jobs.digest_body(jobs.JobContext(settings, state, NOW), unit, [], findings)
    assert [line for line in body.splitlines() if line.startswith("  - ")] == [
        f"  - {f['message']}" for f in findings]
    assert "ข้อมูลส่วนบุคคล" not in body


def test_a_complainants_name_typed_into_the_subject_stays_out_of_the_digest(settings: Settings,
                                                                           demo_workbook: Path) -> None:
    """Staff often write "<name> แจ้งว่า…" into the subject: the name is a private column's
    value, so the digest leaves it out wherever it turns up, as the public report does."""
    import openpyxl

    from automation.scheduler import FakeClock, Service

    book = openpyxl.load_workbook(demo_workbook)
    sheet = book[settings.sheets.complaints]
    header = [c.value for c in sheet[1]]
    name_col, subject_col = header.index("ชื่อผู้ร้องเรียน") + 1, header.index("เรื่องที่ร้องเรียน") + 1
    names = []
    for row in range(2, sheet.max_row + 1):
        name = sheet.cell(row, name_col).value
        if name:
            names.append(str(name))
            sheet.cell(row, subject_col).value = f"{name} แจ้งว่า {sheet.cell(row, subject_col).value or ''}"
    book.save(demo_workbook)
    with State(settings.state_path) as state:
        Service(settings, state, FakeClock(dt.datetime(2024, 4, 22, 8, 0, tzinfo=BKK))).run_now("digest")
        bodies = [email.message_from_bytes(m.eml, policy=policy.default).get_body(("plain",)).get_content()
                  for m in state.outbox() if m.kind == "digest"]
    complaint_lines = [line for body in bodies for line in body.splitlines() if "เรื่องร้องเรียน ร" in line]
    assert complaint_lines and all("แจ้งว่า" in line for line in complaint_lines)  # the subjects are there…
    assert not [n for n in names for body in bodies if n in body]  # …the names are not
    assert all("[ปกปิด] แจ้งว่า" in line for line in complaint_lines)
