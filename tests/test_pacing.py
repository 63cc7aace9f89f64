"""Pacing to Google's per-minute quotas, on a fake clock: no test waits for real minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.pacing import WINDOW, Pacer, shared_pacer, sweep_minutes
from automation.pipeline import check_stages, run_once
from automation.settings import ConfigError, Settings, load_settings
from automation.sheets_emulator import SheetsEmulator
from automation.workbook.gsheets import GoogleSheetsWorkbook
from tests.conftest import TODAY
from tests.sheets_fixtures import (
    SERVICE_EMAIL,
    service_account_key,
    sheets_emulator,
    sheets_emulator_session,
)

__all__ = ["service_account_key", "sheets_emulator", "sheets_emulator_session"]


class FakeClock:
    """Seconds that pass only when someone sleeps; every sleep is kept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def busiest_minute(times: list[float]) -> int:
    """The most starts in any 60-second window."""
    times = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - WINDOW:
            first += 1
        best = max(best, last - first + 1)
    return best


def test_a_burst_up_to_the_quota_goes_at_once_and_the_next_request_waits_for_the_minute() -> None:
    fake = FakeClock()
    pacer = Pacer(60, clock=fake.clock, sleep=fake.sleep)
    waits = [pacer.acquire("read") for _ in range(60)]
    assert waits == [0.0] * 60 and fake.now == 1000.0
    assert pacer.acquire("read") == pytest.approx(WINDOW)
    assert fake.now == pytest.approx(1000.0 + WINDOW)


def test_no_minute_ever_holds_more_than_the_quota_over_a_long_sweep() -> None:
    fake = FakeClock()
    pacer = Pacer(60, clock=fake.clock, sleep=fake.sleep)
    starts = []
    for i in range(1000):
        pacer.acquire("read")
        starts.append(fake.now)
        fake.now += 0.05 * (i % 7)  # the work between calls varies
    assert busiest_minute(starts) == 60
    # 1000 requests at 60 a minute: the last starts after 16 full minutes (plus the work
    # between the last batch's calls), as computed.
    assert sweep_minutes(1000, 0, 60) == 16
    assert 16 <= (starts[-1] - starts[0]) / 60 < 16.2


def test_the_quota_floor_counts_whole_minutes_of_a_sliding_window() -> None:
    assert sweep_minutes(0, 0, 60) == 0 and sweep_minutes(60, 12, 60) == 0  # a burst of 60 goes at once
    assert sweep_minutes(61, 0, 60) == 1 and sweep_minutes(10, 120, 60) == 1
    assert sweep_minutes(1000, 1000, 300) == 3 and sweep_minutes(1000, 1000, 0) == 0


def test_a_clock_in_tenths_of_a_second_never_leaves_the_pacer_waiting_for_ever() -> None:
    """Float rounding: 0.1 s steps from zero never add up to exactly a minute."""
    fake = FakeClock()
    fake.now = 0.0
    pacer = Pacer(60, clock=fake.clock, sleep=fake.sleep)
    starts = []
    for _ in range(400):
        pacer.acquire("write")
        starts.append(fake.now)
        fake.now += 0.1
    assert len(fake.sleeps) < 400 and busiest_minute(starts) <= 60
    # Each start beyond the 60th waits for the one 60 starts before it to be a minute old.
    assert starts[-1] == pytest.approx(starts[399 - 6 * 60] + 6 * WINDOW, abs=1e-3)


def test_reads_and_writes_have_separate_budgets() -> None:
    fake = FakeClock()
    pacer = Pacer(3, clock=fake.clock, sleep=fake.sleep)
    for _ in range(3):
        pacer.acquire("read")
    assert pacer.acquire("write") == 0.0  # the reads spent nothing of the write quota
    assert pacer.acquire("read") > 0


def test_zero_means_no_pacing() -> None:
    fake = FakeClock()
    pacer = Pacer(0, clock=fake.clock, sleep=fake.sleep)
    assert all(pacer.acquire("write") == 0.0 for _ in range(500))
    assert fake.sleeps == []


def test_a_sweep_of_offices_through_one_pacer_stays_inside_the_quota(
    settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path, demo_workbook: Path
) -> None:
    """Five offices, a quota of 3 a minute: every real call goes out, never 4 in a minute."""
    fake = FakeClock()
    starts: list[tuple[str, float]] = []

    class Recording(Pacer):
        def acquire(self, kind: str = "read") -> float:
            waited = super().acquire(kind)
            starts.append((kind, fake.now))
            return waited

    pacer = Recording(3, clock=fake.clock, sleep=fake.sleep)
    offices = [sheets_emulator.import_xlsx(demo_workbook, shared_with=[SERVICE_EMAIL]) for _ in range(5)]
    sheets_emulator.reset_calls()
    for sid in offices:
        s = load_settings(settings.source, run__today=TODAY, workbook__backend="gsheets",
                          gsheets__spreadsheet_id=sid, gsheets__credentials_file=str(service_account_key),
                          gsheets__api_base_url=sheets_emulator.url)
        book = GoogleSheetsWorkbook.from_settings(s)
        book.pacer = pacer
        summary = run_once(s, book, stages=check_stages())
        assert summary.findings
    calls = [c for c in sheets_emulator.calls if c.path.startswith("/v4/")]
    assert len(calls) == len(starts) == 5 * 4
    for kind in ("read", "write"):
        assert busiest_minute([t for k, t in starts if k == kind]) == 3
    assert pacer.waited == pytest.approx(sum(fake.sleeps)) and pacer.waited >= 2 * WINDOW


def test_workbooks_of_one_google_account_share_its_pacer_and_the_emulator_is_not_paced(
    settings: Settings, sheets_emulator: SheetsEmulator, service_account_key: Path
) -> None:
    def book(url: str, sid: str) -> GoogleSheetsWorkbook:
        s = load_settings(settings.source, gsheets__spreadsheet_id=sid, gsheets__api_base_url=url,
                          gsheets__credentials_file=str(service_account_key))
        return GoogleSheetsWorkbook.from_settings(s)

    # No request is made here: building the workbook only prepares the client.
    first, second = book("", "office-a"), book("", "office-b")
    assert first.pacer is second.pacer is shared_pacer(SERVICE_EMAIL, 60)
    assert first.pacer.per_minute == settings.gsheets.max_requests_per_minute == 60
    assert not book(sheets_emulator.url, "office-c").pacer.enabled


def test_a_negative_rate_is_one_config_line(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="max_requests_per_minute"):
        load_settings(settings.source, gsheets__max_requests_per_minute=-5)
