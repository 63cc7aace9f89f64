"""When jobs run: the `schedule` package, driven by an injectable clock, with catch-up.

The jobs (see `automation.jobs`) and their slots, in the office's time zone:
- check, report, reminders: every working day at `[schedule] check_time` (Monday–Friday;
  Thai public/government holidays and `office_days_off` skipped when `skip_holidays`);
- digest: every `digest_day` at `digest_time`.

Catch-up: the state remembers, per job, up to when its slots are covered. On start, a job
whose next slot after that moment has already passed is due at once — one run, however
many slots were missed — and is then rescheduled from now (the `schedule` package's own
rule for missed runs). A job that fails is logged, recorded, and retried at its next slot
(or on the next start); the other jobs are not affected.

Time: `schedule` 1.2.2 takes no clock; it reads `datetime.datetime.now()` from its module.
`_schedule_now` points that name at our clock's moment while one next-run is computed, so
the package's own slot arithmetic runs on the injected clock (a `FakeClock` in tests drives a
whole fiscal year in seconds). It works on naive wall time of the office's zone, which is
unambiguous for Asia/Bangkok (no daylight saving).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import ssl
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import schedule

from automation import jobs
from automation.delivery import deliver, smtp_enabled
from automation.line import deliver_line, line_enabled
from automation.logs import LOG_FILE
from automation.settings import ConfigError, Settings
from automation.state import EMAIL, LINE, State
from automation.workbook.base import WorkbookBusy, WorkbookError
from automation.workdays import WorkCalendar

log = logging.getLogger(__name__)

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# ---------------------------------------------------------------- clocks


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, time-zone aware."""
        ...

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        """Wait up to `seconds`, returning early once `stop` is set."""
        ...


class SystemClock:
    def __init__(self, timezone: str = "Asia/Bangkok") -> None:
        self.tz = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        # Short naps against the wall clock: a stop request is honoured within a second, and a
        # machine that was suspended wakes up to the right time rather than oversleeping.
        end = time.time() + max(seconds, 0)
        while not stop.is_set():
            left = end - time.time()
            if left <= 0:
                return
            time.sleep(min(left, 1.0))


class FakeClock:
    """A clock that only moves when told to (or when the service sleeps): for tests."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.moment = start

    def now(self) -> dt.datetime:
        return self.moment

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        self.moment += dt.timedelta(seconds=max(seconds, 0))

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


@contextlib.contextmanager
def _schedule_now(moment: dt.datetime) -> Iterator[None]:
    """Make `schedule` see `moment` (naive local wall time) as "now" for one computation."""

    class _Pinned(dt.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> dt.datetime:  # type: ignore[override]
            return moment

    shim = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
    shim.datetime = _Pinned
    real = schedule.datetime  # type: ignore[attr-defined]
    schedule.datetime = shim  # type: ignore[attr-defined]
    try:
        yield
    finally:
        schedule.datetime = real  # type: ignore[attr-defined]


# ---------------------------------------------------------------- jobs and their slots


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Callable[[jobs.JobContext], jobs.JobOutcome]
    at: str  # HH:MM, office time
    days: str  # "workdays" or a weekday name
    title: dict[str, str] = field(default_factory=dict)


JOB_TITLES = {
    "check": {"th": "ตรวจสอบข้อมูลและกำหนดเวลา", "en": "Validation and deadline check"},
    "report": {"th": "ร่างรายงานเมื่อสิ้นรอบ", "en": "Report draft when a round closes"},
    "reminders": {"th": "แจ้งเตือนก่อนครบกำหนดส่งรายงาน", "en": "Reminders before report due dates"},
    "digest": {"th": "สรุปงานประจำสัปดาห์ถึงหน่วยงาน", "en": "Weekly digest to units"},
}


def default_jobs(settings: Settings) -> list[JobSpec]:
    """In run order for a shared slot: check first, so report and reminders see fresh findings."""
    s = settings.schedule
    return [
        JobSpec("check", jobs.check, s.check_time, "workdays", JOB_TITLES["check"]),
        JobSpec("report", jobs.report, s.check_time, "workdays", JOB_TITLES["report"]),
        JobSpec("reminders", jobs.reminders, s.check_time, "workdays", JOB_TITLES["reminders"]),
        JobSpec("digest", jobs.digest, s.digest_time, s.digest_day, JOB_TITLES["digest"]),
    ]


class _SlotJob(schedule.Job):
    """A `schedule.Job` that reads the service's clock and skips days off for workday jobs."""

    def __init__(self, spec: JobSpec, service: Service) -> None:
        super().__init__(1, service.scheduler)
        self.spec = spec
        self.service = service
        self.catch_up = False  # this run serves slots missed while the service was down

    @property
    def should_run(self) -> bool:
        return self.next_run is not None and self.service.local_now() >= self.next_run

    def run(self) -> Any:
        result = self.job_func()  # type: ignore[misc]
        self.last_run = self.service.local_now()
        self._schedule_next_run()
        return result

    def _schedule_next_run(self) -> None:
        self.next_run = self.slot_after(self.service.local_now())

    def slot_after(self, moment: dt.datetime) -> dt.datetime:
        """The first slot strictly after `moment` (naive office time)."""
        saved = self.next_run
        with _schedule_now(moment):
            super()._schedule_next_run()
        while self.spec.days == "workdays" and not self.service.is_slot_day(self.next_run.date()):
            with _schedule_now(self.next_run):
                super()._schedule_next_run()
        slot, self.next_run = self.next_run, saved
        return slot


@dataclass(frozen=True)
class PlannedRun:
    name: str
    title: dict[str, str]
    next_run: dt.datetime  # aware
    catch_up: bool  # overdue since a previous run of the service


@dataclass(frozen=True)
class JobRun:
    name: str
    started: dt.datetime
    outcome: str  # ok | skipped | failed
    catch_up: bool
    counts: dict[str, int]
    error: str = ""


class Service:
    """The scheduled service: jobs on their slots, their runs in the state, then delivery."""

    def __init__(self, settings: Settings, state: State, clock: Clock | None = None, *,
                 specs: list[JobSpec] | None = None, deps: jobs.Deps | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.state = state
        self.clock = clock or SystemClock(settings.run.timezone)
        self.tz = ZoneInfo(settings.run.timezone)
        self.specs = specs if specs is not None else default_jobs(settings)
        self.deps = deps or jobs.Deps()
        self.ssl_context = ssl_context
        self.scheduler = schedule.Scheduler()
        self.calendar = WorkCalendar(settings)
        self.history: list[JobRun] = []
        self._started = False

    # -------------------------------------------------------- time

    def local_now(self) -> dt.datetime:
        return self.clock.now().astimezone(self.tz).replace(tzinfo=None)

    def aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.tz)

    def is_slot_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        return self.calendar.is_working_day(day) if self.settings.schedule.skip_holidays else True

    # -------------------------------------------------------- planning

    def start(self, record: bool = True) -> None:
        """Put every job on the schedule; a job with a missed slot is due at once (once).
        `record=False` only looks (for `status`): a job seen for the first time is not noted."""
        if self._started:
            return
        self._started = True
        now = self.clock.now()
        for spec in self.specs:
            job = _SlotJob(spec, self)
            if spec.days == "workdays":
                job.day  # noqa: B018 - the property sets a daily unit
            elif spec.days in WEEKDAY_NAMES:
                getattr(job, spec.days)  # the property sets weekly on that day
            else:
                raise ConfigError(
                    f"job {spec.name}: days must be 'workdays' or a weekday, not {spec.days!r}" if self.english else
                    f"งาน {spec.name}: วัน {spec.days!r} ไม่ถูกต้อง — ต้องเป็น workdays หรือชื่อวันภาษาอังกฤษ "
                    f"เช่น monday (days must be 'workdays' or a weekday)")
            job.at(spec.at).do(self._execute, job)
            if record:
                self.state.job_started(spec.name, now)
            covered = self.state.job_state(spec.name)
            if self.settings.schedule.catch_up and covered and covered.covered_until:
                missed = job.slot_after(covered.covered_until.astimezone(self.tz).replace(tzinfo=None))
                if missed <= self.local_now():
                    job.next_run, job.catch_up = missed, True

    def _jobs(self) -> list[_SlotJob]:
        return [j for j in self.scheduler.jobs if isinstance(j, _SlotJob)]

    def plan(self) -> list[PlannedRun]:
        """Each job's next run, soonest first (for `status`)."""
        self.start(record=False)
        return sorted(
            (PlannedRun(j.spec.name, j.spec.title, self.aware(j.next_run), j.catch_up)
             for j in self._jobs() if j.next_run is not None),
            key=lambda p: p.next_run,
        )

    def seconds_to_next(self) -> float:
        """Until the next job's slot, or the next retry of an undelivered message if sooner."""
        nexts = [self.aware(j.next_run) for j in self._jobs() if j.next_run is not None]
        mail = self.next_mail_attempt()
        if mail is not None:
            nexts.append(mail)
        if not nexts:
            return 3600.0
        return max((min(nexts) - self.clock.now()).total_seconds(), 0.0)

    def next_mail_attempt(self) -> dt.datetime | None:
        """When the earliest waiting message (e-mail or LINE, of the channels in use) may be tried."""
        channels = [c for c, on in ((EMAIL, smtp_enabled(self.settings)), (LINE, line_enabled(self.settings))) if on]
        return self.state.next_mail_attempt(channels) if channels else None

    # -------------------------------------------------------- running

    def run_pending(self, stop: threading.Event | None = None) -> list[JobRun]:
        """Run every due job, in slot order; between jobs, honour a stop request."""
        self.start()
        done: list[JobRun] = []
        for job in sorted(j for j in self._jobs() if j.should_run):
            if stop is not None and stop.is_set():
                break
            if job.catch_up:  # said here, not on start: `serve --job` and `status` run no catch-up
                log.info("%s missed its slot of %s: it runs once now", job.spec.name, job.next_run.isoformat(" "))
            job.run()
            done.append(self.history[-1])
        return done

    def run_now(self, name: str) -> JobRun:
        """Run one job immediately, outside its slots (its next slot is unchanged)."""
        self.start()
        job = next((j for j in self._jobs() if j.spec.name == name), None)
        if job is None:
            names = [s.name for s in self.specs]
            either = names[0] if len(names) < 2 else f"{', '.join(names[:-1])} หรือ {names[-1]}"
            raise ConfigError(f"no job named {name!r}; jobs: {', '.join(names)}" if self.english else
                              f"serve --job {name}: ไม่มีงานชื่อนี้ — ใช้ได้เฉพาะ {either} "
                              f"เช่น serve --job {names[0] if names else 'check'} (no job named {name!r})")
        self._execute(job, on_demand=True)
        return self.history[-1]

    def _execute(self, job: _SlotJob, on_demand: bool = False) -> None:
        started = self.clock.now()
        slot = self.aware(job.next_run) if job.next_run and not on_demand else None
        catch_up = job.catch_up and not on_demand  # a run on request is not a catch-up, whenever it happens
        run_id = self.state.start_run(job.spec.name, started, slot, catch_up)
        ctx = jobs.JobContext(self.settings, self.state, started, self.deps)
        try:
            outcome = job.spec.run(ctx)
        except Exception as exc:  # one failing job never stops the others
            error = self.failure_text(exc)
            # A known problem (the workbook, a setting) is said in its line, as on the command
            # line; anything else is a bug: its traceback goes to the log for whoever fixes it.
            known = isinstance(exc, (ConfigError, WorkbookError))
            log.error("%s failed (will retry at its next slot): %s%s" if self.english else
                      "งาน %s ไม่สำเร็จ จะลองใหม่ในรอบถัดไป: %s%s", job.spec.name, error,
                      "" if known else "\n" + traceback.format_exc())
            self.state.finish_run(run_id, self.clock.now(), "failed", error=error)
            self.state.job_failed(job.spec.name, started, error)
            self.history.append(JobRun(job.spec.name, started, "failed", catch_up, {}, error))
        else:
            result = "skipped" if outcome.skipped else "ok"
            self.state.finish_run(run_id, self.clock.now(), result, outcome.counts, outcome.api_calls,
                                  error=outcome.note if outcome.skipped else "")
            self.state.job_succeeded(job.spec.name, started)
            counts = ", ".join(f"{k}={v}" for k, v in outcome.counts.items())
            log.info("%s %s%s%s", job.spec.name, result, " (catch-up)" if catch_up else "",
                     f": {counts}" if counts else (f": {outcome.note}" if outcome.note else ""))
            self.history.append(JobRun(job.spec.name, started, result, catch_up, dict(outcome.counts)))
        finally:
            job.catch_up = False
        self.deliver()

    @property
    def english(self) -> bool:
        return self.settings.run.language == "en"

    def failure_text(self, exc: BaseException) -> str:
        """A failed run's error as the run history and `status` keep it: a known problem's own
        one line (Thai first, as the command line says it), else the exception, said as unexpected."""
        if isinstance(exc, (ConfigError, WorkbookError)):
            text = str(exc) or type(exc).__name__
        elif self.english:
            text = f"{type(exc).__name__}: {exc}"
        else:
            text = (f"เกิดข้อผิดพลาดที่ไม่คาดไว้ ({type(exc).__name__}: {exc}) — ส่งไฟล์ "
                    f"{self.settings.output_dir / 'logs' / LOG_FILE} ให้ผู้ดูแลระบบ (unexpected error)")
        if isinstance(exc, WorkbookBusy):  # open in Excel: nothing written, the next check tries again
            text += (" — tried again at the next check" if self.english else
                     " — ระบบจะลองใหม่ในรอบตรวจถัดไป (tried again at the next check)")
        return " ".join(text.split())

    def deliver(self) -> None:
        """Send what waits in the outbox (e-mail, then LINE); a problem is logged, never raised."""
        self._deliver_mail()
        if line_enabled(self.settings):
            try:
                line = deliver_line(self.settings, self.state, self.clock.now())
            except Exception as exc:  # LINE trouble never stops the service
                log.error("LINE delivery failed: %s: %s" if self.english else
                          "ส่งข้อความ LINE ไม่สำเร็จ จะลองใหม่ในรอบถัดไป (%s: %s)", type(exc).__name__, exc)
                return
            if line.sent or line.failed_attempts:
                log.info("LINE: %d sent, %d failed attempt(s), %d waiting", line.sent, line.failed_attempts,
                         line.pending)

    def _deliver_mail(self) -> None:
        try:
            report = deliver(self.settings, self.state, self.clock.now(), self.ssl_context)
        except ConfigError as exc:
            log.error("e-mail not sent: %s" if self.english else "ยังไม่ได้ส่งอีเมล: %s", exc)
            return
        except Exception as exc:
            log.error("e-mail delivery failed: %s: %s" if self.english else
                      "ส่งอีเมลไม่สำเร็จ จะลองใหม่ในรอบถัดไป (%s: %s)", type(exc).__name__, exc)
            return
        if report.sent or report.failed_attempts:
            log.info("e-mail: %d sent, %d failed attempt(s), %d waiting", report.sent,
                     report.failed_attempts, report.pending)

    def serve(self, stop: threading.Event, until: dt.datetime | None = None) -> None:
        """Run until `stop` is set (a signal) or the clock reaches `until` (tests).
        A job in progress always finishes first."""
        self.start()
        self.deliver()  # mail left from a previous run goes out first
        while not stop.is_set():
            self.run_pending(stop)
            mail = self.next_mail_attempt()
            if mail is not None and mail <= self.clock.now():
                self.deliver()  # a retry of mail that failed earlier has come due
            if stop.is_set() or (until is not None and self.clock.now() >= until):
                break
            wait = self.seconds_to_next()
            if until is not None:
                wait = min(wait, (until - self.clock.now()).total_seconds())
            self.clock.sleep(wait, stop)


def stop_on_signals(stop: threading.Event, lang: str = "th") -> Callable[[], None]:
    """SIGTERM and Ctrl-C (SIGINT) ask the service to stop after the current job; a second
    Ctrl-C stops it at once (the person at the terminal will not wait for a long job: the
    next run repairs what was left, as after a crash). Returns a function that puts the
    previous handlers back."""

    def handler(signum: int, frame: types.FrameType | None) -> None:
        en = lang == "en"
        if stop.is_set() and signum == signal.SIGINT:
            log.warning("second Ctrl-C: stopping now, without finishing the current job" if en else
                        "กด Ctrl-C ซ้ำ: หยุดทันทีโดยไม่รองานที่ทำอยู่ รอบถัดไปจะทำส่วนที่ค้างให้ (stopping now)")
            raise KeyboardInterrupt
        name = signal.Signals(signum).name
        if en:
            log.warning("stop requested (%s): finishing the current job%s", name,
                        " (Ctrl-C again to stop at once)" if signum == signal.SIGINT else "")
        else:
            log.warning("ได้รับคำสั่งหยุด (%s): จะหยุดเมื่องานที่ทำอยู่เสร็จ%s (stop requested)", name,
                        " กด Ctrl-C อีกครั้งเพื่อหยุดทันที" if signum == signal.SIGINT else "")
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
