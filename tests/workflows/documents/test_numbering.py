import threading

import pytest
from django.db import connection, transaction

from workflows.documents.models import DocumentSequence
from workflows.documents.numbering import numbers_take


def test_each_series_and_year_counts_from_one(db):
    assert list(numbers_take(key="notice:urging", year=2024)) == [1]
    assert list(numbers_take(key="notice:urging", year=2024, count=3)) == [2, 3, 4]
    assert list(numbers_take(key="notice:supervision", year=2024)) == [1]
    assert list(numbers_take(key="notice:urging", year=2025)) == [1]


def test_a_rolled_back_issue_leaves_no_gap(db):
    numbers_take(key="letter:kjj", year=2017)
    with pytest.raises(RuntimeError), transaction.atomic():
        numbers_take(key="letter:kjj", year=2017)
        raise RuntimeError("the letter failed to render")
    assert list(numbers_take(key="letter:kjj", year=2017)) == [2]


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="row locks serialise issuers on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_distinct_consecutive_numbers():
    taken, errors = [], []

    def issue():
        try:
            for _attempt in range(10):
                taken.extend(numbers_take(key="notice:urging", year=2024))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(taken) == list(range(1, 81))
    assert DocumentSequence.objects.get(key="notice:urging", year=2024).last == 80
