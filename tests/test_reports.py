"""The 6-month and annual Word drafts: content, figures, official formatting, templates."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.cli import main
from automation.complaints import complaint_statistics
from automation.reports import build_report
from automation.reports.charts import Chart, render_png, thai_font
from automation.reports.context import TITLE, gather_figures
from automation.reports.linebreak import WJ, ZWSP, plain, thai_breaks
from automation.reports.measures import measure_progress
from automation.reports.pdf import find_office, write_pdf
from automation.reports.sections import overdue_items
from automation.satisfaction import compute_scores
from automation.schema import STEP_STATUS, build_schema
from automation.settings import ConfigError, Settings, load_settings
from automation.tables import Tables, load_tables, to_table
from automation.thaidate import FiscalRound, digits, format_thai_date, to_arabic_digits
from automation.workbook.xlsx import XlsxWorkbook
from tests.conftest import TEST_ARTIFACTS

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = TEST_ARTIFACTS  # page images a person can look at; never in the user's output/
TODAY = dt.date(2024, 4, 20)
H1 = FiscalRound(2567, "h1")
ANNUAL = FiscalRound(2566, "annual")  # a whole fiscal year of demo data, closed
URL = re.compile(r"https?://\S+")
THAI_DIGITS = re.compile("[๐-๙]")


def make_settings(root: Path, **overrides: object) -> Settings:
    config = root / "config" / "settings.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "config" / "settings.toml", config)
    return load_settings(config, run__today=TODAY, **overrides)


def all_text(document: Document) -> str:
    """Every paragraph and table cell, in order, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def table_with(document: Document, *headings: str) -> list[list[str]]:
    """The rows (heading row first) of the first table whose heading row holds `headings`."""
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if rows and all(h in rows[0] for h in headings):
            return rows
    raise AssertionError(f"no table headed {headings}")


@dataclass
class Drafts:
    settings: Settings
    tables: Tables
    h1: Path
    annual: Path
    english: Path
    arabic: Path

    def open(self, name: str) -> Document:
        return open_docx(getattr(self, name))


def open_docx(path: Path) -> Document:
    """A drafted report as a reader sees its text: without the invisible Thai line-break marks."""
    document = docx.Document(str(path))
    for text in document.element.body.iter(qn("w:t")):
        text.text = plain(text.text or "")
    return document


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Drafts:
    """Every report the tests read, drafted once: the CLI for round 1, the API for the rest."""
    root = tmp_path_factory.mktemp("reports")
    settings = make_settings(root)
    settings.workbook_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_demo_template, settings.workbook_path)
    config = str(settings.source)
    assert main(["report", "--config", config, "--today", TODAY.isoformat(), "--round", "h1",
                 "--fiscal-year", "๒๕๖๗"]) == 0
    tables = load_tables(XlsxWorkbook(settings.workbook_path), build_schema(settings))
    annual = build_report(settings, tables, ANNUAL, TODAY)
    english = build_report(settings, tables, H1, TODAY, out=root / "en.docx", lang="en")
    arabic_settings = make_settings(root / "arabic", run__digits="arabic",
                                    workbook__path=str(settings.workbook_path))
    arabic = build_report(arabic_settings, tables, H1, TODAY, out=root / "arabic.docx")
    return Drafts(settings, tables, settings.output_dir / "ita-report-2567-h1.docx", annual, english, arabic)


# ---------------------------------------------------------------- content


def test_the_title_page_names_the_office_the_round_and_its_dates_in_words(drafts: Drafts) -> None:
    paragraphs = [p.text.strip() for p in drafts.open("h1").paragraphs if p.text.strip()]
    title_page = paragraphs[:8]
    assert drafts.settings.office.name in title_page
    assert TITLE["th"] in title_page
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗" in title_page
    assert "รอบ ๖ เดือน" in title_page
    assert "ระหว่างวันที่ ๑ ตุลาคม ๒๕๖๖ ถึงวันที่ ๓๑ มีนาคม ๒๕๖๗" in title_page


def test_the_annual_report_covers_the_whole_fiscal_year(drafts: Drafts) -> None:
    text = all_text(drafts.open("annual"))
    assert drafts.annual.name == "ita-report-2566-annual.docx"
    assert "รอบ ๑๒ เดือน" in text
    start, end = (format_thai_date(d) for d in (ANNUAL.start, ANNUAL.end))
    assert f"ระหว่างวันที่ {start} ถึงวันที่ {end}" in text


def test_the_sections_come_in_the_official_order(drafts: Drafts) -> None:
    headings = [p.text for p in drafts.open("h1").paragraphs if p.style.name == "Heading 1" and p.text]
    assert [h.split(". ", 1)[1] for h in headings[2:]] == [
        "บทสรุปสำหรับผู้บริหาร", "ผลการดำเนินการตามมาตรการ", "รายการที่เกินกำหนด จำแนกตามหน่วยงาน",
        "ผลการประเมินความพึงพอใจของผู้รับบริการ", "สถิติเรื่องร้องเรียน",
    ]
    assert [h.split(". ", 1)[0] for h in headings[2:]] == ["๑", "๒", "๓", "๔", "๕"]


def test_the_summary_states_measures_satisfaction_and_complaints_from_the_figures(drafts: Drafts) -> None:
    figures = gather_figures(drafts.settings, drafts.tables, H1, TODAY)
    body = [p.text for p in drafts.open("h1").paragraphs if p.style.name == "Body Text"]
    summary = " ".join(body[:4])
    progress = figures.measures
    done = progress.steps_with("done")
    assert f"ขั้นตอนที่ดำเนินการแล้ว {digits(str(done), 'thai')} จาก {digits(str(progress.steps_counted), 'thai')}" in summary
    overall = figures.satisfaction.overall
    assert f"ค่าเฉลี่ยโดยรวม {digits(f'{overall.mean:.2f}', 'thai')}" in summary
    assert f"อยู่ในระดับ{overall.band}" in summary
    assert f"มีเรื่องร้องเรียนทั้งหมด {digits(str(figures.complaints.total), 'thai')} เรื่อง" in summary
    assert "จากรอบก่อน" in summary  # the change since the previous round
    change = figures.satisfaction.trend.previous
    verdict = {True: "ซึ่งแตกต่างอย่างมีนัยสำคัญทางสถิติที่ระดับ ๐.๐๕", False: "ซึ่งไม่แตกต่างอย่างมีนัยสำคัญทางสถิติ",
               None: "ผู้ตอบน้อยเกินกว่าจะทดสอบนัยสำคัญทางสถิติ"}[change.significant]
    assert verdict in summary  # whether the change is larger than the noise, said either way


def test_the_english_summary_says_whether_the_change_is_significant_in_plain_english(drafts: Drafts) -> None:
    figures = gather_figures(drafts.settings, drafts.tables, H1, TODAY, "en")
    body = " ".join(p.text for p in drafts.open("english").paragraphs if p.style.name == "Body Text")
    verdict = {True: "a statistically significant change", False: "not statistically significant",
               None: "too few respondents to test"}[figures.satisfaction.trend.previous.significant]
    assert verdict in body
    assert not re.search(r"(?<![\d.,])1 (steps|plan steps|complaints)\b", body)
    steps = figures.deadlines and sum(1 for i in overdue_items(figures) if i.kind == "step")
    assert (f"{steps} plan step{'' if steps == 1 else 's'} {'was' if steps == 1 else 'were'} past" if steps
            else "no plan step was past its due date") in body


def test_the_measures_table_lists_every_step_of_the_fiscal_year_with_its_status(drafts: Drafts) -> None:
    rows = table_with(drafts.open("h1"), "ขั้นตอนหรือวิธีการ", "สถานะ", "หลักฐาน")[1:]
    steps = [r for r in drafts.tables["measures"].records()
             if to_arabic_digits(str(r["fiscal_year"])).startswith("2567")]
    assert len(rows) == len(steps) > 0
    labels = {c.th for c in STEP_STATUS} | {"ไม่ระบุสถานะ"}
    for row in rows:
        assert row[3].split(" (")[0] in labels
    # As of the round's last day: a step finished later shows no (later) evidence yet.
    progress = measure_progress(drafts.tables["measures"], 2567, as_of=H1.end)
    evidence = [s.evidence_url for s in progress.steps if s.evidence_url.startswith("https://") and not s.done_later]
    assert evidence and any(s.done_later for s in progress.steps)
    # Each link is a short clickable "ลิงก์ ๓" in its narrow column, whose target is the address.
    document = drafts.open("h1")
    cells = [row.cells[5] for row in detail_table(document).rows[1:]]
    links = [link for cell in cells for link in hyperlinks(document, cell._tc)]
    assert [target for _text, target in links] == evidence
    assert [text for text, _target in links] == [f"ลิงก์ {digits(str(i), 'thai')}" for i in range(1, len(links) + 1)]
    assert not any(URL.search(cell.text) for cell in cells)  # no address to break letter by letter
    # ... and the list under the table gives every address in full, for a printed copy.
    listed = [link for p in document.paragraphs for link in hyperlinks(document, p._p) if URL.match(link[0])]
    assert [text for text, _target in listed] == [target for _text, target in listed] == evidence


def test_a_cell_with_words_and_several_links_keeps_the_words_and_numbers_each_link() -> None:
    from automation.reports.sections import evidence_parts

    text = "ดูแฟ้มกองคลัง https://a.example.go.th/1, และ https://b.example.go.th/2)"
    assert evidence_parts(text) == ("ดูแฟ้มกองคลัง และ", ["https://a.example.go.th/1", "https://b.example.go.th/2"])
    assert evidence_parts("ดูในแฟ้มกองคลัง") == ("ดูในแฟ้มกองคลัง", [])


def detail_table(document: Document) -> Any:
    return next(t for t in document.tables if "หลักฐาน" in [c.text.strip() for c in t.rows[0].cells])


def hyperlinks(document: Document, element: Any) -> list[tuple[str, str]]:
    """(shown text, target address) of each hyperlink inside a paragraph or cell element."""
    found = []
    for link in element.iter(qn("w:hyperlink")):
        rid = link.get(qn("r:id"))
        found.append(("".join(t.text or "" for t in link.iter(qn("w:t"))), document.part.rels[rid].target_ref))
    return found


def test_the_per_measure_table_counts_done_steps_out_of_all(drafts: Drafts) -> None:
    rows = table_with(drafts.open("h1"), "ที่", "มาตรการ", "ขั้นตอนที่แล้วเสร็จ")[1:]
    progress = measure_progress(drafts.tables["measures"], 2567, as_of=H1.end)
    assert [r[3] for r in rows] == [
        digits(f"{m.count('done')}/{len(m.counted)}", "thai") for m in progress.measures
    ]


def test_overdue_items_are_listed_by_unit(drafts: Drafts) -> None:
    figures = gather_figures(drafts.settings, drafts.tables, H1, TODAY)
    expected = overdue_items(figures)
    assert expected, "the demo has overdue complaints"
    rows = table_with(drafts.open("h1"), "หน่วยงาน", "รายการ", "เกินกำหนด (วัน)")[1:]
    assert len(rows) == len(expected)
    units = [r[0] for r in rows if r[0]]
    assert len(units) == len(set(units)) == len({i.unit for i in expected})  # each unit named once
    for item in expected:
        assert any(item.item_id in r[2] for r in rows)  # as typed: it must match the register


def test_the_public_edition_counts_the_overdue_complaints_it_does_not_name(drafts: Drafts, tmp_path: Path) -> None:
    figures = gather_figures(drafts.settings, drafts.tables, H1, TODAY)
    complaints = [i for i in overdue_items(figures) if i.kind == "complaint"]
    assert complaints, "the demo has overdue complaints"
    public = build_report(drafts.settings, drafts.tables, H1, TODAY, out=tmp_path / "public.docx", public=True)
    text = all_text(open_docx(public))
    assert "ไม่มีรายการที่เกินกำหนด" not in text  # it said so, beside a summary counting them
    rows = table_with(open_docx(public), "หน่วยงาน", "รายการ", "เกินกำหนด (วัน)")[1:]
    assert rows[-1][1] == "เรื่องร้องเรียน"
    assert rows[-1][2] == f"เรื่องร้องเรียนที่เกินกำหนด {digits(str(len(complaints)), 'thai')} เรื่อง (ฉบับเผยแพร่แสดงเฉพาะจำนวน)"
    assert not any(i.item_id in cell for i in complaints for row in rows for cell in row)  # by count only
    steps = sum(1 for i in overdue_items(figures) if i.kind == "step")
    total = digits(str(steps + len(complaints)), "thai")
    assert f"มีรายการที่เกินกำหนดทั้งหมด {total} รายการ" in text


def test_the_satisfaction_tables_show_the_score_reports_figures(drafts: Drafts) -> None:
    report = compute_scores(drafts.settings, drafts.tables["responses"], H1, today=TODAY)
    rows = table_with(drafts.open("h1"), "รายการ", "ค่าเฉลี่ย", "S.D.", "ระดับ")
    by_label = {r[0].rstrip(" *"): r for r in rows[1:]}
    for group in [*report.aspects, report.overall]:
        row = by_label[group.label]
        assert row[1] == digits(f"{group.respondents:,}", "thai")  # people: what the * mark counts
        assert row[2] == digits(f"{group.n:,}", "thai")  # answers, pooled over the questions
        assert row[3] == digits(f"{group.mean:.2f}", "thai")
        assert row[4] == digits(f"{group.sd:.2f}", "thai")
        assert row[5] == digits(f"{group.percent:.2f}", "thai")
        assert row[6] == group.band
    questions = table_with(drafts.open("h1"), "ข้อคำถาม", "มากที่สุด", "น้อยที่สุด")[1:]
    assert [r[0] for r in questions] == [q.label for q in report.questions]
    per_question = table_with(drafts.open("h1"), "ข้อคำถาม", "ผู้ตอบ (n)", "ค่าเฉลี่ย")[1:]
    assert [r[1] for r in per_question] == [digits(f"{q.n:,}", "thai") for q in report.questions]


def test_a_service_point_with_few_respondents_is_marked_and_shows_how_few(drafts: Drafts) -> None:
    people = sorted(p.respondents for p in compute_scores(drafts.settings, drafts.tables["responses"], H1).service_points)
    min_n = people[len(people) // 2]
    settings = drafts.settings.model_copy(update={"survey": drafts.settings.survey.model_copy(update={"min_n": min_n})})
    report = compute_scores(settings, drafts.tables["responses"], H1, today=TODAY)
    few = [p for p in report.service_points if p.small_n]
    assert few and len(few) < len(report.service_points)
    assert all(p.n >= min_n for p in few)  # answers alone would not show why they are marked
    out = build_report(settings, drafts.tables, H1, TODAY, out=drafts.h1.parent / "few.docx")
    document = open_docx(out)
    tables = [[[c.text.strip() for c in r.cells] for r in t.rows] for t in document.tables]
    points = next(t for t in tables if t[0][:3] == ["รายการ", "ผู้ตอบ (ราย)", "คำตอบ (n)"]
                  and t[1][0].rstrip(" *") == report.service_points[0].label)
    rows = {r[0]: r for r in points[1:]}
    for point in report.service_points:
        marked = f"{point.label} *"
        assert (marked in rows) == point.small_n
        row = rows[marked if point.small_n else point.label]
        assert row[1] == digits(str(point.respondents), "thai") and row[2] == digits(f"{point.n:,}", "thai")
    note = f"* จำนวนผู้ตอบน้อยกว่า {digits(str(min_n), 'thai')} ราย"
    assert any(p.text.startswith(note) for p in document.paragraphs)


def test_complaint_statistics_are_given_with_corruption_separately(drafts: Drafts) -> None:
    stats = complaint_statistics(drafts.settings, drafts.tables["complaints"], H1, H1.end)  # as of its end
    document = drafts.open("h1")
    facts = [t for t in document.tables if t.rows[0].cells[0].text == "รายการ" and len(t.columns) == 2]
    assert len(facts) == 2  # all complaints, then corruption complaints only
    totals = [dict((r.cells[0].text, r.cells[1].text) for r in t.rows) for t in facts]
    assert totals[0]["เรื่องร้องเรียนทั้งหมด"] == digits(str(stats.total), "thai")
    assert totals[0]["ยุติเรื่องแล้ว"] == digits(str(stats.closed), "thai")
    assert totals[1]["เรื่องร้องเรียนทั้งหมด"] == digits(str(stats.corruption.total), "thai")
    groups = table_with(document, "จำแนกตาม", "รายการ", "จำนวน (เรื่อง)")
    channels = {r[1]: r[2] for r in groups[1:]}
    for label, count in stats.by_channel:
        assert channels[label] == digits(str(count), "thai")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert any("เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" in h for h in headings)


def test_the_same_round_last_year_is_quoted_as_its_total(drafts: Drafts) -> None:
    last_year = H1.same_round_last_year()
    figures = gather_figures(drafts.settings, drafts.tables, H1, TODAY)
    stats = complaint_statistics(drafts.settings, drafts.tables["complaints"], last_year, last_year.end)
    assert figures.complaints_prev == stats.total > 0
    assert f"เทียบกับรอบเดียวกันของปีก่อน {digits(str(stats.total), 'thai')} เรื่อง" in all_text(drafts.open("h1"))


def test_charts_are_embedded_as_pictures(drafts: Drafts) -> None:
    document = drafts.open("h1")
    pictures = [r for r in document.part.related_parts.values() if r.content_type == "image/png"]
    assert len(document.inline_shapes) >= 5  # aspects, services, months, categories, channels
    assert len(pictures) >= 5
    assert all(p.blob.startswith(b"\x89PNG") for p in pictures)


def test_the_signature_block_names_the_signer(drafts: Drafts) -> None:
    paragraphs = [p.text.strip() for p in drafts.open("h1").paragraphs]
    at = next(i for i, text in enumerate(paragraphs) if text.startswith("ลงชื่อ"))
    assert paragraphs[at + 1] == f"({drafts.settings.office.signer_name})"
    assert paragraphs[at + 2] == drafts.settings.office.signer_position


# ---------------------------------------------------------------- formatting


def staff_typed(tables: Tables) -> str:
    """Every value staff typed into the measures and complaints sheets, one per line."""
    return "\n".join(str(v) for key in ("measures", "complaints") for rec in tables[key].records()
                     for v in rec.values() if isinstance(v, str))


def test_every_number_the_service_writes_is_in_thai_digits_and_identifiers_stay_as_typed(drafts: Drafts) -> None:
    text = URL.sub("", all_text(drafts.open("h1")))
    assert len(THAI_DIGITS.findall(text)) > 100
    typed = staff_typed(drafts.tables)
    # An Arabic digit only inside something staff typed (a register number, a step's words).
    strays = [w for w in re.findall(r"\S*[0-9]\S*", text) if w.strip("()…,") not in typed]
    assert strays == []
    # Complaint numbers print exactly as in the register (ร66-017, not ร๖๖-๐๑๗).
    ids = [c.complaint_id for c in complaint_statistics(drafts.settings, drafts.tables["complaints"], H1,
                                                        H1.end).carried_over]
    assert ids and all(i in text and digits(i, "thai") not in text for i in ids)


def test_arabic_digits_when_the_setting_says_so(drafts: Drafts) -> None:
    text = all_text(drafts.open("arabic"))
    typed = staff_typed(drafts.tables)
    assert [w for w in re.findall(r"\S*[๐-๙]\S*", text) if w.strip("()…,") not in typed] == []
    assert "ระหว่างวันที่ 1 ตุลาคม 2566 ถึงวันที่ 31 มีนาคม 2567" in text


def test_margins_font_and_size_follow_official_style(drafts: Drafts) -> None:
    document = drafts.open("h1")
    section = document.sections[0]
    assert abs(section.left_margin - Cm(3)) < Cm(0.01)
    assert abs(section.right_margin - Cm(2)) < Cm(0.01)
    normal = document.styles["Normal"]
    assert normal.font.name == drafts.settings.report.font == "TH SarabunPSK"
    assert normal.font.size == Pt(drafts.settings.report.font_size) == Pt(16)
    fonts = normal.element.rPr.rFonts  # Thai text takes the complex-script font
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cs") == "TH SarabunPSK"


def test_an_english_report_when_the_language_is_english(drafts: Drafts) -> None:
    text = all_text(drafts.open("english"))
    assert TITLE["en"] in text
    assert "from 1 October 2023 to 31 March 2024" in text
    assert "Executive summary" in text
    typed = staff_typed(drafts.tables)
    assert [w for w in re.findall(r"\S*[๐-๙]\S*", URL.sub("", text)) if w.strip("()…,.") not in typed] == []


# ---------------------------------------------------------------- templates


def test_a_template_staff_edited_in_word_still_renders(drafts: Drafts, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    template = docx.Document(str(PROJECT / "templates" / "report.docx"))
    template.styles["Normal"].font.name = "TH Sarabun New"
    heading = next(p for p in template.paragraphs if "{{ title }}" in p.text)
    heading.insert_paragraph_before("ฉบับตรวจทานโดยหัวหน้าสำนักปลัด")
    template.save(str(folder / "report.docx"))
    settings = drafts.settings.model_copy(
        update={"report": drafts.settings.report.model_copy(update={"template_dir": folder})}
    )
    out = build_report(settings, drafts.tables, H1, TODAY, out=tmp_path / "edited.docx")
    document = open_docx(out)
    assert "ฉบับตรวจทานโดยหัวหน้าสำนักปลัด" in [p.text for p in document.paragraphs]
    assert document.styles["Normal"].font.name == "TH Sarabun New"
    assert table_with(document, "รายการ", "ค่าเฉลี่ย", "S.D.")


def test_drafts_are_readable_by_others_like_any_file_the_office_saves(drafts: Drafts) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    for path in (drafts.h1, drafts.annual, drafts.english):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_a_broken_template_tag_is_one_line_naming_the_file(drafts: Drafts, tmp_path: Path) -> None:
    template = docx.Document(str(PROJECT / "templates" / "report.docx"))
    template.add_paragraph("{% if sat.available %} ไม่มีแท็กปิด")
    (tmp_path / "t").mkdir()
    template.save(str(tmp_path / "t" / "report.docx"))
    settings = drafts.settings.model_copy(
        update={"report": drafts.settings.report.model_copy(update={"template_dir": tmp_path / "t"})}
    )
    with pytest.raises(ConfigError, match=r"report\.docx: อ่านแท็กในแม่แบบไม่ได้ \(") as err:
        build_report(settings, drafts.tables, H1, TODAY, out=tmp_path / "x.docx")
    assert "\n" not in str(err.value)
    assert "มีแท็กปิดคู่กัน เช่น {% if sat.available %} … {% endif %} (the template's tags cannot be read)" in str(err.value)
    assert not (tmp_path / "x.docx").exists()
    (tmp_path / "t" / "report.docx").rename(tmp_path / "t" / "report-en.docx")
    with pytest.raises(ConfigError, match=r"report-en\.docx: the template's tags cannot be read \(") as err:
        build_report(settings, drafts.tables, H1, TODAY, out=tmp_path / "x.docx", lang="en")
    assert "แท็ก" not in str(err.value)


def test_a_missing_template_says_in_thai_what_is_used_or_how_to_make_it(
    drafts: Drafts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from automation.reports import docx as report_docx

    empty = tmp_path / "templates"
    empty.mkdir()
    settings = drafts.settings.model_copy(
        update={"report": drafts.settings.report.model_copy(update={"template_dir": empty})})
    with caplog.at_level("WARNING", logger="automation.reports.docx"):
        assert report_docx.template_path(settings, "th") == report_docx.SHIPPED_TEMPLATES / "report.docx"
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "automation.reports.docx"]
    assert warning == (f"{empty / 'report.docx'}: ไม่พบแม่แบบในโฟลเดอร์ [report] template_dir — ใช้แม่แบบที่มากับโปรแกรม "
                       f"{report_docx.SHIPPED_TEMPLATES / 'report.docx'} แทน ถ้าต้องการแม่แบบของหน่วยงานเอง "
                       f"ให้วางไฟล์ report.docx ไว้ในโฟลเดอร์ {empty} (template not found; using the shipped one)")
    monkeypatch.setattr(report_docx, "SHIPPED_TEMPLATES", tmp_path / "none")  # nothing to fall back on
    with pytest.raises(ConfigError) as thai:
        report_docx.template_path(settings, "th")
    assert str(thai.value) == (f"{empty / 'report.docx'}: ไม่พบแม่แบบรายงาน — สร้างแม่แบบใหม่ด้วย "
                               ".venv/bin/python scripts/make_templates.py หรือตั้ง [report] template_dir "
                               'ให้ชี้ไปที่โฟลเดอร์แม่แบบ เช่น template_dir = "../templates" (report template not found)')
    with pytest.raises(ConfigError, match=r"report-en\.docx: report template not found; run"):
        report_docx.template_path(settings, "en")



def test_the_script_regenerates_the_shipped_templates(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_templates", PROJECT / "scripts" / "make_templates.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--out", str(tmp_path)]) == 0
    for name in ("report.docx", "report-en.docx"):
        made, shipped = (docx.Document(str(p / name)) for p in (tmp_path, PROJECT / "templates"))
        assert [p.text for p in made.paragraphs] == [p.text for p in shipped.paragraphs]
        assert [[c.text for c in r.cells] for t in made.tables for r in t.rows] == [
            [c.text for c in r.cells] for t in shipped.tables for r in t.rows
        ]


# ---------------------------------------------------------------- measures and charts, pure


def test_measure_progress_reads_statuses_as_staff_type_them(settings: Settings) -> None:
    layout = build_schema(settings)["measures"]
    header = layout.headers("th")
    rows = [
        ["2567-01-01", "๒๕๖๗", 1, "เผยแพร่ข้อมูลงบประมาณ", 1, "จัดทำมาตรการ", "กองการคลัง", "รอบ ๖ เดือนและประจำปี",
         None, "ดำเนินการแล้ว ", "15/12/2566", "https://example.go.th/1", "แล้วเสร็จ", None],
        ["2567-01-02", 2567, 1, "เผยแพร่ข้อมูลงบประมาณ", 2, "เผยแพร่ข้อมูล", "กองคลัง", "รอบ ๖ เดือนและประจำปี",
         None, "เสร็จสิ้น", "2024-05-02", None, None, None],
        ["2567-02-01", 2567, 2, "ประเมินความพึงพอใจ", 1, "จัดทำแบบประเมิน", "สป.", "ณ สิ้นปีงบประมาณ",
         None, "ยกเลิก", None, None, None, None],
        ["2567-02-02", 2567, 2, "ประเมินความพึงพอใจ", 2, "สรุปผล", "สป.", "ณ สิ้นปีงบประมาณ",
         None, "กำลังดำเนินการ", None, None, None, None],
        ["2566-01-01", 2566, 1, "ปีก่อน", 1, "ขั้นตอนปีก่อน", "กองคลัง", "ณ สิ้นปีงบประมาณ",
         None, "ดำเนินการแล้ว", None, None, None, None],
    ]
    table = to_table(layout, [header, *rows])
    progress = measure_progress(table, 2567)
    assert [m.no for m in progress.measures] == [1, 2]
    assert progress.measures[0].units == ["กองคลัง"]  # the alias read as the unit it names
    assert progress.measures[0].status == "done"
    assert progress.measures[1].status == "in_progress"  # the cancelled step does not count
    assert progress.steps_counted == 3 and progress.steps_with("done") == 2
    at_round_1 = measure_progress(table, 2567, as_of=H1.end)  # done on 2 May: not done by 31 March
    assert at_round_1.steps_with("done") == 1 and at_round_1.measures[0].status == "in_progress"


def test_a_done_date_cell_holding_a_be_year_is_read_as_be(settings: Settings) -> None:
    layout = build_schema(settings)["measures"]
    rows = [["2567-01-01", 2567, 1, "เผยแพร่ข้อมูล", 1, "จัดทำมาตรการ", "กองคลัง", "รอบ ๖ เดือนและประจำปี",
             None, "ดำเนินการแล้ว", dt.datetime(2567, 3, 15), None, None, None]]  # 15 Mar 2024 typed in BE
    progress = measure_progress(to_table(layout, [layout.headers("th"), *rows]), 2567, as_of=H1.end)
    step = progress.steps[0]
    assert step.done_date == dt.date(2024, 3, 15)  # not the year 3110 in the report
    assert step.status == "done"  # done by the close of round 1


def test_charts_use_a_thai_font_without_missing_glyphs(recwarn: pytest.WarningsRecorder) -> None:
    if thai_font() is None:
        pytest.skip("no Thai font installed (scripts/install-thai-font.sh installs fonts-thai-tlwg)")
    chart = Chart("t", "ค่าเฉลี่ยรายด้าน", ["ด้านเจ้าหน้าที่ผู้ให้บริการ", "ด้านสิ่งอำนวยความสะดวก"], [4.35, 3.9], xmax=5)
    assert render_png(chart, "thai").startswith(b"\x89PNG")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_without_a_thai_font_charts_fall_back_to_english_labels(recwarn: pytest.WarningsRecorder) -> None:
    chart = Chart("t", "ช่องทาง", ["โทรศัพท์", "เว็บไซต์", "ไม่รู้จัก"], [3, 1, 2], ascii_title="Channels",
                  ascii_labels=["Phone", "Website", "ไม่รู้จัก"])
    title, labels = chart.for_font(thai=False)
    assert (title, labels) == ("Channels", ["Phone", "Website", "#3"])
    assert render_png(chart, "thai", font=None).startswith(b"\x89PNG")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_a_chart_looks_each_font_up_once_and_leaves_the_font_manager_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """matplotlib finds a text's font files each time it measures or draws it; while a chart is
    drawn the answers come from a memo (counted: one lookup per distinct font properties), and
    after it the font manager's own method answers again (nothing memoised outlives the chart)."""
    from matplotlib import font_manager

    import automation.reports.charts as charts

    manager = font_manager.fontManager
    looked_up: list[tuple] = []
    real = type(manager)._find_fonts_by_props

    def counted(self: object, prop: object, *args: object, **kwargs: object) -> object:
        looked_up.append(tuple(prop.__dict__.values()))  # type: ignore[attr-defined]
        return real(self, prop, *args, **kwargs)

    monkeypatch.setattr(type(manager), "_find_fonts_by_props", counted)
    monkeypatch.setattr(charts, "_DRAWN", {})
    chart = Chart("t", "ช่องทาง", ["โทรศัพท์", "เว็บไซต์"], [3, 1], value_format="{:.0f}")
    assert render_png(chart, "thai").startswith(b"\x89PNG")
    assert looked_up and len(looked_up) == len(set(looked_up))
    assert "_find_fonts_by_props" not in vars(manager)


# ---------------------------------------------------------------- LibreOffice


NO_OFFICE = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                               reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
NO_POPPLER = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfimages", "pdftoppm")),
                                reason="poppler-utils is not installed: the PDF's text is not checked")


@pytest.fixture(scope="module")
def pdfs(drafts: Drafts) -> dict[str, Path]:
    """Both reports through LibreOffice, the way `report --pdf` makes them."""
    if not find_office():
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return {name: write_pdf(getattr(drafts, name)) for name in ("h1", "annual")}


@NO_OFFICE
@NO_POPPLER
def test_libreoffice_converts_the_report_to_pdf(drafts: Drafts, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["h1"]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000
    check_the_rendered_pdf(drafts.open("h1"), pdf)


def _poppler(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, check=True).stdout


def check_the_rendered_pdf(document: Document, pdf: Path) -> None:
    """What a person sees on paper: every heading and table heading of the .docx as real Thai
    text (extractable, so drawn from Thai glyphs, not boxes), fonts that have Thai, and the
    charts as pictures. Page images are kept in the test artifacts folder (tests.conftest.TEST_ARTIFACTS) for a person to look at."""
    raw = _poppler("pdftotext", str(pdf), "-")
    assert re.search("[\u0e01-\u0e5b]", raw) and "\ufffd" not in raw

    def squeeze(t: str) -> str:
        # Thai lines wrap anywhere in the PDF, and text extraction may put a tone mark or an
        # upper vowel after the line break: compare base letters, without spaces.
        return re.sub(r"[\s\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", "", t)

    text = squeeze(raw)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title")) and p.text]
    assert squeeze(TITLE["th"]) in text and len(headings) >= 8
    assert not [h for h in headings if squeeze(h) not in text]
    first_cells = {squeeze(t.rows[0].cells[0].text) for t in document.tables if t.rows[0].cells[0].text.strip()}
    assert first_cells and not [c for c in first_cells if c not in text]
    assert squeeze(f"ระหว่างวันที่ {format_thai_date(H1.start)} ถึงวันที่ {format_thai_date(H1.end)}") in text
    fonts = [line.split()[0].split("+")[-1] for line in _poppler("pdffonts", str(pdf)).splitlines()[2:]]
    thai_families = {f.strip().replace(" ", "").lower() for line in _poppler("fc-list", ":lang=th", "family")
                     .splitlines() for f in line.split(",")}
    assert fonts and any(f.split("-")[0].lower() in thai_families for f in fonts), fonts
    images = [line for line in _poppler("pdfimages", "-list", str(pdf)).splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) >= len(document.inline_shapes) > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chart_page = images[0].split()[0]
    for page in ("1", chart_page):
        _poppler("pdftoppm", "-r", "60", "-png", "-singlefile", "-f", page, "-l", page, str(pdf),
                 str(ARTIFACTS / f"report-h1-page-{page}"))
    assert (ARTIFACTS / f"report-h1-page-{chart_page}.png").stat().st_size > 10_000


# ---------------------------------------------------------------- the satisfaction trend table


# What the table says of each comparison: the change is larger than the noise, within it,
# cannot be told (a round with fewer than two respondents), or there is nothing to compare with.
VERDICTS = {
    "th": {True: "แตกต่าง", False: "ไม่แตกต่าง", None: "ผู้ตอบน้อยเกินกว่าจะบอกได้", "none": "ไม่มีข้อมูล"},
    "en": {True: "Yes", False: "No", None: "Too few to tell", "none": "No data"},
}  # fmt: skip
TREND_HEAD = {
    "th": ("รายการ", "ค่าเฉลี่ยรอบนี้", "เทียบกับรอบก่อน ({})", "เทียบกับรอบเดียวกันของปีก่อน ({})",
           ["ค่าเฉลี่ย", "ผลต่าง", "แตกต่างอย่างมีนัยสำคัญ"]),
    "en": ("Item", "This round", "vs previous round ({})", "vs same round last year ({})",
           ["Mean", "Change", "Larger than noise?"]),
}  # fmt: skip


def trend_table(document: Document, lang: str) -> list[list[str]]:
    """The trend table's rows: two heading rows (merged cells repeat their text), then data."""
    first = TREND_HEAD[lang][1]
    return next(rows for rows in ([[c.text.strip() for c in r.cells] for r in t.rows] for t in document.tables)
                if rows and rows[0][:2] == [TREND_HEAD[lang][0], first])


def expected_side(change: Any, min_n: int, lang: str, style: str) -> list[str]:
    """The (mean, change, verdict) cells a comparison of automation.satisfaction should print."""
    if change is None:
        return ["–", "–", VERDICTS[lang]["none"]]
    delta = f"{round(change.this_mean, 2) - round(change.other_mean, 2):+.2f}"  # of the printed means
    delta = "0.00" if float(delta) == 0 else delta  # a change that rounds to nothing has no sign
    mark = " *" if change.other_respondents < min_n else ""
    return [digits(f"{change.other_mean:.2f}", style) + mark, digits(delta, style),
            VERDICTS[lang][change.significant]]


def expected_trend(settings: Settings, tables: Tables, round: FiscalRound, lang: str) -> list[list[str]]:
    style = "arabic" if lang == "en" else settings.run.digits
    report = compute_scores(settings, tables["responses"], round, lang=lang, today=TODAY)
    min_n = settings.survey.min_n
    head = TREND_HEAD[lang]
    previous, last_year = (r.label(lang, style) for r in (round.previous(), round.same_round_last_year()))
    rows = [[head[0], head[1], *[head[2].format(previous)] * 3, *[head[3].format(last_year)] * 3],
            [head[0], head[1], *head[4], *head[4]]]
    groups = [*zip(report.trend.aspects, report.aspects, strict=True), (report.trend.overall, report.overall)]
    for trend, group in groups:
        assert trend.key == group.key
        rows.append([digits(group.label, style),
                     digits(f"{group.mean:.2f}", style) + (" *" if group.small_n else ""),
                     *expected_side(trend.previous, min_n, lang, style),
                     *expected_side(trend.last_year, min_n, lang, style)])
    return rows


@pytest.mark.parametrize(("name", "round", "lang"), [("h1", H1, "th"), ("english", H1, "en"),
                                                      ("annual", ANNUAL, "th")])
def test_the_trend_table_gives_each_aspect_and_the_overall_mean_against_earlier_rounds(
    drafts: Drafts, name: str, round: FiscalRound, lang: str,
) -> None:
    rows = trend_table(drafts.open(name), lang)
    assert rows == expected_trend(drafts.settings, drafts.tables, round, lang)
    assert len(rows) == 2 + len(drafts.settings.survey.aspects) + 1  # every aspect, then the overall row


def test_the_trend_table_says_plainly_when_there_is_nothing_to_compare_with(drafts: Drafts) -> None:
    report = compute_scores(drafts.settings, drafts.tables["responses"], ANNUAL, today=TODAY)
    assert report.trend.last_year is None  # the demo starts in fiscal year 2566: no 2565 to compare
    assert report.trend.previous is not None  # ... but its first half is there
    document = drafts.open("annual")
    for row in trend_table(document, "th")[2:]:
        assert row[5:] == ["–", "–", "ไม่มีข้อมูล"]
    # The annual round's previous round is its own first half: the report says they overlap.
    notes = [p.text for p in document.paragraphs]
    assert any("รอบ ๖ เดือนแรกของปีเดียวกัน" in text for text in notes)
    assert not any("รอบ ๖ เดือนแรกของปีเดียวกัน" in p.text for p in drafts.open("h1").paragraphs)


def test_a_round_with_a_single_respondent_is_too_few_to_tell(drafts: Drafts, tmp_path: Path) -> None:
    import openpyxl

    from automation.satisfaction import read_responses

    # Keep one response of the round before; the change is then not testable, not "no data".
    previous = H1.previous()
    rows, _undated = read_responses(drafts.settings, drafts.tables["responses"])
    drop = [r.row for r in rows if previous.contains(r.when.date())][1:]
    assert drop
    workbook = tmp_path / "few.xlsx"
    book = openpyxl.load_workbook(drafts.settings.workbook_path)
    sheet = book[drafts.tables["responses"].layout.title]
    for row in sorted(drop, reverse=True):
        sheet.delete_rows(row)
    book.save(workbook)
    tables = load_tables(XlsxWorkbook(workbook), build_schema(drafts.settings))
    report = compute_scores(drafts.settings, tables["responses"], H1, today=TODAY)
    assert report.trend.previous.significant is None and report.trend.previous.other_respondents == 1
    document = open_docx(build_report(drafts.settings, tables, H1, TODAY, out=tmp_path / "few.docx"))
    rows = trend_table(document, "th")
    assert rows == expected_trend(drafts.settings, tables, H1, "th")
    assert rows[-1][4] == "ผู้ตอบน้อยเกินกว่าจะบอกได้" and rows[-1][2].endswith(" *")
    assert any(p.text.startswith("* จำนวนผู้ตอบน้อยกว่า") for p in document.paragraphs)


def test_a_template_made_before_the_trend_table_still_renders(drafts: Drafts, tmp_path: Path) -> None:
    """An office's own template, edited from an older shipped one, has no trend table: the
    figures it does use are still filled in."""
    from docx.text.paragraph import Paragraph

    template = docx.Document(str(PROJECT / "templates" / "report.docx"))
    body = template.element.body
    texts = [Paragraph(el, template).text if el.tag == qn("w:p") else "table" for el in body]
    start = texts.index("{%p if sat.trend %}")
    end = next(i for i, text in enumerate(texts) if "d('4.3')" in text)  # the next heading
    for el in list(body)[start:end]:
        body.remove(el)
    assert "sat.trend" not in all_text(template)
    (tmp_path / "old").mkdir()
    template.save(str(tmp_path / "old" / "report.docx"))
    settings = drafts.settings.model_copy(
        update={"report": drafts.settings.report.model_copy(update={"template_dir": tmp_path / "old"})}
    )
    document = open_docx(build_report(settings, drafts.tables, H1, TODAY, out=tmp_path / "old.docx"))
    assert table_with(document, "รายการ", "ค่าเฉลี่ย", "S.D.")
    with pytest.raises(StopIteration):
        trend_table(document, "th")


# ---------------------------------------------------------------- words fit their columns


def _font_file(bold: bool) -> str | None:
    """The file fontconfig gives LibreOffice for the report's font (Laksaman for TH SarabunPSK)."""
    if not shutil.which("fc-match"):
        return None
    pattern = "TH SarabunPSK" + (":bold" if bold else "")
    found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True).stdout.strip()
    return found or None


def _words_too_wide(document: Document) -> list[str]:
    """Words (runs of non-space text without Thai letters, which cannot break between letters)
    wider than their cell less its margins, measured in the font LibreOffice would use."""
    from PIL import ImageFont

    thai_letters = re.compile("[\u0e01-\u0e4f]")  # Thai letters and marks; Thai digits may stay
    fonts: dict[tuple[bool, float], Any] = {}
    too_wide = []
    for table in document.tables:
        tbl = table._tbl
        grid = [col.w for col in tbl.tblGrid.gridCol_lst]
        margin = tbl.tblPr.find(qn("w:tblCellMar"))
        side = 108  # twips: Table Grid's left and right cell margins
        if margin is not None and margin.find(qn("w:left")) is not None:
            side = int(margin.find(qn("w:left")).get(qn("w:w")))
        for tr in tbl.tr_lst:
            col = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                room = sum(grid[col:col + span]) / 914400 * 2.54 - 2 * side / 1440 * 2.54  # cm
                col += span
                for p in docx.table._Cell(tc, table).paragraphs:
                    style = p.style
                    size = (style.font.size or document.styles["Normal"].font.size).pt
                    bold = bool(style.font.bold)
                    if (bold, size) not in fonts:
                        path = _font_file(bold)
                        fonts[bold, size] = ImageFont.truetype(path, int(size * 10)) if path else None
                    font = fonts[bold, size]
                    for word in p.text.split():
                        if font is None or thai_letters.search(word):
                            continue
                        width = font.getlength(word) / 10 / 72 * 2.54
                        if width > room + 0.02:
                            too_wide.append(f"{word!r} {width:.2f} cm in {room:.2f} cm")
    return too_wide


@pytest.mark.parametrize("name", ["h1", "english", "annual"])
def test_no_word_in_a_table_is_wider_than_its_column(drafts: Drafts, name: str) -> None:
    """A Latin word or a number wider than its column breaks between letters ("Complai / nt",
    "Decembe / r"): the template's widths and the table dates leave room for each."""
    if _font_file(False) is None:
        pytest.skip("fontconfig cannot name the report font's file")
    assert _words_too_wide(drafts.open(name)) == []


def test_english_table_dates_use_short_month_names(drafts: Drafts) -> None:
    """'Done (6 Sep 2026)' fits a status column; 'September' alone would not. The title page
    and the text keep the full month."""
    document = drafts.open("english")
    status = [r[3] for r in table_with(document, "Step", "Status")[1:] if r[3].startswith("Done (")]
    assert status and all(re.fullmatch(r"Done \(\d{1,2} [A-Z][a-z]{2} \d{4}\)", s) for s in status)
    due = [r[3] for r in table_with(document, "Kind", "Due")[1:]]
    assert due and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", d) for d in due)
    assert "from 1 October 2023 to 31 March 2024" in all_text(document)


# ---------------------------------------------------------------- wording a Thai office would use


def test_respondents_are_one_number_in_the_summary_and_every_table(drafts: Drafts) -> None:
    report = compute_scores(drafts.settings, drafts.tables["responses"], H1, today=H1.end)
    document = drafts.open("h1")
    people = digits(f"{report.overall.respondents:,}", "thai")
    summary = " ".join(p.text for p in document.paragraphs if p.style.name == "Body Text")
    assert f"ผลการประเมินความพึงพอใจของผู้รับบริการ จำนวน {people} ราย" in summary
    assert f"ผู้ตอบแบบประเมินทั้งหมด {people} ราย" in summary
    overall = next(r for r in table_with(document, "รายการ", "ผู้ตอบ (ราย)") if r[0].startswith(report.overall.label))
    assert overall[1] == people
    unscored = report.responses - report.overall.respondents
    lines = [p.text for p in document.paragraphs]
    said = f"แบบประเมิน {digits(str(unscored), 'thai')} ฉบับไม่ได้ให้คะแนนข้อใดเลย"
    assert any(said in line for line in lines) == (unscored > 0)
    # The excluded-answers line sits with the scores (after the aspects table), not after the comments.
    if report.excluded_total:
        at = next(i for i, line in enumerate(lines) if "คำตอบที่ไม่สามารถนำมาคำนวณได้" in line)
        assert at < next(i for i, line in enumerate(lines) if "แนวโน้มเทียบกับรอบก่อน" in line)


def test_with_no_earlier_round_the_report_says_so_once_and_shows_no_empty_table(
    drafts: Drafts, tmp_path: Path,
) -> None:
    first = FiscalRound(2566, "h1")  # the demo's first half-year: nothing earlier in the workbook
    document = open_docx(build_report(drafts.settings, drafts.tables, first, TODAY, out=tmp_path / "f.docx"))
    text = all_text(document)
    assert "ยังไม่มีผลการประเมินของรอบก่อนหรือรอบเดียวกันของปีก่อนให้เปรียบเทียบ" in text
    assert not [t for t in document.tables if t.rows[0].cells[1].text.strip() == "ค่าเฉลี่ยรอบนี้"]
    assert "ไม่มีข้อมูล" not in text
    # ... and no "same round last year: 0 complaints" when the register does not go back so far.
    assert "รอบเดียวกันของปีก่อน (เรื่อง)" not in text and "เทียบกับรอบเดียวกันของปีก่อน" not in text
    assert "ส่วนรอบเดียวกันของปีก่อนไม่มีเรื่องร้องเรียน" not in text


def test_no_line_for_staff_to_delete_and_the_draft_mark_is_in_the_file_properties(drafts: Drafts) -> None:
    document = drafts.open("h1")
    assert "จัดทำร่าง" not in all_text(document)
    props = document.core_properties
    assert props.content_status == "ร่าง" and format_thai_date(TODAY) in props.comments


def test_file_properties_name_the_report_the_office_and_the_day_it_was_written(drafts: Drafts) -> None:
    props = drafts.open("h1").core_properties
    assert props.title.startswith(TITLE["th"]) and "๒๕๖๗" in props.title and "รอบ ๖ เดือน" in props.title
    assert props.author == props.last_modified_by == drafts.settings.office.name
    written = dt.datetime.fromtimestamp(drafts.h1.stat().st_mtime, dt.UTC).replace(tzinfo=None)
    for stamp in (props.created, props.modified):
        assert abs((stamp.replace(tzinfo=None) - written).total_seconds()) < 600  # now, not 2013


def test_a_thai_report_names_the_significance_test_in_thai(drafts: Drafts) -> None:
    text = all_text(drafts.open("h1"))
    assert "การทดสอบค่าทีแบบเวลช์" in text and "Welch" not in text


# ---------------------------------------------------------------- the official layout, on paper

COMBINING = re.compile("[\\s\u200b\u2060\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
CM = 72 / 2.54  # PDF points per centimetre


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` without spaces and Thai marks (pdftotext may put a mark after a line break), and
    for each kept character its index in `text`."""
    kept = [(ch, i) for i, ch in enumerate(text) if not COMBINING.match(ch)]
    return "".join(ch for ch, _i in kept), [i for _ch, i in kept]


def _allowed_ends(text: str) -> tuple[str, set[int]]:
    """The cell's squeezed text and the squeezed offsets where a line may start or end: the
    cell's edges, spaces and the boundaries between the words pythainlp finds."""
    from pythainlp.tokenize import word_tokenize

    squeezed, where = _squeezed(text)
    cuts, at = {0, len(text)}, 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        cuts |= {at, at + len(token)}
        at += len(token)
    return squeezed, {k for k, i in enumerate([*where, len(text)]) if i in cuts or (k and where[k - 1] + 1 < i)} | {
        len(squeezed)}


def pdf_words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, x, baseline, text) of every word pdftotext finds (it cuts Thai at its marks)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(_poppler("pdftotext", "-bbox-layout", str(pdf), "-"))
    return [(number, float(word.get("xMin", 0)), float(word.get("yMax", 0)), word.text or "")
            for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1)
            for word in page.iter("{http://www.w3.org/1999/xhtml}word")]


def split_words_in_step_table(document: Document, pdf: Path, widths: list[float]) -> list[str]:
    """Every line end in the step table that falls inside a word (by pythainlp's boundaries):
    each printed line of a column must be a run of whole words of one of that column's cells."""
    table = detail_table(document)
    columns: list[list[tuple[str, set[int]]]] = [[] for _ in widths]
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            if cell.text.strip() and not cell.text.startswith("{%"):
                columns[c].append(_allowed_ends(cell.text))
    edges = [3 * CM + sum(widths[:i]) * CM for i in range(len(widths) + 1)]
    words = pdf_words(pdf)
    heading, links = _squeezed("รายละเอียดผลการดำเนินการรายขั้นตอน")[0], _squeezed("ลิงก์หลักฐาน")[0]
    baselines: dict[tuple[int, int], str] = {}
    for page, _x, y, text in words:
        baselines[page, round(y)] = baselines.get((page, round(y)), "") + _squeezed(text)[0]
    start = min(k for k, text in baselines.items() if heading in text)
    end = min(k for k, text in baselines.items() if k > start and links in text)
    lines: dict[tuple[int, int, int], list[tuple[float, str]]] = {}
    for page, x, y, text in words:
        if not start < (page, round(y)) < end or not edges[0] - 2 <= x < edges[-1]:
            continue
        column = next(c for c in range(len(widths)) if x < edges[c + 1])
        lines.setdefault((page, round(y), column), []).append((x, text))
    bad = []
    for (page, _y, column), pieces in sorted(lines.items()):
        text = "".join(t for _x, t in sorted(pieces))
        piece = _squeezed(text)[0]
        if not piece or re.fullmatch(r"-?[0-9๐-๙]+-?", piece):
            continue  # the page number
        fits = any(at in ends and at + len(piece) in ends
                   for squeezed, ends in columns[column]
                   for at in (m.start() for m in re.finditer(re.escape(piece), squeezed)))
        if not fits:
            bad.append(f"page {page}, column {column + 1}: {text!r}")
    return bad


@NO_OFFICE
@NO_POPPLER
@pytest.mark.parametrize("name", ["h1", "annual"])
def test_no_thai_word_is_split_at_a_line_end_in_the_step_table(drafts: Drafts, pdfs: dict[str, Path],
                                                                name: str) -> None:
    spec = importlib.util.spec_from_file_location("make_templates", PROJECT / "scripts" / "make_templates.py")
    templates = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(templates)
    widths = templates.LABELS["th"]["w_detail"]
    assert split_words_in_step_table(drafts.open(name), pdfs[name], widths) == []


@NO_OFFICE
@NO_POPPLER
@pytest.mark.parametrize("name", ["h1", "annual"])
def test_pages_are_numbered_between_dashes_at_the_top_from_the_second_page(pdfs: dict[str, Path], name: str) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", str(pdfs[name]))).group(1))
    assert pages > 5
    for page in range(1, pages + 1):
        top = _poppler("pdftotext", "-f", str(page), "-l", str(page), "-y", "0", "-H", str(int(2.4 * CM)),
                       "-W", "600", "-x", "0", str(pdfs[name]), "-").split()
        number = "".join(top)
        if page == 1:
            assert not re.fullmatch(r"-[0-9๐-๙]+-", number)  # none on the title page
        else:
            assert number in (f"-{page}-", f"-{digits(str(page), 'thai')}-"), (page, top)


ALLOWED_LATIN = {"S", "D", "n"}  # S.D. and n: the statistical symbols Thai survey reports print


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", URL.sub(" ", text)))


@NO_OFFICE
@NO_POPPLER
@pytest.mark.parametrize("name", ["h1", "annual"])
def test_a_thai_report_has_no_english_but_names_and_links(drafts: Drafts, pdfs: dict[str, Path], name: str) -> None:
    from automation.vocabulary import CATEGORIES, CHANNELS, COMPLAINT_STATUS, STEP_STATUS

    units = build_schema(drafts.settings)["measures"].column("unit").choices
    names = " ".join(c.th for group in (CHANNELS, CATEGORIES, COMPLAINT_STATUS, STEP_STATUS, units) for c in group)
    typed = staff_typed(drafts.tables) + " " + names + " " + " ".join(drafts.settings.survey.aspects.values())
    text = _poppler("pdftotext", str(pdfs[name]), "-")
    assert latin_words(text) - latin_words(typed) - ALLOWED_LATIN == set()


def test_every_table_has_a_heading_over_it(drafts: Drafts) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for name in ("h1", "annual", "english"):
        document = drafts.open(name)
        before: list[Paragraph] = []
        for element in document.element.body.iterchildren():
            if element.tag == qn("w:p"):
                para = Paragraph(element, document)
                if para.text.strip():
                    before.append(para)
            elif element.tag == qn("w:tbl"):
                heading = Table(element, document).rows[0].cells[0].text
                # A heading right above, or above the one sentence that introduces the table.
                assert any(p.style.name.startswith("Heading") for p in before[-2:]), (name, heading)


def test_charts_say_what_they_show_with_their_figures(drafts: Drafts) -> None:
    document = drafts.open("h1")
    report = compute_scores(drafts.settings, drafts.tables["responses"], H1, today=H1.end)
    described = [el.get("descr") for el in document.element.body.iter(qn("wp:docPr"))]
    assert len(described) == len(document.inline_shapes) >= 5
    aspects = next(d for d in described if "รายด้าน" in d)
    for group in report.aspects:
        assert f"{group.label} {digits(f'{group.mean:.2f}', 'thai')}" in aspects
    monthly = next(d for d in described if "รายเดือน" in d)
    assert all(f"{digits(str(count), 'thai')} ราย" in monthly for _m, count in report.monthly)


@pytest.mark.parametrize("where", ["bottom", "none"])
def test_the_page_numbers_can_move_to_the_bottom_or_be_left_out(drafts: Drafts, tmp_path: Path, where: str) -> None:
    settings = make_settings(tmp_path, report__page_numbers=where, workbook__path=str(drafts.settings.workbook_path))
    document = docx.Document(str(build_report(settings, drafts.tables, H1, TODAY, out=tmp_path / "r.docx")))
    section = document.sections[0]
    has_field = [bool(part._element.findall(".//" + qn("w:fldSimple"))) for part in (section.header, section.footer)]
    assert document.sections[0]._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) == "thaiNumbers"
    assert has_field == ([False, True] if where == "bottom" else [False, False])
    assert section.different_first_page_header_footer


def test_report_pdf_writes_the_pdf_and_says_plainly_when_libreoffice_is_missing(
    drafts: Drafts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    config = str(drafts.settings.source)
    out = tmp_path / "r.docx"
    args = ["report", "--config", config, "--today", TODAY.isoformat(), "--round", "h1", "--out", str(out), "--pdf"]
    if find_office():
        assert main(args) == 0
        assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
        out.with_suffix(".pdf").unlink()
        capsys.readouterr()
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert main(args) == 2
    printed = capsys.readouterr()
    assert printed.out.strip() == str(out) and out.is_file()  # the Word file is still made
    said, error = printed.err.splitlines()  # which round was drafted, then the one-line error
    assert said == "ปีงบประมาณ พ.ศ. ๒๕๖๗ รอบ ๖ เดือน ข้อมูล ณ วันที่ ๓๑ มีนาคม ๒๕๖๗"
    assert error == (f"error: r.pdf: ยังไม่ได้ทำไฟล์ PDF: เครื่องนี้ไม่มี LibreOffice (soffice) — ไฟล์ Word {out} "
                     "พร้อมใช้แล้ว ถ้าต้องการ PDF ให้ติดตั้ง LibreOffice (Debian/Ubuntu: sudo apt-get install "
                     "libreoffice-writer-nogui; Windows: ดาวน์โหลดจาก libreoffice.org) แล้วสั่งใหม่ (no PDF written)")
    assert not out.with_suffix(".pdf").exists()
    assert main([*args, "--lang", "en"]) == 2  # English on request
    assert "error: r.pdf: no PDF written: LibreOffice (soffice) is not installed" in capsys.readouterr().err


THAI_TEXT = st.text(alphabet=st.sampled_from(list("กขคงจชซญดตถทนบปผพฟมยรลวศสหอฮะัาำิีึืุูเแโใไ่้๊๋็์ๆ๐๑๒ /().,-ISO9")),
                    max_size=60)


@given(THAI_TEXT)
@settings(max_examples=200, deadline=None)
def test_line_break_marks_never_change_what_is_read(text: str) -> None:
    marked = thai_breaks(text)
    assert plain(marked) == text
    # A joiner never separates a vowel or tone mark from its letter.
    assert not re.search("[\u2060\u200b][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", marked)


def test_a_line_may_end_only_between_the_words_pythainlp_finds() -> None:
    marked = thai_breaks("ผู้รับผิดชอบหอกระจายข่าว (๑๒ พฤศจิกายน ๒๕๖๘) คำติชม/แสดงความคิดเห็น")
    may_end = marked.replace(WJ, "").split(ZWSP)
    assert may_end == ["ผู้รับผิดชอบ", "หอ", "กระจาย", "ข่าว (๑๒ พฤศจิกายน ๒๕๖๘) คำติชม/", "แสดงความคิดเห็น"]
    assert thai_breaks("ISO 9001") == "ISO 9001"  # nothing Thai: left as typed


@NO_OFFICE
@NO_POPPLER
def test_the_readme_shows_a_report_page_that_a_command_draws_again(tmp_path: Path) -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "](docs/report-page.png)" in readme and "scripts/report_image.py" in readme
    shipped = PROJECT / "docs" / "report-page.png"
    assert shipped.read_bytes().startswith(b"\x89PNG") and shipped.stat().st_size < 200_000  # small in git
    spec = importlib.util.spec_from_file_location("report_image", PROJECT / "scripts" / "report_image.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--out", str(tmp_path / "page.png")]) == 0
    from PIL import Image

    with Image.open(tmp_path / "page.png") as drawn, Image.open(shipped) as committed:
        assert drawn.size == committed.size  # the same page of the same demo report


def test_the_report_template_resolves_breaks_in_values_as_docxtpl_does(drafts: Drafts) -> None:
    """Tabs, line and page breaks typed in a value become Word's runs exactly as docxtpl makes
    them; paragraphs without one are left as they are (its nested passes skipped for them)."""
    from docxtpl import DocxTemplate

    from automation.reports.docx import ReportTemplate, template_path

    tpl = ReportTemplate(str(template_path(drafts.settings, "th")))
    run = '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
    xml = "".join([
        "<w:body>\n",
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>', run.format("หนึ่ง"), "</w:p>\n",
        "<w:p>", run.format("สอง\nบรรทัด"), run.format("ก\tข"), "</w:p>",
        "<w:p>", run.format("หน้า\fใหม่"), "</w:p><w:p>", run.format("เสียง\a"), "</w:p>",
        "<w:p/><w:p>", run.format("ไม่มี"), "</w:p></w:body>",
    ])
    assert tpl.resolve_listing(xml) == DocxTemplate.resolve_listing(tpl, xml) != xml
    assert "<w:br/>" in tpl.resolve_listing(xml) and "<w:tab/>" in tpl.resolve_listing(xml)
    plain_xml = xml.replace("\n", "").replace("\t", "").replace("\f", "").replace("\a", "")
    assert tpl.resolve_listing(plain_xml) == plain_xml == DocxTemplate.resolve_listing(tpl, plain_xml)


def test_a_templates_parts_are_compiled_once_per_process(drafts: Drafts, tmp_path: Path) -> None:
    from automation.reports import docx as report_docx

    build_report(drafts.settings, drafts.tables, H1, TODAY, out=tmp_path / "a.docx")
    compiled = dict(report_docx._COMPILED)
    build_report(drafts.settings, drafts.tables, H1, TODAY, out=tmp_path / "b.docx")
    assert report_docx._COMPILED == compiled  # the same Template objects: nothing compiled again


def test_no_thai_font_for_charts_is_one_thai_warning_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from automation.reports import charts

    monkeypatch.setattr(charts, "THAI_FONTS", ())
    monkeypatch.setattr(charts.font_manager, "findSystemFonts", lambda: [])
    with caplog.at_level("WARNING", logger="automation.reports.charts"):
        assert charts.thai_font.__wrapped__() is None  # the cached answer of this process is left alone
    (line,) = [r.getMessage() for r in caplog.records if r.name == "automation.reports.charts"]
    assert line == ("ไม่พบฟอนต์ภาษาไทยสำหรับกราฟ — กราฟรอบนี้ใช้ป้ายภาษาอังกฤษ ติดตั้งฟอนต์ด้วย "
                    "bash scripts/install-thai-font.sh (หรือ sudo apt-get install fonts-thai-tlwg) แล้วสั่งใหม่ "
                    "(no Thai font found for charts; drawn with English labels)")
