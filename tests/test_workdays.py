"""Thai working days: weekends, public and government holidays (substitution days and the
cabinet's extra days included) and the office's own days off from the settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from automation.settings import Settings, load_settings
from automation.workdays import WorkCalendar

D = dt.date
CAL = WorkCalendar()  # module-wide: each year's holidays are computed once


def test_songkran_2024_is_a_five_day_break_with_the_bridge_day_and_the_substitution_day() -> None:
    # 2024: Fri 12 April cabinet bridge day, Sat 13 - Mon 15 Songkran, Tue 16 in lieu of Sat 13.
    for day in (D(2024, 4, 12), D(2024, 4, 15), D(2024, 4, 16)):
        assert not CAL.is_working_day(day), day
    assert "ชดเชยวันสงกรานต์" in (CAL.holiday_name(D(2024, 4, 16)) or "")
    assert CAL.holiday_name(D(2024, 4, 16), lang="en") == "Songkran Festival (in lieu)"
    assert CAL.is_working_day(D(2024, 4, 11)) and CAL.is_working_day(D(2024, 4, 17))
    # Thursday 11 April + 1 working day: 12-16 are all off, so Wednesday 17 April.
    assert CAL.add_working_days(D(2024, 4, 11), 1) == D(2024, 4, 17)
    assert CAL.working_days_between(D(2024, 4, 11), D(2024, 4, 17)) == 1


def test_songkran_2025_moves_the_sunday_to_wednesday_16_april() -> None:
    # 2025: Sun 13, Mon 14, Tue 15 Songkran; Wed 16 in lieu of Sun 13; no bridge day.
    assert CAL.holiday_name(D(2025, 4, 16)) == "ชดเชยวันสงกรานต์"
    assert CAL.is_working_day(D(2025, 4, 11))  # a Friday, not a holiday in 2025
    # Friday 11 April + 1: Sat 12, Sun 13, Mon 14, Tue 15, Wed 16 off -> Thursday 17 April.
    assert CAL.add_working_days(D(2025, 4, 11), 1) == D(2025, 4, 17)


def test_a_substitution_day_is_not_a_working_day() -> None:
    # Makha Bucha fell on Saturday 24 February 2024; Monday 26 February was given in lieu.
    assert CAL.holiday_name(D(2024, 2, 26)) == "ชดเชยวันมาฆบูชา"
    assert CAL.add_working_days(D(2024, 2, 23), 1) == D(2024, 2, 27)  # Fri -> Tue


def test_29_february_2024_is_an_ordinary_working_day() -> None:
    assert CAL.is_working_day(D(2024, 2, 29))
    assert CAL.add_working_days(D(2024, 2, 28), 1) == D(2024, 2, 29)
    assert CAL.add_working_days(D(2024, 2, 29), 1) == D(2024, 3, 1)
    assert CAL.add_working_days(D(2023, 2, 28), 1) == D(2023, 3, 1)  # no 29th in 2023


def test_fifteen_working_days_from_1_april_2024_end_on_26_april() -> None:
    # After Mon 1 April: 2,3,4,5 (4); Mon 8 off (Chakri in lieu); 9,10,11 (7); 12-16 off;
    # 17,18,19 (10); 22,23,24,25,26 (15). Fifteen calendar days would be 16 April.
    assert CAL.add_working_days(D(2024, 4, 1), 15) == D(2024, 4, 26)
    assert CAL.working_days_between(D(2024, 4, 1), D(2024, 4, 26)) == 15
    assert CAL.add_days(D(2024, 4, 1), 15, "calendar") == D(2024, 4, 16)
    assert CAL.days_between(D(2024, 4, 1), D(2024, 4, 26), "calendar") == 25


def test_counting_backwards_and_zero() -> None:
    assert CAL.add_working_days(D(2024, 4, 17), -1) == D(2024, 4, 11)
    assert CAL.add_working_days(D(2024, 4, 13), 0) == D(2024, 4, 13)
    assert CAL.working_days_between(D(2024, 4, 17), D(2024, 4, 11)) == -1


def _with_days_off(settings: Settings, days: list[dt.date]) -> Settings:
    return load_settings(Path(settings.source), run__today=settings.run.today,
                         deadlines__office_days_off=days)


def test_an_office_day_off_from_the_settings_changes_the_count(settings: Settings) -> None:
    # Thursday 9 May 2024 + 1: Fri 10 May is the Royal Ploughing Ceremony, then the weekend,
    # so Monday 13 May; with 13 May as the office's own day off, Tuesday 14 May.
    assert WorkCalendar(settings).add_working_days(D(2024, 5, 9), 1) == D(2024, 5, 13)
    office = WorkCalendar(_with_days_off(settings, [D(2024, 5, 13)]))
    assert office.add_working_days(D(2024, 5, 9), 1) == D(2024, 5, 14)
    assert office.working_days_between(D(2024, 5, 9), D(2024, 5, 17)) == 4  # 14, 15, 16, 17
    assert office.holiday_name(D(2024, 5, 13)) == "วันหยุดของสำนักงาน"
    assert office.holiday_name(D(2024, 5, 11)) is None  # a Saturday is a weekend, not a holiday


def test_new_year_and_the_fiscal_year_change() -> None:
    # Mon 30 Dec 2024 (cabinet extra day) and Tue 31 Dec, Wed 1 Jan 2025 are all off.
    assert CAL.add_working_days(D(2024, 12, 27), 1) == D(2025, 1, 2)
    # 1 October (a new fiscal year) is no holiday; 13-14 October 2024 are (14 in lieu).
    assert CAL.is_working_day(D(2024, 10, 1))
    assert CAL.add_working_days(D(2024, 10, 11), 1) == D(2024, 10, 15)


@hyp_settings(max_examples=60, deadline=None)
@given(st.dates(min_value=D(2023, 1, 1), max_value=D(2026, 12, 31)), st.integers(0, 40))
def test_adding_and_counting_working_days_agree(start: dt.date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)


def _walked(calendar: WorkCalendar, a: dt.date, b: dt.date) -> int:
    """The plain definition: walk the days after a up to b, counting the working ones."""
    if b < a:
        return -_walked(calendar, b, a)
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


@given(a=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2027, 12, 31)),
       b=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2027, 12, 31)))
@hyp_settings(max_examples=300, deadline=None)
def test_counting_from_running_totals_equals_walking_day_by_day(a: dt.date, b: dt.date) -> None:
    calendar = WorkCalendar(office_days_off=[dt.date(2024, 5, 2), dt.date(2025, 12, 31)])
    assert calendar.working_days_between(a, b) == _walked(calendar, a, b)


def test_the_shipped_holiday_table_equals_the_holidays_package_in_every_year_it_holds() -> None:
    # The run reads the table (importing the package costs a tenth of a second); a year
    # outside it, or a package upgrade that changes a day or a name, shows here.
    from automation.thai_holidays import FIRST_YEAR, LANGUAGES, LAST_YEAR, from_package, thai_holidays

    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for language in LANGUAGES:
            assert thai_holidays(year, language) == from_package(year, language), (year, language)
    assert thai_holidays(LAST_YEAR + 1, "th") == from_package(LAST_YEAR + 1, "th")  # past the table: the package
