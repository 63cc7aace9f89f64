"""Importing the integrity-measures plan: the seed text and Word tables become the measures
sheet, re-importing never touches what staff wrote, and bad plans stop with the row named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from automation.cli import main
from automation.plan import (
    PlanError,
    Where,
    parse_plan,
    plan_rows,
    resolve_cadence,
    resolve_unit,
    split_steps,
)
from automation.plan_sheet import merge_plan
from automation.schema import build_schema
from automation.settings import Settings
from automation.tables import to_table
from automation.thaidate import to_thai_digits
from automation.workbook import CellWrite, Changes
from automation.workbook.xlsx import XlsxWorkbook

SEED = Path(__file__).resolve().parent.parent / "data" / "plan-2563.txt"
PALAD = "สำนักงานปลัด อบต."
ALL = "ทุกส่วนราชการ"
FIN = "กองคลัง"
SEMI, YEAR_END = "semiannual", "year_end"

# Read off the seed by eye: measure -> (unit, cadence, number of steps).
SEED_MEASURES = {
    1: (FIN, SEMI, 2), 2: (PALAD, SEMI, 3), 3: (ALL, YEAR_END, 2), 4: (ALL, SEMI, 2),
    5: (PALAD, SEMI, 1), 6: (PALAD, YEAR_END, 2), 7: (PALAD, YEAR_END, 3), 8: (PALAD, YEAR_END, 1),
    9: (PALAD, SEMI, 2), 10: (PALAD, YEAR_END, 4), 11: (PALAD, YEAR_END, 1), 12: (PALAD, YEAR_END, 1),
    13: (PALAD, YEAR_END, 11), 14: (PALAD, YEAR_END, 1), 15: (PALAD, YEAR_END, 1),
    16: (PALAD, SEMI, 2), 17: (PALAD, YEAR_END, 4), 18: (PALAD, YEAR_END, 1), 19: (PALAD, YEAR_END, 1),
}
# The whole seed, read off the document by eye: every measure's title and every step's
# text (line-wrap spaces inside the narrow columns kept as the document prints them).
SEED_TITLES = {
    1: (
        "การเผยแพร่ข้อมูลที่เกี่ยวข้องกับการใช้จ่ายงบประมาณให้บุคลากรทราบ เช่น "
        "แผนการใช้จ่ายงบประมาณประจำปี ความคืบหน้า ความคุ้มค่า "
        "หรือประโยชน์ที่จะเกิดขึ้นโดยเฉพาะโครงการพัฒนาท้องถิ่น"
    ),
    2: (
        "ประเมินความพึงพอใจของผู้มาติดต่อหรือรับบริการ ณ จุดบริการในรูปแบบที่ง่ายและสะดวก "
        "เช่น ประเมินผลผ่าน QR Code "
        "และรายงานผลการประเมินให้ผู้บริหารท้องถิ่นได้รับทราบอย่างน้อยปีละ ๒ ครั้ง "
        "รวมทั้งเผยแพร่ผลการประเมินความพึงพอใจให้บุคลากรภายในหน่วยงานและสาธารณชนรับทราบ"
    ),
    3: (
        "จัดทำแผนผังแสดงขั้นตอน/ระยะเวลาให้บริการประชาชนและระบุผู้รับผิดชอบงานให้บริการในทุกกระบวนการให้ทราบโดยเผยแพร่ประชาสัมพันธ์ให้ประชาชนทราบผ่านช่องทางที่หลากหลาย "
        "เช่น เว็บไซต์ สื่อสังคมออนไลน์ บอร์ดประชาสัมพันธ์ จดหมายข่าว เสียงตามสาย "
        "หอกระจายข่าว ฯลฯ"
    ),
    4: (
        "พัฒนาการบริการสร้างมาตรฐานที่เท่าเทียมกัน เช่น "
        "การจัดให้มีบัตรคิวหรือการนำเทคโนโลยีมาใช้ในการจัดระบบบัตรคิว"
    ),
    5: (
        "มีระบบและช่องทางการรับเรื่องร้องเรียนที่มีประสิทธิภาพ "
        "(สะดวก/รวดเร็ว/ตอบสนองในการแก้ไข) "
        "กรณีบุคลากรเลือกปฏิบัติและให้บริการโดยไม่เป็นธรรม เช่น ผ่านทางหมายเลขโทรศัพท์ "
        "สื่อออนไลน์ของหน่วยงาน เว็บไซต์ของหน่วยงาน เป็นต้น"
    ),
    6: (
        "ชื่นชมและยกย่องบุคลากรที่บริการประชาชนตามมาตรฐานของหน่วยงานที่กำหนดไว้ "
        "และดำเนินการกับบุคลากรที่ให้บริการโดยเลือกปฏิบัติและไม่เป็นธรรม เช่น การตักเตือน "
        "ภาคทัณฑ์ เป็นต้น"
    ),
    7: (
        "พัฒนาบุคลากรโดยการปลูกฝังฐานความคิดในการแยกแยะ ประโยชน์ส่วนตนและ ส่วนรวม เช่น "
        "เสริมสร้างความรู้ให้เกิดความตระหนักในการเห็นแก่ประโยชน์ส่วนรวม "
        "มากกว่าประโยชน์ส่วนบุคคล และสร้างวัฒนธรรมองค์กรในการให้บริการอย่างเท่าเทียมกัน "
        "และไม่เลือกปฏิบัติ เช่น กำหนดประเด็นการให้บริการอย่างเท่าเทียมกันไว้ในพันธกิจของ "
        "องค์กรและมีแนวทางในการดำเนินการร่วมกันอย่างต่อเนื่อง"
    ),
    8: (
        "การบริหารงานบุคคลตามหลักคุณธรรมในการพิจารณาความดี ความชอบ ความก้าวหน้า "
        "โดยกำหนดข้อตกลงการปฏิบัติงานในระดับบุคคล พิจารณาจากเกณฑ์ผลงาน/ผลสำเร็จของ "
        "งาน/กรอบระยะเวลา/ผลการประเมินความพึงพอใจของประชาชนผู้รับบริการ"
    ),
    9: (
        "ประกาศยกย่องชมเชยหรือให้รางวัลแก่บุคลากรผู้ปฏิบัติงานเต็มกำลังความสามารถด้วยความวิริยะอุสาหะ "
        "เป็นระยะ"
    ),
    10: "ปรับปรุงศูนย์ข้อมูลข่าวสารตามกฎหมายว่าด้วยข้อมูลข่าวสารของทางราชการ",
    11: (
        "สร้างช่องทางการสื่อสารเพื่ออำนวยความสะดวกให้แก่ประชาชนผู้รับบริการที่จะติดต่อสอบถามหรือขอข้อมูลหรือรับฟังคำติชม/แสดงความคิดเห็นเกี่ยวกับการดำเนินงาน/การให้บริการของอบต. "
        "เช่น หมายเลขโทรศัพท์เฉพาะ เจ้าหน้าที่ผู้รับผิดชอบ จัดตั้งศูนย์บริการร่วม "
        "กล้อง/ตู้รับฟังความคิดเห็น ตู้ปณ. ของอบต. การประชุมรับฟังความคิดเห็น "
        "สื่อสังคมออนไลน์ เป็นต้น"
    ),
    12: (
        "เผยแพร่ผลงานและข้อมูลที่เป็นประโยชน์กับสาธารณชนให้เป็นปัจจุบันทางเว็บไซต์ของอบต. "
        "และสื่อออนไลน์"
    ),
    13: "การอำนวยความสะดวกในการบริการประชาชนหรือผู้มาติดต่อ",
    14: (
        "ระบบบริการเชิงรุก เช่น การจัดเก็บภาษีนอกสถานที่ บริการในช่วงพักเที่ยง "
        "จัดตั้งระบบ One Stop Service (OSS)"
    ),
    15: "ฝึกอบรมส่งเสริมความรู้และพัฒนาศักยภาพบุคลากรผู้ให้บริการ",
    16: "แลกเปลี่ยนความคิดเห็นภายในหน่วยงาน",
    17: "ประกาศยกย่องชมเชยบุคลากรที่ให้บริการผู้มาติดต่อและประชาชนด้วยหัวใจและ จิตบริการ",
    18: "นำเทคโนโลยีสารสนเทศมาพัฒนาการปฏิบัติงานและลดขั้นตอนการปฏิบัติงาน",
    19: "พัฒนาและปรับปรุงระบบบริการ",
}
SEED_STEPS = {
    (1, 1): "จัดทำมาตรการในการเผยแพร่ข้อมูลที่เกี่ยวข้องกับการใช้จ่ายงบประมาณ",
    (1, 2): "เผยแพร่ข้อมูลที่เกี่ยวข้องกับการใช้จ่ายงบประมาณให้บุคลากรทราบ",
    (2, 1): (
        "การประเมินความพึงพอใจของผู้มาติดต่อหรือรับบริการ ณ "
        "จุดบริการในรูปแบบที่ง่ายและสะดวก"
    ),
    (2, 2): "รายงานผลการประเมินให้ผู้บริหารท้องถิ่นได้รับทราบอย่างน้อยปีละ ๒ ครั้ง",
    (2, 3): "เผยแพร่ผลการประเมินความพึงพอใจให้บุคลากรภายในหน่วยงานและสาธารณชนรับทราบ",
    (3, 1): "จัดทำแผนผังแสดงขั้นตอน/ระยะเวลาให้บริการประชาชนและระบุผู้รับผิดชอบงานให้บริการในทุกกระบวนการ",
    (3, 2): (
        "เผยแพร่ประชาสัมพันธ์ให้ประชาชนทราบผ่านช่องทางที่หลากหลาย เช่น เว็บไซต์ "
        "สื่อสังคมออนไลน์ บอร์ดประชาสัมพันธ์ จดหมายข่าว เสียงตามสาย หอกระจายข่าว ฯลฯ"
    ),
    (4, 1): "จัดให้มีบัตรคิวหรือการนำเทคโนโลยีมาใช้ในการจัดระบบบัตรคิว",
    (4, 2): "สรุปผลผู้มาใช้บริการเสนอให้ผู้บริหารทราบ",
    (5, 1): (
        "จัดทำระบบและช่องทางการรับเรื่องร้องเรียน "
        "กรณีบุคลากรเลือกปฏิบัติและให้บริการโดยไม่เป็นธรรม เช่น ผ่านทางหมายเลขโทรศัพท์ "
        "สื่อออนไลน์ของหน่วยงาน เว็บไซต์ของหน่วยงาน"
    ),
    (6, 1): (
        "กำหนดแนวทางในการ ชื่นชมและยกย่องบุคลากรที่ บริการประชาชนตามมาตรฐาน "
        "ของหน่วยงานที่กำหนดไว้"
    ),
    (6, 2): (
        "จัดทำมาตรการในการ ดำเนินการกับบุคลากรที่ ให้บริการโดยเลือกปฏิบัติ และไม่เป็นธรรม "
        "เช่น ตักเตือน ภาคทัณฑ์"
    ),
    (7, 1): (
        "จัดทำโครงการเพื่อพัฒนา บุคลากรเพื่อให้ความรู้เกี่ยวกับ ประโยชน์ส่วนรวมมากกว่า "
        "ประโยชน์ส่วนบุคคล"
    ),
    (7, 2): "กำหนดประเด็นการ ให้บริการอย่างเท่าเทียมกันไว้ ในพันธกิจขององค์กร",
    (7, 3): "กำหนดแนวทางในการ ดำเนินการร่วมกัน",
    (8, 1): (
        "จัดทำมาตรการบริหารงาน บุคคลตามหลักคุณธรรมในการ พิจารณาความดี ความชอบ "
        "ความก้าวหน้าโดยกำหนด ข้อตกลงการปฏิบัติงานในระดับบุคคล พิจารณาจากเกณฑ์ "
        "ผลงาน/ผลสำเร็จของงาน/ กรอบระยะเวลา/ผลการประเมินความพึงพอใจของประชาชนผู้รับบริการ"
    ),
    (9, 1): "จัดทำประกาศยกย่องชมเชยหรือให้รางวัลแก่บุคลากร",
    (9, 2): "เผยแพร่ให้บุคลากรและสาธารณชนรับทราบ",
    (10, 1): "จัดทำข้อมูลการบริหารงานบุคคล การบริหารงบประมาณการเงิน การจัดหาพัสดุ",
    (10, 2): (
        "เผยแพร่ข้อมูลให้ประชาชนรับทราบและตรวจสอบได้ เช่น จุดบริการ "
        "ผ่านเว็บไซต์ของหน่วยงาน"
    ),
    (10, 3): "จัดทำหน่วยประชาสัมพันธ์ ณ อบต.",
    (10, 4): "จัดทำสื่อประชาสัมพันธ์ เผยแพร่บทบาทและอำนาจหน้าที่ของอบต.",
    (11, 1): "จัดให้มีทางการสื่อสารเพื่ออำนวยความสะดวกให้แก่ประชาชนผู้รับบริการที่จะติดต่อสอบถามหรือขอข้อมูลหรือรับฟังคำติชม/แสดงความคิดเห็นเกี่ยวกับการดำเนินงาน/การให้บริการของอบต.",
    (12, 1): (
        "จัดให้มีการเผยแพร่ผลงานและข้อมูลที่เป็นปัจจุบันแก่สาธารณชนในช่องทางที่หลากหลาย "
        "เช่น หอกระจายข่าว เสียงตามสาย หน่วยเคลื่อนที่ จัดนิทรรศการ ฯลฯ"
    ),
    (13, 1): "จัดให้มีเก้าอี้รองรับผู้มาติดต่อราชการหรือรับบริการอย่างเพียงพอ",
    (13, 2): "มีป้ายบอกทิศทางหรือตำแหน่งในการเข้าถึงจุดให้บริการอย่างสะดวกและชัดเจน",
    (13, 3): "จัดทำแผนผังกำหนดผู้รับผิดชอบแต่ละขั้นตอนและช่องทางติดต่อ",
    (13, 4): "ทำแบบคำร้องและตัวอย่างการกรอกข้อมูล/เจ้าหน้าที่ให้คำแนะนำ",
    (13, 5): "มีการบริการนอกเวลาราชการ",
    (13, 6): "การออกแบบสถานที่คำนึงถึงผู้พิการ สตรีมีครรภ์ และผู้สูงอายุ",
    (13, 7): "ให้บริการอินเทอร์เน็ตหรือ wifi",
    (13, 8): "ในจุดอันตรายออกแบบให้สามารถมองเห็นได้",
    (13, 9): "มีแสงสว่างเพียงพอ",
    (13, 10): "จัดทำบัตรคิว",
    (13, 11): "จุดคัดกรองผู้มาติดต่อ",
    (14, 1): (
        "จัดทำระบบบริการเชิงรุก จัดชุดบริการเคลื่อนที่ให้บริการ "
        "นอกสถานที่หรือช่วงพักเที่ยง"
    ),
    (15, 1): (
        "จัดฝึกอบรมส่งเสริมความรู้ และพัฒนาศักยภาพบุคลากรผู้ ให้บริการอย่างน้อยปีละ ๑ "
        "ครั้ง"
    ),
    (16, 1): "ผู้บริหารจัดประชุมความ คิดเห็นบุคลากรอย่างน้อยปีละ ๑ ครั้ง",
    (16, 2): "เผยแพร่ประชาสัมพันธ์ผล การประชุมให้บุคลากรและ ประชาชนทราบ",
    (17, 1): (
        "กำหนดหลักเกณฑ์ประกาศ ยกย่องชมเชยบุคลากรที่ ให้บริการผู้มาติดต่อและ "
        "ประชาชนด้วยหัวใจและจิต บริการ"
    ),
    (17, 2): "ประกาศรับสมัครบุคลากรที่ให้บริการผู้มาติดต่อและประชาชนด้วยหัวใจและจิตบริการ",
    (17, 3): "คัดเลือกบุคลากรที่ให้บริการผู้มาติดต่อและประชาชนด้วยหัวใจและจิตบริการ",
    (17, 4): "ประกาศผลการคัดเลือกบุคลากรที่ให้บริการผู้มาติดต่อและประชาชนด้วยหัวใจและจิตบริการ",
    (18, 1): "แจ้งผลการอนุมัติผ่านระบบ SMS",
    (19, 1): "จัดสรรงบประมาณเพื่อพัฒนาและปรับปรุงระบบบริการ",
}

HEADER = "มาตรการส่งเสริมคุณธรรมและความโปร่งใส\tขั้นตอนหรือวิธีการ\tผู้รับผิดชอบ\tการกำกับติดตาม"
TITLE = "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปี พ.ศ.๒๕๖๗"
YEAR_END_TEXT = "รายงานความก้าวหน้าและสรุปผล ณ สิ้นปีงบประมาณ"


def plan_text(*rows: str, title: str = TITLE) -> str:
    """A small plan: the title on line 1, a blank line, the header on line 3, rows from line 4."""
    return "\n".join([title, "", HEADER, *rows]) + "\n"


def run(capsys: pytest.CaptureFixture[str], settings: Settings, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--config", str(settings.source)])
    out, err = capsys.readouterr()
    return code, out, err


def sheet(path: Path, settings: Settings) -> list[list[object]]:
    title = build_schema(settings)["measures"].title
    return XlsxWorkbook(path).read([title])[title]


# ---------------------------------------------------------------- the seed


def test_seed_imports_every_measure_with_its_unit_cadence_and_step_count(settings: Settings) -> None:
    plan = parse_plan(SEED, settings)
    assert plan.fiscal_year == 2563
    found = {m.no: (m.unit, m.cadence, len(m.steps)) for m in plan.measures}
    assert found == SEED_MEASURES
    assert plan.step_count == sum(n for _, _, n in SEED_MEASURES.values())
    for m in plan.measures:
        assert [s.no for s in m.steps] == list(range(1, len(m.steps) + 1))


def test_seed_steps_read_as_the_document_prints_them(settings: Settings) -> None:
    plan = parse_plan(SEED, settings)
    steps = {(m.no, s.no): s.text for m in plan.measures for s in m.steps}
    assert list(steps) == list(SEED_STEPS)  # every step, none extra, in document order
    for key, text in SEED_STEPS.items():
        assert steps[key] == text, key
    # Three places where the page breaks test the reader: measure 3's step 2 and measure
    # 10's step 4 are numbered continuation rows on the next page; measure 8's only step is
    # cut in two, its rest an unnumbered continuation row; measure 13's steps 2-11 are
    # separate <p> paragraphs of one continuation cell.
    assert steps[(3, 2)].startswith("เผยแพร่ประชาสัมพันธ์ให้ประชาชนทราบ")
    assert steps[(8, 1)].endswith("ผลการประเมินความพึงพอใจของประชาชนผู้รับบริการ")
    assert [n for m, n in steps if m == 13] == list(range(1, 12))


def test_seed_titles_read_as_the_document_prints_them(settings: Settings) -> None:
    plan = parse_plan(SEED, settings)
    assert {m.no: m.title for m in plan.measures} == SEED_TITLES


def test_seed_titles_lose_their_number_and_markup(settings: Settings) -> None:
    plan = parse_plan(SEED, settings)
    assert plan.measures[0].title == (
        "การเผยแพร่ข้อมูลที่เกี่ยวข้องกับการใช้จ่ายงบประมาณให้บุคลากรทราบ เช่น แผนการใช้จ่ายงบประมาณประจำปี "
        "ความคืบหน้า ความคุ้มค่า หรือประโยชน์ที่จะเกิดขึ้นโดยเฉพาะโครงการพัฒนาท้องถิ่น")
    assert plan.measures[18].title == "พัฒนาและปรับปรุงระบบบริการ"
    for m in plan.measures:
        assert "<" not in m.title and not re.match(r"^[0-9๐-๙]", m.title)
        assert all("<" not in s.text and "\t" not in s.text for s in m.steps)


def test_json_prints_the_plan_with_arabic_numbers_and_thai_text(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--json", "--dry-run",
                       "--workbook", str(tmp_path / "book.xlsx"))
    assert code == 0
    assert "สำนักงานปลัด อบต." in out  # Thai as characters, not \u escapes
    data = json.loads(out)
    assert list(data) == ["fiscal_year", "measures"] and data["fiscal_year"] == 2563
    first = data["measures"][0]
    assert list(first) == ["no", "title", "unit", "cadence", "steps"]
    assert first["no"] == 1 and first["unit"] == FIN and first["cadence"] == SEMI
    assert first["steps"][1] == {"no": 2, "text": "เผยแพร่ข้อมูลที่เกี่ยวข้องกับการใช้จ่ายงบประมาณให้บุคลากรทราบ"}
    assert [m["no"] for m in data["measures"]] == list(SEED_MEASURES)
    assert all(isinstance(s["no"], int) for m in data["measures"] for s in m["steps"])
    # The whole document, measure by measure and step by step, as the JSON prints it.
    assert {m["no"]: (m["unit"], m["cadence"], len(m["steps"])) for m in data["measures"]} == SEED_MEASURES
    assert {m["no"]: m["title"] for m in data["measures"]} == SEED_TITLES
    assert {(m["no"], s["no"]): s["text"] for m in data["measures"] for s in m["steps"]} == SEED_STEPS


# ---------------------------------------------------------------- Word tables


def _add_row(table: object, cells: list[str]) -> None:
    row = table.add_row()  # type: ignore[attr-defined]
    for cell, text in zip(row.cells, cells, strict=True):
        # Each <p> of the extracted text is its own paragraph in Word.
        parts = [re.sub(r"</?p>", "", p).strip() for p in re.split(r"</p>\s*<p>", text)]
        cell.text = parts[0]
        for part in parts[1:]:
            cell.add_paragraph(part)


def seed_docx(path: Path) -> Path:
    """The seed as a Word file: the title, then the table split in two at a page break with
    the header repeated (the step cut at that break continues in the second table)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    document = Document()
    document.add_paragraph(lines[2])
    split_at = 19  # the header on line 20, just before measure 8's cut step continues
    table = None
    for index, line in enumerate(lines):
        if "\t" not in line:
            continue
        cells = line.split("\t")
        if table is None or index == split_at:
            document.add_paragraph("")
            table = document.add_table(rows=0, cols=4)
        _add_row(table, cells)
    document.save(str(path))
    return path


def test_docx_table_split_across_pages_gives_the_same_plan(settings: Settings, tmp_path: Path) -> None:
    docx_path = seed_docx(tmp_path / "plan.docx")
    assert len(Document(str(docx_path)).tables) == 2
    assert parse_plan(docx_path, settings).as_json() == parse_plan(SEED, settings).as_json()


def test_docx_measure_cell_merged_down_over_its_steps(settings: Settings, tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=0, cols=4)
    _add_row(table, HEADER.split("\t"))
    _add_row(table, ["๑. จัดทำคู่มือ", "๑. ร่างคู่มือ", "สำนักปลัด", YEAR_END_TEXT])
    _add_row(table, ["", "๒. เผยแพร่คู่มือ", "", ""])
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 2).merge(table.cell(2, 2))
    document.save(str(tmp_path / "merged.docx"))
    plan = parse_plan(tmp_path / "merged.docx", settings)
    assert plan.fiscal_year == 2567
    assert [(m.no, m.title, m.unit) for m in plan.measures] == [(1, "จัดทำคู่มือ", PALAD)]
    assert [s.text for s in plan.measures[0].steps] == ["ร่างคู่มือ", "เผยแพร่คู่มือ"]


def test_docx_with_the_wrong_columns_names_the_table_row(settings: Settings, tmp_path: Path) -> None:
    document = Document()
    table = document.add_table(rows=0, cols=4)
    _add_row(table, ["ลำดับ", "โครงการ", "งบประมาณ", "หมายเหตุ"])
    _add_row(table, ["๑", "ก", "๑๐๐", ""])
    document.save(str(tmp_path / "other.docx"))
    with pytest.raises(PlanError) as caught:
        parse_plan(tmp_path / "other.docx", settings)
    assert caught.value.key == "wrong_columns" and caught.value.where == Where(table=1, row=1)
    assert "ตารางที่ 1 แถว 1" in str(caught.value)


def test_docx_table_with_only_its_header_is_an_error_not_an_empty_plan(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.xlsx"
    run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    before = book.read_bytes()
    document = Document()
    document.add_paragraph(TITLE)
    _add_row(document.add_table(rows=0, cols=4), HEADER.split("\t"))
    document.save(str(tmp_path / "empty.docx"))
    code, out, err = run(capsys, settings, "import-plan", str(tmp_path / "empty.docx"), "--workbook", str(book))
    assert code == 2 and out == "" and err.startswith("error: ตารางแผนมีแต่หัวตาราง") and err.count("\n") == 1
    assert book.read_bytes() == before


def test_docx_step_out_of_order_names_the_table_row(settings: Settings, tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=0, cols=4)
    _add_row(table, HEADER.split("\t"))
    _add_row(table, ["๑. ก", "๑. ข", FIN, YEAR_END_TEXT])
    _add_row(table, ["", "๓. ค", "", ""])
    document.save(str(tmp_path / "order.docx"))
    with pytest.raises(PlanError) as caught:
        parse_plan(tmp_path / "order.docx", settings, lang="en")
    assert caught.value.key == "step_order" and caught.value.where == Where(table=1, row=3)
    assert str(caught.value).startswith("table 1, row 3: measure 1: step 3 found where step 2")


# ---------------------------------------------------------------- units and cadences


@pytest.mark.parametrize("written, unit", [
    ("สำนักงานปลัด อบต.", PALAD),
    ("สำนักงานปลัดอบต.", PALAD),
    ("สำนักงาน ปลัดอบต.", PALAD),
    ("สำนักงาน ปลัด อบต", PALAD),
    ("สำนักงานปลัดองค์การบริหารส่วนตำบล", PALAD),
    ("สำนักงาน ปลัดองค์การ บริหารส่วนตำบล", PALAD),
    ("สำนักปลัด", PALAD),
    ("กอง คลัง", FIN),
    ("กองการคลัง", FIN),
    ("ทุกส่วน ราชการ", ALL),
    ("กองการศึกษาฯ", "กองการศึกษา ศาสนาและวัฒนธรรม"),
])
def test_unit_spellings_become_the_offices_unit(settings: Settings, written: str, unit: str) -> None:
    assert resolve_unit(written, settings) == unit


@pytest.mark.parametrize("written", ["กองสาธารณสุข", "ปลัด", "", "สำนักงานปลัดอำเภอ"])
def test_unknown_unit_is_not_guessed(settings: Settings, written: str) -> None:
    assert resolve_unit(written, settings) is None


@pytest.mark.parametrize("written, cadence", [
    ("รายงานความก้าวหน้าและสรุปผลให้ผู้บริหารทราบรอบ ๖ เดือนและประจำปี", SEMI),
    ("รายงานความ ก้าวหน้าและ สรุปผลให้ผู้บริหาร ทราบรอบ ๖ เดือน และประจำปี", SEMI),
    ("รายงานผลรอบ 6 เดือน และประจำปี", SEMI),
    ("รอบ ๖ เดือนและประจำปี", SEMI),
    ("semiannual", SEMI),
    ("รายงานความก้าวหน้าและสรุปผล ณ สิ้นปีงบประมาณ", YEAR_END),
    ("รายงานความ ก้าวหน้าและ สรุปผล ณ สิ้น ปีงบประมาณ", YEAR_END),
    ("ณ สิ้นปีงบ ประมาณ", YEAR_END),
    ("At fiscal-year end", YEAR_END),
])
def test_cadence_wordings_are_recognised(written: str, cadence: str) -> None:
    assert resolve_cadence(written) == cadence


@pytest.mark.parametrize("written", ["รายงานทุกไตรมาส", "รายงานรอบ ๖ เดือน", "ทุกเดือน", ""])
def test_other_cadences_are_not_guessed(written: str) -> None:
    assert resolve_cadence(written) is None


# ---------------------------------------------------------------- bad plans

GOOD = f"๑. มาตรการหนึ่ง\t๑. ขั้นแรก ๒. ขั้นสอง\t{FIN}\t{YEAR_END_TEXT}"
BAD_PLANS = {
    "no_table": ("แผนปฏิบัติการ\nไม่มีตารางในไฟล์นี้\n", None),
    "wrong_columns": (f"{TITLE}\n\nมาตรการ\tผู้รับผิดชอบ\tขั้นตอน\tหมายเหตุ\n{GOOD}\n", 3),
    "no_steps": (plan_text(f"๑. ไม่มีขั้นตอน\t\t{FIN}\t{YEAR_END_TEXT}", GOOD.replace("๑. ม", "๒. ม")), 4),
    "step_order": (plan_text(f"๑. ก\t๑. ขั้นแรก ๓. ขั้นสาม\t{FIN}\t{YEAR_END_TEXT}"), 4),
    "unknown_unit": (plan_text(f"๑. ก\t๑. ข\tกองสาธารณสุข\t{YEAR_END_TEXT}"), 4),
    "unknown_cadence": (plan_text(f"๑. ก\t๑. ข\t{FIN}\tรายงานทุกไตรมาส"), 4),
    "missing_unit": (plan_text(f"๑. ก\t๑. ข\t\t{YEAR_END_TEXT}"), 4),
    "measure_order": (plan_text(GOOD, GOOD), 5),
    "measure_no_number": (plan_text(GOOD, f"มาตรการไม่มีเลข\t๑. ข\t{FIN}\t{YEAR_END_TEXT}"), 5),
    "orphan_row": (plan_text("\t๑. ขั้นที่ไม่มีมาตรการ\t\t"), 4),
    "not_a_row": (plan_text(GOOD, "ข้อความที่หลุดออกจากตาราง"), 5),
    "too_many_cells": (plan_text(GOOD + "\tช่องเกิน"), 4),
    "empty_step": (plan_text(f"๑. ก\t๑. ข ๒.\t{FIN}\t{YEAR_END_TEXT}"), 4),
    "text_before_step": (plan_text(f"๑. ก\tนำ ๑. ข\t{FIN}\t{YEAR_END_TEXT}"), 4),
    "no_fiscal_year": (plan_text(GOOD, title="แผนส่งเสริมคุณธรรม"), None),
    "no_measures": (plan_text(), None),
}


@pytest.mark.parametrize("key", sorted(BAD_PLANS))
def test_bad_plan_is_a_plan_error_naming_the_line(settings: Settings, key: str) -> None:
    text, line = BAD_PLANS[key]
    with pytest.raises(PlanError) as caught:
        parse_plan(text, settings)
    assert caught.value.key == key
    assert caught.value.where.line == line
    message = str(caught.value)
    assert "\n" not in message
    if line is not None:
        assert message.startswith(f"บรรทัด {line}:")


def test_continuation_row_with_a_step_out_of_order_names_its_line(settings: Settings) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(plan_text(GOOD, "", HEADER, "\t๔. ขั้นสี่\t\t"), settings, lang="en")
    assert caught.value.key == "step_order" and caught.value.where.line == 7
    assert "step 4 found where step 3 should be" in str(caught.value)


def test_every_unknown_unit_is_collected_before_stopping(settings: Settings) -> None:
    text = plan_text(f"๑. ก\t๑. ข\tกองสาธารณสุข\t{YEAR_END_TEXT}", "๒. ค\t๑. ง\tกองสวัสดิการ\tทุกไตรมาส")
    with pytest.raises(PlanError) as caught:
        parse_plan(text, settings)
    assert [(k, w.line) for k, w, _ in caught.value.problems] == [
        ("unknown_unit", 4), ("unknown_unit", 5), ("unknown_cadence", 5)]
    assert "กองสาธารณสุข" in str(caught.value) and "อีก 2" in str(caught.value)


def test_fiscal_year_option_serves_a_plan_without_a_year_and_overrides_the_title(settings: Settings) -> None:
    assert parse_plan(plan_text(GOOD, title="แผนส่งเสริมคุณธรรม"), settings, fiscal_year=2568).fiscal_year == 2568
    plan = parse_plan(plan_text(GOOD), settings, fiscal_year=2568, lang="en")
    assert plan.fiscal_year == 2568 and plan.problems == [
        "using fiscal year 2568 as given (the plan's title says 2567)"]


@pytest.mark.parametrize(("typed", "year"), [("2564", 2564), ("๒๕๖๔", 2564), ("2021", 2564)])
def test_fiscal_year_option_takes_be_ce_or_thai_digits(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], typed: str, year: int
) -> None:
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--dry-run", "--fiscal-year", typed,
                       "--workbook", str(tmp_path / "book.xlsx"))
    assert code == 0 and f"+ {year}-01-01 (แถว 2)" in out


@pytest.mark.parametrize("typed", ["6", "3000", "2563.5"])  # "63" is 2563, as the sheets read two digits
def test_a_fiscal_year_option_that_is_no_year_is_a_usage_error(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        run(capsys, settings, "import-plan", str(SEED), "--fiscal-year", typed,
            "--workbook", str(tmp_path / "book.xlsx"))
    assert stop.value.code == 2
    assert f"error: --fiscal-year {typed}: ไม่ใช่ปีงบประมาณ — พิมพ์ปี พ.ศ. เช่น 2567" in capsys.readouterr().err
    assert not (tmp_path / "book.xlsx").exists()


def test_step_cut_at_a_page_break_joins_its_step_and_a_cut_unit_joins_its_unit(settings: Settings) -> None:
    text = plan_text(f"๑. ก\t๑. ขั้นแรกที่ถูก\tสำนักงาน\t{YEAR_END_TEXT}",
                     "", HEADER, "\tตัดข้ามหน้า ๒. ขั้นสอง\tปลัดอบต.\t")
    plan = parse_plan(text, settings)
    assert plan.measures[0].unit == PALAD
    assert [s.text for s in plan.measures[0].steps] == ["ขั้นแรกที่ถูก ตัดข้ามหน้า", "ขั้นสอง"]


def test_bad_plan_from_the_command_line_exits_2_with_one_line_and_writes_nothing(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.xlsx"
    run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    before = book.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_text(BAD_PLANS["unknown_unit"][0], encoding="utf-8")
    code, out, err = run(capsys, settings, "import-plan", str(bad), "--workbook", str(book))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: บรรทัด 4:") and "กองสาธารณสุข" in err
    assert book.read_bytes() == before


def test_unreadable_or_missing_files_are_one_line_errors(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "plan.docx"
    fake.write_text("not a word file", encoding="utf-8")
    for path in (fake, tmp_path / "missing.txt", tmp_path / "plan.pdf"):
        code, _, err = run(capsys, settings, "import-plan", str(path), "--workbook", str(tmp_path / "b.xlsx"))
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "b.xlsx").exists()


# ---------------------------------------------------------------- writing the sheet


def test_first_import_creates_the_sheet_with_one_row_per_step(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.xlsx"
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    assert code == 0
    grid = sheet(book, settings)
    steps = sum(n for _, _, n in SEED_MEASURES.values())
    assert len(grid) == 1 + steps
    assert grid[1][:10] == ["2563-01-01", 2563, 1, parse_plan(SEED, settings).measures[0].title, 1,
                            SEED_STEPS[(1, 1)], FIN, "รอบ ๖ เดือนและประจำปี", None, "ยังไม่ดำเนินการ"]
    assert all(row[10:] == [None, None, None, None] for row in grid[1:])
    assert f"เพิ่ม {steps} แถว" in out


STAFF = {"status": "ดำเนินการแล้ว", "done_date": "15/03/2563", "evidence_url": "https://example.go.th/e/1",
         "result": "ดำเนินการแล้วเสร็จ", "note": "ตรวจแล้ว", "due_date": "31/03/2563"}


def _staff_edit(book: Path, settings: Settings, rows: list[int]) -> None:
    layout = build_schema(settings)["measures"]
    table = to_table(layout, sheet(book, settings))
    XlsxWorkbook(book).apply(Changes(cells=[
        CellWrite(layout.title, row, table.column_number(key), value)
        for row in rows for key, value in STAFF.items()
    ]))


def test_reimport_over_staff_edits_changes_nothing(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.xlsx"
    run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    _staff_edit(book, settings, [2, 9, 20])
    before, grid_before = book.read_bytes(), sheet(book, settings)
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book), "--lang", "en")
    assert code == 0
    assert "0 rows added, 0 cells updated, 0 rows no longer in the plan, 45 rows unchanged" in out
    assert not re.search(r"^[+~!] ", out, re.M)
    assert book.read_bytes() == before and sheet(book, settings) == grid_before


def test_changed_plan_text_updates_only_plan_cells(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.xlsx"
    run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    _staff_edit(book, settings, [2])
    revised = tmp_path / "revised.txt"
    revised.write_text(SEED.read_text(encoding="utf-8").replace(
        "๑.จัดทำมาตรการในการเผยแพร่ข้อมูล", "๑.จัดทำประกาศในการเผยแพร่ข้อมูล").replace(
        "<p>กองคลัง</p>", "<p>สำนักงาน ปลัดอบต.</p>"), encoding="utf-8")
    code, out, _ = run(capsys, settings, "import-plan", str(revised), "--workbook", str(book))
    assert code == 0
    changed = re.findall(r"^~ (\S+) \(แถว (\d+)\) (\S+):", out, re.M)
    assert changed == [("2563-01-01", "2", "ขั้นตอนหรือวิธีการ"), ("2563-01-01", "2", "ผู้รับผิดชอบ"),
                       ("2563-01-02", "3", "ผู้รับผิดชอบ")]
    row = sheet(book, settings)[1]
    assert row[5].startswith("จัดทำประกาศในการ") and row[6] == PALAD
    assert row[8:] == [STAFF[k] for k in ("due_date", "status", "done_date", "evidence_url", "result", "note")]


def test_step_removed_from_the_plan_is_reported_and_its_row_kept(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book.xlsx"
    run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[10].startswith("\t๒. เผยแพร่ประชาสัมพันธ์")  # measure 3, step 2
    shorter = tmp_path / "shorter.txt"
    shorter.write_text("\n".join(lines[:10] + lines[11:]), encoding="utf-8")
    before = sheet(book, settings)
    code, out, _ = run(capsys, settings, "import-plan", str(shorter), "--workbook", str(book))
    assert code == 0
    assert re.findall(r"^! (\S+) \(แถว (\d+)\)", out, re.M) == [("2563-03-02", "8")]
    assert "ไม่อยู่ในแผน 1 แถว" in out
    assert sheet(book, settings) == before


def test_rows_are_found_by_their_id_wherever_staff_moved_them(settings: Settings) -> None:
    layout = build_schema(settings)["measures"]
    plan = parse_plan(SEED, settings)
    # Staff sorted the sheet by step text and put their columns first: same rows, new places.
    order = ["note", "status", *(k for k in plan_rows(plan)[0]), "result"]
    header = [layout.column(k).th for k in order]
    rows = sorted(([None, "ดำเนินการแล้ว", *r.values(), "ok"] for r in plan_rows(plan)), key=lambda r: r[7])
    result = merge_plan(plan, to_table(layout, [header, *rows]), settings)
    assert result.changes == [] and result.unchanged == plan.step_count
    assert result.writes.is_empty()


def test_sheet_without_a_plan_column_is_a_one_line_error(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = build_schema(settings)["measures"]
    book = tmp_path / "book.xlsx"
    XlsxWorkbook(book).provision([layout])
    header_cells = [CellWrite(layout.title, 1, c, None) for c in (6,)]  # staff removed the step header
    XlsxWorkbook(book).apply(Changes(cells=header_cells))
    before = book.read_bytes()
    code, _, err = run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book))
    assert code == 2 and "ขั้นตอนหรือวิธีการ" in err and err.count("\n") == 1
    assert book.read_bytes() == before


def test_dry_run_writes_nothing(settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book.xlsx"
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book), "--dry-run")
    assert code == 0 and "+ 2563-08-01 (แถว 17)" in out and "--dry-run" in out
    assert not book.exists()
    run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book), "--fiscal-year", "2562")
    before = book.read_bytes()
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--workbook", str(book), "--dry-run")
    assert code == 0 and "+ 2563-01-01 (แถว 47)" in out
    assert book.read_bytes() == before


def test_import_into_the_demo_workbook_keeps_other_years_and_other_sheets(
    settings: Settings, demo_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = build_schema(settings)
    titles = [schema[k].title for k in ("measures", "complaints", "responses")]
    before = XlsxWorkbook(demo_workbook).read(titles)
    code, out, _ = run(capsys, settings, "import-plan", str(SEED), "--workbook", str(demo_workbook))
    assert code == 0 and "ไม่อยู่ในแผน 0 แถว" in out
    after = XlsxWorkbook(demo_workbook).read(titles)
    measures_before = before[titles[0]]
    assert after[titles[0]][: len(measures_before)] == measures_before
    assert len(after[titles[0]]) == len(measures_before) + parse_plan(SEED, settings).step_count
    assert after[titles[1]] == before[titles[1]] and after[titles[2]] == before[titles[2]]


def test_demo_measures_are_the_seed_plan_for_each_demo_year(settings: Settings, demo_workbook: Path) -> None:
    grid = sheet(demo_workbook, settings)
    plan = parse_plan(SEED, settings)
    for fy in (2566, 2567):
        rows = [r for r in grid[1:] if r[1] == fy]
        assert len(rows) == plan.step_count
        assert [(r[2], r[4], r[5]) for r in rows] == [
            (m.no, s.no, s.text) for m in plan.measures for s in m.steps]


# ---------------------------------------------------------------- step numbering

THAI_LETTERS = "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ"
WORD = st.one_of(
    st.text(alphabet=THAI_LETTERS + "ะาิีุูเแโไ่้์/", min_size=1, max_size=10),
    st.sampled_from(["ปีละ ๒ ครั้ง", "พ.ศ.๒๕๖๓", "ณ อบต.", "เพิ่ม ๑.๕ เท่า", "wifi", "(OSS)", "ฯลฯ"]),
)
STEP_TEXT = st.lists(WORD, min_size=1, max_size=5).map(" ".join)


@given(
    texts=st.lists(STEP_TEXT, min_size=1, max_size=14),
    thai_digits=st.booleans(),
    mark=st.sampled_from([".", ")", " ."]),
    after=st.sampled_from(["", " "]),
    gap=st.sampled_from([" ", "  ", "\n", " \t "]),
)
def test_numbered_steps_in_one_cell_split_back_into_their_texts(
    texts: list[str], thai_digits: bool, mark: str, after: str, gap: str
) -> None:
    number = to_thai_digits if thai_digits else str
    cell = gap.join(f"{number(str(i))}{mark}{after}{text}" for i, text in enumerate(texts, start=1))
    lead, steps = split_steps(cell)
    assert lead == ""
    assert steps == list(enumerate(texts, start=1))
