"""The local calendar in database expressions, for aggregates over many rows.

Grouping by ``TruncMonth`` or comparing ``__date`` converts every row's instant to the local zone;
over hundreds of thousands of rows that conversion is much of a statistic's time. Here the local
boundaries are computed once and each row's instant is compared with them instead: the months a
page shows (one binary search per row on PostgreSQL), and the midnight that ends a row's date, a
constant shift of it (China keeps no summer time, as the dashboard's months assumed before).
"""

import datetime

from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Cast
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


def by_end_of_local_day(instant, day):
    """Q: the instant in field ``instant`` comes on or before the local date in field ``day`` (what
    ``{instant}__date__lte=F(day)`` says), as: before the local midnight that ends that date."""
    shift = datetime.timedelta(days=1) - timezone.localtime().utcoffset()
    # the date as the instant of its UTC midnight (SQLite would add no hours to a bare date)
    midnight = Cast(F(day), DateTimeField())
    return Q(**{f"{instant}__lt": ExpressionWrapper(midnight + shift, output_field=DateTimeField())})
