"""docProps/app.xml's list of sheets, kept true when the writer adds a sheet.

Excel keeps the workbook's sheet titles in app.xml (HeadingPairs: a name and a count per kind
of part, "Worksheets" first; TitlesOfParts: the titles, kind after kind). Excel itself ignores
a stale list, but file managers and some tools show it as the workbook's sheets. When the
writer adds a sheet, its title joins the worksheets' titles and their count; every other
byte of app.xml stays as it was. LibreOffice and openpyxl write no such list, and a list this
cannot follow (counts that do not add up, no kind that lists the workbook's sheets) is not the
service's to mend: app.xml is then left alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from xml.sax.saxutils import escape, unescape

from automation.workbook.xlsx_package import Package

NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
APP_PART = "docProps/app.xml"


def app_part(pkg: Package) -> str | None:
    """The package's extended-properties part (docProps/app.xml as Excel names it), if any."""
    for kind, target in pkg.rels("").values():
        if kind == "extended-properties":
            return target if target in pkg.names else None
    return APP_PART if APP_PART in pkg.names else None


def with_sheet(app: bytes, title: str, sheets: Collection[str]) -> bytes | None:
    """app.xml with `title` after the last title of the kind that lists the workbook's
    `sheets` (titles before the addition), its count one more; None when there is nothing to
    change or nothing this can follow."""
    text = app.decode("utf-8")
    declared = re.search(rf'xmlns:(\w+)="{re.escape(NS_VT)}"', text)
    if declared is None:
        return None
    vt = re.escape(declared.group(1))
    pairs = _element(text, "HeadingPairs")
    parts = _element(text, "TitlesOfParts")
    if pairs is None or parts is None or pairs[1] > parts[0]:
        return None  # Excel writes the counts before the titles; edits below rely on it
    heads = list(re.finditer(
        rf"<{vt}:variant>\s*<{vt}:lpstr>[^<]*</{vt}:lpstr>\s*</{vt}:variant>\s*"
        rf"<{vt}:variant>\s*<{vt}:i4>(\d+)</{vt}:i4>\s*</{vt}:variant>", text[pairs[0]:pairs[1]]))
    titles = list(re.finditer(rf"<{vt}:lpstr>([^<]*)</{vt}:lpstr>|<{vt}:lpstr\s*/>", text[parts[0]:parts[1]]))
    size = re.search(rf'<{vt}:vector\b[^>]*?\bsize="(\d+)"', text[parts[0]:parts[1]])
    counts = [int(m.group(1)) for m in heads]
    if size is None or sum(counts) != len(titles) or int(size.group(1)) != len(titles):
        return None
    start = 0
    for head, count in zip(heads, counts, strict=True):
        listed = [unescape(m.group(1) or "") for m in titles[start:start + count]]
        if listed and set(listed) <= set(sheets):  # the worksheets, whatever the language's name
            if title in listed:
                return None
            # Edits from the end of the text backwards, so each position still holds.
            after = parts[0] + titles[start + count - 1].end()
            text = text[:after] + f"<{declared.group(1)}:lpstr>{escape(title)}</{declared.group(1)}:lpstr>" + text[after:]
            at = parts[0] + size.start(1)
            text = text[:at] + str(len(titles) + 1) + text[at + len(size.group(1)):]
            at = pairs[0] + head.start(1)
            text = text[:at] + str(count + 1) + text[at + len(head.group(1)):]
            return text.encode("utf-8")
        start += count
    return None


def _element(text: str, name: str) -> tuple[int, int] | None:
    """Where the element `name` (any prefix) starts and ends in `text`."""
    m = re.search(rf"<(?:\w+:)?{name}\b[^>]*>.*?</(?:\w+:)?{name}>", text, re.S)
    return (m.start(), m.end()) if m else None
