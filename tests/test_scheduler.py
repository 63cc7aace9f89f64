"""The scheduled service: a whole fiscal year on a fake clock (jobs on the right days, a
restart after a gap catching up once, every e-mail reaching a real SMTP server exactly once),
failing jobs retried, a clean stop on SIGTERM, and the real pipeline on the demo workbook."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from email import policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import holidays
import pytest

from automation import jobs
from automation.delivery import message_id
from automation.findings import Finding
from automation.scheduler import FakeClock, JobSpec, Service, stop_on_signals
from automation.settings import ConfigError, Settings
from automation.state import LOCAL, SENT, InstanceLock, State
from automation.tables import Tables
from automation.thaidate import FiscalRound
from automation.workbook.base import WorkbookMissing
from tests.test_delivery import MailCatcher, with_smtp

BKK = ZoneInfo("Asia/Bangkok")
PROJECT = Path(__file__).resolve().parent.parent
FY_START = dt.datetime(2023, 10, 1, 0, 0, tzinfo=BKK)  # FY 2567 begins
FY_END = dt.datetime(2024, 10, 2, 12, 0, tzinfo=BKK)  # a day past its end, to see the annual report
STOP = dt.datetime(2024, 4, 12, 9, 0, tzinfo=BKK)  # the machine goes down after Friday's check…
RESTART = STOP + dt.timedelta(days=10)  # …and comes back ten days later, Monday 22 April, 09:00


def thai_office_day(day: dt.date, office_days_off: list[dt.date]) -> bool:
    """The expectation, computed independently of the service: Mon–Fri, not a Thai
    public/government holiday, not an office day off."""
    th = holidays.country_holidays("TH", categories=("public", "government"), years=day.year)
    return day.weekday() < 5 and day not in th and day not in office_days_off


def first_office_day_on_or_after(day: dt.date, settings: Settings) -> dt.date:
    while not thai_office_day(day, settings.deadlines.office_days_off):
        day += dt.timedelta(days=1)
    return day


class CheapCheck:
    """The pipeline's cost is beside the point of the year test: a real function that returns
    a small, changing finding set (a unit's date error comes and goes month by month)."""

    def __call__(self, settings: Settings, today: dt.date) -> jobs.CheckResult:
        found = [Finding(sheet="มาตรการ", row=4, column="กำหนดเสร็จ", value="31/13/2567", rule="date.impossible",
                         severity="error", message="วันที่ '31/13/2567' ไม่มีอยู่จริง", unit=settings.units[2].name,
                         sheet_key="measures", column_key="due_date")]
        if today.month % 2 == 0:
            found.append(Finding(sheet="มาตรการ", row=7, column="สถานะ", value="เสร็จ?", rule="choice.unknown",
                                 severity="warning", message="สถานะ 'เสร็จ?' ไม่อยู่ในรายการ",
                                 unit=settings.units[1].name, sheet_key="measures", column_key="status"))
        return jobs.CheckResult(findings=found, api_calls=3)


def small_report(settings: Settings, tables: Tables, round_: FiscalRound, today: dt.date, out: Path | None,
                 public: bool, lang: str) -> Path:
    """A real (small) .docx: the report's own cost is tested elsewhere."""
    document = docx.Document()
    document.add_heading(f"รายงานผลการดำเนินการตามมาตรการ {round_.label()}", 1)
    path = out or settings.output_dir / f"ita-report-{round_.fiscal_year}-{round_.kind}{'-public' if public else ''}.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


@pytest.fixture
def demo_owed(settings: Settings, demo_workbook: Path) -> tuple[Tables, dict[str, list[Any]]]:
    """The demo workbook's tables and what its units owe, computed once by the real modules."""
    tables, _ = jobs._real_tables(settings)
    return tables, jobs._real_owed(settings, tables, dt.date(2024, 4, 20), "th")


def year_deps(tables: Tables, owed: dict[str, list[Any]]) -> jobs.Deps:
    return jobs.Deps(run_check=CheapCheck(), load_tables=lambda s: (tables, 0),
                     owed_by_unit=lambda s, t, d, lang: owed, draft_report=small_report)


def run_days(state: State, job: str, outcome: str | None = "ok") -> list[dt.date]:
    return sorted(r.started.date() for r in state.runs(job, limit=None) if outcome is None or r.outcome == outcome)


def test_a_fiscal_year_on_a_fake_clock(settings: Settings, demo_owed: tuple[Tables, dict[str, list[Any]]]) -> None:
    tables, owed = demo_owed
    stop = threading.Event()
    clock = FakeClock(FY_START)
    with MailCatcher() as smtp:
        s = with_smtp(settings, smtp.port)
        with State(s.state_path) as state:
            first = Service(s, state, clock, deps=year_deps(tables, owed))
            first.serve(stop, until=dt.datetime(2024, 1, 8, 0, 0, tzinfo=BKK))
            smtp.mode = "refuse"  # two weeks of a mail server refusing everything…
            first.serve(stop, until=dt.datetime(2024, 1, 15, 0, 0, tzinfo=BKK))
            smtp.mode = "drop"  # …then dropping connections…
            first.serve(stop, until=dt.datetime(2024, 1, 22, 0, 0, tzinfo=BKK))
            smtp.mode = "accept"
            first.serve(stop, until=STOP)
        clock.set(RESTART)  # the service process is gone for ten days
        with State(s.state_path) as state:
            second = Service(s, state, clock, deps=year_deps(tables, owed))
            due_on_restart = {p.name for p in second.plan() if p.catch_up}
            second.serve(stop, until=FY_END)
            outbox = state.outbox()
            checks, digests = run_days(state, "check"), run_days(state, "digest")
            reports, reminders = run_days(state, "report"), run_days(state, "reminders")
            restart_runs = [r for r in state.runs(limit=None) if r.started == RESTART]
            failed_runs = [r for r in state.runs(limit=None) if r.outcome == "failed"]

    off = settings.deadlines.office_days_off
    # Checks: every office day of the year at check_time, none on weekends or Thai holidays,
    # none while the service was down, and exactly one catch-up run on the day it came back.
    day, expected = FY_START.date(), []
    while day <= FY_END.date():
        up = FY_START <= dt.datetime.combine(day, dt.time(7, 30), BKK) <= STOP or day > RESTART.date()
        if up and thai_office_day(day, off):
            expected.append(day)
        day += dt.timedelta(days=1)
    expected.append(RESTART.date())
    assert checks == sorted(expected)
    for holiday in (dt.date(2023, 10, 13), dt.date(2023, 10, 23), dt.date(2023, 12, 5), dt.date(2024, 1, 1)):
        assert holiday not in checks
    assert all(d.weekday() < 5 for d in checks)
    # Digests: every Monday (holiday or not: it is only an e-mail), one catch-up for the two
    # Mondays missed in the gap.
    mondays = [d for d in (FY_START.date() + dt.timedelta(days=i) for i in range(370))
               if d.weekday() == 0 and d <= FY_END.date() and (d <= STOP.date() or d > RESTART.date())]
    assert digests == sorted([*mondays, RESTART.date()])
    # The restart ran each missed job once — not once per missed slot (the report job found
    # round 1's report already drafted, so it had nothing to do).
    assert due_on_restart == {"check", "report", "reminders", "digest"}
    assert Counter(r.job for r in restart_runs) == {"check": 1, "report": 1, "reminders": 1, "digest": 1}
    assert all(r.catch_up for r in restart_runs)
    assert {r.job: r.outcome for r in restart_runs}["report"] == "skipped"
    # Report drafts: the first office day after each round closed.
    closes = [FiscalRound(2566, "annual"), FiscalRound(2567, "h1"), FiscalRound(2567, "annual")]
    assert reports == [first_office_day_on_or_after(r.end + dt.timedelta(days=1), s) for r in closes]
    # Reminders 14 and 3 days before each report's due date (round end + grace); the one that
    # fell in the gap went out on the restart day.
    expected_reminders = []
    for r in closes[:2]:
        due = r.end + dt.timedelta(days=s.deadlines.report_grace_days)
        for n in s.schedule.reminder_days_before:
            day = first_office_day_on_or_after(due - dt.timedelta(days=n), s)
            expected_reminders.append(RESTART.date() if STOP.date() < day < RESTART.date() else day)
    assert reminders == sorted(expected_reminders)
    assert not failed_runs
    # Every message reached the SMTP server exactly once, despite the refusing and dropping weeks.
    ids = Counter(smtp.message_ids())
    sent = [m for m in outbox if m.status == SENT]
    assert sent and set(ids.values()) == {1}
    assert set(ids) == {message_id(m.key, s.delivery.sender) for m in sent}
    assert {m.status for m in outbox} <= {SENT, LOCAL}
    assert all(m.recipients == [] for m in outbox if m.status == LOCAL)  # no address: folder copy only
    assert any(m.attempts > 1 for m in sent)  # some did have to be retried
    kinds = Counter(m.kind for m in sent)
    addressed = [u for u in s.units if u.email]
    assert kinds["report"] == 3 and kinds["reminder"] == len(reminders) * (1 + len(addressed))
    # Each digest day, exactly the units that owe work or have entries to fix (CheapCheck's
    # findings of the last check before the digest) got one digest; a unit without an address
    # (ทุกส่วนราชการ) got it through the coordinator.
    def owes(unit_name: str, day: dt.date) -> bool:
        last_check = max(d for d in checks if d <= day)
        fix = unit_name == s.units[2].name or (unit_name == s.units[1].name and last_check.month % 2 == 0)
        return fix or any(i.status in ("overdue", "due_soon") for i in owed.get(unit_name, []))

    assert any(not u.email for u in s.units) and s.delivery.coordinator_email
    expected_digests = {f"digest:{u.name}:{day.isoformat()}" for day in digests for u in s.units if owes(u.name, day)}
    assert {m.key for m in sent if m.kind == "digest"} == expected_digests
    for m in sent:
        if m.kind == "digest":
            unit = next(u for u in s.units if m.key.startswith(f"digest:{u.name}:"))
            assert m.recipients == [unit.email or s.delivery.coordinator_email]
    reports_mail = [email.message_from_bytes(smtp_msg.data, policy=policy.default) for smtp_msg in smtp.received
                    if smtp_msg.rcpt_tos == [s.delivery.coordinator_email]]
    attached = [p.get_filename() for m in reports_mail for p in m.iter_attachments()]
    assert sorted(attached) == sorted(f"ita-report-{r.fiscal_year}-{r.kind}.docx" for r in closes)


class Flaky:
    """A job that fails its first `failures` runs (a workbook that could not be read)."""

    def __init__(self, failures: int) -> None:
        self.left = failures
        self.calls: list[dt.date] = []

    def __call__(self, ctx: jobs.JobContext) -> jobs.JobOutcome:
        self.calls.append(ctx.today)
        if self.left:
            self.left -= 1
            raise OSError("การเชื่อมต่อ Google Sheets ขัดข้อง")
        return jobs.JobOutcome(counts={"rows": 1})


def test_a_failing_job_is_retried_at_its_next_slot_without_stopping_the_others(settings: Settings) -> None:
    flaky, steady = Flaky(failures=2), []
    specs = [
        JobSpec("flaky", flaky, "07:30", "workdays"),
        JobSpec("steady", lambda ctx: steady.append(ctx.today) or jobs.JobOutcome(), "07:30", "workdays"),
    ]
    clock = FakeClock(dt.datetime(2024, 6, 2, 12, 0, tzinfo=BKK))  # a Sunday
    with State(settings.state_path) as state:
        service = Service(settings, state, clock, specs=specs)
        service.serve(threading.Event(), until=dt.datetime(2024, 6, 7, 12, 0, tzinfo=BKK))
        outcomes = [(r.started.date(), r.outcome) for r in reversed(state.runs("flaky", limit=None))]
        js = state.job_state("flaky")
    week = [dt.date(2024, 6, d) for d in (4, 5, 6, 7)]  # Monday 3 June 2024 was a holiday (Queen's birthday)
    assert steady == week and flaky.calls == week
    assert outcomes == [(week[0], "failed"), (week[1], "failed"), (week[2], "ok"), (week[3], "ok")]
    assert js is not None and js.failures == 0


def test_a_job_that_failed_before_a_shutdown_is_retried_once_on_start(settings: Settings) -> None:
    flaky = Flaky(failures=1)
    specs = [JobSpec("flaky", flaky, "07:30", "workdays")]
    clock = FakeClock(dt.datetime(2024, 6, 9, 12, 0, tzinfo=BKK))
    with State(settings.state_path) as state:
        Service(settings, state, clock, specs=specs).serve(threading.Event(),
                                                           until=dt.datetime(2024, 6, 10, 9, 0, tzinfo=BKK))
    clock.set(dt.datetime(2024, 6, 10, 10, 0, tzinfo=BKK))  # restarted the same morning
    with State(settings.state_path) as state:
        again = Service(settings, state, clock, specs=specs)
        done = again.run_pending()
    assert [r.outcome for r in done] == ["ok"] and done[0].catch_up
    assert flaky.calls == [dt.date(2024, 6, 10), dt.date(2024, 6, 10)]


def test_a_failed_job_is_one_thai_line_in_the_history_and_only_a_bug_leaves_a_traceback(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    """`status` shows the failed run's line as the command line would say it: a missing workbook
    in its own Thai words (no 'WorkbookMissing:' before them, no traceback in the log); an
    unexpected error is said as one, its traceback kept in the log for whoever fixes it."""
    def missing(ctx: jobs.JobContext) -> jobs.JobOutcome:
        raise WorkbookMissing("/data/office.xlsx: ไม่พบสมุดงาน — สั่ง ./ita init --workbook /data/office.xlsx "
                              "(workbook not found)")

    def bug(ctx: jobs.JobContext) -> jobs.JobOutcome:
        return {}["units"]  # type: ignore[no-any-return]

    specs = [JobSpec("check", missing, "07:30", "workdays"), JobSpec("digest", bug, "08:00", "monday")]
    clock = FakeClock(dt.datetime(2024, 4, 22, 9, 0, tzinfo=BKK))
    with State(settings.state_path) as state, caplog.at_level("ERROR", logger="automation.scheduler"):
        service = Service(settings, state, clock, specs=specs)
        check, digest = service.run_now("check"), service.run_now("digest")
        english = Service(settings.model_copy(update={"run": settings.run.model_copy(update={"language": "en"})}),
                          state, clock, specs=specs).run_now("digest")
    assert check.error == ("/data/office.xlsx: ไม่พบสมุดงาน — สั่ง ./ita init --workbook /data/office.xlsx "
                           "(workbook not found)")
    log_file = settings.output_dir / "logs" / "automation.log"
    assert digest.error == (f"เกิดข้อผิดพลาดที่ไม่คาดไว้ (KeyError: 'units') — ส่งไฟล์ {log_file} ให้ผู้ดูแลระบบ "
                            "(unexpected error)")
    assert english.error == "KeyError: 'units'"
    first, second = (r.getMessage() for r in caplog.records[:2])
    assert first == f"งาน check ไม่สำเร็จ จะลองใหม่ในรอบถัดไป: {check.error}"  # one line, no traceback
    assert second.startswith(f"งาน digest ไม่สำเร็จ จะลองใหม่ในรอบถัดไป: {digest.error}\nTraceback")


def test_a_job_that_is_not_there_is_named_with_those_that_are(settings: Settings) -> None:
    clock = FakeClock(dt.datetime(2024, 4, 22, 9, 0, tzinfo=BKK))
    with State(settings.state_path) as state:
        with pytest.raises(ConfigError) as thai:
            Service(settings, state, clock).run_now("digets")
        english = settings.model_copy(update={"run": settings.run.model_copy(update={"language": "en"})})
        with pytest.raises(ConfigError, match=r"^no job named 'digets'; jobs: check, report, reminders, digest$"):
            Service(english, state, clock).run_now("digets")
    assert str(thai.value) == ("serve --job digets: ไม่มีงานชื่อนี้ — ใช้ได้เฉพาะ check, report, reminders หรือ digest "
                               "เช่น serve --job check (no job named 'digets')")


def test_without_catch_up_missed_slots_are_skipped(settings: Settings) -> None:
    calls: list[dt.date] = []
    specs = [JobSpec("check", lambda ctx: calls.append(ctx.today) or jobs.JobOutcome(), "07:30", "workdays")]
    no_catch_up = settings.model_copy(update={"schedule": settings.schedule.model_copy(update={"catch_up": False})})
    clock = FakeClock(dt.datetime(2024, 6, 10, 6, 0, tzinfo=BKK))
    with State(settings.state_path) as state:
        Service(no_catch_up, state, clock, specs=specs).serve(threading.Event(),
                                                               until=dt.datetime(2024, 6, 10, 8, 0, tzinfo=BKK))
    clock.set(dt.datetime(2024, 6, 20, 9, 0, tzinfo=BKK))
    with State(settings.state_path) as state:
        assert Service(no_catch_up, state, clock, specs=specs).run_pending() == []
    assert calls == [dt.date(2024, 6, 10)]


def test_a_stop_request_lets_the_current_job_finish_and_skips_the_rest(settings: Settings) -> None:
    """A real SIGTERM, delivered while a job runs: the job completes, the next one never starts."""
    ran: list[str] = []

    def interrupted(ctx: jobs.JobContext) -> jobs.JobOutcome:
        signal.raise_signal(signal.SIGTERM)  # the handler only sets the stop flag…
        ran.append("interrupted")  # …so this job still finishes
        return jobs.JobOutcome(counts={"done": 1})

    specs = [JobSpec("first", interrupted, "07:30", "workdays"),
             JobSpec("second", lambda ctx: ran.append("second") or jobs.JobOutcome(), "07:30", "workdays")]
    clock = FakeClock(dt.datetime(2024, 6, 10, 7, 0, tzinfo=BKK))
    stop = threading.Event()
    restore = stop_on_signals(stop)
    try:
        with State(settings.state_path) as state:
            Service(settings, state, clock, specs=specs).serve(stop, until=dt.datetime(2024, 6, 12, tzinfo=BKK))
            first = state.runs("first")
    finally:
        restore()
    assert ran == ["interrupted"] and stop.is_set()
    assert [r.outcome for r in first] == ["ok"]
    assert clock.now() < dt.datetime(2024, 6, 11, tzinfo=BKK)  # it stopped, it did not go on to the next day


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_stops_cleanly_on_sigterm_or_ctrl_c_with_exit_code_0(settings: Settings, demo_workbook: Path,
                                                                   sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen([sys.executable, "main.py", "serve", "--log-json", "--config", str(settings.source)],
                            cwd=PROJECT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        started = None
        for line in proc.stderr:  # wait for the service to say it runs (it then sleeps until 07:30)
            if "service started" in line:
                started = json.loads(line)
                break
        assert started is not None and started["level"] == "INFO"
        assert InstanceLock(settings.state_path).holder() == proc.pid
        second = subprocess.run([sys.executable, "main.py", "serve", "--once", "--config", str(settings.source)],
                                cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert second.stderr.strip() == (f"error: {settings.state_path}.lock: บริการ serve ทำงานอยู่แล้ว "
                                         f"(process {proc.pid}) — หยุดตัวเดิมก่อน เช่น kill {proc.pid} แล้วสั่งใหม่ "
                                         "(the service is already running)")
        proc.send_signal(sig)
        code = proc.wait(20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0
    assert InstanceLock(settings.state_path).holder() is None
    log_lines = (settings.output_dir / "logs" / "automation.log").read_text(encoding="utf-8").splitlines()
    messages = [json.loads(line)["message"] for line in log_lines]
    assert any("service started" in m for m in messages) and any("service stopped" in m for m in messages)
    assert any(m.startswith(f"ได้รับคำสั่งหยุด ({sig.name}): จะหยุดเมื่องานที่ทำอยู่เสร็จ") for m in messages)


def test_the_real_pipeline_digest_and_report_on_the_demo_workbook(settings: Settings, demo_workbook: Path) -> None:
    """No stubs: the check job runs the whole pipeline, the digest the real deadlines, the
    report job the real report builder; no complainant's name or contact reaches an e-mail."""
    clock = FakeClock(dt.datetime(2024, 4, 22, 7, 30, tzinfo=BKK))  # round 1 closed on 31 March
    with State(settings.state_path) as state:
        service = Service(settings, state, clock)
        check = service.run_now("check")
        digest = service.run_now("digest")
        report = service.run_now("report")
        last = state.last_findings()
        mails = state.outbox()
        (check_run, *_) = state.runs("check")
    assert check.outcome == "ok" and check.counts["findings"] == len(last) > 0
    assert check_run.counts["errors"] == sum(1 for f in last if f["severity"] == "error")
    assert digest.outcome == "ok" and digest.counts["queued"] > 0
    assert report.outcome == "ok" and report.counts["reports"] == 1
    (report_mail,) = [m for m in mails if m.kind == "report"]
    msg = email.message_from_bytes(report_mail.eml, policy=policy.default)
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "ita-report-2567-h1.docx"  # the internal draft, people masked
    assert "ปีงบประมาณ พ.ศ. ๒๕๖๗ รอบ ๖ เดือน" in msg["Subject"]
    # Private complaint data: none of the demo complainants' names or contacts is in any mail.
    complaints = jobs._real_tables(settings)[0]["complaints"].records()
    private = {str(r[k]) for r in complaints for k in ("complainant", "contact") if r.get(k)}
    assert private
    for item in mails:
        text = email.message_from_bytes(item.eml, policy=policy.default).get_body(("plain",)).get_content()
        assert not [p for p in private if p in text], item.key
    assert all(Path(m.copy_path).exists() for m in mails)  # and the output folder has every message
    # Overdue work is listed once, under "overdue", not again among the sheet entries to fix;
    # the report mail counts as "to fix" only entries that are not late work.
    late = [f for f in last if f["rule"] == "overdue"]
    assert late
    for item in mails:
        text = email.message_from_bytes(item.eml, policy=policy.default).get_body(("plain",)).get_content()
        fix_part = text.split("ข้อมูลในตารางที่ต้องแก้ไข")[1] if "ข้อมูลในตารางที่ต้องแก้ไข" in text else ""
        assert not [f for f in late if f["message"] in fix_part], item.key
    to_fix = sum(1 for f in last if f["severity"] == "error" and f["rule"] != "overdue")
    fix_line = f"ประเด็นข้อมูลที่ยังต้องแก้ไข (ตรวจครั้งล่าสุด): {to_fix} รายการ"
    assert fix_line.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in \
        msg.get_body(("plain",)).get_content()


def test_status_shows_recent_runs_and_the_next_jobs_in_thai(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    from automation.commands.service import status_data, status_text

    specs = [JobSpec("check", lambda ctx: jobs.JobOutcome(counts={"findings": 3}), "07:30", "workdays")]
    clock = FakeClock(dt.datetime(2024, 4, 19, 7, 0, tzinfo=BKK))  # a Friday
    with State(settings.state_path) as state:
        Service(settings, state, clock, specs=specs).serve(threading.Event(),
                                                            until=dt.datetime(2024, 4, 19, 9, 0, tzinfo=BKK))
    data = status_data(settings, clock=clock)
    text = status_text(data, settings, "th")
    assert data["running_pid"] is None and data["runs"][0]["outcome"] == "ok"
    assert "บริการ: ไม่ได้ทำงานอยู่" in text
    assert "๑๙ เมษายน ๒๕๖๗ ๐๗:๓๐ น.  ตรวจสอบข้อมูลและกำหนดเวลา: สำเร็จ" in text
    # Next: Monday 22 April (the weekend skipped).
    assert "๒๒ เมษายน ๒๕๖๗ ๐๗:๓๐ น.  ตรวจสอบข้อมูลและกำหนดเวลา" in text
    assert "22 April 2024 07:30  Validation and deadline check" in status_text(data, settings, "en")


def test_status_on_a_fresh_install_creates_no_state(settings: Settings) -> None:
    from automation.commands.service import status_data

    data = status_data(settings, clock=FakeClock(dt.datetime(2024, 4, 20, 10, 0, tzinfo=BKK)))
    assert not settings.state_path.exists()
    assert data["runs"] == [] and [n["job"] for n in data["next"]][:1] == ["check"]
    assert not any(n["catch_up"] for n in data["next"])



def test_a_job_run_on_request_after_a_gap_is_not_a_catch_up_and_announces_no_other_job(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    """`serve --job digest` after downtime runs the digest only: neither its run nor the log
    claim the missed checks run now."""
    calls: list[str] = []
    specs = [JobSpec(name, lambda ctx, name=name: calls.append(name) or jobs.JobOutcome(), "07:30", "workdays")
             for name in ("check", "digest")]
    clock = FakeClock(dt.datetime(2024, 6, 10, 6, 0, tzinfo=BKK))
    with State(settings.state_path) as state:
        Service(settings, state, clock, specs=specs).start()  # the service first met its jobs here
    clock.set(dt.datetime(2024, 6, 20, 9, 0, tzinfo=BKK))  # ten days later
    with State(settings.state_path) as state, caplog.at_level("INFO", logger="automation.scheduler"):
        later = Service(settings, state, clock, specs=specs)
        run = later.run_now("digest")
        (record,) = state.runs("digest")
        missed = {p.name for p in later.plan() if p.catch_up}
    assert calls == ["digest"] and not run.catch_up and not record.catch_up
    assert "missed its slot" not in caplog.text
    assert missed == {"check"}  # the check still catches up at the next `serve`


def test_status_lists_mail_that_could_not_be_sent_in_thai_digits(settings: Settings) -> None:
    from automation.commands.service import status_data, status_text
    from automation.delivery import Mail, deliver, queue

    clock = FakeClock(dt.datetime(2024, 4, 22, 8, 0, tzinfo=BKK))
    with MailCatcher() as smtp:
        s = with_smtp(settings, smtp.port)
        smtp.mode = "refuse"
        with State(s.state_path) as state:
            queue(s, state, Mail(key="digest:กองคลัง:2024-04-22", kind="digest", to=["finance@example.go.th"],
                                 subject="สรุปงาน กองคลัง", body="เรียน กองคลัง"), clock.now())
            deliver(s, state, clock.now())
    data = status_data(s, clock=clock)
    text = status_text(data, s, "th")
    assert data["mail"] == {"pending": 1, "sent": 0, "local": 0, "failed": 0}
    assert "อีเมล: รอส่ง ๑, ส่งแล้ว ๐, เก็บในโฟลเดอร์เท่านั้น ๐, ส่งไม่สำเร็จ (เลิกส่ง) ๐" in text
    assert ("  ! สรุปงาน กองคลัง → finance@example.go.th: รอส่ง, พยายาม ๑ ครั้ง, เซิร์ฟเวอร์อีเมลไม่รับข้อความนี้ "
            "(รหัส 554) — ระบบจะลองส่งใหม่เอง") in text
    assert "waiting 1, sent 0" in status_text(data, s, "en")


def test_serve_once_with_nothing_due_says_when_the_next_jobs_are(settings: Settings, demo_workbook: Path) -> None:
    from automation.cli import main

    # Saturday 20 April 2024: a first start owes nothing from before it.
    assert main(["serve", "--once", "--today", "2024-04-20", "--config", str(settings.source)]) == 0
    log = (settings.output_dir / "logs" / "automation.log").read_text(encoding="utf-8")
    assert "nothing due now; next: check 2024-04-22 07:30+07:00, report 2024-04-22 07:30+07:00, " \
           "reminders 2024-04-22 07:30+07:00, digest 2024-04-22 08:00+07:00" in log
    with State(settings.state_path) as state:
        assert state.runs() == []


def test_the_coordinator_hears_of_work_no_unit_address_would_receive(settings: Settings, demo_workbook: Path) -> None:
    """A unit without an e-mail address (ทุกส่วนราชการ) has its digest sent to the coordinator,
    and the coordinator's reminder before a report is due names the units with overdue work."""
    tables, _ = jobs._real_tables(settings)
    owed = jobs._real_owed(settings, tables, dt.date(2024, 4, 22), "th")
    late_units = sorted(u for u, items in owed.items() if any(i.status == "overdue" for i in items))
    assert late_units
    clock = FakeClock(dt.datetime(2024, 4, 22, 7, 30, tzinfo=BKK))  # 8 days before the h1 report is due
    with State(settings.state_path) as state:
        service = Service(settings, state, clock)
        service.run_now("check")
        service.run_now("digest")
        reminder = service.run_now("reminders")
        mails = state.outbox()
    assert reminder.outcome == "ok"
    coordinator = settings.delivery.coordinator_email
    (to_coordinator,) = [m for m in mails if m.kind == "reminder" and m.recipients == [coordinator]]
    body = email.message_from_bytes(to_coordinator.eml, policy=policy.default).get_body(("plain",)).get_content()
    assert "งานที่เกินกำหนดของแต่ละหน่วยงาน:" in body
    assert all(f"  - {unit}: เกินกำหนดแล้ว" in body for unit in late_units)
    nobody = [u for u in settings.units if not u.email]
    assert nobody and owed.get(nobody[0].name)
    (digest,) = [m for m in mails if m.kind == "digest" and m.key.startswith(f"digest:{nobody[0].name}:")]
    assert digest.recipients == [coordinator]
    text = email.message_from_bytes(digest.eml, policy=policy.default).get_body(("plain",)).get_content()
    assert f"ส่งถึงผู้ประสานงาน เนื่องจาก {nobody[0].name} ไม่มีอีเมล" in text


def test_a_stage_that_failed_in_the_daily_check_is_logged_in_thai(settings: Settings,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    deps = jobs.Deps(run_check=lambda s, today: jobs.CheckResult(findings=[], stage_errors=["reports: no template"]))
    with State(settings.state_path) as state, caplog.at_level("WARNING", logger="automation.jobs"):
        jobs.check(jobs.JobContext(settings, state, dt.datetime(2024, 4, 22, 7, 30, tzinfo=BKK), deps))
    assert [r.getMessage() for r in caplog.records] == [
        "งานตรวจสอบ: มีขั้นตอนที่ไม่สำเร็จ (ขั้นตอนอื่นทำต่อแล้ว) — reports: no template (stage failed)"]
