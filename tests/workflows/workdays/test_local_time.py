"""MonthNumber: the local month an instant falls in, counted in the database against the month
boundaries (local midnights), the same on PostgreSQL and SQLite."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session

from workflows.workdays.local_time import MonthNumber, month_boundaries, month_of

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def months_of(**instants):
    """Each named instant's month (first day, or None), computed in the database."""
    for name, instant in instants.items():
        Session.objects.create(session_key=name, session_data="", expire_date=instant)
    rows = Session.objects.annotate(number=MonthNumber("expire_date", MONTHS)).values_list(
        "session_key", "number"
    )
    return {name: month_of(MONTHS, number) for name, number in rows}


def test_each_instant_falls_in_its_local_month_not_its_utc_one():
    assert months_of(
        december=local(2025, 12, 31, 23, 59),
        new_year=local(2026, 1, 1, 0, 0),  # still 31 December in UTC
        january=local(2026, 1, 31, 23, 59),
        february=local(2026, 2, 1, 7, 30),  # 31 January in UTC
        end_of_february=local(2026, 2, 28, 23, 59),
        march=local(2026, 3, 1, 0, 0),
    ) == {
        "december": None,
        "new_year": MONTHS[0],
        "january": MONTHS[0],
        "february": MONTHS[1],
        "end_of_february": MONTHS[1],
        "march": None,
    }


def test_the_boundaries_are_local_midnights_and_no_months_have_none():
    assert month_boundaries(MONTHS) == [local(2026, 1, 1), local(2026, 2, 1), local(2026, 3, 1)]
    assert month_boundaries([]) == []
    assert month_of(MONTHS, None) is None and month_of(MONTHS, 0) is None
