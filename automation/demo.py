"""A seeded, deterministic demo workbook: a measures plan, complaints and form responses
for the last fiscal year and the current one, with a handful of deliberate mistakes so that
the demo run shows what findings look like. Same seed and same `today`, same workbook.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from automation.plan import Plan, parse_plan, plan_rows
from automation.schema import CATEGORIES, CHANNELS, COMPLAINT_STATUS, STEP_STATUS, build_schema
from automation.settings import Settings
from automation.thaidate import FiscalRound, fiscal_year_of
from automation.workbook import CellWrite, Changes, Grid
from automation.workbook.xlsx import XlsxWorkbook

FIRST_NAMES = ["สมชาย", "สมศรี", "วิชัย", "มาลี", "ประเสริฐ", "บุญมี", "จันทร์เพ็ญ", "สุนทร", "อรุณี", "ทองดี"]
LAST_NAMES = ["ใจดี", "มีสุข", "ศรีสวัสดิ์", "บุญมา", "แก้วใส", "ทองคำ", "รักไทย", "สายบุญ"]
SUBJECTS = {
    "general": ["ขอให้ซ่อมไฟฟ้าส่องสว่างถนนหมู่ ๓", "ขอให้ซ่อมถนนลูกรังหมู่ ๕", "ขอรับน้ำประปาเพิ่ม",
                "ขอให้ตัดกิ่งไม้ริมทาง", "ขอให้เก็บขยะตรงเวลา", "ขอให้ขุดลอกคลองส่งน้ำ"],
    "unfair_service": ["เจ้าหน้าที่พูดจาไม่สุภาพ", "ให้บริการไม่ตามลำดับคิว", "รอรับบริการนานเกินควร"],
    "corruption": ["สงสัยการเรียกรับเงินในการขออนุญาตก่อสร้าง", "พบการใช้รถราชการไปธุระส่วนตัว"],
    "procurement": ["สงสัยการกำหนดคุณลักษณะเฉพาะเอื้อผู้รับจ้าง", "งานก่อสร้างถนนไม่ได้มาตรฐาน"],
}
DETAILS = {
    "general": ["เป็นมาประมาณสองสัปดาห์แล้ว กลางคืนมืดมาก เด็กนักเรียนกลับบ้านลำบาก",
                "ฝนตกทีไรน้ำท่วมขังหน้าบ้าน รถจักรยานยนต์ล้มหลายครั้ง", "แจ้งผู้ใหญ่บ้านแล้วแต่ยังไม่มีใครมาดู"],
    "unfair_service": ["มาติดต่อตอนเช้า รอนานกว่าสองชั่วโมง คนที่มาทีหลังได้รับบริการก่อน",
                       "ถามข้อมูลแล้วเจ้าหน้าที่ไม่ตอบ บอกให้ไปถามที่อื่น"],
    "corruption": ["มีผู้อ้างว่าจ่ายเงินเพิ่มแล้วจะได้ใบอนุญาตเร็วขึ้น", "เห็นรถราชการจอดที่ตลาดนัดวันเสาร์หลายครั้ง"],
    "procurement": ["ผู้รับจ้างรายเดิมได้งานทุกครั้ง", "ถนนเพิ่งสร้างเสร็จไม่ถึงปีก็แตกร้าวแล้ว"],
}
EMAILS = ["somchai.j@example.co.th", "malee.sri@example.com", "wichai2518@example.net", None,
          "aroonee.k@example.co.th", None]
OUTCOMES = ["ดำเนินการแก้ไขแล้ว แจ้งผู้ร้องทราบ", "ประสานหน่วยงานที่เกี่ยวข้องดำเนินการแล้ว",
            "ตรวจสอบแล้วไม่พบมูล แจ้งผู้ร้องทราบ"]
LIKERT_LABELS = {5: "มากที่สุด", 4: "มาก", 3: "ปานกลาง", 2: "น้อย", 1: "น้อยที่สุด"}
AGES = ["ต่ำกว่า 20 ปี", "20-39 ปี", "40-59 ปี", "60 ปีขึ้นไป"]
COMMENTS = ["เจ้าหน้าที่บริการดีมาก", "ที่จอดรถไม่พอ", "อยากให้มีบริการออนไลน์", "ห้องน้ำควรสะอาดกว่านี้",
            "บริการรวดเร็ว ขอบคุณครับ", "ป้ายบอกทางไม่ชัดเจน", "ติดต่อกลับที่ 081-234-5678 ด้วยครับ",
            "", "", "", ""]

FORM_SHEETS = ("complaint_form", "corruption_form")

# The demo's measures are the real seed plan, imported as `import-plan` would import it.
SEED_PLAN = Path(__file__).resolve().parent.parent / "data" / "plan-2563.txt"


def demo_plan(settings: Settings, fiscal_year: int) -> Plan:
    """The seed plan re-dated to `fiscal_year`; units an office's settings lack become its
    first unit, so the demo works with any configuration."""
    fallback = settings.units[0].name if settings.units else None
    return parse_plan(SEED_PLAN, settings, fiscal_year=fiscal_year, unit_fallback=fallback)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _phone(rng: random.Random) -> str:
    return f"08{rng.randint(1, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def measures_rows(settings: Settings, fiscal_years: list[int], today: dt.date, rng: random.Random) -> Grid:
    status = {c.key: c.th for c in STEP_STATUS}
    rows: Grid = []
    for fy in fiscal_years:
        year = FiscalRound(fy, "annual")
        for plan_cells in plan_rows(demo_plan(settings, fy)):
            # Columns in schema order: row_id … cadence (plan), then due_date, status,
            # done_date, evidence_url, result, note (staff); _plant_mistakes relies on it.
            row_id = plan_cells["row_id"]
            plan_part = [plan_cells[k] for k in ("row_id", "fiscal_year", "measure_no", "measure",
                                                 "step_no", "step", "unit", "cadence")]
            elapsed = (today - year.start).days / 365
            roll = rng.random()
            if year.end < today or roll < elapsed * 0.7:
                done = year.start + dt.timedelta(days=rng.randint(20, 340))
                done = min(done, today - dt.timedelta(days=1))
                rows.append([*plan_part, None, status["done"], done,
                             f"https://www.example.go.th/ita/{row_id}", "ดำเนินการแล้วเสร็จตามแผน", None])
            elif roll < 0.85:
                rows.append([*plan_part, None, status["in_progress"], None, None, None, None])
            else:
                rows.append([*plan_part, None, status["not_started"], None, None, None, None])
    return rows


def complaints_rows(settings: Settings, start: dt.date, today: dt.date, rng: random.Random,
                    count: int | None = None) -> Grid:
    """About one complaint every 12 days, or `count` of them (the scale benchmark's big office)."""
    units = [u.name for u in settings.units if u.name != "ทุกส่วนราชการ"]
    weights = {"general": 6, "unfair_service": 2, "corruption": 1, "procurement": 1}
    cats = {c.key: c for c in CATEGORIES}
    status = {c.key: c.th for c in COMPLAINT_STATUS}
    rows: Grid = []
    days = (today - start).days
    for _ in range(max(days // 12, 8) if count is None else count):
        received = start + dt.timedelta(days=rng.randint(0, days))
        cat = rng.choices(list(weights), list(weights.values()))[0]
        age = (today - received).days
        ack = received + dt.timedelta(days=rng.randint(0, 2))
        ack = ack if ack <= today else None
        closed = received + dt.timedelta(days=rng.randint(3, 25))
        if closed > today or rng.random() < 0.12:
            closed = None
        state = "closed" if closed else ("in_progress" if age > 3 else "received")
        rows.append([
            "", received, rng.choice(CHANNELS).th, _person(rng), _phone(rng),
            rng.choice(SUBJECTS[cat]), cats[cat].th, rng.choice(units), status[state], ack, closed,
            rng.choice(OUTCOMES) if closed else None,
        ])
    rows.sort(key=lambda r: r[1])
    counters: dict[int, int] = {}
    for row in rows:  # number complaints in the order they arrived, per fiscal year
        fy = fiscal_year_of(row[1])
        counters[fy] = counters.get(fy, 0) + 1
        row[0] = f"ร{fy % 100:02d}-{counters[fy]:03d}"
    return rows


def complaint_form_rows(settings: Settings, complaints: Grid, rng: random.Random) -> dict[str, Grid]:
    """The complaint forms' responses behind the register's website complaints, as if the
    service had taken them in long ago (staff have since worked on those rows): each such
    register row carries its form key (and the coordinator-only mark, for corruption), and
    the response sits in the general form's sheet, or the corruption form's. Rows in the
    schema's column order."""
    from automation.intake import response_key
    from automation.schema import COORDINATOR_ONLY, complaint_form_sheet

    forms = {key: complaint_form_sheet(settings, key) for key in FORM_SHEETS if getattr(settings.sheets, key)}
    out: dict[str, Grid] = {key: [] for key in forms}
    corruption = next(c.th for c in CATEGORIES if c.key == "corruption")
    width = len(complaints_sheet_columns(settings))
    labels = {c.th for c in CHANNELS}
    if "corruption_form" in forms:
        # An office with a corruption form gets most corruption complaints through it (rows
        # past the planted mistakes only, so those stay as planted).
        for row in complaints[8:]:
            if row[6] == corruption and row[2] in labels and rng.random() < 0.6:
                row[2] = "เว็บไซต์"
    for row in complaints:
        if row[2] != "เว็บไซต์" or not isinstance(row[1], dt.date) or not forms:
            continue
        corrupt = row[6] == corruption
        key = "corruption_form" if corrupt and "corruption_form" in forms else next(iter(forms))
        layout = forms[key]
        stamp = dt.datetime.combine(row[1], dt.time(rng.randint(6, 22), rng.randint(0, 59), rng.randint(0, 59)))
        email = rng.choice(EMAILS)
        category = next((c.key for c in CATEGORIES if c.th == row[6]), "general")
        answers = {
            "timestamp": stamp, "name": row[3], "email": email, "phone": row[4], "category": row[6],
            "unit": None if corrupt else row[7], "subject": row[5], "details": rng.choice(DETAILS[category]),
            "consent": "ยินยอมให้ติดต่อกลับทางอีเมล" if email else None,
        }
        record = {c.key: answers.get(c.key) for c in layout.columns}
        out[key].append([record[c.key] for c in layout.columns])
        row.extend([None] * (width - len(row)))
        row[-2] = COORDINATOR_ONLY.th if corrupt else None  # การส่งต่อ
        row[-1] = response_key(key, stamp, record, list(layout.columns))  # รหัสแบบฟอร์ม
    return out


def complaints_sheet_columns(settings: Settings) -> list[str]:
    return [c.key for c in build_schema(settings)["complaints"].columns]


def response_rows(settings: Settings, start: dt.date, today: dt.date, rng: random.Random,
                  count: int | None = None) -> Grid:
    """0-3 answers a working day, or `count` answers spread evenly over the working days."""
    survey = settings.survey
    points = [p.form_value or p.name for p in survey.service_points]
    rows: Grid = []
    workdays = sum(1 for d in range((today - start).days + 1) if (start + dt.timedelta(days=d)).weekday() < 5)
    seen = 0  # working days so far, for the even spread of `count`
    day = start
    while day <= today:
        if day.weekday() < 5:
            if count is None:
                today_count = rng.choice([0, 1, 1, 2, 2, 3])
            else:
                today_count = count * (seen + 1) // workdays - count * seen // workdays
            seen += 1
            for _ in range(today_count):
                stamp = dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.randint(0, 59), rng.randint(0, 59)))
                mood = rng.choice([5, 5, 4, 4, 4, 3])
                row: list[Any] = [stamp]
                if survey.service_point_column:
                    row.append(rng.choice(points) if points else "")
                if survey.gender_column:
                    row.append(rng.choice(["ชาย", "หญิง", "หญิง", "ไม่ระบุ"]))
                if survey.age_column:
                    row.append(rng.choice(AGES))
                for _q in survey.questions:
                    score = max(1, min(5, mood + rng.choice([-1, 0, 0, 0, 1])))
                    row.append(LIKERT_LABELS[score] if rng.random() < 0.9 else score)
                if survey.comment_column:
                    row.append(rng.choice(COMMENTS) or None)
                rows.append(row)
        day += dt.timedelta(days=1)
    return rows


def _plant_mistakes(sheets: dict[str, Grid], settings: Settings) -> None:
    """The deliberate mistakes a real office makes, so that the demo shows findings."""
    measures, complaints, responses = sheets["measures"], sheets["complaints"], sheets["responses"]
    # Late work for the deadline check: last year's final step left unfinished, and a step of
    # this year with its own due date (31 December) that is not done.
    last_year = [r for r in measures if r[1] == measures[0][1] and r[9] == "ดำเนินการแล้ว"] if measures else []
    if len(last_year) > 3:
        last_year[-1][9:14] = ["อยู่ระหว่างดำเนินการ", None, None, None, None]
    this_year = [r for r in measures if r[1] != measures[0][1] and r[9] != "ดำเนินการแล้ว"]
    if this_year:
        this_year[0][8] = dt.date(this_year[0][1] - 544, 12, 31)
    done = [r for r in measures if r[9] == "ดำเนินการแล้ว"]
    if done:
        done[0][10] = None  # marked done without a done date
        done[-1][11] = "ดูในแฟ้มกองคลัง"  # evidence that is not a link
    if len(done) > 3:
        done[len(done) // 2][9] = "ดำเนินการแล้ว "  # trailing space in a choice
        done[1][10] = done[1][10].replace(year=done[1][10].year + 543)  # a BE year in a date cell
    if len(complaints) > 6:
        complaints[1][5] = None  # no subject
        complaints[2][2] = "โทรศัพ"  # channel misspelt
        complaints[3][1] = "15/13/2567"  # impossible date
        complaints[4][7] = "สำนักปลัด"  # a unit alias instead of the unit's name
        complaints[5][5] = '=IMPORTXML("http://example.com","//a")'  # formula-like citizen text
        complaints[6][0] = complaints[5][0]  # duplicate complaint id
    closed = [r for r in complaints[8:] if r[10] is not None]
    if len(complaints) > 8 and closed:
        complaints[7][9] = complaints[7][1] - dt.timedelta(days=2)  # acknowledged before received
        closed[0][11] = None  # closed without an outcome
    if len(responses) > 4:
        first_q = 1 + sum(bool(c) for c in (settings.survey.service_point_column,
                                             settings.survey.gender_column, settings.survey.age_column))
        responses[2][first_q] = "ดีมาก"  # not a Likert answer
        responses.insert(4, list(responses[3]))  # the same submission twice
        for q in range(len(settings.survey.questions)):
            responses[7][first_q + q] = None  # sent without rating anything


def build_demo_workbook(settings: Settings, path: Path, seed: int = 2567, today: dt.date | None = None) -> Path:
    today = today or settings.today()
    rng = random.Random(seed)
    fy = fiscal_year_of(today)
    start = FiscalRound(fy - 1).start
    schema = build_schema(settings)
    sheets = {
        # Own random stream, so that the plan's size never shifts the complaints and answers.
        "measures": measures_rows(settings, [fy - 1, fy], today, random.Random(f"measures-{seed}")),
        "complaints": complaints_rows(settings, start, today, rng),
        "responses": response_rows(settings, start, today, rng),
    }
    _plant_mistakes(sheets, settings)
    # After the mistakes: a form's answers are as the citizen sent them (their own stream).
    sheets.update(complaint_form_rows(settings, sheets["complaints"], random.Random(f"forms-{seed}")))
    book = XlsxWorkbook(path)
    book.provision([schema[k] for k in ("measures", "complaints", "responses", *FORM_SHEETS) if k in schema.sheets],
                   settings.run.language)
    cells = [
        CellWrite(schema[key].title, r, c, value)
        for key, grid in sheets.items()
        for r, row in enumerate(grid, start=2)
        for c, value in enumerate(row, start=1)
        if value is not None
    ]
    book.apply(Changes(cells=cells))
    return path
