"""Document numbers (发文字号): one gapless series per kind of document and year, from 1.

Numbers are taken inside the caller's transaction under a row lock on the series, so concurrent
issuers queue for it and a rolled-back issue returns its numbers: no gaps, no duplicates.
"""

from django.db import connection, transaction

from workflows.documents.models import DocumentSequence
from workflows.documents.validators import number_pattern_validate


def numbers_take(*, key, year, count=1):
    """Reserve the next ``count`` numbers of series ``key`` in ``year``; returns them as a range.

    One statement creates the series or moves it on, and returns where it now ends: the upsert
    locks the series' row until the caller's transaction ends (PostgreSQL and SQLite both run it)."""
    table, key_, year_, last_ = map(
        connection.ops.quote_name, (DocumentSequence._meta.db_table, "key", "year", "last")
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {year_}, {last_}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({key_}, {year_}) DO UPDATE SET {last_} = {table}.{last_} + excluded.{last_} "
            f"RETURNING {last_}",
            [key, year, count],
        )
        [last] = cursor.fetchone()
    return range(last - count + 1, last + 1)


def document_number_issue(*, pattern, year):
    """Issue the next document number of ``pattern`` in ``year``: 通科复〔2017〕12号.

    The series is the pattern itself, so departments sharing an issuer's code share one gapless
    series and never print the same number twice. Call it inside the transaction that stores the
    number: a rollback returns it.
    """
    number_pattern_validate(pattern)
    [n] = numbers_take(key=f"letter:{pattern}", year=year)
    return pattern.replace("{year}", str(year)).replace("{n}", str(n))
