"""Working days on the Chinese official calendar, with the secretariat's corrections."""

import datetime

import pytest

from workflows.workdays import calendar
from workflows.workdays.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    previous_working_day,
    subtract_working_days,
    uncovered_years,
    working_day_on_or_after,
    working_days_between,
    year_is_covered,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def test_spring_festival_2024_holidays_are_skipped():
    # 2024 Spring Festival: 10–17 February off; Sunday 4 Feb and Sunday 18 Feb are 调休 working days.
    assert not is_working_day(D(2024, 2, 12))
    assert is_working_day(D(2024, 2, 4))
    assert is_working_day(D(2024, 2, 18))
    assert next_working_day(D(2024, 2, 9)) == D(2024, 2, 18)
    assert previous_working_day(D(2024, 2, 18)) == D(2024, 2, 9)
    assert working_day_on_or_after(D(2024, 2, 12)) == D(2024, 2, 18)
    assert working_day_on_or_after(D(2024, 2, 18)) == D(2024, 2, 18)


def test_add_working_days_counts_make_up_sunday():
    # Friday 2 Feb 2024 + 1 working day is the make-up Sunday 4 Feb, not Monday 5 Feb.
    assert add_working_days(D(2024, 2, 2), 1) == D(2024, 2, 4)
    # Thu 8 Feb + 2: Fri 9 Feb, then the make-up Sunday 18 Feb.
    assert add_working_days(D(2024, 2, 8), 2) == D(2024, 2, 18)
    assert add_working_days(D(2024, 2, 8), 3) == D(2024, 2, 19)
    assert subtract_working_days(D(2024, 2, 19), 2) == D(2024, 2, 9)


def test_add_working_days_across_new_year():
    # 2024-12-31 (Tue) + 1 → 2025-01-02 (1 Jan is a holiday).
    assert add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
    assert subtract_working_days(D(2025, 1, 2), 1) == D(2024, 12, 31)


def test_counting_working_days_between_two_dates():
    # after Fri 9 Feb 2024 up to Mon 19 Feb: the make-up Sunday 18 Feb and Monday 19 Feb
    assert working_days_between(D(2024, 2, 9), D(2024, 2, 19)) == 2
    assert working_days_between(D(2024, 2, 19), D(2024, 2, 9)) == 0
    assert working_days_between(D(2024, 12, 30), D(2025, 1, 3)) == 3


def test_years_the_package_does_not_cover_fall_back_to_monday_to_friday():
    assert year_is_covered(2015) and year_is_covered(2026)
    assert not year_is_covered(2027)
    assert uncovered_years([2026, 2027, 2027, 2028]) == [2027, 2028]
    # 1 January 2027 is a Friday: without the year's arrangement it counts as a working day
    assert is_working_day(D(2027, 1, 1))
    assert not is_working_day(D(2027, 1, 2))


def test_corrections_override_the_official_calendar(secretariat):
    calendar.calendar_correction_add(day=D(2027, 1, 1), is_working_day=False, note="元旦", actor=secretariat)
    calendar.calendar_correction_add(
        day=D(2027, 1, 2), is_working_day=True, note="调休上班", actor=secretariat
    )
    assert not is_working_day(D(2027, 1, 1))
    assert is_working_day(D(2027, 1, 2))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 2)
    # a correction also overrides a year the package covers
    calendar.calendar_correction_add(
        day=D(2026, 6, 1), is_working_day=False, note="地方调整", actor=secretariat
    )
    assert not is_working_day(D(2026, 6, 1))


def test_deleting_a_correction_restores_the_official_day(secretariat):
    correction = calendar.calendar_correction_add(day=D(2024, 2, 12), is_working_day=True, actor=secretariat)
    assert is_working_day(D(2024, 2, 12))
    calendar.calendar_correction_delete(correction=correction)
    assert not is_working_day(D(2024, 2, 12))


def test_a_confirmed_year_counts_as_covered(secretariat):
    assert not year_is_covered(2027)
    calendar.calendar_year_confirm(year=2027, actor=secretariat)
    assert year_is_covered(2027)
    calendar.calendar_year_confirm(year=2027, actor=secretariat)
    assert uncovered_years([2027]) == []
