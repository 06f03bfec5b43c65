"""Working days on the Chinese official calendar (statutory holidays and 调休 make-up days).

Every rule in DESIGN.md that says 工作日 counts with these functions.
"""

import datetime

import chinese_calendar


def is_working_day(day: datetime.date) -> bool:
    return chinese_calendar.is_workday(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after ``day``."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted)."""
    for _step in range(count):
        day = next_working_day(day)
    return day
