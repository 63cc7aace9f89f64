"""What a run is doing now, for a person watching it.

The pipeline marks its long steps (`with step("validation"): ...`). Each step is logged
when it starts and when it ends, with its time, on the `automation.progress` logger (shown by
`--verbose`, and in the service log at DEBUG). On a terminal the command line also installs a
`TerminalProgress`: a spinner per step drawn by rich on stderr, gone when the step ends. Not on
a pipe, a cron job or a log file, and never with --json, so machine output stays clean.

Ground level: imports nothing of the house.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from typing import Any, Protocol, TextIO

log = logging.getLogger("automation.progress")


class Reporter(Protocol):
    def started(self, name: str) -> Any: ...

    def finished(self, token: Any) -> None: ...


_reporter: Reporter | None = None


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """One step of a run: logged with its time, and shown on a terminal while it runs."""
    log.info("%s …", name)
    token = _reporter.started(name) if _reporter else None
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        if _reporter:
            _reporter.finished(token)
        log.info("%s: %.2f s", name, seconds)


def install(reporter: Reporter | None) -> None:
    """The reporter steps are shown on (None: none, only the log)."""
    global _reporter
    _reporter = reporter


class TerminalProgress:
    """rich's spinner with the step's name and elapsed time, transient (erased at the end)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=stream or sys.stderr)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                 console=console, transient=True)

    def __enter__(self) -> TerminalProgress:
        self.progress.start()
        install(self)
        return self

    def __exit__(self, *exc: object) -> None:
        install(None)
        self.progress.stop()

    def started(self, name: str) -> Any:
        return self.progress.add_task(name, total=None)

    def finished(self, token: Any) -> None:
        self.progress.remove_task(token)


def wanted(stream: TextIO, machine_output: bool) -> bool:
    """A spinner only for a person at a terminal, never around JSON."""
    return not machine_output and hasattr(stream, "isatty") and stream.isatty()
