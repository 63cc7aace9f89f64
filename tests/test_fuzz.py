"""Generated workbooks through every stage never crash (a few hundred here; `python -m bench
fuzz` runs 10,000 and records the result in bench/results/latest.json)."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hyp_settings

from bench.fuzz import fuzz_settings, run_example, workbooks

SETTINGS = fuzz_settings()
FINDINGS_HEADER = ["ระดับ", "ชีต", "แถว", "รหัสรายการ", "คอลัมน์", "ค่าที่พบ", "รหัสกฎ", "ปัญหาที่พบ", "วิธีแก้ไข",
                   "หน่วยงาน", "พบครั้งแรก", "พบล่าสุด"]
QUESTION = SETTINGS.survey.questions[0].column


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    logging.disable(logging.WARNING)  # stages log what they skip; hundreds of times here
    yield
    logging.disable(logging.NOTSET)


# The first two crashes the 10,000-example run found, kept as examples: an infinite number
# in a Likert answer (satisfaction) and in the fiscal year (the report's measure progress).
INFINITE_ANSWER = {SETTINGS.sheets.responses: [["ประทับเวลา", QUESTION], [None, None], ["1", math.inf]],
                   SETTINGS.sheets.findings: [FINDINGS_HEADER]}
INFINITE_YEAR = {SETTINGS.sheets.measures: [["รหัสแถว", "ปีงบประมาณ"], [None, None], [None, math.inf]]}


@hyp_settings(max_examples=250, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbooks())
@example(INFINITE_ANSWER)
@example(INFINITE_YEAR)
def test_no_generated_workbook_crashes_a_stage_or_the_write_back(grids: dict[str, Any]) -> None:
    assert run_example(grids) == []


def test_the_infinite_answer_is_a_finding_not_a_score() -> None:
    from automation.likert import LikertError, parse_likert

    for value in (math.inf, -math.inf, math.nan):
        with pytest.raises(LikertError):
            parse_likert(value)
    assert parse_likert(5.0) == 5


def test_the_fuzz_command_alone_on_a_fresh_folder_exits_0_when_nothing_crashed(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench fuzz` into an empty results folder has no timings to chart: it writes
    its verdict and exits 0 (it died on a log-scaled chart of nothing, exit 1, after a clean fuzz)."""
    import json

    from bench.__main__ import main as bench_main

    assert bench_main(["fuzz", "--examples", "3", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert data["fuzz"]["examples_run"] == 3 and data["fuzz"]["crashes"] == 0
    assert "no crash" in (tmp_path / "latest.md").read_text(encoding="utf-8")
