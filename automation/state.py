"""What the service remembers between runs, in one SQLite file (`[state] path`).

- runs: every job run (start, end, outcome, counts, API calls, error), for `status`;
- jobs: per job, up to when its slots are covered (so a restart catches up once) and its
  last success and failure;
- outbox: every message, keyed by an idempotency key, with its channel (e-mail or LINE), its
  exact bytes and status, so a message is sent once and a failed one is retried with the same
  bytes (a LINE message also keeps its X-Line-Retry-Key);
- line_chats: the LINE groups (and users) the bot has met through its webhook, so an
  administrator can find the group id to put in the settings;
- marks: one-off facts ("the report of FY 2567 round 1 was drafted");
- findings: the last finding set, for "new since the last check".

Times are stored as ISO text with their UTC offset. One service instance at a time is
guaranteed by `InstanceLock`, an flock on a file beside the database: the kernel drops the
lock when the process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automation.settings import ConfigError

SCHEMA_VERSION = 2  # 2: the outbox's channel, retry key and uncertain moment; line_chats

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    slot TEXT,
    started TEXT NOT NULL,
    ended TEXT,
    outcome TEXT NOT NULL DEFAULT 'running',
    counts TEXT NOT NULL DEFAULT '{}',
    api_calls INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    catch_up INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_job ON runs (job, id);
CREATE TABLE IF NOT EXISTS jobs (
    name TEXT PRIMARY KEY,
    covered_until TEXT,
    last_success TEXT,
    last_failure TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    created TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    next_attempt TEXT,
    copy_path TEXT NOT NULL DEFAULT '',
    eml BLOB NOT NULL,
    channel TEXT NOT NULL DEFAULT 'email',
    retry_key TEXT NOT NULL DEFAULT '',
    uncertain_since TEXT
);
CREATE TABLE IF NOT EXISTS line_chats (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
    identity TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    seen TEXT NOT NULL
);
"""

# Columns added since version 1: a state file from before gets them on open (existing rows are
# e-mail, which is all version 1 could send).
_ADDED_COLUMNS = {
    "outbox": (("channel", "TEXT NOT NULL DEFAULT 'email'"), ("retry_key", "TEXT NOT NULL DEFAULT ''"),
               ("uncertain_since", "TEXT")),
}
EMAIL, LINE = "email", "line"

# Outbox statuses: waiting to go out, delivered, kept in the output folder only (no SMTP
# server configured or no recipient), given up after too many failed attempts.
PENDING, SENT, LOCAL, FAILED = "pending", "sent", "local", "failed"
# …and not sent because it came too late to be of use (a reminder after its report's due date).
EXPIRED = "expired"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class RunRecord:
    id: int
    job: str
    slot: dt.datetime | None
    started: dt.datetime
    ended: dt.datetime | None
    outcome: str  # running | ok | skipped | failed
    counts: dict[str, Any]
    api_calls: int
    error: str
    catch_up: bool


@dataclass(frozen=True)
class JobState:
    name: str
    covered_until: dt.datetime | None  # every slot up to here has been served
    last_success: dt.datetime | None
    last_failure: dt.datetime | None
    failures: int  # consecutive failures
    last_error: str


@dataclass(frozen=True)
class OutboxItem:
    key: str
    kind: str
    recipients: list[str]
    subject: str
    created: dt.datetime
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None
    next_attempt: dt.datetime | None  # a pending message is not tried again before this
    copy_path: str
    eml: bytes  # the exact message: RFC 5322 bytes for e-mail, the push request's JSON for LINE
    channel: str = EMAIL
    retry_key: str = ""  # LINE: the X-Line-Retry-Key every attempt of this message carries
    uncertain_since: dt.datetime | None = None  # LINE: first attempt whose fate is unknown (dropped, 5xx)


@dataclass(frozen=True)
class LineChat:
    id: str  # C… group, R… room, U… user
    kind: str  # group | room | user
    event: str  # the last event seen: join | leave | message | follow
    first_seen: dt.datetime
    last_seen: dt.datetime


@dataclass(frozen=True)
class FindingDelta:
    new: int
    resolved: int
    total: int


class State:
    """The service's memory. Cheap to open; every write is committed at once."""

    def __init__(self, path: Path, lang: str = "th") -> None:
        """`lang`: the language of the one-line error when the file cannot be used."""
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(folder_problem(self.path, exc, lang)) from None
        # isolation_level=None: autocommit; multi-statement writes use explicit transactions.
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            self.db.row_factory = sqlite3.Row
            # WAL lets `status` read while `serve` writes.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._migrate()
            self.db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        except sqlite3.DatabaseError as exc:
            self.db.close()
            # A damaged or foreign file: never overwrite it (it may hold the record of sent mail).
            raise ConfigError(damaged(self.path, exc, lang)) from None

    def _migrate(self) -> None:
        """Bring a state file written by an earlier version up to this one, keeping its rows."""
        for table, columns in _ADDED_COLUMNS.items():
            have = {r["name"] for r in self.db.execute(f"PRAGMA table_info({table})")}
            for name, decl in columns:
                if name not in have:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
        self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
                        (str(SCHEMA_VERSION), SCHEMA_VERSION))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ runs

    def start_run(self, job: str, started: dt.datetime, slot: dt.datetime | None = None,
                  catch_up: bool = False) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (job, slot, started, catch_up) VALUES (?, ?, ?, ?)",
            (job, _iso(slot), _iso(started), int(catch_up)),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, ended: dt.datetime, outcome: str, counts: dict[str, Any] | None = None,
                   api_calls: int = 0, error: str = "") -> None:
        self.db.execute(
            "UPDATE runs SET ended = ?, outcome = ?, counts = ?, api_calls = ?, error = ? WHERE id = ?",
            (_iso(ended), outcome, json.dumps(counts or {}, ensure_ascii=False, default=str), api_calls,
             error, run_id),
        )

    def runs(self, job: str | None = None, limit: int | None = 10) -> list[RunRecord]:
        """Most recent first; `limit=None` for all of them."""
        sql = "SELECT * FROM runs" + (" WHERE job = ?" if job else "") + " ORDER BY id DESC"
        params: tuple[Any, ...] = (job,) if job else ()
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [
            RunRecord(
                id=r["id"], job=r["job"], slot=_moment(r["slot"]), started=_moment(r["started"]),  # type: ignore[arg-type]
                ended=_moment(r["ended"]), outcome=r["outcome"], counts=json.loads(r["counts"]),
                api_calls=r["api_calls"], error=r["error"], catch_up=bool(r["catch_up"]),
            )
            for r in self.db.execute(sql, params)
        ]

    # ------------------------------------------------------------ jobs

    def job_state(self, name: str) -> JobState | None:
        r = self.db.execute("SELECT * FROM jobs WHERE name = ?", (name,)).fetchone()
        if r is None:
            return None
        return JobState(r["name"], _moment(r["covered_until"]), _moment(r["last_success"]),
                        _moment(r["last_failure"]), r["failures"], r["last_error"])

    def job_succeeded(self, name: str, at: dt.datetime) -> None:
        """Every slot up to `at` is served: a restart later catches up from here."""
        self.db.execute(
            "INSERT INTO jobs (name, covered_until, last_success, failures, last_error) VALUES (?, ?, ?, 0, '')"
            " ON CONFLICT(name) DO UPDATE SET covered_until = excluded.covered_until,"
            " last_success = excluded.last_success, failures = 0, last_error = ''",
            (name, _iso(at), _iso(at)),
        )

    def job_failed(self, name: str, at: dt.datetime, error: str) -> None:
        """`covered_until` stays where it was, so the missed slot is retried."""
        self.db.execute(
            "INSERT INTO jobs (name, last_failure, failures, last_error) VALUES (?, ?, 1, ?)"
            " ON CONFLICT(name) DO UPDATE SET last_failure = excluded.last_failure,"
            " failures = jobs.failures + 1, last_error = excluded.last_error",
            (name, _iso(at), error),
        )

    def job_started(self, name: str, at: dt.datetime) -> None:
        """A job seen for the first time covers nothing before the service first met it."""
        self.db.execute("INSERT OR IGNORE INTO jobs (name, covered_until) VALUES (?, ?)", (name, _iso(at)))

    # ------------------------------------------------------------ marks

    def mark(self, key: str, at: dt.datetime) -> bool:
        """Remember a one-off fact; False when it was already remembered."""
        cur = self.db.execute("INSERT OR IGNORE INTO marks (key, at) VALUES (?, ?)", (key, _iso(at)))
        return cur.rowcount == 1

    def marked(self, key: str) -> dt.datetime | None:
        r = self.db.execute("SELECT at FROM marks WHERE key = ?", (key,)).fetchone()
        return _moment(r["at"]) if r else None

    def marks(self, prefix: str) -> set[str]:
        """Every remembered key starting with `prefix`, the prefix taken off."""
        rows = self.db.execute("SELECT key FROM marks WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        return {r["key"][len(prefix):] for r in rows}

    # ------------------------------------------------------------ findings

    def replace_findings(self, findings: Iterable[dict[str, Any]], at: dt.datetime) -> FindingDelta:
        """Store the current finding set (each a JSON-able dict with an 'identity' string) and
        say how many are new and how many of the last set are gone."""
        current = {str(f["identity"]): f for f in findings}
        previous = {r["identity"] for r in self.db.execute("SELECT identity FROM findings")}
        self.db.execute("BEGIN")
        try:
            self.db.execute("DELETE FROM findings")
            self.db.executemany(
                "INSERT INTO findings (identity, data, seen) VALUES (?, ?, ?)",
                [(k, json.dumps(v, ensure_ascii=False, default=str), _iso(at)) for k, v in current.items()],
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return FindingDelta(new=len(current.keys() - previous), resolved=len(previous - current.keys()),
                            total=len(current))

    def last_findings(self) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self.db.execute("SELECT data FROM findings ORDER BY identity")]

    # ------------------------------------------------------------ outbox

    def outbox_add(self, *, key: str, kind: str, recipients: list[str], subject: str, created: dt.datetime,
                   status: str, eml: bytes, copy_path: str = "", channel: str = EMAIL, retry_key: str = "") -> bool:
        """Queue a message once: False (and nothing changes) when the key is already known."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO outbox (key, kind, recipients, subject, created, status, copy_path, eml,"
            " channel, retry_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, kind, json.dumps(recipients), subject, _iso(created), status, copy_path, eml, channel, retry_key),
        )
        return cur.rowcount == 1

    def outbox(self, status: str | None = None, limit: int | None = None, key: str | None = None,
               channel: str | None = None) -> list[OutboxItem]:
        where = [w for w, v in (("status = ?", status), ("key = ?", key), ("channel = ?", channel)) if v]
        sql = "SELECT * FROM outbox" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY created, key"
        params: tuple[Any, ...] = tuple(v for v in (status, key, channel) if v)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [
            OutboxItem(r["key"], r["kind"], json.loads(r["recipients"]), r["subject"],
                       _moment(r["created"]), r["status"], r["attempts"], r["last_error"],  # type: ignore[arg-type]
                       _moment(r["sent_at"]), _moment(r["next_attempt"]), r["copy_path"], bytes(r["eml"]),
                       r["channel"], r["retry_key"], _moment(r["uncertain_since"]))
            for r in self.db.execute(sql, params)
        ]

    def _pending_times(self, channel: str | None) -> list[tuple[str, dt.datetime]]:
        """(key, earliest next attempt) of each pending message: its creation if never tried."""
        sql = "SELECT key, created, next_attempt FROM outbox WHERE status = ?"
        params: tuple[Any, ...] = (PENDING,)
        if channel:
            sql, params = sql + " AND channel = ?", (PENDING, channel)
        return [(r["key"], _moment(r["next_attempt"] or r["created"])) for r in self.db.execute(sql, params)]  # type: ignore[misc]

    def outbox_due(self, now: dt.datetime, channel: str = EMAIL) -> list[OutboxItem]:
        """Pending messages of one channel whose next attempt has come, oldest first."""
        due = {key for key, at in self._pending_times(channel) if at <= now}
        return [i for i in self.outbox(PENDING, channel=channel) if i.key in due] if due else []

    def next_mail_attempt(self, channels: Iterable[str] = (EMAIL,)) -> dt.datetime | None:
        """When the earliest pending message of these channels may be tried."""
        moments = [at for channel in channels for _, at in self._pending_times(channel)]
        return min(moments) if moments else None

    def outbox_uncertain(self, key: str, since: dt.datetime) -> None:
        """An attempt whose answer was lost: LINE may have accepted it. Only the first such
        moment counts (LINE honours a retry key for 24 hours after it)."""
        self.db.execute("UPDATE outbox SET uncertain_since = COALESCE(uncertain_since, ?) WHERE key = ?",
                        (_iso(since), key))

    def outbox_give_up(self, key: str, error: str) -> None:
        """No further attempt, whatever the count (a request LINE will never accept)."""
        self.db.execute("UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?,"
                        " next_attempt = NULL WHERE key = ?", (FAILED, error, key))

    def outbox_defer(self, keys: Iterable[str], until: dt.datetime, error: str) -> None:
        """Not tried (the server was unreachable): wait until `until`, no attempt charged."""
        self.db.executemany("UPDATE outbox SET next_attempt = ?, last_error = ? WHERE key = ?",
                            [(_iso(until), error, k) for k in keys])

    def sent_times(self, kind: str) -> dict[str, dt.datetime]:
        """key -> when the server accepted it, for the sent messages of one kind."""
        rows = self.db.execute("SELECT key, sent_at FROM outbox WHERE kind = ? AND status = ? AND sent_at IS NOT NULL",
                               (kind, SENT))
        return {r["key"]: _moment(r["sent_at"]) for r in rows}  # type: ignore[misc]

    def outbox_item(self, key: str) -> OutboxItem | None:
        found = self.outbox(key=key)
        return found[0] if found else None

    def outbox_sent(self, key: str, at: dt.datetime, note: str = "") -> None:
        self.db.execute(
            "UPDATE outbox SET status = ?, sent_at = ?, attempts = attempts + 1, last_error = ? WHERE key = ?",
            (SENT, _iso(at), note, key),
        )

    def outbox_attempt_failed(self, key: str, error: str, max_attempts: int,
                              next_attempt: dt.datetime | None = None) -> str:
        """Count a failed attempt; the message stays pending (not tried again before
        `next_attempt`) until `max_attempts`. Returns the status."""
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ?,"
            " status = CASE WHEN attempts + 1 >= ? THEN ? ELSE status END WHERE key = ?",
            (error, _iso(next_attempt), max_attempts, FAILED, key),
        )
        r = self.db.execute("SELECT status FROM outbox WHERE key = ?", (key,)).fetchone()
        return str(r["status"]) if r else FAILED

    def outbox_expire(self, key: str, note: str) -> None:
        """A pending message past its usefulness: never sent, kept (with why) for `status`."""
        self.db.execute("UPDATE outbox SET status = ?, last_error = ? WHERE key = ? AND status = ?",
                        (EXPIRED, note, key, PENDING))

    def outbox_counts(self, channel: str = EMAIL) -> dict[str, int]:
        counts = {PENDING: 0, SENT: 0, LOCAL: 0, FAILED: 0}
        for r in self.db.execute("SELECT status, COUNT(*) AS n FROM outbox WHERE channel = ? GROUP BY status",
                                 (channel,)):
            counts[r["status"]] = r["n"]
        return counts

    # ------------------------------------------------------------ LINE chats

    def line_chat_seen(self, chat_id: str, kind: str, event: str, at: dt.datetime) -> None:
        self.db.execute(
            "INSERT INTO line_chats (id, kind, event, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET event = excluded.event, last_seen = excluded.last_seen",
            (chat_id, kind, event, _iso(at), _iso(at)),
        )

    def line_chats(self) -> list[LineChat]:
        return [LineChat(r["id"], r["kind"], r["event"], _moment(r["first_seen"]), _moment(r["last_seen"]))  # type: ignore[arg-type]
                for r in self.db.execute("SELECT * FROM line_chats ORDER BY last_seen DESC")]


# ---------------------------------------------------------------- one instance at a time


class AlreadyRunning(Exception):
    """Another `serve` holds the lock."""

    def __init__(self, path: Path, pid: int | None, lang: str = "th") -> None:
        self.path, self.pid = path, pid
        if lang == "en":
            who = f"process {pid}" if pid else "another process"
            text = f"the service is already running ({who}, lock {path}); stop it first"
        else:
            who, stop = (f"process {pid}", f" เช่น kill {pid}") if pid else ("โปรแกรมอื่นถือไฟล์ล็อกอยู่", "")
            text = (f"{path}: บริการ serve ทำงานอยู่แล้ว ({who}) — หยุดตัวเดิมก่อน{stop} แล้วสั่งใหม่ "
                    "(the service is already running)")
        super().__init__(text)


class InstanceLock:
    """An exclusive flock on `<state file>.lock` that records the holder's pid.

    flock belongs to the open file: the kernel releases it when the process exits or is
    killed, so a lock left by a crash is simply free again.
    """

    def __init__(self, state_path: Path, lang: str = "th") -> None:
        self.path = Path(str(state_path) + ".lock")
        self.lang = lang
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(lock_problem(self.path, exc, self.lang)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(self.path, self.holder(), self.lang) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def holder(self) -> int | None:
        """The pid of the running service, or None when nobody holds the lock."""
        if not self.path.exists():
            return None
        fd = os.open(self.path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                text = os.pread(fd, 32, 0).decode(errors="replace").strip()
                return int(text) if text.isdigit() else 0
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)


# ---------------------------------------------------------------- the state file's problems in words
# One line each, as the settings' own: Thai first, the fix with the key as the file writes it,
# a short English gloss; English alone with --lang en. `[state] path` is the setting to change.

_FIX_TH = 'ตั้ง [state] path เป็นไฟล์ในโฟลเดอร์ที่เขียนได้ เช่น path = "../state/automation.sqlite"'


def folder_problem(path: Path, exc: OSError, lang: str = "th") -> str:
    reason = exc.strerror or str(exc)
    if lang == "en":
        return (f"[state] path {path}: its folder cannot be created ({reason}); "
                "set [state] path to a file in a writable folder")
    return f"[state] path {path}: สร้างโฟลเดอร์ของไฟล์สถานะไม่ได้ ({reason}) — {_FIX_TH} (cannot create its folder)"


def lock_problem(lock: Path, exc: OSError, lang: str = "th") -> str:
    reason = exc.strerror or str(exc)
    if lang == "en":
        return (f"[state] path: the lock file {lock} cannot be created ({reason}); "
                "set [state] path to a file in a writable folder")
    return f"[state] path: สร้างไฟล์ล็อก {lock} ไม่ได้ ({reason}) — {_FIX_TH} (cannot create the lock file)"


def damaged(path: Path, exc: sqlite3.Error, lang: str = "th") -> str:
    if lang == "en":
        return (f"[state] path {path}: not a usable SQLite state file ({exc}); move it aside "
                "to start a fresh state, or set [state] path to another file")
    return (f"[state] path {path}: ไฟล์สถานะเสียหายหรือไม่ใช่ไฟล์สถานะของระบบ — ย้ายไฟล์นี้ไปไว้ที่อื่น "
            "(อย่าลบ เพราะอาจมีประวัติอีเมลที่ส่งแล้ว) แล้วสั่งใหม่ ระบบจะเริ่มไฟล์สถานะใหม่ให้ "
            f"หรือตั้ง [state] path เป็นไฟล์อื่น (not a usable SQLite state file: {exc})")
