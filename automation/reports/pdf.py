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
INSTALL_HINT_TH = ("ติดตั้ง LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; "
                   "Windows: ดาวน์โหลดจาก libreoffice.org) แล้วสั่งใหม่")


class PdfUnavailable(ConfigError):
    """The PDF could not be made (LibreOffice missing or failing); the .docx is still there."""


def find_office() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for name in OFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _no_pdf(out: Path, docx: Path, th: str, fix_th: str, en: str, lang: str) -> PdfUnavailable:
    """One line: Thai first (what happened, that the Word file is ready, the fix) with a gloss."""
    if lang == "en":
        return PdfUnavailable(f"{out.name}: no PDF written: {en}")
    return PdfUnavailable(f"{out.name}: ยังไม่ได้ทำไฟล์ PDF: {th} — ไฟล์ Word {docx} พร้อมใช้แล้ว {fix_th} "
                          "(no PDF written)")


def write_pdf(docx: Path, out: Path | None = None, timeout: float = 300, lang: str = "th") -> Path:
    """Convert `docx` to PDF (default: the same name with .pdf) and return the PDF's path."""
    office = find_office()
    out = out or docx.with_suffix(".pdf")
    if office is None:
        raise _no_pdf(out, docx, "เครื่องนี้ไม่มี LibreOffice (soffice)", f"ถ้าต้องการ PDF ให้{INSTALL_HINT_TH}",
                      f"LibreOffice (soffice) is not installed; the Word file {docx} is ready. "
                      f"To get PDFs, {INSTALL_HINT}", lang)
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as work:
        folder = Path(work)
        try:
            done = subprocess.run(
                [office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                capture_output=True, text=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise _no_pdf(out, docx, f"LibreOffice แปลง {docx.name} นานเกิน {timeout:.0f} วินาที",
                          "ปิดโปรแกรมอื่นที่ใช้เครื่องมากแล้วสั่งใหม่",
                          f"LibreOffice took longer than {timeout:.0f} s to convert {docx.name}", lang) from None
        except OSError as exc:
            raise _no_pdf(out, docx, f"เปิดโปรแกรม {office} ไม่ได้ ({exc})", f"ถ้าต้องการ PDF ให้{INSTALL_HINT_TH}",
                          f"{office} could not be started ({exc})", lang) from None
        made = folder / f"{docx.stem}.pdf"
        if done.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            why = (done.stderr or done.stdout).strip().splitlines()
            said = f" ({why[-1]})" if why else ""
            raise _no_pdf(out, docx, f"LibreOffice แปลง {docx.name} ไม่สำเร็จ{said}",
                          "เปิดไฟล์ Word แล้วบันทึกเป็น PDF เอง หรือสั่งใหม่อีกครั้ง",
                          f"LibreOffice could not convert {docx.name}{said}", lang)
        out.parent.mkdir(parents=True, exist_ok=True)
        staged = out.with_name(f".{out.name}.part")
        shutil.copyfile(made, staged)
        os.chmod(staged, 0o644)  # a shared folder or web server reads it as another user
        os.replace(staged, out)
    return out
