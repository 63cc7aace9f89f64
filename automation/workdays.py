"""Thai working days: which days the office is open, and counting days the way it does.

A working day is Monday to Friday, not a Thai public or government holiday and not one of
the office's own days off (`[deadlines] office_days_off` in the settings). Holidays come
from the `holidays` package, category public + government (shipped as a table of its days,
automation.thai_holidays, so a run does not import the package), which for Thailand already
includes the substitution days ("ชดเชย…", e.g. Tuesday 16 April 2024 after Songkran fell on
a weekend) and the one-off days the cabinet adds ("วันหยุดพิเศษ (เพิ่มเติม)", e.g. Friday
12 April 2024). Each year's holidays are computed once and kept.

Counting convention (the one deadlines use): `add_working_days(start, n)` is the n-th working
day *after* start, so the day a complaint arrives never counts; `working_days_between(a, b)`
counts the working days d with a < d <= b, so the two agree:
working_days_between(a, add_working_days(a, n)) == n.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from automation.thai_holidays import thai_holidays

if TYPE_CHECKING:
    from automation.settings import Settings

_ONE_DAY = dt.timedelta(days=1)
OFFICE_DAY_OFF = {"th": "วันหยุดของสำนักงาน", "en": "Office day off"}
_HOLIDAY_LANG = {"th": "th", "en": "en_US"}


class WorkCalendar:
    """Weekends, Thai public and government holidays, and the office's own days off."""

    def __init__(self, settings: Settings | None = None, office_days_off: Iterable[dt.date] = ()) -> None:
        days = list(office_days_off)
        if settings is not None:
            days += settings.deadlines.office_days_off
        self.office_days_off: frozenset[dt.date] = frozenset(days)
        self._years: dict[tuple[int, str], dict[dt.date, str]] = {}
        self._totals: dict[int, list[int]] = {}  # year -> running count of its working days
        self._spans: dict[tuple[int, int], np.ndarray] = {}  # (first, last year) -> _span

    def _holidays(self, year: int, lang: str = "th") -> dict[dt.date, str]:
        key = (year, _HOLIDAY_LANG.get(lang, "th"))
        if key not in self._years:
            self._years[key] = thai_holidays(year, key[1])
        return self._years[key]

    def holiday_name(self, day: dt.date, lang: str = "th") -> str | None:
        """The holiday's name, the office's day off, or None (weekends are not holidays)."""
        name = self._holidays(day.year, lang).get(day)
        if name:
            return name
        if day in self.office_days_off:
            return OFFICE_DAY_OFF.get(lang, OFFICE_DAY_OFF["th"])
        return None

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            return False
        return day not in self.office_days_off and day not in self._holidays(day.year)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (before it when n < 0); n = 0 gives `start`."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b; negative when b is before a.

        Counted from each year's running totals (worked out once per year), not day by day:
        10,000 open complaints judged on several days would otherwise walk a year each."""
        if b < a:
            return -self.working_days_between(b, a)
        if a.year == b.year:
            within = self._running(a.year)
            return within[b.timetuple().tm_yday] - within[a.timetuple().tm_yday]
        first = self._running(a.year)
        count = first[-1] - first[a.timetuple().tm_yday]
        for year in range(a.year + 1, b.year):
            count += self._running(year)[-1]
        return count + self._running(b.year)[b.timetuple().tm_yday]

    def _running(self, year: int) -> list[int]:
        """[0, working days among the year's first day, … its first n days, …, the whole year]."""
        if year not in self._totals:
            running, count, day = [0], 0, dt.date(year, 1, 1)
            while day.year == year:
                count += self.is_working_day(day)
                running.append(count)
                if day == dt.date.max:
                    break
                day += _ONE_DAY
            self._totals[year] = running
        return self._totals[year]

    def _span(self, first: int, last: int) -> np.ndarray:
        """The running count over whole years: [k] = working days among the k days from 1 January
        of `first` on (through 31 December of `last` at the end), from the years' running totals."""
        key = (first, last)
        if key not in self._spans:
            parts, base = [np.zeros(1, dtype=np.int64)], 0
            for year in range(first, last + 1):
                running = self._running(year)
                parts.append(np.asarray(running[1:], dtype=np.int64) + base)
                base += running[-1]
            self._spans[key] = np.concatenate(parts)
        return self._spans[key]

    def working_days_between_days(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """working_days_between for arrays of day ordinals, pair by pair: differences of one
        running count over the years they span (the same count, without a call per pair)."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        if not a.size:
            return np.zeros(0, dtype=np.int64)
        low, high = int(min(a.min(), b.min())), int(max(a.max(), b.max()))
        first = dt.date.fromordinal(low).year
        span = self._span(first, dt.date.fromordinal(high).year)
        start = dt.date(first, 1, 1).toordinal()
        # Working days d with a < d <= b: those up to b less those up to a (negative if b < a).
        return span[b - start + 1] - span[a - start + 1]

    def add_days_to(self, starts: np.ndarray, n: int, basis: str) -> np.ndarray:
        """add_days for an array of day ordinals (ordinals back): the n-th working day after each
        start is where the running count first reaches the start's count plus n."""
        starts = np.asarray(starts, dtype=np.int64)
        if basis != "working":
            return starts + n
        if n <= 0 or not starts.size:  # rare (a limit of 0 days): the plain definition
            return np.array([self.add_working_days(dt.date.fromordinal(int(s)), n).toordinal()
                             for s in starts.tolist()], dtype=np.int64)
        first = dt.date.fromordinal(int(starts.min())).year
        start = dt.date(first, 1, 1).toordinal()
        last = dt.date.fromordinal(int(starts.max())).year
        while True:  # enough years ahead to hold the n-th working day after the last start
            span = self._span(first, last)
            wanted = span[starts - start + 1] + n
            if span[-1] >= wanted.max():
                return np.searchsorted(span, wanted, side="left") - 1 + start
            last += max(1, n // 200)

    def days_between(self, a: dt.date, b: dt.date, basis: str) -> int:
        """Days from a to b counted on `basis` ('calendar' or 'working')."""
        return self.working_days_between(a, b) if basis == "working" else (b - a).days

    def add_days(self, start: dt.date, n: int, basis: str) -> dt.date:
        """`start` plus n days counted on `basis` ('calendar' or 'working')."""
        return self.add_working_days(start, n) if basis == "working" else start + dt.timedelta(days=n)
