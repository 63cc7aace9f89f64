"""The service's logs: readable lines in office time, JSON lines on request, a rotating file."""

from __future__ import annotations

import io
import json
import logging
import re

from automation.logs import LOG_FILE, setup_logging
from automation.settings import Settings


def small_logs(settings: Settings, max_bytes: int = 2000, backup_count: int = 2) -> Settings:
    return settings.model_copy(update={"logging": settings.logging.model_copy(
        update={"max_bytes": max_bytes, "backup_count": backup_count})})


def test_readable_lines_carry_office_time_level_part_and_message(settings: Settings) -> None:
    stream = io.StringIO()
    setup = setup_logging(settings, json_lines=False, stream=stream)
    try:
        logging.getLogger("automation.scheduler").info("check ok: findings=%d", 12)
    finally:
        setup.close()
    (line,) = stream.getvalue().splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+07:00 INFO  scheduler: check ok: findings=12", line)
    assert (settings.output_dir / "logs" / LOG_FILE).read_text(encoding="utf-8").splitlines() == [line]


def test_json_lines_are_one_object_each_with_the_traceback_of_an_error(settings: Settings) -> None:
    stream = io.StringIO()
    setup = setup_logging(settings, json_lines=True, stream=stream)
    try:
        log = logging.getLogger("automation.delivery")
        log.warning("ส่งอีเมลไม่สำเร็จ %s", "กองคลัง")
        try:
            raise OSError("connection refused")
        except OSError:
            log.exception("deliver failed")
    finally:
        setup.close()
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (first["level"], first["logger"], first["message"]) == ("WARNING", "automation.delivery",
                                                                 "ส่งอีเมลไม่สำเร็จ กองคลัง")
    assert first["time"].endswith("+07:00") and "error" not in first
    assert second["level"] == "ERROR" and "OSError: connection refused" in second["error"]
    assert "ส่งอีเมลไม่สำเร็จ" in setup.file.read_text(encoding="utf-8")  # Thai kept as text, not \\u escapes


def test_the_log_file_rotates_at_max_bytes_and_keeps_backup_count_old_files(settings: Settings) -> None:
    small = small_logs(settings, max_bytes=2000, backup_count=2)
    setup = setup_logging(small, json_lines=False, stream=io.StringIO())
    try:
        log = logging.getLogger("automation.scheduler")
        for n in range(200):  # about 16 kB: many times max_bytes
            log.info("line %03d of a long-running service", n)
    finally:
        setup.close()
    folder = small.output_dir / "logs"
    files = sorted(p.name for p in folder.iterdir())
    assert files == [LOG_FILE, f"{LOG_FILE}.1", f"{LOG_FILE}.2"]
    assert all((folder / f).stat().st_size <= 2000 for f in files)
    newest = (folder / LOG_FILE).read_text(encoding="utf-8").splitlines()
    assert newest[-1].endswith("line 199 of a long-running service")


def test_closing_the_setup_puts_the_previous_handlers_back(settings: Settings) -> None:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    setup = setup_logging(settings, verbose=True, stream=io.StringIO())
    assert root.level == logging.DEBUG and all(h in root.handlers for h in setup.handlers)
    setup.close()
    assert (list(root.handlers), root.level) == before
