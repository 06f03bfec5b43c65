"""Document numbers (发文字号): one gapless series per kind of document and year, from 1.

Numbers are taken inside the caller's transaction under a row lock on the series, so concurrent
issuers queue for it and a rolled-back issue returns its numbers: no gaps, no duplicates.
"""

from django.db import transaction

from workflows.documents.models import DocumentSequence
from workflows.documents.validators import number_pattern_validate


def numbers_take(*, key, year, count=1):
    """Reserve the next ``count`` numbers of series ``key`` in ``year``; returns them as a range."""
    with transaction.atomic(savepoint=False):  # never refuses: no savepoint to roll back to
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(key=key, year=year, last=0)], ignore_conflicts=True
        )
        sequence = DocumentSequence.objects.select_for_update().get(key=key, year=year)
        first = sequence.last + 1
        sequence.last += count
        sequence.save(update_fields=["last"])
    return range(first, first + count)


def document_number_issue(*, pattern, year):
    """Issue the next document number of ``pattern`` in ``year``: 通科复〔2017〕12号.

    The series is the pattern itself, so departments sharing an issuer's code share one gapless
    series and never print the same number twice. Call it inside the transaction that stores the
    number: a rollback returns it.
    """
    number_pattern_validate(pattern)
    [n] = numbers_take(key=f"letter:{pattern}", year=year)
    return pattern.replace("{year}", str(year)).replace("{n}", str(n))
