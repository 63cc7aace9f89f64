"""`python -m bench`: the scale benchmarks, written to bench/results/latest.{json,md,png}.

    python -m bench                 # full scale (100,000 responses, 500 offices): < 10 minutes
    python -m bench --quick         # smoke size, results in a temporary folder unless --out
    python -m bench fuzz            # 10,000 generated workbooks through every stage (minutes)
    python -m bench all             # both
    python -m bench --before-tree DIR   # also time the code in DIR (an older checkout) on xlsx
    python -m bench report          # rewrite latest.md and latest.png from latest.json

Each measurement runs in a fresh worker process (`bench.scenarios`), the Sheets emulator in
another (`bench.emulator_host`), so wall time, peak memory and API calls are each method's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import report
from bench.scenarios import RESULT, Job, Result, measure

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results"
TODAY = dt.date(2024, 4, 20)  # as the tests pin it: FY 2567, round 1 closed, its report due
MEMORY_RSS = ("peak resident set of the whole worker process running the method (resource.getrusage "
              "ru_maxrss; a fresh process per method, nothing inherited from the emulator's); the rise during "
              "the method is extra.peak_above_start_mb")
MEMORY_IN_PROCESS = ("ru_maxrss of the one process running every method (--in-process): a high-water "
                     "mark, so a figure is 0 unless the method raised the peak; smoke runs only")


def prepare(work: Path, source: Path = PROJECT) -> Path:
    """A copy of the shipped settings (and templates) whose relative paths land in `work`."""
    (work / "config").mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "config" / "settings.toml", work / "config" / "settings.toml")
    if not (work / "templates").exists():
        shutil.copytree(source / "templates", work / "templates")
    return work / "config" / "settings.toml"


class Runner:
    def __init__(self, in_process: bool, verbose: bool = True, progress: Path | None = None) -> None:
        self.in_process = in_process
        self.verbose = verbose
        self.progress = progress
        self.results: list[Result] = []

    def run(self, job: Job, pythonpath: Path | None = None) -> Result:
        started = time.perf_counter()
        if self.in_process:
            result = measure(job, "rss")
        else:
            result = self._subprocess(job, pythonpath)
        self.results.append(result)
        if self.progress is not None:  # what is measured so far, should the run be cut short
            self.progress.write_text(json.dumps([asdict(r) for r in self.results], ensure_ascii=False,
                                                indent=1, default=str) + "\n", encoding="utf-8")
        if self.verbose:
            print(f"  {job.scenario:12} {job.backend:7} {result.method:36} {result.seconds:9.1f} s "
                  f"{result.peak_mb:8.0f} MB {result.api_calls:7} calls  ({time.perf_counter() - started:.0f} s)",
                  flush=True)
        return result

    @staticmethod
    def _subprocess(job: Job, pythonpath: Path | None) -> Result:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (pythonpath, PROJECT) if p)
        # `python -m` puts the working directory first on sys.path: run an older tree from
        # inside it, or its `automation` would lose to this one's.
        done = subprocess.run([sys.executable, "-m", "bench.scenarios", json.dumps(asdict(job))],
                              cwd=pythonpath or PROJECT, env=env, capture_output=True, text=True, timeout=3600)
        line = next((ln for ln in reversed(done.stdout.splitlines()) if ln.startswith(RESULT)), None)
        if line is None:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return Result(job.scenario, job.label or job.method, job.backend, 0, 0.0, 0.0, 0,
                          "failed: " + " | ".join(tail))
        return Result(**json.loads(line[len(RESULT):]))


class EmulatorProcess:
    """bench.emulator_host in its own process; or in this one (`in_process`)."""

    def __init__(self, config: Path, work: Path, quick: bool, in_process: bool, offices: int | None = None) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.host: Any = None
        if in_process:
            from dataclasses import replace

            from bench.emulator_host import Host
            from bench.scale import FULL, QUICK

            scale = QUICK if quick else FULL
            self.host = Host(config, TODAY, replace(scale, offices=offices) if offices else scale, work)
            self.loaded = asdict(self.host.loaded)
            return
        command = [sys.executable, "-m", "bench.emulator_host", "--config", str(config), "--today",
                   TODAY.isoformat(), "--workdir", str(work), *(["--quick"] if quick else []),
                   *(["--offices", str(offices)] if offices else [])]
        self.process = subprocess.Popen(command, cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT)})
        from bench.emulator_host import READY

        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(READY):
                self.loaded = json.loads(line[len(READY):])
                return
        raise RuntimeError("the emulator host stopped before it was ready")

    def latency(self, seconds: float) -> None:
        import requests

        if seconds > 0:
            requests.post(self.loaded["url"] + "/_emulator/faults", json={"delay": seconds, "times": 10**9},
                          timeout=10).raise_for_status()

    def close(self) -> None:
        if self.host is not None:
            self.host.close()
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run_benchmarks(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    config = str(prepare(work))
    out.mkdir(parents=True, exist_ok=True)
    runner = Runner(args.in_process, progress=out / "in-progress.json")
    today = TODAY.isoformat()
    big = work / "municipality.xlsx"
    started = time.perf_counter()
    print(f"bench: {'quick' if args.quick else 'full'} scale in {work}", flush=True)

    def job(scenario: str, method: str, backend: str, **kw: Any) -> Job:
        return Job(scenario, method, backend, config, today, quick=args.quick, latency=args.latency,
                   note_cap=args.note_cap, threads=args.threads, **kw)

    if not big.exists():  # a --workdir kept from an earlier run holds the same seeded data
        runner.run(job("municipality", "scale data: generate + write", "xlsx", workbook=str(big)))
    shutil.copy(big, work / "run.xlsx")
    # The parse-only yardsticks of both readers, on the same file, before the service writes it.
    runner.run(job("municipality", "parse only, openpyxl", "xlsx", workbook=str(big)))
    runner.run(job("municipality", "parse only, calamine", "xlsx", workbook=str(big)))
    after = runner.run(job("municipality", "service", "xlsx", workbook=str(work / "run.xlsx")))
    if not args.goals_only:
        runner.run(job("municipality", "service, same-day re-run", "xlsx", workbook=str(work / "run.xlsx")))
    before_rows = []
    if args.before_tree:
        tree = Path(args.before_tree).resolve()
        old = work / "before"
        old.mkdir(exist_ok=True)
        shutil.copy(big, old / "run.xlsx")
        old_config = str(prepare(old, tree))
        code = f"before the speed fixes ({tree.name})"
        was = runner.run(Job("municipality", "service", "xlsx", old_config, today, workbook=str(old / "run.xlsx"),
                             label=f"service, {code}"), pythonpath=tree)
        runner.results.remove(was)
        for row, name in ((was, code), (after, "after")):
            stages = ", ".join(f"{k} {v}" for k, v in row.extra.get("stages", {}).items())
            before_rows.append({"backend": "xlsx", "code": name, "seconds": row.seconds, "stages": stages,
                                "peak_mb": row.peak_mb})

    emulator = EmulatorProcess(Path(config), work, args.quick, args.in_process, args.offices)
    try:
        loaded = emulator.loaded
        print(f"  emulator loaded in {loaded['seconds']:.0f} s; {args.latency * 1000:.0f} ms per request",
              flush=True)
        emulator.latency(args.latency)
        sheets = {"url": loaded["url"], "key_file": loaded["key_file"]}
        methods = ("service", "pandas parse only") if args.goals_only else (
            "service", "service, same-day re-run", "pandas parse only", "gspread scripts", "gspread-dataframe")
        for method in methods:
            runner.run(job("municipality", method, "gsheets", spreadsheet=loaded["municipality"], **sheets))
        runner.run(job("province", "province sweep", "gsheets", offices=loaded["offices"], **sheets))
    finally:
        emulator.close()
    if args.million:
        # 1,000,000 form responses (the rest of the municipality as before): peak memory and
        # whether time stays linear in the rows, against the 100,000-response run above.
        huge = work / "million.xlsx"
        if not huge.exists():
            runner.run(job("million", "scale data: generate + write", "xlsx", workbook=str(huge),
                           responses=1_000_000 if not args.quick else 15_000))
        shutil.copy(huge, work / "million-run.xlsx")
        runner.run(job("million", "parse only, calamine", "xlsx", workbook=str(huge)))
        runner.run(job("million", "service", "xlsx", workbook=str(work / "million-run.xlsx")))
    if not args.workdir and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    results = [asdict(r) for r in runner.results]
    (out / "in-progress.json").unlink(missing_ok=True)
    from bench.scale import FULL, QUICK

    return {
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
        "command": "python -m bench" + " ".join(["", *(["--quick"] if args.quick else []),
                                                 *(["--goals-only"] if args.goals_only else []),
                                                 *([f"--offices {args.offices}"] if args.offices else []),
                                                 *([] if args.million else ["--no-million"])]),
        "total_seconds": round(time.perf_counter() - started, 1),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "today": today,
        "scale": {**asdict(QUICK if args.quick else FULL), **({"offices": args.offices} if args.offices else {})},
        "latency": args.latency,
        "memory_method": MEMORY_IN_PROCESS if args.in_process else MEMORY_RSS,
        "results": results,
        "factors": report.factors(results),
        "goals": report.goals(results),
        "before": before_rows,
    }


def write(data: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n",
                                     encoding="utf-8")
    (out / "latest.md").write_text(report.markdown(data), encoding="utf-8")
    if any(r.get("seconds") for r in data.get("results", [])):
        report.chart(data, out / "latest.png")  # a fuzz alone on a fresh folder timed nothing to draw


def previous(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / "latest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=["run", "fuzz", "all", "report"], default="run",
                        help="run: the benchmarks (default); fuzz: the 10,000-example fuzz; all: both; "
                             "report: only rewrite latest.md and latest.png from latest.json")
    parser.add_argument("--quick", action="store_true", help="smoke size (a few thousand rows, 12 offices)")
    parser.add_argument("--latency", type=float, help="seconds added to each Sheets request (default 0.1; "
                                                      "0.005 with --quick)")
    parser.add_argument("--note-cap", type=int, help="per-cell calls the gspread-scripts method really makes "
                                                     "before extrapolating (default 20; 5 with --quick)")
    parser.add_argument("--threads", type=int, default=1, help="offices checked at a time in the sweep (default 1: "
                                                            "one after another, as the service runs them)")
    parser.add_argument("--goals-only", action="store_true",
                        help="only what the goals need: both parse-only yardsticks, the service and the Sheets "
                             "floor (no re-runs, no gspread comparisons)")
    parser.add_argument("--offices", type=int, help="offices in the province sweep (default: the scale's 500)")
    parser.add_argument("--no-million", dest="million", action="store_false",
                        help="leave out the 1,000,000-response run (the longest part)")
    parser.add_argument("--examples", type=int, help="fuzz examples (default 10000; 100 with --quick)")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results; a temporary one with "
                                                 "--quick)")
    parser.add_argument("--workdir", type=Path, help="keep generated data here instead of a temporary folder")
    parser.add_argument("--keep", action="store_true", help="do not delete the temporary folder")
    parser.add_argument("--in-process", action="store_true", help="no worker processes (quick smoke runs; memory figures not per method)")
    parser.add_argument("--before-tree", type=Path, help="also time the service of an older checkout here")
    args = parser.parse_args(argv)
    if args.latency is None:
        args.latency = 0.005 if args.quick else 0.1
    if args.note_cap is None:
        args.note_cap = 5 if args.quick else 20
    if args.examples is None:
        args.examples = 100 if args.quick else 10_000
    out = args.out or (Path(tempfile.mkdtemp(prefix="bench-results-")) if args.quick else RESULTS)
    data = previous(out)
    if args.command == "report":
        data["factors"] = report.factors(data.get("results", []))
        data["goals"] = report.goals(data.get("results", []))
    if args.command in ("run", "all"):
        kept = {k: data[k] for k in ("fuzz",) if k in data}
        if not args.before_tree and data.get("before"):
            kept["before_previous_run"] = data["before"]  # the last measured comparison, kept and labelled
        data = {**run_benchmarks(args, out), **kept}
        if not data["before"] and "before_previous_run" in data:
            data["before"] = data.pop("before_previous_run")
            data["before_note"] = "measured in an earlier run of `python -m bench --before-tree`"
    if args.command in ("fuzz", "all"):
        import logging

        from bench.fuzz import run_fuzz

        logging.disable(logging.WARNING)  # stages log what they skip; thousands of times here
        print(f"fuzz: {args.examples} examples", flush=True)
        data["fuzz"] = run_fuzz(args.examples)
        print(f"  {data['fuzz']['examples_run']} run, {data['fuzz']['crashes']} crash(es), "
              f"{data['fuzz']['seconds']} s", flush=True)
        if "results" not in data:  # fuzz alone on a fresh folder
            data.setdefault("results", [])
    if "generated" not in data:
        data.update(generated=dt.datetime.now().isoformat(timespec="seconds"), command="python -m bench fuzz",
                    machine={"cpus": os.cpu_count(), "platform": platform.platform(),
                             "python": platform.python_version()},
                    today=TODAY.isoformat(), scale={"responses": 0, "complaints": 0, "plan_years": 0, "offices": 0},
                    latency=0.0, memory_method="", factors={})
    write(data, out)
    print(f"results: {out / 'latest.json'}, {out / 'latest.md'}, {out / 'latest.png'}")
    fuzz = data.get("fuzz") or {}
    return 1 if fuzz.get("crashes") else 0


if __name__ == "__main__":
    raise SystemExit(main())
