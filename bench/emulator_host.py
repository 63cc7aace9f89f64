"""The loopback Sheets emulator holding the benchmark's spreadsheets, in its own process.

The emulator is pure Python: in the measuring process it would share the interpreter lock
and the memory figures with the code under test. So `python -m bench.emulator_host` loads
the municipality (and the province's offices) into an emulator, prints one JSON line
(url, key file, spreadsheet ids) and serves until its stdin closes. It also keeps, in a
emulator itself reports how long it spent answering (`/_emulator/calls`, injected latency
apart), so the benchmark can say how much of a Sheets run was the stand-in server's own work.

`Host` does the same in a thread of the calling process (the quick smoke run in tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from automation.gsheets_transport import quiet_offline_auth
from automation.schema import build_schema
from automation.settings import load_settings
from automation.sheets_emulator import SheetsEmulator
from bench.scale import FULL, QUICK, Scale, load_province, municipality_sheets

ACCOUNT = "ita-bench@bench-project.iam.gserviceaccount.com"
READY = "BENCH-EMULATOR "


@dataclass
class Loaded:
    url: str
    key_file: str
    municipality: str = ""
    offices: list[str] = field(default_factory=list)
    seconds: float = 0.0  # to generate and load everything


def load(emulator: SheetsEmulator, config: Path, today: dt.date, scale: Scale, key_file: Path,
         municipality: bool = True, province: bool = True) -> Loaded:
    started = time.perf_counter()
    settings = load_settings(config, run__today=today)
    key = emulator.write_service_account_key(key_file, ACCOUNT)
    loaded = Loaded(emulator.url, str(key))
    if municipality:
        schema = build_schema(settings)
        sheets = municipality_sheets(settings, scale, today=today)
        titled = {schema[k].title: grid for k, grid in sheets.items()}
        loaded.municipality = emulator.create_spreadsheet("เทศบาลนครตัวอย่าง", titled, [ACCOUNT],
                                                          spreadsheet_id="municipality")
    if province:
        loaded.offices = load_province(emulator, settings, scale, today=today, shared_with=(ACCOUNT,))
    loaded.seconds = time.perf_counter() - started
    return loaded


class Host:
    """An emulator loaded with the benchmark's data, in this process (for the quick run)."""

    def __init__(self, config: Path, today: dt.date, scale: Scale, workdir: Path) -> None:
        quiet_offline_auth()
        self.emulator = SheetsEmulator().start()
        self.loaded = load(self.emulator, config, today, scale, workdir / "bench-key.json")

    def stats(self) -> dict[str, Any]:
        return {"server_seconds": self.emulator.answering_seconds}

    def close(self) -> None:
        self.emulator.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.emulator_host", description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--today", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-province", action="store_true")
    parser.add_argument("--offices", type=int, help="offices in the province (default: the scale's)")
    args = parser.parse_args(argv)
    quiet_offline_auth()
    emulator = SheetsEmulator().start()
    try:
        scale = QUICK if args.quick else FULL
        if args.offices:
            scale = replace(scale, offices=args.offices)
        loaded = load(emulator, args.config, args.today, scale,
                      args.workdir / "bench-key.json", province=not args.no_province)
        print(READY + json.dumps(asdict(loaded)), flush=True)
        sys.stdin.read()  # serve until the benchmark closes our stdin (or dies)
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
