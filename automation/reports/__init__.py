"""Reports: the 6-month and annual Word drafts, and the public results page.

    build_report(settings, tables, round, today, out=None, public=False, lang=None) -> .docx path
    build_public_page(settings, tables, round, today, out_dir=None, lang=None) -> index.html path
    stage(ctx) -> StageResult   (the `run` pipeline: drafts the report that is due)

File names are ASCII so they survive e-mail, zip files and Windows shares unchanged:
ita-report-<FY>-<h1|annual>.docx, ita-report-<FY>-<round>-public.docx, public/index.html.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from automation.settings import Settings
from automation.stage import drafts_only
from automation.tables import Tables
from automation.thaidate import FiscalRound, round_to_report

if TYPE_CHECKING:
    from automation.reports.context import Figures
    from automation.reports.figures import Privacy
    from automation.stage import RunContext, StageResult

log = logging.getLogger(__name__)


def report_filename(round: FiscalRound, public: bool = False, lang: str = "th") -> str:
    suffix = ("-public" if public else "") + ("-en" if lang == "en" else "")
    return f"ita-report-{round.fiscal_year}-{round.kind}{suffix}.docx"


def build_report(
    settings: Settings,
    tables: Tables,
    round: FiscalRound,
    today: dt.date,
    out: Path | None = None,
    public: bool = False,
    lang: str | None = None,
    figures: Figures | None = None,
    privacy: Privacy | None = None,
) -> Path:
    """Draft the round's report as a .docx (public: private data left out) and return its path.
    `figures` and `privacy` computed already (by the stage, for all its outputs) are reused."""
    from automation.reports.context import build_context, gather_figures
    from automation.reports.docx import render_docx

    lang = lang or settings.run.language
    figures = figures or gather_figures(settings, tables, round, today, lang)
    context = build_context(settings, tables, figures, today, lang, public, privacy)
    out = out or settings.output_dir / report_filename(round, public, lang)
    return render_docx(settings, context, out)


def build_public_page(
    settings: Settings,
    tables: Tables,
    round: FiscalRound,
    today: dt.date,
    out_dir: Path | None = None,
    lang: str | None = None,
    figures: Figures | None = None,
    privacy: Privacy | None = None,
) -> Path:
    """Write the public results page (index.html and its PNG charts) and return index.html."""
    from automation.reports.context import build_context, gather_figures
    from automation.reports.page import render_page

    lang = lang or settings.run.language
    figures = figures or gather_figures(settings, tables, round, today, lang)
    context = build_context(settings, tables, figures, today, lang, public=True, privacy=privacy)
    context["lookup"] = _lookup(settings, tables, round, today, lang)
    return render_page(settings, context, out_dir or settings.output_dir / "public")


def _lookup(settings: Settings, tables: Tables, round: FiscalRound, today: dt.date, lang: str) -> dict:
    """The complaint status table citizens look their case up in (page only, not the report)."""
    from automation.reports.figures import Numbers
    from automation.reports.lookup import complaint_lookup

    return complaint_lookup(settings, tables, round, today, Numbers(lang, settings.run.digits))


@drafts_only
def stage(ctx: RunContext) -> StageResult:
    """Draft the report that is due (the round just closed, or the one in progress) and the
    one before it, which the summary compares with, plus the public page; re-running
    overwrites the same files."""
    from automation.reports.context import gather_figures
    from automation.reports.figures import Privacy
    from automation.stage import StageResult

    settings = ctx.settings
    due = round_to_report(ctx.today, settings.deadlines.report_grace_days)
    figures = gather_figures(settings, ctx.tables, due, ctx.today, ctx.lang, known=ctx.figures)
    # One masking for the three outputs: the private values read once, each text masked once.
    privacy = Privacy(settings, ctx.tables, public=False, lang=ctx.lang)
    outputs = [str(build_report(settings, ctx.tables, due, ctx.today, lang=ctx.lang, figures=figures,
                                privacy=privacy))]
    earlier = due.previous()
    outputs.append(str(build_report(settings, ctx.tables, earlier, ctx.today, lang=ctx.lang, privacy=privacy)))
    page = build_public_page(settings, ctx.tables, due, ctx.today, lang=ctx.lang, figures=figures,
                             privacy=privacy)
    outputs.append(str(page))
    if figures.missing:
        parts = "; ".join(f"{k} ({v})" for k, v in figures.missing.items())
        if ctx.lang == "en":
            log.warning("report drafted without: %s", parts)
        else:
            log.warning("ร่างรายงานแล้วแต่ขาดบางส่วน: %s — ส่วนเหล่านี้คำนวณไม่ได้ในรอบนี้ (สาเหตุในวงเล็บ) "
                        "ส่วนอื่นของรายงานครบ ถ้าเกิดซ้ำให้ส่งบันทึกนี้ให้ผู้ดูแลระบบ (report drafted without some parts)",
                        parts)
    return StageResult(
        "reports",
        figures={"round": f"{due.fiscal_year}-{due.kind}", "reports": len(outputs) - 1,
                 **({"missing": ", ".join(figures.missing)} if figures.missing else {})},
        outputs=outputs,
    )


__all__ = ["build_public_page", "build_report", "report_filename", "stage"]
