"""Logging for the long-running service: readable lines to stderr and a rotating log file.

`serve` calls `setup_logging` once. Lines carry the office's local time (Asia/Bangkok by
default), the level, the part of the service and the message:

    2024-04-22 07:30:00+07:00 INFO  scheduler: check finished ok (findings=12, new=2)

With `[logging] json_lines = true` (or `serve --log-json`) each line is instead one JSON object
({"time", "level", "logger", "message", plus "error" with the traceback}) for a log collector.
The file is `<output_dir>/logs/automation.log`, rotated at `max_bytes`, `backup_count` kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from automation.settings import Settings

LOG_FILE = "automation.log"


class _LocalTime(logging.Formatter):
    def __init__(self, tz: ZoneInfo, fmt: str | None = None) -> None:
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return dt.datetime.fromtimestamp(record.created, self.tz).isoformat(sep=" ", timespec="seconds")


class ReadableFormatter(_LocalTime):
    def __init__(self, tz: ZoneInfo) -> None:
        super().__init__(tz, "%(asctime)s %(levelname)-5s %(shortname)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.shortname = record.name.removeprefix("automation.")
        return super().format(record)


class JsonFormatter(_LocalTime):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


@dataclass
class LogSetup:
    """What `setup_logging` changed, so a test (or a second setup) can put it back."""

    file: Path
    handlers: list[logging.Handler] = field(default_factory=list)
    _undo: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        root = logging.getLogger()
        for handler in self.handlers:
            root.removeHandler(handler)
            handler.close()
        for undo in reversed(self._undo):
            undo()


# Libraries whose debug output is noise to an office: kept at WARNING even with --verbose.
NOISY_LIBRARIES = ("matplotlib", "PIL", "fontTools", "urllib3", "google", "gspread", "asyncio", "docxtpl",
                   "docx", "pythainlp", "charset_normalizer", "linebot", "aiosmtpd", "mail.log", "schedule")


def quiet_libraries() -> None:
    """Third-party loggers at WARNING; urllib3's connection-retry warnings off (a failed
    Google call ends in one line of the service's own that says what happened)."""
    for name in NOISY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logging.getLogger(name).setLevel(logging.ERROR)


def setup_logging(settings: Settings, *, json_lines: bool | None = None, verbose: bool = False,
                  stream: TextIO | None = None) -> LogSetup:
    """Send the service's logs to stderr (or `stream`) and the rotating file, replacing what
    `logging.basicConfig` set up before. Returns a handle whose `close()` undoes it."""
    tz = ZoneInfo(settings.run.timezone)
    use_json = settings.logging.json_lines if json_lines is None else json_lines
    formatter: logging.Formatter = JsonFormatter(tz) if use_json else ReadableFormatter(tz)
    folder = settings.output_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    to_file = logging.handlers.RotatingFileHandler(
        path, maxBytes=settings.logging.max_bytes, backupCount=settings.logging.backup_count, encoding="utf-8"
    )
    to_stderr = logging.StreamHandler(stream or sys.stderr)
    root = logging.getLogger()
    setup = LogSetup(path)
    previous_level, previous_handlers = root.level, list(root.handlers)
    for handler in previous_handlers:
        root.removeHandler(handler)
    setup._undo.append(lambda: [root.addHandler(h) for h in previous_handlers])
    setup._undo.append(lambda: root.setLevel(previous_level))
    for handler in (to_file, to_stderr):
        handler.setFormatter(formatter)
        root.addHandler(handler)
        setup.handlers.append(handler)
    root.setLevel("DEBUG" if verbose else settings.logging.level)
    quiet_libraries()
    return setup
