import datetime

from workflows.calendar import add_working_days, is_working_day, next_working_day

D = datetime.date


def test_spring_festival_2024_holidays_are_skipped():
    # 2024 Spring Festival: 10–17 February off; Sunday 4 Feb and Sunday 18 Feb are 调休 working days.
    assert not is_working_day(D(2024, 2, 12))
    assert is_working_day(D(2024, 2, 4))
    assert is_working_day(D(2024, 2, 18))
    assert next_working_day(D(2024, 2, 9)) == D(2024, 2, 18)


def test_add_working_days_counts_make_up_sunday():
    # Friday 2 Feb 2024 + 1 working day is the make-up Sunday 4 Feb, not Monday 5 Feb.
    assert add_working_days(D(2024, 2, 2), 1) == D(2024, 2, 4)
    # Thu 8 Feb + 2: Fri 9 Feb, then the make-up Sunday 18 Feb.
    assert add_working_days(D(2024, 2, 8), 2) == D(2024, 2, 18)
    assert add_working_days(D(2024, 2, 8), 3) == D(2024, 2, 19)


def test_add_working_days_across_new_year():
    # 2024-12-31 (Tue) + 1 → 2025-01-02 (1 Jan is a holiday).
    assert add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
