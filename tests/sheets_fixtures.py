"""Fixtures for tests that talk to the loopback Sheets emulator (tests/conftest.py belongs to
another module, so these are imported explicitly by the test files that need them).

One emulator and one service-account key per session (RSA key generation is the slow part);
each test gets the emulator with faults cleared and the call log empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import gspread
import pytest

from automation.gsheets_transport import (
    http_client_for,
    quiet_offline_auth,
    service_account_credentials,
)
from automation.sheets_emulator import SheetsEmulator

SERVICE_EMAIL = "ita-bot@office-test.iam.gserviceaccount.com"
CLIENT_TIMEOUT = 5.0  # seconds; no test may wait on the emulator longer than this


@pytest.fixture(scope="session")
def sheets_emulator_session() -> Iterator[SheetsEmulator]:
    quiet_offline_auth()
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def service_account_key(sheets_emulator_session: SheetsEmulator,
                        tmp_path_factory: pytest.TempPathFactory) -> Path:
    key_dir = tmp_path_factory.mktemp("sheets-key")
    return sheets_emulator_session.write_service_account_key(key_dir / "key.json", SERVICE_EMAIL)


@pytest.fixture
def sheets_emulator(sheets_emulator_session: SheetsEmulator) -> Iterator[SheetsEmulator]:
    sheets_emulator_session.clear_faults()
    sheets_emulator_session.reset_calls()
    yield sheets_emulator_session
    sheets_emulator_session.clear_faults()


@pytest.fixture
def gspread_client(sheets_emulator: SheetsEmulator, service_account_key: Path) -> gspread.Client:
    """Real gspread 6.2.1 + real google-auth token flow, aimed at the emulator."""
    credentials = service_account_credentials(service_account_key)
    client = gspread.Client(credentials, http_client=http_client_for(sheets_emulator.url))
    client.set_timeout(CLIENT_TIMEOUT)
    return client
