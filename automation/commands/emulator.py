"""`python main.py emulator`: the loopback Google Sheets API, to try the gsheets backend
without a Google account."""

from __future__ import annotations

import argparse

from automation.cli import arguments, command
from automation.settings import Settings


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8765, help="port to listen on (127.0.0.1)")
    p.add_argument("--state", help="JSON file that keeps the spreadsheets between restarts")
    p.add_argument("--key-out", help="where to write the service-account key file for the emulator")


@command(
    "emulator",
    "Run a local Google Sheets API emulator holding the demo spreadsheet",
    "Starts a loopback Sheets API v4 emulator with the demo workbook as a spreadsheet, prints its "
    "URL, spreadsheet id and a key file; set [gsheets] api_base_url, spreadsheet_id and "
    "credentials_file to those values and use backend = \"gsheets\". Stops with Ctrl-C.",
)
@arguments(_args)
def cmd_emulator(args: argparse.Namespace, settings: Settings) -> int:
    from automation.sheets_emulator.server import main

    argv = ["--port", str(args.port), "--create-demo"]
    if args.state:
        argv += ["--state", args.state]
    if args.key_out:
        argv += ["--key-out", args.key_out]
    return main(argv)
