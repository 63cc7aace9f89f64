"""The figures a report is written from, and the two helpers every section writes with:
`Numbers` (numbers and dates in the report's language and digits) and `Privacy` (what a
public output may show). Sections and the context both import this; it imports neither.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from automation.privacy import PeopleMasker
from automation.reports.measures import MeasureProgress, measure_progress
from automation.schema import normalize_header
from automation.settings import Settings
from automation.tables import Tables
from automation.thaidate import (
    MONTHS_EN,
    Digits,
    FiscalRound,
    digits,
    format_date,
)

log = logging.getLogger(__name__)

# ------------------------------------------------------------------ figures


@dataclass
class Figures:
    """Everything the report is written from, for one round and the rounds it is compared with."""

    round: FiscalRound
    as_of: dt.date  # every figure is as it stood on this day: the round's last, or today
    measures: MeasureProgress
    measures_prev: MeasureProgress  # the previous round, as far as it had got when it closed
    satisfaction: Any = None  # satisfaction.ScoreReport (its trend compares with earlier rounds)
    complaints: Any = None  # complaints.ComplaintStats
    # Complaints received in the same round last year (None: the register does not go back so far).
    complaints_prev: int | None = None
    deadlines: Any = None  # deadlines.DeadlineReport, judged on as_of with statuses as of then
    missing: dict[str, str] = field(default_factory=dict)  # part -> why it is not available

    @property
    def partial(self) -> bool:
        """The round is still running: its figures are up to as_of only."""
        return self.as_of < self.round.end


def _attempt(missing: dict[str, str], part: str, compute: Callable[[], Any]) -> Any:
    """One part's figures; a missing or failing module costs that section, not the report."""
    try:
        return compute()
    except ImportError as exc:
        missing[part] = f"module not available: {exc}"
    except Exception as exc:  # a bug elsewhere must not stop the coordinator's draft
        log.exception("report: %s figures failed", part)
        missing[part] = f"{type(exc).__name__}: {exc}"
    return None


def report_day(settings: Settings, round: FiscalRound, today: dt.date) -> dt.date:
    """The day a round is reported as of: its last day once it has closed, so that a report
    drafted in April, in August or next year says the same (a step finished in August was not
    done on 31 March); today while it is still running (the report is then marked partial)."""
    return min(today, round.end)


def gather_figures(
    settings: Settings, tables: Tables, round: FiscalRound, today: dt.date, lang: str = "th",
    known: dict[str, Any] | None = None,
) -> Figures:
    """Compute every figure the report needs, from the other modules' public functions.

    `known` is the run's ctx.figures: a figure an earlier stage computed for the same round,
    language and day is reused instead of computed again.
    """
    known = known or {}
    as_of = report_day(settings, round, today)
    prev = round.previous()
    measures = measure_progress(tables["measures"], round.fiscal_year, lang, as_of=as_of)
    measures_prev = measure_progress(tables["measures"], prev.fiscal_year, lang,
                                     as_of=report_day(settings, prev, today))
    missing: dict[str, str] = {}

    def scores(r: FiscalRound) -> Any:
        from automation.satisfaction import compute_scores

        return compute_scores(settings, tables["responses"], r, lang=lang, today=as_of)

    def stats(r: FiscalRound) -> Any:
        from automation.complaints import complaint_statistics

        return complaint_statistics(settings, tables["complaints"], r, report_day(settings, r, today), lang=lang)

    def deadlines() -> Any:
        from automation.deadlines import compute_deadlines

        return compute_deadlines(settings, tables, as_of, lang=lang, dated=True)

    figures = Figures(round, as_of, measures, measures_prev, missing=missing)
    sr = known.get("satisfaction")
    if sr is not None and getattr(sr, "round", None) == round and getattr(sr, "lang", None) == lang:
        figures.satisfaction = sr
    else:
        figures.satisfaction = _attempt(missing, "satisfaction", lambda: scores(round))
    cs = known.get("complaints")
    if cs is not None and getattr(cs, "round", None) == round and getattr(cs, "today", None) == as_of:
        figures.complaints = cs
    else:
        figures.complaints = _attempt(missing, "complaints", lambda: stats(round))
    if figures.complaints is not None:
        last_year = round.same_round_last_year()
        first = figures.complaints.first_received
        # No claim without data: "same round last year: 0" only when the register goes back so far.
        if first is not None and first <= last_year.end:
            figures.complaints_prev = _attempt({}, "complaints", lambda: stats(last_year).total)
    dl = known.get("deadlines")
    reuse = getattr(dl, "today", None) == as_of and getattr(dl, "dated", False)
    figures.deadlines = dl if reuse else _attempt(missing, "deadlines", deadlines)
    return figures


# ------------------------------------------------------------------ text helpers


class Numbers:
    """Numbers and dates in the report's language and digits (real ๐-๙ when Thai)."""

    def __init__(self, lang: str, digit_style: Digits) -> None:
        self.lang = lang
        self.style: Digits = "arabic" if lang == "en" else digit_style

    def d(self, value: Any) -> str:
        return digits(str(value), self.style)

    def int(self, value: int | None) -> str:
        return "–" if value is None else self.d(f"{value:,}")

    def dec(self, value: float | None, places: int = 2) -> str:
        if value is None or value != value:  # None or NaN
            return "–"
        return self.d(f"{value:,.{places}f}")

    def date(self, day: dt.date | None) -> str:
        return format_date(day, self.lang, self.style) if day else "–"

    def cell_date(self, day: dt.date | None) -> str:
        """A date in a narrow table column: English months short ("6 Sep 2026"), since
        "September" is wider than a 2.5 cm column and would break mid-word; Thai keeps the
        full month name, which wraps between words."""
        if day and self.lang == "en":
            return f"{day.day} {MONTHS_EN[day.month - 1][:3]} {day.year}"
        return self.date(day)


class Privacy:
    """What a report may show of free text, built once per run and shared by its editions.

    Both editions mask people (`automation.privacy.PeopleMasker`: names after titles, the
    listed staff, addresses, LINE ids, phones, e-mails, ids) and withhold the values of the
    private columns (a complainant's name typed into a subject), as whole words and only the
    values specific enough to identify someone. The public edition quotes no free text at all
    (see automation.reports.sections): `scrub` there is a second line of defence, not the first.
    """

    def __init__(self, settings: Settings, tables: Tables, public: bool, lang: str) -> None:
        self.public = public
        self.lang = lang
        self.hidden_columns = {normalize_header(k) for k in settings.privacy.private_columns}
        values: list[str] = []
        hidden = self.hidden_columns
        for table in tables.sheets.values():
            cols = tuple(c.key for c in table.layout.columns if c.private or normalize_header(c.key) in hidden)
            if cols:  # no private column: do not walk its (maybe 100,000) rows
                values.extend(table.once("private values", cols, lambda t=table, k=cols: _private_values(t, k)))
        self.masker = PeopleMasker.from_settings(settings, lang, private_values=values)
        # Each value once, in Thai and Arabic digits, longest first: what `scrub` withholds.
        self.values = list(self.masker.withheld)

    def edition(self, public: bool) -> Privacy:
        """The same masking (and the texts it has masked so far) for the other edition."""
        if public == self.public:
            return self
        other = copy.copy(self)
        other.public = public
        return other

    def scrub(self, text: str) -> str:
        """`text` with people masked and shortened to [privacy] max_text_chars."""
        return self.masker.mask(text) if text else text

    def allows(self, column_key: str) -> bool:
        return not self.public or normalize_header(column_key) not in self.hidden_columns


def _private_values(table: Any, keys: tuple[str, ...]) -> list[str]:
    """The private columns' values of a table, each distinct value once, as typed (stripped)."""
    values = {str(value).strip() for key in keys for value in table.values(key) if value}
    return sorted(value for value in values if value)
