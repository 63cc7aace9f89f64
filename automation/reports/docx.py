"""The Word edge: fill the office's docxtpl template with a report context and save it.

The template, not this code, decides fonts, wording and layout, so staff can change them in
Word. A template a person broke (a tag split or misspelt) gives one line saying which file and
what Jinja found, never a traceback.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage, RichText

from automation.reports.charts import Chart, render_png
from automation.reports.context import replace_charts
from automation.settings import PROJECT_ROOT, ConfigError, Settings
from automation.thaidate import Digits

log = logging.getLogger(__name__)
SHIPPED_TEMPLATES = PROJECT_ROOT / "templates"
_WARNED: set[Path] = set()
CHART_WIDTH = Cm(15)  # the text column is 16 cm wide between 3 cm and 2 cm margins


def template_file(settings: Settings, name: str) -> Path:
    """A template from [report] template_dir; the shipped one when that folder lacks it (a
    settings file copied elsewhere still drafts reports), with a warning saying so."""
    path = settings.resolve(settings.report.template_dir) / name
    shipped = SHIPPED_TEMPLATES / name
    if not path.is_file() and shipped.is_file():
        if path not in _WARNED:  # once per process, not once per report
            _WARNED.add(path)
            log.warning("%s not found; using the shipped template %s", path, shipped)
        return shipped
    return path


def template_path(settings: Settings, lang: str) -> Path:
    path = template_file(settings, "report-en.docx" if lang == "en" else "report.docx")
    if not path.is_file():
        raise ConfigError(
            f"{path}: report template not found; run `.venv/bin/python scripts/make_templates.py` "
            "or set [report] template_dir"
        )
    return path


def _evidence(tpl: DocxTemplate, text: str) -> RichText:
    """A link as a clickable hyperlink showing the address (it must survive printing too)."""
    if text.startswith(("http://", "https://")):
        return RichText(text, url_id=tpl.build_url_id(text), color="1F4E79", underline=True, size=24)
    return RichText(text)


def render_docx(settings: Settings, context: dict[str, Any], out: Path, template: Path | None = None) -> Path:
    """Render `context` into the template and write `out` (replacing it whole, never half-written)."""
    template = template or template_path(settings, context.get("lang", "th"))
    tpl = DocxTemplate(str(template))
    digit_style: Digits = "arabic" if context.get("lang") == "en" else settings.run.digits

    def picture(chart: Chart) -> Any:
        if not chart.values:
            return ""
        return InlineImage(tpl, io.BytesIO(render_png(chart, digit_style)), width=CHART_WIDTH)

    filled = replace_charts(context, picture)
    for row in filled.get("m", {}).get("rows", []):
        row["evidence"] = _evidence(tpl, row["evidence"])
    try:
        tpl.render(filled, autoescape=True)
    except jinja2.TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise ConfigError(f"{template}: the template's tags cannot be read ({exc}{where}); "
                          "check that every {{ }} and {% %} tag is whole") from None
    props = tpl.docx.core_properties
    props.title = f"{context.get('title', '')} {context.get('round_name', '')} {context.get('fiscal_year', '')}"
    props.author = context.get("office", {}).get("name", "")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".docx", dir=out.parent)
    os.close(fd)
    try:
        tpl.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
