"""`./ita scores`: the satisfaction figures of a round, as tables or JSON."""

from __future__ import annotations

import argparse
import unicodedata

from automation.cli import arguments, command, print_json
from automation.commands import chosen_round, round_arguments
from automation.satisfaction import Change, GroupScore, ScoreReport, compute_scores
from automation.settings import Settings
from automation.thaidate import (
    MONTHS_ABBR,
    MONTHS_EN,
    be_year,
    format_date,
)

TEXT = {
    "title": {"th": "ผลการประเมินความพึงพอใจ", "en": "Satisfaction survey results"},
    "respondents": {"th": "ผู้ตอบแบบประเมิน {n} ราย", "en": "{n} responses"},
    "excluded": {"th": "ไม่นำมาคำนวณ {n} คำตอบ เพราะไม่ใช่ระดับ 1–5 ({detail})",
                 "en": "{n} answers left out as not a 1–5 level ({detail})"},
    "undated": {"th": "{n} แถวไม่มีวันที่ประทับเวลาที่อ่านได้ จึงไม่อยู่ในรอบใด",
                "en": "{n} rows have no readable timestamp and belong to no round"},
    "none": {"th": "ไม่มีคำตอบในรอบนี้", "en": "No responses in this round"},
    "summary": {"th": "สรุปคะแนน", "en": "Scores"},
    "head": {"th": "ผู้ตอบ   n      เฉลี่ย  S.D.  ร้อยละ  4–5(%)  ช่วงเชื่อมั่น95%  ระดับ       รายการ",
             "en": "people n      mean    S.D.  %       4–5(%)  95% CI           band        item"},
    "levels": {"th": "จำนวน (ร้อยละ) ในแต่ละระดับ", "en": "Answers (%) at each level"},
    "levels_head": {"th": "n      5 มากที่สุด   4 มาก        3 ปานกลาง    2 น้อย       1 น้อยที่สุด  รายการ",
                    "en": "n      5 very high   4 high       3 moderate   2 low        1 very low   item"},
    "small": {"th": "* ผู้ตอบน้อยกว่า {n} ราย ควรใช้ผลด้วยความระมัดระวัง",
              "en": "* fewer than {n} respondents: read with care"},
    "trend": {"th": "แนวโน้ม (ค่าเฉลี่ยภาพรวม)", "en": "Trend (overall mean)"},
    "previous": {"th": "เทียบรอบก่อน", "en": "vs previous round"},
    "last_year": {"th": "เทียบรอบเดียวกันปีก่อน", "en": "vs same round last year"},
    "no_data": {"th": "ไม่มีข้อมูลให้เทียบ", "en": "no data to compare"},
    "significant": {"th": "เปลี่ยนแปลงเกินความคลาดเคลื่อน (95%)", "en": "larger than the noise (95%)"},
    "noise": {"th": "อยู่ในช่วงความคลาดเคลื่อน", "en": "within the noise"},
    "unknown": {"th": "ข้อมูลน้อยเกินกว่าจะบอกได้", "en": "too few answers to tell"},
    "monthly": {"th": "จำนวนผู้รับบริการที่ตอบแบบประเมิน รายเดือน", "en": "Responses per month"},
    "by_service": {"th": "จำนวนตามงานที่มาติดต่อ", "en": "Responses per service point"},
    "by_gender": {"th": "จำนวนตามเพศ", "en": "Responses by gender"},
    "by_age": {"th": "จำนวนตามช่วงอายุ", "en": "Responses by age group"},
    "comments": {"th": "ข้อเสนอแนะ แยกตามประเด็น", "en": "Comments by theme"},
    "overall": {"th": "ภาพรวม", "en": "Overall"},
    "aspects": {"th": "รายด้าน", "en": "By aspect"},
    "questions": {"th": "รายข้อ", "en": "By question"},
    "points": {"th": "รายจุดบริการ", "en": "By service point"},
}  # fmt: skip


COMMENT_LINE = "    - "  # a citizen's comment: printed as written, digits and all


def _t(key: str, lang: str, **params: object) -> str:
    return TEXT[key]["en" if lang == "en" else "th"].format(**params)


def _width(text: str) -> int:
    """Columns a terminal gives `text`: Thai vowel and tone marks sit on the letter before."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _num(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def score_line(g: GroupScore) -> str:
    ci = f"{_num(g.ci_low)}–{_num(g.ci_high)}" if g.ci_low is not None else "–"
    # The * (too few) counts people; n counts answers, one per question for pooled groups.
    people = f"{g.respondents}{'*' if g.small_n else ''}"
    return (f"{people:<6} {g.n:<6} {_num(g.mean):>6} {_num(g.sd):>5} {_num(g.percent):>7} {_num(g.top2_share, 1):>7}  "
            f"{ci:<16} {_pad(g.band or '–', 11)} {g.label}")  # fmt: skip


def levels_line(g: GroupScore) -> str:
    cells = "".join(f"{f'{g.counts[k]} ({g.percents[k]:.1f})':<13}" for k in (5, 4, 3, 2, 1))
    return f"{g.n:<6} {cells}{g.label}"


def change_text(change: Change | None, lang: str) -> str:
    if change is None:
        return _t("no_data", lang)
    verdict = {True: "significant", False: "noise", None: "unknown"}[change.significant]
    return (f"{change.against.label(lang, 'arabic')}: {change.other_mean:.2f} → {change.this_mean:.2f} "
            f"({change.change:+.2f}; {_t(verdict, lang)})")  # fmt: skip


def month_label(month: object, lang: str) -> str:
    if lang == "en":
        return f"{MONTHS_EN[month.month - 1][:3]} {month.year}"  # type: ignore[attr-defined]
    return f"{MONTHS_ABBR[month.month - 1]} {be_year(month.year)}"  # type: ignore[attr-defined]


def render(report: ScoreReport, lang: str = "th", style: str = "arabic") -> str:
    """The report as plain-text tables for the terminal; Thai figures in `style` digits
    ([run] digits), citizens' comments as they wrote them."""
    if lang != "en" and style == "thai":
        from automation.thaidate import to_thai_digits

        # Thai digits are one column wide, as Arabic ones: the tables stay aligned.
        return "\n".join(line if line.startswith(COMMENT_LINE) else to_thai_digits(line)
                         for line in render(report, lang).splitlines())
    rnd = report.round
    lines = [
        f"{_t('title', lang)} {rnd.label(lang, 'arabic')} "
        f"({format_date(rnd.start, lang, 'arabic')} – {format_date(rnd.end, lang, 'arabic')})",
        _t("respondents", lang, n=report.responses),
    ]
    if report.excluded:
        detail = ", ".join(f"{key} {count}" for key, count in report.excluded.items())
        lines.append(_t("excluded", lang, n=report.excluded_total, detail=detail))
    if report.undated:
        lines.append(_t("undated", lang, n=report.undated))
    if not report.responses:
        lines.append(_t("none", lang))
    sections = [
        ("overall", [report.overall]), ("aspects", report.aspects),
        ("questions", report.questions), ("points", report.service_points),
    ]  # fmt: skip
    lines += ["", f"{_t('summary', lang)}", _t("head", lang)]
    for key, groups in sections:
        lines.append(f"-- {_t(key, lang)}")
        lines += [score_line(g) for g in groups]
    lines += ["", _t("levels", lang), _t("levels_head", lang)]
    for key, groups in sections:
        lines.append(f"-- {_t(key, lang)}")
        lines += [levels_line(g) for g in groups]
    lines.append(_t("small", lang, n=report.min_n))
    lines += ["", _t("trend", lang),
              f"  {_t('previous', lang)} {change_text(report.trend.previous, lang)}",
              f"  {_t('last_year', lang)} {change_text(report.trend.last_year, lang)}"]  # fmt: skip
    lines += ["", _t("monthly", lang)]
    lines += [f"  {_pad(month_label(m, lang), 12)} {c:>5}" for m, c in report.monthly]
    for key, pairs in (("by_service", report.by_service), ("by_gender", report.by_gender),
                       ("by_age", report.by_age)):  # fmt: skip
        lines += ["", _t(key, lang)]
        lines += [f"  {count:>5}  {name}" for name, count in pairs]
    lines += ["", _t("comments", lang)]
    for theme in report.comments:
        lines.append(f"  {theme.label} ({theme.count})")
        lines += [f"{COMMENT_LINE}{c.text}" + (f" (×{c.count})" if c.count > 1 else "") for c in theme.comments]
    return "\n".join(lines)


def _scores_args(p: argparse.ArgumentParser) -> None:
    round_arguments(p)
    p.add_argument("--json", action="store_true",
                   help="print every figure as JSON (overall, aspects, questions, service points, trend, ...)")  # fmt: skip


@command("scores", "Satisfaction scores of a round from the form responses",
         "Reads the Google Form responses sheet and prints, for the round, per question, per aspect, "
         "overall and per service point: n, answers at each level, mean, S.D., satisfaction %, "
         "share of 4–5 answers, band and 95% confidence interval; the trend against earlier rounds; "
         "responses per month, service point, gender and age; and the comments by theme.")  # fmt: skip
@arguments(_scores_args)
def cmd_scores(args: argparse.Namespace, settings: Settings) -> int:
    from automation.commands import read_tables, warn_empty_round

    rnd = chosen_round(args, settings)
    tables = read_tables(settings)
    lang = settings.run.language
    report = compute_scores(settings, tables["responses"], rnd, lang)
    warn_empty_round(settings, rnd, responses=report.responses)
    if args.json:
        print_json(report.as_json())
    else:
        print(render(report, lang, settings.run.digits))
    return 0
