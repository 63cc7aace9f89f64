"""The service's memory: runs, job coverage, marks, finding sets, outbox, one instance at a time."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from automation.cli import main
from automation.settings import ConfigError, Settings
from automation.state import FAILED, PENDING, SENT, AlreadyRunning, InstanceLock, State

PROJECT = Path(__file__).resolve().parent.parent
BKK = ZoneInfo("Asia/Bangkok")
MORNING = dt.datetime(2024, 4, 22, 7, 30, tzinfo=BKK)


def test_runs_are_kept_with_outcome_counts_and_api_calls_newest_first(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as state:
        first = state.start_run("check", MORNING, slot=MORNING)
        state.finish_run(first, MORNING + dt.timedelta(minutes=2), "ok", {"findings": 12, "new": 3}, api_calls=7)
        second = state.start_run("digest", MORNING + dt.timedelta(minutes=30), catch_up=True)
        state.finish_run(second, MORNING + dt.timedelta(minutes=31), "failed", error="WorkbookError: หาไฟล์ไม่พบ")
    with State(tmp_path / "s.sqlite") as reopened:  # persisted, not just in memory
        runs = reopened.runs()
    assert [r.job for r in runs] == ["digest", "check"]
    digest, check = runs
    assert (check.outcome, check.counts, check.api_calls, check.slot) == ("ok", {"findings": 12, "new": 3}, 7, MORNING)
    assert check.ended == MORNING + dt.timedelta(minutes=2)
    assert (digest.outcome, digest.catch_up, digest.error) == ("failed", True, "WorkbookError: หาไฟล์ไม่พบ")


def test_a_failure_leaves_the_covered_moment_so_the_slot_is_retried(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as state:
        state.job_started("check", MORNING)
        state.job_started("check", MORNING + dt.timedelta(days=5))  # only the first meeting counts
        assert state.job_state("check").covered_until == MORNING  # type: ignore[union-attr]
        later = MORNING + dt.timedelta(days=1)
        state.job_failed("check", later, "OSError: network down")
        state.job_failed("check", later + dt.timedelta(days=1), "OSError: network down")
        failing = state.job_state("check")
        assert failing is not None
        assert (failing.covered_until, failing.failures, failing.last_error) == (MORNING, 2, "OSError: network down")
        state.job_succeeded("check", later + dt.timedelta(days=2))
        ok = state.job_state("check")
        assert ok is not None
        assert (ok.covered_until, ok.failures, ok.last_error) == (later + dt.timedelta(days=2), 0, "")


def test_a_mark_is_remembered_once(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as state:
        assert state.marked("report:2567:h1") is None
        assert state.mark("report:2567:h1", MORNING) is True
        assert state.mark("report:2567:h1", MORNING + dt.timedelta(days=1)) is False
        assert state.marked("report:2567:h1") == MORNING


def test_the_last_finding_set_tells_new_from_resolved(tmp_path: Path) -> None:
    a = {"identity": "measures|3|due_date|date.format", "message": "วันที่ไม่ถูกต้อง", "unit": "กองคลัง"}
    b = {"identity": "complaints|R-7|status|choice", "message": "สถานะไม่อยู่ในรายการ", "unit": "กองช่าง"}
    c = {"identity": "measures|9|unit|unit.unknown", "message": "ไม่รู้จักหน่วยงาน", "unit": ""}
    with State(tmp_path / "s.sqlite") as state:
        first = state.replace_findings([a, b], MORNING)
        second = state.replace_findings([b, c], MORNING + dt.timedelta(days=1))
        assert (first.new, first.resolved, first.total) == (2, 0, 2)
        assert (second.new, second.resolved, second.total) == (1, 1, 2)
        assert sorted(f["message"] for f in state.last_findings()) == sorted([b["message"], c["message"]])


def test_the_outbox_takes_a_key_once_and_gives_up_after_max_attempts(tmp_path: Path) -> None:
    with State(tmp_path / "s.sqlite") as state:
        args = dict(kind="digest", recipients=["finance@example.go.th"], subject="สรุปงาน", created=MORNING,
                    status=PENDING, eml=b"Subject: x\r\n\r\nbody\r\n")
        assert state.outbox_add(key="digest:กองคลัง:2024-04-22", **args) is True
        assert state.outbox_add(key="digest:กองคลัง:2024-04-22", **{**args, "subject": "อื่น"}) is False
        assert state.outbox_attempt_failed("digest:กองคลัง:2024-04-22", "554 refused", max_attempts=2) == PENDING
        assert state.outbox_attempt_failed("digest:กองคลัง:2024-04-22", "554 refused", max_attempts=2) == FAILED
        item = state.outbox_item("digest:กองคลัง:2024-04-22")
        assert item is not None and (item.subject, item.attempts, item.status) == ("สรุปงาน", 2, FAILED)
        assert state.outbox_add(key="reminder:2567:h1:3:กองช่าง", **args)
        state.outbox_sent("reminder:2567:h1:3:กองช่าง", MORNING)
        assert state.outbox_counts() == {"pending": 0, "sent": 1, "local": 0, "failed": 1}
        assert [i.key for i in state.outbox(SENT)] == ["reminder:2567:h1:3:กองช่าง"]


def test_only_one_instance_holds_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with InstanceLock(db):
        assert InstanceLock(db).holder() == os.getpid()
        with pytest.raises(AlreadyRunning) as err:
            InstanceLock(db).acquire()
        assert err.value.pid == os.getpid()
        assert str(err.value) == (f"{db}.lock: บริการ serve ทำงานอยู่แล้ว (process {os.getpid()}) — หยุดตัวเดิมก่อน "
                                  f"เช่น kill {os.getpid()} แล้วสั่งใหม่ (the service is already running)")
    assert InstanceLock(db).holder() is None
    with InstanceLock(db):  # released cleanly: free again
        pass


HOLD_LOCK = """
import sys, time
from automation.state import InstanceLock
InstanceLock(sys.argv[1]).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_lock_left_by_a_crashed_service_is_free_again(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning) as err:
            InstanceLock(db).acquire()
        assert err.value.pid == holder.pid
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no clean-up code runs
        holder.wait(10)
    assert Path(str(db) + ".lock").exists()  # the file stays behind…
    with InstanceLock(db) as lock:  # …but the lock is free
        assert lock.holder() == os.getpid()


def test_serve_refuses_to_start_while_another_instance_runs(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    with InstanceLock(settings.state_path):
        assert main(["serve", "--once", "--config", str(settings.source)]) == 2
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"error: {settings.state_path}.lock: บริการ serve ทำงานอยู่แล้ว (process {os.getpid()})")
        assert main(["serve", "--once", "--config", str(settings.source), "--lang", "en"]) == 2  # English on request
        assert capsys.readouterr().err.startswith("error: the service is already running (process")


def test_a_damaged_state_file_is_one_line_naming_it_and_is_left_untouched(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    settings.state_path.parent.mkdir(parents=True, exist_ok=True)
    settings.state_path.write_bytes(b"not a database, maybe a backup copied over it\n" * 20)
    before = settings.state_path.read_bytes()
    for command in (["status"], ["serve", "--once"]):
        assert main([*command, "--config", str(settings.source)]) == 2
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith(f"error: [state] path {settings.state_path}: ไฟล์สถานะเสียหายหรือไม่ใช่ไฟล์สถานะของระบบ "
                               "— ย้ายไฟล์นี้ไปไว้ที่อื่น (อย่าลบ")
        assert line.endswith("(not a usable SQLite state file: file is not a database)")
    assert main(["status", "--config", str(settings.source), "--lang", "en"]) == 2  # English on request
    assert "move it aside" in capsys.readouterr().err
    assert settings.state_path.read_bytes() == before


def test_a_damaged_state_file_through_the_real_command_line(settings: Settings) -> None:
    """As a clerk meets it: ./ita status in a terminal, one Thai line on stderr, exit 2."""
    settings.state_path.parent.mkdir(parents=True, exist_ok=True)
    settings.state_path.write_bytes(b"a spreadsheet saved over the state file\n" * 20)
    for extra, start in (([], "ไฟล์สถานะเสียหาย"), (["--lang", "en"], "not a usable SQLite state file")):
        done = subprocess.run(["./ita", "status", "--config", str(settings.source), *extra], cwd=PROJECT,
                              env={**os.environ, "ITA_PYTHON": sys.executable}, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith(f"error: [state] path {settings.state_path}: {start}"), done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_state_path_in_a_folder_that_cannot_exist_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(ConfigError, match=r"^\[state\] path .*: สร้างโฟลเดอร์ของไฟล์สถานะไม่ได้ \(.*\) — ตั้ง \[state\] "
                       r"path เป็นไฟล์ในโฟลเดอร์ที่เขียนได้ เช่น path = \"\.\./state/automation\.sqlite\" "
                       r"\(cannot create its folder\)$"):
        State(blocker / "automation.sqlite")
    with pytest.raises(ConfigError, match=r"^\[state\] path: สร้างไฟล์ล็อก .*automation\.sqlite\.lock ไม่ได้"):
        InstanceLock(blocker / "automation.sqlite").acquire()
    with pytest.raises(ConfigError, match=r"^\[state\] path .*cannot be created.*writable folder"):
        State(blocker / "automation.sqlite", lang="en")
