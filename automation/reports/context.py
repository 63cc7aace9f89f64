"""The report's content, as a plain dictionary the Word template and the public page fill in.

Everything here is pure: figures in (measures, satisfaction, complaints, deadlines), text out,
already in the office's language and digits, so the templates only place it. Charts are left
as `Chart` descriptions; the renderer turns them into pictures.

The public edition (public=True: `report --public` and the public page) is built from counts
and the office's own labels only: counts by theme, category, channel, status, unit and
configured service point, the plan's measures and steps with their status. No comment, complaint
subject, result or evidence text is put into it, so nothing a citizen or staff member typed can
reach it even if masking missed something. The internal edition quotes free text with people
masked (`Privacy.scrub`, i.e. automation.privacy.PeopleMasker).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from automation.reports.charts import Chart
from automation.reports.figures import Figures, Numbers, Privacy, gather_figures, report_day  # noqa: F401
from automation.reports.sections import (
    complaints_section,
    measures_section,
    overdue_section,
    period,
    round_name,
    satisfaction_section,
    summary_paragraphs,
)
from automation.settings import Settings
from automation.tables import Tables

log = logging.getLogger(__name__)

TITLE = {
    "th": "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "en": "Report on the measures to promote integrity and transparency within the organization",
}
PUBLIC_MISSING = {"th": "ข้อมูลยังไม่พร้อม", "en": "not ready"}
PAGE_TITLE = {
    "th": "ผลการประเมินความพึงพอใจและสถิติเรื่องร้องเรียน",
    "en": "Satisfaction survey results and complaint statistics",
}



# ------------------------------------------------------------------ the whole context


def build_context(
    settings: Settings, tables: Tables, fig: Figures, today: dt.date, lang: str = "th", public: bool = False,
    privacy: Privacy | None = None,
) -> dict[str, Any]:
    """The dictionary the templates render: every value already text in the right digits.
    `privacy`: the run's masking (built once for the reports and the page), else built here."""
    num = Numbers(lang, settings.run.digits)
    privacy = privacy.edition(public) if privacy is not None else Privacy(settings, tables, public, lang)
    if public:
        fig = public_figures(fig, lang)
    r = fig.round
    sat = satisfaction_section(settings, fig, num, privacy)
    cmp = complaints_section(settings, fig, num)
    overdue = overdue_section(fig, num, privacy)
    office = settings.office
    return {
        "d": num.d,
        "lang": lang,
        "public": public,
        "office": {
            "name": office.name_en or office.name if lang == "en" else office.name,
            "short_name": office.short_name,
            "district": office.district,
            "province": office.province,
            "executive_title": office.executive_title,
        },
        "title": TITLE["en" if lang == "en" else "th"],
        "page_title": PAGE_TITLE["en" if lang == "en" else "th"],
        "fiscal_year": num.d(r.fiscal_year),
        "round_kind": r.kind,
        "round_name": round_name(r, num),
        "period": period(r, num),
        "drafted": num.date(today),
        # Every figure is as of this day: the round's last, or today while it still runs.
        "as_of": num.date(fig.as_of),
        "partial": fig.partial,
        "partial_note": (f"ข้อมูลถึงวันที่ {num.date(fig.as_of)} (ยังไม่ครบรอบ)" if lang != "en"
                         else f"Figures up to {num.date(fig.as_of)} (the round is not over yet)"),
        "summary": summary_paragraphs(settings, fig, num, sat, cmp, overdue),
        "m": measures_section(fig, num, privacy),
        "overdue": overdue,
        "sat": sat,
        "cmp": cmp,
        "signer": {"name": office.signer_name, "position": office.signer_position},
        "missing": dict(fig.missing),
    }


def public_figures(fig: Figures, lang: str) -> Figures:
    """The figures a public edition may draw on: why a part is missing is an error message,
    which may quote a cell, so it is not published; and a corruption complaint is published
    only as a count: none is named among the complaints carried over from earlier years, and
    the corruption figures are not broken down by unit."""
    from automation.complaints import CORRUPTION

    fig = dataclasses.replace(fig, missing={part: PUBLIC_MISSING[_lang(lang)] for part in fig.missing})
    cs = fig.complaints
    if cs is not None:
        # A unit's count of corruption complaints is often 1: it would name whom one accused.
        corruption = dataclasses.replace(cs.corruption, by_unit=[]) if cs.corruption is not None else None
        fig.complaints = dataclasses.replace(cs, corruption=corruption, carried_over=[
            t for t in cs.carried_over if t.category != CORRUPTION])
    return fig


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "th"


def charts_in(context: Any) -> list[Chart]:
    """Every chart description in a context, wherever it sits."""
    found: list[Chart] = []

    def walk(node: Any) -> None:
        if isinstance(node, Chart):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(context)
    return found


def replace_charts(context: Any, render: Callable[[Chart], Any]) -> Any:
    """A copy of `context` with each `Chart` replaced by what `render` makes of it."""
    if isinstance(context, Chart):
        return render(context)
    if isinstance(context, dict):
        return {k: replace_charts(v, render) for k, v in context.items()}
    if isinstance(context, list):
        return [replace_charts(v, render) for v in context]
    return context

