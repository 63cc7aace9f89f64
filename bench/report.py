"""The benchmark's results as a markdown table and a chart beside bench/results/latest.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _find(results: list[dict[str, Any]], scenario: str, method: str, backend: str) -> dict[str, Any] | None:
    return next((r for r in results if r["scenario"] == scenario and r["method"] == method
                 and r["backend"] == backend and not r["notes"].startswith("failed")), None)


def factors(results: list[dict[str, Any]]) -> dict[str, float]:
    """The full job's time over each parse-only yardstick; on Sheets, client time over client time
    (the emulator's own work and the injected latency left out: a pure-Python stand-in, not Google)."""
    out: dict[str, float] = {}
    for r in results:
        if r["method"] != "service":
            continue
        scenario, backend = r["scenario"], r["backend"]
        for floor_name in ("parse only, calamine", "parse only, openpyxl", "pandas parse only"):
            floor = _find(results, scenario, floor_name, backend)
            if floor and floor["seconds"]:
                out[f"{scenario}/{backend} over {floor_name}"] = round(r["seconds"] / floor["seconds"], 2)
        floor = _find(results, scenario, "pandas parse only", backend)
        ours, theirs = r.get("extra", {}), (floor or {}).get("extra", {})
        if theirs.get("client_seconds") and "client_seconds" in ours:
            out[f"{scenario}/{backend} client time over the floor's client time"] = round(
                ours["client_seconds"] / theirs["client_seconds"], 2)
    return out


def goals(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The issue's goals, each with the measured value, the limit and whether it is met."""
    out: dict[str, dict[str, Any]] = {}

    def goal(name: str, value: float | None, limit: float, unit: str) -> None:
        if value is not None:
            out[name] = {"value": round(value, 2), "limit": limit, "unit": unit, "met": value <= limit}

    service = _find(results, "municipality", "service", "xlsx")
    calamine = _find(results, "municipality", "parse only, calamine", "xlsx")
    if service and calamine and calamine["seconds"]:
        goal("municipality xlsx: full job over calamine's parse-only time", service["seconds"] / calamine["seconds"],
             3.0, "×")
    if service:
        goal("municipality xlsx: peak memory of the whole process", service["peak_mb"], 1024.0, "MiB")
    sheets = _find(results, "municipality", "service", "gsheets")
    floor = _find(results, "municipality", "pandas parse only", "gsheets")
    if sheets and floor and floor.get("extra", {}).get("client_seconds"):
        goal("municipality Sheets: client time over the floor's client time",
             sheets["extra"].get("client_seconds", 0.0) / floor["extra"]["client_seconds"], 3.0, "×")
    if sheets:
        goal("municipality Sheets: peak memory of the whole process", sheets["peak_mb"], 1024.0, "MiB")
    million = _find(results, "million", "service", "xlsx")
    if million:
        goal("1,000,000 responses xlsx: peak memory of the whole process", million["peak_mb"], 4096.0, "MiB")
        if service and service["rows"] and million["rows"]:
            # Linear: seconds per row at 1,000,000 responses within 1.5× of those at 100,000.
            per_row = (million["seconds"] / million["rows"]) / (service["seconds"] / service["rows"])
            goal("1,000,000 responses xlsx: seconds per row over those at 100,000 (linear ≈ 1)", per_row, 1.5, "×")
    return out


def markdown(data: dict[str, Any]) -> str:
    results = data["results"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {data['generated']} on {data['machine']['cpus']} CPUs ({data['machine']['platform']}, "
        f"Python {data['machine']['python']}); `{data['command']}`; today pinned to {data['today']}.",
        f"Scale: {data['scale']['responses']:,} form responses, {data['scale']['complaints']:,} complaints, "
        f"{data['scale']['plan_years']} fiscal years of the plan; province of {data['scale']['offices']} offices. "
        f"Sheets backend: the loopback emulator with {data['latency'] * 1000:.0f} ms added to every request.",
        f"Memory: {data['memory_method']}.",
        "",
        "| scenario | method | backend | rows | seconds | peak MB | API calls | notes |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(f"| {r['scenario']} | {r['method']} | {r['backend']} | {r['rows']:,} | "
                     f"{_fmt_seconds(r['seconds'])} | {r['peak_mb']:,.0f} | {r['api_calls']:,} | {r['notes']} |")
    lines += ["", "## What the figures say", ""]
    for key, factor in data.get("factors", {}).items():
        lines.append(f"- {key}: {factor}×.")
    if data.get("goals"):
        lines += ["", "## Goals", "", "| goal | measured | limit | met |", "|---|---:|---:|---|"]
        for name, g in data["goals"].items():
            lines.append(f"| {name} | {g['value']:,} {g['unit']} | {g['limit']:,} {g['unit']} | "
                         f"{'yes' if g['met'] else 'NO'} |")
    for r in results:
        extra = r.get("extra", {})
        if r["method"].startswith("service") and "stages" in extra:
            stages = ", ".join(f"{k} {v}" for k, v in extra["stages"].items())
            lines.append(f"- {r['scenario']}/{r['backend']} {r['method']}: read {extra.get('read_seconds')} s, "
                         f"write {extra.get('write_seconds')} s, stages {stages} s; {extra.get('findings')} findings"
                         + (f"; of the time, the emulator's own work {extra['emulator_seconds']} s, injected "
                            f"latency {extra['injected_latency_seconds']} s, the client's own "
                            f"{extra.get('client_seconds')} s" if "emulator_seconds" in extra else "")
                         + (f"; CPU time of the process (all threads) {extra['cpu_seconds']} s" if "cpu_seconds" in extra
                            else ""))
        if r["method"] == "province sweep":
            from automation.pacing import sweep_minutes

            p60, p300 = extra["paced_60_per_minute"], extra["paced_300_per_minute"]
            floor60 = sweep_minutes(extra["reads"], extra["writes"], 60)
            floor300 = sweep_minutes(extra["reads"], extra["writes"], 300)
            lines.append(
                f"- province: {extra['offices']} offices, {extra['calls_per_office']} calls each "
                f"({extra['reads']} reads, {extra['writes']} writes); unpaced against the emulator "
                f"{_fmt_seconds(r['seconds'])} s with {extra['threads']} offices at a time. Google allows 60 "
                f"reads and 60 writes a minute per user (one service account): the quota alone makes the "
                f"sweep last at least {floor60:.0f} minutes, and the service paced at the default "
                f"`max_requests_per_minute = 60`, one office after another, takes {p60['minutes']} minutes "
                f"(simulated on a fake clock with the measured calls and times; busiest minute "
                f"{p60['busiest_minute']['read']} reads, {p60['busiest_minute']['write']} writes). With "
                f"several accounts up to the project's 300 a minute, the quota floor is "
                f"{floor300:.0f} minutes; one office at a time then takes {p300['minutes']} minutes, "
                f"so a sweep that fast needs offices checked side by side.")
        if r["method"] == "gspread scripts":
            lines.append(f"- gspread scripts: {extra['cell_calls']:,} per-cell calls for {extra['findings']:,} "
                         f"findings; at 60 writes a minute those alone need "
                         f"{extra['cell_calls'] / 60:,.0f} minutes of quota.")
    before = data.get("before")
    if before:
        note = f" ({data['before_note']})" if data.get("before_note") else ""
        lines += ["", f"## Before and after the speed fixes{note}", "",
                  "| backend | code | seconds | stages (s) |", "|---|---|---:|---|"]
        for row in before:
            lines.append(f"| {row['backend']} | {row['code']} | {_fmt_seconds(row['seconds'])} | {row['stages']} |")
    fuzz = data.get("fuzz")
    if fuzz:
        verdict = "no crash" if not fuzz["crashes"] else f"CRASH: {fuzz['failure']}"
        lines += ["", "## Fuzz", "",
                  f"{fuzz['examples_run']:,} of {fuzz['examples_requested']:,} generated workbooks through every "
                  f"stage: {verdict} ({fuzz['seconds']} s, {fuzz['when']}, `python -m bench fuzz`)."]
    lines.append("")
    return "\n".join(lines)


def chart(data: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = [r for r in data["results"] if r["seconds"]]
    labels = [f"{r['scenario']} · {r['backend']} · {r['method']}" for r in results]
    seconds = [r["seconds"] for r in results]
    colours = ["#1f77b4" if r["method"].startswith("service") or r["method"] == "province sweep" else
               "#7f7f7f" if "parse" in r["method"] else
               "#bcbd22" if r["method"].startswith("scale data") else "#d62728" for r in results]
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(results) + 1.4))
    ax.barh(range(len(results)), seconds, color=colours)
    ax.set_yticks(range(len(results)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("wall time, seconds (log scale)")
    for i, s in enumerate(seconds):
        ax.text(s, i, f" {_fmt_seconds(s)}", va="center", fontsize=7)
    ax.set_title("Read → validate → score → report → write back\nblue: this service · grey: parse only · "
                 "red: other ways · olive: generating the data", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
