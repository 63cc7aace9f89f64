"""A checkpoint a step or a complaint owes something by, and how an item stands against them.

Ground for both deadline readers (automation.deadlines for steps and measures,
automation.complaint_timelines for complaints): an item's due date is the earliest
checkpoint it has not met; overdue after it, due soon within a number of days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Status = Literal["overdue", "due_soon", "ok"]


@dataclass(frozen=True)
class Checkpoint:
    name: str  # due_date | round1 | year_end
    deadline: dt.date
    met_by: frozenset[str]  # step statuses that meet it



def judge(
    checkpoints: list[Checkpoint], status: str, today: dt.date, soon_days: int
) -> tuple[Checkpoint, Status, int, int | None]:
    """(governing checkpoint, status, days late, days left) for a status seen on `today`."""
    unmet = [c for c in checkpoints if status not in c.met_by]
    if not unmet:
        return checkpoints[-1], "ok", 0, None
    first = min(unmet, key=lambda c: c.deadline)
    late = (today - first.deadline).days
    if late > 0:
        return first, "overdue", late, None
    return first, ("due_soon" if -late <= soon_days else "ok"), 0, -late
