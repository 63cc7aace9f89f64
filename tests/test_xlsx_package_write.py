"""The .xlsx package is written at the cost of what changed: an untouched member is copied as
the bytes it is stored as, the write reuses what the read learnt of the file (while the file
is still the one read), and a big sheet that gains one element is streamed, not rebuilt."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.hyperlink import Hyperlink

from automation.settings import Settings
from automation.workbook import NOTE_MARK, CellNote, CellWrite, Changes, xlsx_read, xlsx_scan, xlsx_zip
from automation.workbook.xlsx import XlsxWorkbook
from automation.workbook.xlsx_package import Package
from automation.workbook.xlsx_scan import scan_sheet
from automation.workbook.xlsx_zip import ZipWriter


def stored(path: Path) -> dict[str, bytes]:
    """Each member as the file stores it: local header, compressed bytes, data descriptor."""
    with zipfile.ZipFile(path) as z:
        infos = sorted(z.infolist(), key=lambda i: i.header_offset)
        bounds = [i.header_offset for i in infos] + [z.start_dir]
    data = path.read_bytes()
    return {i.filename: data[bounds[n]:bounds[n + 1]] for n, i in enumerate(infos)}


def contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


def note_on_complaints(settings: Settings, text: str = "วันที่ผิด") -> Changes:
    title = settings.sheets.complaints
    return Changes(notes={title: [CellNote(title, 2, 2, text)]})


def test_an_untouched_member_is_copied_byte_for_byte_compressed_bytes_included(
    settings: Settings, demo_workbook: Path
) -> None:
    # Compressed as another program would (zlib's quickest level): deflating a member again
    # would give other bytes.
    parts = contents(demo_workbook)
    with zipfile.ZipFile(demo_workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    before, before_stored = contents(demo_workbook), stored(demo_workbook)
    XlsxWorkbook(demo_workbook).apply(note_on_complaints(settings))
    after, after_stored = contents(demo_workbook), stored(demo_workbook)
    same = [name for name in before if after.get(name) == before[name]]
    assert len(same) >= 5 and len(same) < len(before)  # the complaints sheet gained its <legacyDrawing>
    assert all(after_stored[name] == before_stored[name] for name in same)
    comment = openpyxl.load_workbook(demo_workbook)[settings.sheets.complaints]["B2"].comment
    assert comment.text == NOTE_MARK + "วันที่ผิด"


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes each member with a data descriptor."""

    def __init__(self, out: io.BufferedWriter) -> None:
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.out.write(data)


def test_members_with_data_descriptors_or_stored_uncompressed_are_copied_as_they_are(
    settings: Settings, demo_workbook: Path, tmp_path: Path
) -> None:
    # As some programs save: sizes after each member's data, and one member not compressed.
    remade = tmp_path / "remade.xlsx"
    with zipfile.ZipFile(demo_workbook) as src, open(remade, "wb") as f, \
            zipfile.ZipFile(_Unseekable(f), "w", zipfile.ZIP_DEFLATED) as out:  # type: ignore[arg-type]
        for n, info in enumerate(src.infolist()):
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = zipfile.ZIP_STORED if n == 1 else zipfile.ZIP_DEFLATED
            out.writestr(copy, src.read(info.filename))
    shutil.copy(remade, demo_workbook)
    with zipfile.ZipFile(demo_workbook) as z:
        assert all(i.flag_bits & 0x08 for i in z.infolist())
        assert any(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    values = XlsxWorkbook(demo_workbook).read([settings.sheets.measures])
    before, before_stored = contents(demo_workbook), stored(demo_workbook)
    XlsxWorkbook(demo_workbook).apply(note_on_complaints(settings))
    after, after_stored = contents(demo_workbook), stored(demo_workbook)
    same = [name for name in before if after.get(name) == before[name]]
    assert len(same) >= 5 and all(after_stored[name] == before_stored[name] for name in same)
    assert XlsxWorkbook(demo_workbook).read([settings.sheets.measures]) == values
    assert openpyxl.load_workbook(demo_workbook)[settings.sheets.complaints]["B2"].comment is not None


@pytest.mark.parametrize("size", [0, 100, 5 * 4096 + 17])
def test_a_member_deflated_in_blocks_on_several_threads_is_one_ordinary_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(xlsx_zip, "BLOCK", 4096)
    text = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (i, i, i % 97) for i in range(size))[:size]
    path = tmp_path / "blocks.zip"

    def member(name: str, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name)
        info.compress_type = method
        return info

    with ZipWriter(path) as out:
        out.write(member("whole.xml"), text, len(text))
        out.write(member("pieces.xml"), (text[i:i + 1000] for i in range(0, len(text), 1000)), len(text))
        out.write(member("stored.bin", zipfile.ZIP_STORED), text, len(text))
    assert contents(path) == {"whole.xml": text, "pieces.xml": text, "stored.bin": text}
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("whole.xml").compress_type == zipfile.ZIP_DEFLATED
        assert z.getinfo("pieces.xml").compress_size == z.getinfo("whole.xml").compress_size


# ---------------------------------------------------------------------- the scan


def _linked_book(path: Path, far: bool) -> Path:
    """Merges, an inserted link, a HYPERLINK formula and a formula whose result is an error."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "งาน"
    for r in range(1, 60):
        sheet.append([f"มาตรการ {r}", r, r * 1.5, "หลักฐาน"])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("B10:C12")
    sheet["D5"].hyperlink = Hyperlink(ref="D5", target="https://example.go.th/a?b=1&c=2")
    sheet["D7"] = '=HYPERLINK("https://example.go.th/x","ดู")'
    sheet["E9"] = "=1/0"
    if far:
        sheet.cell(3, 800, "ไกล")
    book.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    # As Excel and LibreOffice store them: the error's text cached, quotes as &quot;.
    xml = parts[sheet_xml].replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#DIV/0!</v>")
    xml = xml.replace(b'<c r="E9"', b'<c r="E9" t="e"')
    formula = b'<f>HYPERLINK("https://example.go.th/x","&#3604;&#3641;")</f>'
    assert formula in xml
    parts[sheet_xml] = xml.replace(formula, formula.replace(b'"', b"&quot;"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


FIELDS = ("rows", "last_row", "far_column", "errors", "merges", "links", "head", "tail", "tail_at", "size")


@pytest.mark.parametrize("far", [False, True])
def test_the_scan_finds_the_same_whatever_the_size_of_the_pieces_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, far: bool
) -> None:
    path = _linked_book(tmp_path / "links.xlsx", far)
    found = []
    for chunk in (1 << 20, 4096, 333, 64, 7):
        monkeypatch.setattr(xlsx_scan, "CHUNK", chunk)
        with Package(path) as pkg:
            scan = scan_sheet(pkg, pkg.sheets[0])
            whole = pkg.read(pkg.sheets[0].part)
        found.append({k: getattr(scan, k) for k in FIELDS})
    assert all(f == found[0] for f in found)
    first = found[0]
    assert first["errors"] == {(9, 5): "#DIV/0!"}
    assert first["merges"] == [(2, 1, 4, 1), (10, 2, 12, 3)]
    assert first["links"] == {(5, 4): "https://example.go.th/a?b=1&c=2", (7, 4): "https://example.go.th/x"}
    assert (first["rows"], first["last_row"], first["far_column"]) == (59, 59, far)
    assert whole == first["head"] + whole[len(first["head"]):first["tail_at"]] + first["tail"]
    assert whole[len(first["head"]):].startswith(b"<sheetData") and whole[:first["tail_at"]].endswith(b"</sheetData>")


# ---------------------------------------------------------------------- read, then write


def test_the_write_after_a_read_scans_and_reads_no_sheet_again_unless_a_person_saved_in_between(
    settings: Settings, demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans: list[str] = []
    reads: list[str] = []
    scan, dense = xlsx_scan._scan, xlsx_read._dense
    monkeypatch.setattr(xlsx_scan, "_scan", lambda pkg, sheet: scans.append(sheet.title) or scan(pkg, sheet))
    monkeypatch.setattr(xlsx_read, "_dense", lambda book, name, pkg: reads.append(name) or dense(book, name, pkg))
    complaints, measures = settings.sheets.complaints, settings.sheets.measures
    book = XlsxWorkbook(demo_workbook)
    height = len(book.read([complaints, measures])[complaints])
    assert sorted(scans) == sorted(reads) == sorted([complaints, measures])
    scans.clear()
    reads.clear()
    row = ["ร67-900", None, "โทรศัพท์"]
    book.apply(Changes(notes={complaints: [CellNote(complaints, 2, 2, "วันที่ผิด")],
                              measures: [CellNote(measures, 3, 1, "ขาดหลักฐาน")]}, append={complaints: [row]}))
    assert scans == reads == []  # the file was the one read: its scans and its height held
    grid = book.read([complaints])[complaints]
    assert len(grid) == height + 1 and grid[-1][:3] == row
    scans.clear()
    # A person saves between the read and the write: the write reads what they saved.
    people = openpyxl.load_workbook(demo_workbook)
    people[complaints].cell(height + 2, 1, "ร67-901")
    people.save(demo_workbook)
    book.apply(Changes(notes={complaints: [CellNote(complaints, 2, 2, "วันที่ผิด")]}, append={complaints: [row]}))
    assert complaints in scans
    grid = book.read([complaints])[complaints]
    assert [r[0] for r in grid[-3:]] == ["ร67-900", "ร67-901", "ร67-900"]


def test_a_note_on_a_sheet_whose_cells_the_run_also_writes_lands_after_the_cells(
    settings: Settings, demo_workbook: Path
) -> None:
    title = settings.sheets.complaints
    with Package(demo_workbook) as pkg:
        part = pkg.sheet(title).part  # type: ignore[union-attr]
    # An extension list inside a row (the schema allows one) and one after the cells.
    parts = contents(demo_workbook)
    ext = b'<extLst><ext uri="{00000000-0000-0000-0000-000000000001}"/></extLst>'
    parts[part] = parts[part].replace(b"</row>", ext + b"</row>", 1).replace(b"</worksheet>", ext + b"</worksheet>")
    with zipfile.ZipFile(demo_workbook, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    for changes in (note_on_complaints(settings),
                    Changes(notes=note_on_complaints(settings, "ช่องทางผิด").notes, cells=[CellWrite(title, 3, 12, "x")])):
        before = contents(demo_workbook)[part]
        XlsxWorkbook(demo_workbook).apply(changes)
        after = contents(demo_workbook)[part]
        if changes.cells:
            assert b"<legacyDrawing" in before and after.count(b"<legacyDrawing") == 1
        else:
            drawing = after[after.index(b"<legacyDrawing"):after.index(b"/>", after.index(b"<legacyDrawing")) + 2]
            assert after.replace(drawing, b"") == before
            assert after.index(b"</sheetData>") < after.index(drawing) < after.rindex(b"<extLst>")
    sheet = openpyxl.load_workbook(demo_workbook)[title]
    assert sheet["B2"].comment.text == NOTE_MARK + "ช่องทางผิด" and sheet["L3"].value == "x"


def _app(heads: list[tuple[str, int]], titles: list[str], size: int | None = None) -> bytes:
    pairs = "".join(f"<vt:variant><vt:lpstr>{h}</vt:lpstr></vt:variant><vt:variant><vt:i4>{n}</vt:i4></vt:variant>"
                    for h, n in heads)
    listed = "".join(f"<vt:lpstr>{t}</vt:lpstr>" for t in titles)
    return ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><HeadingPairs>'
            f'<vt:vector size="{2 * len(heads)}" baseType="variant">{pairs}</vt:vector></HeadingPairs>'
            f'<TitlesOfParts><vt:vector size="{len(titles) if size is None else size}" baseType="lpstr">'
            f"{listed}</vt:vector></TitlesOfParts></Properties>").encode()


def test_app_xml_gains_the_added_sheet_after_the_worksheets_whatever_their_headings_name() -> None:
    from automation.workbook.xlsx_app import with_sheet

    sheets = ["มาตรการ", "R&D"]
    thai = _app([("แผ่นงาน", 2), ("ช่วงที่มีชื่อ", 1)], ["มาตรการ", "R&amp;D", "มาตรการ!Print_Area"])
    assert with_sheet(thai, "ผล & สรุป", sheets) == _app(
        [("แผ่นงาน", 3), ("ช่วงที่มีชื่อ", 1)], ["มาตรการ", "R&amp;D", "ผล &amp; สรุป", "มาตรการ!Print_Area"])
    # Left alone: no list (LibreOffice, openpyxl), the title listed already, counts that do
    # not add up, no kind listing the workbook's sheets.
    assert with_sheet(b'<Properties xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
                      b'docPropsVTypes"><Application>LibreOffice</Application></Properties>', "x", sheets) is None
    assert with_sheet(_app([("Worksheets", 1)], ["มาตรการ"]), "มาตรการ", sheets) is None
    assert with_sheet(_app([("Worksheets", 3)], ["มาตรการ", "R&amp;D"]), "x", sheets) is None
    assert with_sheet(_app([("Worksheets", 2)], ["มาตรการ", "R&amp;D"], size=5), "x", sheets) is None
    assert with_sheet(_app([("Charts", 1)], ["กราฟ"]), "x", sheets) is None
