"""The Word edge: fill the office's docxtpl template with a report context and save it.

The template, not this code, decides fonts, wording and layout, so staff can change them in
Word. A template a person broke (a tag split or misspelt) gives one line saying which file and
what Jinja found, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage, RichText

from automation.reports.charts import Chart, render_png
from automation.reports.context import replace_charts
from automation.reports.linebreak import thai_breaks
from automation.settings import PROJECT_ROOT, ConfigError, Settings
from automation.thaidate import Digits

log = logging.getLogger(__name__)
SHIPPED_TEMPLATES = PROJECT_ROOT / "templates"
_WARNED: set[Path] = set()
CHART_WIDTH = Cm(15)  # the text column is 16 cm wide between 3 cm and 2 cm margins


def readable(path: str | Path) -> None:
    """Give a file written through mkstemp (0600) the permissions a plain open() would: a
    draft on a shared folder, or the public page on a web server, must be readable by others."""
    os.chmod(path, 0o666 & ~_umask())


def _umask() -> int:
    # Linux tells it without changing it; setting and restoring it would race other threads.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def template_file(settings: Settings, name: str) -> Path:
    """A template from [report] template_dir; the shipped one when that folder lacks it (a
    settings file copied elsewhere still drafts reports), with a warning saying so."""
    path = settings.resolve(settings.report.template_dir) / name
    shipped = SHIPPED_TEMPLATES / name
    if not path.is_file() and shipped.is_file():
        if path not in _WARNED:  # once per process, not once per report
            _WARNED.add(path)
            if settings.run.language == "en":
                log.warning("%s not found; using the shipped template %s", path, shipped)
            else:
                log.warning("%s: ไม่พบแม่แบบในโฟลเดอร์ [report] template_dir — ใช้แม่แบบที่มากับโปรแกรม %s แทน "
                            "ถ้าต้องการแม่แบบของหน่วยงานเอง ให้วางไฟล์ %s ไว้ในโฟลเดอร์ %s "
                            "(template not found; using the shipped one)", path, shipped, name, path.parent)
        return shipped
    return path


def template_path(settings: Settings, lang: str) -> Path:
    path = template_file(settings, "report-en.docx" if lang == "en" else "report.docx")
    if not path.is_file():
        raise ConfigError(
            f"{path}: report template not found; run `.venv/bin/python scripts/make_templates.py` "
            "or set [report] template_dir" if lang == "en" else
            f"{path}: ไม่พบแม่แบบรายงาน — สร้างแม่แบบใหม่ด้วย .venv/bin/python scripts/make_templates.py "
            'หรือตั้ง [report] template_dir ให้ชี้ไปที่โฟลเดอร์แม่แบบ เช่น template_dir = "../templates" '
            "(report template not found)"
        )
    return path


LINK_COLOR = "1F4E79"


class DescribedImage(InlineImage):
    """A chart picture whose alt text (Word's "Alt Text", a screen reader's words, the PDF's
    /Alt) states what it shows with its figures, not only its title."""

    def __init__(self, tpl: DocxTemplate, data: io.BytesIO, width: Any, title: str, alt: str) -> None:
        super().__init__(tpl, data, width=width)
        self.title, self.alt = title, alt

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        inline.docPr.set("descr", self.alt)
        inline.docPr.set("title", self.title)
        return f'</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'



_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl finds them
_LISTING = re.compile("[\t\a\n\f]")


class ReportTemplate(DocxTemplate):
    """docxtpl's template, rendering the same XML with less work: its pass that turns tabs,
    line and page breaks typed in a value into Word's runs goes through every paragraph, run
    and text element with nested patterns; here only the paragraphs that hold one of those
    characters go through it (it leaves the others exactly as they are), and a template's
    parts are compiled by Jinja once per process, not once per report."""

    def resolve_listing(self, xml: str) -> str:
        if not _LISTING.search(xml):
            return xml
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: resolve(m[0]) if _LISTING.search(m[0]) else m[0], xml)


class _CompiledOnce(jinja2.Environment):
    """A Jinja environment that compiles each source text once (docxtpl compiles the body,
    headers, footers and properties from their text at every render)."""

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = _COMPILED.get(source)
        if compiled is None:
            if len(_COMPILED) > 64:
                _COMPILED.clear()
            compiled = _COMPILED[source] = super().from_string(source)
        return compiled


_COMPILED: dict[str, jinja2.Template] = {}
_JINJA = _CompiledOnce(autoescape=True)


def _evidence(tpl: DocxTemplate, row: dict[str, Any]) -> RichText:
    """The evidence cell: staff's words, then each link as a short clickable "ลิงก์ ๓"."""
    rich = RichText(row.get("evidence_text", ""))
    for i, link in enumerate(row.get("links", [])):
        if i or row.get("evidence_text"):
            rich.add(" ")
        rich.add(link["label"], url_id=tpl.build_url_id(link["url"]), color=LINK_COLOR, underline=True)
    if not row.get("links") and not row.get("evidence_text"):
        rich.add("–")
    return rich


def _link_line(tpl: DocxTemplate, link: dict[str, Any]) -> RichText:
    """One line of the list under the measures table: "๓ (ข้อ ๒.๑) https://…", the address in full."""
    rich = RichText(f"{link['label']} ({link['step']}) ")
    rich.add(link["url"], url_id=tpl.build_url_id(link["url"]), color=LINK_COLOR, underline=True)
    return rich


DRAFT = {"th": ("ร่าง", "ร่างรายงาน จัดทำโดยระบบเมื่อวันที่ {drafted}"),
         "en": ("Draft", "Draft report, drafted by the service on {drafted}")}


def set_properties(props: Any, context: dict[str, Any]) -> None:
    """File properties a coordinator sees in Word's Info pane and the PDF viewer: the report's
    title, the office as author, created and modified now (the blank document python-docx
    starts from says 2013 and "python-docx"), and the draft mark with its day — in the
    properties, so no line in the report needs deleting before it is signed."""
    lang = "en" if context.get("lang") == "en" else "th"
    fy = "Fiscal year (BE)" if lang == "en" else "ประจำปีงบประมาณ พ.ศ."
    office = context.get("office", {}).get("name", "")
    props.title = f"{context.get('title', '')} {fy} {context.get('fiscal_year', '')} {context.get('round_name', '')}"
    props.subject = context.get("period", "")
    props.author = office
    props.last_modified_by = office
    props.content_status, comments = DRAFT[lang]
    props.comments = comments.format(drafted=context.get("drafted", ""))
    props.keywords = "ITA"
    props.language = "th-TH" if lang == "th" else "en-GB"
    props.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now


LETTER_CM = 0.26  # a Thai letter of the 14 pt table text is about this wide (ประชาสัมพันธ์: 2.8 cm)


def mark_line_breaks(document: Any) -> None:
    """Thai in table cells breaks only between words (automation.reports.linebreak): narrow
    columns are where LibreOffice would otherwise split "ผู้รับผิด|ชอบ". Body paragraphs
    are wide enough for the office programs' own breaking and stay plain for search."""
    # The tags once, not per cell (~4,000 cells in a report at 100k).
    tc, t, w, kind = qn("w:tc"), qn("w:t"), qn("w:w"), qn("w:type")
    cell_width = f"{qn('w:tcPr')}/{qn('w:tcW')}"
    for table in document.element.body.iter(qn("w:tbl")):
        margins = table.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn('w:left')}")
        side = int(margins.get(w)) if margins is not None else 108  # twips; Table Grid's 0.19 cm
        for cell in table.iter(tc):
            width = cell.find(cell_width)
            fits = None
            if width is not None and width.get(kind) == "dxa":
                room = (int(width.get(w)) - 2 * side) / 567  # cm
                fits = max(2, int(room / LETTER_CM))
            for text in cell.iter(t):
                before = text.text
                if before:
                    after = thai_breaks(before, fits)
                    if after is not before:  # most cells hold no Thai, or are marked already
                        text.text = after


def _part_element(document: Any, sect_pr: Any, tag: str) -> Any:
    """The default header or footer element of a section, as it will be saved (docxtpl
    replaces the parts it rendered, so python-docx's own section.header is stale here)."""
    for ref in sect_pr.findall(qn(f"w:{tag}Reference")):
        if ref.get(qn("w:type")) == "default":
            return document.part.rels[ref.get(qn("r:id"))].target_part.element
    return None


def place_page_numbers(document: Any, where: str, digit_style: Digits) -> None:
    """The template numbers pages at the top ("- ๒ -", none on the title page); `[report]
    page_numbers` may move them to the bottom or leave them out. Thai digits when the office
    writes Thai digits (Word counts in them; LibreOffice 7 prints Arabic page digits)."""
    for section in document.sections:
        sect_pr = section._sectPr
        number_type = sect_pr.find(qn("w:pgNumType"))
        if number_type is None:
            number_type = sect_pr.makeelement(qn("w:pgNumType"), {})
            cols = sect_pr.find(qn("w:cols"))  # the schema's order: pgNumType before cols
            if cols is not None:
                cols.addprevious(number_type)
            else:
                sect_pr.append(number_type)
        number_type.set(qn("w:fmt"), "thaiNumbers" if digit_style == "thai" else "decimal")
        header, footer = _part_element(document, sect_pr, "header"), _part_element(document, sect_pr, "footer")
        if where == "top" or header is None:
            continue
        numbered = [p for p in header.findall(qn("w:p")) if p.find(".//" + qn("w:fldSimple")) is not None]
        if where == "bottom" and footer is not None:
            for para in footer.findall(qn("w:p")):
                if not "".join(t.text or "" for t in para.iter(qn("w:t"))).strip():
                    footer.remove(para)  # the empty paragraph a footer starts with
            footer.extend(numbered)
        else:
            for para in numbered:
                header.remove(para)
        for part in (header, footer):
            if part is not None and part.find(qn("w:p")) is None:
                part.append(part.makeelement(qn("w:p"), {}))  # a header or footer must hold a paragraph


def render_docx(settings: Settings, context: dict[str, Any], out: Path, template: Path | None = None) -> Path:
    """Render `context` into the template and write `out` (replacing it whole, never half-written)."""
    template = template or template_path(settings, context.get("lang", "th"))
    tpl = ReportTemplate(str(template))
    digit_style: Digits = "arabic" if context.get("lang") == "en" else settings.run.digits

    def picture(chart: Chart) -> Any:
        if not chart.values:
            return ""
        return DescribedImage(tpl, io.BytesIO(render_png(chart, digit_style)), CHART_WIDTH,
                              chart.title, chart.describe(digit_style))

    filled = replace_charts(context, picture)
    measures = filled.get("m", {})
    for row in measures.get("rows", []):
        row["evidence"] = _evidence(tpl, row)
    for link in measures.get("links", []):
        link["line"] = _link_line(tpl, link)
    try:
        tpl.render(filled, _JINJA, autoescape=True)
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        if context.get("lang") == "en":
            raise ConfigError(f"{template}: the template's tags cannot be read ({exc}{f' line {line}' if line else ''}); "
                              "check that every {{ }} and {% %} tag is whole") from None
        raise ConfigError(f"{template}: อ่านแท็กในแม่แบบไม่ได้ ({exc}{f' บรรทัด {line}' if line else ''}) — "
                          "เปิดแม่แบบใน Word ตรวจว่าแท็ก {{ }} และ {% %} ทุกอันพิมพ์ครบ มีแท็กปิดคู่กัน "
                          "เช่น {% if sat.available %} … {% endif %} (the template's tags cannot be read)") from None
    set_properties(tpl.docx.core_properties, context)
    mark_line_breaks(tpl.docx)
    place_page_numbers(tpl.docx, settings.report.page_numbers, digit_style)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".docx", dir=out.parent)
    os.close(fd)
    try:
        tpl.save(tmp)
        readable(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
