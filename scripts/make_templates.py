"""Regenerate the shipped Word templates: templates/report.docx (Thai) and report-en.docx.

    .venv/bin/python scripts/make_templates.py [--out templates] [--config config/settings.toml]

The templates are ordinary Word files with docxtpl (Jinja) tags: staff may change fonts, add a
logo or reword a heading in Word, as long as the {{ ... }} and {% ... %} tags stay whole.
Official style: TH SarabunPSK 16 pt (from [report] in the settings), A4, margins left 3 cm,
right 2 cm, top 2.5 cm, bottom 2 cm. Numbers in the wording go through d() so that the
office's digit setting (Thai ๐-๙ or Arabic) applies to headings too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = {
    "th": {
        "public": "(ฉบับเผยแพร่ต่อสาธารณะ)",
        "fy": "ประจำปีงบประมาณ พ.ศ.",
        "summary": "บทสรุปสำหรับผู้บริหาร",
        "measures": "ผลการดำเนินการตามมาตรการ",
        "measures_none": "ไม่พบมาตรการของปีงบประมาณ พ.ศ. {{ fiscal_year }} ในชีตมาตรการ",
        "per_measure": "สรุปผลรายมาตรการ",
        "per_measure_head": ["ที่", "มาตรการ", "ผู้รับผิดชอบ", "ขั้นตอนที่แล้วเสร็จ", "สถานะ"],
        "detail": "รายละเอียดผลการดำเนินการรายขั้นตอน",
        "detail_head": ["ที่", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ", "สถานะ", "ผลการดำเนินการ", "หลักฐาน"],
        "links": "ลิงก์หลักฐาน (ที่อยู่เต็ม):",
        "overdue": "รายการที่เกินกำหนด จำแนกตามหน่วยงาน",
        "overdue_none": "ณ วันที่ {{ overdue.as_of }} ไม่มีรายการที่เกินกำหนด",
        "overdue_head": ["หน่วยงาน", "ประเภท", "รายการ", "กำหนดแล้วเสร็จ", "เกินกำหนด (วัน)"],
        "carried": "เรื่องร้องเรียนยกมาจากปีงบประมาณก่อนที่ยังไม่ยุติ",
        "carried_intro": "เรื่องร้องเรียนที่รับไว้ก่อนปีงบประมาณนี้และ ณ วันที่ {{ overdue.as_of }} ยังไม่ยุติ "
                         "ไม่นับรวมในสถิติของรอบนี้ มีดังนี้",
        "carried_head": ["เลขที่", "วันที่รับเรื่อง", "หน่วยงาน", "เกินกำหนด (วัน)"],
        "overdue_intro": "ณ วันที่ {{ overdue.as_of }} มีรายการที่เกินกำหนดทั้งหมด {{ overdue.count }} รายการ ดังนี้",
        "sat": "ผลการประเมินความพึงพอใจของผู้รับบริการ",
        "sat_intro": "ผู้ตอบแบบประเมินทั้งหมด {{ sat.n }} ราย ผลการประเมินเป็นดังนี้ "
                     "(ค่าเฉลี่ยเต็ม {{ d(5) }} คะแนน ร้อยละ = ค่าเฉลี่ย ÷ {{ d(5) }} × {{ d(100) }})",
        "sat_aspects": "ผลการประเมินรายด้าน",
        "score_head": ["รายการ", "ผู้ตอบ (ราย)", "คำตอบ (n)", "ค่าเฉลี่ย", "S.D.", "ร้อยละ", "ระดับ"],
        "question_head": ["ข้อคำถาม", "ผู้ตอบ (n)", "ค่าเฉลี่ย", "S.D.", "ร้อยละ", "ระดับ"],
        "sat_trend": "แนวโน้มเทียบกับรอบก่อนและรอบเดียวกันของปีก่อน",
        "trend_over": ["เทียบกับรอบก่อน ({{ sat.trend.previous_round }})",
                       "เทียบกับรอบเดียวกันของปีก่อน ({{ sat.trend.last_year_round }})"],
        "trend_head": ["รายการ", "ค่าเฉลี่ยรอบนี้", "ค่าเฉลี่ย", "ผลต่าง", "แตกต่างอย่างมีนัยสำคัญ",
                       "ค่าเฉลี่ย", "ผลต่าง", "แตกต่างอย่างมีนัยสำคัญ"],
        "trend_note": "ผลต่าง = ค่าเฉลี่ยรอบนี้ ลบ ค่าเฉลี่ยของรอบที่เทียบ ทดสอบความแตกต่างด้วยการทดสอบค่าทีแบบเวลช์ "
                      "ที่ระดับนัยสำคัญ {{ d('0.05') }} โดยนับผู้ตอบแต่ละรายเป็นหนึ่งหน่วย "
                      "แตกต่าง หมายถึง ผลต่างมากกว่าความคลาดเคลื่อนจากการสุ่มตัวอย่าง "
                      "ส่วนผู้ตอบน้อยเกินกว่าจะบอกได้ หมายถึง รอบใดรอบหนึ่งมีผู้ตอบไม่ถึง {{ d(2) }} ราย",
        "trend_overlap": "รอบก่อนของรายงานประจำปีคือรอบ {{ d(6) }} เดือนแรกของปีเดียวกัน ซึ่งเป็นส่วนหนึ่งของรอบนี้ "
                         "การทดสอบจึงระมัดระวังกว่าปกติ",
        "sat_questions": "ผลการประเมินรายข้อ",
        "sat_levels": "จำนวนผู้ตอบจำแนกตามระดับความพึงพอใจ (ร้อยละ)",
        "levels_head": ["ข้อคำถาม", "มากที่สุด", "มาก", "ปานกลาง", "น้อย", "น้อยที่สุด"],
        "sat_points": "ผลการประเมินจำแนกตามงานบริการ",
        "sat_monthly": "จำนวนผู้ตอบแบบประเมินรายเดือน",
        "sat_comments": "ข้อเสนอแนะจากผู้รับบริการ",
        "cmp": "สถิติเรื่องร้องเรียน",
        "cmp_facts": "สรุปสถิติเรื่องร้องเรียน",
        "corruption_facts": "สรุปสถิติ",
        "corruption_groups": "จำแนกตามช่องทาง ประเภท สถานะ และหน่วยงาน",
        "cmp_facts_head": ["รายการ", "จำนวน"],
        "cmp_groups": "เรื่องร้องเรียนจำแนกตามช่องทาง ประเภท สถานะ และหน่วยงาน",
        "cmp_groups_head": ["จำแนกตาม", "รายการ", "จำนวน (เรื่อง)", "ร้อยละ"],
        "cmp_none": "ไม่มีเรื่องร้องเรียนในรอบนี้",
        "corruption": "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
        "corruption_none": "ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบในรอบนี้",
        "sign": "ลงชื่อ ..................................................",
        "sign_role": "ผู้รายงาน",
        # Column widths (cm, 16 cm between the margins), each wide enough for its longest word:
        # the report marks Thai word boundaries (automation.reports.linebreak), so a cell breaks
        # only between words, and a word wider than its column would still be cut.
        "w_detail": [1.1, 4.5, 2.9, 2.7, 2.6, 2.2],  # ผู้รับผิดชอบ 2.4 cm, พฤศจิกายน 2.3 cm + margins
        "w_overdue": [2.8, 2.1, 5.2, 3.0, 2.9],  # เกินกำหนด is one word of 2.8 cm with margins
        "w_levels": [4.6, 2.2, 2.2, 2.4, 2.2, 2.4],  # ปานกลาง is one word of 2.4 cm
        "w_groups": [3.0, 7.5, 2.5, 2.5],
        "w_trend": [3.1, 1.5, 1.4, 1.7, 2.4, 1.4, 1.7, 2.4],  # cell margins 0.1 cm: Thai digits are wide
    },
    "en": {
        "public": "(public edition)",
        "fy": "Fiscal year (BE)",
        "summary": "Executive summary",
        "measures": "Progress on the measures",
        "measures_none": "The measures sheet has no measures for fiscal year {{ fiscal_year }}.",
        "per_measure": "Summary by measure",
        "per_measure_head": ["No.", "Measure", "Responsible", "Steps done", "Status"],
        "detail": "Progress step by step",
        "detail_head": ["No.", "Step", "Unit", "Status", "Result", "Link"],
        "links": "Evidence links in full:",
        "overdue": "Overdue items by unit",
        "overdue_none": "As of {{ overdue.as_of }} nothing is overdue.",
        "overdue_head": ["Unit", "Kind", "Item", "Due", "Days late"],
        "carried": "Complaints carried over from earlier years",
        "carried_intro": "Complaints received before this fiscal year and still open on {{ overdue.as_of }}; "
                         "they are not counted in this round's figures:",
        "carried_head": ["No.", "Received", "Unit", "Days late"],
        "overdue_intro": "As of {{ overdue.as_of }}, {{ overdue.count }} items are overdue:",
        "sat": "Satisfaction survey",
        "sat_intro": "{{ sat.n }} people answered the survey (means out of 5; percent = mean ÷ 5 × 100).",
        "sat_aspects": "By aspect",
        "score_head": ["Item", "Resp.", "n", "Mean", "S.D.", "%", "Level"],  # short: English words are wide
        "question_head": ["Question", "n", "Mean", "S.D.", "%", "Level"],
        "sat_trend": "Trend against earlier rounds",
        "trend_over": ["vs previous round ({{ sat.trend.previous_round }})",
                       "vs same round last year ({{ sat.trend.last_year_round }})"],
        "trend_head": ["Item", "This round", "Mean", "Change", "Larger than noise?",
                       "Mean", "Change", "Larger than noise?"],
        "trend_note": "Change = this round's mean minus the other round's. Welch's t test at the 5% level, "
                      "each respondent counted once: \"Yes\" means the change is larger than sampling noise; "
                      "\"Too few to tell\" means a round had fewer than 2 respondents.",
        "trend_overlap": "The previous round of an annual report is the first half of the same year, "
                         "part of this round, so the test is more cautious than usual.",
        "sat_questions": "By question",
        "sat_levels": "Answers by level (percent)",
        "levels_head": ["Question", "Very high", "High", "Moderate", "Low", "Very low"],
        "sat_points": "By service",
        "sat_monthly": "Responses per month",
        "sat_comments": "Suggestions from citizens",
        "cmp": "Complaint statistics",
        "cmp_facts": "Summary",
        "corruption_facts": "Summary",
        "corruption_groups": "By channel, category, status and unit",
        "cmp_facts_head": ["Item", "Count"],
        "cmp_groups": "Complaints by channel, category, status and unit",
        "cmp_groups_head": ["By", "Item", "Complaints", "Percent"],
        "cmp_none": "No complaints in this round.",
        "corruption": "Complaints of corruption and misconduct",
        "corruption_none": "No complaints of corruption or misconduct in this round.",
        "sign": "Signed ..................................................",
        "sign_role": "Reporting officer",
        # English words cannot break between letters: each column is at least as wide as its
        # longest word in 14 pt bold plus the cell margins ("Complaint", "Moderate", "Sep 2026)").
        "w_detail": [1.2, 4.3, 2.5, 3.0, 2.9, 2.1],
        "w_overdue": [2.7, 2.8, 5.0, 3.2, 2.3],
        "w_levels": [4.6, 2.2, 2.2, 2.7, 2.1, 2.2],
        "w_groups": [2.8, 6.8, 3.1, 2.8],
        "w_trend": [2.6, 1.8, 1.6, 2.0, 2.2, 1.6, 2.0, 2.2],  # cell margins 0.1 cm
    },
}


def _fonts(rpr: OxmlElement, font: str, size: int | None) -> None:
    """Set every script's font (Thai text uses the complex-script slot) and both sizes."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]  # theme fonts would override the named font
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), font)
    if size:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(size * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")


def _style(doc, name: str, font: str, size: int, bold: bool = False, base: str | None = None):
    from docx.enum.style import WD_STYLE_TYPE

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = doc.styles[base]
    style.font.bold = bold
    style.font.italic = False
    style.font.size = Pt(size)
    style.font.color.rgb = None
    _fonts(style.element.get_or_add_rPr(), font, size)
    rpr = style.element.get_or_add_rPr()
    bcs = rpr.find(qn("w:bCs"))
    if bold and bcs is None:
        rpr.append(OxmlElement("w:bCs"))
    elif not bold and bcs is not None:  # Thai text is bold by w:bCs, not w:b: the default Caption has it
        rpr.remove(bcs)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    return style


def _setup(doc, font: str, size: int) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, font, size)
    _style(doc, "Normal", font, size)
    for name, bump in (("Title", 6), ("Heading 1", 2), ("Heading 2", 0), ("Heading 3", 0)):
        style = _style(doc, name, font, size + bump, bold=True)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
        pbdr = style.element.get_or_add_pPr().find(qn("w:pBdr"))
        if pbdr is not None:  # the default Title has a rule under it; official titles do not
            pbdr.getparent().remove(pbdr)
    body = _style(doc, "Body Text", font, size, base="Normal")
    body.paragraph_format.first_line_indent = Cm(2.5)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    body.paragraph_format.space_after = Pt(6)
    _style(doc, "Table Text", font, size - 2, base="Normal")
    _style(doc, "Table Heading", font, size - 2, bold=True, base="Normal").paragraph_format.alignment = (
        WD_ALIGN_PARAGRAPH.CENTER
    )
    caption = _style(doc, "Caption", font, size - 2, base="Normal")
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # A chart right under a table would cover its bottom border without a little space.
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)


def _page_numbers(doc) -> None:
    """The official style: the page number between dashes ("- ๒ -"), centred at the top, none on
    the title page. The digits follow the office's setting and the position `[report]
    page_numbers` (top, bottom or none) when a report is drafted (automation.reports.docx)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1.25)
    para = section.header.paragraphs[0]
    para.style = doc.styles["Normal"]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    para._p.append(field)
    para.add_run(" -")
    section.footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER  # where `bottom` moves the number


def _p(doc, text: str = "", style: str = "Normal", align=None, bold: bool = False):
    """One paragraph, one run: docxtpl only sees a tag whole when Word did not split it."""
    para = doc.add_paragraph(style=style)
    if text:
        run = para.add_run(text)
        if bold:
            run.bold = True
    if align is not None:
        para.alignment = align
    return para


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def _keep_whole(row) -> None:
    """A row is not split across pages: half a step on one page and its date on the next
    reads badly (a row taller than a page still breaks, Word and LibreOffice allow no less)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _table(doc, head: list[str], loop: str, cells: list[str], widths: list[float],
           extra_rows: list[list[str]] | None = None, left: tuple[int, ...] = (0,), whole: bool = True,
           over: list[tuple[str, int]] | None = None, pad: float | None = None):
    """A table with a heading row and a docxtpl row loop: `{%tr for ... %}` rows around the
    data row, so each item becomes one row that keeps the template's formatting. Columns not
    in `left` (figures) are centred. `over` puts a row of group headings above the heading
    row: (text, columns spanned); a column with text "" keeps its own heading over both rows. `pad` narrows the cells' left
    and right margins (cm; Table Grid has 0.19) for a table of many narrow columns."""
    table = doc.add_table(rows=0, cols=len(head))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cell widths, LibreOffice the grid: set both, and a fixed layout so that a
    # long Thai cell wraps instead of stretching its column.
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Cm(width)
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(sum(widths) / 2.54 * 1440)))
    if pad is not None:
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(int(pad / 2.54 * 1440)))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        tbl_pr.append(margins)

    def row(values: list[str], style: str = "Table Text"):
        r = table.add_row()
        for i, (cell, value) in enumerate(zip(r.cells, values, strict=True)):
            cell.width = Cm(widths[i])
            para = cell.paragraphs[0]
            para.style = doc.styles[style]
            if style == "Table Text" and i not in left:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if value:
                para.add_run(value)
        return r

    if over:
        _group_heading(table, row, head, over)
    else:
        _repeat_header(row(head, "Table Heading"))
    row([f"{{%tr for {loop} %}}"] + [""] * (len(head) - 1))
    data = row(cells)
    if whole:
        _keep_whole(data)
    row(["{%tr endfor %}"] + [""] * (len(head) - 1))
    for values in extra_rows or []:
        row(values)
    return table


def _group_heading(table, row, head: list[str], over: list[tuple[str, int]]) -> None:
    """Two heading rows: group headings spanning their columns, the column headings under them;
    a column outside any group has its heading merged down over both rows."""
    assert sum(span for _text, span in over) == len(head)
    top, under, col = [], [], 0
    for text, span in over:
        if text:
            top += [text] + [""] * (span - 1)
            under += head[col:col + span]
        else:
            top += head[col:col + span]
            under += [""] * span
        col += span
    first, second = row(top, "Table Heading"), row(under, "Table Heading")
    col = 0
    for text, span in over:
        if text and span > 1:
            first.cells[col].merge(first.cells[col + span - 1])
        elif not text:
            for i in range(col, col + span):
                first.cells[i].merge(second.cells[i])
        col += span
    _repeat_header(first)
    _repeat_header(second)


# People and answers both: a pooled group (an aspect, a service point) has one answer per
# question per person, and the few-answers mark (*) counts people.
SCORE_CELLS = ["{{ r.label }}", "{{ r.respondents }}", "{{ r.n }}", "{{ r.mean }}", "{{ r.sd }}",
               "{{ r.percent }}", "{{ r.band }}"]
SCORE_WIDTHS = [4.4, 1.8, 1.9, 1.9, 1.9, 2.1, 2.0]  # Thai digits are wide: ๘๑.๗๕ needs 2 cm


def _score_table(doc, L: dict, loop: str, overall: bool) -> None:
    extra = [[cell.replace("r.", "sat.overall.") for cell in SCORE_CELLS]] if overall else None
    _table(doc, L["score_head"], loop, SCORE_CELLS, SCORE_WIDTHS, extra_rows=extra)


def build_template(lang: str, path: Path, font: str, size: int) -> Path:
    L = LABELS[lang]
    doc = Document()
    _setup(doc, font, size)
    _page_numbers(doc)
    center = WD_ALIGN_PARAGRAPH.CENTER

    # Title page, in the order official reports use.
    for _ in range(3):
        _p(doc)
    _p(doc, "{{ office.name }}", "Title", center)
    _p(doc)
    _p(doc, "{{ title }}", "Title", center)
    _p(doc)
    _p(doc, f"{L['fy']} {{{{ fiscal_year }}}}", "Heading 1", center)
    _p(doc, "{{ round_name }}", "Heading 1", center)
    _p(doc, "{{ period }}", "Normal", center)
    _p(doc, "{%p if partial %}")  # a round still running says how far its figures reach
    _p(doc, "{{ partial_note }}", "Normal", center)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if public %}")
    _p(doc, L["public"], "Normal", center)
    _p(doc, "{%p endif %}")
    for _ in range(5):
        _p(doc)
    _p(doc, "{{ office.name }}", "Normal", center, bold=True)
    _p(doc, "{{ office.district }} {{ office.province }}", "Normal", center)

    # A break on the heading, not a break paragraph: a full title page never leaves a blank one.
    _p(doc, f"{{{{ d(1) }}}}. {L['summary']}", "Heading 1").paragraph_format.page_break_before = True
    _p(doc, "{%p for para in summary %}")
    _p(doc, "{{ para }}", "Body Text")
    _p(doc, "{%p endfor %}")

    _p(doc, f"{{{{ d(2) }}}}. {L['measures']}", "Heading 1")
    _p(doc, "{%p if m.empty %}")
    _p(doc, L["measures_none"], "Body Text")
    _p(doc, "{%p else %}")
    _p(doc, f"{{{{ d('2.1') }}}} {L['per_measure']}", "Heading 2")
    _table(doc, L["per_measure_head"], "r in m.per_measure",
           ["{{ r.no }}", "{{ r.title }}", "{{ r.units }}", "{{ r.done }}/{{ r.steps }}", "{{ r.status }}"],
           [1.2, 6.6, 3.3, 2.4, 2.5], left=(1, 2, 4), whole=False)  # a long measure may run on; แล้วเสร็จ is 2.1 cm
    _p(doc)
    _p(doc, f"{{{{ d('2.2') }}}} {L['detail']}", "Heading 2")
    _table(doc, L["detail_head"], "r in m.rows",
           ["{{ r.measure }}", "{{ r.step }}", "{{ r.unit }}", "{{ r.status }}", "{{ r.result }}",
            "{{r r.evidence }}"],
           L["w_detail"], left=(1, 2, 3, 4, 5), whole=False)  # a long step runs on to the next page
    # The cells show "ลิงก์ ๓"; the addresses in full, for a printed copy.
    _p(doc, "{%p if m.links %}")
    _p(doc, L["links"], "Table Text").paragraph_format.space_before = Pt(6)
    _p(doc, "{%p for l in m.links %}")
    _p(doc, "{{r l.line }}", "Table Text")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")

    _p(doc, f"{{{{ d(3) }}}}. {L['overdue']}", "Heading 1")
    _p(doc, "{%p if not overdue.available %}")
    _p(doc, "{{ overdue.note }}", "Body Text")
    _p(doc, "{%p elif overdue.empty %}")
    _p(doc, L["overdue_none"], "Body Text")
    _p(doc, "{%p else %}")
    _p(doc, L["overdue_intro"], "Body Text")
    _table(doc, L["overdue_head"], "r in overdue.rows",
           ["{{ r.unit }}", "{{ r.kind }}", "{{ r.item }}", "{{ r.due }}", "{{ r.days_late }}"],
           L["w_overdue"], left=(0, 1, 2))
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if overdue.carried %}")
    _p(doc, f"{{{{ d('3.1') }}}} {L['carried']}", "Heading 2")
    _p(doc, L["carried_intro"], "Body Text")
    _table(doc, L["carried_head"], "r in overdue.carried",
           ["{{ r.id }}", "{{ r.received }}", "{{ r.unit }}", "{{ r.days_late }}"], [3.0, 4.0, 5.0, 4.0], left=(0, 2))
    _p(doc, "{%p endif %}")

    _p(doc, f"{{{{ d(4) }}}}. {L['sat']}", "Heading 1")
    _p(doc, "{%p if not sat.available %}")
    _p(doc, "{{ sat.note }}", "Body Text")
    _p(doc, "{%p elif sat.empty %}")
    _p(doc, "{{ sat.empty_note }}", "Body Text")
    _p(doc, "{%p else %}")
    _p(doc, L["sat_intro"], "Body Text")
    _p(doc, f"{{{{ d('4.1') }}}} {L['sat_aspects']}", "Heading 2")
    _score_table(doc, L, "r in sat.aspects", overall=True)
    # What was left out of the scores, right under them.
    _p(doc, "{%p if sat.excluded_line %}")
    _p(doc, "{{ sat.excluded_line }}", "Table Text").paragraph_format.space_before = Pt(3)
    _p(doc, "{%p endif %}")
    _p(doc, "{{ sat.charts.aspects }}", "Caption")
    _p(doc, f"{{{{ d('4.2') }}}} {L['sat_trend']}", "Heading 2")
    _p(doc, "{%p if sat.trend %}")
    side = ["{{ r.%s.mean }}", "{{ r.%s.change }}", "{{ r.%s.verdict }}"]
    _table(doc, L["trend_head"], "r in sat.trend.rows",
           ["{{ r.label }}", "{{ r.mean }}", *(c % "prev" for c in side), *(c % "last" for c in side)],
           L["w_trend"], over=[("", 2), (L["trend_over"][0], 3), (L["trend_over"][1], 3)], pad=0.1)
    note = _p(doc, L["trend_note"], "Table Text")
    note.paragraph_format.space_before = Pt(6)
    _p(doc, "{%p if sat.trend.overlap %}")
    _p(doc, L["trend_overlap"], "Table Text")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p else %}")
    _p(doc, "{{ sat.trend_none }}", "Body Text")
    _p(doc, "{%p endif %}")
    _p(doc, f"{{{{ d('4.3') }}}} {L['sat_questions']}", "Heading 2")
    # One answer per person per question: n is the number of people, one column is enough.
    _table(doc, L["question_head"], "r in sat.questions",
           ["{{ r.label }}", "{{ r.n }}", "{{ r.mean }}", "{{ r.sd }}", "{{ r.percent }}", "{{ r.band }}"],
           [6.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    _p(doc, f"{{{{ d('4.4') }}}} {L['sat_levels']}", "Heading 2")
    _table(doc, L["levels_head"], "r in sat.levels",
           ["{{ r.label }}", "{{ r.l5 }}", "{{ r.l4 }}", "{{ r.l3 }}", "{{ r.l2 }}", "{{ r.l1 }}"],
           L["w_levels"])
    _p(doc, "{%p if sat.points %}")
    _p(doc, f"{{{{ d('4.5') }}}} {L['sat_points']}", "Heading 2")
    _score_table(doc, L, "r in sat.points", overall=False)
    _p(doc, "{{ sat.charts.points }}", "Caption")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if sat.has_monthly %}")
    _p(doc, f"{{{{ d('4.6') }}}} {L['sat_monthly']}", "Heading 2")
    _p(doc, "{{ sat.charts.monthly }}", "Caption")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if sat.comments %}")
    _p(doc, f"{{{{ d('4.7') }}}} {L['sat_comments']}", "Heading 2")
    _p(doc, "{%p for c in sat.comments %}")
    _p(doc, "- {{ c.text }}{% if c.count %} ({{ c.count }}){% endif %}", "List Paragraph")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if sat.small_n %}")
    _p(doc, "{{ sat.small_n_note }}", "Table Text")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")

    _p(doc, f"{{{{ d(5) }}}}. {L['cmp']}", "Heading 1")
    _p(doc, "{%p if not cmp.available %}")
    _p(doc, "{{ cmp.note }}", "Body Text")
    _p(doc, "{%p elif cmp.empty %}")
    _p(doc, L["cmp_none"], "Body Text")
    _p(doc, "{%p else %}")
    _p(doc, f"{{{{ d('5.1') }}}} {L['cmp_facts']}", "Heading 2")
    _table(doc, L["cmp_facts_head"], "r in cmp.facts", ["{{ r.label }}", "{{ r.value }}"], [9.0, 5.0])
    _p(doc, f"{{{{ d('5.2') }}}} {L['cmp_groups']}", "Heading 2")
    _table(doc, L["cmp_groups_head"], "r in cmp.groups",
           ["{{ r.group }}", "{{ r.label }}", "{{ r.count }}", "{{ r.share }}"], L["w_groups"], left=(0, 1))
    _p(doc, "{{ cmp.charts.category }}", "Caption")
    _p(doc, "{{ cmp.charts.channel }}", "Caption")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if cmp.available %}")
    _p(doc, f"{{{{ d('5.3') }}}} {L['corruption']}", "Heading 2")
    _p(doc, "{%p if cmp.corruption and not cmp.corruption.empty %}")
    _p(doc, f"{{{{ d('5.3.1') }}}} {L['corruption_facts']}", "Heading 3")
    _table(doc, L["cmp_facts_head"], "r in cmp.corruption.facts", ["{{ r.label }}", "{{ r.value }}"], [9.0, 5.0])
    _p(doc, f"{{{{ d('5.3.2') }}}} {L['corruption_groups']}", "Heading 3")
    _table(doc, L["cmp_groups_head"], "r in cmp.corruption.groups",
           ["{{ r.group }}", "{{ r.label }}", "{{ r.count }}", "{{ r.share }}"], L["w_groups"], left=(0, 1))
    _p(doc, "{%p else %}")
    _p(doc, L["corruption_none"], "Body Text")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")

    # Signature block: on the right half, centred, as official letters sign.
    _p(doc)
    _p(doc)
    for text in (L["sign"], "({{ signer.name }})", "{{ signer.position }}", L["sign_role"]):
        para = _p(doc, text, "Normal", center)
        para.paragraph_format.left_indent = Cm(7)
        para.paragraph_format.keep_with_next = True
    # No "drafted on" line for staff to delete: the draft mark is in the file's properties.
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the Word report templates")
    parser.add_argument("--out", type=Path, default=ROOT / "templates", help="folder to write the templates to")
    parser.add_argument("--config", type=Path, help="settings file whose [report] font and size to use")
    args = parser.parse_args(argv)
    from automation.settings import load_settings

    settings = load_settings(args.config)
    for lang, name in (("th", "report.docx"), ("en", "report-en.docx")):
        print(build_template(lang, args.out / name, settings.report.font, settings.report.font_size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
