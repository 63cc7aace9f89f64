"""Telling a complainant their complaint was received, and running the intake safely.

Around the pure `automation.intake.take_in` this module does what needs the state and the
clock: one run at a time (`intake_lock`), what the state remembers (keys appended, e-mails
accepted), and after the rows are in, the acknowledgement e-mail to each complainant who
left an address and consented on the form.

An acknowledgement goes out once: its outbox key is `ack:<form key>`, and it is queued only
while the register row is still exactly as the service appended it with no acknowledgement
date (so a complaint staff already handled is never acknowledged late, even with a fresh
state file). The message tells the complainant their complaint id and how to follow it, and
quotes their own subject unmasked: it goes to them only. Nothing of it is written to the
output folder, the log or `status` (`Mail.private`). The acknowledgement date is written on
the next run after the SMTP server accepted the message (`take_in`'s `acknowledged`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from automation.delivery import Mail, queue, smtp_enabled
from automation.intake import Intake, Response
from automation.settings import ConfigError, Settings
from automation.state import State, lock_problem
from automation.thaidate import digits, format_date
from automation.workbook import WorkbookError

log = logging.getLogger(__name__)
ACK = "ack"
MARK = "intake:"
LOCK_WAIT = 600.0  # seconds a run waits for another run's intake before giving up


@contextmanager
def intake_lock(settings: Settings, wait: float = LOCK_WAIT) -> Iterator[None]:
    """One intake at a time on this machine: the read that decides which responses are new
    and the write that appends them happen under one flock (released by the kernel if the
    holder is killed), so two runs at once never append the same response twice."""
    path = Path(str(settings.state_path) + ".intake.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConfigError(lock_problem(path, exc, settings.run.language)) from None
    try:
        ends = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > ends:
                    raise WorkbookError(
                        f"another run has been taking in complaints for {wait:.0f} s (lock {path}); try again later"
                        if settings.run.language == "en" else
                        f"{path}: มีการทำงานอีกรอบกำลังรับเรื่องร้องเรียนอยู่นานกว่า {wait:.0f} วินาทีแล้ว — "
                        "รอให้รอบนั้นเสร็จแล้วสั่งใหม่ (another run is taking in complaints)") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def remembered(state: State) -> tuple[set[str], dict[str, dt.date]]:
    """(keys the service appended, key -> day its acknowledgement was accepted)."""
    acked = {key.removeprefix(f"{ACK}:"): moment.date() for key, moment in state.sent_times(ACK).items()}
    return state.marks(MARK), acked


_T = {
    "th": {
        "subject": "{office} ได้รับเรื่องร้องเรียนของท่านแล้ว เลขที่รับเรื่อง {id}",
        "hello": "เรียน {name}",
        "body": "{office} ได้รับเรื่องร้องเรียนของท่านเมื่อวันที่ {date} แล้ว\n\n"
                "เลขที่รับเรื่อง: {id}\nเรื่อง: {subject}\n",
        "follow": "ติดตามสถานะเรื่องได้ที่ {url} โดยค้นหาเลขที่รับเรื่อง {id} "
                  "(หน้านี้แสดงเฉพาะเลขที่รับเรื่อง วันที่รับเรื่อง สถานะ และวันที่ยุติเรื่อง "
                  "ไม่แสดงชื่อหรือรายละเอียดของเรื่อง)",
        "follow_office": "สอบถามสถานะเรื่องได้ที่{office} โดยแจ้งเลขที่รับเรื่อง {id}",
        "corruption": "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบส่งถึงผู้ประสานงานโดยตรง "
                      "ไม่ผ่านหน่วยงานที่ถูกร้องเรียน ข้อมูลของท่านจะถูกเก็บเป็นความลับ",
        "limit": "หน่วยงานจะแจ้งผลการดำเนินการให้ท่านทราบภายใน {days} วัน",
        "sign": "-- \nอีเมลอัตโนมัติจาก{office} กรุณาอย่าตอบกลับอีเมลนี้",
        "anon": "ผู้ร้องเรียน",
    },
    "en": {
        "subject": "{office} has received your complaint, no. {id}",
        "hello": "Dear {name}",
        "body": "{office} received your complaint on {date}.\n\nComplaint no.: {id}\nSubject: {subject}\n",
        "follow": "Follow its status at {url} by looking up no. {id} (the page shows only the number, the "
                  "date received, the status and the date closed; never names or details).",
        "follow_office": "Ask {office} about its status, quoting no. {id}.",
        "corruption": "Complaints of corruption go straight to the coordinator, not through the unit "
                      "complained about; your details are kept confidential.",
        "limit": "You will be told the outcome within {days} days.",
        "sign": "-- \nAutomatic e-mail from {office}; please do not reply.",
        "anon": "complainant",
    },
}


def acknowledgement(settings: Settings, complaint_id: str, response: Response, lang: str = "th") -> Mail:
    """The message to the complainant: their id, their own subject as they typed it, and how
    to follow the case (the public page's lookup, or the office for a corruption complaint
    the page does not list)."""
    t = _T["en" if lang == "en" else "th"]
    office = settings.office
    office_name = office.name_en if lang == "en" and office.name_en else office.short_name or office.name
    style = "arabic" if lang == "en" else settings.run.digits
    form = settings.complaint_form
    listed = not response.corruption or form.public_corruption_status
    follow = (t["follow"].format(url=form.status_url, id=complaint_id) if form.status_url and listed
              else t["follow_office"].format(office=office_name, id=complaint_id))
    limit = settings.complaint_limit(response.category.key)
    parts = [
        t["hello"].format(name=response.name or t["anon"]), "",
        t["body"].format(office=office_name, date=format_date(response.received.date(), lang, style),
                         id=complaint_id, subject=response.subject),
        *([t["corruption"], ""] if response.corruption else []),
        digits(t["limit"].format(days=limit.close_days), style), "",
        follow, "",
        t["sign"].format(office=office_name),
    ]
    return Mail(key=f"{ACK}:{response.key}", kind=ACK, to=[response.email],
                subject=t["subject"].format(office=office_name, id=complaint_id), body="\n".join(parts),
                private=True)


def _address(text: str) -> bool:
    return "@" in text and "." in text.rpartition("@")[2] and " " not in text.strip()


def after_append(settings: Settings, state: State, intake: Intake, now: dt.datetime, lang: str = "th") -> int:
    """Once the rows are in the workbook: remember their keys, then queue the acknowledgements
    owed (rows just added, and rows a killed run added but never acknowledged). Returns how
    many messages were queued."""
    for added in intake.added:
        state.mark(MARK + added.response.key, now)
    if not smtp_enabled(settings):
        return 0  # no server: no acknowledgement (never a copy of personal data in a folder)
    owed = [(c.complaint_id, c.response) for c in intake.added]
    owed += [(r.complaint_id, r.response) for r in intake.service_rows
             if r.response is not None and r.untouched and r.ack_blank]
    queued = 0
    for complaint_id, response in owed:
        if response.consent and _address(response.email):
            queued += queue(settings, state, acknowledgement(settings, complaint_id, response, lang), now)
    if queued:
        log.info("queued %d acknowledgement(s) to complainants", queued)
    return queued
