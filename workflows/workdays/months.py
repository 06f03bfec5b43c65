"""Which local calendar month an instant falls in, computed in the database for aggregates.

Grouping by ``TruncMonth`` converts every row's instant to the local zone and truncates it; over
hundreds of thousands of rows that conversion is most of a statistic's time. The months a page
shows are known beforehand, so each row is compared with their boundaries instead (instants, one
binary search per row on PostgreSQL) and gets the month's number, or none outside them.
"""

import datetime

from django.db.models import Case, Func, IntegerField, Value, When
from django.db.models.lookups import LessThan
from django.utils import timezone


def month_boundaries(months):
    """The local midnights starting each month of ``months`` (first days, in order) and the one
    ending the last of them."""
    if not months:
        return []
    after_last = (months[-1] + datetime.timedelta(days=32)).replace(day=1)
    return [
        timezone.make_aware(datetime.datetime.combine(day, datetime.time())) for day in [*months, after_last]
    ]


class MonthNumber(Func):
    """1 for an instant in the first of ``months``, 2 in the second…; 0 before them and
    ``len(months) + 1`` after them."""

    function = "WIDTH_BUCKET"
    output_field = IntegerField()

    def __init__(self, expression, months):
        self.boundaries = month_boundaries(months)
        super().__init__(expression, Value(self.boundaries))

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="WIDTH_BUCKET(%(expressions)s::timestamptz[])")

    def as_sql(self, compiler, connection, **extra_context):
        # other databases (SQLite in development): the same numbers from a CASE over the boundaries
        instant = self.get_source_expressions()[0]
        whens = [
            When(LessThan(instant, boundary), then=Value(number))
            for number, boundary in enumerate(self.boundaries)
        ]
        case = Case(*whens, default=Value(len(self.boundaries)), output_field=IntegerField())
        return compiler.compile(case)


def month_of(months, number):
    """The first day of the month a ``MonthNumber`` names, or None outside ``months``."""
    return months[number - 1] if number is not None and 1 <= number <= len(months) else None
