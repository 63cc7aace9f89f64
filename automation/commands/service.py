"""`serve`, `status` and `qr`: the long-running service, what it has done, its QR posters."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from automation.cli import arguments, command, ensure_workbook, print_json
from automation.delivery import shown_recipients
from automation.settings import ConfigError, Settings
from automation.thaidate import digits, format_date

log = logging.getLogger("automation.service")

_OUTCOME = {
    "th": {"ok": "สำเร็จ", "skipped": "ไม่มีงานต้องทำ", "failed": "ล้มเหลว", "running": "กำลังทำงาน"},
    "en": {"ok": "ok", "skipped": "nothing to do", "failed": "FAILED", "running": "running"},
}
_COUNTS = {
    "th": {"findings": "ประเด็น", "new": "ใหม่", "resolved": "แก้แล้ว", "errors": "ต้องแก้ไข",
           "warnings": "ควรตรวจสอบ", "stage_errors": "ขั้นตอนผิดพลาด", "units": "หน่วยงาน",
           "queued": "อีเมล", "reports": "รายงาน", "threshold": "ล่วงหน้า (วัน)", "line": "LINE",
           "added": "เพิ่มแถว", "updated": "แก้ไขช่อง"},
    "en": {},
}
# Runs made from the command line (`run`, `validate`, `import-plan`) are history too.
COMMAND_TITLES = {
    "run": {"th": "ตรวจสอบทั้งหมด (คำสั่ง run)", "en": "Full run (run command)"},
    "validate": {"th": "ตรวจสอบข้อมูล (คำสั่ง validate)", "en": "Validation (validate command)"},
    "import-plan": {"th": "นำเข้าแผน (คำสั่ง import-plan)", "en": "Plan import (import-plan command)"},
}
_MAIL = {
    "th": {"pending": "รอส่ง", "sent": "ส่งแล้ว", "local": "เก็บในโฟลเดอร์เท่านั้น", "failed": "ส่งไม่สำเร็จ (เลิกส่ง)",
           "expired": "หมดอายุ ไม่ส่งแล้ว"},
    "en": {"pending": "waiting", "sent": "sent", "local": "output folder only", "failed": "failed (gave up)",
           "expired": "expired, not sent"},
}


def _clock(settings: Settings, args: argparse.Namespace) -> Any:
    """The real clock; with a pinned day (--today or [run] today), that day at the current time."""
    from automation.scheduler import FakeClock, SystemClock

    system = SystemClock(settings.run.timezone)
    if settings.run.today is None:
        return system
    now = system.now()
    return FakeClock(dt.datetime.combine(settings.run.today, now.time(), now.tzinfo))


def _when(moment: dt.datetime, lang: str, style: str) -> str:
    day = format_date(moment.date(), lang, style)  # type: ignore[arg-type]
    clock = moment.strftime("%H:%M")
    return f"{day} {clock}" if lang == "en" else f"{day} {digits(clock, style)} น."  # type: ignore[arg-type]


# ---------------------------------------------------------------- serve


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true",
                   help="run whatever is due now (missed jobs included), deliver mail, and exit (for cron)")
    p.add_argument("--job", choices=["check", "digest", "report", "reminders"],
                   help="run this one job now and exit")
    p.add_argument("--log-json", action="store_true", help="log JSON lines instead of readable lines")


@command("serve", "Run the scheduled service: daily checks, weekly digests, report drafts, reminders",
         "Runs until stopped (SIGTERM or Ctrl-C finish the current job, then exit 0). Working-day "
         "mornings at [schedule] check_time: validation and deadline checks, the report draft when a "
         "round has closed, reminders before report due dates; every [schedule] digest_day: a digest "
         "to each unit. Jobs missed while the service was down run once on start. E-mail goes out "
         "over SMTP ([delivery]) and a copy of every message stays in <output_dir>/mail. Logs go to "
         "stderr and <output_dir>/logs/automation.log.")
@arguments(_serve_args)
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from automation.logs import setup_logging
    from automation.scheduler import Service, stop_on_signals
    from automation.state import AlreadyRunning, InstanceLock, State

    if settings.run.today is not None and not (args.once or args.job):
        raise ConfigError("a pinned day (--today or [run] today) works with serve --once or --job only"
                          if settings.run.language == "en" else
                          "--today หรือ [run] today: วันที่กำหนดเองใช้ได้กับ serve --once หรือ --job เท่านั้น — "
                          "เอา --today ออก (และลบ today ใน [run]) เพื่อให้บริการทำงานตามวันจริง หรือเติม --once "
                          "(a pinned day works with serve --once or --job only)")
    from automation.line import access_token, line_enabled, missing_token_line

    if line_enabled(settings) and not access_token(settings):
        # Said at start, not days later when the first digest cannot be pushed.
        raise ConfigError(f"[line] targets are set but the channel access token is not: put it in the "
                          f"environment variable {settings.line.access_token_env}" if settings.run.language == "en"
                          else missing_token_line(settings, " ทั้งที่ตั้งผู้รับทาง LINE (line_to หรือ coordinator_to) ไว้แล้ว"))
    logs = setup_logging(settings, json_lines=True if args.log_json else None, verbose=args.verbose)
    lock = InstanceLock(settings.state_path, settings.run.language)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        logs.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    restore = stop_on_signals(stop, settings.run.language)
    try:
        ensure_workbook(settings, required=False)
        with State(settings.state_path, settings.run.language) as state:
            service = Service(settings, state, _clock(settings, args))
            if args.job:
                run = service.run_now(args.job)
                return 1 if run.outcome == "failed" else 0
            if args.once:
                service.start()
                service.deliver()
                runs = service.run_pending(stop)
                if not runs:  # say so: a cron line that seems to do nothing is otherwise a mystery
                    log.info("nothing due now; next: %s", _next_jobs(service))
                return 1 if any(r.outcome == "failed" for r in runs) else 0
            from automation.commands.line import start_webhook

            webhook = start_webhook(settings)  # finding LINE group ids, when the channel secret is set
            try:
                log.info("service started (pid lock %s); next: %s", lock.path, _next_jobs(service))
                service.serve(stop)
                log.info("service stopped")
            finally:
                if webhook is not None:
                    webhook.stop()  # type: ignore[attr-defined]
            return 0
    finally:
        restore()
        lock.release()
        logs.close()


def _next_jobs(service: Any) -> str:
    return ", ".join(f"{p.name} {p.next_run.isoformat(' ', 'minutes')}" for p in service.plan())


# ---------------------------------------------------------------- status


def _status_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runs", type=int, default=10, help="how many recent runs to show (default 10)")
    p.add_argument("--json", action="store_true", help="print the status as JSON")


def status_data(settings: Settings, runs: int = 10, clock: Any = None) -> dict[str, Any]:
    """Whether the service runs, its next jobs, its recent runs and its outbox (read-only)."""
    from automation.scheduler import Service, SystemClock
    from automation.state import InstanceLock, State

    path = settings.state_path
    known = path.exists()
    # A fresh install has no state yet: plan against an empty one in memory, create no file.
    state = State(path, settings.run.language) if known else State(Path(":memory:"))
    try:
        service = Service(settings, state, clock or SystemClock(settings.run.timezone))
        plan = service.plan()
        return {
            "state": str(path) if known else None,
            "running_pid": InstanceLock(path).holder(),
            "next": [{"job": p.name, "title": p.title, "at": p.next_run.isoformat(), "catch_up": p.catch_up}
                     for p in plan],
            "runs": [
                {"job": r.job, "started": r.started.isoformat(), "ended": r.ended.isoformat() if r.ended else None,
                 "outcome": r.outcome, "counts": r.counts, "api_calls": r.api_calls, "error": r.error,
                 "catch_up": r.catch_up}
                for r in state.runs(limit=runs)
            ],
            "jobs": {spec.name: _job_json(state, spec.name) for spec in service.specs},
            "mail": state.outbox_counts(),
            "mail_problems": _problems(state, "email", settings.run.language),
            "line": state.outbox_counts("line"),
            "line_problems": _problems(state, "line", settings.run.language),
            "line_chats": [{"id": c.id, "kind": c.kind, "event": c.event, "last_seen": c.last_seen.isoformat()}
                           for c in state.line_chats()],
        }
    finally:
        state.close()


def _problems(state: Any, channel: str, lang: str) -> list[dict[str, Any]]:
    """Messages of a channel still waiting after a problem, or given up. A message waiting
    because the server cannot be reached has no attempt counted, but its last error says why."""
    return [{"key": m.key, "subject": m.subject, "to": shown_recipients(m.kind, m.recipients, lang).split(", "),
             "status": m.status,
             "attempts": m.attempts, "error": m.last_error, "copy": m.copy_path}
            for m in state.outbox(channel=channel)
            if m.status in ("pending", "failed", "expired") and (m.attempts or m.last_error)]


def _problem_line(m: dict[str, Any], words: dict[str, str], en: bool, style: str) -> str:
    tries = digits(str(m["attempts"]), style)  # type: ignore[arg-type]
    if m["status"] == "expired":  # too late to be of use: says when the report was due
        due = m["error"].removeprefix("expired: the report was due ").split(";", 1)[0]
        last = m["error"].split("; ", 1)[1].removeprefix("last error: ") if "; " in m["error"] else ""
        why = (f"the report was due {due}" if en else f"เลยวันส่งรายงาน ({due}) แล้ว") + (
            (f"; last error: {last}" if en else f"; ข้อผิดพลาดล่าสุด: {last}") if last else "")
    elif m["attempts"]:
        why = f"{tries} attempt(s), {m['error']}" if en else f"พยายาม {tries} ครั้ง, {m['error']}"
    else:  # not tried yet: the server could not be reached or refused the login
        why = f"not sent yet: {m['error']}" if en else f"ยังส่งไม่ได้: {m['error']}"
    return f"  ! {m['subject']} → {', '.join(m['to'])}: {words.get(m['status'], m['status'])}, {why}"


def _job_json(state: Any, name: str) -> dict[str, Any]:
    js = state.job_state(name)
    if js is None:
        return {}
    return {"last_success": js.last_success.isoformat() if js.last_success else None,
            "failures": js.failures, "last_error": js.last_error}


def status_text(data: dict[str, Any], settings: Settings, lang: str) -> str:
    from automation.scheduler import JOB_TITLES

    style = settings.run.digits if lang != "en" else "arabic"
    en = lang == "en"
    title = {k: v["en" if en else "th"] for k, v in {**JOB_TITLES, **COMMAND_TITLES}.items()}
    lines = []
    pid = data["running_pid"]
    if pid is not None:
        lines.append(f"Service: running (pid {pid})" if en else f"บริการ: กำลังทำงาน (pid {pid})")
    else:
        lines.append("Service: not running" if en else "บริการ: ไม่ได้ทำงานอยู่")
    lines.append("")
    lines.append("Next jobs:" if en else "งานถัดไป:")
    for item in data["next"]:
        at = _when(dt.datetime.fromisoformat(item["at"]), lang, style)
        late = (" — missed, runs as soon as the service starts" if en else " — ค้างอยู่ จะทำทันทีเมื่อเริ่มบริการ") \
            if item["catch_up"] else ""
        lines.append(f"  {at}  {title.get(item['job'], item['job'])}{late}")
    lines.append("")
    lines.append("Recent runs:" if en else "การทำงานล่าสุด:")
    if not data["runs"]:
        lines.append("  (none yet)" if en else "  (ยังไม่มี)")
    for run in data["runs"]:
        outcome = _OUTCOME["en" if en else "th"].get(run["outcome"], run["outcome"])
        names = _COUNTS["en" if en else "th"]
        counts = ", ".join(f"{names.get(k, k)} {digits(str(v), style)}" for k, v in run["counts"].items())
        extra = f" ({counts})" if counts else ""
        if run["outcome"] == "failed" and run["error"]:
            extra += f": {run['error']}"
        if run["catch_up"]:
            extra += " [catch-up]" if en else " [ทำย้อนหลัง]"
        at = _when(dt.datetime.fromisoformat(run["started"]), lang, style)
        lines.append(f"  {at}  {title.get(run['job'], run['job'])}: {outcome}{extra}")
    lines.append("")
    mail = data["mail"]
    words = _MAIL["en" if en else "th"]
    lines.append(("E-mail: " if en else "อีเมล: ")
                 + ", ".join(f"{words.get(k, k)} {digits(str(v), style)}" for k, v in mail.items()))
    for m in data["mail_problems"]:
        lines.append(_problem_line(m, words, en, style))
    line, chats = data.get("line") or {}, data.get("line_chats") or []
    if any(line.values()) or chats:
        lines.append("LINE: " + ", ".join(f"{words.get(k, k)} {digits(str(v), style)}" for k, v in line.items()))
        lines += [_problem_line(m, words, en, style) for m in data["line_problems"]]
        kinds = {"group": "group" if en else "กลุ่ม", "room": "room" if en else "ห้องแชต",
                 "user": "user" if en else "ผู้ใช้"}
        events = {} if en else {"join": "บอทเข้ากลุ่ม", "leave": "บอทออกแล้ว", "message": "มีข้อความ",
                                "follow": "เพิ่มบอทเป็นเพื่อน"}
        for c in chats:
            seen = _when(dt.datetime.fromisoformat(c["last_seen"]), lang, style)
            lines.append(f"  {kinds.get(c['kind'], c['kind'])} {c['id']} "
                         f"({events.get(c['event'], c['event'])}, {seen})")
    return "\n".join(lines)


@command("status", "Show whether the service runs, its recent runs, the next jobs due and unsent mail",
         workbook=False, today=False)
@arguments(_status_args)
def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    data = status_data(settings, args.runs, _clock(settings, args))
    if args.json:
        print_json(data)
    else:
        print(status_text(data, settings, settings.run.language))
    return 0


# ---------------------------------------------------------------- qr


def _qr_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="folder for the posters (default <output_dir>/posters)")
    p.add_argument("--point", action="append", metavar="KEY",
                   help="only this service point (its key in [[survey.service_points]]); repeatable")
    p.add_argument("--size", choices=("a4", "a5"), default="a4",
                   help="paper size: a4 (default) or a5 for a small counter stand")
    p.add_argument("--json", action="store_true", help="print each poster's service point, link and files as JSON")
    p.add_argument("--strict", action="store_true",
                   help="refuse (exit 2) while a form link of the posters is still a demo form")


@command("qr", "Make a printable A4 or A5 QR poster (PNG and PDF) for each service point",
         "Each poster's QR code opens the satisfaction form with its service point filled in, "
         "from [survey] form_url_template and [[survey.service_points]]; without --point also the "
         "complaint form's poster and the corruption form's ([complaint_form] form_url, "
         "corruption_form_url). Thai text needs a Thai "
         "font (bash scripts/install-thai-font.sh); without one the Thai lines are left out.",
         workbook=False, today=False)
@arguments(_qr_args)
def cmd_qr(args: argparse.Namespace, settings: Settings) -> int:
    from automation.posters import (
        demo_forms,
        make_complaint_posters,
        make_posters,
        short_link,
    )

    en = settings.run.language == "en"
    # Every form link still the shipped placeholder, the complaint forms' too when their
    # posters are made: a poster printed from one sends people to no form.
    demo = demo_forms(settings, complaint_forms=not args.point)
    if demo:
        where = f"{', '.join(demo)} {'in' if en else 'ใน'} {settings.source}"
        marks = ", ".join(demo.values())
        if args.strict:
            raise ConfigError(f"{where} is still the demo form ({marks}); paste your form's "
                              "link there (see the README's QR posters)" if en else
                              f"{where}: ยังเป็นแบบฟอร์มตัวอย่าง ({marks}) — วางลิงก์แบบฟอร์มของสำนักงานแทน "
                              "แล้วสั่ง ./ita qr อีกครั้ง (ดูหัวข้อ QR posters ใน README) (still the demo form)")
        print(f"warning: {where} is still the demo form ({marks}): these posters open no real "
              "form; paste your form's link there before printing" if en else
              f"คำเตือน: {where} ยังเป็นแบบฟอร์มตัวอย่าง ({marks}) โปสเตอร์เหล่านี้เปิดแบบฟอร์มจริงไม่ได้ "
              "ให้วางลิงก์ของแบบฟอร์มของหน่วยงานก่อนพิมพ์", file=sys.stderr)
    posters = make_posters(settings, args.out, only=args.point, size=args.size)
    if not args.point:  # and the complaint form's posters, where its link is set
        posters += make_complaint_posters(settings, args.out, size=args.size)
    if args.json:
        print_json([{"key": p.key, "name": p.name, "url": p.url, "png": str(p.png), "pdf": str(p.pdf),
                     "thai_text": p.thai_text} for p in posters])
        return 0
    for p in posters:
        print(f"{p.name}: {p.pdf}  ({p.png.name})\n  {p.url}")
    if posters:
        print(("under each QR code, for people who cannot scan: " if en else
               "ใต้คิวอาร์โค้ดพิมพ์ลิงก์สำหรับผู้ที่สแกนไม่ได้: ") + short_link(settings))
    if posters and not posters[0].thai_text:
        print("warning: no Thai font found; the posters have no Thai text "
              "(run `bash scripts/install-thai-font.sh`)" if en else
              "คำเตือน: โปสเตอร์ไม่มีข้อความภาษาไทยเพราะไม่พบฟอนต์ภาษาไทย — ติดตั้งด้วย bash scripts/install-thai-font.sh "
              "แล้วสั่ง ./ita qr อีกครั้ง", file=sys.stderr)
    return 0
