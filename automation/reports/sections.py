"""The report's sections as text: measures, overdue items, satisfaction, complaints, summary.

Each function turns figures into rows of ready-to-print strings (language and digits already
applied), so the Word template and the public page only place them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from automation.reports.charts import Chart
from automation.reports.measures import DONE, IN_PROGRESS, MEASURE_STATUS, NOT_STARTED
from automation.schema import CATEGORIES, CHANNELS, COMPLAINT_STATUS
from automation.settings import Settings
from automation.thaidate import MONTHS_ABBR, MONTHS_EN, MONTHS_FULL, FiscalRound, be_year

if TYPE_CHECKING:
    from automation.reports.figures import Figures, Numbers, Privacy

NOT_AVAILABLE = {
    "th": "ยังไม่มีข้อมูล{what} (ส่วนประมวลผลยังไม่พร้อมใช้งาน: {why})",
    "en": "No {what} figures are available ({why})",
}
WHAT = {
    "satisfaction": {"th": "ผลการประเมินความพึงพอใจ", "en": "satisfaction"},
    "complaints": {"th": "สถิติเรื่องร้องเรียน", "en": "complaint"},
    "deadlines": {"th": "รายการที่เกินกำหนด", "en": "overdue"},
}
KIND_NAMES = {
    "th": {"step": "ขั้นตอน", "measure": "มาตรการ", "complaint": "เรื่องร้องเรียน"},
    "en": {"step": "Step", "measure": "Measure", "complaint": "Complaint"},
}
# What an overdue item has failed to do, by the deadline it missed (automation.deadlines).
CHECKPOINT_STATE = {
    "th": {"round1": "ยังไม่เริ่มดำเนินการ", "year_end": "ยังไม่แล้วเสร็จ", "due_date": "ยังไม่แล้วเสร็จ",
           "acknowledge": "ยังไม่แจ้งรับเรื่อง", "close": "ยังไม่ยุติเรื่อง"},
    "en": {"round1": "not started", "year_end": "not done", "due_date": "not done",
           "acknowledge": "not acknowledged", "close": "not closed"},
}  # fmt: skip


# Whether a change of the satisfaction mean is larger than the noise (Welch's t test at 95%,
# การทดสอบค่าทีแบบเวลช์ in a Thai report: no English in a Thai report).
SIGNIFICANCE = {
    "th": {True: "ซึ่งแตกต่างอย่างมีนัยสำคัญทางสถิติที่ระดับ 0.05",
           False: "ซึ่งไม่แตกต่างอย่างมีนัยสำคัญทางสถิติ",
           None: "(ผู้ตอบน้อยเกินกว่าจะทดสอบนัยสำคัญทางสถิติ)"},
    "en": {True: "a statistically significant change at the 5% level",
           False: "within the noise: not statistically significant",
           None: "too few respondents to test"},
}  # fmt: skip


def _count(n: int, noun: str) -> str:
    """'1 step', '2 steps' (English only)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _t(lang: str, th: str, en: str) -> str:
    return en if lang == "en" else th


def _key(lang: str) -> str:
    return "en" if lang == "en" else "th"


def _share(part: float, whole: float) -> float | None:
    return part / whole * 100 if whole else None


def _note(part: str, why: str, lang: str) -> str:
    return NOT_AVAILABLE[_key(lang)].format(what=WHAT[part][_key(lang)], why=why)


def round_name(round: FiscalRound, num: Numbers) -> str:
    if num.lang == "en":
        return "6-month round" if round.kind == "h1" else "annual round (12 months)"
    return num.d("รอบ 6 เดือน" if round.kind == "h1" else "รอบ 12 เดือน (ประจำปี)")


def period(round: FiscalRound, num: Numbers) -> str:
    """'ระหว่างวันที่ ๑ ตุลาคม ๒๕๖๖ ถึงวันที่ ๓๑ มีนาคม ๒๕๖๗'."""
    if num.lang == "en":
        return f"from {num.date(round.start)} to {num.date(round.end)}"
    return f"ระหว่างวันที่ {num.date(round.start)} ถึงวันที่ {num.date(round.end)}"


def _first_only(rows: list[dict[str, Any]], key: str) -> None:
    """Blank a repeated group label after its first row: the table reads as grouped."""
    previous = None
    for row in rows:
        if row[key] == previous:
            row[key] = ""
        else:
            previous = row[key]


# ------------------------------------------------------------------ measures


LINK_WORD = {"th": "ลิงก์", "en": "Link"}
# A link as staff paste it, up to the first space; a trailing bracket or full stop is prose.
_URL = re.compile(r"https?://[^\s<>\"]+")
_URL_TAIL = ".,;:)]}>\"'"


def evidence_parts(text: str) -> tuple[str, list[str]]:
    """(the words around the links, the links) of an evidence cell: "ดูแฟ้ม https://a.go.th/x"
    gives ("ดูแฟ้ม", ["https://a.go.th/x"])."""
    urls = [m.rstrip(_URL_TAIL) for m in _URL.findall(text)]
    words = " ".join(_URL.sub(" ", text).split())
    return words, [u for u in urls if len(u) > len("https://")]


def measures_section(fig: Figures, num: Numbers, privacy: Privacy) -> dict[str, Any]:
    """The per-measure summary and the step-by-step table. An evidence link is shown in its
    narrow column as a short numbered hyperlink ("ลิงก์ ๓"): a long address would break letter
    by letter there. The list of links under the table gives each address in full, so a
    printed report keeps them; links keep Arabic digits.

    The public edition shows the plan (measures, steps, units: the office's own published
    labels) and each step's status, but no result or evidence text: that is what staff typed."""
    status_names = MEASURE_STATUS[_key(num.lang)]
    word = LINK_WORD[_key(num.lang)]
    public = privacy.public
    rows, links = [], []
    for m in fig.measures.measures:
        for s in m.steps:
            # A step finished after the as-of day was still in progress then: its later result
            # and evidence belong to the report of the round it was finished in.
            words, urls = ("", []) if public else evidence_parts("" if s.done_later else s.evidence_url)
            row_links = []
            for url in urls:
                links.append({"no": num.int(len(links) + 1), "label": f"{word} {num.int(len(links) + 1)}",
                              "url": url, "step": num.d(f"{_t(num.lang, 'ขั้นตอน', 'step')} {m.no}.{s.step_no}")})
                row_links.append(links[-1])
            rows.append({
                "measure": num.int(m.no),  # the title is in the summary table above
                # Staff's words as typed (ISO 9001 stays ISO 9001); only our numbering in office digits.
                "step": f"{num.int(s.step_no)}. {privacy.scrub(s.step)}",
                "unit": privacy.scrub(s.unit),
                "status": s.status_label + (f" ({num.cell_date(s.done_date)})" if s.status == DONE and s.done_date
                                            else ""),
                "result": "–" if public else ("" if s.done_later else privacy.scrub(s.result)) or "–",
                # Plain text for any reader of the context; the Word renderer makes the links.
                "evidence": " ".join([privacy.scrub(words), *(link["label"] for link in row_links)]).strip()
                            or "–",
                "evidence_text": privacy.scrub(words),
                "links": row_links,
            })
    _first_only(rows, "measure")
    per_measure = [
        {
            "no": num.int(m.no), "title": privacy.scrub(m.title), "units": privacy.scrub(", ".join(m.units)),
            "steps": num.int(len(m.counted)), "done": num.int(m.count(DONE)),
            "status": status_names[m.status],
        }
        for m in fig.measures.measures
    ]
    p = fig.measures
    return {
        "rows": rows,
        "links": links,
        "per_measure": per_measure,
        "empty": not rows,
        "count": num.int(len(p.measures)),
        "done": num.int(p.measures_with(DONE)),
        "steps": num.int(p.steps_counted),
        "steps_done": num.int(p.steps_with(DONE)),
    }


# ------------------------------------------------------------------ overdue items


def overdue_items(fig: Figures, status: str = "overdue") -> list[Any]:
    """The report's overdue steps (its fiscal year's) and the round's own complaints overdue
    on `as_of` — the same complaints the statistics count as overdue. Complaints of earlier
    years still open are the carried-over list, not these.

    Measure-level items are left out: their steps are listed one by one already.
    """
    if fig.deadlines is None:
        return []
    received = fig.deadlines.received_dates()  # from the columns: no timeline per complaint made
    keep = []
    for item in fig.deadlines.with_status(status):
        if item.kind == "step" and item.fiscal_year == fig.round.fiscal_year:
            keep.append(item)
        elif item.kind == "complaint" and item.row in received and fig.round.contains(received[item.row]):
            keep.append(item)
    return keep


def carried_over_rows(fig: Figures, num: Numbers, privacy: Privacy) -> list[dict[str, str]]:
    """Complaints received in an earlier fiscal year and still open on the as-of day: named by
    their register numbers exactly as typed (ร68-018 must still match the register). The public
    edition has no such rows: it publishes counts, not rows about an individual complaint (its
    summary still counts them)."""
    if fig.complaints is None or privacy.public:
        return []
    lang = num.lang
    return [
        {"id": t.complaint_id or _t(lang, f"แถว {num.int(t.row)}", f"row {t.row}"),
         "received": num.cell_date(t.received),
         "unit": t.unit or _t(lang, "ไม่ระบุหน่วยงาน", "No unit"),
         "days_late": num.int(t.days_late) if t.status == "overdue" else _t(lang, "ยังไม่เกินกำหนด", "not yet due")}
        for t in fig.complaints.carried_over
    ]


def overdue_section(fig: Figures, num: Numbers, privacy: Privacy) -> dict[str, Any]:
    """Overdue steps and complaints, one row each. The public edition lists the plan's steps
    only: a complaint's row would carry its subject, and an individual complaint (a corruption
    complaint above all) is published only as a count."""
    lang = num.lang
    if fig.deadlines is None:
        return {"available": False, "note": _note("deadlines", fig.missing.get("deadlines", ""), lang),
                "rows": [], "empty": True, "carried": carried_over_rows(fig, num, privacy)}
    items = sorted(overdue_items(fig), key=lambda i: (i.unit or "~", i.due_date, i.item_id))
    complaints = sum(1 for i in items if i.kind == "complaint")
    if privacy.public:
        items = [i for i in items if i.kind != "complaint"]
    kinds, states = KIND_NAMES[_key(lang)], CHECKPOINT_STATE[_key(lang)]
    rows = []
    for i in items:
        state = states.get(i.checkpoint, "")
        rows.append({
            "unit": privacy.scrub(i.unit) or _t(lang, "ไม่ระบุหน่วยงาน", "No unit"),
            "kind": kinds.get(i.kind, i.kind),
            # Identifiers and staff's words as typed; only the state is the service's own text.
            "item": privacy.scrub(f"{i.item_id} {i.title}".strip() + (f" ({state})" if state else "")),
            "due": num.cell_date(i.due_date),
            "days_late": num.int(i.days_late),
        })
    _first_only(rows, "unit")
    listed = len(rows)
    if privacy.public and complaints:
        # Counted, not left out: without this row the public edition said "no overdue items"
        # while its own summary counted an overdue complaint.
        rows.append({
            "unit": "–",
            "kind": kinds["complaint"],
            "item": _t(lang, f"เรื่องร้องเรียนที่เกินกำหนด {num.int(complaints)} เรื่อง (ฉบับเผยแพร่แสดงเฉพาะจำนวน)",
                       f"{complaints} overdue complaint(s) (the public edition gives the count only)"),
            "due": "–",
            "days_late": "–",
        })
    soon = overdue_items(fig, "due_soon")
    return {
        "available": True,
        "note": "",
        "rows": rows,
        "empty": not rows,
        "count": num.int(listed + (complaints if privacy.public else 0)),
        "steps": sum(1 for i in items if i.kind == "step"),
        "complaints": complaints,
        "steps_due_soon": sum(1 for i in soon if i.kind == "step"),
        "as_of": num.date(fig.as_of),
        "carried": carried_over_rows(fig, num, privacy),
    }


# ------------------------------------------------------------------ satisfaction


def _score_row(g: Any, num: Numbers, label: str | None = None) -> dict[str, Any]:
    return {
        "key": g.key,
        "label": num.d(label or g.label) + (" *" if g.small_n else ""),
        "n": num.int(g.n),
        "respondents": num.int(g.respondents),
        "mean": num.dec(g.mean),
        "sd": num.dec(g.sd),
        "percent": num.dec(g.percent),
        "band": g.band or "–",
        "small_n": g.small_n,
    }


def _levels_row(g: Any, num: Numbers) -> dict[str, Any]:
    row = {"label": num.d(g.label)}
    for level in (5, 4, 3, 2, 1):
        count = g.counts.get(level, 0)
        row[f"l{level}"] = f"{num.int(count)} ({num.dec(_share(count, g.n), 1)})" if g.n else "–"
    return row


def ascii_names(settings: Settings) -> dict[str, str]:
    """English names for chart labels when no Thai font is installed."""
    names = {c.th: c.en for group in (CHANNELS, CATEGORIES, COMPLAINT_STATUS) for c in group}
    names.update({label: key for key, label in settings.survey.aspects.items()})
    names.update({q.label: q.key for q in settings.survey.questions})
    names.update({p.name: p.key for p in settings.survey.service_points})
    return names


def change_words(delta: float | None, num: Numbers, places: int = 2) -> str:
    """'เพิ่มขึ้น ๐.๑๒' / 'ลดลง ๐.๐๒' / 'เท่าเดิม' (rounded as printed)."""
    if delta is None:
        return ""
    delta = round(delta, places)
    if num.lang == "en":
        word = "up" if delta > 0 else "down" if delta < 0 else "unchanged"
    else:
        word = "เพิ่มขึ้น" if delta > 0 else "ลดลง" if delta < 0 else "เท่าเดิม"
    return f"{word} {num.dec(abs(delta), places)}" if delta else word


# The trend table's verdict: is the change larger than the noise (Welch's t test at 95%)?
# None: a side has fewer than two respondents; "none": a side has no answers at all.
TREND_VERDICT = {
    "th": {True: "แตกต่าง", False: "ไม่แตกต่าง", None: "ผู้ตอบน้อยเกินกว่าจะบอกได้", "none": "ไม่มีข้อมูล"},
    "en": {True: "Yes", False: "No", None: "Too few to tell", "none": "No data"},
}  # fmt: skip


def printed_difference(this: float | None, other: float | None, places: int = 2) -> float | None:
    """The difference of two means as printed: 4.10 − 4.11 = −0.01 even when the unrounded
    means differ by 0.015, so a reader who subtracts the printed figures gets the printed change."""
    if this is None or other is None:
        return None
    return round(round(this, places) - round(other, places), places)


def signed_change(delta: float, num: Numbers, places: int = 2) -> str:
    """'+๐.๑๒', '-๐.๐๒', or '๐.๐๐' when it rounds to nothing (never '-๐.๐๐')."""
    text = f"{delta:+.{places}f}"
    if float(text) == 0:
        text = f"{0:.{places}f}"
    return num.d(text)


def _trend_side(change: Any, this_mean: float | None, min_n: int, num: Numbers) -> dict[str, Any]:
    """One comparison's cells: the other round's mean, the change, and the verdict."""
    verdicts = TREND_VERDICT[_key(num.lang)]
    if change is None:
        return {"mean": "–", "change": "–", "verdict": verdicts["none"], "significant": None, "small_n": False}
    few = change.other_respondents < min_n
    delta = printed_difference(this_mean, change.other_mean)
    return {
        "mean": num.dec(change.other_mean) + (" *" if few else ""),
        "change": signed_change(change.change if delta is None else delta, num),
        "verdict": verdicts[change.significant],
        "significant": change.significant,
        "small_n": few,
    }


def trend_table(sr: Any, min_n: int, num: Numbers) -> dict[str, Any]:
    """The trend as the executives read it: each aspect and the overall mean this round, against
    the previous round and the same round last year (the rounds automation.satisfaction compares)."""
    groups = {g.key: g for g in sr.aspects}
    rows = []
    for trend, group, total in [*((t, groups.get(t.key), False) for t in sr.trend.aspects),
                                (sr.trend.overall, sr.overall, True)]:
        rows.append({
            "label": num.d(trend.label),
            "mean": num.dec(group.mean if group else None) + (" *" if group and group.small_n else ""),
            "prev": _trend_side(trend.previous, group.mean if group else None, min_n, num),
            "last": _trend_side(trend.last_year, group.mean if group else None, min_n, num),
            "total": total,
        })
    return {
        "rows": rows,
        "previous_round": sr.round.previous().label(num.lang, num.style),
        "last_year_round": sr.round.same_round_last_year().label(num.lang, num.style),
        # An annual round's previous round is its own first half: the two share answers.
        "overlap": sr.round.previous().fiscal_year == sr.round.fiscal_year,
        "small_n": any(r["prev"]["small_n"] or r["last"]["small_n"] or r["mean"].endswith("*") for r in rows),
    }


def _month_name(day: dt.date, num: Numbers) -> str:
    """'ตุลาคม ๒๕๖๘' / 'October 2025'."""
    if num.lang == "en":
        return f"{MONTHS_EN[day.month - 1]} {day.year}"
    return num.d(f"{MONTHS_FULL[day.month - 1]} {be_year(day.year)}")


def _month(day: dt.date, num: Numbers) -> str:
    if num.lang == "en":
        return f"{MONTHS_EN[day.month - 1][:3]} {day.year % 100:02d}"
    return num.d(f"{MONTHS_ABBR[day.month - 1]} {be_year(day.year) % 100:02d}")


def satisfaction_section(settings: Settings, fig: Figures, num: Numbers, privacy: Privacy) -> dict[str, Any]:
    lang = num.lang
    sr = fig.satisfaction
    if sr is None:
        return {"available": False, "note": _note("satisfaction", fig.missing.get("satisfaction", ""), lang)}
    names = ascii_names(settings)
    charts = {
        "aspects": Chart(
            "satisfaction-aspects", _t(lang, "ค่าเฉลี่ยความพึงพอใจรายด้าน (คะแนนเต็ม 5)", "Mean by aspect (of 5)"),
            [a.label for a in sr.aspects], [a.mean or 0.0 for a in sr.aspects], xmax=5,
            ascii_title="Mean satisfaction by aspect (of 5)", ascii_labels=[a.key for a in sr.aspects], lang=lang,
        ),
        "monthly": Chart(
            "satisfaction-monthly", _t(lang, "จำนวนผู้ตอบแบบประเมินรายเดือน", "Responses per month"),
            [_month(m, num) for m, _c in sr.monthly], [float(c) for _m, c in sr.monthly], kind="bar",
            value_format="{:.0f}", ascii_title="Responses per month",
            ascii_labels=[f"{m.year}-{m.month:02d}" for m, _c in sr.monthly], lang=lang, unit=_t(lang, "ราย", ""),
        ),
        "points": Chart(
            "satisfaction-services", _t(lang, "ค่าเฉลี่ยความพึงพอใจจำแนกตามงานบริการ", "Mean by service"),
            [p.label for p in sr.service_points], [p.mean or 0.0 for p in sr.service_points], xmax=5,
            ascii_title="Mean satisfaction by service (of 5)",
            ascii_labels=[names.get(p.label, p.key) for p in sr.service_points], lang=lang,
        ),
    }
    comments = []
    if privacy.public and privacy.allows("comment"):
        # Counts by theme, labelled with the theme's own name: no citizen's words are published.
        comments = [{"text": theme.label, "count": num.int(theme.count)} for theme in sr.comments]
    elif privacy.allows("comment"):
        for theme in sr.comments:  # cleaned, de-duplicated and themed by automation.comments
            quotes = " / ".join(f"“{privacy.scrub(text)}”" for text in theme.examples[:3])
            comments.append({"text": f"{theme.label}: {quotes}", "count": num.int(theme.count)})
    change = sr.trend.previous
    groups = [sr.overall, *sr.aspects, *sr.questions, *sr.service_points]
    trend = trend_table(sr, settings.survey.min_n, num)
    # No claim without data: with no earlier round to compare with, one sentence, no table.
    compared = any(r[side]["significant"] is not None or r[side]["mean"] != "–"
                   for r in trend["rows"] for side in ("prev", "last"))
    unscored = sr.responses - sr.overall.respondents
    excluded = []
    if sr.excluded_total:
        excluded.append(_t(lang, f"คำตอบที่ไม่สามารถนำมาคำนวณได้ {num.int(sr.excluded_total)} รายการ",
                           f"{_count(sr.excluded_total, 'answer')} could not be scored"))
    if unscored:
        excluded.append(_t(lang, f"แบบประเมิน {num.int(unscored)} ฉบับไม่ได้ให้คะแนนข้อใดเลย จึงไม่นับเป็นผู้ตอบ",
                           f"{_count(unscored, 'form')} rated nothing and {'is' if unscored == 1 else 'are'} "
                           "not counted as respondents"))
    return {
        "available": True,
        "note": "",
        # People who rated at least one question: the count every table uses. A form that
        # rated nothing is not a respondent; the excluded-answers line says how many there were.
        "n": num.int(sr.overall.respondents),
        "forms": num.int(sr.responses),
        "unscored_forms": num.int(sr.responses - sr.overall.respondents),
        "has_unscored_forms": sr.responses > sr.overall.respondents,
        "empty": sr.overall.respondents == 0,
        "empty_note": _t(lang, "ไม่มีผู้ตอบแบบประเมินความพึงพอใจในรอบนี้", "Nobody answered the survey in this round."),
        # Beside the scores it qualifies ("" when every answer counted).
        "excluded_line": (" และ".join(excluded) if lang != "en" else "; ".join(excluded).capitalize() + ".")
                         if excluded else "",
        "overall": _score_row(sr.overall, num),
        "aspects": [_score_row(a, num) for a in sr.aspects],
        "questions": [_score_row(q, num) for q in sr.questions],
        "levels": [_levels_row(q, num) for q in sr.questions],
        "points": [_score_row(p, num) for p in sr.service_points],
        "comments": comments,
        "excluded": num.int(sr.excluded_total),
        "small_n": any(g.small_n for g in groups) or trend["small_n"],
        "small_n_note": _t(lang, f"* จำนวนผู้ตอบน้อยกว่า {num.int(settings.survey.min_n)} ราย ควรใช้ผลด้วยความระมัดระวัง",
                           f"* fewer than {settings.survey.min_n} people answered: read with care"),
        "change": change_words(printed_difference(sr.overall.mean, change.other_mean), num) if change else "",
        "prev_mean": num.dec(change.other_mean) if change else "",
        "significant": change.significant if change else None,
        "trend": trend if compared else {},
        "trend_none": _t(lang, "ยังไม่มีผลการประเมินของรอบก่อนหรือรอบเดียวกันของปีก่อนให้เปรียบเทียบ",
                         "There is no earlier round to compare with."),
        "charts": charts,
        "has_monthly": bool(sr.monthly),
        # The monthly chart's figures as a table too (the page shows both; a chart alone is
        # lost on a screen reader and on a phone).
        "monthly": [{"month": _month_name(m, num), "count": num.int(c)} for m, c in sr.monthly],
    }


# ------------------------------------------------------------------ complaints


def _group_rows(group: str, pairs: list[tuple[str, int]], total: int, num: Numbers) -> list[dict[str, str]]:
    rows = [
        {"group": group, "label": label, "count": num.int(count), "share": num.dec(_share(count, total), 1)}
        for label, count in pairs
    ]
    return rows


def complaint_facts(cs: Any, num: Numbers, prev: int | None = None, zeros: bool = True) -> dict[str, Any]:
    """The figures table and the by-channel/category/status/unit table of a ComplaintStats;
    `prev`: the complaints received in the same round last year; `zeros=False` leaves out
    empty lines (the corruption table would be mostly zeros)."""
    lang = num.lang
    groups = [
        *_group_rows(_t(lang, "ช่องทาง", "Channel"), cs.by_channel, cs.total, num),
        *_group_rows(_t(lang, "ประเภทเรื่อง", "Category"), cs.by_category, cs.total, num),
        *_group_rows(_t(lang, "สถานะ", "Status"), cs.by_status, cs.total, num),
        *_group_rows(_t(lang, "หน่วยงาน", "Unit"), cs.by_unit, cs.total, num),
    ]
    if not zeros:
        groups = [g for g in groups if g["count"] != num.int(0)]
    # For the page: each group once, its rows under it (a header cell spanning them).
    grouped: list[dict[str, Any]] = []
    for row in groups:
        if not grouped or grouped[-1]["name"] != row["group"]:
            grouped.append({"name": row["group"], "rows": []})
        grouped[-1]["rows"].append(row)
    groups = [dict(row) for row in groups]
    _first_only(groups, "group")
    days = _t(lang, " วันทำการ", " working days") if cs.basis == "working" else _t(lang, " วัน", " days")
    facts = [
        (_t(lang, "เรื่องร้องเรียนทั้งหมด", "Complaints received"), num.int(cs.total)),
        (_t(lang, "ยุติเรื่องแล้ว", "Closed"), num.int(cs.closed)),
        (_t(lang, "ยุติภายในกำหนดเวลา", "Closed on time"), num.int(cs.closed_on_time)),
        (_t(lang, "ยุติเกินกำหนดเวลา", "Closed late"), num.int(cs.closed_late)),
        (_t(lang, "อยู่ระหว่างดำเนินการ", "Still open"), num.int(cs.open)),
        (_t(lang, "อยู่ระหว่างดำเนินการและเกินกำหนดเวลา", "Open and past the time limit"), num.int(cs.overdue)),
        (_t(lang, "ระยะเวลาดำเนินการเฉลี่ย", "Mean time to close"),
         num.dec(cs.mean_days_to_close, 1) + (days if cs.mean_days_to_close is not None else "")),
        (_t(lang, "ระยะเวลาดำเนินการ (มัธยฐาน)", "Median time to close"),
         num.dec(cs.median_days_to_close, 1) + (days if cs.median_days_to_close is not None else "")),
    ]
    if prev is not None:
        facts.append((_t(lang, "รอบเดียวกันของปีก่อน (เรื่อง)", "Same round last year"), num.int(prev)))
    return {
        "total": num.int(cs.total),
        "facts": [{"label": k, "value": v} for k, v in facts],
        "groups": groups,
        "grouped": grouped,
        "empty": cs.total == 0,
    }


def complaints_section(settings: Settings, fig: Figures, num: Numbers) -> dict[str, Any]:
    lang = num.lang
    cs = fig.complaints
    if cs is None:
        return {"available": False, "note": _note("complaints", fig.missing.get("complaints", ""), lang)}
    names = ascii_names(settings)
    section = complaint_facts(cs, num, fig.complaints_prev)
    section["corruption"] = complaint_facts(cs.corruption, num, zeros=False) if cs.corruption is not None else None
    charts = {}
    for key, pairs, th, en in (
        ("category", cs.by_category, "เรื่องร้องเรียนจำแนกตามประเภท", "Complaints by category"),
        ("channel", cs.by_channel, "เรื่องร้องเรียนจำแนกตามช่องทาง", "Complaints by channel"),
    ):
        charts[key] = Chart(
            f"complaints-{key}", _t(lang, th, en), [label for label, _c in pairs],  # as named: สายด่วน 1111
            [float(c) for _l, c in pairs] if cs.total else [], value_format="{:.0f}", ascii_title=en,
            ascii_labels=[names.get(label, label) for label, _c in pairs], lang=lang, unit=_t(lang, "เรื่อง", ""),
        )
    section.update({"available": True, "note": "", "charts": charts})
    return section


# ------------------------------------------------------------------ summary


def _and(parts: list[str], lang: str) -> str:
    """'a b และ c' / 'a, b and c'."""
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return "".join(parts)
    if lang == "en":
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return " ".join(parts[:-1]) + " และ" + parts[-1]


def as_of_phrase(fig: Figures, num: Numbers) -> str:
    """'ณ วันสิ้นรอบ (๓๑ มีนาคม ๒๕๖๙)' for a closed round; 'ข้อมูลถึงวันที่ …' for one still running."""
    if fig.partial:
        return _t(num.lang, f"ข้อมูลถึงวันที่ {num.date(fig.as_of)}", f"figures up to {num.date(fig.as_of)}")
    return _t(num.lang, f"ณ วันสิ้นรอบ ({num.date(fig.as_of)})", f"at the end of the round ({num.date(fig.as_of)})")


def _measures_paragraph(settings: Settings, fig: Figures, num: Numbers, office: str) -> str:
    lang, r = num.lang, fig.round
    p, prev = fig.measures, fig.measures_prev
    when = as_of_phrase(fig, num)
    if not p.measures:
        return _t(lang, f"ในปีงบประมาณ พ.ศ. {num.d(r.fiscal_year)} {round_name(r, num)} {period(r, num)} "
                        f"ไม่พบมาตรการตามแผนของปีงบประมาณนี้ในชีตมาตรการ",
                  f"The measures sheet has no measures for fiscal year {r.fiscal_year} BE.")
    share_now = _share(p.steps_with(DONE), p.steps_counted)
    share_prev = _share(prev.steps_with(DONE), prev.steps_counted)
    prev_name = r.previous().label(lang, num.style)
    counts = [(p.measures_with(DONE), "done"), (p.measures_with(IN_PROGRESS), "in_progress"),
              (p.measures_with(NOT_STARTED), "not_started")]
    done_steps = p.steps_with(DONE)
    if lang == "en":
        words = {"done": "done", "in_progress": "in progress", "not_started": "not started"}
        text = (f"In the {round_name(r, num)} of fiscal year {r.fiscal_year} BE ({period(r, num)}), {office} "
                f"had {_count(len(p.measures), 'measure')} with {_count(p.steps_counted, 'step')}. "
                f"{when[0].upper() + when[1:]}: "
                + _and([f"{n} {words[k]}" for n, k in counts if n], lang)
                + (f"; {done_steps} of {p.steps_counted} steps done ({num.dec(share_now)}%)." if done_steps
                   else "; no step was done yet."))
        if share_prev is not None:
            text += f" At the close of the previous round ({prev_name}) {num.dec(share_prev)}% of its steps were done."
        return text
    words = {"done": "ดำเนินการแล้วเสร็จ", "in_progress": "อยู่ระหว่างดำเนินการ", "not_started": "ยังไม่ดำเนินการ"}
    parts = [f"{words[k]} {num.int(n)} มาตรการ" for n, k in counts if n]
    parts += [f"ไม่มีมาตรการที่{words[k]}" for n, k in counts if not n and k == "not_started"]
    text = (f"ในปีงบประมาณ พ.ศ. {num.d(r.fiscal_year)} {round_name(r, num)} {period(r, num)} {office} "
            f"มีมาตรการตามแผนทั้งหมด {num.int(len(p.measures))} มาตรการ รวม {num.int(p.steps_counted)} ขั้นตอน "
            f"{when} " + _and(parts, lang) + " ")
    if done_steps:
        text += (f"ขั้นตอนที่ดำเนินการแล้ว {num.int(done_steps)} จาก {num.int(p.steps_counted)} ขั้นตอน "
                 f"คิดเป็นร้อยละ {num.dec(share_now)}")
    else:
        text += "ยังไม่มีขั้นตอนที่ดำเนินการแล้วเสร็จ"
    if share_prev is not None:
        text += f" ส่วนรอบก่อน ({prev_name}) เมื่อสิ้นรอบดำเนินการแล้วร้อยละ {num.dec(share_prev)}"
    return text


def _overdue_paragraph(settings: Settings, fig: Figures, num: Numbers, overdue: dict[str, Any]) -> str:
    """Late plan steps on the as-of day (late complaints are in the complaints paragraph: one
    number, one place); what falls due soon only while the round is still running."""
    lang = num.lang
    steps, soon = overdue["steps"], overdue["steps_due_soon"]
    days = settings.deadlines.due_soon_days
    if lang == "en":
        text = (f"As of {overdue['as_of']}, " + (f"{_count(steps, 'plan step')} {'was' if steps == 1 else 'were'} "
                                                 f"past {'its' if steps == 1 else 'their'} due date" if steps
                                                 else "no plan step was past its due date"))
        if fig.partial:
            text += (f"; {_count(soon, 'step')} {'falls' if soon == 1 else 'fall'} due within {days} days" if soon
                     else f"; no step falls due within {days} days")
        return text + "."
    text = f"ณ วันที่ {overdue['as_of']} " + (f"มีขั้นตอนตามมาตรการที่เกินกำหนด {num.int(steps)} ขั้นตอน" if steps
                                             else "ไม่มีขั้นตอนตามมาตรการที่เกินกำหนด")
    if fig.partial:
        text += (f" และมีขั้นตอนที่จะครบกำหนดภายใน {num.int(days)} วัน {num.int(soon)} ขั้นตอน" if soon
                 else f" และไม่มีขั้นตอนที่จะครบกำหนดภายใน {num.int(days)} วัน")
    return text


def _complaints_paragraph(fig: Figures, num: Numbers) -> str:
    lang, cs = num.lang, fig.complaints
    corruption = cs.corruption.total if cs.corruption is not None else 0
    prev = fig.complaints_prev
    carried = [t.complaint_id for t in cs.carried_over if t.complaint_id]
    if lang == "en":
        if cs.total:
            text = f"{_count(cs.total, 'complaint')} {'was' if cs.total == 1 else 'were'} received"
            text += ": all closed" if not cs.open else (
                f": {cs.closed} closed, {cs.open} open ("
                + (f"{cs.overdue} past the time limit)" if cs.overdue else "none past the time limit)"))
            text += (f"; {corruption} concerned corruption or misconduct." if corruption
                     else "; none concerned corruption or misconduct.")
        else:
            text = "No complaint was received in this round."
        if prev is not None:
            text += f" The same round last year had {prev}."
        if cs.carried_over:
            text += (f" {_count(len(cs.carried_over), 'complaint')} from earlier years "
                     f"{'is' if len(cs.carried_over) == 1 else 'are'} still open"
                     + (f" ({', '.join(carried)})" if carried else "") + ".")
        return text
    if cs.total:
        text = f"ในรอบนี้มีเรื่องร้องเรียนทั้งหมด {num.int(cs.total)} เรื่อง "
        if not cs.open:
            text += "ยุติเรื่องแล้วทั้งหมด"
        else:
            text += (f"ยุติแล้ว {num.int(cs.closed)} เรื่อง " if cs.closed else "ยังไม่มีเรื่องที่ยุติ ")
            text += f"อยู่ระหว่างดำเนินการ {num.int(cs.open)} เรื่อง "
            text += (f"(เกินกำหนดเวลา {num.int(cs.overdue)} เรื่อง)" if cs.overdue else "(ยังไม่เกินกำหนดเวลา)")
        text += (f" เป็นเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ {num.int(corruption)} เรื่อง" if corruption
                 else " ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ")
    else:
        text = "ในรอบนี้ไม่มีเรื่องร้องเรียน"
    if prev is not None:
        text += (f" เทียบกับรอบเดียวกันของปีก่อน {num.int(prev)} เรื่อง" if prev
                 else " ส่วนรอบเดียวกันของปีก่อนไม่มีเรื่องร้องเรียน")
    if cs.carried_over:
        # Register numbers as typed (ร68-018), so they still match the register.
        text += (f" นอกจากนี้มีเรื่องร้องเรียนยกมาจากปีงบประมาณก่อนที่ยังไม่ยุติ {num.int(len(cs.carried_over))} เรื่อง"
                 + (f" (เลขที่ {' '.join(carried)})" if carried else ""))
    return text


def summary_paragraphs(
    settings: Settings, fig: Figures, num: Numbers, sat: dict[str, Any], cmp: dict[str, Any],
    overdue: dict[str, Any],
) -> list[str]:
    """The summary a coordinator would write, from the figures, sentence by sentence: every
    count once, as of the round's last day (or today while it runs), "ไม่มี…" for none."""
    lang = num.lang
    office = settings.office.short_name or settings.office.name
    if lang == "en":
        office = settings.office.name_en or office
    out = [_measures_paragraph(settings, fig, num, office)]
    if overdue.get("available"):
        out.append(_overdue_paragraph(settings, fig, num, overdue))
    if sat.get("available") and sat.get("empty"):
        out.append(sat["empty_note"])
    elif sat.get("available"):
        o = sat["overall"]
        verdict = SIGNIFICANCE[_key(lang)][sat["significant"]]
        if lang == "en":
            change = f" ({sat['change']} on the previous round's {sat['prev_mean']}, {verdict})" if sat["change"] else ""
            out.append(f"{sat['n']} people answered the satisfaction survey ({o['n']} answers): mean "
                       f"{o['mean']} of 5 ({o['percent']}%), level \"{o['band']}\"{change}.")
        else:
            change = ""
            if sat["change"]:
                change = f" {sat['change']} จากรอบก่อน (ค่าเฉลี่ย {sat['prev_mean']}) {num.d(verdict)}"
            out.append(f"ผลการประเมินความพึงพอใจของผู้รับบริการ จำนวน {sat['n']} ราย ({o['n']} คำตอบ) "
                       f"มีค่าเฉลี่ยโดยรวม {o['mean']} คิดเป็นร้อยละ {o['percent']} อยู่ในระดับ{o['band']}{change}")
    if cmp.get("available"):
        out.append(_complaints_paragraph(fig, num))
    return out
