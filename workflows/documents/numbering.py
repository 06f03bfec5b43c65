"""Document numbers (发文字号): one gapless series per kind of document and year, from 1.

Numbers are taken inside the caller's transaction under a row lock on the series, so concurrent
issuers queue for it and a rolled-back issue returns its numbers: no gaps, no duplicates.
"""

from django.db import transaction

from workflows.documents.models import DocumentSequence


def numbers_take(*, key, year, count=1):
    """Reserve the next ``count`` numbers of series ``key`` in ``year``; returns them as a range."""
    with transaction.atomic():
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(key=key, year=year, last=0)], ignore_conflicts=True
        )
        sequence = DocumentSequence.objects.select_for_update().get(key=key, year=year)
        first = sequence.last + 1
        sequence.last += count
        sequence.save(update_fields=["last"])
    return range(first, first + count)
