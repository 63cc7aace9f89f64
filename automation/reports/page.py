"""The public results page: one static index.html with its PNG charts beside it.

It is meant to be copied as is to the office website (ITA publishing): no scripts, web fonts
or CDNs, readable on a phone. Only public figures reach it: the context is built with
public=True, so comments are masked and private columns never appear.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from automation.reports.charts import Chart, render_png
from automation.reports.context import replace_charts
from automation.reports.docx import readable, template_file
from automation.reports.linebreak import thai_breaks
from automation.settings import ConfigError, Settings
from automation.thaidate import Digits, digits

PAGE_TEMPLATE = "public.html"
LABELS = {
    "th": {
        "fy": "ปีงบประมาณ พ.ศ.", "sat": "ผลการประเมินความพึงพอใจของผู้รับบริการ", "respondents": "ผู้ตอบแบบประเมิน (ราย)", "people": "ผู้ตอบ (ราย)", "answers": "คำตอบ (n)",
        "mean": "ค่าเฉลี่ย", "percent": "ร้อยละ", "level": "ระดับ", "by_aspect": "ผลการประเมินรายด้าน",
        "aspect": "ด้าน", "by_question": "ผลการประเมินรายข้อ", "question": "ข้อคำถาม",
        "by_service": "ผลการประเมินจำแนกตามงานบริการ", "service": "งานบริการ", "monthly": "จำนวนผู้ตอบรายเดือน",
        "cmp": "สถิติเรื่องร้องเรียน", "cmp_none": "ไม่มีเรื่องร้องเรียนในรอบนี้",
        "cmp_groups": "จำแนกตามช่องทาง ประเภท สถานะ และหน่วยงาน", "by": "จำแนกตาม", "item": "รายการ",
        "count": "จำนวน (เรื่อง)", "by_category": "เรื่องร้องเรียนจำแนกตามประเภท",
        "by_channel": "เรื่องร้องเรียนจำแนกตามช่องทาง", "corruption": "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
        "corruption_none": "ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบในรอบนี้", "updated": "ข้อมูล ณ วันที่",
        "privacy": "ไม่เปิดเผยชื่อและข้อมูลติดต่อของผู้ร้องเรียนและผู้ตอบแบบประเมิน",
        "trend": "แนวโน้มเทียบกับรอบก่อนและรอบเดียวกันของปีก่อน", "previous_round": "รอบก่อน",
        "last_year_round": "รอบเดียวกันของปีก่อน", "this_round": "ค่าเฉลี่ยรอบนี้",
        "previous_mean": "ค่าเฉลี่ยรอบก่อน", "change_previous": "ผลต่างจากรอบก่อน",
        "last_year_mean": "ค่าเฉลี่ยรอบเดียวกันของปีก่อน", "change_last_year": "ผลต่างจากปีก่อน",
        "significant": "ผลการทดสอบ", "change": "ผลต่าง", "month": "เดือน", "responses": "ผู้ตอบ (ราย)",
        "cmp_facts": "สรุปสถิติเรื่องร้องเรียน", "value": "จำนวน",
        "trend_note": "ผลต่าง = ค่าเฉลี่ยรอบนี้ ลบ ค่าเฉลี่ยของรอบที่เทียบ ผลการทดสอบ: ทดสอบความแตกต่างด้วย"
                      "การทดสอบค่าทีแบบเวลช์ที่ระดับนัยสำคัญ 0.05 นับผู้ตอบแต่ละรายเป็นหนึ่งหน่วย "
                      "แตกต่าง หมายถึง ผลต่างมากกว่าความคลาดเคลื่อนจากการสุ่มตัวอย่าง",
    },
    "en": {
        "fy": "Fiscal year (BE)", "sat": "Satisfaction survey", "respondents": "Respondents", "people": "People", "answers": "Answers (n)", "mean": "Mean",
        "percent": "Percent", "level": "Level", "by_aspect": "By aspect", "aspect": "Aspect",
        "by_question": "By question", "question": "Question", "by_service": "By service", "service": "Service",
        "monthly": "Responses per month",
        "cmp": "Complaint statistics", "cmp_none": "No complaints in this round.",
        "cmp_groups": "By channel, category, status and unit", "by": "By", "item": "Item", "count": "Complaints",
        "by_category": "Complaints by category", "by_channel": "Complaints by channel",
        "corruption": "Complaints of corruption and misconduct",
        "corruption_none": "No complaints of corruption or misconduct in this round.", "updated": "Figures as of",
        "privacy": "Complainants' and respondents' names and contacts are never published.",
        "trend": "Trend", "previous_round": "Previous round", "last_year_round": "Same round last year",
        "this_round": "This round", "previous_mean": "Previous round", "change_previous": "Change",
        "last_year_mean": "Last year", "change_last_year": "Change on last year",
        "significant": "Larger than noise?", "change": "Change", "month": "Month", "responses": "Responses",
        "cmp_facts": "Summary", "value": "Figure",
        "trend_note": "Welch's t test at the 5% level, each respondent counted once: \"Yes\" means the "
                      "change is larger than sampling noise.",
    },
}  # fmt: skip


def _bands_text(settings: Settings, lang: str, digit_style: Digits) -> str:
    """How to read the figures, with the level ranges as configured in [survey] bands."""
    cuts = settings.survey.bands
    if lang == "en":
        return (
            "Means are out of 5; satisfaction percent = mean ÷ 5 × 100. "
            f"Levels: very high {cuts[0]:.2f}–5.00, high {cuts[1]:.2f}–{cuts[0] - 0.01:.2f}, moderate "
            f"{cuts[2]:.2f}–{cuts[1] - 0.01:.2f}, low {cuts[3]:.2f}–{cuts[2] - 0.01:.2f}, very low "
            f"1.00–{cuts[3] - 0.01:.2f}."
        )
    text = (
        f"ค่าเฉลี่ยคะแนนเต็ม 5 ร้อยละความพึงพอใจ = ค่าเฉลี่ย ÷ 5 × 100 ระดับมากที่สุด {cuts[0]:.2f}–5.00 "
        f"มาก {cuts[1]:.2f}–{cuts[0] - 0.01:.2f} ปานกลาง {cuts[2]:.2f}–{cuts[1] - 0.01:.2f} "
        f"น้อย {cuts[3]:.2f}–{cuts[2] - 0.01:.2f} น้อยที่สุด 1.00–{cuts[3] - 0.01:.2f}"
    )
    return digits(text, digit_style)


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".page-", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    readable(tmp)  # a web server serves the copied folder as another user
    os.replace(tmp, path)


def render_page(settings: Settings, context: dict[str, Any], out_dir: Path) -> Path:
    """Write out_dir/index.html and one PNG per chart; re-running overwrites the same files."""
    if not context.get("public"):
        raise ValueError("the public page must be built from a public context")
    lang = "en" if context.get("lang") == "en" else "th"
    digit_style: Digits = "arabic" if lang == "en" else settings.run.digits
    template_dir = template_file(settings, PAGE_TEMPLATE).parent
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)), autoescape=True, undefined=jinja2.ChainableUndefined
    )
    # "ไม่แตกต่าง" in a narrow cell: break between words only ("ไม่ / แตกต่าง", never "ไม่แตก / ต่าง").
    env.filters["words"] = thai_breaks
    try:
        template = env.get_template(PAGE_TEMPLATE)
    except jinja2.TemplateNotFound:
        raise ConfigError(f"{template_dir / PAGE_TEMPLATE}: page template not found; "
                          "copy it from the project's templates folder" if lang == "en" else
                          f"{template_dir / PAGE_TEMPLATE}: ไม่พบแม่แบบหน้าเผยแพร่ — คัดลอกไฟล์ {PAGE_TEMPLATE} "
                          f"จากโฟลเดอร์ templates ของโปรแกรมมาวางที่ {template_dir} (page template not found)"
                          ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"{template_dir / PAGE_TEMPLATE}: line {exc.lineno}: {exc.message}" if lang == "en" else
                          f"{template_dir / PAGE_TEMPLATE}: แม่แบบหน้าเผยแพร่บรรทัด {exc.lineno} อ่านไม่ได้ "
                          f"({exc.message}) — แก้แท็ก {{{{ }}}} หรือ {{% %}} ในบรรทัดนั้นให้ครบ หรือคัดลอกไฟล์เดิม"
                          "จากโฟลเดอร์ templates ของโปรแกรม (the page template cannot be read)") from None
    out_dir.mkdir(parents=True, exist_ok=True)

    def picture(chart: Chart) -> dict[str, str] | str:
        """The chart's two drawings (desktop, and narrow for a phone) and its alt text."""
        paths = out_dir / f"{chart.name}.png", out_dir / f"{chart.name}-phone.png"
        if not chart.values:
            for path in paths:
                path.unlink(missing_ok=True)  # nothing to show this time: no stale picture either
            return ""
        for path, compact in zip(paths, (False, True), strict=True):
            _write(path, render_png(chart, digit_style, compact=compact))
        return {"src": paths[0].name, "phone": paths[1].name, "alt": chart.describe(digit_style),
                "title": chart.title}

    filled = replace_charts(context, picture)
    labels = dict(LABELS[lang], how=_bands_text(settings, lang, digit_style))
    labels["trend_note"] = digits(labels["trend_note"], digit_style)
    html = template.render(**filled, t=labels)
    index = out_dir / "index.html"
    _write(index, html.encode("utf-8"))
    return index
