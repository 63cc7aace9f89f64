"""What a stage is: a plain function of the run's typed inputs returning findings and figures.

Ground level: every stage imports this, and the pipeline that runs the stages imports them;
no stage imports the pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from automation.findings import Finding
from automation.schema import Schema
from automation.settings import Settings
from automation.tables import Tables


@dataclass
class RunContext:
    settings: Settings
    schema: Schema
    tables: Tables
    today: dt.date
    lang: str
    # Figures earlier stages computed, for later ones (the report reads satisfaction's).
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class StageResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)  # JSON-able, for the summary
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


Stage = Callable[[RunContext], StageResult]


def drafts_only(stage: Stage) -> Stage:
    """Mark a stage that only drafts files (reports, the public page): it returns no findings
    and no figure the summary sheet shows, so the pipeline writes the workbook while it runs."""
    stage.drafts_only = True  # type: ignore[attr-defined]
    return stage
