"""A fuzz of every sheet's inputs: whole workbooks of hostile cells through the whole run.

Each example is a workbook — the measures, complaints and responses sheets plus a findings
sheet left by an earlier run — with headers shuffled, dropped, doubled or in English, any
sheet possibly missing, and cells drawn from everything a spreadsheet can hold: any text
(control characters, Thai digits, formula starts), huge and odd numbers, NaN and infinities,
booleans, dates from year 1 to 9999, and the domain's own near-misses (typos, BE years,
impossible dates, Likert words). Every stage runs (validation, deadlines, satisfaction,
complaints, the report's figures and text), then everything the write-back builds (the
findings grid, cell notes, the summary sheet, the Sheets API's RAW values).

"Never crashes" means: no exception escapes, and no stage records an error (the pipeline
turns a stage's exception into a line in the summary; here that line is a failure).

`python -m bench fuzz` runs 10,000 examples (minutes; recorded in bench/results);
tests/test_fuzz.py runs a few hundred in CI.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 4, 20)

NEAR_MISSES = [
    "15/13/2567", "31/02/2567", "29/02/2566", "15/03/67", "๑๕ มี.ค. ๖๗", "15 มีนาคม 2567", "2024-03-15",
    "15/03/2024 10:00", "0/0/0", "99999", "มากที่สุด", "มาก ", "5 - มากที่สุด", "ดีมาก", "๕", "6", "-", "",
    "ดำเนินการแล้ว ", "ดำเนินการ แล้ว", "ยุติ", "โทรศัพ", "สำนักปลัด", "สำนักงาน ปลัด อบต.", "ทุจริต",
    "รอบ ๖ เดือน และประจำปี", "www.example.go.th/x", "https://", "http://[::1", "=IMPORTXML(\"x\",\"y\")",
    "+66 81 234 5678", "@line", "ร67-001", "2567", "๒๕๖๗", "1e400", "NaN", "None", "TRUE",
]


@lru_cache(maxsize=1)
def fuzz_settings() -> Any:
    from automation.settings import load_settings

    return load_settings(PROJECT / "config" / "settings.toml", run__today=TODAY)


def cell_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.text(max_size=30),
        st.text(alphabet=st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), max_size=20),
        st.text(alphabet=st.sampled_from("\x00\x07\x0b\x1b\x7f\x85\u200b\ufeff\t\n =+-@/.:,()[]0123456789๐๑๒๓๔๕"),
                max_size=20),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.integers(min_value=-5, max_value=3_000_000),  # day serials and small counts
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(),
        st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31)),
        st.datetimes(),
        st.times(),
        st.sampled_from(NEAR_MISSES),
    )


def _header_names(layout: Any) -> list[list[str]]:
    return [[c.th, c.en, c.key, f" {c.th} ", c.th.replace(" ", "")] for c in layout.columns]


@st.composite
def sheet_grid(draw: st.DrawFn, layout: Any, max_rows: int = 8) -> list[list[Any]] | None:
    """A sheet as staff might leave it: or no sheet at all."""
    if draw(st.integers(0, 12)) == 0:
        return None
    names = [draw(st.sampled_from(options)) for options in _header_names(layout)]
    keep = draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    header: list[Any] = [n for n, k in zip(names, keep, strict=True) if k or draw(st.integers(0, 5)) > 0]
    header = draw(st.permutations(header))
    if draw(st.booleans()):
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(["", "หมายเหตุ 2", None, header[0]
                                                                               if header else "x"])))
    width = len(header)
    rows = draw(st.lists(st.lists(cell_values(), min_size=max(width - 2, 0), max_size=width + 2),
                         max_size=max_rows))
    return [header, *rows] if draw(st.integers(0, 15)) else rows  # sometimes no header row at all


@st.composite
def findings_grid_left(draw: st.DrawFn, layout: Any) -> list[list[Any]] | None:
    """The findings sheet an earlier run (or a person) left behind."""
    if draw(st.booleans()):
        return None
    header = [c.th for c in layout.columns]
    rows = draw(st.lists(st.lists(cell_values(), min_size=len(header), max_size=len(header)), max_size=4))
    return [header, *rows]


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, list[list[Any]] | None]:
    from automation.schema import build_schema

    schema = build_schema(fuzz_settings())
    grids: dict[str, list[list[Any]] | None] = {}
    for layout in schema.staff_sheets:
        grids[layout.title] = draw(sheet_grid(layout))
    grids[schema["findings"].title] = draw(findings_grid_left(schema["findings"]))
    return grids


@dataclass
class FuzzOutcome:
    examples: int = 0
    failures: list[str] = field(default_factory=list)
    findings: int = 0
    stage_seconds: float = 0.0


def run_example(grids: dict[str, list[list[Any]] | None], outcome: FuzzOutcome | None = None) -> list[str]:
    """The whole run on one workbook, in memory; the problems found (empty: no crash)."""
    from automation.dashboard import dashboard_grid
    from automation.findings import cell_notes, findings_grid, stamp
    from automation.pipeline import RunContext, default_stages, findings_changes, run_stage
    from automation.reports import context as report_context
    from automation.schema import build_schema
    from automation.tables import Tables, to_table
    from automation.thaidate import round_to_report
    from automation.workbook.gsheets import _padded, _raw, _same_grid

    settings = fuzz_settings()
    schema = build_schema(settings)
    tables = Tables({key: to_table(layout, _copy(grids.get(layout.title))) for key, layout in schema.sheets.items()})
    ctx = RunContext(settings, schema, tables, TODAY, settings.run.language)
    started = time.perf_counter()
    stages = [s for s in default_stages() if getattr(s, "__module__", "") != "automation.reports"]
    results = [run_stage(stage, ctx) for stage in stages]
    problems = [f"{r.name}: {r.error}" for r in results if r.error]
    found = [f for r in results for f in r.findings]
    stamped = stamp(found, tables["findings"].records(), TODAY).findings
    grid = findings_grid(stamped, ctx.lang)
    cell_notes(stamped)
    changes = findings_changes(ctx, stamped)
    for new in changes.replace.values():
        _padded(new, grid)
        _same_grid(new, grid)
        [_raw(v) for row in new for v in row]
    dashboard_grid(TODAY, stamped, ctx.figures, ctx.lang)
    due = round_to_report(TODAY, settings.deadlines.report_grace_days)
    for lang, public in (("th", True), ("en", False)):
        figures = report_context.gather_figures(settings, tables, due, TODAY, lang, known=ctx.figures)
        problems += [f"report {part}: {why}" for part, why in figures.missing.items()]
        report_context.build_context(settings, tables, figures, TODAY, lang, public)
    if outcome is not None:
        outcome.examples += 1
        outcome.findings += len(stamped)
        outcome.stage_seconds += time.perf_counter() - started
    return problems


def _copy(grid: list[list[Any]] | None) -> list[list[Any]] | None:
    return None if grid is None else [list(r) for r in grid]


def run_fuzz(examples: int = 10_000, seed: int | None = 2567) -> dict[str, Any]:
    """Run `examples` workbooks; stop at the first crash and report it (hypothesis shrinks it)."""
    outcome = FuzzOutcome()
    failure = ""

    @hyp_settings(max_examples=examples, deadline=None, database=None, derandomize=seed is not None,
                  suppress_health_check=list(HealthCheck), print_blob=False)
    @given(workbooks())
    def check(grids: dict[str, list[list[Any]] | None]) -> None:
        problems = run_example(grids, outcome)
        assert not problems, problems

    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # the shrunk failing example's assertion or crash
        failure = f"{type(exc).__name__}: {str(exc)[:2000]}"
    return {
        "examples_requested": examples,
        "examples_run": outcome.examples,
        "crashes": 0 if not failure else 1,
        "failure": failure,
        "findings_seen": outcome.findings,
        "seconds": round(time.perf_counter() - started, 1),
        "seconds_in_the_run": round(outcome.stage_seconds, 1),
        "seed": seed,
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
