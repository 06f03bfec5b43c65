"""Document numbers (发文字号): one gapless series per kind of document and year, from 1.

Numbers are taken inside the caller's transaction under a row lock on the series, so concurrent
issuers queue for it and a rolled-back issue returns its numbers: no gaps, no duplicates.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

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


# 发文字号 (GB/T 9704 7.2.4): the issuer's code, the year in 〔〕, the number without leading zeros, 号.
NUMBER_PATTERN = re.compile(r"(?P<code>[^\s{}〔〕\[\]【】()（）0-9]{1,20})〔\{year\}〕\{n\}号")


def number_pattern_validate(pattern):
    """Refuse a number pattern other than ``机关代字〔{year}〕{n}号`` (e.g. 通科复〔{year}〕{n}号)."""
    if not NUMBER_PATTERN.fullmatch(pattern or ""):
        raise ValidationError(
            _(
                "The number pattern must read like 通科复〔{year}〕{n}号: "
                "the issuer's code, {year} in 〔〕, then {n}号."
            ),
            code="number_pattern",
        )


def document_number_issue(*, pattern, year):
    """Issue the next document number of ``pattern`` in ``year``: 通科复〔2017〕12号.

    The series is the pattern itself, so departments sharing an issuer's code share one gapless
    series and never print the same number twice. Call it inside the transaction that stores the
    number: a rollback returns it.
    """
    number_pattern_validate(pattern)
    [n] = numbers_take(key=f"letter:{pattern}", year=year)
    return pattern.replace("{year}", str(year)).replace("{n}", str(n))
