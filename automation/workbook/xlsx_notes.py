"""The service's cell notes in an .xlsx package: the sheet's comments part and the legacy VML
drawing that shows them, with the rels and content types they need. A person's notes in
them are kept as they were, element for element; a cell holding one gets no service note.
"""

from __future__ import annotations

import re

from automation.workbook.base import NOTE_MARK
from automation.workbook.xlsx_package import NS_MAIN, NS_REL, SheetPart, column_letters, column_number
from automation.workbook.xlsx_patch import XML_HEAD, Patch, root_prefix
from automation.workbook.xlsx_styles import xml_text

NOTE_AUTHOR = "automation"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_COMMENT = re.compile(r"<comment\b[^>]*>.*?</comment>|<comment\b[^>]*/>", re.S)
_SHAPE = re.compile(r"<v:shape\b.*?</v:shape>", re.S)
_LEGACY = re.compile(rb'<legacyDrawing\b[^>]*?\b(?:\w+:)?id="([^"]+)"')
_WORKSHEET_END = re.compile(rb"</(?:\w+:)?worksheet>")
# Elements that follow <legacyDrawing> in a worksheet, in schema order.
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")


def set_notes(patch: Patch, sheet: SheetPart, wanted: dict[tuple[int, int], str]) -> None:
    """The service's notes on a sheet become exactly `wanted`; a person's notes stay as
    they were, and a cell holding one gets no service note."""
    rels = patch.rels(sheet.part)
    comments_part = next((t for k, t in rels.values() if k == "comments"), None)
    legacy = _LEGACY.search(patch.after_cells(sheet)[1])
    vml_part = None
    legacy_id = legacy.group(1).decode("utf-8", "replace") if legacy else None
    if legacy_id in rels and rels[legacy_id][0] == "vmlDrawing":
        vml_part = rels[legacy_id][1]
    authors: list[str] = []
    kept: list[str] = []
    kept_cells: set[tuple[int, int]] = set()
    current: dict[tuple[int, int], str] = {}
    if comments_part and patch.exists(comments_part):
        text = patch.data(comments_part).decode("utf-8")
        authors = [_unescape(a) for a in re.findall(r"<author>(.*?)</author>", text, re.S)]
        authors += [""] * len(re.findall(r"<author\s*/>", text))
        for raw in _COMMENT.findall(text):
            ref = re.search(r'\bref="([A-Z]+)(\d+)"', raw)
            author = re.search(r'\bauthorId="(\d+)"', raw)
            if not ref:
                continue
            cell = (int(ref.group(2)), column_number(ref.group(1)))
            body = _comment_text(raw)
            who = authors[int(author.group(1))] if author and int(author.group(1)) < len(authors) else ""
            if who == NOTE_AUTHOR or body.startswith(NOTE_MARK):
                current[cell] = body
            else:
                kept.append(raw)
                kept_cells.add(cell)
    wanted_full = {cell: NOTE_MARK + text for cell, text in wanted.items() if cell not in kept_cells}
    if wanted_full == current:
        return  # the notes are already as wanted: nothing to write
    if NOTE_AUTHOR not in authors:
        authors.append(NOTE_AUTHOR)
        added_author = True
    else:
        added_author = False
    ours = authors.index(NOTE_AUTHOR)
    comments = "".join(kept) + "".join(
        f'<comment ref="{column_letters(c)}{r}" authorId="{ours}"><text><t xml:space="preserve">'
        f"{xml_text(text)}</t></text></comment>"
        for (r, c), text in sorted(wanted_full.items())
    )
    if comments_part and patch.exists(comments_part):
        # The part is edited, not rebuilt: its root keeps the namespaces a person's notes use.
        new_comments = patch.data(comments_part).decode("utf-8")
        if added_author:
            mine = f"<author>{NOTE_AUTHOR}</author>"
            if re.search(r"<authors\s*/>", new_comments):
                new_comments = re.sub(r"<authors\s*/>", f"<authors>{mine}</authors>", new_comments, count=1)
            else:
                new_comments = new_comments.replace("</authors>", mine + "</authors>", 1)
        if re.search(r"<commentList\s*/>", new_comments):
            new_comments = re.sub(r"<commentList\s*/>", f"<commentList>{comments}</commentList>", new_comments,
                                  count=1)
        else:
            start = new_comments.index(">", new_comments.index("<commentList")) + 1
            end = new_comments.rindex("</commentList>")
            new_comments = new_comments[:start] + comments + new_comments[end:]
    else:
        author_xml = "".join(f"<author>{xml_text(a)}</author>" for a in authors)
        new_comments = (
            f'{XML_HEAD}<comments xmlns="{NS_MAIN}"><authors>{author_xml}</authors>'
            f"<commentList>{comments}</commentList></comments>"
        )
    if comments_part is None:
        comments_part = patch.free_name("xl/comments{}.xml")
        patch.add_rel(sheet.part, "comments", comments_part)
        patch.content_type(comments_part, CT_COMMENTS)
    patch.put(comments_part, new_comments.encode("utf-8"))
    _set_vml(patch, sheet, vml_part, kept_cells, wanted_full)

def _set_vml(patch: Patch, sheet: SheetPart, vml_part: str | None, kept_cells: set[tuple[int, int]],
                 wanted: dict[tuple[int, int], str]) -> None:
    index = patch.pkg.sheets.index(sheet) + 1
    if vml_part and patch.exists(vml_part):
        text = patch.data(vml_part).decode("utf-8", "replace")
        shapes = _SHAPE.findall(text)
        first = text.find("<v:shape ")
        end = text.rfind("</xml>")
        head = text[:first] if first >= 0 else text[:end]
        keep = []
        for shape in shapes:
            cell = _shape_cell(shape)
            if cell is None or cell in kept_cells or "ObjectType=\"Note\"" not in shape:
                keep.append(shape)  # a person's note, or not a note at all (a control)
        numbers = [int(n) for n in re.findall(r'id="_x0000_s(\d+)"', text)]
        next_id = max(numbers, default=index * 1024) + 1
    else:
        head = (
            '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{index}"/></o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        )
        keep = []
        next_id = index * 1024 + 1
    ours = [_note_shape(next_id + n, r, c) for n, (r, c) in enumerate(sorted(wanted))]
    text = head + "".join(keep) + "".join(ours) + "</xml>"
    if vml_part is None or not patch.exists(vml_part):
        vml_part = patch.free_name("xl/drawings/vmlDrawing{}.vml")
        rel_id = patch.add_rel(sheet.part, "vmlDrawing", vml_part)
        patch.default_type("vml", CT_VML)
        _add_legacy_drawing(patch, sheet, rel_id)
    patch.put(vml_part, text.encode("utf-8"))

def _add_legacy_drawing(patch: Patch, sheet: SheetPart, rel_id: str) -> None:
    """<legacyDrawing> in its place after the cells; the sheet itself is neither decoded
    nor searched (a 100,000-row sheet is 140 MB of XML): only its head and its tail."""
    prefix = root_prefix(patch.head(sheet).decode("utf-8", "replace"), "worksheet")
    rid = f'{prefix.group(1)}:id="{rel_id}"' if prefix else f'xmlns:r="{NS_REL}" r:id="{rel_id}"'
    element = f"<legacyDrawing {rid}/>".encode()
    start, tail = patch.after_cells(sheet)
    ends = list(_WORKSHEET_END.finditer(tail))
    at = ends[-1].start() if ends else len(tail)
    for name in _AFTER_LEGACY:
        m = re.search(rb"<(?:\w+:)?" + name.encode() + rb"\b", tail)
        if m:
            at = min(at, m.start())
    patch.insert(sheet.part, start + at, element)


def _note_shape(shape_id: int, row: int, col: int) -> str:
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        f'margin-top:1.5pt;width:240pt;height:90pt;z-index:{shape_id % 1024};visibility:hidden" '
        'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
        '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{col}, 15, {max(row - 2, 0)}, 10, {col + 3}, 15, {row + 4}, 4</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column>"
        "</x:ClientData></v:shape>"
    )


def _shape_cell(shape: str) -> tuple[int, int] | None:
    row = re.search(r"<x:Row>\s*(\d+)\s*</x:Row>", shape)
    col = re.search(r"<x:Column>\s*(\d+)\s*</x:Column>", shape)
    return (int(row.group(1)) + 1, int(col.group(1)) + 1) if row and col else None


def _comment_text(raw: str) -> str:
    return _unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", raw, re.S)))


def _unescape(text: str) -> str:
    import html

    text = html.unescape(text)
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)
