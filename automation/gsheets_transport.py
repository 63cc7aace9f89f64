"""How the service reaches Google Sheets: a gspread HTTP client that can be pointed at another
base URL (the loopback emulator), service-account credentials from a key file or from the
key JSON itself, and a switch that keeps google-auth quiet when there is no network.

    creds = service_account_credentials(key_json=os.environ["GOOGLE_SERVICE_ACCOUNT_JSON"])
    client = gspread.Client(creds, http_client=http_client_for(settings.gsheets.api_base_url))
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from requests import Response

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
GOOGLE_PREFIXES = ("https://sheets.googleapis.com", "https://www.googleapis.com")
# google-auth >= 2.55 may look up a "regional access boundary" at iamcredentials.googleapis.com
# in a background thread after the first token; this variable turns that lookup off.
REGIONAL_ACCESS_BOUNDARY_ENV = (
    "GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED")


def rewrite_endpoint(endpoint: str, base_url: str) -> str:
    """https://sheets.googleapis.com/v4/... -> {base_url}/v4/...; other URLs unchanged."""
    for prefix in GOOGLE_PREFIXES:
        if endpoint.startswith(prefix + "/") or endpoint == prefix:
            return base_url.rstrip("/") + endpoint[len(prefix):]
    return endpoint


def http_client_for(base_url: str | None,
                    base: type[HTTPClient] = HTTPClient) -> type[HTTPClient]:
    """The HTTPClient class to give gspread (`http_client=`). With a base URL, every Sheets and
    googleapis.com endpoint goes there instead; with None or "" it is `base` unchanged (plain
    gspread talking to Google). gspread needs a subclass, not a wrapper: Worksheet checks
    isinstance(client, HTTPClient)."""
    if not base_url:
        return base
    target = base_url.rstrip("/")

    class RedirectedHTTPClient(base):  # type: ignore[valid-type, misc]
        api_base_url = target

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Response:
            return super().request(method, rewrite_endpoint(endpoint, target), *args, **kwargs)

    RedirectedHTTPClient.__qualname__ = f"RedirectedHTTPClient[{target}]"
    return RedirectedHTTPClient


def get_json(http: HTTPClient, endpoint: str, params: dict[str, Any]) -> Any:
    """GET `endpoint` through gspread's client (its authorised session, time-out and base URL)
    and decode the JSON answer from its body read in one piece. gspread's own calls read a body
    10 KiB at a time and decode it to text before parsing: for the 40 MB a large office's
    values come to, about 0.1 s more than this. Errors are gspread's (APIError) and requests'
    (a body cut off half-way is a ChunkedEncodingError), as with gspread's calls."""
    base = getattr(http, "api_base_url", None)
    url = rewrite_endpoint(endpoint, base) if base else endpoint
    response = http.session.request("get", url, params=params, timeout=http.timeout, stream=True)
    if not response.ok:
        response.content  # noqa: B018 - the (short) error body, for APIError to explain
        raise APIError(response)
    return json.loads(b"".join(response.iter_content(chunk_size=None)))


class KeyProblem(ValueError):
    """A service-account key that cannot be used. str() is the English sentence; `th` says it in
    Thai and `gloss` in a few English words, for the line a clerk reads."""

    def __init__(self, en: str, th: str, gloss: str) -> None:
        super().__init__(en)
        self.th, self.gloss = th, gloss


def service_account_credentials(key_file: str | Path | None = None, *,
                                key_json: str | None = None,
                                scopes: Sequence[str] = (SHEETS_SCOPE,)
                                ) -> service_account.Credentials:
    """google-auth service-account credentials from a key file path or from the key's JSON
    text (e.g. the content of an environment variable); exactly one of the two. Scopes are
    Sheets only: the service has no business in Drive."""
    if (key_file is None) == (key_json is None):
        raise ValueError("give exactly one of key_file or key_json")
    if key_file is not None:
        path = Path(key_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyProblem(f"cannot read the service-account key file {path}: {exc.strerror}",
                             f"เปิดอ่านไฟล์กุญแจ {path} ไม่ได้ ({exc.strerror})",
                             "cannot read the key file") from exc
        source, source_th = f"key file {path}", "ไฟล์กุญแจ"
    else:
        text, source, source_th = str(key_json), "key JSON", "กุญแจ JSON "
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        # Never echo the text: it holds a private key.
        raise KeyProblem(f"the service-account {source} is not valid JSON (line {exc.lineno})",
                         f"{source_th}ไม่ใช่ JSON ที่ถูกต้อง (บรรทัด {exc.lineno}) อาจถูกตัดหรือแก้ไข",
                         "not valid JSON") from exc
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise KeyProblem(f"the service-account {source} is not a service-account key "
                         '("type": "service_account" missing)',
                         f'{source_th}ไม่ใช่กุญแจของบัญชีบริการ (ไม่มี "type": "service_account")',
                         "not a service-account key")
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise KeyProblem(f"the service-account {source} lacks {', '.join(missing)}",
                         f"{source_th}ขาด {', '.join(missing)}", f"lacks {', '.join(missing)}")
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
    except ValueError as exc:
        # cryptography's own text (ASN.1 tags ...) tells an office nothing: say which field.
        raise KeyProblem(f"the private_key in the service-account {source} cannot be read "
                         "(not an unchanged PEM RSA key)",
                         f"อ่าน private_key ใน{source_th}ไม่ได้ (ไม่ใช่กุญแจ PEM RSA ที่ไม่ถูกแก้ไข)",
                         "private_key cannot be read") from exc


class _DropLookupNoise(logging.Filter):
    """urllib3 retry warnings about the regional-access-boundary lookup host."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return "iamcredentials.googleapis.com" not in text and "allowedLocations" not in text


_LOOKUP_FILTER = _DropLookupNoise()


def quiet_offline_auth() -> None:
    """Keep google-auth from reaching iamcredentials.googleapis.com after a token refresh and
    drop the urllib3 retry warnings such a lookup logs offline. Safe to call repeatedly;
    other urllib3 warnings still show."""
    os.environ[REGIONAL_ACCESS_BOUNDARY_ENV] = "false"
    logging.getLogger("google.auth._regional_access_boundary_utils").setLevel(logging.ERROR)
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logger = logging.getLogger(name)
        if _LOOKUP_FILTER not in logger.filters:
            logger.addFilter(_LOOKUP_FILTER)
