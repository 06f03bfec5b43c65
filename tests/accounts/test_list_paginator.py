"""ListPaginator gives the pages Django's paginator gives, reading the far half from the end."""

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import ListPaginator
from accounts.models import Department
from tests.conftest import make_department


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_holds_the_rows_django_gives_it(orphans):
    kinds = Department.Kind.values
    for number in range(23):  # kinds repeat: pk decides between them
        make_department(f"d{number}", f"单位{number}", f"单位{number}", kind=kinds[number % len(kinds)])
    ordered = Department.objects.order_by("-kind", "pk")
    for per_page in (1, 4, 5, 10, 50):
        ours = ListPaginator(ordered, per_page, orphans=orphans)
        django = Paginator(ordered, per_page, orphans=orphans)
        assert ours.num_pages == django.num_pages
        for number in django.page_range:
            assert list(ours.page(number)) == list(django.page(number)), (per_page, number)


@pytest.mark.django_db
def test_the_last_page_skips_no_more_rows_than_the_first():
    for number in range(40):
        make_department(f"d{number:02}", f"单位{number}", f"单位{number}")
    paginator = ListPaginator(Department.objects.order_by("code", "pk"), 10)
    with CaptureQueriesContext(connection) as captured:
        last = paginator.page(paginator.num_pages)
    assert [department.code for department in last] == [f"d{n:02}" for n in range(30, 40)]
    offsets = [int(n) for query in captured for n in re.findall(r"OFFSET (\d+)", query["sql"])]
    assert max(offsets, default=0) == 0
