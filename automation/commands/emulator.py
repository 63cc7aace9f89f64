"""`./ita emulator`: the loopback Google Sheets API, to try the gsheets backend without a
Google account.

Its spreadsheets and its key live beside the service's state (`state/sheets-emulator.json`,
`state/key.json` with the shipped settings), so a restart serves the same spreadsheet id and
the settings written once keep working.
"""

from __future__ import annotations

import argparse
import errno
from pathlib import Path

from automation.cli import arguments, command
from automation.commands.line import busy_port
from automation.settings import ConfigError, Settings


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8765, help="port to listen on (127.0.0.1; default 8765)")
    p.add_argument("--state", type=Path,
                   help="JSON file that keeps the spreadsheets between restarts, so the spreadsheet id "
                        "stays the same (default: sheets-emulator.json beside [state] path)")
    p.add_argument("--key-out", type=Path,
                   help="where to write the service-account key file for the emulator "
                        "(default: key.json beside [state] path, state/key.json for the shipped settings)")


def emulator_files(settings: Settings, state: Path | None, key: Path | None) -> tuple[Path, Path]:
    """The emulator's state file and key file: as given, else beside the service's state."""
    folder = settings.state_path.parent
    return state or folder / "sheets-emulator.json", key or folder / "key.json"


@command(
    "emulator",
    "Run a local Google Sheets API emulator holding the demo spreadsheet",
    "Starts a loopback Sheets API v4 emulator with the demo workbook as a spreadsheet and prints "
    "the settings to use it: [workbook] backend = \"gsheets\", [gsheets] api_base_url, "
    "spreadsheet_id and credentials_file (the key it writes, state/key.json by default). The "
    "spreadsheets are kept in a state file, so the id stays the same across restarts. Stops with Ctrl-C.",
    workbook=False, today=False,
)
@arguments(_args)
def cmd_emulator(args: argparse.Namespace, settings: Settings) -> int:
    from automation.sheets_emulator.server import main

    state, key = emulator_files(settings, args.state, args.key_out)
    state.parent.mkdir(parents=True, exist_ok=True)
    key.parent.mkdir(parents=True, exist_ok=True)
    argv = ["--port", str(args.port), "--create-demo", "--state", str(state), "--key-out", str(key)]
    if args.verbose:
        argv.append("--verbose")
    try:
        return main(argv)
    except OSError as exc:  # the port: taken by another program (an emulator already running), or not allowed
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise ConfigError(busy_port(f"--port {args.port}", "127.0.0.1", exc, settings.run.language,
                                    f"--port {args.port + 1}")) from None
