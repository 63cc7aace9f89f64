"""The Thai calendar: every date form staff type parses back to the same day."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.thaidate import (
    MONTHS_ABBR,
    MONTHS_FULL,
    DateParseError,
    FiscalRound,
    be_year,
    fiscal_year_of,
    format_thai_date,
    from_serial,
    latest_round,
    parse_date,
    parse_datetime,
    round_to_report,
    to_arabic_digits,
    to_serial,
    to_thai_digits,
)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2039, 12, 31))


@pytest.mark.parametrize(
    "text",
    [
        "15/03/2567",
        "15/3/2567",
        "15/3/24",
        "15/03/2024",
        "15 มี.ค. 67",
        "15 มี.ค. 2567",
        "๑๕ มีนาคม ๒๕๖๗",
        "15 มีนาคม พ.ศ. 2567",
        "วันที่ 15 มีนาคม 2567",
        "2024-03-15",
        "15-03-2567",
        "15.03.2567",
        "15 March 2024",
        "15/03/2567 10:30:00",
        "๑๕/๐๓/๒๕๖๗",
    ],
)
def test_every_documented_form_means_15_march_2024(text: str) -> None:
    assert parse_date(text) == dt.date(2024, 3, 15)


def test_date_cells_and_serial_numbers_are_dates() -> None:
    assert parse_date(dt.datetime(2024, 3, 15, 9, 0)) == dt.date(2024, 3, 15)
    assert parse_date(45366) == dt.date(2024, 3, 15)
    assert parse_date(45366.75) == dt.date(2024, 3, 15)
    assert parse_date("45366") == dt.date(2024, 3, 15)


@pytest.mark.parametrize("text", ["31/02/2567", "30 ก.พ. 67", "15/13/2567", "2024-02-30"])
def test_impossible_dates_fail_as_impossible(text: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    assert info.value.reason == "impossible"


@pytest.mark.parametrize("value", ["", "พรุ่งนี้", "15 ธันวา", "abc/def/ghi", None, True, 0, -3, float("nan")])
def test_non_dates_fail_as_format(value: object) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(value)
    assert info.value.reason == "format"


def test_29_february_exists_only_in_leap_years() -> None:
    assert parse_date("29/02/2567") == dt.date(2024, 2, 29)
    with pytest.raises(DateParseError):
        parse_date("29/02/2568")


def test_timestamps_keep_their_time() -> None:
    assert parse_datetime("15/3/2567, 10:30:05") == dt.datetime(2024, 3, 15, 10, 30, 5)
    assert parse_datetime(45366.5) == dt.datetime(2024, 3, 15, 12, 0)
    assert parse_datetime("2024-03-15") == dt.datetime(2024, 3, 15)


@given(days, st.times(), st.sampled_from(["", "Z", "+07:00", "-0300"]), st.booleans())
def test_iso_timestamps_with_a_t_keep_their_day_and_time(day: dt.date, clock: dt.time, zone: str,
                                                         space: bool) -> None:
    """CSV exports and scripts write 2024-03-15T09:30:00(.123)(+07:00); the wall-clock time is kept."""
    stamp = dt.datetime.combine(day, clock).isoformat(sep=" " if space else "T") + ("" if space else zone)
    whole = dt.datetime.combine(day, clock.replace(microsecond=0))
    assert parse_date(stamp) == day
    assert parse_datetime(stamp) == whole


def test_official_date_style_uses_thai_digits_and_be_year() -> None:
    assert format_thai_date(dt.date(2024, 3, 31)) == "๓๑ มีนาคม ๒๕๖๗"
    assert format_thai_date(dt.date(2024, 3, 31), "arabic") == "31 มีนาคม 2567"
    assert format_thai_date(dt.date(2024, 3, 31), "arabic", "abbr") == "31 มี.ค. 2567"


@given(days, st.sampled_from(["thai", "arabic"]), st.sampled_from(["full", "abbr"]))
def test_formatted_dates_parse_back(day: dt.date, digits: str, month: str) -> None:
    assert parse_date(format_thai_date(day, digits, month)) == day  # type: ignore[arg-type]


@given(days)
def test_numeric_forms_round_trip(day: dt.date) -> None:
    be = be_year(day.year)
    forms = [
        f"{day.day:02d}/{day.month:02d}/{be}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}/{day.month}/{be % 100:02d}" if be % 100 >= 40 else f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        to_thai_digits(f"{day.day}/{day.month}/{be}"),
        f"{day.day} {MONTHS_ABBR[day.month - 1]} {be % 100:02d}" if be % 100 >= 40 else day.isoformat(),
        f"{day.day} {MONTHS_FULL[day.month - 1]} พ.ศ. {be}",
    ]
    for form in forms:
        assert parse_date(form) == day, form


def every_typed_form(day: dt.date) -> list[str]:
    """The day in each form DOMAIN.md lists, as a person would type it."""
    be, ce = be_year(day.year), day.year
    forms = [
        f"{day.day:02d}/{day.month:02d}/{be}",  # 15/03/2567
        f"{day.day}/{day.month}/{ce}",  # 15/3/2024
        f"{day.day} {MONTHS_FULL[day.month - 1]} {be}",  # 15 มีนาคม 2567
        to_thai_digits(f"{day.day} {MONTHS_FULL[day.month - 1]} {be}"),  # ๑๕ มีนาคม ๒๕๖๗
        f"{day.day} {MONTHS_ABBR[day.month - 1]} {be}",  # 15 มี.ค. 2567
        day.isoformat(),  # 2024-03-15
        to_thai_digits(f"{day.day:02d}/{day.month:02d}/{be}"),  # ๑๕/๐๓/๒๕๖๗
    ]
    # Two-digit years: 40-99 are BE (67 = 2567), 00-39 are CE (24 = 2024).
    if be % 100 >= 40:
        forms += [f"{day.day} {MONTHS_ABBR[day.month - 1]} {be % 100:02d}",  # 15 มี.ค. 67
                  f"{day.day}/{day.month}/{be % 100:02d}"]  # 15/3/67
    if ce % 100 < 40:
        forms.append(f"{day.day}/{day.month}/{ce % 100:02d}")  # 15/3/24
    return forms


@given(st.dates(min_value=dt.date(1997, 1, 1), max_value=dt.date(2039, 12, 31)))
def test_every_typed_form_round_trips(day: dt.date) -> None:
    for form in every_typed_form(day):
        assert parse_date(form) == day, form


@given(days, st.times())
def test_date_cells_round_trip(day: dt.date, clock: dt.time) -> None:
    assert parse_date(day) == day
    assert parse_date(dt.datetime.combine(day, clock)) == day
    assert parse_date(pd.Timestamp(dt.datetime.combine(day, clock))) == day


@given(days, st.floats(min_value=0, max_value=0.999, allow_nan=False))
def test_serial_numbers_round_trip(day: dt.date, fraction: float) -> None:
    serial = to_serial(day)
    assert from_serial(serial).date() == day
    assert parse_date(serial) == day
    assert parse_date(serial + fraction) == day  # a date-time serial: the day is its whole part
    assert parse_date(str(serial)) == day  # a serial that arrived as text


@given(
    st.integers(min_value=2000, max_value=2039),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=29, max_value=31),
)
def test_an_impossible_day_fails_as_impossible_in_every_form(year: int, month: int, day: int) -> None:
    if day <= calendar.monthrange(year, month)[1]:
        return  # a real day; only the impossible ones are this test's business
    be = be_year(year)
    forms = [
        f"{day}/{month:02d}/{be}", f"{day}/{month}/{year}", f"{day}/{month}/{be % 100:02d}",
        f"{day} {MONTHS_ABBR[month - 1]} {be % 100:02d}", to_thai_digits(f"{day} {MONTHS_FULL[month - 1]} {be}"),
        f"{year}-{month:02d}-{day:02d}",
    ]
    for form in forms:
        with pytest.raises(DateParseError) as info:
            parse_date(form)
        assert info.value.reason == "impossible", form
        assert form in str(info.value)  # the message shows what was typed


@given(st.text(max_size=30))
def test_parse_date_never_fails_unexpectedly(text: str) -> None:
    try:
        parse_date(text)
    except DateParseError:
        pass


@given(st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙ab", max_size=20))
def test_digit_conversion_round_trips(text: str) -> None:
    assert to_arabic_digits(to_thai_digits(text)) == to_arabic_digits(text)


def test_fiscal_year_changes_on_1_october() -> None:
    assert fiscal_year_of(dt.date(2023, 9, 30)) == 2566
    assert fiscal_year_of(dt.date(2023, 10, 1)) == 2567
    assert fiscal_year_of(dt.date(2024, 9, 30)) == 2567


def test_rounds_have_the_official_boundaries() -> None:
    h1 = FiscalRound(2567, "h1")
    annual = FiscalRound(2567, "annual")
    assert (h1.start, h1.end) == (dt.date(2023, 10, 1), dt.date(2024, 3, 31))
    assert (annual.start, annual.end) == (dt.date(2023, 10, 1), dt.date(2024, 9, 30))
    assert h1.contains(dt.date(2024, 3, 31)) and not h1.contains(dt.date(2024, 4, 1))
    assert h1.previous() == FiscalRound(2566, "annual")
    assert annual.previous() == h1
    assert annual.same_round_last_year() == FiscalRound(2566, "annual")
    assert h1.label() == "ปีงบประมาณ พ.ศ. ๒๕๖๗ รอบ ๖ เดือน"


def test_the_round_to_report_is_the_one_just_closed_within_the_grace_period() -> None:
    assert round_to_report(dt.date(2024, 4, 20), 30) == FiscalRound(2567, "h1")
    assert round_to_report(dt.date(2024, 5, 20), 30) == FiscalRound(2567, "annual")
    assert round_to_report(dt.date(2024, 10, 15), 30) == FiscalRound(2567, "annual")
    assert round_to_report(dt.date(2024, 11, 15), 30) == FiscalRound(2568, "h1")


# What --round alone means on the 15th of every month of FY 2570 (Oct 2026 - Sep 2027): the most
# recent round of that kind that has closed. The old reading (today's fiscal year) gave the
# annual round of 2570 all year and round 1 of 2570 before it had closed.
@pytest.mark.parametrize(("month", "annual", "h1"), [
    ((2026, 10), 2569, 2569), ((2026, 11), 2569, 2569), ((2026, 12), 2569, 2569),
    ((2027, 1), 2569, 2569), ((2027, 2), 2569, 2569), ((2027, 3), 2569, 2569),
    ((2027, 4), 2569, 2570), ((2027, 5), 2569, 2570), ((2027, 6), 2569, 2570),
    ((2027, 7), 2569, 2570), ((2027, 8), 2569, 2570), ((2027, 9), 2569, 2570),
])
def test_round_alone_is_the_most_recent_of_its_kind_that_has_closed(
    month: tuple[int, int], annual: int, h1: int
) -> None:
    for day in (1, 15, calendar.monthrange(*month)[1]):
        today = dt.date(*month, day)
        assert latest_round("annual", today) == FiscalRound(annual, "annual"), today
        assert latest_round("h1", today) == FiscalRound(h1 if today > dt.date(2027, 3, 31) else 2569, "h1"), today


@given(days, st.integers(0, 120), st.sampled_from(["h1", "annual"]))
def test_round_alone_agrees_with_the_scheduled_run_when_it_drafts_a_closed_round(
    today: dt.date, grace: int, kind: str
) -> None:
    chosen = latest_round(kind, today, grace)
    assert chosen.kind == kind and chosen.end < today <= chosen.same_round_last_year().end.replace(
        year=chosen.end.year + 1)  # closed, and the next one of its kind has not
    due = round_to_report(today, grace)
    if due.kind == kind and due.end < today:
        assert chosen == due
