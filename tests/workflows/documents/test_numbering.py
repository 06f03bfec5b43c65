import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from tests.factories import DepartmentFactory
from tests.workflows.documents.letter_277 import letter_277
from workflows.documents import services
from workflows.documents.models import DocumentSequence, LetterDocument
from workflows.documents.numbering import document_number_issue, number_pattern_validate, numbers_take


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


def test_document_numbers_follow_the_pattern_without_leading_zeros(db):
    pattern = "通科复〔{year}〕{n}号"
    assert document_number_issue(pattern=pattern, year=2017) == "通科复〔2017〕1号"
    assert document_number_issue(pattern=pattern, year=2017) == "通科复〔2017〕2号"
    assert document_number_issue(pattern="通科协复〔{year}〕{n}号", year=2017) == "通科协复〔2017〕1号"
    assert document_number_issue(pattern=pattern, year=2018) == "通科复〔2018〕1号"


@pytest.mark.parametrize(
    "pattern",
    [
        "通科复[{year}]{n}号",
        "通科复({year}){n}号",
        "通科复〔{year}〕第{n}号",
        "〔{year}〕{n}号",
        "通科复〔{year}〕{n}",
        "",
    ],
)
def test_a_pattern_other_than_code_year_number_is_refused(db, pattern):
    with pytest.raises(ValidationError, match=re.escape("通科复〔{year}〕{n}号")):
        number_pattern_validate(pattern)
    assert not DocumentSequence.objects.exists()


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="row locks serialise issuers on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_of_letters_get_unique_gapless_numbers(settings, tmp_path):
    """Eight secretariat clerks release 40 letters at once: 通科复〔2017〕1号 to 40号, each once."""
    settings.MEDIA_ROOT = tmp_path
    subjects = [DepartmentFactory() for _subject in range(40)]
    errors, barrier = [], threading.Barrier(8)

    def release(batch):
        try:
            barrier.wait()
            for subject in batch:
                with transaction.atomic():  # the release's own transaction, as 核稿's
                    services.letter_release(
                        subject=subject, data=letter_277(), number_pattern="通科复〔{year}〕{n}号"
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=release, args=(subjects[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(LetterDocument.objects.values_list("number", flat=True), key=lambda n: int(n[9:-1]))
    assert numbers == [f"通科复〔2017〕{n}号" for n in range(1, 41)]


@pytest.mark.django_db(transaction=True)
def test_a_release_outside_a_transaction_is_refused_and_issues_no_number(settings, tmp_path):
    """The number must live and die with the transaction that stores the release."""
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(TransactionManagementError):
        services.letter_release(
            subject=DepartmentFactory(), data=letter_277(), number_pattern="通科复〔{year}〕{n}号"
        )
    assert not DocumentSequence.objects.exists() and not LetterDocument.objects.exists()
