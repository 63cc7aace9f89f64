"""Pacing requests to Google's per-minute quotas, so a big sweep never meets a wall of 429s.

Google Sheets API quotas (2024): 300 read and 300 write requests a minute per project, and
60 of each a minute per user — a service account is one user. A `Pacer` lets at most
`per_minute` requests of each kind (read, write) start in any 60-second window: the
(per_minute + 1)-th waits until the oldest of the last `per_minute` is a minute old. A
sliding window rather than a refilling bucket, because it can never exceed the quota over
any minute Google might count, while a lone office's 2-4 calls a run still go at once.

One pacer is shared by every workbook opened with the same service account in a process
(`shared_pacer`), so a sweep of 500 offices stays inside the account's budget however many
threads it runs. 429 answers are still retried with backoff (automation.workbook.gsheets):
another program on the same project may spend the quota too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

KINDS = ("read", "write")
WINDOW = 60.0  # seconds: Google counts requests per minute
# A wait ends a microsecond past the minute: sleeping exactly to it, float rounding may leave
# the oldest start a hair younger than a minute, and the pacer would wait again for ever.
EPSILON = 1e-6


class Pacer:
    """At most `per_minute` requests of each kind in any 60 s; 0 or less means no pacing.

    `clock` and `sleep` are injectable (a fake clock drives a whole sweep in tests).
    """

    def __init__(self, per_minute: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_minute = int(per_minute)
        self.clock = clock
        self.sleep = sleep
        self._starts: dict[str, deque[float]] = {kind: deque() for kind in KINDS}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, for the benchmark and the logs

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def acquire(self, kind: str = "read") -> float:
        """Wait until one more `kind` request fits in the window, count it; the wait in seconds."""
        if not self.enabled:
            return 0.0
        starts = self._starts[kind]
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                while starts and now - starts[0] >= WINDOW:
                    starts.popleft()
                if len(starts) < self.per_minute:
                    starts.append(now)
                    self.waited += waited
                    return waited
                wait = WINDOW - (now - starts[0]) + EPSILON
            # Sleep outside the lock: other threads' requests of the other kind go on.
            self.sleep(wait)
            waited += wait


_SHARED: dict[tuple[str, int], Pacer] = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(account: str, per_minute: float) -> Pacer:
    """The process-wide pacer of one service account (Google's "user") at one rate."""
    key = (account, int(per_minute))
    with _SHARED_LOCK:
        pacer = _SHARED.get(key)
        if pacer is None:
            pacer = _SHARED[key] = Pacer(per_minute)
        return pacer


def sweep_minutes(reads: int, writes: int, per_minute: float) -> float:
    """Least time, in minutes, before the last of `reads` and `writes` requests may start
    under the pacer's quota (the two kinds are paced separately and go on side by side).
    A sliding window lets `per_minute` start at once, the next `per_minute` a minute later:
    n requests need (n - 1) // per_minute whole minutes, not n / per_minute (60 fit in no
    time at all; 1,000 at 60 a minute need 16 minutes, not 16.7)."""
    busiest = max(reads, writes)
    if per_minute <= 0 or busiest <= 0:
        return 0.0
    return float((busiest - 1) // int(per_minute))
