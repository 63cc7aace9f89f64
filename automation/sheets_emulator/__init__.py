"""A loopback Google Sheets API v4 emulator for tests and offline demos.

    with SheetsEmulator() as emu:
        key = emu.write_service_account_key(tmp / "key.json", "svc@x.iam.gserviceaccount.com")
        sid = emu.create_spreadsheet("Book", {"Sheet1": [["a", "b"]]},
                                     shared_with=["svc@x.iam.gserviceaccount.com"])
        client = gspread.service_account(filename=key, http_client=http_client_for(emu.url))

Modules: `grid` (data model, A1 ranges, value typing/rendering), `api` (the Sheets
operations), `server` (HTTP, tokens, faults, call log, Python API, command line).
"""

from automation.sheets_emulator.grid import (
    A1Range,
    ApiError,
    CellData,
    GridBox,
    SheetGrid,
    Spreadsheet,
)
from automation.sheets_emulator.server import (
    DEFAULT_OWNER,
    SHEETS_SCOPE,
    Call,
    FaultRule,
    SheetsEmulator,
    main,
)

__all__ = [
    "DEFAULT_OWNER",
    "SHEETS_SCOPE",
    "A1Range",
    "ApiError",
    "Call",
    "CellData",
    "FaultRule",
    "GridBox",
    "SheetGrid",
    "SheetsEmulator",
    "Spreadsheet",
    "main",
]
