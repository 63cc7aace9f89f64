"""The benchmark's measurements: one function per way of doing the job, each run in a fresh
worker process (`python -m bench.scenarios JOB-JSON`) so that its peak memory is its own.

The job is the same in every method: read the three staff sheets, validate, score, report,
write the findings back. What differs is how the data travels:
- `service`: this product (automation.pipeline.run_once) on the xlsx or the Sheets backend;
- `gspread scripts`: what common scripts do — worksheet.get_all_records() per sheet, the same
  checks, then one API call per flagged cell (a note on it); the per-cell calls are capped
  and the rest extrapolated from the measured mean, and the result says so;
- `gspread-dataframe`: get_as_dataframe per sheet, the same checks, set_with_dataframe;
- `pandas parse only`: pd.read_excel of the file, or one values:batchGet + pd.DataFrame —
  the floor any method pays to get the data into Python;
- `province sweep`: the daily check over every office's small spreadsheet.

Peak memory: in a worker process started for the method alone (it inherits nothing from the
emulator's process), ru_maxrss: the whole process's high-water resident set, interpreter and
imports included (the rise during the method is in extra.peak_above_start_mb); in-process
(the quick smoke run), tracemalloc's peak of Python allocations during the job.

Sheets time: the emulator reports the seconds it spent answering (`/_emulator/calls`,
injected delays left out); extra.client_seconds is the wall time less that and less the
injected latency: the time the client adds to the server's, which is what the goals compare.
The service writes the workbook while it drafts the reports, so part of its work overlaps
the server's; extra.cpu_seconds (every method) is the worker's CPU time, all threads: the
client's work itself.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

RESULT = "BENCH-RESULT "


@dataclass
class Job:
    """Everything a method needs, as JSON for the worker process."""

    scenario: str
    method: str
    backend: str  # xlsx | gsheets
    config: str
    today: str
    workbook: str = ""  # xlsx path
    url: str = ""  # emulator
    key_file: str = ""
    spreadsheet: str = ""
    offices: list[str] = field(default_factory=list)
    latency: float = 0.0  # injected per request, seconds
    note_cap: int = 20  # per-cell calls actually made by the gspread-scripts method
    threads: int = 1  # province sweep: offices at a time (1: one after another, as the service runs)
    label: str = ""  # shown instead of `method` (e.g. the code before the speed fixes)
    quick: bool = False  # the smoke size (bench.scale.QUICK) instead of the full one
    responses: int = 0  # form responses to generate instead of the scale's (the 1,000,000 run)


@dataclass
class Result:
    scenario: str
    method: str
    backend: str
    rows: int
    seconds: float
    peak_mb: float
    api_calls: int
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Partial:
    """What a method reports; the harness adds time, memory and calls."""

    rows: int
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    seconds: float | None = None  # set when part of the time is extrapolated
    api_calls: int | None = None  # set when the emulator's count is not the whole story


# ---------------------------------------------------------------- shared pieces


def settings_for(job: Job, spreadsheet: str | None = None) -> Any:
    from automation.settings import load_settings

    overrides: dict[str, Any] = {"run__today": dt.date.fromisoformat(job.today)}
    if job.backend == "gsheets":
        overrides.update(workbook__backend="gsheets", gsheets__spreadsheet_id=spreadsheet or job.spreadsheet,
                         gsheets__credentials_file=job.key_file, gsheets__api_base_url=job.url,
                         gsheets__timeout_seconds=600)
    else:
        overrides["workbook__path"] = job.workbook
    return load_settings(job.config, **overrides)


def emulator_counts(job: Job) -> tuple[int, float]:
    """(Sheets API requests the emulator has seen, not /token; seconds it spent answering them,
    the delays it injects left out), as the emulator itself reports them."""
    if not job.url:
        return 0, 0.0
    import requests

    answer = requests.get(job.url + "/_emulator/calls", timeout=60).json()
    calls = sum(n for label, n in answer["counts"].items() if " /v4/" in label)
    return calls, float(answer.get("answering_seconds", 0.0))


def emulator_calls(job: Job) -> int:
    return emulator_counts(job)[0]


def server_seconds(job: Job) -> float:
    return emulator_counts(job)[1]


def staff_titles(settings: Any) -> list[str]:
    from automation.schema import build_schema

    return [layout.title for layout in build_schema(settings).staff_sheets]


def run_stages(settings: Any, grids: dict[str, list[list[Any]]], stages: list[Any] | None = None
               ) -> tuple[Any, list[Any], list[Any]]:
    """The product's own checks, scores and report on grids however they were read."""
    from automation.findings import stamp
    from automation.pipeline import RunContext, default_stages, run_stage
    from automation.schema import build_schema
    from automation.tables import Tables, to_table

    schema = build_schema(settings)
    tables = Tables({key: to_table(layout, grids.get(layout.title)) for key, layout in schema.sheets.items()})
    today = settings.today()
    ctx = RunContext(settings, schema, tables, today, settings.run.language)
    results = [run_stage(stage, ctx) for stage in (stages or default_stages())]
    found = [f for r in results for f in r.findings]
    return ctx, results, stamp(found, tables["findings"].records(), today).findings


def staff_rows(ctx: Any) -> int:
    return sum(len(ctx.tables[layout.key].frame) for layout in ctx.schema.staff_sheets)


def gspread_client(job: Job) -> Any:
    import gspread

    from automation.gsheets_transport import http_client_for, quiet_offline_auth, service_account_credentials

    quiet_offline_auth()
    client = gspread.Client(service_account_credentials(job.key_file), http_client=http_client_for(job.url))
    client.set_timeout(600)
    return client


def stage_seconds(results: list[Any]) -> dict[str, float]:
    return {r.name: round(r.seconds, 2) for r in results}


# ---------------------------------------------------------------- the methods


def generate(job: Job) -> Partial:
    """The large municipality's workbook: rows from the demo's builders, openpyxl write-only."""
    from bench.scale import FULL, QUICK, municipality_sheets, write_xlsx

    settings = settings_for(job)
    scale = QUICK if job.quick else FULL
    if job.responses:
        scale = replace(scale, responses=job.responses)
    sheets = municipality_sheets(settings, scale, today=settings.today())
    built = time.perf_counter()
    write_xlsx(settings, sheets, Path(job.workbook))
    return Partial(rows=sum(len(g) - 1 for g in sheets.values()),
                   notes="seeded; rows from automation.demo's builders; openpyxl write-only",
                   extra={"write_seconds": round(time.perf_counter() - built, 2),
                          "bytes": Path(job.workbook).stat().st_size,
                          "rows_by_sheet": {k: len(g) - 1 for k, g in sheets.items()}})


def service(job: Job) -> Partial:
    """This product, exactly as `python main.py run --once` runs it."""
    from automation.pipeline import run_once
    from automation.workbook import open_workbook

    settings = settings_for(job)
    book = Timed(open_workbook(settings))
    summary = run_once(settings, book)
    rows = summary.stages[0].figures.get("rows", {})
    errors = [f"{s.name}: {s.error}" for s in summary.stages if s.error]
    return Partial(
        rows=sum(rows.values()),
        notes="; ".join(errors),
        api_calls=book.api_calls if job.backend == "gsheets" else 0,
        extra={"read_seconds": round(book.read_seconds, 2), "write_seconds": round(book.write_seconds, 2),
               "stages": stage_seconds(summary.stages), "findings": len(summary.findings),
               "by_severity": summary.by_severity, "outputs": len(summary.outputs),
               "wrote": book.wrote},
    )


def pandas_parse(job: Job) -> Partial:
    """The floor: the same sheets into DataFrames and nothing else."""
    import pandas as pd

    settings = settings_for(job)
    titles = staff_titles(settings)
    if job.backend == "xlsx":
        engine = "calamine" if "calamine" in job.method else "openpyxl"
        frames = pd.read_excel(job.workbook, sheet_name=titles, engine=engine)
        return Partial(rows=sum(len(f) for f in frames.values()), notes=f"pd.read_excel ({engine} engine)")
    from gspread.utils import absolute_range_name

    from automation.gsheets_transport import http_client_for, quiet_offline_auth, service_account_credentials

    quiet_offline_auth()
    http = http_client_for(job.url)(service_account_credentials(job.key_file))
    http.set_timeout(600)
    started = time.perf_counter()
    answer = http.values_batch_get(job.spreadsheet, [absolute_range_name(t) for t in titles],
                                   params={"valueRenderOption": "UNFORMATTED_VALUE",
                                           "dateTimeRenderOption": "SERIAL_NUMBER"})
    fetched = time.perf_counter()
    rows = 0
    for block in answer["valueRanges"]:
        values = block.get("values", [])
        width = len(values[0]) if values else 0
        frame = pd.DataFrame([r + [None] * (width - len(r)) for r in values[1:]], columns=values[0] if values else None)
        rows += len(frame)
    built = time.perf_counter()
    return Partial(rows=rows, notes="one values:batchGet, then pd.DataFrame per sheet",
                   extra={"fetch_seconds": round(fetched - started, 2), "dataframe_seconds": round(built - fetched, 2)})


def gspread_scripts(job: Job) -> Partial:
    """get_all_records per sheet, the same checks, then one call per flagged cell."""
    from gspread.utils import rowcol_to_a1

    from automation.findings import cell_notes, findings_grid

    settings = settings_for(job)
    client = gspread_client(job)
    book = client.open_by_key(job.spreadsheet)
    grids = {}
    for title in staff_titles(settings):
        records = book.worksheet(title).get_all_records()
        header = list(records[0]) if records else []
        grids[title] = [header, *([r.get(h) for h in header] for r in records)]
    ctx, results, findings = run_stages(settings, grids)
    target = book.add_worksheet("ผลการตรวจสอบ (gspread)", rows=len(findings) + 1, cols=12)
    target.update(findings_grid(findings, ctx.lang), "A1")  # one call for the table: generous to scripts
    notes = [n for title, ns in cell_notes(findings).items() for n in ns]
    before_notes, server_before = time.perf_counter(), server_seconds(job)
    made = 0
    for note in notes[: job.note_cap]:
        _sheet(book, note.sheet).insert_note(rowcol_to_a1(note.row, note.col), note.text)
        made += 1
    spent = time.perf_counter() - before_notes
    # Each note is a spreadsheets.batchUpdate, which the emulator applies to a copy of the whole
    # spreadsheet (1.6 million cells here): that is the stand-in's cost, not Google's, so the
    # estimate for the calls not made counts the latency and the client's own work only.
    emulated = server_seconds(job) - server_before
    per_call = spent / made if made else 0.0
    per_call_client = max(spent - emulated, 0.0) / made if made else 0.0
    missing = len(notes) - made
    return Partial(
        rows=staff_rows(ctx),
        notes=(f"extrapolated: {made} of {len(notes)} per-cell note calls made, the other {missing} "
               f"estimated at {per_call_client * 1000:.0f} ms each (measured, less the emulator's own "
               f"work)") if missing else "",
        extra={"stages": stage_seconds(results), "findings": len(findings), "cell_calls": len(notes),
               "cell_calls_made": made, "seconds_per_cell_call": round(per_call, 4),
               "seconds_per_cell_call_without_emulator": round(per_call_client, 4),
               "extrapolated_seconds": round(per_call_client * missing, 1), "extrapolated_calls": missing},
        seconds=None if not missing else -per_call_client * missing,  # negative: added to the measured time
        api_calls=None if not missing else -missing,
    )


_WORKSHEETS: dict[tuple[int, str], Any] = {}


def _sheet(book: Any, title: str) -> Any:
    """Scripts keep their worksheet objects; so do we (one metadata call per sheet, not per note)."""
    key = (id(book), title)
    if key not in _WORKSHEETS:
        _WORKSHEETS[key] = book.worksheet(title)
    return _WORKSHEETS[key]


def gspread_dataframe(job: Job) -> Partial:
    """get_as_dataframe per sheet, the same checks, set_with_dataframe for the findings."""
    import pandas as pd
    from gspread_dataframe import get_as_dataframe, set_with_dataframe

    from automation.findings import findings_grid

    settings = settings_for(job)
    client = gspread_client(job)
    book = client.open_by_key(job.spreadsheet)
    grids = {}
    for title in staff_titles(settings):
        frame = get_as_dataframe(book.worksheet(title))
        values = frame.astype(object).where(frame.notna(), None).values.tolist()
        grids[title] = [list(frame.columns), *values]
    ctx, results, findings = run_stages(settings, grids)
    grid = findings_grid(findings, ctx.lang)
    target = book.add_worksheet("ผลการตรวจสอบ (gspread-dataframe)", rows=len(grid), cols=len(grid[0]))
    set_with_dataframe(target, pd.DataFrame(grid[1:], columns=grid[0]), resize=True)
    return Partial(rows=staff_rows(ctx), notes="no cell notes (the library writes tables only); "
                   "set_with_dataframe writes USER_ENTERED by default, so citizen text starting with '=' "
                   "becomes a formula",
                   extra={"stages": stage_seconds(results), "findings": len(findings)})


def province(job: Job) -> Partial:
    """The daily check (validation + deadlines, findings and notes written) over every office."""
    from automation.pacing import Pacer
    from automation.pipeline import check_stages, run_once
    from automation.workbook.gsheets import GoogleSheetsWorkbook

    def one(sid: str) -> dict[str, Any]:
        settings = settings_for(job, sid)
        book = GoogleSheetsWorkbook.from_settings(settings)
        book.pacer = Recorder()  # unpaced here: the quota is simulated below from what it saw
        started = time.perf_counter()
        summary = run_once(settings, book, stages=check_stages())
        rows = summary.stages[0].figures.get("rows", {})
        return {"seconds": time.perf_counter() - started, "kinds": book.pacer.kinds,
                "findings": len(summary.findings), "rows": sum(rows.values())}

    with ThreadPoolExecutor(job.threads) as pool:
        offices = list(pool.map(one, job.offices))
    reads = sum(o["kinds"].count("read") for o in offices)
    writes = sum(o["kinds"].count("write") for o in offices)
    paced = simulate_paced_sweep(offices, 60, job.latency, Pacer)
    project = simulate_paced_sweep(offices, 300, job.latency, Pacer)
    per_office = [o["seconds"] for o in offices]
    return Partial(
        rows=sum(o["rows"] for o in offices),
        notes=f"{len(offices)} offices, " + ("one after another" if job.threads == 1 else f"{job.threads} at a time")
              + " as the service checks them, unpaced against the emulator; "
              "the sweep under Google's quotas is simulated with automation.pacing on a fake clock",
        api_calls=reads + writes,
        extra={"offices": len(offices), "threads": job.threads, "reads": reads, "writes": writes,
               "calls_per_office": round((reads + writes) / max(len(offices), 1), 2),
               "office_seconds_median": round(statistics.median(per_office), 3) if per_office else 0,
               "findings": sum(o["findings"] for o in offices),
               "paced_60_per_minute": paced, "paced_300_per_minute": project},
    )


class Recorder:
    """A pacer stand-in that only notes the kind of each request, in order."""

    per_minute = 0
    enabled = False

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def acquire(self, kind: str = "read") -> float:
        self.kinds.append(kind)
        return 0.0


def simulate_paced_sweep(offices: list[dict[str, Any]], per_minute: int, latency: float,
                         pacer_class: Callable[..., Any]) -> dict[str, Any]:
    """Replay the sweep one office after another through the real Pacer on a fake clock:
    each request waits its turn, then takes `latency`; each office's own work takes what it
    took unpaced (less its latency). Returns the minutes the sweep would last and the most
    requests of one kind that any minute saw."""
    now = [0.0]

    def clock() -> float:
        return now[0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = pacer_class(per_minute, clock=clock, sleep=sleep)
    starts: dict[str, list[float]] = {"read": [], "write": []}
    for office in offices:
        work = max(office["seconds"] - latency * len(office["kinds"]), 0.0)
        for kind in office["kinds"]:
            pacer.acquire(kind)
            starts[kind].append(now[0])
            now[0] += latency
        now[0] += work
    return {"minutes": round(now[0] / 60, 2), "per_minute": per_minute,
            "busiest_minute": {k: _busiest(v) for k, v in starts.items()},
            "waited_minutes": round(pacer.waited / 60, 2)}


def _busiest(times: list[float]) -> int:
    best, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - 60.0:
            first += 1
        best = max(best, last - first + 1)
    return best


METHODS: dict[str, Callable[[Job], Partial]] = {
    "scale data: generate + write": generate,
    "service": service,
    "service, same-day re-run": service,
    "pandas parse only": pandas_parse,
    "parse only, openpyxl": pandas_parse,
    "parse only, calamine": pandas_parse,
    "gspread scripts": gspread_scripts,
    "gspread-dataframe": gspread_dataframe,
    "province sweep": province,
}


# ---------------------------------------------------------------- timing a workbook


class Timed:
    """A workbook that keeps how long its reads and writes took."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.label = inner.label
        self.read_seconds = self.write_seconds = 0.0
        self.wrote = False

    @property
    def api_calls(self) -> int:
        return int(self.inner.api_calls)

    def __getattr__(self, name: str) -> Any:
        """Whatever else the Workbook interface offers (found_titles, …) is the inner one's."""
        return getattr(self.inner, name)

    def read(self, titles: list[str]) -> Any:
        started = time.perf_counter()
        try:
            return self.inner.read(titles)
        finally:
            self.read_seconds += time.perf_counter() - started

    def apply(self, changes: Any) -> None:
        started = time.perf_counter()
        try:
            self.wrote = self.wrote or not changes.is_empty()
            self.inner.apply(changes)
        finally:
            self.write_seconds += time.perf_counter() - started

    def provision(self, layouts: Any, lang: str = "th") -> list[str]:
        return self.inner.provision(layouts, lang)


# ---------------------------------------------------------------- the harness


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def measure(job: Job, memory: str = "rss") -> Result:
    """Run one method and measure it: wall time, peak memory (see the module doc), API calls."""
    method = METHODS[job.method]
    if memory == "tracemalloc":
        tracemalloc.start()
    base = _rss_mb()
    calls_before, server_before = emulator_counts(job)
    started = time.perf_counter()
    cpu_started = time.process_time()
    part = method(job)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if memory == "tracemalloc":
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        extra = dict(part.extra)
    else:
        # The whole worker process's high-water mark (interpreter, imports and all): what the
        # machine must have. The worker was started fresh for this method alone and inherited
        # nothing from the emulator's process. The rise during the method is kept beside it.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        extra = dict(part.extra)
        extra["peak_above_start_mb"] = round(max(peak - base, 0.0), 1)
    calls_after, server_after = emulator_counts(job)
    calls = calls_after - calls_before
    if job.url:
        emulated = server_after - server_before
        extra["emulator_seconds"] = round(emulated, 2)
        extra["injected_latency_seconds"] = round(calls * job.latency, 2)
        # The client's own time: the wall time less what the stand-in server spent answering
        # and the latency it was told to add (Google's share in real life).
        extra["client_seconds"] = round(max(seconds - emulated - calls * job.latency, 0.0), 2)
    # CPU seconds of the worker process, all its threads (the emulator's are its own process's):
    # beside the wall-based client time, which shrinks when the client works while the server
    # answers, this is the work the client did.
    extra["cpu_seconds"] = round(cpu, 2)
    if part.api_calls is not None and part.api_calls >= 0:
        calls = part.api_calls
    elif part.api_calls is not None:
        extra["measured_calls"] = calls
        calls -= part.api_calls  # plus the extrapolated ones
    if part.seconds is not None and part.seconds < 0:
        extra["measured_seconds"] = round(seconds, 2)
        seconds -= part.seconds
    return Result(job.scenario, job.label or job.method, job.backend, part.rows, round(seconds, 2),
                  round(peak, 1), calls, part.notes, extra)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    job = Job(**json.loads(args[0]))
    result = measure(job, "rss")
    print(RESULT + json.dumps(asdict(result), ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
