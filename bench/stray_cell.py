"""`python -m bench.stray_cell`: what one stray cell far away costs (issue 15).

A clerk types a space in P1048576 of the measures sheet. The same workbook is checked with and
without it, each run in a fresh worker process: wall time of `validate` (read, every check,
findings and notes written back), the worker's peak memory, and the file's size after the run.
The goal: within 2x of the file without the stray cell (time and peak memory), the file not
growing. Written to bench/results/stray_cell.json (a measurement, not a timed test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results" / "stray_cell.json"
TODAY = dt.date(2024, 4, 20)
STRAY = (1048576, 16)  # P1048576: the sheet's last row


def _settings(folder: Path, workbook: Path) -> Any:
    from automation.settings import load_settings

    config = folder / "config" / "settings.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    return load_settings(config, run__today=TODAY, workbook__path=str(workbook))


def build(folder: Path) -> tuple[Path, Path]:
    """The demo workbook, and a copy with a space typed at P1048576 of its measures sheet."""
    from automation.demo import build_demo_workbook
    from automation.schema import build_schema
    from automation.workbook import CellWrite, Changes
    from automation.workbook.xlsx import XlsxWorkbook

    plain = folder / "plain.xlsx"
    settings = _settings(folder / "build", plain)
    build_demo_workbook(settings, plain, today=TODAY)
    stray = folder / "stray.xlsx"
    shutil.copy(plain, stray)
    title = build_schema(settings)["measures"].title
    XlsxWorkbook(stray).apply(Changes(cells=[CellWrite(title, *STRAY, " ")]))
    return plain, stray


def worker(workbook: Path, folder: Path) -> dict[str, Any]:
    """One validate run in this (fresh) process."""
    from automation.pipeline import check_stages, run_once

    settings = _settings(folder, workbook)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = run_once(settings, stages=check_stages())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": round(seconds, 3), "peak_mib": round(peak / 1024, 1),
            "method_mib": round((peak - before) / 1024, 1), "findings": len(summary.findings),
            "size_after": workbook.stat().st_size}


def measure(workbook: Path, folder: Path, repeats: int) -> dict[str, Any]:
    runs = []
    for i in range(repeats):
        copy = folder / f"run{i}-{workbook.name}"
        shutil.copy(workbook, copy)
        done = subprocess.run([sys.executable, "-m", "bench.stray_cell", "--worker", str(copy),
                               str(folder / f"w{i}")], capture_output=True, text=True, cwd=PROJECT, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    median = runs[len(runs) // 2]
    return {**median, "size_before": workbook.stat().st_size, "seconds_all": [r["seconds"] for r in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("WORKBOOK", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), Path(args.worker[1]))))
        return 0
    with tempfile.TemporaryDirectory(prefix="stray-cell-") as tmp:
        folder = Path(tmp)
        plain, stray = build(folder)
        result = {"plain": measure(plain, folder, args.repeats), "stray": measure(stray, folder, args.repeats)}
    p, s = result["plain"], result["stray"]
    result["ratio"] = {"seconds": round(s["seconds"] / p["seconds"], 2),
                       "method_mib": round(max(s["method_mib"], 1) / max(p["method_mib"], 1), 2),
                       "peak_mib": round(s["peak_mib"] / p["peak_mib"], 2)}
    # The stray file after its run against the plain file after its run: the space's own bytes.
    result["stray_vs_plain_bytes_after_run"] = s["size_after"] - p["size_after"]
    result["when"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
