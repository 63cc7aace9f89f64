"""`deadlines` and `complaints` commands: what is late, what is due soon, complaint figures."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from automation.cli import arguments, command, print_json
from automation.commands import chosen_round, read_tables, round_arguments, screen_digits, warn_empty_round
from automation.settings import Settings

if TYPE_CHECKING:
    from automation.complaints import ComplaintStats
    from automation.deadlines import DeadlineItem


_KIND = {
    "th": {"step": "ขั้นตอน", "measure": "มาตรการ", "complaint": "เรื่องร้องเรียน"},
    "en": {"step": "step", "measure": "measure", "complaint": "complaint"},
}
_STATUS = {
    "th": {"overdue": "เลยกำหนด", "due_soon": "ใกล้ครบกำหนด", "ok": "ปกติ"},
    "en": {"overdue": "overdue", "due_soon": "due soon", "ok": "ok"},
}


def _deadlines_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="print every item as JSON: kind, id, unit, due_date, status, days_late")
    p.add_argument("--all", action="store_true", help="also list items that are not late or due soon")


@command("deadlines", "List overdue and due-soon steps, measures and complaints by unit",
         "Works out each step's and complaint's due date (measure cadence, grace period, Thai "
         "working days for complaint limits counted in working days) and prints what each unit "
         "owes, oldest first. Reads the workbook only; `run` writes the findings.")
@arguments(_deadlines_args)
def cmd_deadlines(args: argparse.Namespace, settings: Settings) -> int:
    from automation.cells import show_date
    from automation.deadlines import NO_UNIT, compute_deadlines
    from automation.thaidate import format_date

    lang = settings.run.language
    today = settings.today()
    report = compute_deadlines(settings, read_tables(settings), today, lang)
    if args.json:
        items = report.items if args.all else report.overdue + report.due_soon
        keys = ("kind", "id", "title", "unit", "due_date", "status", "days_late", "days_left", "checkpoint")
        print_json([{k: i.as_json()[k] for k in keys} for i in items])
        return 0
    words, kinds = _STATUS[lang], _KIND[lang]
    if args.all:
        groups: dict[str, list[DeadlineItem]] = {}
        for item in report.items:
            groups.setdefault(item.unit, []).append(item)
    else:
        groups = report.by_unit()
    heading = "As of" if lang == "en" else "ณ วันที่"
    # Dates and counts in the office's digits; ids and titles as staff typed them.
    style = settings.run.digits if lang != "en" else "arabic"
    print(f"{heading} {format_date(today, lang, style)}")
    for unit, items in sorted(groups.items()):
        print(f"\n{unit or NO_UNIT[lang]}")
        for i in items:
            due = screen_digits(show_date(i.due_date, lang), settings)
            print(f"  {words[i.status]:12} {due}  {kinds[i.kind]} {i.item_id}  "
                  f"{i.title}  {screen_digits(_days(i, lang), settings)}".rstrip())
    if lang == "en":
        print(f"\noverdue {len(report.overdue)}, due soon {len(report.due_soon)}")
    else:
        print(screen_digits(f"\nเลยกำหนด {len(report.overdue)} รายการ ใกล้ครบกำหนด {len(report.due_soon)} รายการ",
                            settings))
    return 0


def _days(item: DeadlineItem, lang: str) -> str:
    """How late, or how soon: '12 days late', 'เลยมา 12 วัน', 'อีก 3 วัน', 'วันนี้'."""
    en = lang == "en"
    if item.status == "overdue":
        return f"{_n_days(item.days_late)} late" if en else f"เลยมา {item.days_late} วัน"
    if item.days_left is None:
        return ""
    if item.days_left == 0:
        return "due today" if en else "ครบกำหนดวันนี้"
    return f"in {_n_days(item.days_left)}" if en else f"อีก {item.days_left} วัน"


def _n_days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _complaints_args(p: argparse.ArgumentParser) -> None:
    round_arguments(p)
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")


@command("complaints", "Print complaint statistics for a round (channels, categories, time to close)",
         "Counts the round's complaints by channel, category, status and unit, with closed, open, "
         "overdue, closed late and the mean and median time to close; corruption complaints also "
         "on their own. Never shows complainants' names or contacts.")
@arguments(_complaints_args)
def cmd_complaints(args: argparse.Namespace, settings: Settings) -> int:
    from automation.complaints import complaint_statistics
    from automation.reports.figures import report_day

    lang = settings.run.language
    round_ = chosen_round(args, settings)
    # Without --round/--fiscal-year: today's standing of the round due (what the scheduled run
    # counts). A round named on the command line: as of its last day once it has closed, the
    # figures its report states (automation.reports.figures.report_day), drafted when it may.
    named = args.round is not None or args.fiscal_year is not None
    as_of = report_day(settings, round_, settings.today()) if named else settings.today()
    stats = complaint_statistics(settings, read_tables(settings)["complaints"], round_, as_of, lang)
    warn_empty_round(settings, round_, complaints=stats.total)
    if args.json:
        print_json(stats.as_json())
        return 0
    print(_stats_text(stats, lang, settings.run.digits))
    return 0


def _stats_text(stats: ComplaintStats, lang: str, style: str = "arabic") -> str:
    """The statistics; in Thai, numbers in the office's digits (labels such as the channel
    สายด่วน 1111 stay as the vocabulary spells them)."""
    from automation.thaidate import digits

    en = lang == "en"
    style = "arabic" if en else style
    unit = ("working days" if stats.basis == "working" else "days") if en else (
        "วันทำการ" if stats.basis == "working" else "วัน")

    def n(value: object) -> str:
        return digits(str(value), style)  # type: ignore[arg-type]

    def days(value: float | None) -> str:
        return "-" if value is None else f"{n(f'{value:.1f}')} {unit}"

    from automation.cells import show_date

    if en:
        span = f"{stats.round.start.isoformat()} – {stats.round.end.isoformat()}"
    else:
        span = n(f"{show_date(stats.round.start, lang)} – {show_date(stats.round.end, lang)}")
    as_of = (f"as of {stats.today.isoformat()}" if en else
             n(f"ณ วันที่ {show_date(stats.today, lang)}"))  # the day the figures stand on
    lines = [stats.round.label(lang, style), f"{span} ({as_of})"]
    if en:
        lines.append(f"total {stats.total}: closed {stats.closed} (late {stats.closed_late}), open {stats.open}, "
                     f"overdue {stats.overdue}; time to close mean {days(stats.mean_days_to_close)}, "
                     f"median {days(stats.median_days_to_close)}")
    else:
        lines.append(f"ทั้งหมด {n(stats.total)} เรื่อง: ยุติแล้ว {n(stats.closed)} (เกินกำหนด {n(stats.closed_late)}) "
                     f"คงค้าง {n(stats.open)} เลยกำหนด {n(stats.overdue)}; ระยะเวลาดำเนินการเฉลี่ย "
                     f"{days(stats.mean_days_to_close)} มัธยฐาน {days(stats.median_days_to_close)}")
    titles = (("by channel", "by category", "by status", "by unit") if en
              else ("ตามช่องทาง", "ตามประเภทเรื่อง", "ตามสถานะ", "ตามหน่วยงาน"))
    for title, rows in zip(titles, (stats.by_channel, stats.by_category, stats.by_status, stats.by_unit),
                           strict=True):
        lines.append(f"  {title}: " + ", ".join(f"{label} {n(count)}" for label, count in rows))
    if stats.corruption is not None:
        c = stats.corruption
        head = "corruption complaints" if en else "เรื่องร้องเรียนการทุจริต"
        lines.append(f"  {head}: {c.total} (closed {c.closed}, open {c.open}, overdue {c.overdue})" if en else
                     f"  {head}: {n(c.total)} เรื่อง (ยุติแล้ว {n(c.closed)} คงค้าง {n(c.open)} เลยกำหนด {n(c.overdue)})")
    if stats.unreadable:
        lines.append(f"  ({stats.unreadable} rows without a readable received date)" if en else
                     f"  (มี {n(stats.unreadable)} แถวที่อ่านวันที่รับเรื่องไม่ได้ จึงไม่นับ)")
    return "\n".join(lines)
