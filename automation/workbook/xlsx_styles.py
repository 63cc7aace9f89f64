"""Cell styles and cell XML for the cells the service writes into an .xlsx package.

styles.xml only gains a style the service needs (a date format, the bold header) when none
fits, at its end, so that every style number staff cells use keeps its meaning.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
from html import escape
from typing import Any, Protocol

from automation.workbook.base import WorkbookError
from automation.workbook.xlsx_package import NS_MAIN, Package


class Parts(Protocol):
    """The package's parts as a patch has them (automation.workbook.xlsx_patch.Patch)."""

    pkg: Package

    def data(self, name: str) -> bytes: ...

    def exists(self, name: str) -> bool: ...

    def put(self, name: str, data: bytes) -> None: ...


_M = f"{{{NS_MAIN}}}"
HEADER_FILL = "FFDDEBF7"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text as XML character data: characters XML forbids become Excel's _xHHHH_ escapes."""
    return escape(_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value), quote=False)


def xml_attr(value: str) -> str:
    return escape(_ILLEGAL.sub("", value), quote=True)


def to_serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return float((value - dt.date(1899, 12, 30)).days)


class Styles:
    """Cell styles the service may need, found in styles.xml or added to its end once."""

    def __init__(self, patch: Parts) -> None:
        self.patch = patch
        self._found: dict[str, int | None] = {}
        self._dates: set[int] | None = None

    def dates(self) -> set[int]:
        """The styles that already show a date (a cell keeps its own date format)."""
        if self._dates is None:
            from automation.workbook.xlsx_read import date_styles

            self._dates = date_styles(self.patch.pkg)
        return self._dates

    def _text(self) -> str:
        return self.patch.data("xl/styles.xml").decode("utf-8")

    def _xfs(self) -> list[ET.Element]:
        root = ET.fromstring(self.patch.data("xl/styles.xml"))
        xfs = root.find(_M + "cellXfs")
        return list(xfs) if xfs is not None else []

    def number(self, format_id: int) -> int:
        """A style showing a built-in number format (14: a date, 22: date and time)."""
        key = f"n{format_id}"
        if key not in self._found:
            if not self.patch.exists("xl/styles.xml"):
                return 0
            found = next((i for i, xf in enumerate(self._xfs()) if xf.get("numFmtId") == str(format_id)
                          and xf.get("fontId", "0") == "0" and xf.get("fillId", "0") == "0"), None)
            if found is None:
                found = self._add_xf(f'<xf numFmtId="{format_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
                                     'applyNumberFormat="1"/>')
            self._found[key] = found
        return self._found[key]

    def header(self) -> int | None:
        """The bold header style on the pale blue the service has always used."""
        if "header" in self._found:
            return self._found["header"]
        if not self.patch.exists("xl/styles.xml"):
            return None
        root = ET.fromstring(self.patch.data("xl/styles.xml"))
        fonts = root.find(_M + "fonts")
        fills = root.find(_M + "fills")
        bold = {i for i, f in enumerate(fonts if fonts is not None else []) if f.find(_M + "b") is not None
                and f.find(_M + "b").get("val", "1") not in ("0", "false")}
        pale = {i for i, f in enumerate(fills if fills is not None else [])
                if any((c.get("rgb") or "").upper() == HEADER_FILL for c in f.iter(_M + "fgColor"))}
        found = next((i for i, xf in enumerate(self._xfs()) if int(xf.get("fontId", "0")) in bold
                      and int(xf.get("fillId", "0")) in pale), None)
        if found is None:
            font = self._add("fonts", '<font><b/><sz val="11"/><name val="Calibri"/></font>')
            fill = self._add("fills", f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/>'
                                      '<bgColor indexed="64"/></patternFill></fill>')
            found = self._add_xf(f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0" '
                                 'applyFont="1" applyFill="1"/>')
        self._found["header"] = found
        return found

    def _add_xf(self, xf: str) -> int:
        return self._add("cellXfs", xf)

    def _add(self, container: str, element: str) -> int:
        text = self._text()
        m = re.search(rf"<{container}\b[^>]*?(/?)>", text)
        if m is None:
            raise WorkbookError(f"{self.patch.pkg.path}: styles.xml has no {container}")
        if m.group(1):  # <fonts count="0"/>
            text = text[: m.start()] + f'<{container} count="0"></{container}>' + text[m.end():]
            m = re.search(rf"<{container}\b[^>]*?>", text)
            assert m is not None
        close = text.index(f"</{container}>", m.end())
        count = len(re.findall(rf"<{container[:-1]}\b", text[m.end():close])) if container != "cellXfs" else \
            len(re.findall(r"<xf\b", text[m.end():close]))
        start_tag = re.sub(r'\bcount="\d+"', f'count="{count + 1}"', m.group(0))
        if "count=" not in start_tag:
            start_tag = start_tag[:-1] + f' count="{count + 1}">'
        text = text[: m.start()] + start_tag + text[m.end():close] + element + text[close:]
        self.patch.put("xl/styles.xml", text.encode("utf-8"))
        return count


def cell_xml(ref: str, value: Any, style: int | None, styles: Styles, keep_empty: bool = False) -> str:
    """One <c> element holding `value` as data: text is always text (never a formula)."""
    s = f' s="{style}"' if style is not None else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if (keep_empty or style is not None) else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and not (isinstance(value, float) and not math.isfinite(value)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        fmt = 22 if isinstance(value, dt.datetime) and value.time() != dt.time() else 14
        date_style = style if style is not None and style in styles.dates() else styles.number(fmt)
        return f'<c r="{ref}" s="{date_style}"><v>{to_serial(value)!r}</v></c>'
    text = str(value)
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(text)}</t></is></c>'
