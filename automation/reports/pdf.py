"""The report as a PDF, through LibreOffice: what the coordinator publishes and prints.

    write_pdf(docx_path) -> the .pdf beside it (same name), or PdfUnavailable saying why

LibreOffice runs headless with a profile of its own (a temporary folder), so a LibreOffice
the coordinator has open on the same machine neither blocks the conversion nor is disturbed
by it. The PDF is written next to the .docx only when the conversion succeeded: a failed run
never leaves half a file or yesterday's PDF under today's name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from automation.settings import ConfigError

OFFICE_NAMES = ("soffice", "libreoffice")
INSTALL_HINT = "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; Windows: libreoffice.org)"


class PdfUnavailable(ConfigError):
    """The PDF could not be made (LibreOffice missing or failing); the .docx is still there."""


def find_office() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for name in OFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(docx: Path, out: Path | None = None, timeout: float = 300) -> Path:
    """Convert `docx` to PDF (default: the same name with .pdf) and return the PDF's path."""
    office = find_office()
    out = out or docx.with_suffix(".pdf")
    if office is None:
        raise PdfUnavailable(f"{out.name}: no PDF written: LibreOffice (soffice) is not installed; "
                             f"the Word file {docx} is ready. To get PDFs, {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as work:
        folder = Path(work)
        try:
            done = subprocess.run(
                [office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                capture_output=True, text=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"{out.name}: no PDF written: LibreOffice took longer than {timeout:.0f} s "
                                 f"to convert {docx.name}") from None
        except OSError as exc:
            raise PdfUnavailable(f"{out.name}: no PDF written: {office} could not be started ({exc})") from None
        made = folder / f"{docx.stem}.pdf"
        if done.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            why = (done.stderr or done.stdout).strip().splitlines()
            raise PdfUnavailable(f"{out.name}: no PDF written: LibreOffice could not convert {docx.name}"
                                 + (f" ({why[-1]})" if why else ""))
        out.parent.mkdir(parents=True, exist_ok=True)
        staged = out.with_name(f".{out.name}.part")
        shutil.copyfile(made, staged)
        os.chmod(staged, 0o644)  # a shared folder or web server reads it as another user
        os.replace(staged, out)
    return out
