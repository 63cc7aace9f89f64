"""Scale data for the benchmarks: one large municipality and a province of small offices.

The rows come from the demo's own builders (automation.demo: the real seed plan, complaints,
Google Form answers), so the benchmark reads what the product reads; only the sizes and the
share of mistakes are the benchmark's. Same seed, same data.

- `municipality_sheets`: 100,000 form responses, 10,000 complaints and the full plan for
  several fiscal years, with about 1% of rows carrying a mistake staff or citizens make;
  `write_xlsx` writes them with openpyxl's write-only mode (a few seconds, little memory).
- `office_sheets` / `load_province`: 500 offices, each a small spreadsheet in the emulator.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from automation import demo
from automation.schema import build_schema
from automation.settings import Settings
from automation.thaidate import FiscalRound, fiscal_year_of
from automation.workbook import Grid


@dataclass(frozen=True)
class Scale:
    responses: int = 100_000
    complaints: int = 10_000
    plan_years: int = 5  # fiscal years of plans kept in the measures sheet
    mistake_rate: float = 0.01  # share of response and complaint rows with a planted mistake
    offices: int = 500
    office_responses: int = 300
    office_complaints: int = 40


FULL = Scale()
QUICK = Scale(responses=1_500, complaints=150, plan_years=2, offices=8, office_responses=150, office_complaints=20)


def sheet_keys() -> tuple[str, ...]:
    return ("measures", "complaints", "responses")


def municipality_sheets(settings: Settings, scale: Scale = FULL, seed: int = 2567,
                        today: dt.date | None = None) -> dict[str, Grid]:
    """Header row + rows for each staff sheet, keyed by schema key."""
    today = today or settings.today()
    fy = fiscal_year_of(today)
    start = FiscalRound(fy - 1).start
    years = list(range(fy - scale.plan_years + 1, fy + 1))
    rows = {
        "measures": demo.measures_rows(settings, years, today, random.Random(f"measures-{seed}")),
        "complaints": demo.complaints_rows(settings, start, today, random.Random(f"complaints-{seed}"),
                                           count=scale.complaints),
        "responses": demo.response_rows(settings, start, today, random.Random(f"responses-{seed}"),
                                        count=scale.responses),
    }
    demo._plant_mistakes(rows, settings)  # the demo's hand-picked mistakes, once each
    plant_mistakes(rows, settings, random.Random(f"mistakes-{seed}"), scale.mistake_rate)
    return with_headers(settings, rows)


def with_headers(settings: Settings, rows: dict[str, Grid]) -> dict[str, Grid]:
    schema = build_schema(settings)
    lang = settings.run.language
    return {key: [schema[key].headers(lang), *grid] for key, grid in rows.items()}


def _bad_response(row: list[Any], first_q: int, questions: int, rng: random.Random) -> None:
    kind = rng.randrange(5)
    if kind == 0:
        row[first_q + rng.randrange(questions)] = rng.choice(["ดีมาก", "๖", "0", "พอใช้"])
    elif kind == 1:
        for q in range(questions):
            row[first_q + q] = None  # sent without rating anything
    elif kind == 2:
        row[-1] = rng.choice(['=HYPERLINK("http://example.com")', "ขอบคุณ\x85ครับ", "+เพิ่มที่จอดรถ"])
    elif kind == 3 and isinstance(row[0], dt.datetime):
        stamp = row[0]
        row[0] = f"{stamp.day}/{stamp.month}/{stamp.year + 543} {stamp:%H:%M:%S}"  # typed as text, BE
    elif isinstance(row[0], dt.datetime):
        stamp = row[0].replace(day=min(row[0].day, 28))  # 29 February is not in every BE year
        row[0] = stamp.replace(year=stamp.year + 543)  # a BE year in a date cell


def _bad_complaint(row: list[Any], rng: random.Random) -> None:
    kind = rng.randrange(6)
    if kind == 0:
        row[2] = rng.choice(["โทรศัพ", "เฟสบุ๊ค", "ไลน"])  # channel misspelt
    elif kind == 1:
        row[1] = f"{rng.randint(13, 31)}/13/2567"  # impossible date
    elif kind == 2:
        row[7] = rng.choice(["สำนักปลัด", "กองการคลัง", "กองโยธา"])  # an alias instead of the name
    elif kind == 3:
        row[5] = None  # no subject
    elif kind == 4 and isinstance(row[1], dt.date):
        row[9] = row[1] - dt.timedelta(days=rng.randint(1, 5))  # acknowledged before received
    else:
        row[8] = "ยุติเรื่อง" if row[10] is None else row[8]  # closed without a date


def plant_mistakes(rows: dict[str, Grid], settings: Settings, rng: random.Random, rate: float) -> None:
    """About `rate` of response and complaint rows get one of the mistakes offices make."""
    survey = settings.survey
    first_q = 1 + sum(bool(c) for c in (survey.service_point_column, survey.gender_column, survey.age_column))
    responses = rows["responses"]
    for i in range(10, len(responses)):
        if rng.random() < rate:
            _bad_response(responses[i], first_q, len(survey.questions), rng)
        elif rng.random() < rate / 4 and isinstance(responses[i - 1][0], dt.datetime):
            twice = list(responses[i - 1])  # one tap on "send" recorded twice
            twice[0] = twice[0] + dt.timedelta(seconds=rng.randint(1, 90))
            responses[i] = twice
    for row in rows["complaints"][10:]:
        if rng.random() < rate:
            _bad_complaint(row, rng)


# ---------------------------------------------------------------- files


def write_xlsx(settings: Settings, sheets: dict[str, Grid], path: Path) -> Path:
    """The workbook as staff would have it, written in openpyxl's streaming mode."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    schema = build_schema(settings)
    book = openpyxl.Workbook(write_only=True)
    for key, grid in sheets.items():
        sheet = book.create_sheet(schema[key].title)
        sheet.freeze_panes = "A2"
        for row in grid:
            out: list[Any] = []
            for value in row:
                if isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # citizen text, never a formula
                    out.append(cell)
                else:
                    out.append(value)
            sheet.append(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


# ---------------------------------------------------------------- the province


def office_settings(settings: Settings, index: int) -> Settings:
    office = settings.office.model_copy(update={"name": f"องค์การบริหารส่วนตำบลที่ {index + 1:03d}",
                                                "short_name": f"อบต.{index + 1:03d}"})
    return settings.model_copy(update={"office": office})


def office_sheets(settings: Settings, index: int, scale: Scale = FULL, seed: int = 2567,
                  today: dt.date | None = None) -> dict[str, Grid]:
    """One small office: the same builders at the province's small sizes, its own seed."""
    small = replace(scale, responses=scale.office_responses, complaints=scale.office_complaints,
                    plan_years=2, mistake_rate=0.02)
    return municipality_sheets(settings, small, seed=seed * 1000 + index, today=today)


def load_province(emulator: Any, settings: Settings, scale: Scale = FULL, seed: int = 2567,
                  today: dt.date | None = None, shared_with: tuple[str, ...] = ()) -> list[str]:
    """`scale.offices` spreadsheets in the emulator; returns their ids in office order."""
    schema = build_schema(settings)
    ids = []
    for index in range(scale.offices):
        sheets = office_sheets(settings, index, scale, seed, today)
        titled = {schema[key].title: grid for key, grid in sheets.items()}
        ids.append(emulator.create_spreadsheet(f"ITA office {index + 1:03d}", titled, shared_with,
                                               spreadsheet_id=f"office-{index + 1:03d}"))
    return ids
